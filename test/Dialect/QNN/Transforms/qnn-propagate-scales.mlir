// RUN: quant-opt %s --split-input-file --qnn-propagate-scales | FileCheck %s

// The relu lends its range to the conv it alone reads; the max pool and
// the reshape carry their input's range forward.
// CHECK-LABEL: func.func @chain(
func.func @chain(%x: tensor<1x2x4x4xf32>) -> tensor<1x8xf32> {
  %w = qnn.constant dense<1.0> : tensor<2x2x1x1xf32> -> tensor<2x2x1x1xf32>
  // CHECK: qnn.conv {{.*}}qnn.range = array<f64: 0.000000e+00, 5.000000e+00>
  %c = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, qnn.range = array<f64: -3.0, 5.0>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  // CHECK: qnn.relu {{.*}}qnn.range = array<f64: 0.000000e+00, 5.000000e+00>
  %r = qnn.relu %c {qnn.range = array<f64: 0.0, 5.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  // CHECK: qnn.max_pool {{.*}}qnn.range = array<f64: 0.000000e+00, 5.000000e+00>
  %p = qnn.max_pool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qnn.range = array<f64: 0.0, 4.5>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  // CHECK: qnn.reshape {{.*}}qnn.range = array<f64: 0.000000e+00, 5.000000e+00>
  %f = qnn.reshape %p {qnn.range = array<f64: 0.0, 4.0>} : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  return %f : tensor<1x8xf32>
}

// -----

// A conv read by the relu and by another op keeps its own range; a
// value without a range gets none.
// CHECK-LABEL: func.func @shared(
func.func @shared(%x: tensor<4xf32> {qnn.range = array<f64: -1.0, 2.0>}) -> (tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>) {
  // CHECK: qnn.sigmoid {{.*}}qnn.range = array<f64: -1.000000e+00, 1.000000e+00>
  %s = qnn.sigmoid %x {qnn.range = array<f64: -1.0, 1.0>} : tensor<4xf32> -> tensor<4xf32>
  %r = qnn.clip %s {min = 0.0 : f32, max = 0.5 : f32, qnn.range = array<f64: 0.0, 0.5>} : tensor<4xf32> -> tensor<4xf32>
  // CHECK: qnn.reshape %{{.*}} : (tensor<4xf32>) -> tensor<2x2xf32>
  // CHECK-NOT: qnn.range
  %t = qnn.reshape %s : (tensor<4xf32>) -> tensor<2x2xf32>
  return %s, %r, %t : tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>
}

// -----

// Concat inputs and result share the union of their ranges, function
// arguments included.
// CHECK-LABEL: func.func @concat(
// CHECK-SAME: qnn.range = array<f64: -2.000000e+00, 3.000000e+00>
func.func @concat(%a: tensor<2xf32> {qnn.range = array<f64: -2.0, 1.0>}, %b: tensor<2xf32>) -> tensor<4xf32> {
  // CHECK: qnn.relu {{.*}}qnn.range = array<f64: -2.000000e+00, 3.000000e+00>
  %r = qnn.relu %b {qnn.range = array<f64: 0.0, 3.0>} : tensor<2xf32> -> tensor<2xf32>
  // CHECK: qnn.concat {{.*}}qnn.range = array<f64: -2.000000e+00, 3.000000e+00>
  %c = qnn.concat %a, %r {axis = 0 : i64, qnn.range = array<f64: -1.0, 2.0>} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}
