// RUN: quant-opt %s --quantc-lower-to-llvm | FileCheck %s
// RUN: quant-opt %s --quantc-lower-to-llvm=vector-bits=512 | FileCheck %s --check-prefix=WIDE
// RUN: quant-opt %s --quantc-lower-to-llvm=vector-bits=0 | FileCheck %s --check-prefix=SCALAR

// The whole way to the LLVM dialect: no qnn, linalg, tensor or memref ops
// are left, tensor arguments become memref descriptors, and the C interface
// requested by llvm.emit_c_interface is generated. The matmul becomes
// vector FMAs of the requested width (with masked loads and stores: its 4
// columns are less than a vector), or scalar code without vectors.
// CHECK-NOT: qnn.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK-LABEL: llvm.func @forward
// CHECK: llvm.intr.masked.load {{.*}} -> vector<8xf32>
// CHECK: llvm.intr.fmuladd({{.*}}) : (vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: llvm.intr.masked.store
// WIDE: llvm.intr.fmuladd({{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>)
// SCALAR-NOT: vector<
// SCALAR: llvm.fmul
// SCALAR: llvm.intr.maximum
// CHECK: llvm.intr.maximum
// CHECK-LABEL: llvm.func @_mlir_ciface_forward
// CHECK: llvm.call @forward
func.func @forward(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) -> tensor<?x4xf32> attributes {llvm.emit_c_interface} {
  %y = qnn.matmul %x, %w : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x4xf32>
  %r = qnn.relu %y : tensor<?x4xf32> -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
