// One case per verifier constraint of docs/dialect.md.
// RUN: quant-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Rules shared by many ops
//===----------------------------------------------------------------------===//

// T1
func.func @expressed_type_mismatch(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{requires one expressed type, but operand #1 expresses 'f16' and operand #0 expresses 'f32'}}
  %0 = qnn.add %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

// T1: a quantized value expresses its expressed type.
func.func @quantized_expressed_mismatch(%a: tensor<4x!quant.uniform<i8:f16, 0.5>>) {
  // expected-error @+1 {{result #0 expresses 'f32' and operand #0 expresses 'f16'}}
  %0 = qnn.relu %a : tensor<4x!quant.uniform<i8:f16, 0.5>> -> tensor<4xf32>
  return
}

// -----

// T2: per-axis dimension out of range.
func.func @per_axis_dim_out_of_range(%a: tensor<4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) {
  // expected-error @+1 {{operand #0: quantized dimension 1 is out of range}}
  %0 = qnn.dequantize %a : tensor<4x!quant.uniform<i8:f32:1, {0.5, 0.25}>> -> tensor<4xf32>
  return
}

// -----

// T2: one scale per slice of the quantized dimension.
func.func @per_axis_scale_count(%a: tensor<3x2xf32>) {
  // expected-error @+1 {{result #0: 'tensor<3x2x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>' has 2 scales for dimension 0 of size 3}}
  %0 = qnn.quantize %a : tensor<3x2xf32> -> tensor<3x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

// T2: sub-channel scales have the tensor's rank.
func.func @sub_channel_rank(%a: tensor<2x4x2xf32>) {
  // expected-error @+1 {{has rank-2 scales for a rank-3 tensor}}
  %0 = qnn.quantize %a : tensor<2x4x2xf32> -> tensor<2x4x2x!quant.uniform<i8:f32:{1:2}, {{0.5, 0.25}, {0.5, 0.25}}>>
  return
}

// -----

// T2: block sizes divide their dimension.
func.func @sub_channel_block_divides(%a: tensor<2x5xf32>) {
  // expected-error @+1 {{block size 2 does not divide dimension 1 of size 5}}
  %0 = qnn.quantize %a : tensor<2x5xf32> -> tensor<2x5x!quant.uniform<i8:f32:{1:2}, {{0.5, 0.25}}>>
  return
}

// -----

// T2: one scale per block.
func.func @sub_channel_block_count(%a: tensor<2x8xf32>) {
  // expected-error @+1 {{has 2 scales along dimension 1 but 4 blocks}}
  %0 = qnn.quantize %a : tensor<2x8xf32> -> tensor<2x8x!quant.uniform<i8:f32:{0:2, 1:2}, {{0.5, 0.25}}>>
  return
}

// -----

// T3: shapes that do not broadcast.
func.func @no_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operand shapes [2, 3] and [4] do not broadcast}}
  %0 = qnn.mul %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

// T3: the result has the broadcast shape.
func.func @broadcast_result(%a: tensor<2x1xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result shape [2, 1] does not match the expected [2, 3]}}
  %0 = qnn.sub %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return
}

//===----------------------------------------------------------------------===//
// Constants and casts
//===----------------------------------------------------------------------===//

// -----

// constant-C1
func.func @constant_shape() {
  // expected-error @+1 {{value of type 'tensor<2xf32>' does not have the static shape of 'tensor<3xf32>'}}
  %0 = qnn.constant dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<3xf32>
  return
}

// -----

