// RUN: quant-opt %s --split-input-file --qnn-fold-qdq | FileCheck %s

// A conv between dequantized operands and a quantize becomes a quantized
// conv; the i32 bias in scale s_x * s_w stays quantized, and the relu goes,
// since the result type's zero point sits at its minimum.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32:0, {0.01, 0.02}>
!b = !quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>
!o = !quant.uniform<u8:f32, 0.1>
// CHECK-LABEL: func.func @conv_relu(
// CHECK-SAME: %[[X:.*]]: tensor<1x3x4x4xf32>)
func.func @conv_relu(%x: tensor<1x3x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // CHECK: %[[QX:.*]] = qnn.quantize %[[X]]
  // CHECK: %[[W:.*]] = qnn.constant {{.*}} -> tensor<2x3x3x3x!quant.uniform<i8:f32:0, {1.000000e-02,2.000000e-02}>>
  // CHECK: %[[B:.*]] = qnn.constant {{.*}} -> tensor<2x!quant.uniform<i32:f32:0, {5.000000e-04,1.000000e-03}>>
  // CHECK: %[[Y:.*]] = qnn.conv %[[QX]], %[[W]], %[[B]] {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01>>
  // CHECK-NOT: qnn.relu
  // CHECK: %[[D:.*]] = qnn.dequantize %[[Y]]
  // CHECK: return %[[D]]
  %qx = qnn.quantize %x : tensor<1x3x4x4xf32> -> tensor<1x3x4x4x!u>
  %dx = qnn.dequantize %qx : tensor<1x3x4x4x!u> -> tensor<1x3x4x4xf32>
  %qw = qnn.constant dense<1> : tensor<2x3x3x3xi8> -> tensor<2x3x3x3x!w>
  %dw = qnn.dequantize %qw : tensor<2x3x3x3x!w> -> tensor<2x3x3x3xf32>
  %qb = qnn.constant dense<[10, -20]> : tensor<2xi32> -> tensor<2x!b>
  %db = qnn.dequantize %qb : tensor<2x!b> -> tensor<2xf32>
  %y = qnn.conv %dx, %dw, %db {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x4x4xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = qnn.relu %y : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %qy = qnn.quantize %r : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!o>
  %dy = qnn.dequantize %qy : tensor<1x2x4x4x!o> -> tensor<1x2x4x4xf32>
  return %dy : tensor<1x2x4x4xf32>
}

// -----

// A relu that the result type does not saturate to stays; the matmul
// then ends in float.
!s = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8:f32, 0.01>
!o = !quant.uniform<i8:f32, 0.1:0>
// CHECK-LABEL: func.func @matmul_kept_relu(
func.func @matmul_kept_relu(%x: tensor<2x8x!s>) -> tensor<2x4x!o> {
  // CHECK: %[[Y:.*]] = qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<8x4x!quant.uniform<i8:f32, 1.000000e-02>>) -> tensor<2x4xf32>
  // CHECK: %[[R:.*]] = qnn.relu %[[Y]]
  // CHECK: qnn.quantize %[[R]]
  %dx = qnn.dequantize %x : tensor<2x8x!s> -> tensor<2x8xf32>
  %qw = qnn.constant dense<3> : tensor<8x4xi8> -> tensor<8x4x!w>
  %dw = qnn.dequantize %qw : tensor<8x4x!w> -> tensor<8x4xf32>
  %y = qnn.matmul %dx, %dw : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %r = qnn.relu %y : tensor<2x4xf32> -> tensor<2x4xf32>
  %q = qnn.quantize %r : tensor<2x4xf32> -> tensor<2x4x!o>
  return %q : tensor<2x4x!o>
}

// -----

// Reshapes and transposes move the stored integers; a quantize of a
// dequantize becomes a requantize only where the type changes.
!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<u8:f32, 0.1:128>
// CHECK-LABEL: func.func @moves(
// CHECK-SAME: %[[X:.*]]: tensor<2x4x!quant.uniform<u8:f32, 5.000000e-02:128>>)
func.func @moves(%x: tensor<2x4x!a>) -> (tensor<4x2x!a>, tensor<4x2x!b>) {
  // CHECK: %[[T:.*]] = qnn.transpose %[[X]] {{.*}} -> tensor<4x2x!quant.uniform<u8:f32, 5.000000e-02:128>>
  // CHECK: %[[R:.*]] = qnn.requantize %[[T]] : {{.*}} -> tensor<4x2x!quant.uniform<u8:f32, 1.000000e-01:128>>
  // CHECK: return %[[T]], %[[R]]
  %d = qnn.dequantize %x : tensor<2x4x!a> -> tensor<2x4xf32>
  %t = qnn.transpose %d {perm = array<i64: 1, 0>} : tensor<2x4xf32> -> tensor<4x2xf32>
  %q1 = qnn.quantize %t : tensor<4x2xf32> -> tensor<4x2x!a>
  %q2 = qnn.quantize %t : tensor<4x2xf32> -> tensor<4x2x!b>
  return %q1, %q2 : tensor<4x2x!a>, tensor<4x2x!b>
}

// -----

// A quantize after a max pool and a reshape moves up before them, onto the
// conv's relu, and folds into the conv: the pool and the reshape run on
// the stored integers, with the same results (quantizing is monotone).
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32:0, {0.01, 0.02}>
!o = !quant.uniform<u8:f32, 0.1>
// CHECK-LABEL: func.func @pool_reshape(
func.func @pool_reshape(%x: tensor<1x3x4x4xf32>) -> tensor<1x8x!o> {
  // CHECK: %[[QX:.*]] = qnn.quantize
  // CHECK: %[[Y:.*]] = qnn.conv %[[QX]], {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01>>
  // CHECK-NOT: qnn.relu
  // CHECK: %[[P:.*]] = qnn.max_pool %[[Y]] {{.*}} : tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 1.000000e-01>>
  // CHECK: %[[R:.*]] = qnn.reshape %[[P]] {{.*}} -> tensor<1x8x!quant.uniform<u8:f32, 1.000000e-01>>
  // CHECK-NOT: qnn.quantize
  // CHECK: return %[[R]]
  %qx = qnn.quantize %x : tensor<1x3x4x4xf32> -> tensor<1x3x4x4x!u>
  %dx = qnn.dequantize %qx : tensor<1x3x4x4x!u> -> tensor<1x3x4x4xf32>
  %qw = qnn.constant dense<1> : tensor<2x3x3x3xi8> -> tensor<2x3x3x3x!w>
  %dw = qnn.dequantize %qw : tensor<2x3x3x3x!w> -> tensor<2x3x3x3xf32>
  %y = qnn.conv %dx, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x4x4xf32>, tensor<2x3x3x3xf32>) -> tensor<1x2x4x4xf32>
  %r = qnn.relu %y : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %p = qnn.max_pool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %f = qnn.reshape %p : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %q = qnn.quantize %f : tensor<1x8xf32> -> tensor<1x8x!o>
  return %q : tensor<1x8x!o>
}
