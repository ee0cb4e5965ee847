// RUN: quant-opt %s --split-input-file --qnn-fuse-scaled-matmul | FileCheck %s

// Dynamic quantization's epilogue, per-row input scales, per-column weight
// scales and a bias (the multiplier's operands and the add's in either
// order), is one qnn.scaled_matmul_integer.
// CHECK-LABEL: func.func @per_row(
// CHECK-SAME: %[[Q:[^:]*]]: tensor<?x8xui8>, %[[S:[^:]*]]: tensor<?x1xf32>, %[[Z:[^:]*]]: tensor<?x1xui8>)
func.func @per_row(%q: tensor<?x8xui8>, %s: tensor<?x1xf32>, %z: tensor<?x1xui8>) -> tensor<?x4xf32> {
  // CHECK-DAG: %[[W:.*]] = qnn.constant dense<1> : tensor<8x4xi8>
  // CHECK-DAG: %[[ZW:.*]] = qnn.constant dense<0> : tensor<i8>
  // CHECK-DAG: %[[SW:.*]] = qnn.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
  // CHECK-DAG: %[[B:.*]] = qnn.constant dense<5.000000e-01> : tensor<4xf32>
  // CHECK: %[[Y:.*]] = qnn.scaled_matmul_integer %[[Q]], %[[W]], %[[Z]], %[[ZW]], %[[S]], %[[SW]], %[[B]] : (tensor<?x8xui8>, tensor<8x4xi8>, tensor<?x1xui8>, tensor<i8>, tensor<?x1xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  // CHECK-NOT: qnn.matmul_integer
  // CHECK-NOT: qnn.cast
  // CHECK-NOT: qnn.add
  // CHECK: return %[[Y]]
  %w = qnn.constant dense<1> : tensor<8x4xi8> -> tensor<8x4xi8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %sw = qnn.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> -> tensor<4xf32>
  %b = qnn.constant dense<0.5> : tensor<4xf32> -> tensor<4xf32>
  %acc = qnn.matmul_integer %q, %w, %z, %zw : (tensor<?x8xui8>, tensor<8x4xi8>, tensor<?x1xui8>, tensor<i8>) -> tensor<?x4xi32>
  %m = qnn.mul %sw, %s : (tensor<4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %r = qnn.cast %acc : tensor<?x4xi32> -> tensor<?x4xf32>
  %p = qnn.mul %m, %r : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %y = qnn.add %b, %p : (tensor<4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// onnxruntime's quantize_dynamic: scalar scales of one element, a bias of
// shape [1, N]; they become a scalar and [N].
// CHECK-LABEL: func.func @per_tensor(
func.func @per_tensor(%q: tensor<2x3x8xui8>, %s: tensor<1xf32>, %z: tensor<ui8>, %b: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  // CHECK-DAG: %[[S:.*]] = qnn.reshape %{{.*}} : (tensor<1xf32>) -> tensor<f32>
  // CHECK-DAG: %[[SW:.*]] = qnn.reshape %{{.*}} : (tensor<1x1xf32>) -> tensor<f32>
  // CHECK-DAG: %[[B:.*]] = qnn.reshape %{{.*}} : (tensor<1x4xf32>) -> tensor<4xf32>
  // CHECK: qnn.scaled_matmul_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[S]], %[[SW]], %[[B]] : (tensor<2x3x8xui8>, tensor<8x4xi8>, tensor<ui8>, tensor<i8>, tensor<f32>, tensor<f32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %w = qnn.constant dense<1> : tensor<8x4xi8> -> tensor<8x4xi8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %sw = qnn.constant dense<0.25> : tensor<1x1xf32> -> tensor<1x1xf32>
  %acc = qnn.matmul_integer %q, %w, %z, %zw : (tensor<2x3x8xui8>, tensor<8x4xi8>, tensor<ui8>, tensor<i8>) -> tensor<2x3x4xi32>
  %m = qnn.mul %s, %sw : (tensor<1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  %r = qnn.cast %acc : tensor<2x3x4xi32> -> tensor<2x3x4xf32>
  %p = qnn.mul %r, %m : (tensor<2x3x4xf32>, tensor<1x1xf32>) -> tensor<2x3x4xf32>
  %y = qnn.add %p, %b : (tensor<2x3x4xf32>, tensor<1x4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Without an add of one value per column there is no bias: an add of a
// tensor of the result's shape stays.
// CHECK-LABEL: func.func @residual(
func.func @residual(%q: tensor<3x8xui8>, %s: tensor<f32>, %z: tensor<ui8>, %x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // CHECK: %[[Y:.*]] = qnn.scaled_matmul_integer %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}} : (tensor<3x8xui8>, tensor<8x4xi8>, tensor<ui8>, tensor<i8>, tensor<f32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: qnn.add %{{.*}}, %[[Y]]
  %w = qnn.constant dense<1> : tensor<8x4xi8> -> tensor<8x4xi8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %sw = qnn.constant dense<0.25> : tensor<4xf32> -> tensor<4xf32>
  %acc = qnn.matmul_integer %q, %w, %z, %zw : (tensor<3x8xui8>, tensor<8x4xi8>, tensor<ui8>, tensor<i8>) -> tensor<3x4xi32>
  %m = qnn.mul %s, %sw : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %r = qnn.cast %acc : tensor<3x4xi32> -> tensor<3x4xf32>
  %p = qnn.mul %r, %m : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %y = qnn.add %x, %p : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Not fused: the sums have another user; a scale that is neither per row
// nor per column (one per element); a batched rhs.
// CHECK-LABEL: func.func @unfused(
func.func @unfused(%q: tensor<3x8xui8>, %s: tensor<f32>, %z: tensor<ui8>, %e: tensor<3x4xf32>, %q3: tensor<2x3x8xui8>, %w3: tensor<2x8x4xi8>) -> (tensor<3x4xf32>, tensor<3x4xi32>, tensor<3x4xf32>, tensor<2x3x4xf32>) {
  // CHECK-NOT: qnn.scaled_matmul_integer
  %w = qnn.constant dense<1> : tensor<8x4xi8> -> tensor<8x4xi8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %sw = qnn.constant dense<0.25> : tensor<4xf32> -> tensor<4xf32>
  %m = qnn.mul %s, %sw : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %acc = qnn.matmul_integer %q, %w, %z, %zw : (tensor<3x8xui8>, tensor<8x4xi8>, tensor<ui8>, tensor<i8>) -> tensor<3x4xi32>
  %r = qnn.cast %acc : tensor<3x4xi32> -> tensor<3x4xf32>
  %p = qnn.mul %r, %m : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %acc2 = qnn.matmul_integer %q, %w, %z, %zw : (tensor<3x8xui8>, tensor<8x4xi8>, tensor<ui8>, tensor<i8>) -> tensor<3x4xi32>
  %r2 = qnn.cast %acc2 : tensor<3x4xi32> -> tensor<3x4xf32>
  %m2 = qnn.mul %e, %sw : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %p2 = qnn.mul %r2, %m2 : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %zw3 = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %acc3 = qnn.matmul_integer %q3, %w3, %z, %zw3 : (tensor<2x3x8xui8>, tensor<2x8x4xi8>, tensor<ui8>, tensor<i8>) -> tensor<2x3x4xi32>
  %r3 = qnn.cast %acc3 : tensor<2x3x4xi32> -> tensor<2x3x4xf32>
  %p3 = qnn.mul %r3, %m : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %p, %acc, %p2, %p3 : tensor<3x4xf32>, tensor<3x4xi32>, tensor<3x4xf32>, tensor<2x3x4xf32>
}