// constant-C2
func.func @constant_storage() {
  // expected-error @+1 {{value elements of type 'i16' do not match 'i8'}}
  %0 = qnn.constant dense<[1, 2]> : tensor<2xi16> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// codebook_constant-C1
func.func @codebook_shape() {
  // expected-error @+1 {{indices of type 'tensor<2xui4>' do not have the static shape of 'tensor<3xf32>'}}
  %0 = qnn.codebook_constant dense<[0, 1]> : tensor<2xui4>, dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<3xf32>
  return
}

// -----

// codebook_constant-C2
func.func @codebook_index_type() {
  // expected-error @+1 {{indices must be ui4 or ui8, not 'i16'}}
  %0 = qnn.codebook_constant dense<[0, 1]> : tensor<2xi16>, dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<2xf32>
  return
}

// -----

// codebook_constant-C3
func.func @codebook_element() {
  // expected-error @+1 {{codebook elements of type 'f16' do not match 'f32'}}
  %0 = qnn.codebook_constant dense<[0, 1]> : tensor<2xui4>, dense<[1.0, 2.0]> : tensor<2xf16> -> tensor<2xf32>
  return
}

// -----

// codebook_constant-C4
func.func @codebook_rank() {
  // expected-error @+1 {{a codebook without axis must have rank 1}}
  %0 = qnn.codebook_constant dense<[0, 1]> : tensor<2xui4>, dense<[[1.0, 2.0]]> : tensor<1x2xf32> -> tensor<2xf32>
  return
}

// -----

// codebook_constant-C4
func.func @codebook_rows() {
  // expected-error @+1 {{a codebook along axis 1 must have shape [3, entries], not 'tensor<2x2xf32>'}}
  %0 = qnn.codebook_constant dense<[[0, 1, 1], [1, 0, 0]]> : tensor<2x3xui4>, dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> {axis = 1 : i64} -> tensor<2x3xf32>
  return
}

// -----

// codebook_constant-C5
func.func @codebook_entries() {
  // expected-error @+1 {{a codebook of 4-bit indices must have 1 to 16 entries, not 17}}
  %0 = qnn.codebook_constant dense<[0, 1]> : tensor<2xui4>, dense<1.0> : tensor<17xf32> -> tensor<2xf32>
  return
}

// -----

// codebook_constant-C5
func.func @codebook_index_range() {
  // expected-error @+1 {{index 2 is out of range for 2 entries}}
  %0 = qnn.codebook_constant dense<[0, 2]> : tensor<2xui4>, dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<2xf32>
  return
}

// -----

// quantize-C1
func.func @quantize_expressed(%a: tensor<2xf16>) {
  // expected-error @+1 {{result expresses 'f32' but the input holds 'f16'}}
  %0 = qnn.quantize %a : tensor<2xf16> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// dequantize-C1
func.func @dequantize_expressed(%a: tensor<2x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{input expresses 'f32' but the result holds 'f16'}}
  %0 = qnn.dequantize %a : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2xf16>
  return
}

//===----------------------------------------------------------------------===//
// Linear ops
//===----------------------------------------------------------------------===//

// -----

// conv-C1
func.func @conv_rank(%x: tensor<3x8xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{input must have rank 3 or more, got 2}}
  %0 = qnn.conv %x, %w {strides = array<i64>, dilations = array<i64>, pads = array<i64>} : (tensor<3x8xf32>, tensor<4x3xf32>) -> tensor<3x4xf32>
  return
}

// -----

// conv-C1
func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+1 {{weight rank 3 differs from input rank 4}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// conv-C2
func.func @conv_strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides and dilations need 2 entries, got 1 and 2}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// conv-C2
func.func @conv_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{pads need 4 entries, got 2}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// conv-C3
func.func @conv_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides and dilations must be positive}}
  %0 = qnn.conv %x, %w {strides = array<i64: 0, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// conv-C3
func.func @conv_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{pads must not be negative}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x6xf32>
  return
}

// -----

// conv-C3
func.func @conv_zero_group(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{group must be positive, got 0}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 0} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// conv-C4
func.func @conv_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{input has 4 channels but weight dimension 1 is 3 with group 1}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// conv-C4
func.func @conv_group_filters(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+1 {{group 4 does not divide the 6 filters}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 4} : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

// conv-C5
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias shape [3] does not match the expected [4]}}
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// conv-C6
func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result shape [1, 4, 8, 8] does not match the expected [1, 4, 3, 3]}}
  %0 = qnn.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// conv-C6
func.func @conv_empty(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{spatial dimension 0 has an empty output}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return
}

// -----

// conv_transpose-C1
func.func @conv_transpose_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x2xf32>) {
  // expected-error @+1 {{weight rank 3 differs from input rank 4}}
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x4x8x8xf32>, tensor<4x2x2xf32>) -> tensor<1x2x16x16xf32>
  return
}

// -----

// conv_transpose-C2
func.func @conv_transpose_counts(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error @+1 {{strides, dilations and output_padding need 2 entries each}}
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0>} : (tensor<1x4x8x8xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x16x16xf32>
  return
}

// -----

// conv_transpose-C3
func.func @conv_transpose_output_padding(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error @+1 {{output padding 2 must be non-negative and smaller than stride 2 or dilation 1}}
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 2, 0>} : (tensor<1x4x8x8xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x18x16xf32>
  return
}

// -----

// conv_transpose-C4
func.func @conv_transpose_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x2x2xf32>) {
  // expected-error @+1 {{weight dimension 0 is 3 but the input has 4 channels}}
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x4x8x8xf32>, tensor<3x2x2x2xf32>) -> tensor<1x2x16x16xf32>
  return
}

// -----

// conv_transpose-C5
func.func @conv_transpose_bias(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x2x2xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{bias shape [4] does not match the expected [2]}}
  %0 = qnn.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x4x8x8xf32>, tensor<4x2x2x2xf32>, tensor<4xf32>) -> tensor<1x2x16x16xf32>
  return
}

// -----

// conv_transpose-C6
func.func @conv_transpose_result(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error @+1 {{result shape [1, 2, 8, 8] does not match the expected [1, 2, 16, 16]}}
  %0 = qnn.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x4x8x8xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32>
  return
}

