//===- Registration.cpp - What quantc's tools register -------------------===//
//
// The one list of dialects quantc's tools load.
//
//===----------------------------------------------------------------------===//

#include "quantc/Tools/Registration.h"
#include "quantc/Conversion/Passes.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

void quantc::registerQuantcPasses() { registerQuantcConversionPasses(); }

void quantc::registerQuantcDialects(mlir::DialectRegistry &registry) {
  registry.insert<qnn::QNNDialect, mlir::quant::QuantDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect,
                  mlir::linalg::LinalgDialect>();
}
