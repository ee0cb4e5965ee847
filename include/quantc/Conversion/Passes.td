//===- Passes.td - quantc conversion passes ------------------*- tablegen -*-===//
//
// Passes that move programs out of qnn into upstream dialects.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_TD
#define QUANTC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQNNToLinalg : Pass<"convert-qnn-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower float qnn ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every qnn op on float and integer tensors into tensor-level
    upstream ops: structured ops as `linalg.generic` (or named linalg ops
    where one fits), data movement as `tensor` ops, scalar math as `arith`
    and `math`. Dynamic sizes are read with `tensor.dim`. Broadcasting
    follows numpy; a dynamic dimension is taken not to broadcast (the
    verifier already rejects static mismatches), so its size comes from an
    operand that has it.

    A qnn op with quantized operands or results is an error here: the
    quantization passes rewrite those into integer arithmetic first.

    ```mlir
    %y = qnn.relu %x : tensor<?x8xf32> -> tensor<?x8xf32>
    // becomes a linalg.generic computing arith.maximumf(%in, 0.0)
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect",
  ];
}

#endif // QUANTC_CONVERSION_PASSES_TD
