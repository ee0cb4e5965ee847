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
