// RUN: quant-opt %s --qnn-precision-switches | FileCheck %s
// RUN: quant-opt %s --qnn-precision-switches --qnn-quantize-dynamic | FileCheck %s --check-prefix=DYNAMIC
// RUN: not quant-opt %s --qnn-precision-switches=precisions=fp32 2>&1 | FileCheck %s --check-prefix=FLOAT

// Two matmuls with a constant weight get switches; the matmul of two
// activations does not. The new argument selects per contraction: 0
// float, 1 int8, 2 int4. The chosen result keeps fc1's calibrated range,
// which its consumers' quantized copies use.
// CHECK-LABEL: func.func @switched
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[SEL:.*]]: tensor<2xi32> {qnn.name = "qnn_precision"})
// CHECK-SAME: attributes {qnn.precision_layers = ["fc1", "fc2"]}
// CHECK: %[[F:.*]] = qnn.matmul %[[X]], %[[W:.*]] {qnn.precision = "fp32", qnn.range = array<f64: -1.000000e+00, 2.000000e+00>}
// CHECK: %[[S:.*]] = qnn.slice %[[SEL]] {ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : tensor<2xi32> -> tensor<1xi32>
// CHECK: %[[I8:.*]] = qnn.matmul %[[X]], %[[W]] {qnn.precision = "int8"
// CHECK: %[[ONE:.*]] = qnn.constant dense<1> : tensor<1xi32>
// CHECK: %[[C1:.*]] = qnn.compare %[[S]], %[[ONE]] {predicate = #qnn.compare_predicate<eq>}
// CHECK: %[[R1:.*]] = qnn.where %[[C1]], %[[I8]], %[[F]] : (tensor<1xi1>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[I4:.*]] = qnn.matmul %[[X]], %[[W]] {qnn.precision = "int4"
// CHECK: %[[TWO:.*]] = qnn.constant dense<2> : tensor<1xi32>
// CHECK: %[[C2:.*]] = qnn.compare %[[S]], %[[TWO]]
// CHECK: %[[R:.*]] = qnn.where %[[C2]], %[[I4]], %[[R1]] {qnn.range = array<f64: -1.000000e+00, 2.000000e+00>}
// CHECK: %[[G:.*]] = qnn.matmul %[[R]], %{{.*}} {qnn.precision = "fp32"}
// CHECK: qnn.slice %[[SEL]] {ends = array<i64: 2>, starts = array<i64: 1>
// CHECK: qnn.where
// CHECK: %[[P:.*]] = qnn.where
// CHECK: %[[T:.*]] = qnn.transpose %[[P]]
// CHECK: qnn.matmul %[[P]], %[[T]] : (tensor<2x4xf32>, tensor<4x2xf32>)
func.func @switched(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %w1 = qnn.constant dense<0.5> : tensor<8x4xf32> -> tensor<8x4xf32>
  %a = qnn.matmul %x, %w1 {qnn.range = array<f64: -1.0, 2.0>} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32> loc("fc1")
  %w2 = qnn.constant dense<0.25> : tensor<4x4xf32> -> tensor<4x4xf32>
  %b = qnn.matmul %a, %w2 : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32> loc("fc2")
  %t = qnn.transpose %b {perm = array<i64: 1, 0>} : tensor<2x4xf32> -> tensor<4x2xf32>
  %c = qnn.matmul %b, %t : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %c : tensor<2x2xf32>
}

// The quantization pass quantizes each copy as marked: int8 through
// matmul_integer, int4 through grouped_matmul, the original stays float.
// DYNAMIC-LABEL: func.func @switched
// DYNAMIC: qnn.matmul %arg0, %{{.*}} {qnn.precision = "fp32", {{.*}}} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
// DYNAMIC: qnn.matmul_integer
// DYNAMIC: qnn.grouped_matmul

// FLOAT: error: precisions takes int8 and int4, not 'fp32'
