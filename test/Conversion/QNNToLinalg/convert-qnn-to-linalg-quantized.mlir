// RUN: quant-opt %s --split-input-file --convert-qnn-to-linalg | FileCheck %s

// Quantize divides by the scale in f32, rounds half to even, adds the zero
// point and saturates; the tensor becomes its stored integers.
!u = !quant.uniform<u8:f32, 0.05:128>
// CHECK-LABEL: func.func @quantize(
// CHECK-SAME: %{{.*}}: tensor<2x3xf32>) -> tensor<2x3xi8>
func.func @quantize(%x: tensor<2x3xf32>) -> tensor<2x3x!u> {
  // CHECK: linalg.generic
  // CHECK: arith.divf %{{.*}}, %[[S:.*]] : f32
  // CHECK: math.roundeven
  // CHECK: arith.addf
  // CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
  // CHECK: arith.minimumf %{{.*}}, %{{.*}} : f32
  // CHECK: arith.cmpf uno
  // CHECK: arith.fptosi %{{.*}} : f32 to i32
  // CHECK: arith.trunci %{{.*}} : i32 to i8
  %q = qnn.quantize %x : tensor<2x3xf32> -> tensor<2x3x!u>
  return %q : tensor<2x3x!u>
}

// -----

// Dequantize of a per-axis type reads its scales and zero points from
// constant tensors broadcast along the axis; unsigned storage zero-extends.
!p = !quant.uniform<u8:f32:1, {0.5:1, 0.25:2}>
// CHECK-LABEL: func.func @dequantize_per_axis(
// CHECK-SAME: %[[X:.*]]: tensor<3x2xi8>) -> tensor<3x2xf32>
func.func @dequantize_per_axis(%x: tensor<3x2x!p>) -> tensor<3x2xf32> {
  // CHECK-DAG: arith.constant dense<{{\[}}[5.000000e-01, 2.500000e-01]]> : tensor<1x2xf32>
  // CHECK-DAG: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
  // CHECK: linalg.generic
  // CHECK: arith.extui %{{.*}} : i8 to i32
  // CHECK: arith.sitofp
  // CHECK: arith.subf
  // CHECK: arith.mulf
  %d = qnn.dequantize %x : tensor<3x2x!p> -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}

// -----