// -----

// matmul-C1
func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operands must have rank 1 or more}}
  %0 = qnn.matmul %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

// matmul-C2
func.func @matmul_contracting(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{contracting dimensions 3 and 4 differ}}
  %0 = qnn.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// matmul-C3
func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x5xf32>) {
  // expected-error @+1 {{batch dimensions [2] and [3] do not broadcast}}
  %0 = qnn.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x5xf32>) -> tensor<2x2x5xf32>
  return
}

// -----

// matmul-C4
func.func @matmul_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result shape [2, 1] does not match the expected [2]}}
  %0 = qnn.matmul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return
}

// -----

// gemm-C1
func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{A and B must be matrices, got ranks 3 and 2}}
  %0 = qnn.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

// gemm-C2
func.func @gemm_contracting(%a: tensor<2x3xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{contracting dimensions 3 and 4 differ}}
  %0 = qnn.gemm %a, %b {trans_b = true} : (tensor<2x3xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
  return
}

// -----

// gemm-C3
func.func @gemm_c(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<2x1x5xf32>) {
  // expected-error @+1 {{C of shape [2, 1, 5] does not broadcast to [2, 5]}}
  %0 = qnn.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<2x1x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// gemm-C4
func.func @gemm_result(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{result shape [5, 2] does not match the expected [2, 5]}}
  %0 = qnn.gemm %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<5x2xf32>
  return
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

// -----

// clip-C1
func.func @clip_bounds(%x: tensor<4xf32>) {
  // expected-error @+1 {{min 6.000000e+00 is greater than max 0.000000e+00}}
  %0 = qnn.clip %x {min = 6.0 : f32, max = 0.0 : f32} : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// A float-only op rejects integer tensors.
func.func @sigmoid_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or quantized type values}}
  %0 = qnn.sigmoid %x : tensor<4xi32> -> tensor<4xi32>
  return
}

//===----------------------------------------------------------------------===//
// Softmax and normalizations
//===----------------------------------------------------------------------===//

// -----

// softmax-C1
func.func @softmax_axis(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %0 = qnn.softmax %x {axis = -1 : i64} : tensor<2x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// log_softmax-C1
func.func @log_softmax_axis(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qnn.log_softmax %x {axis = 2 : i64} : tensor<2x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// layer_norm-C1
func.func @layer_norm_axis(%x: tensor<2x4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qnn.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// layer_norm-C2
func.func @layer_norm_scale(%x: tensor<2x4xf32>, %g: tensor<2x4xf32>) {
  // expected-error @+1 {{parameter of shape [2, 4] does not broadcast to the normalized dimensions [4]}}
  %0 = qnn.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// layer_norm-C3
func.func @layer_norm_epsilon(%x: tensor<2x4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be positive}}
  %0 = qnn.layer_norm %x, %g {axis = 1 : i64, epsilon = 0.0 : f32} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// layer_norm-C4
func.func @layer_norm_result(%x: tensor<2x4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{result shape [4, 2] does not match the expected [2, 4]}}
  %0 = qnn.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<4x2xf32>
  return
}

// -----

// batch_norm-C1
func.func @batch_norm_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{input must have rank 2 or more, got 1}}
  %0 = qnn.batch_norm %x, %p, %p, %p, %p : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// batch_norm-C2
func.func @batch_norm_params(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{parameter of shape [3] does not match the channels [4]}}
  %0 = qnn.batch_norm %x, %p, %p, %p, %v : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

// batch_norm-C3
func.func @batch_norm_epsilon(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be positive}}
  %0 = qnn.batch_norm %x, %p, %p, %p, %p {epsilon = -1.0 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

// batch_norm-C4
func.func @batch_norm_result(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{result shape [1, 4, 4] does not match the expected [1, 4, 2, 2]}}
  %0 = qnn.batch_norm %x, %p, %p, %p, %p : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// Reductions and pooling
//===----------------------------------------------------------------------===//

// -----

// reduce-C1
func.func @reduce_no_axes(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{axes must not be empty}}
  %0 = qnn.reduce <sum> %x {axes = array<i64>} : tensor<2x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// reduce-C1
func.func @reduce_axis_range(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{reduced axis 2 is out of range for rank 2}}
  %0 = qnn.reduce <sum> %x {axes = array<i64: 2>} : tensor<2x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// reduce-C1
func.func @reduce_axes_order(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{axes must be strictly increasing}}
  %0 = qnn.reduce <max> %x {axes = array<i64: 1, 0>} : tensor<2x4xf32> -> tensor<1x1xf32>
  return
}

// -----

// reduce-C2
func.func @reduce_result(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{result shape [2, 1] does not match the expected [2]}}
  %0 = qnn.reduce <mean> %x {axes = array<i64: 1>, keepdims = false} : tensor<2x4xf32> -> tensor<2x1xf32>
  return
}

// -----

