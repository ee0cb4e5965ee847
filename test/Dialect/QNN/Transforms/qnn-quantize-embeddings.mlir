// RUN: quant-opt %s --split-input-file --qnn-quantize-embeddings | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnn-quantize-embeddings="keep-float=wte" | FileCheck %s --check-prefix=KEEP
// RUN: not quant-opt %S/Inputs/embedding-nan.mlir --qnn-quantize-embeddings 2>&1 | FileCheck %s --check-prefix=NAN

// A NaN in a table (Inputs/embedding-nan.mlir) is an error.
// NAN: error: the embedding table holds a NaN or an infinity

// A token embedding: s8 rows, one scale per row (max |row| / 127: 1, 2 and
// 1 for the row of zeros), half to even (63.5 -> 64, -2.5 -> -2, 1.5 -> 2,
// 0.5 -> 0); the rows and their scales are gathered with the same indices.
// CHECK-LABEL: func.func @tokens
// CHECK-DAG: %[[Q:.*]] = qnn.constant dense<{{\[\[}}127, 64, -2, 0], [127, 2, -2, 0], [0, 0, 0, 0]]> : tensor<3x4xi8> -> tensor<3x4xi8>
// CHECK-DAG: %[[S:.*]] = qnn.constant dense<{{\[\[}}1.000000e+00], [2.000000e+00], [1.000000e+00]]> : tensor<3x1xf32> -> tensor<3x1xf32>
// CHECK: %[[R:.*]] = qnn.gather %[[Q]], %arg0 {axis = 0 : i64} : (tensor<3x4xi8>, tensor<1x5xi64>) -> tensor<1x5x4xi8>
// CHECK: %[[RS:.*]] = qnn.gather %[[S]], %arg0 {axis = 0 : i64} : (tensor<3x1xf32>, tensor<1x5xi64>) -> tensor<1x5x1xf32>
// CHECK: %[[F:.*]] = qnn.cast %[[R]] : tensor<1x5x4xi8> -> tensor<1x5x4xf32>
// CHECK: %[[Y:.*]] = qnn.mul %[[F]], %[[RS]] : (tensor<1x5x4xf32>, tensor<1x5x1xf32>) -> tensor<1x5x4xf32>
// CHECK: return %[[Y]]
// KEEP-LABEL: func.func @tokens
// KEEP: qnn.gather %{{.*}}, %arg0 {axis = 0 : i64} : (tensor<3x4xf32>, tensor<1x5xi64>) -> tensor<1x5x4xf32>
// KEEP-NOT: i8
// KEEP-LABEL: func.func @others
func.func @tokens(%ids: tensor<1x5xi64>) -> tensor<1x5x4xf32> {
  %table = qnn.constant dense<[[127.0, 63.5, -2.5, 0.4], [254.0, 3.0, -5.0, 1.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<3x4xf32> -> tensor<3x4xf32> loc("wte_table")
  %y = qnn.gather %table, %ids {axis = 0 : i64} : (tensor<3x4xf32>, tensor<1x5xi64>) -> tensor<1x5x4xf32> loc("wte")
  return %y : tensor<1x5x4xf32>
}

// -----

// Not embeddings: a gather along axis 1, of a run-time table, of a rank-3
// table; and a table another op reads keeps its float copy for that op.
// CHECK-LABEL: func.func @others
// CHECK: qnn.gather %{{.*}}, %arg0 {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
// CHECK: qnn.gather %arg1, %arg0 {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
// CHECK: qnn.gather %{{.*}}, %arg0 {axis = 0 : i64} : (tensor<3x2x2xf32>, tensor<2xi64>) -> tensor<2x2x2xf32>
// CHECK: qnn.gather %{{.*}}, %arg0 {axis = 0 : i64} : (tensor<3x4xi8>, tensor<2xi64>) -> tensor<2x4xi8>
// CHECK: qnn.matmul %{{.*}}, %[[T:.*]] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
func.func @others(%ids: tensor<2xi64>, %runtime: tensor<3x4xf32>, %x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<2x4xf32>, tensor<2x2x2xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %table = qnn.constant dense<1.0> : tensor<3x4xf32> -> tensor<3x4xf32>
  %cube = qnn.constant dense<1.0> : tensor<3x2x2xf32> -> tensor<3x2x2xf32>
  %a = qnn.gather %table, %ids {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  %b = qnn.gather %runtime, %ids {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  %c = qnn.gather %cube, %ids {axis = 0 : i64} : (tensor<3x2x2xf32>, tensor<2xi64>) -> tensor<2x2x2xf32>
  %d = qnn.gather %table, %ids {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  %e = qnn.matmul %x, %table : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %a, %b, %c, %d, %e : tensor<3x2xf32>, tensor<2x4xf32>, tensor<2x2x2xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

