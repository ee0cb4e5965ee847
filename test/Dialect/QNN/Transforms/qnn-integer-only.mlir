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
