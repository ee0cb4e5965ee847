// Round trip of every qnn op: custom form, and generic form parsed back.
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

!u8 = !quant.uniform<u8:f32, 1.000000e-01:128>
!s8 = !quant.uniform<i8:f32, 5.000000e-02:-3>
!w8 = !quant.uniform<i8<-127:127>:f32:0, {2.000000e-02,3.000000e-02}>
!b32 = !quant.uniform<i32:f32:0, {2.000000e-03,3.000000e-03}>
!i4 = !quant.uniform<i4:f32:{0:1, 1:2}, {{1.000000e-01:1, 2.000000e-01:-1}, {3.000000e-01, 4.000000e-01}}>

//===----------------------------------------------------------------------===//
// Constants and casts
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xf32>, tensor<2x!s8>, tensor<2x4x!i4>) {
  // CHECK: qnn.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32> -> tensor<2xf32>
  %f = qnn.constant dense<[1.0, -2.0]> : tensor<2xf32> -> tensor<2xf32>
  // CHECK: qnn.constant dense<[3, -4]> : tensor<2xi8> -> tensor<2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %q = qnn.constant dense<[3, -4]> : tensor<2xi8> -> tensor<2x!s8>
  // CHECK: qnn.constant dense<{{\[\[}}1, 2, 3, 4], [-1, -2, -3, -4]]> : tensor<2x4xi4> -> tensor<2x4x!quant.uniform<i4:f32:{0:1, 1:2}, {{[{][{]}}1.000000e-01:1, 2.000000e-01:-1}, {3.000000e-01, 4.000000e-01{{[}][}]}}>>
  %s = qnn.constant dense<[[1, 2, 3, 4], [-1, -2, -3, -4]]> : tensor<2x4xi4> -> tensor<2x4x!i4>
  return %f, %q, %s : tensor<2xf32>, tensor<2x!s8>, tensor<2x4x!i4>
}