// pool-C1
func.func @pool_rank(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{input must have rank 3 or more, got 2}}
  %0 = qnn.avg_pool %x {kernel = array<i64>, strides = array<i64>, pads = array<i64>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

// pool-C2
func.func @pool_kernel_count(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{kernel, strides and dilations need 2 entries each}}
  %0 = qnn.max_pool %x {kernel = array<i64: 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// pool-C2
func.func @pool_pads_count(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{pads need 4 entries, got 3}}
  %0 = qnn.avg_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// pool-C3
func.func @pool_zero_kernel(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{kernel sizes, strides and dilations must be positive}}
  %0 = qnn.avg_pool %x {kernel = array<i64: 0, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// pool-C3
func.func @pool_pad_kernel(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{pad 2 must be non-negative and smaller than kernel 2}}
  %0 = qnn.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x5x4xf32>
  return
}

// -----

// pool-C4
func.func @pool_result(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{result shape [1, 4, 4, 4] does not match the expected [1, 4, 3, 3]}}
  %0 = qnn.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// pool-C4
func.func @pool_empty(%x: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{spatial dimension 0 has an empty output}}
  %0 = qnn.avg_pool %x {kernel = array<i64: 3, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x2x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

// global_pool-C1
func.func @global_pool_rank(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{input must have rank 3 or more, got 2}}
  %0 = qnn.global_avg_pool %x : tensor<4x8xf32> -> tensor<4x1xf32>
  return
}

// -----

// global_pool-C2
func.func @global_pool_result(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{result shape [1, 4, 1] does not match the expected [1, 4, 1, 1]}}
  %0 = qnn.global_max_pool %x : tensor<1x4x8x8xf32> -> tensor<1x4x1xf32>
  return
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// -----

// reshape-C1
func.func @reshape_element(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from the input's 'f32'}}
  %0 = qnn.reshape %x : (tensor<2x4xf32>) -> tensor<8xf16>
  return
}

// -----

// reshape-C2
func.func @reshape_count(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{input has 8 elements but the result has 9}}
  %0 = qnn.reshape %x : (tensor<2x4xf32>) -> tensor<9xf32>
  return
}

// -----

// reshape-C3
func.func @reshape_dynamic(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{a result with more than one dynamic dimension needs a shape operand}}
  %0 = qnn.reshape %x : (tensor<?x4xf32>) -> tensor<?x?xf32>
  return
}

// -----

// reshape-C4
func.func @reshape_shape_operand(%x: tensor<?x4xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{shape operand of type 'tensor<3xi64>' must have one element per result dimension (2)}}
  %0 = qnn.reshape %x, %s : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x2xf32>
  return
}

// -----

// shape-C1
func.func @shape_range(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{needs 0 <= start <= end <= rank, got start 1, end 3 and rank 2}}
  %0 = qnn.shape %x {start = 1, end = 3} : tensor<2x4xf32> -> tensor<2xi64>
  return
}

// -----

// shape-C2
func.func @shape_count(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{result has 1 elements, expected 2}}
  %0 = qnn.shape %x {start = 0, end = 2} : tensor<2x4xf32> -> tensor<1xi64>
  return
}

// -----

// cast-C1
func.func @cast_shape(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = qnn.cast %x : tensor<2x4xf32> -> tensor<4x2xi32>
  return
}

// -----

// cast-C2
func.func @cast_quantized(%x: tensor<4xf32>) {
  // expected-error @+1 {{casts floats and integers, not '!quant.uniform<u8:f32, 1.000000e-01>'}}
  %0 = qnn.cast %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// transpose-C1
func.func @transpose_perm(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{perm is not a permutation of [0, 2)}}
  %0 = qnn.transpose %x {perm = array<i64: 1, 1>} : tensor<2x4xf32> -> tensor<4x4xf32>
  return
}

// -----

// transpose-C2
func.func @transpose_result(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{result shape [2, 4] does not match the expected [4, 2]}}
  %0 = qnn.transpose %x {perm = array<i64: 1, 0>} : tensor<2x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// transpose-C3: the per-axis parameters move with their axis.
func.func @transpose_per_axis(%x: tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{result element type '!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>' should be '!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>'}}
  %0 = qnn.transpose %x {perm = array<i64: 1, 0>} : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

// transpose-C3
func.func @transpose_sub_channel(%x: tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.5, 0.25}, {0.5, 0.25}}>>) {
  // expected-error @+1 {{cannot transpose sub-channel quantized elements}}
  %0 = qnn.transpose %x {perm = array<i64: 1, 0>} : tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.5, 0.25}, {0.5, 0.25}}>> -> tensor<4x2x!quant.uniform<i8:f32:{0:2, 1:1}, {{0.5, 0.25}, {0.5, 0.25}}>>
  return
}

// -----

