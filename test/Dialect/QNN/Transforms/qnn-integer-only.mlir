// RUN: quant-opt %s --split-input-file --qnn-integer-only --verify-diagnostics | FileCheck %s

// A quantized conv and a requantize rescale in fixed point; the conv's
// float bias becomes i32 in the accumulator's scale fl32(s_x * s_w[c]):
// 0.25 / (0.05 * 0.01) = 500, -0.3 / (0.05 * 0.02) = -300.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32:0, {0.01, 0.02}>
!o = !quant.uniform<u8:f32, 0.1>
!r = !quant.uniform<i8:f32, 0.2:-3>
// CHECK-LABEL: func.func @conv(
func.func @conv(%x: tensor<1x3x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // CHECK: %[[QX:.*]] = qnn.quantize
  // CHECK-NOT: qnn.constant {{.*}} tensor<2xf32>
  // CHECK: %[[B:.*]] = qnn.constant dense<[500, -300]> : tensor<2xi32> -> tensor<2x!quant.uniform<i32:f32:0, {5.000000{{[0-9]*}}E-4,0.001000000{{[0-9]*}}}>>
  // CHECK: %[[Y:.*]] = qnn.conv %[[QX]], %{{.*}}, %[[B]] {{{.*}}qnn.fixed_point{{.*}}} : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01>>
  // CHECK: %[[R:.*]] = qnn.requantize %[[Y]] {qnn.fixed_point}
  // CHECK: qnn.dequantize %[[R]]
  %qx = qnn.quantize %x : tensor<1x3x4x4xf32> -> tensor<1x3x4x4x!u>
  %qw = qnn.constant dense<1> : tensor<2x3x3x3xi8> -> tensor<2x3x3x3x!w>
  %b = qnn.constant dense<[0.25, -0.3]> : tensor<2xf32> -> tensor<2xf32>
  %y = qnn.conv %qx, %qw, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x4x4x!u>, tensor<2x3x3x3x!w>, tensor<2xf32>) -> tensor<1x2x4x4x!o>
  %r = qnn.requantize %y : tensor<1x2x4x4x!o> -> tensor<1x2x4x4x!r>
  %d = qnn.dequantize %r : tensor<1x2x4x4x!r> -> tensor<1x2x4x4xf32>
  return %d : tensor<1x2x4x4xf32>
}

// -----

