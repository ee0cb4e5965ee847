// RUN: quant-opt %s --split-input-file --quantc-declare-runtime-kernels --convert-qnn-to-linalg --verify-diagnostics | FileCheck %s

// The kernels are declared with MLIR's C interface. A quantized conv with a
// constant s8 weight becomes a call: the filters packed as rows of taps
// padded to a multiple of 4 (4 filters x 28 bytes), and per filter the
// offset bias - z_x * sum(w) = bias - 128 * 27.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.01, 0.02}>
!b = !quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3, 5.0e-4, 1.0e-3}>
!o = !quant.uniform<u8:f32, 0.1:0>
// CHECK: func.func private @quantc_conv2d_u8s8_i32(memref<?xi8>, memref<?xi8>, memref<?xi32>, memref<?xi32>, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_depthwise2d_u8s8_i32(memref<?xi8>, memref<?xi8>, memref<?xi32>, memref<?xi32>, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_matmul_u8s8_i32(memref<?xi8>, memref<?xi8>, memref<?xi32>, memref<?xi32>, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_matmul_u8s8_f32(memref<?xi8>, memref<?xi8>, memref<?xi32>, memref<?xi32>, memref<?xf32>, memref<?xi32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, i64, i64, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_matmul_u8s4_f32(memref<?xi8>, memref<?xf32>, memref<?xi32>, memref<?xi8>, memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, i64, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_matmul_f32s4_f32(memref<?xf32>, memref<?xi8>, memref<?xf32>, memref<?xf32>, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_matmul_f32s8_f32(memref<?xf32>, memref<?xi8>, memref<?xf32>, memref<?xf32>, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_matmul_f32c4_f32(memref<?xf32>, memref<?xi8>, memref<?xf32>, memref<?xf32>, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_matmul_f32c8_f32(memref<?xf32>, memref<?xi8>, memref<?xf32>, memref<?xf32>, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK: func.func private @quantc_batch_matmul_q8_i32(memref<?xi8>, memref<?xi8>, memref<?xi32>, i64, i64, i64, i64, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @conv(
func.func @conv(%x: tensor<1x3x4x4x!u>) -> tensor<1x4x4x4x!o> {
  // CHECK: arith.constant dense<"0x{{(01){27}00(01){27}00(01){27}00(01){27}00}}"> : tensor<112xi8>
  // CHECK: arith.constant dense<[-3446, -3476, -3426, -3416]> : tensor<4xi32>
  // CHECK: %[[ZP:.*]] = arith.constant 128 : i64
  // CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
  // CHECK: %[[X:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<?xi8> to memref<?xi8>
  // CHECK: call @quantc_conv2d_u8s8_i32(%[[X]], %{{.*}}, %{{.*}}, %[[OUT]], {{.*}}, %[[ZP]], %{{.*}})
  // CHECK: bufferization.to_tensor %[[OUT]] restrict writable
  // CHECK: tensor.expand_shape {{.*}} into tensor<1x4x4x4xi32>
  // CHECK-NOT: tensor.pad
  // CHECK: math.roundeven
  %w = qnn.constant dense<1> : tensor<4x3x3x3xi8> -> tensor<4x3x3x3x!w>
  %b = qnn.constant dense<[10, -20, 30, 40]> : tensor<4xi32> -> tensor<4x!b>
  %y = qnn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x4x4x!u>, tensor<4x3x3x3x!w>, tensor<4x!b>) -> tensor<1x4x4x4x!o>
  return %y : tensor<1x4x4x4x!o>
}

// -----

// A depthwise conv calls the depthwise kernel, its filters packed as
// kernel rows of 4 taps (3 taps and a zero): 4 filters x 3 rows x 4 bytes.
// A conv with fewer than 8 taps a filter keeps the generic loops.
!u = !quant.uniform<u8:f32, 0.05:128>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
// CHECK-LABEL: func.func @depthwise(
func.func @depthwise(%x: tensor<1x4x5x5x!u>) -> (tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>) {
  // CHECK: arith.constant dense<[2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0]> : tensor<48xi8>
  // CHECK: call @quantc_depthwise2d_u8s8_i32(
  // CHECK-NOT: call
  // CHECK: linalg.generic
  %w = qnn.constant dense<2> : tensor<4x1x3x3xi8> -> tensor<4x1x3x3x!w>
  %y = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 4 : i64} : (tensor<1x4x5x5x!u>, tensor<4x1x3x3x!w>) -> tensor<1x4x5x5xf32>
  %v = qnn.constant dense<3> : tensor<4x4x1x1xi8> -> tensor<4x4x1x1x!w>
  %z = qnn.conv %x, %v {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x4x5x5x!u>, tensor<4x4x1x1x!w>) -> tensor<1x4x5x5xf32>
  return %y, %z : tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>
}

