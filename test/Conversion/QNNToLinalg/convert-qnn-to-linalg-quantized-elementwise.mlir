// RUN: quant-opt %s --split-input-file --convert-qnn-to-linalg | FileCheck %s

// A quantized unary op reads a table of 256 stored results indexed by the
// stored input's bits: neg on i8 with scale 1 maps q to -q, and -128 to
// 128, which saturates to 127 (hex bytes 0, -1, -2, ..., -126, -127, 127,
// 127, 126, ..., 1).
!s = !quant.uniform<i8:f32, 1.0>
// CHECK-LABEL: func.func @neg_table(
func.func @neg_table(%x: tensor<4x!s>) -> tensor<4x!s> {
  // CHECK: %[[T:.*]] = arith.constant dense<"0x00FFFEFDFC{{[0-9A-F]*}}82817F7F7E7D{{[0-9A-F]*}}030201"> : tensor<256xi8>
  // CHECK: linalg.generic
  // CHECK: %[[I:.*]] = arith.index_castui %{{.*}} : i8 to index
  // CHECK: tensor.extract %[[T]][%[[I]]] : tensor<256xi8>
  // CHECK-NOT: f32
  %y = qnn.neg %x : tensor<4x!s> -> tensor<4x!s>
  return %y : tensor<4x!s>
}

// -----

// A sigmoid table: dequantize, sigmoid in binary64 rounded to binary32,
// quantize. Stored 0 is the real 0, whose sigmoid 0.5 is 128 steps of
// 2^-8; 127 is 15.875, whose sigmoid rounds to 256 steps and saturates to
// 255 (0xFF); -128 is -16, whose sigmoid 1.1e-7 rounds to 0; -1 is
// -0.125, whose sigmoid 0.4688 is 120.01 steps (0x78).
!i = !quant.uniform<i8:f32, 0.125>
!o = !quant.uniform<u8:f32, 0.00390625>
// CHECK-LABEL: func.func @sigmoid_table(
func.func @sigmoid_table(%x: tensor<4x!i>) -> tensor<4x!o> {
  // CHECK: arith.constant dense<"0x8088{{[0-9A-F]*}}FFFF0000{{[0-9A-F]*}}78"> : tensor<256xi8>
  %y = qnn.sigmoid %x : tensor<4x!i> -> tensor<4x!o>
  return %y : tensor<4x!o>
}

// -----

// add: both operands shifted by their zero points, multiplied by
// s_i / s_y * 2^N with N = 31 for the larger ratio 0.5 (2^30 and 2^29),
// summed in i64, and rounded half to even by 2^-31.
!a = !quant.uniform<u8:f32, 0.5:10>
!b = !quant.uniform<u8:f32, 0.25>
!y = !quant.uniform<u8:f32, 1.0:5>
// CHECK-LABEL: func.func @add(
func.func @add(%a: tensor<2x3x!a>, %b: tensor<3x!b>) -> tensor<2x3x!y> {
  // CHECK: linalg.generic
  // CHECK: arith.extui %{{.*}} : i8 to i64
  // CHECK: arith.constant 10 : i64
  // CHECK-DAG: arith.constant 1073741824 : i64
  // CHECK-DAG: arith.constant 536870912 : i64
  // CHECK-DAG: arith.constant 31 : i64
  // CHECK: arith.addi
  // CHECK: arith.constant 5 : i64
  // CHECK: arith.maxsi
  // CHECK: arith.minsi
  // CHECK: arith.trunci %{{.*}} : i64 to i8
  // CHECK-NOT: f32
  %y = qnn.add %a, %b : (tensor<2x3x!a>, tensor<3x!b>) -> tensor<2x3x!y>
  return %y : tensor<2x3x!y>
}

// -----

// mul: the product of the shifted operands times the fixed-point form of
// 0.5 * 0.25 / 0.1 = 1.25 = 1342177280 * 2^-30.
!a = !quant.uniform<u8:f32, 0.5:10>
!b = !quant.uniform<i8:f32, 0.25>
!y = !quant.uniform<i8:f32, 0.1>
// CHECK-LABEL: func.func @mul(
func.func @mul(%a: tensor<4x!a>, %b: tensor<4x!b>) -> tensor<4x!y> {
  // CHECK: arith.extui %{{.*}} : i8 to i64
  // CHECK: arith.extsi %{{.*}} : i8 to i64
  // CHECK: arith.muli %{{.*}}, %{{.*}} : i64
  // CHECK-DAG: arith.constant 1342177280 : i64
  // CHECK-DAG: arith.constant 30 : i64
  // CHECK-NOT: f32
  %y = qnn.mul %a, %b : (tensor<4x!a>, tensor<4x!b>) -> tensor<4x!y>
  return %y : tensor<4x!y>
}

// -----