// A contraction with a float result is the model's output: allowed when
// only the function returns it.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32, 0.01>
// CHECK-LABEL: func.func @float_output(
func.func @float_output(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  // CHECK: qnn.matmul {{.*}} -> tensor<2x4xf32>
  // CHECK-NOT: qnn.fixed_point
  %qx = qnn.quantize %x : tensor<2x8xf32> -> tensor<2x8x!u>
  %qw = qnn.constant dense<3> : tensor<8x4xi8> -> tensor<8x4x!w>
  %y = qnn.matmul %qx, %qw : (tensor<2x8x!u>, tensor<8x4x!w>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// An op that computes in float inside the graph is an error naming it.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32, 0.01>
func.func @float_inside(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %qx = qnn.quantize %x : tensor<2x8xf32> -> tensor<2x8x!u>
  %qw = qnn.constant dense<3> : tensor<8x4xi8> -> tensor<8x4x!w>
  // expected-error @+1 {{integer-only: qnn.matmul computes in float, and has no integer form here}}
  %y = qnn.matmul %qx, %qw : (tensor<2x8x!u>, tensor<8x4x!w>) -> tensor<2x4xf32>
  // expected-error @+1 {{integer-only: qnn.sigmoid computes in float, and has no integer form here}}
  %s = qnn.sigmoid %y : tensor<2x4xf32> -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// A float bias that is not a constant cannot become i32.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32, 0.01>
!o = !quant.uniform<u8:f32, 0.1>
func.func @runtime_bias(%x: tensor<2x8xf32>, %c: tensor<4xf32>) -> tensor<2x4x!o> {
  %qx = qnn.quantize %x : tensor<2x8xf32> -> tensor<2x8x!u>
  %qw = qnn.constant dense<3> : tensor<8x4xi8> -> tensor<8x4x!w>
  // expected-error @+1 {{integer-only: the float bias must be a constant vector to become i32}}
  %y = qnn.gemm %qx, %qw, %c : (tensor<2x8x!u>, tensor<8x4x!w>, tensor<4xf32>) -> tensor<2x4x!o>
  return %y : tensor<2x4x!o>
}

// -----

// Activations, adds, muls and global average pools between dequantizes and
// a quantize become quantized ops, which compute in integers; the graph
// keeps float only at its boundaries.
!u = !quant.uniform<u8:f32, 0.05:128>
!s = !quant.uniform<u8:f32, 0.00390625>
!a = !quant.uniform<i8:f32, 0.1:-5>
!p = !quant.uniform<u8:f32, 0.02:3>
// CHECK-LABEL: func.func @elementwise(
func.func @elementwise(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32> {
  // CHECK: %[[QX:.*]] = qnn.quantize %{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 5.000000e-02:128>>
  // CHECK: %[[S:.*]] = qnn.sigmoid %[[QX]] : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 3.906250e-03>>
  // CHECK: %[[M:.*]] = qnn.mul %[[QX]], %[[S]] : {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8:f32, 1.000000e-01:-5>>
  // CHECK: %[[A:.*]] = qnn.add %[[M]], %[[QX]] : {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8:f32, 1.000000e-01:-5>>
  // CHECK: %[[P:.*]] = qnn.global_avg_pool %[[A]] : {{.*}} -> tensor<1x2x1x1x!quant.uniform<u8:f32, 2.000000e-02:3>>
  // CHECK: qnn.dequantize %[[P]]
  // CHECK-NOT: qnn.quantize
  %q = qnn.quantize %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!u>
  %d = qnn.dequantize %q : tensor<1x2x4x4x!u> -> tensor<1x2x4x4xf32>
  %s = qnn.sigmoid %d : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %qs = qnn.quantize %s : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!s>
  %ds = qnn.dequantize %qs : tensor<1x2x4x4x!s> -> tensor<1x2x4x4xf32>
  %m = qnn.mul %d, %ds : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %qm = qnn.quantize %m : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!a>
  %dm = qnn.dequantize %qm : tensor<1x2x4x4x!a> -> tensor<1x2x4x4xf32>
  %a = qnn.add %dm, %d : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %qa = qnn.quantize %a : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!a>
  %da = qnn.dequantize %qa : tensor<1x2x4x4x!a> -> tensor<1x2x4x4xf32>
  %p = qnn.global_avg_pool %da : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  %qp = qnn.quantize %p : tensor<1x2x1x1xf32> -> tensor<1x2x1x1x!p>
  %dp = qnn.dequantize %qp : tensor<1x2x1x1x!p> -> tensor<1x2x1x1xf32>
  return %dp : tensor<1x2x1x1xf32>
}

// -----

// 16-bit operands have no table: the activation stays float, an error.
!w = !quant.uniform<i16:f32, 0.001>
func.func @wide_activation(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qnn.quantize %x : tensor<4xf32> -> tensor<4x!w>
  // expected-error @+1 {{integer-only: qnn.dequantize computes in float, and has no integer form here}}
  %d = qnn.dequantize %q : tensor<4x!w> -> tensor<4xf32>
  // expected-error @+1 {{integer-only: qnn.tanh computes in float, and has no integer form here}}
  %t = qnn.tanh %d : tensor<4xf32> -> tensor<4xf32>
  %qt = qnn.quantize %t : tensor<4xf32> -> tensor<4x!w>
  %dt = qnn.dequantize %qt : tensor<4x!w> -> tensor<4xf32>
  return %dt : tensor<4xf32>
}

// -----

// A quantized op without an integer lowering is an error too: it would
// compute in float.
!u = !quant.uniform<u8:f32, 0.05:128>
func.func @quantized_div(%x: tensor<4x!u>) -> tensor<4x!u> {
  // expected-error @+1 {{integer-only: qnn.div has no integer lowering: no integer lowering; run qnn-expand-quantized first}}
  %y = qnn.div %x, %x : (tensor<4x!u>, tensor<4x!u>) -> tensor<4x!u>
  return %y : tensor<4x!u>
}

// -----

// A concat of differently quantized values requantizes each (in fixed
// point) to the type that quantizes its result, then concatenates the
// stored integers; a matmul of two quantized activations folds like any
// contraction.
!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<u8:f32, 0.1:0>
!c = !quant.uniform<u8:f32, 0.1:100>
// CHECK-LABEL: func.func @concat_matmul(
func.func @concat_matmul(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<4x4xf32> {
  // CHECK: %[[QX:.*]] = qnn.quantize %arg0
  // CHECK: %[[QY:.*]] = qnn.quantize %arg1
  // CHECK: %[[RX:.*]] = qnn.requantize %[[QX]] {qnn.fixed_point} : {{.*}} -> tensor<2x4x!quant.uniform<u8:f32, 1.000000e-01:100>>
  // CHECK: %[[RY:.*]] = qnn.requantize %[[QY]] {qnn.fixed_point} : {{.*}} -> tensor<2x4x!quant.uniform<u8:f32, 1.000000e-01:100>>
  // CHECK: %[[C:.*]] = qnn.concat %[[RX]], %[[RY]] {axis = 0 : i64} : {{.*}} -> tensor<4x4x!quant.uniform<u8:f32, 1.000000e-01:100>>
  // CHECK: %[[T:.*]] = qnn.transpose %[[C]]
  // CHECK: qnn.matmul %[[C]], %[[T]] {{.*}} -> tensor<4x4xf32>
  %qx = qnn.quantize %x : tensor<2x4xf32> -> tensor<2x4x!a>
  %dx = qnn.dequantize %qx : tensor<2x4x!a> -> tensor<2x4xf32>
  %qy = qnn.quantize %y : tensor<2x4xf32> -> tensor<2x4x!b>
  %dy = qnn.dequantize %qy : tensor<2x4x!b> -> tensor<2x4xf32>
  %cat = qnn.concat %dx, %dy {axis = 0 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  %qc = qnn.quantize %cat : tensor<4x4xf32> -> tensor<4x4x!c>
  %dc = qnn.dequantize %qc : tensor<4x4x!c> -> tensor<4x4xf32>
  %t = qnn.transpose %dc {perm = array<i64: 1, 0>} : tensor<4x4xf32> -> tensor<4x4xf32>
  %m = qnn.matmul %dc, %t : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m : tensor<4x4xf32>
}