// concat-C1
func.func @concat_empty() {
  // expected-error @+1 {{needs at least one input}}
  %0 = qnn.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

// concat-C1
func.func @concat_rank(%a: tensor<2x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{input of type 'tensor<4xf32>' does not have the result's rank 2}}
  %0 = qnn.concat %a, %b {axis = 0 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return
}

// -----

// concat-C2
func.func @concat_axis(%a: tensor<2x4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qnn.concat %a, %a {axis = 2 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

// concat-C3
func.func @concat_other_dims(%a: tensor<2x4xf32>, %b: tensor<2x5xf32>) {
  // expected-error @+1 {{input of shape [2, 5] differs from [4, 4] outside axis 0}}
  %0 = qnn.concat %a, %b {axis = 0 : i64} : (tensor<2x4xf32>, tensor<2x5xf32>) -> tensor<4x4xf32>
  return
}

// -----

// concat-C3
func.func @concat_sum(%a: tensor<2x4xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{result shape [6, 4] does not match the expected [5, 4]}}
  %0 = qnn.concat %a, %b {axis = 0 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<6x4xf32>
  return
}

// -----

// slice-C1
func.func @slice_counts(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{starts, ends and steps need 2 entries each}}
  %0 = qnn.slice %x {starts = array<i64: 0>, ends = array<i64: 4, 10>, steps = array<i64: 1, 1>} : tensor<4x10xf32> -> tensor<4x10xf32>
  return
}

// -----

// slice-C2
func.func @slice_zero_step(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{steps must not be 0}}
  %0 = qnn.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 4, 10>, steps = array<i64: 1, 0>} : tensor<4x10xf32> -> tensor<4x10xf32>
  return
}

// -----

// slice-C3: ends clamp to the dimension, a negative start counts from the end.
func.func @slice_result(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{result shape [4, 5] does not match the expected [2, 3]}}
  %0 = qnn.slice %x {starts = array<i64: -2, 7>, ends = array<i64: 100, 10>, steps = array<i64: 1, 1>} : tensor<4x10xf32> -> tensor<4x5xf32>
  return
}

// -----

// slice-C4
func.func @slice_element(%x: tensor<4xf32>) {
  // expected-error @+1 {{result element type 'f16' differs from the input's 'f32'}}
  %0 = qnn.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 1>} : tensor<4xf32> -> tensor<4xf16>
  return
}

// -----

// gather-C1
func.func @gather_axis(%x: tensor<4x10xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qnn.gather %x, %i {axis = 2 : i64} : (tensor<4x10xf32>, tensor<3xi64>) -> tensor<4x10xf32>
  return
}

// -----

// gather-C2
func.func @gather_result(%x: tensor<4x10xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{result shape [3, 4] does not match the expected [4, 3]}}
  %0 = qnn.gather %x, %i {axis = 1 : i64} : (tensor<4x10xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return
}

// -----

// gather-C3
func.func @gather_element(%x: tensor<4x10xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{result element type 'f16' differs from the input's 'f32'}}
  %0 = qnn.gather %x, %i {axis = 0 : i64} : (tensor<4x10xf32>, tensor<3xi64>) -> tensor<3x10xf16>
  return
}

// -----

// gather indices are integers.
func.func @gather_float_indices(%x: tensor<4x10xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of integer values}}
  %0 = qnn.gather %x, %i {axis = 0 : i64} : (tensor<4x10xf32>, tensor<3xf32>) -> tensor<3x10xf32>
  return
}

// -----

// pad-C1
func.func @pad_count(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{pads need 4 entries, got 2}}
  %0 = qnn.pad %x {pads = array<i64: 1, 1>} : tensor<4x10xf32> -> tensor<5x11xf32>
  return
}

// -----

// pad-C2
func.func @pad_crop(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{dimension 0 of size 4 is cropped below zero}}
  %0 = qnn.pad %x {pads = array<i64: -3, 0, -2, 0>} : tensor<4x10xf32> -> tensor<0x10xf32>
  return
}

// -----

// pad-C2
func.func @pad_result(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{result shape [5, 10] does not match the expected [6, 10]}}
  %0 = qnn.pad %x {pads = array<i64: 1, 0, 1, 0>} : tensor<4x10xf32> -> tensor<5x10xf32>
  return
}

// -----

// pad-C3
func.func @pad_reflect(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{reflect pads of dimension 0 must be smaller than its size 4}}
  %0 = qnn.pad %x {pads = array<i64: 4, 0, 0, 0>, mode = #qnn.pad_mode<reflect>} : tensor<4x10xf32> -> tensor<8x10xf32>
  return
}

// -----

// resize-C1
func.func @resize_rank(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{result rank 3 differs from input rank 4}}
  %0 = qnn.resize %x : tensor<1x3x8x8xf32> -> tensor<3x16x16xf32>
  return
}

// -----