// Requantize rescales in f64 by s_in / s_out.
// CHECK-LABEL: func.func @requantize(
func.func @requantize(%x: tensor<4x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>> {
  // CHECK: arith.extsi %{{.*}} : i32 to i64
  // CHECK: arith.sitofp %{{.*}} : i64 to f64
  // CHECK: arith.constant 2.000000e-02 : f64
  // CHECK: math.roundeven %{{.*}} : f64
  // CHECK: arith.constant -3.000000e+00 : f64
  %r = qnn.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// With qnn.fixed_point (qnn-integer-only), requantize rescales in i64 by
// the ratio 0.02 as 1374389535 * 2^-36, rounding half to even: the product,
// plus half a step minus one and the truncated quotient's lowest bit,
// shifted right; then the zero point, the clamp and the truncation.
// CHECK-LABEL: func.func @requantize_fixed_point(
func.func @requantize_fixed_point(%x: tensor<4x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>> {
  // CHECK-NOT: f64
  // CHECK: arith.extsi %{{.*}} : i32 to i64
  // CHECK-DAG: %[[M:.*]] = arith.constant 1374389535 : i64
  // CHECK-DAG: %[[N:.*]] = arith.constant 36 : i64
  // CHECK: %[[P:.*]] = arith.muli %{{.*}}, %[[M]] : i64
  // CHECK: arith.shli
  // CHECK: %[[T:.*]] = arith.shrsi %[[P]], %[[N]] : i64
  // CHECK: arith.andi %[[T]]
  // CHECK: arith.shrsi
  // CHECK: arith.constant -3 : i64
  // CHECK: arith.maxsi
  // CHECK: arith.minsi
  // CHECK: arith.trunci %{{.*}} : i64 to i8
  // CHECK-NOT: f64
  %r = qnn.requantize %x {qnn.fixed_point} : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// A fixed-point conv's epilogue: the binary32 multipliers fl32(s_x * s_w) /
// s_y, exact in 31 bits (1374389632 * 2^-38 and * 2^-37), per channel, in
// i64; no float.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32:0, {0.01, 0.02}>
!b = !quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>
!o = !quant.uniform<u8:f32, 0.1:0>
// CHECK-LABEL: func.func @conv_fixed_point(
func.func @conv_fixed_point(%x: tensor<1x3x4x4x!u>) -> tensor<1x2x4x4x!o> {
  // CHECK-NOT: f32
  // CHECK: arith.constant dense<1374389632> : tensor<1x2x1x1xi64>
  // CHECK: arith.constant dense<{{\[\[\[\[}}38]], {{\[\[}}37]]]]> : tensor<1x2x1x1xi64>
  // CHECK: linalg.generic
  // CHECK: arith.extsi %{{.*}} : i32 to i64
  // CHECK: arith.muli %{{.*}}, %{{.*}} : i64
  // CHECK: arith.trunci %{{.*}} : i64 to i8
  // CHECK-NOT: f32
  %w = qnn.constant dense<1> : tensor<2x3x3x3xi8> -> tensor<2x3x3x3x!w>
  %b = qnn.constant dense<[10, -20]> : tensor<2xi32> -> tensor<2x!b>
  %y = qnn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64, qnn.fixed_point} : (tensor<1x3x4x4x!u>, tensor<2x3x3x3x!w>, tensor<2x!b>) -> tensor<1x2x4x4x!o>
  return %y : tensor<1x2x4x4x!o>
}

// -----

// A quantized conv pads with the input's zero point, accumulates
// (x - zp_x) * w in i32 from the i32 bias, and requantizes in f32 with
// per-channel multipliers s_x * s_w / s_y.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8:f32:0, {0.01, 0.02}>
!b = !quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>
!o = !quant.uniform<u8:f32, 0.1:0>
// CHECK-LABEL: func.func @conv(
// CHECK-SAME: tensor<1x3x4x4xi8>) -> tensor<1x2x4x4xi8>
func.func @conv(%x: tensor<1x3x4x4x!u>) -> tensor<1x2x4x4x!o> {
  // CHECK: %[[ZP:.*]] = arith.constant -128 : i8
  // CHECK: tensor.pad
  // CHECK: tensor.yield %[[ZP]] : i8
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%{{.*}} : tensor<1x1x2x1x1xi32>)
  // CHECK: linalg.generic
  // CHECK: arith.extui %{{.*}} : i8 to i32
  // CHECK: arith.subi %{{.*}}, %{{.*}} : i32
  // CHECK: arith.extsi %{{.*}} : i8 to i32
  // CHECK: arith.muli
  // CHECK: arith.addi
  // CHECK: arith.constant dense<{{\[\[\[\[}}0.00500000035]], {{\[\[}}0.0100000007]]]]> : tensor<1x2x1x1xf32>
  // CHECK: arith.sitofp %{{.*}} : i32 to f32
  // CHECK: math.roundeven
  %w = qnn.constant dense<1> : tensor<2x3x3x3xi8> -> tensor<2x3x3x3x!w>
  %b = qnn.constant dense<[10, -20]> : tensor<2xi32> -> tensor<2x!b>
  %y = qnn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x4x4x!u>, tensor<2x3x3x3x!w>, tensor<2x!b>) -> tensor<1x2x4x4x!o>
  return %y : tensor<1x2x4x4x!o>
}

// -----

// Elements that only move keep their stored integers.
!s = !quant.uniform<i8:f32, 0.1:3>
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:.*]]: tensor<2x4xi8>) -> tensor<4x2xi8>
func.func @transpose(%x: tensor<2x4x!s>) -> tensor<4x2x!s> {
  // CHECK: linalg.transpose ins(%[[X]] : tensor<2x4xi8>)
  %t = qnn.transpose %x {perm = array<i64: 1, 0>} : tensor<2x4x!s> -> tensor<4x2x!s>
  return %t : tensor<4x2x!s>
}

