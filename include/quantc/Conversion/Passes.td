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
    "mlir::bufferization::BufferizationDialect",
    "mlir::func::FuncDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::memref::MemRefDialect",
    "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect",
  ];
}

def DeclareRuntimeKernels
    : Pass<"quantc-declare-runtime-kernels", "mlir::ModuleOp"> {
  let summary = "Declare the runtime's int8 kernels, for convert-qnn-to-linalg";
  let description = [{
    Adds private declarations of the int8 kernels of the runtime
    (`runtime/quantc_kernels.h`) to the module, with
    `llvm.emit_c_interface`:

    ```mlir
    func.func private @quantc_conv2d_u8s8_i32(memref<?xi8>, memref<?xi8>,
        memref<?xi32>, memref<?xi32>, i64, ...) attributes {llvm.emit_c_interface}
    func.func private @quantc_depthwise2d_u8s8_i32(...)  // as conv2d
    func.func private @quantc_matmul_u8s8_i32(memref<?xi8>, memref<?xi8>,
        memref<?xi32>, memref<?xi32>, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
    func.func private @quantc_matmul_u8s8_f32(...)  // float result
    func.func private @quantc_matmul_u8s4_f32(...)  // 4-bit weights
    ```

    With them declared, convert-qnn-to-linalg lowers a quantized conv,
    matmul or gemm whose weight is a constant s8 tensor with zero point 0
    to a call: the weight packed at compile time into the kernel's layout,
    the zero-point term and an i32 bias folded into one i32 offset per
    output channel (docs/numerics.md, "Integer kernels"), the input's
    stored integers read in place, the i32 accumulator written to a new
    buffer; a depthwise conv calls the depthwise kernel, a
    `qnn.scaled_matmul_integer` the matmul kernel with a binary32 result
    (its float epilogue in the kernel), a `qnn.grouped_matmul` the 4-bit
    kernel. Without them it
    emits generic loops, with the same integers. Narrow convolutions (fewer
    than 8 taps or 4 filters a group, depthwise ones aside) keep the loops. An existing symbol of a kernel's name with
    another type is an error.
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

#endif // QUANTC_CONVERSION_PASSES_TD
