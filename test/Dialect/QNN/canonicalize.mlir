// One case per qnn folder, and cases where a folder must not fire.
// RUN: quant-opt %s -canonicalize -split-input-file | FileCheck %s

// ONNX test_quantizelinear: quantizing a constant folds with ONNX's rounding.
// CHECK-LABEL: func.func @fold_quantize_constant
func.func @fold_quantize_constant() -> tensor<6x!quant.uniform<u8:f32, 2.0:128>> {
  // CHECK-NOT: qnn.quantize
  // CHECK: %[[C:.*]] = qnn.constant dense<[-128, -127, -126, -1, 1, 0]> : tensor<6xi8> -> tensor<6x!quant.uniform<u8:f32, 2.000000e+00:128>>
  // CHECK: return %[[C]]
  %x = qnn.constant dense<[0.0, 2.0, 3.0, 1000.0, -254.0, -1000.0]> : tensor<6xf32> -> tensor<6xf32>
  %q = qnn.quantize %x : tensor<6xf32> -> tensor<6x!quant.uniform<u8:f32, 2.0:128>>
  return %q : tensor<6x!quant.uniform<u8:f32, 2.0:128>>
}

// -----

// Per-axis parameters follow their axis; ties round to even (-2.5 -> -2).
// CHECK-LABEL: func.func @fold_quantize_per_axis
func.func @fold_quantize_per_axis() -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0:0, 0.5:10}>> {
  // CHECK: qnn.constant dense<{{\[\[}}-2, 11], [2, -128]]> : tensor<2x2xi8>
  %x = qnn.constant dense<[[-2.5, 0.5], [1.5, -100.0]]> : tensor<2x2xf32> -> tensor<2x2xf32>
  %q = qnn.quantize %x : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0:0, 0.5:10}>>
  return %q : tensor<2x2x!quant.uniform<i8:f32:1, {1.0:0, 0.5:10}>>
}

// -----

// Sub-channel blocks of two columns share a scale; i4 saturates at [-8, 7].
// CHECK-LABEL: func.func @fold_quantize_sub_channel
func.func @fold_quantize_sub_channel() -> tensor<1x4x!quant.uniform<i4:f32:{1:2}, {{1.0, 0.25}}>> {
  // CHECK: qnn.constant dense<{{\[\[}}3, 7, 4, -8]]> : tensor<1x4xi4>
  %x = qnn.constant dense<[[3.0, 9.0, 1.0, -3.0]]> : tensor<1x4xf32> -> tensor<1x4xf32>
  %q = qnn.quantize %x : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i4:f32:{1:2}, {{1.0, 0.25}}>>
  return %q : tensor<1x4x!quant.uniform<i4:f32:{1:2}, {{1.0, 0.25}}>>
}

// -----

// ONNX test_dequantizelinear.
// CHECK-LABEL: func.func @fold_dequantize_constant
func.func @fold_dequantize_constant() -> tensor<4xf32> {
  // CHECK: qnn.constant dense<[-2.560000e+02, -2.500000e+02, 0.000000e+00, 2.540000e+02]> : tensor<4xf32> -> tensor<4xf32>
  %q = qnn.constant dense<[0, 3, -128, -1]> : tensor<4xi8> -> tensor<4x!quant.uniform<u8:f32, 2.0:128>>
  %x = qnn.dequantize %q : tensor<4x!quant.uniform<u8:f32, 2.0:128>> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_quantize_dequantize
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>>)
func.func @fold_quantize_dequantize(%q: tensor<4x!quant.uniform<i8:f32, 0.5:3>>)
    -> (tensor<4x!quant.uniform<i8:f32, 0.5:3>>, tensor<4x!quant.uniform<i8:f32, 0.25:3>>) {
  %x = qnn.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  %same = qnn.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  // Another scale rounds: the pair stays.
  // CHECK: %[[X:.*]] = qnn.dequantize %[[Q]]
  // CHECK: %[[OTHER:.*]] = qnn.quantize %[[X]]
  %other = qnn.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:3>>
  // CHECK: return %[[Q]], %[[OTHER]]
  return %same, %other : tensor<4x!quant.uniform<i8:f32, 0.5:3>>, tensor<4x!quant.uniform<i8:f32, 0.25:3>>
}

