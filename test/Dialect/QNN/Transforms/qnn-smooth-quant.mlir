// RUN: quant-opt %s --qnn-smooth-quant="stats=%S/Inputs/smooth-stats.json" 2>/dev/null | FileCheck %s
// RUN: quant-opt %s --qnn-smooth-quant="stats=%S/Inputs/smooth-stats.json" 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN
// RUN: quant-opt %s --qnn-smooth-quant="stats=%S/Inputs/smooth-stats.json alpha=1" 2>&1 | FileCheck %s --check-prefix=ALPHA1
// RUN: quant-opt %s --qnn-smooth-quant="stats=%S/Inputs/smooth-stats.json keep-float=mm,gm" 2>&1 | FileCheck %s --check-prefix=KEEP
// RUN: not quant-opt %s --qnn-smooth-quant="stats=%S/Inputs/smooth-stats.json alpha=1.5" 2>&1 | FileCheck %s --check-prefix=BAD-ALPHA
// RUN: not quant-opt %s --qnn-smooth-quant="stats=%S/Inputs/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: quant-opt %s --qnn-smooth-quant="stats=%S/Inputs/smooth-stats.json depthwise=true linear=false" 2>/dev/null | FileCheck %s --check-prefix=DW
// RUN: sed 's/"axis": 1/"axis": 0/' %S/Inputs/smooth-stats.json > %t.json
// RUN: not quant-opt %s --qnn-smooth-quant="stats=%t.json" 2>&1 | FileCheck %s --check-prefix=AXIS

// "act" feeds a MatMul (W [K=2, N=3], row maxima 1 and 4) and a Gemm with
// trans_b (B [N=2, K=2], column maxima 2 and 1): the weight maxima per
// input channel are 2 and 4, the activation's 16 and 1. With alpha = 0.5,
// s = [sqrt(16 / 2), sqrt(1 / 4)] = [2.828427, 0.5]; the activation is
// multiplied by 1/s = [0.353553, 2.0], its range becomes
// [0, max(16 / 2.828427, 1 / 0.5)] = [0, 5.656854] and its channel means
// [8, 0.5] / s = [2.828427, 1], the MatMul's rows are
// multiplied by s and the Gemm's columns.
// CHECK-LABEL: func.func @shared
// CHECK: %[[ACT:.*]] = qnn.relu
// CHECK: %[[INV:.*]] = qnn.constant dense<[0.353553385, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[SMOOTH:.*]] = qnn.mul %[[ACT]], %[[INV]] {qnn.channel_mean = array<f64: 2.8284271247461903, 1.000000e+00>, qnn.range = array<f64: 0.000000e+00, 5.6568542494923806>}
// CHECK: %[[W:.*]] = qnn.constant dense<{{\[}}[2.82842708, -1.41421354, 0.707106769], [2.000000e+00, 1.000000e+00, -5.000000e-01]]> : tensor<2x3xf32>
// CHECK: qnn.matmul %[[SMOOTH]], %[[W]]
// CHECK: %[[B:.*]] = qnn.constant dense<{{\[}}[5.65685415, 2.500000e-01], [2.82842708, -5.000000e-01]]> : tensor<2x2xf32>
// CHECK: qnn.gemm %[[SMOOTH]], %[[B]] {trans_b = true}
// The model input has statistics, but no per-channel ones.
// CHECK: qnn.matmul %arg0, %{{.*}} :
// WARN: warning: {{.*}}qnn-smooth-quant: '{{.*}}smooth-stats.json' has no per-channel statistics of 'input:x' (calibrate again with this quantc); left alone
//
// With alpha = 1 every activation channel is divided to a maximum of 1:
// s = [16, 1], the range [0, 1].
// ALPHA1: qnn.constant dense<[6.250000e-02, 1.000000e+00]>
// ALPHA1: qnn.mul {{.*}}qnn.range = array<f64: 0.000000e+00, 1.000000e+00>}
//
// Contractions kept in float are left alone.
// KEEP-NOT: qnn.mul
//
// With depthwise=true, the depthwise conv's input channels (axis 1) are
// divided by their maxima [4, 0.5] (alpha 1), its weights multiplied by
// them; linear=false leaves the matmuls and the gemm alone.
// DW-LABEL: func.func @shared
// DW-NOT: qnn.mul
// DW-LABEL: func.func @depthwise
// DW: %[[INV:.*]] = qnn.constant dense<{{\[\[\[}}2.500000e-01]], {{\[\[}}2.000000e+00]]]> : tensor<2x1x1xf32>
// DW: %[[M:.*]] = qnn.mul %{{.*}}, %[[INV]] {qnn.channel_mean = array<f64: 2.500000e-01, 5.000000e-01>, qnn.range = array<f64: 0.000000e+00, 1.000000e+00>}
// DW: %[[W:.*]] = qnn.constant dense<{{\[\[\[\[}}4.000000e+00, -8.000000e+00]]], {{\[\[\[}}1.250000e-01, 6.250000e-02]]]]>
// DW: qnn.conv %[[M]], %[[W]]
// The default (depthwise=false) leaves the conv alone.
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: qnn.mul
//
// BAD-ALPHA: error: qnn-smooth-quant: alpha must lie in [0, 1], not 1.5
// MISSING: error: cannot read the statistics file '{{.*}}missing.json'
// AXIS: error: {{.*}}qnn-smooth-quant: the statistics of 'act' in '{{.*}}' have 2 channels along axis 0, the input has 2 along axis 1
func.func @shared(%x: tensor<4x2xf32> {qnn.name = "x"}) -> (tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x3xf32>) {
  %a = qnn.relu %x : tensor<4x2xf32> -> tensor<4x2xf32> loc("act")
  %w = qnn.constant dense<[[1.0, -0.5, 0.25], [4.0, 2.0, -1.0]]> : tensor<2x3xf32> -> tensor<2x3xf32> loc("w")
  %y = qnn.matmul %a, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32> loc("mm")
  %b = qnn.constant dense<[[2.0, 0.5], [1.0, -1.0]]> : tensor<2x2xf32> -> tensor<2x2xf32> loc("b")
  %g = qnn.gemm %a, %b {trans_b = true} : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32> loc("gm")
  %d = qnn.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32> loc("direct")
  return %y, %g, %d : tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x3xf32>
}

func.func @depthwise(%x: tensor<1x2x1x2xf32>) -> tensor<1x2x1x1xf32> {
  %d = qnn.relu %x : tensor<1x2x1x2xf32> -> tensor<1x2x1x2xf32> loc("dw_in")
  %w = qnn.constant dense<[[[[1.0, -2.0]]], [[[0.25, 0.125]]]]> : tensor<2x1x1x2xf32> -> tensor<2x1x1x2xf32> loc("dw_w")
  %c = qnn.conv %d, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x1x2xf32>, tensor<2x1x1x2xf32>) -> tensor<1x2x1x1xf32> loc("dw")
  return %c : tensor<1x2x1x1xf32>
}
