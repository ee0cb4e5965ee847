// RUN: quant-opt %s --split-input-file --qnn-fold-batch-norm --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// k = gamma / sqrt(var + eps) = [4 / 2, 3 / 3] = [2, 1]; W' = W * k per
// output channel, b' = (b - mean) * k + beta = [0 * 2 + 0.5, 2 * 1 - 1].
// The folded conv's location holds both node names, the batch norm's
// first.
// CHECK-LABEL: func.func @fold(
func.func @fold(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // CHECK-DAG: %[[W:.*]] = qnn.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
  // CHECK-DAG: %[[B:.*]] = qnn.constant dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>
  // CHECK: %[[Y:.*]] = qnn.conv %{{.*}}, %[[W]], %[[B]] {{.*}} loc(fused["bn", "conv"])
  // CHECK-NOT: qnn.batch_norm
  // CHECK: return %[[Y]]
  %w = qnn.constant dense<2.0> : tensor<2x1x1x1xf32> -> tensor<2x1x1x1xf32>
  %b = qnn.constant dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<2xf32>
  %gamma = qnn.constant dense<[4.0, 3.0]> : tensor<2xf32> -> tensor<2xf32>
  %beta = qnn.constant dense<[0.5, -1.0]> : tensor<2xf32> -> tensor<2xf32>
  %mean = qnn.constant dense<[1.0, 0.0]> : tensor<2xf32> -> tensor<2xf32>
  %var = qnn.constant dense<[3.0, 8.0]> : tensor<2xf32> -> tensor<2xf32>
  %c = qnn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %y = qnn.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("bn")
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A conv with another user, or a batch norm with run-time parameters,
// stays.
// CHECK-LABEL: func.func @kept(
func.func @kept(%x: tensor<1x1x4x4xf32>, %gamma: tensor<2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  // CHECK-COUNT-2: qnn.batch_norm
  %w = qnn.constant dense<2.0> : tensor<2x1x1x1xf32> -> tensor<2x1x1x1xf32>
  %p = qnn.constant dense<1.0> : tensor<2xf32> -> tensor<2xf32>
  %c = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = qnn.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %c2 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = qnn.batch_norm %c2, %gamma, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %s = qnn.add %y, %c : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %s, %z : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