// -----

// dequantize(quantize(x)) rounds, so it stays.
// CHECK-LABEL: func.func @keep_dequantize_quantize
func.func @keep_dequantize_quantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: qnn.quantize
  // CHECK: qnn.dequantize
  %q = qnn.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  %y = qnn.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_requantize_same_type
// CHECK-SAME: (%[[Q:.*]]: tensor
func.func @fold_requantize_same_type(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // CHECK-NOT: qnn.requantize
  // CHECK: return %[[Q]]
  %r = qnn.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// CHECK-LABEL: func.func @fold_identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @fold_identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = qnn.constant dense<0.0> : tensor<3xf32> -> tensor<3xf32>
  %one = qnn.constant dense<1.0> : tensor<1xf32> -> tensor<1xf32>
  %0 = qnn.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = qnn.add %zero, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = qnn.sub %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = qnn.mul %one, %x : (tensor<1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = qnn.div %x, %one : (tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  // CHECK-NOT: qnn.add
  // CHECK-NOT: qnn.sub
  // CHECK-NOT: qnn.mul
  // CHECK-NOT: qnn.div
  // CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// An identity that broadcasts the other operand, and a quantized constant
// whose stored zeros stand for another value, do not fold.
// CHECK-LABEL: func.func @keep_non_identities
func.func @keep_non_identities(%x: tensor<3xf32>, %q: tensor<3x!quant.uniform<i8:f32, 0.5:2>>)
    -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %zero = qnn.constant dense<0.0> : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: qnn.add
  %0 = qnn.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %qzero = qnn.constant dense<0> : tensor<3xi8> -> tensor<3x!quant.uniform<i8:f32, 0.5:2>>
  // CHECK: qnn.add
  %1 = qnn.add %x, %qzero : (tensor<3xf32>, tensor<3x!quant.uniform<i8:f32, 0.5:2>>) -> tensor<3xf32>
  %two = qnn.constant dense<2.0> : tensor<3xf32> -> tensor<3xf32>
  // CHECK: qnn.mul
  %2 = qnn.mul %x, %two : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Constant operands fold with broadcasting, in the element type's format.
// CHECK-LABEL: func.func @fold_constant_arith
func.func @fold_constant_arith() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<3xi64>, tensor<2xi32>, tensor<2xf32>) {
  %a = qnn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> -> tensor<2x2xf32>
  %b = qnn.constant dense<[10.0, 20.0]> : tensor<2xf32> -> tensor<2xf32>
  %c = qnn.constant dense<[[0.5], [0.25]]> : tensor<2x1xf32> -> tensor<2x1xf32>
  // CHECK-DAG: qnn.constant dense<{{\[\[}}1.100000e+01, 2.200000e+01], [1.300000e+01, 2.400000e+01]]> : tensor<2x2xf32>
  %0 = qnn.add %a, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  // CHECK-DAG: qnn.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [1.200000e+01, 1.600000e+01]]> : tensor<2x2xf32>
  %1 = qnn.div %a, %c : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %i = qnn.constant dense<[2, 3, 4]> : tensor<3xi64> -> tensor<3xi64>
  %j = qnn.constant dense<[5]> : tensor<1xi64> -> tensor<1xi64>
  // CHECK-DAG: qnn.constant dense<[10, 15, 20]> : tensor<3xi64>
  %2 = qnn.mul %i, %j : (tensor<3xi64>, tensor<1xi64>) -> tensor<3xi64>
  // Integer division truncates toward zero.
  %m = qnn.constant dense<[-7, 7]> : tensor<2xi32> -> tensor<2xi32>
  %n = qnn.constant dense<[2]> : tensor<1xi32> -> tensor<1xi32>
  // CHECK-DAG: qnn.constant dense<[-3, 3]> : tensor<2xi32>
  %3 = qnn.div %m, %n : (tensor<2xi32>, tensor<1xi32>) -> tensor<2xi32>
  // Binary32 arithmetic: 0.1 + 0.2 rounds to 0.3000000119.
  %p = qnn.constant dense<[0.1, 1.0e20]> : tensor<2xf32> -> tensor<2xf32>
  %r = qnn.constant dense<[0.2, 1.0]> : tensor<2xf32> -> tensor<2xf32>
  // CHECK-DAG: qnn.constant dense<[3.000000e-01, 1.000000e+20]> : tensor<2xf32>
  %4 = qnn.add %p, %r : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1, %2, %3, %4 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<3xi64>, tensor<2xi32>, tensor<2xf32>
}

// -----

// Integer division by zero is left to run time.
// CHECK-LABEL: func.func @keep_integer_division_by_zero
func.func @keep_integer_division_by_zero() -> tensor<2xi32> {
  %m = qnn.constant dense<[7, 8]> : tensor<2xi32> -> tensor<2xi32>
  %z = qnn.constant dense<[1, 0]> : tensor<2xi32> -> tensor<2xi32>
  // CHECK: qnn.div
  %0 = qnn.div %m, %z : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @fold_activations
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
func.func @fold_activations(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // CHECK: %[[R:.*]] = qnn.relu %[[X]]
  // CHECK-NOT: qnn.relu
  %0 = qnn.relu %x : tensor<4xf32> -> tensor<4xf32>
  %1 = qnn.relu %0 : tensor<4xf32> -> tensor<4xf32>
  // CHECK-NOT: qnn.clip
  %2 = qnn.clip %x : tensor<4xf32> -> tensor<4xf32>
  // CHECK: return %[[R]], %[[X]]
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @keep_bounded_clip
func.func @keep_bounded_clip(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: qnn.clip %{{.*}} {min = 0.000000e+00 : f32}
  %0 = qnn.clip %x {min = 0.0 : f32} : tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>, %[[D:.*]]: tensor<?x4xf32>, %{{.*}}: tensor<2xi64>)
func.func @fold_reshape(%x: tensor<2x6xf32>, %d: tensor<?x4xf32>, %s: tensor<2xi64>) -> (tensor<2x6xf32>, tensor<4x3xf32>, tensor<?x4xf32>, tensor<2x2xf32>) {
  // CHECK-DAG: %[[R:.*]] = qnn.reshape %[[X]] : (tensor<2x6xf32>) -> tensor<4x3xf32>
  %0 = qnn.reshape %x : (tensor<2x6xf32>) -> tensor<2x6xf32>
  %1 = qnn.reshape %x : (tensor<2x6xf32>) -> tensor<12xf32>
  %2 = qnn.reshape %1 : (tensor<12xf32>) -> tensor<4x3xf32>
  %3 = qnn.reshape %d, %s : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  // CHECK-DAG: %[[C:.*]] = qnn.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  %c = qnn.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> -> tensor<4xf32>
  %4 = qnn.reshape %c : (tensor<4xf32>) -> tensor<2x2xf32>
  // CHECK: return %[[X]], %[[R]], %[[D]], %[[C]]
  return %0, %2, %3, %4 : tensor<2x6xf32>, tensor<4x3xf32>, tensor<?x4xf32>, tensor<2x2xf32>
}

// -----

// Equal types with two dynamic dimensions may still reshape.
// CHECK-LABEL: func.func @keep_dynamic_reshape
func.func @keep_dynamic_reshape(%x: tensor<?x?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  // CHECK: qnn.reshape
  %0 = qnn.reshape %x, %s : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @fold_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @fold_transpose(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>, tensor<2x3x4xf32>) {
  %0 = qnn.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // (1, 2, 0) then (1, 2, 0) is (2, 0, 1).
  // CHECK: %[[T:.*]] = qnn.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = qnn.transpose %x {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %2 = qnn.transpose %1 {perm = array<i64: 1, 2, 0>} : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  // A transpose and its inverse cancel.
  %3 = qnn.transpose %2 {perm = array<i64: 1, 2, 0>} : tensor<4x2x3xf32> -> tensor<2x3x4xf32>
  // CHECK: return %[[X]], %[[T]], %[[X]]
  return %0, %2, %3 : tensor<2x3x4xf32>, tensor<4x2x3xf32>, tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_movement
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
func.func @fold_movement(%x: tensor<4x10xf32>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>) {
  %0 = qnn.concat %x {axis = 0 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %1 = qnn.slice %x {starts = array<i64: -4, 0>, ends = array<i64: 4, 9223372036854775807>, steps = array<i64: 1, 1>} : tensor<4x10xf32> -> tensor<4x10xf32>
  %2 = qnn.pad %x {pads = array<i64: 0, 0, 0, 0>} : tensor<4x10xf32> -> tensor<4x10xf32>
  // A backward slice of the whole tensor reverses it: it stays.
  // CHECK: %[[REV:.*]] = qnn.slice
  %3 = qnn.slice %x {starts = array<i64: -1, 0>, ends = array<i64: -9223372036854775807, 10>, steps = array<i64: -1, 1>} : tensor<4x10xf32> -> tensor<4x10xf32>
  // CHECK: return %[[X]], %[[X]], %[[X]], %[[REV]]
  return %0, %1, %2, %3 : tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>
}

// -----

// Data movement of constants folds; shape computations of imported models
// become constants this way.
// CHECK-LABEL: func.func @fold_constant_movement
func.func @fold_constant_movement() -> (tensor<3x2xi32>, tensor<3xi64>, tensor<2x3xi32>, tensor<3xi32>, tensor<2x2xi32>, tensor<3xi32>, tensor<4x2xf32>) {
  %m = qnn.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32> -> tensor<2x3xi32>
  // CHECK-DAG: qnn.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
  %0 = qnn.transpose %m {perm = array<i64: 1, 0>} : tensor<2x3xi32> -> tensor<3x2xi32>
  %a = qnn.constant dense<[1, 2]> : tensor<2xi64> -> tensor<2xi64>
  %b = qnn.constant dense<[3]> : tensor<1xi64> -> tensor<1xi64>
  // CHECK-DAG: qnn.constant dense<[1, 2, 3]> : tensor<3xi64>
  %1 = qnn.concat %a, %b {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  %c = qnn.constant dense<[[7], [8]]> : tensor<2x1xi32> -> tensor<2x1xi32>
  %d = qnn.constant dense<[[1, 2], [4, 5]]> : tensor<2x2xi32> -> tensor<2x2xi32>
  // CHECK-DAG: qnn.constant dense<{{\[\[}}7, 1, 2], [8, 4, 5]]> : tensor<2x3xi32>
  %2 = qnn.concat %c, %d {axis = 1 : i64} : (tensor<2x1xi32>, tensor<2x2xi32>) -> tensor<2x3xi32>
  %r = qnn.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]> : tensor<10xi32> -> tensor<10xi32>
  // Backwards from 8 in steps of 3, stopping before 1.
  // CHECK-DAG: qnn.constant dense<[8, 5, 2]> : tensor<3xi32>
  %3 = qnn.slice %r {starts = array<i64: 8>, ends = array<i64: 1>, steps = array<i64: -3>} : tensor<10xi32> -> tensor<3xi32>
  %t = qnn.constant dense<[[10, 11], [12, 13], [14, 15]]> : tensor<3x2xi32> -> tensor<3x2xi32>
  %i = qnn.constant dense<[-1, 0]> : tensor<2xi64> -> tensor<2xi64>
  // Negative indices count from the end.
  // CHECK-DAG: qnn.constant dense<{{\[\[}}14, 15], [10, 11]]> : tensor<2x2xi32>
  %4 = qnn.gather %t, %i {axis = 0 : i64} : (tensor<3x2xi32>, tensor<2xi64>) -> tensor<2x2xi32>
  %one = qnn.constant dense<1> : tensor<i64> -> tensor<i64>
  // CHECK-DAG: qnn.constant dense<[11, 13, 15]> : tensor<3xi32>
  %5 = qnn.gather %t, %one {axis = 1 : i64} : (tensor<3x2xi32>, tensor<i64>) -> tensor<3xi32>
  %s = qnn.constant dense<2.5> : tensor<2x4xf32> -> tensor<2x4xf32>
  // CHECK-DAG: qnn.constant dense<2.500000e+00> : tensor<4x2xf32>
  %6 = qnn.transpose %s {perm = array<i64: 1, 0>} : tensor<2x4xf32> -> tensor<4x2xf32>
  // CHECK-NOT: qnn.transpose
  // CHECK-NOT: qnn.concat
  // CHECK-NOT: qnn.slice
  // CHECK-NOT: qnn.gather
  return %0, %1, %2, %3, %4, %5, %6 : tensor<3x2xi32>, tensor<3xi64>, tensor<2x3xi32>, tensor<3xi32>, tensor<2x2xi32>, tensor<3xi32>, tensor<4x2xf32>
}

// -----

// Quantized constants move their stored integers.
// CHECK-LABEL: func.func @fold_quantized_transpose
func.func @fold_quantized_transpose() -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>> {
  // CHECK: qnn.constant dense<{{\[\[}}1, 3], [2, 4]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00}>>
  %q = qnn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8> -> tensor<2x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>
  %0 = qnn.transpose %q {perm = array<i64: 1, 0>} : tensor<2x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
}

// -----

// An index out of range is left to run time.
// CHECK-LABEL: func.func @keep_gather_out_of_range
func.func @keep_gather_out_of_range() -> tensor<1xi32> {
  %t = qnn.constant dense<[10, 11]> : tensor<2xi32> -> tensor<2xi32>
  %i = qnn.constant dense<[2]> : tensor<1xi64> -> tensor<1xi64>
  // CHECK: qnn.gather
  %0 = qnn.gather %t, %i {axis = 0 : i64} : (tensor<2xi32>, tensor<1xi64>) -> tensor<1xi32>
  return %0 : tensor<1xi32>
}

// -----

// Comparisons of constants fold, with broadcasting; NaN compares false.
// CHECK-LABEL: func.func @fold_compare
func.func @fold_compare() -> (tensor<3x4xi1>, tensor<3xi1>, tensor<2xi1>) {
  %k = qnn.constant dense<[[0, 1, 2, 3]]> : tensor<1x4xi64> -> tensor<1x4xi64>
  %q = qnn.constant dense<[[1], [2], [3]]> : tensor<3x1xi64> -> tensor<3x1xi64>
  %f = qnn.constant dense<[1.0, 0x7FC00000, -0.0]> : tensor<3xf32> -> tensor<3xf32>
  %g = qnn.constant dense<[1.0, 0x7FC00000, 0.0]> : tensor<3xf32> -> tensor<3xf32>
  %u = qnn.constant dense<[200, 1]> : tensor<2xui8> -> tensor<2xui8>
  %v = qnn.constant dense<[100, 2]> : tensor<2xui8> -> tensor<2xui8>
  // CHECK-DAG: qnn.constant dense<{{\[}}[false, false, true, true], [false, false, false, true], [false, false, false, false]]> : tensor<3x4xi1>
  %0 = qnn.compare %k, %q {predicate = #qnn.compare_predicate<gt>} : (tensor<1x4xi64>, tensor<3x1xi64>) -> tensor<3x4xi1>
  // CHECK-DAG: qnn.constant dense<[true, false, true]> : tensor<3xi1>
  %1 = qnn.compare %f, %g {predicate = #qnn.compare_predicate<eq>} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  // Unsigned elements compare unsigned.
  // CHECK-DAG: qnn.constant dense<[true, false]> : tensor<2xi1>
  %2 = qnn.compare %u, %v {predicate = #qnn.compare_predicate<ge>} : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>
  // CHECK-NOT: qnn.compare
  return %0, %1, %2 : tensor<3x4xi1>, tensor<3xi1>, tensor<2xi1>
}

// -----

// A constant condition folds qnn.where: a splat one to the operand it picks
// (when no broadcast is needed), any one with constant operands to a
// constant.
// CHECK-LABEL: func.func @fold_where
// CHECK-SAME: (%[[X:.*]]: tensor<2x2xf32>, %[[Y:.*]]: tensor<2x2xf32>)
func.func @fold_where(%x: tensor<2x2xf32>, %y: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xi64>) {
  %t = qnn.constant dense<true> : tensor<2x2xi1> -> tensor<2x2xi1>
  %f = qnn.constant dense<false> : tensor<1xi1> -> tensor<1xi1>
  %c = qnn.constant dense<[true, false]> : tensor<2xi1> -> tensor<2xi1>
  %a = qnn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64> -> tensor<2x2xi64>
  %b = qnn.constant dense<-1> : tensor<i64> -> tensor<i64>
  %0 = qnn.where %t, %x, %y : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = qnn.where %f, %x, %y : (tensor<1xi1>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  // CHECK: %[[C:.*]] = qnn.constant dense<{{\[}}[1, -1], [3, -1]]> : tensor<2x2xi64>
  %2 = qnn.where %c, %a, %b : (tensor<2xi1>, tensor<2x2xi64>, tensor<i64>) -> tensor<2x2xi64>
  // CHECK-NOT: qnn.where
  // CHECK: return %[[X]], %[[Y]], %[[C]]
  return %0, %1, %2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xi64>
}

// -----

// A range of constants with a static size folds: integers (a negative step,
// ceil of 11 / 3), and floats computed as start + i * delta.
// CHECK-LABEL: func.func @fold_range
func.func @fold_range() -> (tensor<4xi32>, tensor<3xf32>, tensor<0xi64>) {
  %s = qnn.constant dense<10> : tensor<i32> -> tensor<i32>
  %l = qnn.constant dense<-1> : tensor<i32> -> tensor<i32>
  %d = qnn.constant dense<-3> : tensor<i32> -> tensor<i32>
  // CHECK-DAG: qnn.constant dense<[10, 7, 4, 1]> : tensor<4xi32>
  %0 = qnn.range %s, %l, %d : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<4xi32>
  %fs = qnn.constant dense<1.0> : tensor<f32> -> tensor<f32>
  %fl = qnn.constant dense<2.0> : tensor<f32> -> tensor<f32>
  %fd = qnn.constant dense<0.4> : tensor<f32> -> tensor<f32>
  // CHECK-DAG: qnn.constant dense<[1.000000e+00, 1.400000e+00, 1.800000e+00]> : tensor<3xf32>
  %1 = qnn.range %fs, %fl, %fd : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  %a = qnn.constant dense<5> : tensor<i64> -> tensor<i64>
  %b = qnn.constant dense<1> : tensor<i64> -> tensor<i64>
  // An empty range.
  // CHECK-DAG: qnn.constant dense<> : tensor<0xi64>
  %2 = qnn.range %a, %b, %b : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<0xi64>
  // CHECK-NOT: qnn.range
  return %0, %1, %2 : tensor<4xi32>, tensor<3xf32>, tensor<0xi64>
}