// resize-C2
func.func @resize_scales_count(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{scales need 4 entries, got 2}}
  %0 = qnn.resize %x {scales = array<f32: 2.0, 2.0>} : tensor<1x3x8x8xf32> -> tensor<1x3x16x16xf32>
  return
}

// -----

// resize-C2
func.func @resize_scale_positive(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{scale 0.000000e+00 of dimension 1 must be positive}}
  %0 = qnn.resize %x {scales = array<f32: 1.0, 0.0, 2.0, 2.0>} : tensor<1x3x8x8xf32> -> tensor<1x3x16x16xf32>
  return
}

// -----

// resize-C2: output sizes are floor(input * scale).
func.func @resize_sizes(%x: tensor<1x3x5x5xf32>) {
  // expected-error @+1 {{result shape [1, 3, 8, 8] does not match the expected [1, 3, 7, 7]}}
  %0 = qnn.resize %x {scales = array<f32: 1.0, 1.0, 1.5, 1.5>} : tensor<1x3x5x5xf32> -> tensor<1x3x8x8xf32>
  return
}

// -----

// resize-C3
func.func @resize_dynamic(%x: tensor<?x3x8x8xf32>) {
  // expected-error @+1 {{a result with dynamic dimensions needs scales}}
  %0 = qnn.resize %x : tensor<?x3x8x8xf32> -> tensor<?x3x16x16xf32>
  return
}

// -----

// quantize_linear-C1
func.func @quantize_linear_result_type(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{the result holds 'i8' but the zero point 'ui8'}}
  %0 = qnn.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xi8>
  return
}

// -----

// quantize_linear-C2
func.func @quantize_linear_axis_size(%x: tensor<2x3xf32>, %s: tensor<2xf32>, %z: tensor<2xui8>) {
  // expected-error @+1 {{scale}}
  %0 = qnn.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>, tensor<2xui8>) -> tensor<2x3xui8>
  return
}

// -----

// dequantize_linear-C1
func.func @dequantize_linear_zero_point_type(%q: tensor<4xui8>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{the zero point holds 'i8' but the input 'ui8'}}
  %0 = qnn.dequantize_linear %q, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return
}

// -----

// dynamic_quantize_linear-C2
func.func @dynamic_quantize_linear_param_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{scale}}
  %0:3 = qnn.dynamic_quantize_linear %x {per_row = true} : (tensor<4x8xf32>) -> (tensor<4x8xui8>, tensor<f32>, tensor<ui8>)
  return
}

// -----

// matmul_integer-C1
func.func @matmul_integer_i16(%a: tensor<4x8xi16>, %b: tensor<8x5xi8>, %za: tensor<i16>, %zb: tensor<i8>) {
  // expected-error @+1 {{operands must hold 8-bit integers}}
  %0 = qnn.matmul_integer %a, %b, %za, %zb : (tensor<4x8xi16>, tensor<8x5xi8>, tensor<i16>, tensor<i8>) -> tensor<4x5xi32>
  return
}

// -----

// matmul_integer-C2
func.func @matmul_integer_zero_point_shape(%a: tensor<4x8xui8>, %b: tensor<8x5xi8>, %za: tensor<4xui8>, %zb: tensor<i8>) {
  // expected-error @+1 {{lhs zero point has shape [4]; expected a scalar or [4, 1]}}
  %0 = qnn.matmul_integer %a, %b, %za, %zb : (tensor<4x8xui8>, tensor<8x5xi8>, tensor<4xui8>, tensor<i8>) -> tensor<4x5xi32>
  return
}

// -----

// matmul_integer-C4
func.func @matmul_integer_result(%a: tensor<4x8xui8>, %b: tensor<8x5xi8>, %za: tensor<ui8>, %zb: tensor<i8>) {
  // expected-error @+1 {{result must hold i32}}
  %0 = qnn.matmul_integer %a, %b, %za, %zb : (tensor<4x8xui8>, tensor<8x5xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x5xi16>
  return
}

// -----

// conv_integer-C2
func.func @conv_integer_zero_point_shape(%x: tensor<1x2x6x6xui8>, %w: tensor<3x2x3x3xi8>, %zx: tensor<2xui8>, %zw: tensor<i8>) {
  // expected-error @+1 {{input zero point has shape [2]; expected a scalar}}
  %0 = qnn.conv_integer %x, %w, %zx, %zw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xui8>, tensor<3x2x3x3xi8>, tensor<2xui8>, tensor<i8>) -> tensor<1x3x4x4xi32>
  return
}

// -----

// conv_integer-C3
func.func @conv_integer_shape(%x: tensor<1x2x6x6xui8>, %w: tensor<3x2x3x3xi8>, %zx: tensor<ui8>, %zw: tensor<i8>) {
  // expected-error @+1 {{result}}
  %0 = qnn.conv_integer %x, %w, %zx, %zw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xui8>, tensor<3x2x3x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<1x3x6x6xi32>
  return
}

// -----