// A global average pool sums the stored integers in i32, subtracts
// count * z_x = 16 * 3, and rescales by 0.5 / (0.25 * 16) = 2^30 * 2^-33.
!x = !quant.uniform<u8:f32, 0.5:3>
!y = !quant.uniform<u8:f32, 0.25:1>
// CHECK-LABEL: func.func @global_avg_pool(
func.func @global_avg_pool(%x: tensor<1x2x4x4x!x>) -> tensor<1x2x1x1x!y> {
  // CHECK: arith.extui %{{.*}} : i8 to i32
  // CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]
  // CHECK: arith.addi %{{.*}}, %{{.*}} : i32
  // CHECK: arith.constant 48 : i64
  // CHECK-DAG: arith.constant 1073741824 : i64
  // CHECK-DAG: arith.constant 33 : i64
  // CHECK-NOT: f32
  %y = qnn.global_avg_pool %x : tensor<1x2x4x4x!x> -> tensor<1x2x1x1x!y>
  return %y : tensor<1x2x1x1x!y>
}

// -----

// softmax: the row maximum of the stored integers, a table of
// round(2^16 * exp(-0.1 * d)) for the distance d to it (65536, 59299,
// 53656, ... as little-endian hex), the i64 sum, and E * M / (sum * 2^n) rounded half to even
// with M / 2^n = 2^30 / 2^22, the fixed-point form of 1 / s_y = 256.
!i = !quant.uniform<u8:f32, 0.1:128>
!o = !quant.uniform<u8:f32, 0.00390625>
// CHECK-LABEL: func.func @softmax(
func.func @softmax(%x: tensor<2x5x!i>) -> tensor<2x5x!o> {
  // CHECK: arith.constant dense<"0x00000100A3E7000098D10000{{[0-9A-F]*}}"> : tensor<256xi32>
  // CHECK: arith.extui %{{.*}} : i8 to i32
  // CHECK: arith.maxsi
  // CHECK: tensor.extract
  // CHECK: arith.addi %{{.*}}, %{{.*}} : i64
  // CHECK-DAG: arith.constant 1073741824 : i64
  // CHECK-DAG: arith.constant 22 : i64
  // CHECK: arith.floordivsi
  // CHECK-NOT: f32
  %y = qnn.softmax %x {axis = 1 : i64} : tensor<2x5x!i> -> tensor<2x5x!o>
  return %y : tensor<2x5x!o>
}

// -----

// layer_norm over the last axis (N = 4): d = q - 3, c = 4 * d - sum(d), the
// i64 sum of c^2, R = isqrt((sum / 4 + E) * 2^16) by Newton's iteration
// (unsigned divisions) with E = round(1e-5 * 16 / 0.25) = 0, then
// (c * 2^8 * G + B * R) / (R * 2^k) rounded half to even (a floor
// division and the remainder), G = round(2 / 0.5 * 2^k), B = round(1 / 0.5
// * 2^k) with k = min(24 - 3, 33 - 2, 30) = 21: 8388608 and 4194304.
!x = !quant.uniform<u8:f32, 0.5:3>
!y = !quant.uniform<i8:f32, 0.5>
// CHECK-LABEL: func.func @layer_norm(
func.func @layer_norm(%x: tensor<2x4x!x>) -> tensor<2x4x!y> {
  // CHECK-DAG: arith.constant dense<8388608> : tensor<1x4xi64>
  // CHECK-DAG: arith.constant dense<4194304> : tensor<1x4xi64>
  // CHECK: arith.extui %{{.*}} : i8 to i64
  // CHECK: math.ctlz
  // CHECK: arith.divui
  // CHECK: arith.floordivsi
  // CHECK: arith.trunci %{{.*}} : i64 to i8
  // CHECK-NOT: f32
  %g = qnn.constant dense<2.0> : tensor<4xf32> -> tensor<4xf32>
  %b = qnn.constant dense<1.0> : tensor<4xf32> -> tensor<4xf32>
  %y = qnn.layer_norm %x, %g, %b {axis = 1 : i64} : (tensor<2x4x!x>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x!y>
  return %y : tensor<2x4x!y>
}

// -----

// avg_pool: window sums of q - 3 in i32 over the input padded with 0, then
// sum * M / (count * 2^n) rounded half to even, with the window counts of
// a 2x2 pool of stride 2 and one pad at each end, not counted: 1, 2, 1 /
// 2, 4, 2 / 1, 2, 1. M / 2^n = 2^30 / 2^30 is s_x / s_y = 0.5.
!x = !quant.uniform<u8:f32, 0.5:3>
!y = !quant.uniform<u8:f32, 1.0:1>
// CHECK-LABEL: func.func @avg_pool(
func.func @avg_pool(%x: tensor<1x2x4x4x!x>) -> tensor<1x2x3x3x!y> {
  // CHECK: arith.extui %{{.*}} : i8 to i32
  // CHECK: tensor.pad
  // CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
  // CHECK: arith.constant dense<{{\[\[\[\[}}1, 2, 1], [2, 4, 2], [1, 2, 1]]]]> : tensor<1x1x3x3xi64>
  // CHECK-DAG: arith.constant 1073741824 : i64
  // CHECK-DAG: arith.constant 31 : i64
  // CHECK: arith.floordivsi
  // CHECK-NOT: f32
  %y = qnn.avg_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x4x4x!x> -> tensor<1x2x3x3x!y>
  return %y : tensor<1x2x3x3x!y>
}
