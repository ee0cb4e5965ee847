//===- ExpandQuantized.cpp - The qnn-expand-quantized pass ---------------===//
//
// Runs every quantized op that has no integer lowering on floats: its
// quantized operands are dequantized, the op computes in the expressed type,
// and its quantized results are quantized back. This is exactly the op's
// real-valued semantics (docs/dialect.md), so the rewrite changes no result.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace quantc {
#define GEN_PASS_DEF_EXPANDQUANTIZED
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The float tensor type a quantized tensor type expresses; other types
/// stay.
static Type getExpressedTensorType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return type;
  if (auto quantized = dyn_cast<quant::QuantizedType>(tensor.getElementType()))
    return tensor.clone(quantized.getExpressedType());
  return type;
}

namespace {
struct ExpandQuantizedPass final
    : quantc::impl::ExpandQuantizedBase<ExpandQuantizedPass> {
  void runOnOperation() override {
    SmallVector<Operation *> toExpand;
    getOperation().walk([&](Operation *op) {
      std::string reason;
      if (isa<qnn::QNNDialect>(op->getDialect()) &&
          failed(qnn_to_linalg::checkQuantizedLowering(op, reason)))
        toExpand.push_back(op);
    });
    for (Operation *op : toExpand) {
      OpBuilder b(op);
      Location loc = op->getLoc();
      SmallVector<Value> operands;
      DenseMap<Value, Value> dequantized;
      for (Value operand : op->getOperands()) {
        Type expressed = getExpressedTensorType(operand.getType());
        if (expressed == operand.getType()) {
          operands.push_back(operand);
          continue;
        }
        Value &real = dequantized[operand];
        if (!real)
          real = qnn::DequantizeOp::create(b, loc, expressed, operand);
        operands.push_back(real);
      }
      SmallVector<Type> resultTypes;
      for (Type type : op->getResultTypes())
        resultTypes.push_back(getExpressedTensorType(type));
      OperationState state(loc, op->getName().getStringRef(), operands,
                           resultTypes, op->getAttrs());
      Operation *floatOp = b.create(state);
      for (auto [result, computed] :
           llvm::zip(op->getResults(), floatOp->getResults())) {
        Value replacement = computed;
        if (result.getType() != computed.getType())
          replacement =
              qnn::QuantizeOp::create(b, loc, result.getType(), computed);
        result.replaceAllUsesWith(replacement);
      }
      op->erase();
    }
  }
};
} // namespace
