// RUN: quant-opt %s --split-input-file --qnn-fold-bias | FileCheck %s

// A matmul with a constant weight plus a constant vector is a gemm with C.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[X:.*]]: tensor<3x8xf32>)
func.func @matmul(%x: tensor<3x8xf32>) -> tensor<3x2xf32> {
  // CHECK: %[[W:.*]] = qnn.constant dense<1.000000e+00> : tensor<8x2xf32>
  // CHECK: %[[C:.*]] = qnn.constant dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
  // CHECK: %[[Y:.*]] = qnn.gemm %[[X]], %[[W]], %[[C]] : (tensor<3x8xf32>, tensor<8x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  // CHECK-NOT: qnn.add
  // CHECK: return %[[Y]]
  %w = qnn.constant dense<1.0> : tensor<8x2xf32> -> tensor<8x2xf32>
  %c = qnn.constant dense<[[0.5, -1.0]]> : tensor<1x2xf32> -> tensor<1x2xf32>
  %m = qnn.matmul %x, %w : (tensor<3x8xf32>, tensor<8x2xf32>) -> tensor<3x2xf32>
  %y = qnn.add %c, %m : (tensor<1x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// A conv without bias plus one constant per output channel takes it as
// its bias.
// CHECK-LABEL: func.func @conv(
func.func @conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // CHECK: %[[C:.*]] = qnn.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  // CHECK: qnn.conv %{{.*}}, %{{.*}}, %[[C]]
  // CHECK-NOT: qnn.add
  %w = qnn.constant dense<2.0> : tensor<2x1x1x1xf32> -> tensor<2x1x1x1xf32>
  %c = qnn.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> -> tensor<2x1x1xf32>
  %v = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = qnn.add %v, %c : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A constant that varies along another axis, or a run-time weight, stays
// an add.
// CHECK-LABEL: func.func @kept(
func.func @kept(%x: tensor<3x8xf32>, %w: tensor<8x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>) {
  // CHECK-COUNT-2: qnn.add
  %k = qnn.constant dense<1.0> : tensor<8x3xf32> -> tensor<8x3xf32>
  %rows = qnn.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32> -> tensor<3x1xf32>
  %c = qnn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> -> tensor<3xf32>
  %m = qnn.matmul %x, %k : (tensor<3x8xf32>, tensor<8x3xf32>) -> tensor<3x3xf32>
  %y = qnn.add %m, %rows : (tensor<3x3xf32>, tensor<3x1xf32>) -> tensor<3x3xf32>
  %n = qnn.matmul %x, %w : (tensor<3x8xf32>, tensor<8x3xf32>) -> tensor<3x3xf32>
  %z = qnn.add %n, %c : (tensor<3x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %y, %z : tensor<3x3xf32>, tensor<3x3xf32>
}
