// RUN: quant-opt %s --split-input-file --qnn-expand-quantized | FileCheck %s

// A quantized op without an integer lowering computes in float between a
// dequantize of each quantized operand (once per value) and a quantize of
// its result.
!u = !quant.uniform<u8:f32, 0.05:128>
!r = !quant.uniform<u8:f32, 0.1:0>
// CHECK-LABEL: func.func @div(
// CHECK-SAME: %[[X:.*]]: tensor<4x!quant.uniform<u8:f32, 5.000000e-02:128>>, %[[Y:.*]]: tensor<4xf32>)
func.func @div(%x: tensor<4x!u>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[D:.*]] = qnn.dequantize %[[X]] : tensor<4x!quant.uniform<u8:f32, 5.000000e-02:128>> -> tensor<4xf32>
  // CHECK-NOT: qnn.dequantize
  // CHECK: %[[A:.*]] = qnn.div %[[D]], %[[D]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[Q:.*]] = qnn.quantize %[[A]] : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 1.000000e-01>>

  %a = qnn.div %x, %x : (tensor<4x!u>, tensor<4x!u>) -> tensor<4x!r>
  // A float result stays float.
  // CHECK: %[[DQ:.*]] = qnn.dequantize %[[Q]]
  // CHECK: qnn.mul %[[DQ]], %[[Y]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %m = qnn.mul %a, %y : (tensor<4x!r>, tensor<4xf32>) -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

// Ops with an integer lowering stay quantized: quantize, dequantize,
// conv, matmul, and ops that only move elements.
!s = !quant.uniform<i8:f32, 0.1:3>
// CHECK-LABEL: func.func @kept(
func.func @kept(%x: tensor<2x4xf32>) -> tensor<4x2xf32> {
  // CHECK-NEXT: qnn.quantize
  // CHECK-NEXT: qnn.transpose {{.*}} -> tensor<4x2x!quant.uniform<i8:f32, 1.000000e-01:3>>
  // CHECK-NEXT: qnn.dequantize
  // CHECK-NEXT: return
  %q = qnn.quantize %x : tensor<2x4xf32> -> tensor<2x4x!s>
  %t = qnn.transpose %q {perm = array<i64: 1, 0>} : tensor<2x4x!s> -> tensor<4x2x!s>
  %d = qnn.dequantize %t : tensor<4x2x!s> -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}