// CHECK-LABEL: func.func @codebook_constants
func.func @codebook_constants() -> (tensor<2x2xf32>, tensor<2x3xf32>) {
  // CHECK: qnn.codebook_constant dense<{{\[\[}}0, 3], [1, 2]]> : tensor<2x2xui4>, dense<[-1.000000e+00, -5.000000e-01, 5.000000e-01, 1.000000e+00]> : tensor<4xf32> -> tensor<2x2xf32>
  %a = qnn.codebook_constant dense<[[0, 3], [1, 2]]> : tensor<2x2xui4>, dense<[-1.0, -0.5, 0.5, 1.0]> : tensor<4xf32> -> tensor<2x2xf32>
  // CHECK: qnn.codebook_constant dense<{{\[\[}}0, 1, 0], [1, 1, 0]]> : tensor<2x3xui8>, dense<{{\[\[}}-1.000000e+00, 1.000000e+00], [5.000000e-01, 2.000000e+00]]> : tensor<2x2xf32> {axis = 0 : i64} -> tensor<2x3xf32>
  %b = qnn.codebook_constant dense<[[0, 1, 0], [1, 1, 0]]> : tensor<2x3xui8>, dense<[[-1.0, 1.0], [0.5, 2.0]]> : tensor<2x2xf32> {axis = 0 : i64} -> tensor<2x3xf32>
  return %a, %b : tensor<2x2xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @casts
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
func.func @casts(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK: %[[Q:.*]] = qnn.quantize %[[X]] : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32, 1.000000e-01:128>>
  %q = qnn.quantize %x : tensor<?x4xf32> -> tensor<?x4x!u8>
  // CHECK: %[[R:.*]] = qnn.requantize %[[Q]] : tensor<?x4x!quant.uniform<u8:f32, 1.000000e-01:128>> -> tensor<?x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %r = qnn.requantize %q : tensor<?x4x!u8> -> tensor<?x4x!s8>
  // CHECK: qnn.dequantize %[[R]] : tensor<?x4x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<?x4xf32>
  %d = qnn.dequantize %r : tensor<?x4x!s8> -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

//===----------------------------------------------------------------------===//
// Linear ops
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x224x224xf32>, %[[W:.*]]: tensor<32x3x3x3xf32>, %[[B:.*]]: tensor<32xf32>
func.func @conv(%x: tensor<1x3x224x224xf32>, %w: tensor<32x3x3x3xf32>, %b: tensor<32xf32>,
                %dw: tensor<32x1x3x3xf32>, %x1: tensor<?x4x16xf32>, %w1: tensor<8x2x3xf32>)
    -> (tensor<1x32x112x112xf32>, tensor<1x32x112x112xf32>, tensor<?x8x7xf32>) {
  // CHECK: qnn.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x112x112xf32>
  %y = qnn.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x112x112xf32>
  // Depthwise: 32 groups of one channel.
  // CHECK: qnn.conv %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 32 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  %dy = qnn.conv %y, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 32}
      : (tensor<1x32x112x112xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x112x112xf32>
  // 1-d, dilated, grouped, dynamic batch.
  // CHECK: qnn.conv %{{.*}}, %{{.*}} {dilations = array<i64: 2>, group = 2 : i64, pads = array<i64: 0, 1>, strides = array<i64: 2>} : (tensor<?x4x16xf32>, tensor<8x2x3xf32>) -> tensor<?x8x7xf32>
  %cy = qnn.conv %x1, %w1 {strides = array<i64: 2>, dilations = array<i64: 2>, pads = array<i64: 0, 1>, group = 2}
      : (tensor<?x4x16xf32>, tensor<8x2x3xf32>) -> tensor<?x8x7xf32>
  return %y, %dy, %cy : tensor<1x32x112x112xf32>, tensor<1x32x112x112xf32>, tensor<?x8x7xf32>
}

// CHECK-LABEL: func.func @conv_quantized
func.func @conv_quantized(%x: tensor<1x3x8x8x!u8>, %w: tensor<2x3x1x1x!w8>, %b: tensor<2x!b32>) -> tensor<1x2x8x8x!s8> {
  // CHECK: qnn.conv {{.*}} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<2x3x1x1x!quant.uniform<i8<-127:127>:f32:0, {2.000000e-02,3.000000e-02}>>, tensor<2x!quant.uniform<i32:f32:0, {2.000000e-03,3.000000e-03}>>) -> tensor<1x2x8x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %y = qnn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
      : (tensor<1x3x8x8x!u8>, tensor<2x3x1x1x!w8>, tensor<2x!b32>) -> tensor<1x2x8x8x!s8>
  return %y : tensor<1x2x8x8x!s8>
}

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x64x40x40xf32>, %w: tensor<64x16x2x2xf32>, %b: tensor<16xf32>,
                          %g: tensor<?x4x5xf32>, %gw: tensor<4x3x3xf32>)
    -> (tensor<1x16x80x80xf32>, tensor<?x6x10xf32>) {
  // CHECK: qnn.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x64x40x40xf32>, tensor<64x16x2x2xf32>, tensor<16xf32>) -> tensor<1x16x80x80xf32>
  %y = qnn.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>}
      : (tensor<1x64x40x40xf32>, tensor<64x16x2x2xf32>, tensor<16xf32>) -> tensor<1x16x80x80xf32>
  // Grouped, padded, with output padding: 2 * (5 - 1) + 1 + 2 + 1 - 1 - 1 = 10.
  // CHECK: qnn.conv_transpose %{{.*}}, %{{.*}} {dilations = array<i64: 1>, group = 2 : i64, output_padding = array<i64: 1>, pads = array<i64: 1, 1>, strides = array<i64: 2>} : (tensor<?x4x5xf32>, tensor<4x3x3xf32>) -> tensor<?x6x10xf32>
  %z = qnn.conv_transpose %g, %gw {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, output_padding = array<i64: 1>, group = 2}
      : (tensor<?x4x5xf32>, tensor<4x3x3xf32>) -> tensor<?x6x10xf32>
  return %y, %z : tensor<1x16x80x80xf32>, tensor<?x6x10xf32>
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x?x64xf32>, %b: tensor<64x128xf32>, %v: tensor<64xf32>,
                  %c: tensor<3x1x4x8xf32>, %d: tensor<5x8x2xf32>)
    -> (tensor<2x?x128xf32>, tensor<2x?xf32>, tensor<3x5x4x2xf32>) {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x?x64xf32>, tensor<64x128xf32>) -> tensor<2x?x128xf32>
  %y = qnn.matmul %a, %b : (tensor<2x?x64xf32>, tensor<64x128xf32>) -> tensor<2x?x128xf32>
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x?x64xf32>, tensor<64xf32>) -> tensor<2x?xf32>
  %z = qnn.matmul %a, %v : (tensor<2x?x64xf32>, tensor<64xf32>) -> tensor<2x?xf32>
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<3x1x4x8xf32>, tensor<5x8x2xf32>) -> tensor<3x5x4x2xf32>
  %w = qnn.matmul %c, %d : (tensor<3x1x4x8xf32>, tensor<5x8x2xf32>) -> tensor<3x5x4x2xf32>
  return %y, %z, %w : tensor<2x?x128xf32>, tensor<2x?xf32>, tensor<3x5x4x2xf32>
}

