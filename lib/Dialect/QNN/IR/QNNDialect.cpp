//===- QNNDialect.cpp - The qnn dialect ----------------------------------===//
//
// Registers the qnn ops and attributes and materializes folded constants.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace quantc::qnn;

#include "quantc/Dialect/QNN/IR/QNNDialect.cpp.inc"
#include "quantc/Dialect/QNN/IR/QNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "quantc/Dialect/QNN/IR/QNNAttrs.cpp.inc"

void QNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "quantc/Dialect/QNN/IR/QNNOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "quantc/Dialect/QNN/IR/QNNAttrs.cpp.inc"
      >();
}

Operation *QNNDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  auto tensorType = dyn_cast<RankedTensorType>(type);
  // A default-constructed diagnostic is inactive: the check stays silent.
  if (!elements || !tensorType ||
      failed(ConstantOp::verifyValueFitsType(
          elements, tensorType, [] { return InFlightDiagnostic(); })))
    return nullptr;
  return ConstantOp::create(builder, loc, tensorType, elements);
}
