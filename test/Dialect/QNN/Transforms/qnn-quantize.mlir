// RUN: quant-opt %s --split-input-file --qnn-quantize | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnn-quantize=per-channel=false | FileCheck %s --check-prefix=TENSOR
// RUN: quant-opt %s --split-input-file --qnn-quantize="activation-type=s8 symmetric-activations=true" | FileCheck %s --check-prefix=S8
// RUN: quant-opt %s --split-input-file --qnn-quantize --qnn-fold-qdq --canonicalize | FileCheck %s --check-prefix=FOLD

// The input range [-1, 3] gives u8 scale 4/255 and zero point 64; the
// weight is s8 in [-127, 127] with scale max|w| / 127 per column (the
// matmul's output channels); the bias is i32 in scale s_x * s_w.
// CHECK-LABEL: func.func @gemm(
// CHECK: %[[Q:.*]] = qnn.quantize %arg0 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<u8:f32, 0.015686275437474251:64>>
// CHECK: %[[D:.*]] = qnn.dequantize %[[Q]]
// CHECK: qnn.constant dense<{{\[\[}}64, -127, 32, 127], [13, 25, 38, 25], [0, 0, 0, 0], [127, 127, 127, 64]]> : tensor<4x4xi8> -> tensor<4x4x!quant.uniform<i8<-127:127>:f32:1, {0.0078740157186985015,0.0078740157186985015,0.0078740157186985015,0.015748031437397003}>>
// CHECK: qnn.constant dense<[4048, -4048, 8096, 0]> : tensor<4xi32> -> tensor<4x!quant.uniform<i32:f32:0, {1.2351397890597582E-4,1.2351397890597582E-4,1.2351397890597582E-4,2.4702795781195164E-4}>>
// CHECK: qnn.gemm %[[D]],
// TENSOR-LABEL: func.func @gemm(
// TENSOR: tensor<4x4x!quant.uniform<i8<-127:127>:f32, 0.015748031437397003>>
// TENSOR: tensor<4x!quant.uniform<i32:f32, 2.4702795781195164E-4>>
// S8-LABEL: func.func @gemm(
// S8: qnn.quantize %arg0 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, 0.023529412224888802>>
// The relu's range [0, 5] gives the gemm's result type, and the relu goes.
// FOLD-LABEL: func.func @gemm(
// FOLD: %[[Q:.*]] = qnn.quantize %arg0
// FOLD: %[[G:.*]] = qnn.gemm %[[Q]], %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x4x!quant.uniform<u8:f32, 0.019607843831181526>>
// FOLD-NOT: qnn.relu
// FOLD: qnn.matmul %[[G]], %{{.*}} -> tensor<1x2xf32>
func.func @gemm(%x: tensor<1x4xf32> {qnn.range = array<f64: -1.0, 3.0>}) -> tensor<1x2xf32> {
  %w = qnn.constant dense<[[0.5, -1.0, 0.25, 2.0], [0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]> : tensor<4x4xf32> -> tensor<4x4xf32>
  %b = qnn.constant dense<[0.5, -0.5, 1.0, 0.0]> : tensor<4xf32> -> tensor<4xf32>
  %y = qnn.gemm %x, %w, %b : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %r = qnn.relu %y {qnn.range = array<f64: 0.0, 5.0>} : tensor<1x4xf32> -> tensor<1x4xf32>
  %w2 = qnn.constant dense<1.0> : tensor<4x2xf32> -> tensor<4x2xf32>
  %z = qnn.matmul %r, %w2 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}

// -----

// Without a calibrated input range a contraction stays float.
// CHECK-LABEL: func.func @no_range(
// CHECK-NOT: qnn.quantize
// CHECK: qnn.matmul %arg0, %{{.*}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
func.func @no_range(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = qnn.constant dense<1.0> : tensor<2x2xf32> -> tensor<2x2xf32>
  %y = qnn.matmul %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// keep-float leaves the named ONNX nodes, or every op of a name, in float.
// RUN: quant-opt %s --split-input-file --qnn-quantize="keep-float=fc2" | FileCheck %s --check-prefix=KEEP
// RUN: quant-opt %s --split-input-file --qnn-quantize="keep-float=qnn.matmul" | FileCheck %s --check-prefix=KEEP
// KEEP-LABEL: func.func @keep(
// KEEP: %[[D:.*]] = qnn.dequantize
// KEEP: qnn.matmul %arg0, %{{.*}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
// KEEP: qnn.gemm %[[D]], %{{.*}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
func.func @keep(%x: tensor<1x2xf32> {qnn.range = array<f64: -1.0, 1.0>}) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = qnn.constant dense<1.0> : tensor<2x2xf32> -> tensor<2x2xf32>
  %y = qnn.matmul %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("fc2")
  %z = qnn.gemm %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("fc1")
  return %y, %z : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// mode=weight-only quantizes the weight alone: no range is needed, the
// input and the bias stay float.
// RUN: quant-opt %s --split-input-file --qnn-quantize="mode=weight-only" | FileCheck %s --check-prefix=WONLY
// WONLY-LABEL: func.func @weight_only(
// WONLY-NOT: qnn.quantize
// WONLY: %[[W:.*]] = qnn.constant dense<{{\[\[}}127, 127], [-127, 64]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8<-127:127>:f32:1, {0.015748031437397003,0.0039370078593492508}>>
// WONLY: %[[D:.*]] = qnn.dequantize %[[W]]
// WONLY: qnn.gemm %arg0, %[[D]], %{{.*}} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
func.func @weight_only(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = qnn.constant dense<[[2.0, 0.5], [-2.0, 0.25]]> : tensor<2x2xf32> -> tensor<2x2xf32>
  %b = qnn.constant dense<[0.5, -0.5]> : tensor<2xf32> -> tensor<2xf32>
  %y = qnn.gemm %x, %w, %b : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// bits=4: narrow-range i4 ([-7, 7]) with scale max|w| / 7 per output
// channel; with group-size=2 one scale per output channel and per 2 rows of
// the [K, N] weight (a sub-channel type with block sizes 2 along K and 1
// along N). A group size that does not divide K keeps per-channel scales.
// RUN: quant-opt %s --split-input-file --qnn-quantize="mode=weight-only bits=4" | FileCheck %s --check-prefix=INT4
// RUN: quant-opt %s --split-input-file --qnn-quantize="mode=weight-only bits=4 group-size=2" | FileCheck %s --check-prefix=GROUP
// RUN: quant-opt %s --split-input-file --qnn-quantize="mode=weight-only bits=4 group-size=3" | FileCheck %s --check-prefix=INT4
// INT4-LABEL: func.func @int4(
// INT4: %[[W:.*]] = qnn.constant dense<{{\[\[}}7, 0], [-7, 0], [0, -7], [2, 4]]> : tensor<4x2xi4> -> tensor<4x2x!quant.uniform<i4<-7:7>:f32:1, {0.28571429848670959,1.1428571939468384}>>
// INT4: %[[D:.*]] = qnn.dequantize %[[W]]
// INT4: qnn.matmul %arg0, %[[D]]
// GROUP-LABEL: func.func @int4(
// GROUP: %[[W:.*]] = qnn.constant dense<{{\[\[}}7, 7], [-7, 7], [0, -7], [7, 4]]> : tensor<4x2xi4> -> tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{\{\{}}0.285714298, 0.0714285746}, {0.0714285746, 1.14285719}}>>
// GROUP: %[[D:.*]] = qnn.dequantize %[[W]]
// GROUP: qnn.matmul %arg0, %[[D]]
func.func @int4(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = qnn.constant dense<[[2.0, 0.5], [-2.0, 0.5], [0.0, -8.0], [0.5, 5.0]]> : tensor<4x2xf32> -> tensor<4x2xf32>
  %y = qnn.matmul %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Conv groups are G input channels of one output channel (block sizes 1
// along axis 0, G along axis 1).
// GROUP-LABEL: func.func @conv_groups(
// GROUP: qnn.constant dense<{{\[\[\[\[}}3]], {{\[\[}}7]], {{\[\[}}5]], {{\[\[}}7]]], {{\[\[\[}}-7]], {{\[\[}}3]], {{\[\[}}7]], {{\[\[}}0]]]]> : tensor<2x4x1x1xi4> -> tensor<2x4x1x1x!quant.uniform<i4<-7:7>:f32:{0:1, 1:2}, {{\{\{\{\{}}0.285714298}}, {{\{\{}}0.571428597}}}, {{\{\{\{}}0.142857149}}, {{\{\{}}1.000000e+00}}}}>>
func.func @conv_groups(%x: tensor<1x4x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = qnn.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]], [[[-1.0]], [[0.5]], [[7.0]], [[0.0]]]]> : tensor<2x4x1x1xf32> -> tensor<2x4x1x1xf32>
  %y = qnn.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// RUN: quant-opt %s --split-input-file --qnn-quantize="mode=weight-only bias-correction=true" | FileCheck %s --check-prefix=BIAS
// Bias correction subtracts E[(Wq - W) x] = sum_k (Wq - W)[k, n] mean_k
// from each bias. Channel n = 0 of the conv and the matmuls: 1.27 is exact
// (scale 0.01), 0.123 becomes 0.12, so with means [2, 10] the correction
// is 10 * -0.003 = -0.03; channel 1 (scale 0.02: 2.54 and 0.5 exact) gets
// none. The gemm's trans_b rows have scales 0.02 (1.27 becomes 1.28) and
// 0.5 / 127 (0.123 becomes 31 steps, 0.12205): corrections 2 * 0.01 and
// 2 * -0.00095.
// BIAS-LABEL: func.func @bias_correction(
// The conv had no bias: it gets one.
// BIAS: %[[CB:.*]] = qnn.constant dense<[0.0300000608, -0.000000e+00]> : tensor<2xf32>
// BIAS: qnn.conv %arg0, %{{.*}}, %[[CB]]
// The matmul's only user adds a constant vector: that is the bias.
// BIAS: %[[M:.*]] = qnn.matmul %arg1
// BIAS: %[[MB:.*]] = qnn.constant dense<[1.03000009, -1.000000e+00]> : tensor<2xf32>
// BIAS: qnn.add %[[M]], %[[MB]]
// A matmul without one gets a new add.
// BIAS: %[[U:.*]] = qnn.matmul %arg1
// BIAS: %[[UB:.*]] = qnn.constant dense<[0.0300000608, -0.000000e+00]> : tensor<2xf32>
// BIAS: %[[A:.*]] = qnn.add %[[U]], %[[UB]]
// The gemm had no C: it gets one.
// BIAS: %[[GB:.*]] = qnn.constant dense<[-0.0199999809, 0.00190551579]> : tensor<2xf32>
// BIAS: %[[G:.*]] = qnn.gemm %arg1, %{{.*}}, %[[GB]] {trans_b = true}
// BIAS: return %{{.*}}, %{{.*}}, %[[A]], %[[G]]
func.func @bias_correction(%x: tensor<1x2x1x1xf32> {qnn.channel_mean = array<f64: 2.0, 10.0>}, %m: tensor<3x2xf32> {qnn.channel_mean = array<f64: 2.0, 10.0>}) -> (tensor<1x2x1x1xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = qnn.constant dense<[[[[1.27]], [[0.123]]], [[[2.54]], [[0.5]]]]> : tensor<2x2x1x1xf32> -> tensor<2x2x1x1xf32>
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x1x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %v = qnn.constant dense<[[1.27, 2.54], [0.123, 0.5]]> : tensor<2x2xf32> -> tensor<2x2xf32>
  %y = qnn.matmul %m, %v : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %b = qnn.constant dense<[1.0, -1.0]> : tensor<2xf32> -> tensor<2xf32>
  %z = qnn.add %y, %b : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %u = qnn.matmul %m, %v : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %g = qnn.gemm %m, %v {trans_b = true} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %c, %z, %u, %g : tensor<1x2x1x1xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// A depthwise conv (group 2): output channel 0 reads input channel 0 alone
// (mean 2), so its correction is 2 * -0.003 (0.123 becomes 0.12).
// BIAS-LABEL: func.func @bias_correction_depthwise(
// BIAS: %[[DB:.*]] = qnn.constant dense<[0.00600001216, 0.000000e+00]> : tensor<2xf32>
// BIAS: qnn.conv %arg0, %{{.*}}, %[[DB]] {{.*}}group = 2
func.func @bias_correction_depthwise(%x: tensor<1x2x1x2xf32> {qnn.channel_mean = array<f64: 2.0, 10.0>}) -> tensor<1x2x1x1xf32> {
  %w = qnn.constant dense<[[[[1.27, 0.123]]], [[[2.54, 0.5]]]]> : tensor<2x1x1x2xf32> -> tensor<2x1x1x2xf32>
  %b = qnn.constant dense<[0.0, 0.0]> : tensor<2xf32> -> tensor<2xf32>
  %c = qnn.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x1x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  return %c : tensor<1x2x1x1xf32>
}

// -----

// With zero padding, a tap that reads the padding at some output positions
// counts for the share of positions where it reads the input: taps 0 and 2
// of this 1x3 window (pads 1) read the input at 2 of the 3 outputs. Both
// lose 0.003 (0.123 becomes 0.12), so the correction is
// 10 * (-0.003 * 2/3 + -0.003 * 2/3) = -0.04.
// BIAS-LABEL: func.func @bias_correction_padding(
// BIAS: %[[PB:.*]] = qnn.constant dense<0.0400000{{[0-9]*}}> : tensor<1xf32>
// BIAS: qnn.conv %arg0, %{{.*}}, %[[PB]]
func.func @bias_correction_padding(%x: tensor<1x1x1x3xf32> {qnn.channel_mean = array<f64: 10.0>}) -> tensor<1x1x1x3xf32> {
  %w = qnn.constant dense<[[[[0.123, 1.27, 0.123]]]]> : tensor<1x1x1x3xf32> -> tensor<1x1x1x3xf32>
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 1, 0, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x1x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x1x1x3xf32>
  return %c : tensor<1x1x1x3xf32>
}

// -----

// A conv without bias whose only user is a batch normalization: the
// correction (-0.03, as in @bias_correction) goes into the normalization's
// mean, 0.5 + -0.03, and the conv stays without bias.
// BIAS-LABEL: func.func @bias_correction_batch_norm(
// BIAS: %[[C:.*]] = qnn.conv %arg0, %{{[^,]*}} {
// BIAS: %[[MEAN:.*]] = qnn.constant dense<0.469999{{[0-9]*}}> : tensor<1xf32>
// BIAS: qnn.batch_norm %[[C]], %{{.*}}, %{{.*}}, %[[MEAN]], %{{.*}}
func.func @bias_correction_batch_norm(%x: tensor<1x2x1x1xf32> {qnn.channel_mean = array<f64: 2.0, 10.0>}) -> tensor<1x1x1x1xf32> {
  %w = qnn.constant dense<[[[[1.27]], [[0.123]]]]> : tensor<1x2x1x1xf32> -> tensor<1x2x1x1xf32>
  %c = qnn.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
  %s = qnn.constant dense<[2.0]> : tensor<1xf32> -> tensor<1xf32>
  %b = qnn.constant dense<[0.25]> : tensor<1xf32> -> tensor<1xf32>
  %m = qnn.constant dense<[0.5]> : tensor<1xf32> -> tensor<1xf32>
  %v = qnn.constant dense<[4.0]> : tensor<1xf32> -> tensor<1xf32>
  %n = qnn.batch_norm %c, %s, %b, %m, %v : (tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %n : tensor<1x1x1x1xf32>
}

// -----

// RUN: quant-opt %s --split-input-file --qnn-quantize="activations=all" | FileCheck %s --check-prefix=ALL
// With activations=all the ops with an integer form get quantized inputs
// too, and so does a result the function returns; the relu of the conv is
// left to fold into the conv's result.
// ALL-LABEL: func.func @all(
// ALL: %[[C:.*]] = qnn.conv
// ALL-NEXT: %[[R:.*]] = qnn.relu %[[C]]
// ALL-NEXT: %[[QR:.*]] = qnn.quantize %[[R]] : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.011764706112444401>>
// ALL-NEXT: %[[DR:.*]] = qnn.dequantize %[[QR]]
// ALL-NEXT: %[[S:.*]] = qnn.hard_swish %[[DR]]
// ALL-NEXT: %[[QS:.*]] = qnn.quantize %[[S]] : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.015686275437474251:64>>
// ALL-NEXT: %[[DS:.*]] = qnn.dequantize %[[QS]]
// ALL-NEXT: %[[P:.*]] = qnn.global_avg_pool %[[DS]]
// ALL-NEXT: %[[QP:.*]] = qnn.quantize %[[P]]
// ALL-NEXT: %[[DP:.*]] = qnn.dequantize %[[QP]]
// ALL-NEXT: return %[[DP]]
// Without it, only the conv's input is quantized.
// CHECK-LABEL: func.func @all(
// CHECK-COUNT-1: qnn.quantize
// CHECK-NOT: qnn.quantize
func.func @all(%x: tensor<1x1x4x4xf32> {qnn.range = array<f64: 0.0, 1.0>}) -> tensor<1x2x1x1xf32> {
  %w = qnn.constant dense<1.0> : tensor<2x1x1x1xf32> -> tensor<2x1x1x1xf32>
  %c = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, qnn.range = array<f64: -2.0, 3.0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = qnn.relu %c {qnn.range = array<f64: 0.0, 3.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %s = qnn.hard_swish %r {qnn.range = array<f64: -1.0, 3.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %p = qnn.global_avg_pool %s {qnn.range = array<f64: 0.0, 2.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  return %p : tensor<1x2x1x1xf32>
}

// -----

// RUN: quant-opt %s --split-input-file --qnn-quantize="keep-float=bn_node" | FileCheck %s --check-prefix=KEEPCONV
// RUN: quant-opt %s --split-input-file --qnn-quantize="keep-float=conv_node" | FileCheck %s --check-prefix=KEEPCONV
// A conv that folded a batch norm in (qnn-fold-batch-norm fuses their
// locations, the batch norm's first) is kept float by either node's name.
// KEEPCONV-LABEL: func.func @folded_conv(
// KEEPCONV-NOT: qnn.quantize
// Without keep-float it is quantized.
// CHECK-LABEL: func.func @folded_conv(
// CHECK: qnn.quantize
func.func @folded_conv(%x: tensor<1x1x4x4xf32> {qnn.range = array<f64: 0.0, 1.0>}) -> tensor<1x2x4x4xf32> {
  %w = qnn.constant dense<1.0> : tensor<2x1x1x1xf32> -> tensor<2x1x1x1xf32>
  %c = qnn.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> loc(fused["bn_node", "conv_node"])
  return %c : tensor<1x2x4x4xf32>
}

// -----

// With activations=all a constant operand of a mul is quantized per tensor
// to its own range [0, 2] (u8, scale fl32(2/255), zero point 0; 1.0 / scale
// is 127.4999): stored 64, 127 and 255, printed as signless i8.
// ALL-LABEL: func.func @constant_operand(
// ALL: %[[QX:.*]] = qnn.quantize %arg0
// ALL: %[[DX:.*]] = qnn.dequantize %[[QX]]
// ALL: %[[C:.*]] = qnn.constant dense<[64, 127, -1]> : tensor<3xi8> -> tensor<3x!quant.uniform<u8:f32, 0.0078431377187371254>>
// ALL: %[[DC:.*]] = qnn.dequantize %[[C]]
// ALL: qnn.mul %[[DX]], %[[DC]]
// CHECK-LABEL: func.func @constant_operand(
// CHECK-NOT: qnn.quantize
func.func @constant_operand(%x: tensor<2x3xf32> {qnn.range = array<f64: -1.0, 1.0>}) -> tensor<2x3xf32> {
  %c = qnn.constant dense<[0.5, 1.0, 2.0]> : tensor<3xf32> -> tensor<3xf32>
  %y = qnn.mul %x, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
