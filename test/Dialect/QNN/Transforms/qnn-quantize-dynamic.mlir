// RUN: quant-opt %s --split-input-file --qnn-quantize-dynamic | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnn-quantize-dynamic="per-row=true per-channel=false" | FileCheck %s --check-prefix=ROW
// RUN: quant-opt %s --split-input-file --qnn-quantize-dynamic="conv=true" | FileCheck %s --check-prefix=CONV
// RUN: quant-opt %s --split-input-file --qnn-quantize-dynamic="keep-float=fc1" | FileCheck %s --check-prefix=KEEP
// RUN: quant-opt %s --split-input-file --qnn-quantize-dynamic="bits=4 group-size=4 per-row=true" | FileCheck %s --check-prefix=INT4
// RUN: quant-opt %s --split-input-file --qnn-quantize-dynamic="bits=4" | FileCheck %s --check-prefix=COLUMN
// RUN: not quant-opt %s --split-input-file --qnn-quantize-dynamic="bits=4 group-size=3" 2>&1 | FileCheck %s --check-prefix=GROUP

// A matmul with a constant weight: the input is quantized once at run time
// for both contractions that read it, the weight is s8 per column, and the
// product is scaled back in f32.
// CHECK-LABEL: func.func @matmuls
// CHECK: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = qnn.dynamic_quantize_linear %arg0 : (tensor<4x8xf32>) -> (tensor<4x8xui8>, tensor<f32>, tensor<ui8>)
// CHECK-NOT: qnn.dynamic_quantize_linear
// CHECK: %[[W:.*]] = qnn.constant dense<{{\[\[}}127, -127], [64, 32]{{.*}}> : tensor<8x2xi8> -> tensor<8x2xi8>
// CHECK: %[[ACC:.*]] = qnn.matmul_integer %[[Q]], %[[W]], %[[Z]], %{{.*}} : (tensor<4x8xui8>, tensor<8x2xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x2xi32>
// CHECK: %[[WS:.*]] = qnn.constant dense<[0.0157480314, 0.0314960629]> : tensor<2xf32>
// CHECK: %[[M:.*]] = qnn.mul %[[S]], %[[WS]] : (tensor<f32>, tensor<2xf32>) -> tensor<2xf32>
// CHECK: %[[F:.*]] = qnn.cast %[[ACC]] : tensor<4x2xi32> -> tensor<4x2xf32>
// CHECK: qnn.mul %[[F]], %[[M]] : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
// CHECK: qnn.matmul_integer %[[Q]]
// CHECK-NOT: qnn.matmul %

// Per row and per tensor: scales of shape [4, 1] and one weight scale.
// ROW-LABEL: func.func @matmuls
// ROW: qnn.dynamic_quantize_linear %arg0 {per_row = true} : (tensor<4x8xf32>) -> (tensor<4x8xui8>, tensor<4x1xf32>, tensor<4x1xui8>)
// ROW: qnn.matmul_integer {{.*}} : (tensor<4x8xui8>, tensor<8x2xi8>, tensor<4x1xui8>, tensor<i8>) -> tensor<4x2xi32>
// ROW: qnn.constant dense<0.0314960629> : tensor<f32>
// ROW: qnn.mul %{{.*}}, %{{.*}} : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>

// 4-bit weights in groups of 4 rows: [-7, 7] with one scale per column and
// group (column 0: 2/7 for [2, 1, .5, .5], .5/7 for the rest), the column
// sums sum_g scale * (sum of the group) in binary64 (column 0: fl32(2/7) *
// 14 + fl32(.5/7) * 28, 6.00000048 in binary32),
// a zero bias.
// INT4-LABEL: func.func @matmuls
// INT4: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = qnn.dynamic_quantize_linear %arg0 {per_row = true}
// INT4: %[[W:.*]] = qnn.constant dense<{{\[\[}}7, -7], [3, 2], [2, 1], [2, 1], [7, 7], [7, 7], [7, 7], [7, 7]]> : tensor<8x2xi8>
// INT4: %[[B:.*]] = qnn.constant dense<0.000000e+00> : tensor<2xf32>
// INT4: %[[CS:.*]] = qnn.constant dense<[6.00000048, 0.285714298]> : tensor<2xf32>
// INT4: %[[WS:.*]] = qnn.constant dense<{{\[\[}}0.285714298, 0.571428597], [0.0714285746, 0.0714285746]]> : tensor<2x2xf32>
// INT4: qnn.grouped_matmul %[[Q]], %[[S]], %[[Z]], %[[W]], %[[WS]], %[[CS]], %[[B]] {group = 4 : i64} : (tensor<4x8xui8>, tensor<4x1xf32>, tensor<4x1xui8>, tensor<8x2xi8>, tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
// INT4-NOT: qnn.matmul_integer