// -----

// A matmul's weight [K, N] = [6, 3] becomes one panel of 16 columns by two
// groups of 4 k (128 bytes); with s8 activations the offsets use z_x + 128:
// -(-3 + 128) * column sum.
!s = !quant.uniform<i8:f32, 0.05:-3>
!w = !quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02, 0.03}>
// CHECK-LABEL: func.func @matmul(
func.func @matmul(%x: tensor<2x5x6x!s>) -> tensor<2x5x3xf32> {
  // CHECK: arith.constant dense<"0x{{.*}}"> : tensor<128xi8>
  // CHECK: arith.constant dense<[-750, 0, -1500]> : tensor<3xi32>
  // CHECK: %[[ROWS:.*]] = arith.index_cast %{{.*}} : index to i64
  // CHECK: arith.constant 3 : i64
  // CHECK: arith.constant 6 : i64
  // CHECK: %[[SIGNED:.*]] = arith.constant 1 : i64
  // CHECK: call @quantc_matmul_u8s8_i32(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ROWS]], %{{.*}}, %{{.*}}, %[[SIGNED]])
  // CHECK: tensor.expand_shape {{.*}} into tensor<2x5x3xi32>
  %w = qnn.constant dense<[[1, 0, 2], [1, 0, 2], [1, 0, 2], [1, 0, 2], [1, 0, 2], [1, 0, 2]]> : tensor<6x3xi8> -> tensor<6x3x!w>
  %y = qnn.matmul %x, %w : (tensor<2x5x6x!s>, tensor<6x3x!w>) -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// -----

// qnn.matmul_integer with a constant s8 weight (zero point 0), as dynamic
// quantization makes it: the kernel sums a * w (offsets 0), and the input's
// zero point, known only at run time (one per row), is subtracted times the
// weight's column sums [6, 0, 12].
// CHECK-LABEL: func.func @matmul_integer(
func.func @matmul_integer(%x: tensor<4x6xui8>, %zx: tensor<4x1xui8>) -> tensor<4x3xi32> {
  // CHECK: arith.constant dense<0> : tensor<3xi32>
  // CHECK: %[[SIGNED:.*]] = arith.constant 0 : i64
  // CHECK: %[[ACC:.*]] = bufferization.to_tensor
  // CHECK: %[[SUMS:.*]] = arith.constant dense<[6, 0, 12]> : tensor<3xi32>
  // CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[SUMS]] : tensor<4x3xi32>, tensor<4x1xi8>, tensor<3xi32>)
  // CHECK: arith.extui
  // CHECK: arith.muli
  // CHECK: arith.subi
  %w = qnn.constant dense<[[1, 0, 2], [1, 0, 2], [1, 0, 2], [1, 0, 2], [1, 0, 2], [1, 0, 2]]> : tensor<6x3xi8> -> tensor<6x3xi8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %y = qnn.matmul_integer %x, %w, %zx, %zw : (tensor<4x6xui8>, tensor<6x3xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x3xi32>
  return %y : tensor<4x3xi32>
}

// -----

// qnn.conv_integer with a constant s8 weight (zero point 0) and an input
// zero point known at run time: the conv kernel with offsets of 0 and the
// zero point's byte as the padding, then the zero point times each
// filter's sum (36 for four filters of 4 x 3 x 3 ones) subtracted.
// CHECK-LABEL: func.func @conv_integer(
func.func @conv_integer(%x: tensor<1x4x6x6xui8>, %zx: tensor<ui8>) -> tensor<1x4x6x6xi32> {
  // CHECK: arith.constant dense<0> : tensor<4xi32>
  // CHECK: %[[Z:.*]] = tensor.extract %{{.*}}[] : tensor<i8>
  // CHECK: %[[PAD:.*]] = arith.extui %[[Z]] : i8 to i64
  // CHECK: call @quantc_conv2d_u8s8_i32({{.*}}, %[[PAD]], %{{.*}})
  // CHECK: %[[SUMS:.*]] = arith.constant dense<36> : tensor<4x1x1xi32>
  // CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[SUMS]] : tensor<1x4x6x6xi32>, tensor<i8>, tensor<4x1x1xi32>)
  // CHECK: arith.muli
  // CHECK: arith.subi
  %w = qnn.constant dense<1> : tensor<4x4x3x3xi8> -> tensor<4x4x3x3xi8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %y = qnn.conv_integer %x, %w, %zx, %zw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x6x6xui8>, tensor<4x4x3x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<1x4x6x6xi32>
  return %y : tensor<1x4x6x6xi32>
}

// -----

// A weight zero point other than 0 leaves matmul_integer to the generic
// loops.
// CHECK-LABEL: func.func @matmul_integer_weight_zero(
func.func @matmul_integer_weight_zero(%x: tensor<4x6xui8>, %zx: tensor<ui8>) -> tensor<4x3xi32> {
  // CHECK-NOT: call
  // CHECK: linalg.generic
  %w = qnn.constant dense<1> : tensor<6x3xi8> -> tensor<6x3xi8>
  %zw = qnn.constant dense<1> : tensor<i8> -> tensor<i8>
  %y = qnn.matmul_integer %x, %w, %zx, %zw : (tensor<4x6xui8>, tensor<6x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x3xi32>
  return %y : tensor<4x3xi32>
}

// -----

// qnn.grouped_matmul with constant weights in [-8, 7]: the 4-bit kernel,
// with the weights (3, stored as 3 + 8: every byte 0xBB, -69) packed as
// nibble panels (ceil(N / 16) * ceil(K / 8) * 64
// = 320 bytes), the zero points widened to i32, and M, N, K, the group and
// a step of 1 (one zero point a row).
// CHECK-LABEL: func.func @grouped_matmul(
func.func @grouped_matmul(%q: tensor<4x40xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>) -> tensor<4x16xf32> {
  // CHECK: arith.constant dense<-69> : tensor<320xi8>
  // CHECK: arith.extui %{{.*}} : i8 to i32
  // CHECK: %[[N:.*]] = arith.constant 16 : i64
  // CHECK: %[[K:.*]] = arith.constant 40 : i64
  // CHECK: %[[G:.*]] = arith.constant 32 : i64
  // CHECK: %[[STEP:.*]] = arith.constant 1 : i64
  // CHECK: call @quantc_matmul_u8s4_f32({{.*}}, %[[N]], %[[K]], %[[G]], %[[STEP]])
  // CHECK: tensor.expand_shape {{.*}} into tensor<4x16xf32>
  // CHECK-NOT: linalg.generic
  %w = qnn.constant dense<3> : tensor<40x16xi8> -> tensor<40x16xi8>
  %ws = qnn.constant dense<0.5> : tensor<2x16xf32> -> tensor<2x16xf32>
  %cs = qnn.constant dense<60.0> : tensor<16xf32> -> tensor<16xf32>
  %b = qnn.constant dense<1.0> : tensor<16xf32> -> tensor<16xf32>
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Weights outside [-8, 7], or groups the kernel does not take (not a
// multiple of 8), leave the op to the generic loops.
// CHECK-LABEL: func.func @grouped_matmul_generic(
func.func @grouped_matmul_generic(%q: tensor<4x40xui8>, %s: tensor<f32>, %z: tensor<ui8>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  // CHECK-NOT: call
  // CHECK: linalg.generic
  %w = qnn.constant dense<9> : tensor<40x16xi8> -> tensor<40x16xi8>
  %w2 = qnn.constant dense<1> : tensor<40x16xi8> -> tensor<40x16xi8>
  %ws = qnn.constant dense<0.5> : tensor<2x16xf32> -> tensor<2x16xf32>
  %ws2 = qnn.constant dense<0.5> : tensor<4x16xf32> -> tensor<4x16xf32>
  %cs = qnn.constant dense<60.0> : tensor<16xf32> -> tensor<16xf32>
  %b = qnn.constant dense<1.0> : tensor<16xf32> -> tensor<16xf32>
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<f32>, tensor<ui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %1 = qnn.grouped_matmul %q, %s, %z, %w2, %ws2, %cs, %b {group = 12 : i64} : (tensor<4x40xui8>, tensor<f32>, tensor<ui8>, tensor<40x16xi8>, tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0, %1 : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// qnn.scaled_matmul_integer with a constant s8 weight (zero point 0): the
// matmul kernel with a float result, the weights as panels (ceil(N / 16) *
// ceil(K / 4) * 64 = 640 bytes), offsets 0 (u8 input), the column sums
// 40 * 2, the per-row scales as they are, the zero points widened to i32,
// the scalar weight scale broadcast to [N], and M, N, K, unsigned, a step
// of 1 and a bias.
// CHECK-LABEL: func.func @scaled_matmul(
func.func @scaled_matmul(%q: tensor<?x40xui8>, %s: tensor<?x1xf32>, %z: tensor<?x1xui8>) -> tensor<?x16xf32> {
  // CHECK: arith.extui %{{.*}} : i8 to i32
  // CHECK: %[[N:.*]] = arith.constant 16 : i64
  // CHECK: %[[K:.*]] = arith.constant 40 : i64
  // CHECK: %[[U:.*]] = arith.constant 0 : i64
  // CHECK: %[[STEP:.*]] = arith.constant 1 : i64
  // CHECK: %[[BIAS:.*]] = arith.constant 1 : i64
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<2> : tensor<640xi8>
  // CHECK-DAG: %[[OFF:.*]] = arith.constant dense<0> : tensor<16xi32>
  // CHECK-DAG: %[[SUM:.*]] = arith.constant dense<80> : tensor<16xi32>
  // CHECK: call @quantc_matmul_u8s8_f32({{.*}}, %[[N]], %[[K]], %[[U]], %[[STEP]], %[[BIAS]])
  // CHECK-NOT: linalg.generic
  // CHECK: tensor.reshape {{.*}} -> tensor<?x16xf32>
  %w = qnn.constant dense<2> : tensor<40x16xi8> -> tensor<40x16xi8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %ws = qnn.constant dense<0.5> : tensor<f32> -> tensor<f32>
  %b = qnn.constant dense<1.0> : tensor<16xf32> -> tensor<16xf32>
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws, %b : (tensor<?x40xui8>, tensor<40x16xi8>, tensor<?x1xui8>, tensor<i8>, tensor<?x1xf32>, tensor<f32>, tensor<16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// A weight known only at run time: the ops the fused op stands for, the
// integer product in loops and then the float epilogue.
// CHECK-LABEL: func.func @scaled_matmul_generic(
func.func @scaled_matmul_generic(%q: tensor<4x40xi8>, %w: tensor<40x16xi8>, %s: tensor<f32>) -> tensor<4x16xf32> {
  // CHECK-NOT: call
  // CHECK: linalg.generic
  // CHECK: arith.muli
  // CHECK: linalg.generic
  // CHECK: arith.sitofp
  // CHECK: arith.mulf
  %z = qnn.constant dense<3> : tensor<i8> -> tensor<i8>
  %zw = qnn.constant dense<0> : tensor<i8> -> tensor<i8>
  %ws = qnn.constant dense<0.5> : tensor<16xf32> -> tensor<16xf32>
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws : (tensor<4x40xi8>, tensor<40x16xi8>, tensor<i8>, tensor<i8>, tensor<f32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Weight-only 4-bit weights (one scale per column and group of 8 rows):
// a float matmul by their dequantized values calls the kernel for float
// activations and 4-bit weights, with the weights as nibble panels
// (ceil(N / 16) * ceil(K / 8) * 64 = 128 bytes: q = 1 is 0x99 in the
// 16 bytes of the 4 columns of each block, q = 0 is 0x88 in the padding
// columns), the scales [2, 4] flat, and M, N, K and the group.
!s4 = !quant.uniform<i4<-7:7>:f32:{0:8, 1:1}, {{0.5, 0.5, 0.5, 0.5}, {0.25, 0.25, 0.25, 0.25}}>
// CHECK-LABEL: func.func @weight_only_s4(
func.func @weight_only_s4(%x: tensor<3x16xf32>) -> tensor<3x4xf32> {
  // CHECK-DAG: arith.constant dense<{{"0x(9{32}8{96}){2}"}}> : tensor<128xi8>
  // CHECK-DAG: arith.constant dense<[5.000000e-01, 5.000000e-01, 5.000000e-01, 5.000000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01]> : tensor<8xf32>
  // CHECK: call @quantc_matmul_f32s4_f32(
  // CHECK-NOT: linalg.matmul
  %q = qnn.constant dense<1> : tensor<16x4xi4> -> tensor<16x4x!s4>
  %w = qnn.dequantize %q : tensor<16x4x!s4> -> tensor<16x4xf32>
  %y = qnn.matmul %x, %w : (tensor<3x16xf32>, tensor<16x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// A gemm with trans_b reads its [N, K] weight transposed: the same nibble
// panels as the [K, N] weight above, its scales [N, 2] (one per row and
// group of 8 columns) flat in the kernel's order [2, N], and C added to
// the kernel's product.
!t4 = !quant.uniform<i4<-7:7>:f32:{0:1, 1:8}, {{0.5, 0.25}, {1.0, 0.125}, {2.0, 8.0}, {4.0, 16.0}}>
// CHECK-LABEL: func.func @weight_only_s4_gemm(
func.func @weight_only_s4_gemm(%x: tensor<3x16xf32>) -> tensor<3x4xf32> {
  // CHECK-DAG: arith.constant dense<{{"0x(9{32}8{96}){2}"}}> : tensor<128xi8>
  // CHECK-DAG: arith.constant dense<[5.000000e-01, 1.000000e+00, 2.000000e+00, 4.000000e+00, 2.500000e-01, 1.250000e-01, 8.000000e+00, 1.600000e+01]> : tensor<8xf32>
  // CHECK: call @quantc_matmul_f32s4_f32(
  // CHECK-NOT: linalg.matmul
  // CHECK: arith.addf
  %q = qnn.constant dense<1> : tensor<4x16xi4> -> tensor<4x16x!t4>
  %w = qnn.dequantize %q : tensor<4x16x!t4> -> tensor<4x16xf32>
  %c = qnn.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> -> tensor<4xf32>
  %y = qnn.gemm %x, %w, %c {trans_b = true} : (tensor<3x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// A 4-bit codebook weight (one codebook per column) calls the codebook
// kernel: the indices as nibble panels (index 3 in both nibbles: 0x33, and
// 0x88 in the padding columns),
// each column's entries in a row of 16, padded with zeros and to a whole
// panel of 16 rows.
// CHECK-LABEL: func.func @codebook_c4(
func.func @codebook_c4(%x: tensor<?x16xf32>) -> tensor<?x2xf32> {
  // CHECK-DAG: arith.constant dense<{{"0x(3{16}8{112}){2}"}}> : tensor<128xi8>
  // CHECK-DAG: arith.constant dense<{{"0x000080BF000000BF0000003F0000803F0{96}000000C0000080BF0000803F000000400{96}(0{128}){14}"}}> : tensor<256xf32>
  // CHECK: call @quantc_matmul_f32c4_f32(
  %w = qnn.codebook_constant dense<3> : tensor<16x2xui4>, dense<[[-1.0, -0.5, 0.5, 1.0], [-2.0, -1.0, 1.0, 2.0]]> : tensor<2x4xf32> {axis = 1 : i64} -> tensor<16x2xf32>
  %y = qnn.matmul %x, %w : (tensor<?x16xf32>, tensor<16x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// A gemm with trans_b and one codebook per row of its [N, K] weight calls
// the codebook kernel with the tables of the matmul above.
// CHECK-LABEL: func.func @codebook_c4_gemm(
func.func @codebook_c4_gemm(%x: tensor<?x16xf32>) -> tensor<?x2xf32> {
  // CHECK-DAG: arith.constant dense<{{"0x(3{16}8{112}){2}"}}> : tensor<128xi8>
  // CHECK-DAG: arith.constant dense<{{"0x000080BF000000BF0000003F0000803F0{96}000000C0000080BF0000803F000000400{96}(0{128}){14}"}}> : tensor<256xf32>
  // CHECK: call @quantc_matmul_f32c4_f32(
  %w = qnn.codebook_constant dense<3> : tensor<2x16xui4>, dense<[[-1.0, -0.5, 0.5, 1.0], [-2.0, -1.0, 1.0, 2.0]]> : tensor<2x4xf32> {axis = 0 : i64} -> tensor<2x16xf32>
  %y = qnn.gemm %x, %w {trans_b = true} : (tensor<?x16xf32>, tensor<2x16xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// A product of two activations (per tensor, 8-bit) calls the kernel that
// packs its right operand at run time: batch 2, M 4 and N (known at run
// time) from the operands, K 8, the zero points 128 and -3, u8 by s8.
!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<i8:f32, 0.1:-3>
!s = !quant.uniform<u8:f32, 0.2:10>
// CHECK-LABEL: func.func @activation_product(
func.func @activation_product(%x: tensor<2x4x8x!a>, %y: tensor<2x8x?x!b>) -> tensor<2x4x?x!s> {
  // CHECK-DAG: %[[BATCH:.*]] = arith.constant 2 : i64
  // CHECK-DAG: %[[K:.*]] = arith.constant 8 : i64
  // CHECK-DAG: %[[ZA:.*]] = arith.constant 128 : i64
  // CHECK-DAG: %[[ZB:.*]] = arith.constant -3 : i64
  // CHECK-DAG: %[[UNSIGNED:.*]] = arith.constant 0 : i64
  // CHECK-DAG: %[[SIGNED:.*]] = arith.constant 1 : i64
  // CHECK: call @quantc_batch_matmul_q8_i32(%{{.*}}, %{{.*}}, %{{.*}}, %[[BATCH]], %{{.*}}, %{{.*}}, %[[K]], %[[ZA]], %[[ZB]], %[[UNSIGNED]], %[[SIGNED]])
  // CHECK-NOT: linalg.batch_matmul
  %0 = qnn.matmul %x, %y : (tensor<2x4x8x!a>, tensor<2x8x?x!b>) -> tensor<2x4x?x!s>
  return %0 : tensor<2x4x?x!s>
}

// -----

// 8-bit codebook indices call the 8-bit codebook kernel: the indices as
// 8-bit panels of index - 128 (3 is 0x83 in the 8 bytes of the 2 columns
// of each group, the padding columns 0), and with
// one codebook per column a row of 256 entries for each column up to a
// whole panel of 16 (per_column 1); with one codebook for all, one row
// (per_column 0).
// CHECK-LABEL: func.func @codebook_c8(
func.func @codebook_c8(%x: tensor<?x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  // CHECK: arith.constant dense<{{.*}}> : tensor<4096xf32>
  // CHECK: %[[ONE:.*]] = arith.constant 1 : i64
  // CHECK: arith.constant dense<{{"0x((83){8}0{112}){4}"}}> : tensor<256xi8>
  // CHECK: call @quantc_matmul_f32c8_f32({{.*}}, %[[ONE]])
  // CHECK: arith.constant dense<{{.*}}> : tensor<256xf32>
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
  // CHECK: call @quantc_matmul_f32c8_f32({{.*}}, %[[ZERO]])
  %w = qnn.codebook_constant dense<3> : tensor<16x2xui8>, dense<[[-1.0, -0.5, 0.5, 1.0], [-2.0, -1.0, 1.0, 2.0]]> : tensor<2x4xf32> {axis = 1 : i64} -> tensor<16x2xf32>
  %y = qnn.matmul %x, %w : (tensor<?x16xf32>, tensor<16x2xf32>) -> tensor<?x2xf32>
  %v = qnn.codebook_constant dense<3> : tensor<16x2xui8>, dense<[-1.0, -0.5, 0.5, 1.0]> : tensor<4xf32> -> tensor<16x2xf32>
  %z = qnn.matmul %x, %v : (tensor<?x16xf32>, tensor<16x2xf32>) -> tensor<?x2xf32>
  return %y, %z : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// A symbol of a kernel's name with another type is an error.
// expected-error @below {{quantc-declare-runtime-kernels: 'quantc_matmul_u8s8_i32' is taken by a function of another type}}
func.func private @quantc_matmul_u8s8_i32(memref<?xi8>)
