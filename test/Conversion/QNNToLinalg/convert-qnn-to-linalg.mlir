// RUN: quant-opt %s -convert-qnn-to-linalg -split-input-file -verify-diagnostics | FileCheck %s

// Broadcasting: the rank-1 operand reads the trailing dimension, the static
// 1 reads index 0, and the dynamic size comes from the operand that has it.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<?x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<?x1xf32>)
func.func @add_broadcast(%a: tensor<?x3xf32>, %b: tensor<3xf32>, %c: tensor<?x1xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  // CHECK: %[[D:.*]] = tensor.dim %[[A]], %c0
  // CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<?x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<?x3xf32>)
  // CHECK: arith.addf
  %0 = qnn.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
  // CHECK: arith.subf
  %1 = qnn.sub %a, %c : (tensor<?x3xf32>, tensor<?x1xf32>) -> tensor<?x3xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>) {
  // CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: arith.maximumf %{{.*}}, %[[Z]]
  %0 = qnn.relu %x : tensor<4xf32> -> tensor<4xf32>
  // sigmoid(x) = 1 / (1 + exp(-x))
  // CHECK: %[[N:.*]] = arith.negf
  // CHECK: %[[E:.*]] = math.exp %[[N]]
  // CHECK: %[[S:.*]] = arith.addf %{{.*}}, %[[E]]
  // CHECK: arith.divf %{{.*}}, %[[S]]
  %1 = qnn.sigmoid %x : tensor<4xf32> -> tensor<4xf32>
  // CHECK: math.erf
  %2 = qnn.gelu %x : tensor<4xf32> -> tensor<4xf32>
  // CHECK: arith.divsi
  %3 = qnn.div %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>
}

// -----

// A batched matmul whose lhs batch broadcasts; k is the reduction loop.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<3x1x4x8xf32>, %b: tensor<5x8x2xf32>) -> tensor<3x5x4x2xf32> {
  // CHECK: %[[F:.*]] = linalg.fill
  // CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
  // CHECK-SAME: outs(%[[F]]
  // CHECK: %[[P:.*]] = arith.mulf
  // CHECK: arith.addf %{{.*}}, %[[P]]
  %0 = qnn.matmul %a, %b : (tensor<3x1x4x8xf32>, tensor<5x8x2xf32>) -> tensor<3x5x4x2xf32>
  return %0 : tensor<3x5x4x2xf32>
}

// -----

// A right operand transposed for the product only (attention's Q K^T): the
// contraction reads the keys in place, rows by k, and the transpose is left
// without a use (canonicalization removes it). Its columns' size comes from
// the keys' rows.
// CHECK-DAG: #[[Q:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_transposed
// CHECK-SAME: (%[[QV:.*]]: tensor<1x4x?x64xf32>, %[[KV:.*]]: tensor<1x4x?x64xf32>)
func.func @matmul_transposed(%q: tensor<1x4x?x64xf32>, %k: tensor<1x4x?x64xf32>) -> tensor<1x4x?x?xf32> {
  // CHECK: %[[ROWS:.*]] = tensor.dim %[[QV]], %{{.*}} : tensor<1x4x?x64xf32>
  // CHECK: %[[COLS:.*]] = tensor.dim %[[KV]], %{{.*}} : tensor<1x4x?x64xf32>
  // CHECK: tensor.empty(%[[ROWS]], %[[COLS]]) : tensor<1x4x?x?xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[Q]], #[[K]], #[[S]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[QV]], %[[KV]] : tensor<1x4x?x64xf32>, tensor<1x4x?x64xf32>)
  %t = qnn.transpose %k {perm = array<i64: 0, 1, 3, 2>} : tensor<1x4x?x64xf32> -> tensor<1x4x64x?xf32>
  %0 = qnn.matmul %q, %t : (tensor<1x4x?x64xf32>, tensor<1x4x64x?xf32>) -> tensor<1x4x?x?xf32>
  return %0 : tensor<1x4x?x?xf32>
}

// -----