// Without a group size, one group of all rows: one scale per column.
// COLUMN-LABEL: func.func @matmuls
// COLUMN: qnn.grouped_matmul {{.*}} {group = 8 : i64} : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>, tensor<8x2xi8>, tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>

// GROUP: error: group-size 3 does not divide the weight's 8 rows

// KEEP-LABEL: func.func @matmuls
// KEEP: qnn.matmul %arg0
// KEEP: qnn.matmul_integer
#fc1 = loc("fc1")
func.func @matmuls(%x: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = qnn.constant dense<[[2.0, -4.0], [1.0, 1.0], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]> : tensor<8x2xf32> -> tensor<8x2xf32>
  %0 = qnn.matmul %x, %w : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32> loc(#fc1)
  %1 = qnn.matmul %x, %w : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Gemm: trans_b is applied to the constant, alpha scales the weight scales
// and beta * C is added in f32.
// CHECK-LABEL: func.func @gemm
// CHECK: qnn.constant dense<127> : tensor<8x3xi8>
// CHECK: qnn.matmul_integer {{.*}} -> tensor<2x3xi32>
// CHECK: qnn.constant dense<0.00787401571> : tensor<3xf32>
// CHECK: %[[Y:.*]] = qnn.mul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: %[[C:.*]] = qnn.constant dense<[5.000000e-01, 1.000000e+00, 1.500000e+00]> : tensor<3xf32>
// CHECK: qnn.add %[[Y]], %[[C]]
// With 4-bit weights alpha scales the group scales too (.5 / 7 * 2), and
// beta * C is added after.
// INT4-LABEL: func.func @gemm
// INT4: qnn.constant dense<7> : tensor<8x3xi8>
// INT4: qnn.constant dense<8.000000e+00> : tensor<3xf32>
// INT4: qnn.constant dense<0.142857149> : tensor<2x3xf32>
// INT4: %[[Y:.*]] = qnn.grouped_matmul
// INT4: qnn.add %[[Y]], %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @gemm(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  %w = qnn.constant dense<0.5> : tensor<3x8xf32> -> tensor<3x8xf32>
  %c = qnn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> -> tensor<3xf32>
  %0 = qnn.gemm %x, %w, %c {trans_b = true, alpha = 2.0 : f32, beta = 0.5 : f32} : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Convolutions only with conv=true: the input per tensor, the weight per
// output channel, scales and bias broadcast over the spatial dimensions.
// CHECK-LABEL: func.func @conv
// CHECK: qnn.conv %
// Convolutions stay 8-bit with bits=4.
// INT4-LABEL: func.func @conv
// INT4: qnn.conv %
// CONV-LABEL: func.func @conv
// CONV: qnn.dynamic_quantize_linear %arg0 : (tensor<1x2x5x5xf32>) -> (tensor<1x2x5x5xui8>, tensor<f32>, tensor<ui8>)
// CONV: qnn.conv_integer {{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xui8>, tensor<3x2x3x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<1x3x5x5xi32>
// CONV: qnn.mul %{{.*}}, %{{.*}} : (tensor<f32>, tensor<3x1x1xf32>) -> tensor<3x1x1xf32>
// CONV: qnn.constant dense<{{\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]], {{\[\[}}3.000000e+00]]]> : tensor<3x1x1xf32>
// CONV: qnn.add
func.func @conv(%x: tensor<1x2x5x5xf32>) -> tensor<1x3x5x5xf32> {
  %w = qnn.constant dense<0.25> : tensor<3x2x3x3xf32> -> tensor<3x2x3x3xf32>
  %b = qnn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> -> tensor<3xf32>
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x5x5xf32>
  return %0 : tensor<1x3x5x5xf32>
}