// -----

// Unsigned tensors become signless at the function boundary; a run-time
// zero point is subtracted in i32 before the contraction, a constant one
// inside it.
// CHECK-LABEL: func.func @matmul_integer
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xi8>, %[[B:.*]]: tensor<8x5xi8>, %[[ZA:.*]]: tensor<4x1xi8>) -> tensor<4x5xi32>
// CHECK: %[[SHIFTED:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[ZA]] : tensor<4x8xi8>, tensor<4x1xi8>)
// CHECK: arith.extui
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: linalg.generic {{.*}} ins(%[[SHIFTED]], %[[B]] : tensor<4x8xi32>, tensor<8x5xi8>)
// CHECK: arith.extsi
// CHECK: arith.subi %{{.*}}, %c-3_i32
func.func @matmul_integer(%a: tensor<4x8xui8>, %b: tensor<8x5xi8>, %za: tensor<4x1xui8>) -> tensor<4x5xi32> {
  %zb = qnn.constant dense<-3> : tensor<i8> -> tensor<i8>
  %0 = qnn.matmul_integer %a, %b, %za, %zb : (tensor<4x8xui8>, tensor<8x5xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x5xi32>
  return %0 : tensor<4x5xi32>
}

// -----

// A grouped matmul without the runtime's kernel: K (40) padded with zeros
// to whole groups of 32, the groups' i32 sums, the fma chain over the
// groups in order, then the zero point's term and the scale, as fmas.
// CHECK-LABEL: func.func @grouped_matmul
// CHECK: tensor.pad %{{.*}} low[0, 0] high[0, 24]
// CHECK: tensor.pad %{{.*}} low[0, 0] high[24, 0]
// CHECK: tensor.expand_shape {{.*}} into tensor<4x2x32xi8>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x32x16xi8>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: arith.extui
// CHECK: arith.extsi
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: -> tensor<4x2x16xi32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.sitofp
// CHECK: math.fma
// CHECK: -> tensor<4x16xf32>
// CHECK: linalg.generic
// CHECK: arith.uitofp
// CHECK: arith.negf
// CHECK: math.fma
// CHECK: math.fma
func.func @grouped_matmul(%q: tensor<4x40xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>) -> tensor<4x16xf32> {
  %w = qnn.constant dense<3> : tensor<40x16xi8> -> tensor<40x16xi8>
  %ws = qnn.constant dense<0.5> : tensor<2x16xf32> -> tensor<2x16xf32>
  %cs = qnn.constant dense<60.0> : tensor<16xf32> -> tensor<16xf32>
  %b = qnn.constant dense<1.0> : tensor<16xf32> -> tensor<16xf32>
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// DynamicQuantizeLinear: min and max reductions, then scale, zero point
// and the quantized values elementwise.
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK-SAME: -> (tensor<2x3xi8>, tensor<2x1xf32>, tensor<2x1xi8>)
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptoui
// CHECK: math.roundeven
func.func @dynamic_quantize(%x: tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<2x1xf32>, tensor<2x1xui8>) {
  %y:3 = qnn.dynamic_quantize_linear %x {per_row = true} : (tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<2x1xf32>, tensor<2x1xui8>)
  return %y#0, %y#1, %y#2 : tensor<2x3xui8>, tensor<2x1xf32>, tensor<2x1xui8>
}
// -----

// A 4-bit constant is stored packed, two to a byte, the first element in
// the low nibble: [[1, -2, 3], [-4, 5, 7]] is bytes 0xE1, 0xC3, 0x75. A
// dequantize of it reads each element's byte, moves its nibble to the top
// of the byte and shifts it down with sign extension, and reads its scale
// at its block of the sub-channel parameters.
!g = !quant.uniform<i4<-7:7>:f32:{0:1, 1:3}, {{0.5}, {0.25}}>
// CHECK-LABEL: func.func @dequantize_packed(
// CHECK-DAG: %[[STORED:.*]] = arith.constant dense<[-31, -61, 117]> : tensor<3xi8>
// CHECK-DAG: %[[SCALES:.*]] = arith.constant dense<{{\[}}[5.000000e-01], [2.500000e-01]]> : tensor<2x1xf32>
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: tensor.extract %[[SCALES]][%[[I]], %{{.*}}] : tensor<2x1xf32>
// CHECK: %[[BYTE:.*]] = tensor.extract %[[STORED]][%{{.*}}] : tensor<3xi8>
// CHECK: %[[TOP:.*]] = arith.shli %[[BYTE]], %{{.*}} : i8
// CHECK: arith.shrsi %[[TOP]], %{{.*}} : i8
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: -> tensor<2x3xf32>
func.func @dequantize_packed() -> tensor<2x3xf32> {
  %q = qnn.constant dense<[[1, -2, 3], [-4, 5, 7]]> : tensor<2x3xi4> -> tensor<2x3x!g>
  %x = qnn.dequantize %q : tensor<2x3x!g> -> tensor<2x3xf32>
  return %x : tensor<2x3xf32>
}

// -----

// A codebook constant is its packed indices, its codebook, and a lookup:
// indices [[1, 0, 2], [2, 1, 0]] pack to bytes 0x01, 0x22, 0x01; each
// element reads its nibble, zero-extended, and its row of the codebook.
// CHECK-LABEL: func.func @codebook(
// CHECK-DAG: %[[INDICES:.*]] = arith.constant dense<[1, 34, 1]> : tensor<3xi8>
// CHECK-DAG: %[[BOOK:.*]] = arith.constant dense<{{\[}}[-1.000000e+00, 0.000000e+00, 1.000000e+00], [5.000000e-01, 2.000000e+00, 4.000000e+00]]> : tensor<2x3xf32>
// CHECK: linalg.generic
// CHECK: %[[ROW:.*]] = linalg.index 0
// CHECK: %[[BYTE:.*]] = tensor.extract %[[INDICES]]
// CHECK: %[[ENTRY:.*]] = arith.shrui
// CHECK: %[[WIDE:.*]] = arith.extui %[[ENTRY]] : i8 to i32
// CHECK: %[[AT:.*]] = arith.index_castui %[[WIDE]]
// CHECK: tensor.extract %[[BOOK]][%[[ROW]], %[[AT]]] : tensor<2x3xf32>
func.func @codebook() -> tensor<2x3xf32> {
  %w = qnn.codebook_constant dense<[[1, 0, 2], [2, 1, 0]]> : tensor<2x3xui4>, dense<[[-1.0, 0.0, 1.0], [0.5, 2.0, 4.0]]> : tensor<2x3xf32> {axis = 0 : i64} -> tensor<2x3xf32>
  return %w : tensor<2x3xf32>
}

// -----

// A sub-channel type on whole-byte storage (here i16) is not packed: each
// element reads its own stored integer, sign-extended, and the scale of
// its block (blocks of 2 along dimension 1).
!w = !quant.uniform<i16:f32:{1:2}, {{0.5, 0.25}}>
// CHECK-LABEL: func.func @dequantize_sub_channel(
// CHECK-SAME: %[[X:.*]]: tensor<1x4xi16>) -> tensor<1x4xf32>
// CHECK: linalg.generic
// CHECK: %[[J:.*]] = linalg.index 1
// CHECK: %[[B:.*]] = arith.divui %[[J]], %{{.*}} : index
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %[[B]]] : tensor<1x2xf32>
// CHECK: %[[Q:.*]] = tensor.extract %[[X]][%{{.*}}, %[[J]]] : tensor<1x4xi16>
// CHECK: arith.extsi %[[Q]] : i16 to i32
func.func @dequantize_sub_channel(%x: tensor<1x4x!w>) -> tensor<1x4xf32> {
  %y = qnn.dequantize %x : tensor<1x4x!w> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