// A transpose that moves a batch dimension is not a matrix transposed per
// batch: the product reads its result.
// CHECK-LABEL: func.func @matmul_other_transpose
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[T]] :
func.func @matmul_other_transpose(%q: tensor<2x3x5xf32>, %k: tensor<5x2x4xf32>) -> tensor<2x3x4xf32> {
  %t = qnn.transpose %k {perm = array<i64: 1, 0, 2>} : tensor<5x2x4xf32> -> tensor<2x5x4xf32>
  %0 = qnn.matmul %q, %t : (tensor<2x3x5xf32>, tensor<2x5x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Grouped, padded, strided, dilated convolution with a bias.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6 * 2, d4 * 2 + d7 * 2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  // CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 2, 2]
  // CHECK: %[[X:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 11, 11]
  // CHECK: %[[WG:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
  // CHECK: %[[BG:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2, 3, 4]] output_shape [1, 2, 3, 1, 1]
  // CHECK: %[[C:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[X]], %[[WG]] :
  // CHECK: tensor.collapse_shape %[[C]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x4x4xf32> into tensor<1x6x4x4xf32>
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 2, 2>, pads = array<i64: 1, 1, 2, 2>, group = 2}
      : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean
func.func @reduce_mean(%x: tensor<2x?x4xf32>) -> tensor<2x1x1xf32> {
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
  // CHECK: arith.divf
  // CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] output_shape [2, 1, 1]
  %0 = qnn.reduce <mean> %x {axes = array<i64: 1, 2>} : tensor<2x?x4xf32> -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// -----

// Ceil mode pads the end so that the last partial window fits, with -inf.
// CHECK-LABEL: func.func @max_pool
func.func @max_pool(%x: tensor<1x3x5x5xf32>) -> tensor<1x3x3x3xf32> {
  // CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
  // CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
  // CHECK: tensor.yield %[[NEG]]
  // CHECK: arith.maximumf
  %0 = qnn.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x3x5x5xf32> -> tensor<1x3x3x3xf32>
  return %0 : tensor<1x3x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @movement
func.func @movement(%x: tensor<?x4x2xf32>) -> (tensor<?x8xf32>, tensor<2x4x?xf32>) {
  // CHECK: %[[S:.*]] = tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xindex>
  // CHECK: tensor.reshape %{{.*}}(%[[S]])
  %0 = qnn.reshape %x : (tensor<?x4x2xf32>) -> tensor<?x8xf32>
  // CHECK: linalg.transpose ins(%{{.*}} : tensor<?x4x2xf32>) outs(%{{.*}} : tensor<2x4x?xf32>) permutation = [2, 1, 0]
  %1 = qnn.transpose %x {perm = array<i64: 2, 1, 0>} : tensor<?x4x2xf32> -> tensor<2x4x?xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<2x4x?xf32>
}

// -----

// A quantized op without an integer lowering is refused, saying what to run
// first.
func.func @quantized(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{cannot lower quantized qnn.div: no integer lowering; run qnn-expand-quantized first}}
  %0 = qnn.div %x, %x : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// qnn.compare: ordered float predicates (false on NaN), signed integers.
// qnn.where: arith.select over the three broadcast operands.
// CHECK-LABEL: func.func @compare_where
func.func @compare_where(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<1x4xi64>, %j: tensor<3x1xi64>) -> (tensor<2x3xf32>, tensor<3x4xi1>) {
  // CHECK: linalg.generic
  // CHECK: arith.cmpf ole
  %0 = qnn.compare %a, %b {predicate = #qnn.compare_predicate<le>} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: linalg.generic
  // CHECK: arith.cmpi sgt
  %1 = qnn.compare %i, %j {predicate = #qnn.compare_predicate<gt>} : (tensor<1x4xi64>, tensor<3x1xi64>) -> tensor<3x4xi1>
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xi1>, tensor<3xf32>, tensor<2x3xf32>)
  // CHECK: arith.select
  %2 = qnn.where %0, %b, %a : (tensor<2x3xi1>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %2, %1 : tensor<2x3xf32>, tensor<3x4xi1>
}

// -----

// qnn.range of run-time bounds: the count max(0, ceil((limit - start) /
// delta)) in i64, then start + i * delta per element.
// CHECK-LABEL: func.func @range
func.func @range(%s: tensor<i32>, %l: tensor<i32>, %d: tensor<i32>) -> tensor<?xi32> {
  // CHECK: arith.extsi
  // CHECK: arith.subi
  // CHECK: arith.ceildivsi
  // CHECK: arith.maxsi
  // CHECK: %[[N:.*]] = arith.index_cast %{{.*}} : i64 to index
  // CHECK: tensor.empty(%[[N]]) : tensor<?xi32>
  // CHECK: linalg.index 0
  // CHECK: arith.muli
  // CHECK: arith.addi
  %0 = qnn.range %s, %l, %d : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}
