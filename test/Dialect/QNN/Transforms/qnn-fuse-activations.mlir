// RUN: quant-opt %s --split-input-file --qnn-fuse-activations | FileCheck %s

// x * clip(x + 3, 0, 6) / 6 is hard_swish; the ops it replaces go away.
// CHECK-LABEL: func.func @hard_swish(
// CHECK-SAME: %[[X:.*]]: tensor<1x8xf32>)
func.func @hard_swish(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK-NEXT: %[[Y:.*]] = qnn.hard_swish %[[X]] : tensor<1x8xf32> -> tensor<1x8xf32>
  // CHECK-NEXT: return %[[Y]]
  %three = qnn.constant dense<3.0> : tensor<f32> -> tensor<f32>
  %six = qnn.constant dense<6.0> : tensor<f32> -> tensor<f32>
  %a = qnn.add %x, %three : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %c = qnn.clip %a {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x8xf32> -> tensor<1x8xf32>
  %m = qnn.mul %x, %c : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %y = qnn.div %m, %six : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// clip(x + 3, 0, 6) * (1/6) is hard_sigmoid with alpha 1/6 and beta 1/2
// (the default, not printed).
// CHECK-LABEL: func.func @hard_sigmoid(
func.func @hard_sigmoid(%x: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: qnn.hard_sigmoid %{{.*}} {alpha = 0.166666672 : f32} : tensor<8xf32> -> tensor<8xf32>
  // CHECK-NOT: qnn.clip
  %three = qnn.constant dense<3.0> : tensor<f32> -> tensor<f32>
  %sixth = qnn.constant dense<0.166666672> : tensor<f32> -> tensor<f32>
  %a = qnn.add %three, %x : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %c = qnn.clip %a {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32> -> tensor<8xf32>
  %y = qnn.mul %c, %sixth : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Another clip bound, or a product with another tensor, is no activation.
// CHECK-LABEL: func.func @kept(
func.func @kept(%x: tensor<8xf32>, %z: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  // CHECK-NOT: qnn.hard
  %three = qnn.constant dense<3.0> : tensor<f32> -> tensor<f32>
  %six = qnn.constant dense<6.0> : tensor<f32> -> tensor<f32>
  %a = qnn.add %x, %three : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %c = qnn.clip %a {min = 0.0 : f32, max = 5.0 : f32} : tensor<8xf32> -> tensor<8xf32>
  %y = qnn.div %c, %six : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %c6 = qnn.clip %a {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32> -> tensor<8xf32>
  %m = qnn.mul %z, %c6 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %w = qnn.div %m, %six : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %y, %w : tensor<8xf32>, tensor<8xf32>
}

// -----

// A layer norm written as ten ops (as paddle2onnx exports it) is one
// qnn.layer_norm over the axes the means reduce (epsilon 1e-5, the
// default, not printed).
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: %[[X:.*]]: tensor<1x4x8xf32>)
func.func @layer_norm(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  // CHECK: %[[G:.*]] = qnn.constant dense<2.000000e+00> : tensor<8xf32>
  // CHECK: %[[B:.*]] = qnn.constant dense<5.000000e-01> : tensor<8xf32>
  // CHECK: %[[Y:.*]] = qnn.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64} : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  // CHECK-NEXT: return %[[Y]]
  %g = qnn.constant dense<2.0> : tensor<8xf32> -> tensor<8xf32>
  %b = qnn.constant dense<0.5> : tensor<8xf32> -> tensor<8xf32>
  %eps = qnn.constant dense<1.0e-5> : tensor<f32> -> tensor<f32>
  %two = qnn.constant dense<2.0> : tensor<f32> -> tensor<f32>
  %m = qnn.reduce <mean> %x {axes = array<i64: 2>} : tensor<1x4x8xf32> -> tensor<1x4x1xf32>
  %c = qnn.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %p = qnn.pow %c, %two : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<1x4x8xf32>
  %v = qnn.reduce <mean> %p {axes = array<i64: 2>} : tensor<1x4x8xf32> -> tensor<1x4x1xf32>
  %ve = qnn.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = qnn.sqrt %ve : tensor<1x4x1xf32> -> tensor<1x4x1xf32>
  %n = qnn.div %c, %s : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %sc = qnn.mul %n, %g : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %y = qnn.add %sc, %b : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

// Means over different axes are no layer norm.
// CHECK-LABEL: func.func @not_layer_norm(
func.func @not_layer_norm(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  // CHECK-NOT: qnn.layer_norm
  %g = qnn.constant dense<2.0> : tensor<8xf32> -> tensor<8xf32>
  %b = qnn.constant dense<0.5> : tensor<8xf32> -> tensor<8xf32>
  %eps = qnn.constant dense<1.0e-5> : tensor<f32> -> tensor<f32>
  %m = qnn.reduce <mean> %x {axes = array<i64: 2>} : tensor<1x4x8xf32> -> tensor<1x4x1xf32>
  %c = qnn.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %p = qnn.mul %c, %c : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = qnn.reduce <mean> %p {axes = array<i64: 1, 2>} : tensor<1x4x8xf32> -> tensor<1x1x1xf32>
  %ve = qnn.add %v, %eps : (tensor<1x1x1xf32>, tensor<f32>) -> tensor<1x1x1xf32>
  %s = qnn.sqrt %ve : tensor<1x1x1xf32> -> tensor<1x1x1xf32>
  %n = qnn.div %c, %s : (tensor<1x4x8xf32>, tensor<1x1x1xf32>) -> tensor<1x4x8xf32>
  %sc = qnn.mul %n, %g : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %y = qnn.add %sc, %b : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}