// CHECK-LABEL: func.func @gemm
func.func @gemm(%a: tensor<1x512xf32>, %b: tensor<10x512xf32>, %c: tensor<10xf32>, %at: tensor<512x1xf32>) -> (tensor<1x10xf32>, tensor<1x10xf32>) {
  // CHECK: qnn.gemm %{{.*}}, %{{.*}}, %{{.*}} {trans_b = true} : (tensor<1x512xf32>, tensor<10x512xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %y = qnn.gemm %a, %b, %c {trans_b = true} : (tensor<1x512xf32>, tensor<10x512xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: qnn.gemm %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, beta = 0.000000e+00 : f32, trans_a = true, trans_b = true}
  %z = qnn.gemm %at, %b {alpha = 0.5 : f32, beta = 0.0 : f32, trans_a = true, trans_b = true} : (tensor<512x1xf32>, tensor<10x512xf32>) -> tensor<1x10xf32>
  return %y, %z : tensor<1x10xf32>, tensor<1x10xf32>
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<4xi64>, %j: tensor<1xi64>,
                  %qa: tensor<2x3x!u8>, %qb: tensor<1x3x!s8>) {
  // CHECK: qnn.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = qnn.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: qnn.sub %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = qnn.sub %b, %a : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: qnn.mul %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  %2 = qnn.mul %i, %j : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  // CHECK: qnn.div
  %3 = qnn.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: qnn.max
  %4 = qnn.max %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: qnn.min
  %5 = qnn.min %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: qnn.pow
  %6 = qnn.pow %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // Quantized operands with their own scales, and a float result.
  // CHECK: qnn.add %{{.*}}, %{{.*}} : (tensor<2x3x!quant.uniform<u8:f32, 1.000000e-01:128>>, tensor<1x3x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<2x3xf32>
  %7 = qnn.add %qa, %qb : (tensor<2x3x!u8>, tensor<1x3x!s8>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @compare_where
func.func @compare_where(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<1x4xi64>, %j: tensor<3x1xi64>) {
  // CHECK: %[[C:.*]] = qnn.compare %{{.*}}, %{{.*}} {predicate = #qnn.compare_predicate<le>} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %0 = qnn.compare %a, %b {predicate = #qnn.compare_predicate<le>} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: qnn.compare %{{.*}}, %{{.*}} {predicate = #qnn.compare_predicate<gt>} : (tensor<1x4xi64>, tensor<3x1xi64>) -> tensor<3x4xi1>
  %1 = qnn.compare %i, %j {predicate = #qnn.compare_predicate<gt>} : (tensor<1x4xi64>, tensor<3x1xi64>) -> tensor<3x4xi1>
  // CHECK: qnn.where %[[C]], %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = qnn.where %0, %b, %a : (tensor<2x3xi1>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @range
func.func @range(%s: tensor<i64>, %l: tensor<i64>, %d: tensor<i64>, %f: tensor<f32>) {
  // CHECK: qnn.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %0 = qnn.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // CHECK: qnn.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %1 = qnn.range %f, %f, %f : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<8xf32>, %q: tensor<8x!u8>) {
  // CHECK: qnn.relu %{{.*}} : tensor<8xf32> -> tensor<8xf32>
  %0 = qnn.relu %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32}
  %1 = qnn.leaky_relu %x {alpha = 0.1 : f32} : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.clip %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  %2 = qnn.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.clip %{{.*}} {max = 1.000000e+00 : f32} : tensor<8x!quant.uniform<u8:f32, 1.000000e-01:128>> -> tensor<8x!quant.uniform<u8:f32, 1.000000e-01:128>>
  %3 = qnn.clip %q {max = 1.0 : f32} : tensor<8x!u8> -> tensor<8x!u8>
  // CHECK: qnn.sigmoid
  %4 = qnn.sigmoid %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.hard_sigmoid %{{.*}} : tensor<8xf32>
  %5 = qnn.hard_sigmoid %x {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.hard_swish
  %6 = qnn.hard_swish %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.tanh
  %7 = qnn.tanh %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.gelu %{{.*}} : tensor<8xf32>
  %8 = qnn.gelu %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.gelu %{{.*}} {approximate = #qnn.gelu_approximation<tanh>}
  %9 = qnn.gelu %x {approximate = #qnn.gelu_approximation<tanh>} : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.erf
  %10 = qnn.erf %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.exp
  %11 = qnn.exp %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.log
  %12 = qnn.log %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.sqrt
  %13 = qnn.sqrt %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.neg
  %14 = qnn.neg %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.abs
  %15 = qnn.abs %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.round
  %round = qnn.round %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.floor
  %floor = qnn.floor %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.ceil
  %ceil = qnn.ceil %x : tensor<8xf32> -> tensor<8xf32>
  // CHECK: qnn.cast %{{.*}} : tensor<8xf32> -> tensor<8xi32>
  %cast = qnn.cast %x : tensor<8xf32> -> tensor<8xi32>
  // A quantized sigmoid with the output scale of its range.
  // CHECK: qnn.sigmoid %{{.*}} : tensor<8x!quant.uniform<u8:f32, 1.000000e-01:128>> -> tensor<8x!quant.uniform<u8:f32, 3.906250e-03>>
  %16 = qnn.sigmoid %q : tensor<8x!u8> -> tensor<8x!quant.uniform<u8:f32, 0.00390625>>
  return
}

//===----------------------------------------------------------------------===//
// Softmax and normalizations
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<1x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>,
                         %img: tensor<?x8x4x4xf32>, %c: tensor<8xf32>) {
  // CHECK: qnn.softmax %{{.*}} {axis = 2 : i64} : tensor<1x16x64xf32> -> tensor<1x16x64xf32>
  %0 = qnn.softmax %x {axis = 2 : i64} : tensor<1x16x64xf32> -> tensor<1x16x64xf32>
  // CHECK: qnn.log_softmax %{{.*}} {axis = 1 : i64} : tensor<1x16x64xf32> -> tensor<1x16x64xf32>
  %4 = qnn.log_softmax %x {axis = 1 : i64} : tensor<1x16x64xf32> -> tensor<1x16x64xf32>
  // CHECK: qnn.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %1 = qnn.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-6 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  // CHECK: qnn.layer_norm %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %2 = qnn.layer_norm %x, %g {axis = 2 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  // CHECK: qnn.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x4x4xf32>
  %3 = qnn.batch_norm %img, %c, %c, %c, %c : (tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x4x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// Reductions and pooling
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x16x64xf32>, %i: tensor<2x3xi32>) {
  // CHECK: qnn.reduce <mean> %{{.*}} {axes = array<i64: 2>} : tensor<2x16x64xf32> -> tensor<2x16x1xf32>
  %0 = qnn.reduce <mean> %x {axes = array<i64: 2>} : tensor<2x16x64xf32> -> tensor<2x16x1xf32>
  // CHECK: qnn.reduce <sum_square> %{{.*}} {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x16x64xf32> -> tensor<16xf32>
  %1 = qnn.reduce <sum_square> %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x16x64xf32> -> tensor<16xf32>
  // CHECK: qnn.reduce <max> %{{.*}} : tensor<2x3xi32> -> tensor<1x3xi32>
  %2 = qnn.reduce <max> %i {axes = array<i64: 0>} : tensor<2x3xi32> -> tensor<1x3xi32>
  // CHECK: qnn.reduce <min>
  %3 = qnn.reduce <min> %x {axes = array<i64: 1>} : tensor<2x16x64xf32> -> tensor<2x1x64xf32>
  // CHECK: qnn.reduce <sum>
  %4 = qnn.reduce <sum> %x {axes = array<i64: 1>} : tensor<2x16x64xf32> -> tensor<2x1x64xf32>
  // CHECK: qnn.reduce <prod>
  %5 = qnn.reduce <prod> %x {axes = array<i64: 1>} : tensor<2x16x64xf32> -> tensor<2x1x64xf32>
  // CHECK: qnn.reduce <l1>
  %6 = qnn.reduce <l1> %x {axes = array<i64: 1>} : tensor<2x16x64xf32> -> tensor<2x1x64xf32>
  // CHECK: qnn.reduce <l2>
  %7 = qnn.reduce <l2> %x {axes = array<i64: 1>} : tensor<2x16x64xf32> -> tensor<2x1x64xf32>
  return
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x64x112x112xf32>, %y: tensor<1x8x5x5xf32>, %q: tensor<?x8x7x7x!u8>) {
  // CHECK: qnn.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  %0 = qnn.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  // ceil_mode keeps the partial last window: ceil((5 - 2) / 2) + 1 = 3.
  // CHECK: qnn.avg_pool %{{.*}} {ceil_mode = true, count_include_pad = true, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x5x5xf32> -> tensor<1x8x3x3xf32>
  %1 = qnn.avg_pool %y {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, ceil_mode = true, count_include_pad = true} : tensor<1x8x5x5xf32> -> tensor<1x8x3x3xf32>
  // CHECK: qnn.global_avg_pool %{{.*}} : tensor<1x64x112x112xf32> -> tensor<1x64x1x1xf32>
  %2 = qnn.global_avg_pool %x : tensor<1x64x112x112xf32> -> tensor<1x64x1x1xf32>
  // CHECK: qnn.global_max_pool %{{.*}} : tensor<?x8x7x7x!quant.uniform<u8:f32, 1.000000e-01:128>> -> tensor<?x8x1x1x!quant.uniform<u8:f32, 1.000000e-01:128>>
  %3 = qnn.global_max_pool %q : tensor<?x8x7x7x!u8> -> tensor<?x8x1x1x!u8>
  return
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @movement
func.func @movement(%x: tensor<1x64x7x7xf32>, %d: tensor<?x64xf32>, %s: tensor<3xi64>,
                    %t: tensor<4x10xf32>, %w: tensor<2x3x!w8>) {
  // CHECK: qnn.reshape %{{.*}} : (tensor<1x64x7x7xf32>) -> tensor<1x3136xf32>
  %0 = qnn.reshape %x : (tensor<1x64x7x7xf32>) -> tensor<1x3136xf32>
  // CHECK: qnn.reshape %{{.*}}, %{{.*}} : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x?x8xf32>
  %1 = qnn.reshape %d, %s : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x?x8xf32>
  // One dynamic size follows from the element count.
  // CHECK: qnn.reshape %{{.*}} : (tensor<?x64xf32>) -> tensor<?x8x8xf32>
  %9 = qnn.reshape %d : (tensor<?x64xf32>) -> tensor<?x8x8xf32>
  // CHECK: qnn.shape %{{.*}} {end = 3 : i64, start = 1 : i64} : tensor<1x64x7x7xf32> -> tensor<2xi64>
  %shape = qnn.shape %x {start = 1, end = 3} : tensor<1x64x7x7xf32> -> tensor<2xi64>
  // CHECK: qnn.transpose %{{.*}} {perm = array<i64: 0, 2, 3, 1>} : tensor<1x64x7x7xf32> -> tensor<1x7x7x64xf32>
  %2 = qnn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x64x7x7xf32> -> tensor<1x7x7x64xf32>
  // Per-axis parameters move with their axis.
  // CHECK: qnn.transpose %{{.*}} {perm = array<i64: 1, 0>} : tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {2.000000e-02,3.000000e-02}>> -> tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {2.000000e-02,3.000000e-02}>>
  %3 = qnn.transpose %w {perm = array<i64: 1, 0>} : tensor<2x3x!w8> -> tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {2.000000e-02,3.000000e-02}>>
  // CHECK: qnn.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x64x7x7xf32>, tensor<1x64x7x7xf32>) -> tensor<1x128x7x7xf32>
  %4 = qnn.concat %x, %x {axis = 1 : i64} : (tensor<1x64x7x7xf32>, tensor<1x64x7x7xf32>) -> tensor<1x128x7x7xf32>
  // CHECK: qnn.slice %{{.*}} {ends = array<i64: 4, 9223372036854775807>, starts = array<i64: 0, 2>, steps = array<i64: 1, 2>} : tensor<4x10xf32> -> tensor<4x4xf32>
  %5 = qnn.slice %t {starts = array<i64: 0, 2>, ends = array<i64: 4, 9223372036854775807>, steps = array<i64: 1, 2>} : tensor<4x10xf32> -> tensor<4x4xf32>
  // A negative step walks backwards: rows 3, 2, 1, 0.
  // CHECK: qnn.slice %{{.*}} {ends = array<i64: -9223372036854775807, 10>, starts = array<i64: -1, 0>, steps = array<i64: -1, 1>} : tensor<4x10xf32> -> tensor<4x10xf32>
  %6 = qnn.slice %t {starts = array<i64: -1, 0>, ends = array<i64: -9223372036854775807, 10>, steps = array<i64: -1, 1>} : tensor<4x10xf32> -> tensor<4x10xf32>
  // CHECK: qnn.pad %{{.*}} {mode = #qnn.pad_mode<reflect>, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : tensor<1x64x7x7xf32> -> tensor<1x64x9x9xf32>
  %7 = qnn.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #qnn.pad_mode<reflect>} : tensor<1x64x7x7xf32> -> tensor<1x64x9x9xf32>
  // CHECK: qnn.pad %{{.*}} {pads = array<i64: 0, -1, 0, 2>, value = -1.000000e+00 : f32} : tensor<4x10xf32> -> tensor<4x11xf32>
  %8 = qnn.pad %t {pads = array<i64: 0, -1, 0, 2>, value = -1.0 : f32} : tensor<4x10xf32> -> tensor<4x11xf32>
  return
}

// CHECK-LABEL: func.func @gather
func.func @gather(%table: tensor<6625x64xf32>, %ids: tensor<1x16xi64>, %q: tensor<5x4x!s8>, %i: tensor<i32>)
    -> (tensor<1x16x64xf32>, tensor<5x!s8>) {
  // CHECK: qnn.gather %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<6625x64xf32>, tensor<1x16xi64>) -> tensor<1x16x64xf32>
  %0 = qnn.gather %table, %ids {axis = 0 : i64} : (tensor<6625x64xf32>, tensor<1x16xi64>) -> tensor<1x16x64xf32>
  // CHECK: qnn.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<5x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<i32>) -> tensor<5x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %1 = qnn.gather %q, %i {axis = 1 : i64} : (tensor<5x4x!s8>, tensor<i32>) -> tensor<5x!s8>
  return %0, %1 : tensor<1x16x64xf32>, tensor<5x!s8>
}

// CHECK-LABEL: func.func @resize
func.func @resize(%x: tensor<1x8x16x16xf32>, %d: tensor<?x8x?x?xf32>) {
  // CHECK: qnn.resize %{{.*}} {coordinate_transform = #qnn.coordinate_transform<asymmetric>, nearest_rounding = #qnn.nearest_rounding<floor>} : tensor<1x8x16x16xf32> -> tensor<1x8x32x32xf32>
  %0 = qnn.resize %x {mode = #qnn.resize_mode<nearest>, coordinate_transform = #qnn.coordinate_transform<asymmetric>, nearest_rounding = #qnn.nearest_rounding<floor>} : tensor<1x8x16x16xf32> -> tensor<1x8x32x32xf32>
  // CHECK: qnn.resize %{{.*}} {mode = #qnn.resize_mode<linear>, scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : tensor<?x8x?x?xf32> -> tensor<?x8x?x?xf32>
  %1 = qnn.resize %d {mode = #qnn.resize_mode<linear>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<?x8x?x?xf32> -> tensor<?x8x?x?xf32>
  // CHECK: qnn.resize %{{.*}} {cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = true, mode = #qnn.resize_mode<cubic>, scales = array<f32: 1.000000e+00, 1.000000e+00, 1.500000e+00, 1.500000e+00>} : tensor<1x8x16x16xf32> -> tensor<1x8x24x24xf32>
  %2 = qnn.resize %x {mode = #qnn.resize_mode<cubic>, cubic_coeff_a = -0.5 : f32, exclude_outside = true, scales = array<f32: 1.0, 1.0, 1.5, 1.5>} : tensor<1x8x16x16xf32> -> tensor<1x8x24x24xf32>
  return
}

// CHECK-LABEL: func.func @integer_quantization
func.func @integer_quantization(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>,
                                %a: tensor<4x8xui8>, %b: tensor<8x5xi8>, %za: tensor<4x1xui8>,
                                %zb: tensor<i8>, %img: tensor<1x2x6x6xui8>, %w: tensor<3x2x3x3xi8>,
                                %zw: tensor<3xi8>) {
  // CHECK: qnn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
  %q = qnn.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
  // CHECK: qnn.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xf32>
  %d = qnn.dequantize_linear %q, %s, %z : (tensor<2x3xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xf32>
  // CHECK: qnn.dynamic_quantize_linear %{{.*}} {per_row = true} : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<2x1xf32>, tensor<2x1xui8>)
  %y:3 = qnn.dynamic_quantize_linear %x {per_row = true} : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<2x1xf32>, tensor<2x1xui8>)
  // CHECK: qnn.matmul_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x8xui8>, tensor<8x5xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x5xi32>
  %m = qnn.matmul_integer %a, %b, %za, %zb : (tensor<4x8xui8>, tensor<8x5xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x5xi32>
  // CHECK: qnn.conv_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xui8>, tensor<3x2x3x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<1x3x3x3xi32>
  %zimg = qnn.constant dense<3> : tensor<ui8> -> tensor<ui8>
  %c = qnn.conv_integer %img, %w, %zimg, %zw {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xui8>, tensor<3x2x3x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<1x3x3x3xi32>
  return
}

// CHECK-LABEL: func.func @scaled_matmul_integer
func.func @scaled_matmul_integer(%q: tensor<4x40xui8>, %z: tensor<4x1xui8>, %s: tensor<4x1xf32>,
                                 %w: tensor<40x16xi8>, %zw: tensor<i8>, %ws: tensor<16xf32>,
                                 %b: tensor<16xf32>, %st: tensor<f32>) {
  // CHECK: qnn.scaled_matmul_integer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<4x1xui8>, tensor<i8>, tensor<4x1xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws, %b : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<4x1xui8>, tensor<i8>, tensor<4x1xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  // CHECK: qnn.scaled_matmul_integer {{.*}} : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<4x1xui8>, tensor<i8>, tensor<f32>, tensor<f32>) -> tensor<4x16xf32>
  %1 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %st, %st : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<4x1xui8>, tensor<i8>, tensor<f32>, tensor<f32>) -> tensor<4x16xf32>
  return
}

// CHECK-LABEL: func.func @grouped_matmul
func.func @grouped_matmul(%q: tensor<4x40xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>,
                          %w: tensor<40x16xi8>, %ws: tensor<2x16xf32>, %cs: tensor<16xf32>,
                          %b: tensor<16xf32>, %st: tensor<f32>, %zt: tensor<ui8>) {
  // CHECK: qnn.grouped_matmul %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {group = 32 : i64} : (tensor<4x40xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  // CHECK: qnn.grouped_matmul {{.*}} : (tensor<4x40xui8>, tensor<f32>, tensor<ui8>,
  %1 = qnn.grouped_matmul %q, %st, %zt, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<f32>, tensor<ui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}