// quantize_linear-C3
func.func @quantize_linear_result_shape(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{result}}
  %0 = qnn.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<5xui8>
  return
}

// -----

// dequantize_linear-C2
func.func @dequantize_linear_rank2_scale(%q: tensor<2x3xui8>, %s: tensor<1x3xf32>, %z: tensor<1x3xui8>) {
  // expected-error @+1 {{the scale must be a scalar or 1-D, got rank 2}}
  %0 = qnn.dequantize_linear %q, %s, %z : (tensor<2x3xui8>, tensor<1x3xf32>, tensor<1x3xui8>) -> tensor<2x3xf32>
  return
}

// -----

// dequantize_linear-C3
func.func @dequantize_linear_result_shape(%q: tensor<4xui8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{result}}
  %0 = qnn.dequantize_linear %q, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<2xf32>
  return
}

// -----

// dynamic_quantize_linear-C1
func.func @dynamic_quantize_linear_types(%x: tensor<4xf32>) {
  // expected-error @+1 {{takes f32 and gives ui8 values, an f32 scale and a ui8 zero point}}
  %0:3 = qnn.dynamic_quantize_linear %x : (tensor<4xf32>) -> (tensor<4xi8>, tensor<f32>, tensor<i8>)
  return
}

// -----

// dynamic_quantize_linear-C3
func.func @dynamic_quantize_linear_scalar_per_row(%x: tensor<f32>) {
  // expected-error @+1 {{per_row needs rank 1 or more}}
  %0:3 = qnn.dynamic_quantize_linear %x {per_row = true} : (tensor<f32>) -> (tensor<ui8>, tensor<f32>, tensor<ui8>)
  return
}

// -----

// matmul_integer-C3
func.func @matmul_integer_contraction(%a: tensor<4x8xui8>, %b: tensor<7x5xi8>, %za: tensor<ui8>, %zb: tensor<i8>) {
  // expected-error @+1 {{contracting}}
  %0 = qnn.matmul_integer %a, %b, %za, %zb : (tensor<4x8xui8>, tensor<7x5xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x5xi32>
  return
}

// -----

// conv_integer-C1
func.func @conv_integer_i32_input(%x: tensor<1x2x6x6xi32>, %w: tensor<3x2x3x3xi8>, %zx: tensor<i32>, %zw: tensor<i8>) {
  // expected-error @+1 {{input and weight must hold 8-bit integers}}
  %0 = qnn.conv_integer %x, %w, %zx, %zw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xi32>, tensor<3x2x3x3xi8>, tensor<i32>, tensor<i8>) -> tensor<1x3x4x4xi32>
  return
}

// -----

// conv_integer-C4
func.func @conv_integer_result_type(%x: tensor<1x2x6x6xui8>, %w: tensor<3x2x3x3xi8>, %zx: tensor<ui8>, %zw: tensor<i8>) {
  // expected-error @+1 {{result must hold i32}}
  %0 = qnn.conv_integer %x, %w, %zx, %zw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x6x6xui8>, tensor<3x2x3x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<1x3x4x4xui32>
  return
}

// -----

