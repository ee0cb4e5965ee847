// RUN: quant-opt %s --quantc-lower-to-llvm | FileCheck %s

// The whole way to the LLVM dialect: no qnn, linalg, tensor or memref ops
// are left, tensor arguments become memref descriptors, and the C interface
// requested by llvm.emit_c_interface is generated.
// CHECK-NOT: qnn.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK-LABEL: llvm.func @forward
// CHECK: llvm.fmul
// CHECK: llvm.intr.maximum
// CHECK-LABEL: llvm.func @_mlir_ciface_forward
// CHECK: llvm.call @forward
func.func @forward(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) -> tensor<?x4xf32> attributes {llvm.emit_c_interface} {
  %y = qnn.matmul %x, %w : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x4xf32>
  %r = qnn.relu %y : tensor<?x4xf32> -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