// scaled_matmul_integer-C1
func.func @scaled_matmul_rank3(%q: tensor<4x40xui8>, %z: tensor<ui8>, %w: tensor<2x40x16xi8>, %zw: tensor<i8>, %s: tensor<f32>, %ws: tensor<16xf32>) {
  // expected-error @+1 {{lhs must have rank 2 or more and rhs rank 2}}
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws : (tensor<4x40xui8>, tensor<2x40x16xi8>, tensor<ui8>, tensor<i8>, tensor<f32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  return
}

// -----

// scaled_matmul_integer-C2
func.func @scaled_matmul_lhs_scale(%q: tensor<4x40xui8>, %z: tensor<ui8>, %w: tensor<40x16xi8>, %zw: tensor<i8>, %s: tensor<4xf32>, %ws: tensor<16xf32>) {
  // expected-error @+1 {{lhs scale must hold f32 and be a scalar or have shape [4, 1]}}
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<ui8>, tensor<i8>, tensor<4xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// scaled_matmul_integer-C3
func.func @scaled_matmul_rhs_scale(%q: tensor<4x40xui8>, %z: tensor<ui8>, %w: tensor<40x16xi8>, %zw: tensor<i8>, %s: tensor<f32>, %ws: tensor<1x16xf32>) {
  // expected-error @+1 {{rhs scale must hold f32 and be a scalar or have shape [16]}}
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<ui8>, tensor<i8>, tensor<f32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// scaled_matmul_integer-C3
func.func @scaled_matmul_bias(%q: tensor<4x40xui8>, %z: tensor<ui8>, %w: tensor<40x16xi8>, %zw: tensor<i8>, %s: tensor<f32>, %ws: tensor<16xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{bias must hold f32 and have shape [16]}}
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws, %b : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<ui8>, tensor<i8>, tensor<f32>, tensor<16xf32>, tensor<8xf32>) -> tensor<4x16xf32>
  return
}

// -----

// scaled_matmul_integer-C4
func.func @scaled_matmul_result(%q: tensor<4x40xui8>, %z: tensor<ui8>, %w: tensor<40x16xi8>, %zw: tensor<i8>, %s: tensor<f32>, %ws: tensor<16xf32>) {
  // expected-error @+1 {{result must hold f32}}
  %0 = qnn.scaled_matmul_integer %q, %w, %z, %zw, %s, %ws : (tensor<4x40xui8>, tensor<40x16xi8>, tensor<ui8>, tensor<i8>, tensor<f32>, tensor<16xf32>) -> tensor<4x16xf16>
  return
}

// -----

// grouped_matmul-C1
func.func @grouped_matmul_lhs_i8(%q: tensor<4x40xi8>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>, %w: tensor<40x16xi8>, %ws: tensor<2x16xf32>, %cs: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{lhs must hold u8 and have rank 2 or more}}
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xi8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// grouped_matmul-C2
func.func @grouped_matmul_scale_shape(%q: tensor<4x40xui8>, %s: tensor<4xf32>, %z: tensor<4xui8>, %w: tensor<40x16xi8>, %ws: tensor<2x16xf32>, %cs: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{lhs scale (f32) and zero point (u8) must both be scalars or have shape [4, 1]}}
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<4xf32>, tensor<4xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// grouped_matmul-C3
func.func @grouped_matmul_scales(%q: tensor<4x40xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>, %w: tensor<40x16xi8>, %ws: tensor<2x16xf32>, %cs: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{rhs scale must hold f32 and have shape [3, 16]}}
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 16 : i64} : (tensor<4x40xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// grouped_matmul-C4
func.func @grouped_matmul_bias(%q: tensor<4x40xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>, %w: tensor<40x16xi8>, %ws: tensor<2x16xf32>, %cs: tensor<16xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{bias must hold f32 and have shape [16]}}
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<8xf32>) -> tensor<4x16xf32>
  return
}

// -----

// grouped_matmul-C5
func.func @grouped_matmul_result(%q: tensor<4x40xui8>, %s: tensor<4x1xf32>, %z: tensor<4x1xui8>, %w: tensor<40x16xi8>, %ws: tensor<2x16xf32>, %cs: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{result must hold f32}}
  %0 = qnn.grouped_matmul %q, %s, %z, %w, %ws, %cs, %b {group = 32 : i64} : (tensor<4x40xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<40x16xi8>, tensor<2x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf16>
  return
}

// -----

// compare-C1
func.func @compare_element_types(%a: tensor<4xf32>, %b: tensor<4xi64>) {
  // expected-error @+1 {{operands have element types 'f32' and 'i64'}}
  %0 = qnn.compare %a, %b {predicate = #qnn.compare_predicate<eq>} : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xi1>
  return
}

// -----

// compare-C2
func.func @compare_result(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = qnn.compare %a, %b {predicate = #qnn.compare_predicate<eq>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// compare: T3
func.func @compare_broadcast(%a: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{operand shapes [4] and [3] do not broadcast}}
  %0 = qnn.compare %a, %b {predicate = #qnn.compare_predicate<lt>} : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xi1>
  return
}

// -----

// where-C1
func.func @where_condition(%c: tensor<4xf32>, %a: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = qnn.where %c, %a, %a : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// where-C2
func.func @where_element_types(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{lhs, rhs and result have element types 'f32', 'f16' and 'f32'}}
  %0 = qnn.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

// where: T3
func.func @where_result_shape(%c: tensor<4x1xi1>, %a: tensor<3xf32>) {
  // expected-error @+1 {{result}}
  %0 = qnn.where %c, %a, %a : (tensor<4x1xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x4xf32>
  return
}

// -----

// range-C1
func.func @range_operands(%s: tensor<1xi64>, %l: tensor<i64>) {
  // expected-error @+1 {{operands must be scalars of the result's element type 'i64', not 'tensor<1xi64>'}}
  %0 = qnn.range %s, %l, %l : (tensor<1xi64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

// range-C2: delta 0
func.func @range_zero_delta(%s: tensor<i64>) {
  %d = qnn.constant dense<0> : tensor<i64> -> tensor<i64>
  // expected-error @+1 {{delta is 0}}
  %0 = qnn.range %s, %s, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

// range-C2: the static size of constant bounds
func.func @range_size() {
  %s = qnn.constant dense<0> : tensor<i64> -> tensor<i64>
  %l = qnn.constant dense<10> : tensor<i64> -> tensor<i64>
  %d = qnn.constant dense<3> : tensor<i64> -> tensor<i64>
  // expected-error @+1 {{the range has 4 elements, the result 3}}
  %0 = qnn.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  return
}
