// RUN: quant-opt %s --quantc-vectorize-contractions="vector-bits=256 rows=2 vectors=2" --canonicalize --split-input-file | FileCheck %s

// A 7x20 matmul with 8-lane vectors and a 2x2 block: full blocks of 2 rows
// by 16 columns, the last row alone, then the last 4 columns masked.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[I:.*]] = %c0 to %c6 step %c2
// CHECK: scf.for %[[K:.*]] = %c0 to %c5 step %c1 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK-COUNT-2: memref.load %arg0
// CHECK-COUNT-2: vector.load %arg1[%[[K]], {{.*}}] : memref<5x20xf32>, vector<8xf32>
// CHECK-COUNT-4: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-4: vector.store
// CHECK: vector.constant_mask [4] : vector<8xi1>
// CHECK: vector.maskedload %arg1
// CHECK: vector.maskedstore %arg2
func.func @matmul(%a: memref<7x5xf32>, %b: memref<5x20xf32>, %c: memref<7x20xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<7x5xf32>, memref<5x20xf32>) outs(%c : memref<7x20xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A convolution with stride 2 along the width: the input row is read as a
// 15-of-16-lane masked load whose even lanes are kept. The block runs over
// output channels, which the input does not depend on.
#in = affine_map<(n, m, oh, ow, c, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, m, oh, ow, c, kh, kw) -> (m, c, kh, kw)>
#out = affine_map<(n, m, oh, ow, c, kh, kw) -> (n, m, oh, ow)>
// CHECK-LABEL: func.func @conv_stride2
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c2
// CHECK: vector.constant_mask [15] : vector<16xi1>
// CHECK: vector.maskedload %arg0{{.*}} into vector<16xf32>
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xf32>, vector<16xf32>
// CHECK: vector.fma
func.func @conv_stride2(%x: memref<1x3x9x33xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x4x16xf32>) {
  linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x3x9x33xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Depthwise: both operands depend on the channel, so the block runs over
// output rows, sharing the weight broadcast.
#in = affine_map<(n, c, oh, ow, kh, kw) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, c, oh, ow, kh, kw) -> (c, kh, kw)>
#out = affine_map<(n, c, oh, ow, kh, kw) -> (n, c, oh, ow)>
// CHECK-LABEL: func.func @depthwise
// CHECK: scf.for %[[C:.*]] = %c0 to %c8 step %c1
// CHECK: scf.for %[[OH:.*]] = %c0 to %c4 step %c2
// CHECK: memref.load %arg1[%[[C]]
// CHECK-NOT: memref.load
// CHECK: vector.load %arg0
// CHECK: vector.load %arg0
func.func @depthwise(%x: memref<1x8x6x18xf32>, %w: memref<8x3x3xf32>, %y: memref<1x8x4x16xf32>) {
  linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<1x8x6x18xf32>, memref<8x3x3xf32>) outs(%y : memref<1x8x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A transposed right-hand side (attention's Q K^T): its columns are not
// contiguous, but both inputs run along k contiguously, so the kernel is
// in dot-product form. For each row m, blocks of rows * vectors = 4
// columns share a's vector; the reduction runs 8 lanes at a time (20 = 2
// full vectors, then 4 lanes masked, the rest read as zeros), and each
// accumulator's lanes are added to its output element.
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// (canonicalized: the 2 blocks of 4 columns, then columns 8 and 9).
// CHECK-LABEL: func.func @dot
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[M:.*]] = %c0 to %c3 step %c1
// CHECK: scf.for %[[N:.*]] = %c0 to %c8 step %c4
// CHECK: %[[K:.*]]:4 = scf.for %[[KK:.*]] = %c0 to %c16 step %c8 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: %[[A:.*]] = vector.load %arg0[%[[M]], %[[KK]]] : memref<3x20xf32>, vector<8xf32>
// CHECK: %[[B0:.*]] = vector.load %arg1[%[[N]], %[[KK]]] : memref<10x20xf32>, vector<8xf32>
// CHECK: vector.fma %[[A]], %[[B0]]
// CHECK-COUNT-3: vector.fma %[[A]]
// CHECK: scf.yield
// CHECK: %[[MASK:.*]] = vector.constant_mask [4] : vector<8xi1>
// CHECK: %[[AT:.*]] = vector.maskedload %arg0[%[[M]], %c16], %[[MASK]]
// CHECK: %[[BT:.*]] = vector.maskedload %arg1[%[[N]], %c16], %[[MASK]]
// CHECK: %[[S0:.*]] = vector.fma %[[AT]], %[[BT]], %[[K]]#0
// CHECK-COUNT-3: vector.fma %[[AT]]
// CHECK: %[[OLD:.*]] = memref.load %arg2[%[[M]], %[[N]]]
// CHECK: %[[NEW:.*]] = vector.reduction <add>, %[[S0]], %[[OLD]] fastmath<reassoc> : vector<8xf32> into f32
// CHECK: memref.store %[[NEW]], %arg2[%[[M]], %[[N]]]
// CHECK-COUNT-3: vector.reduction <add>
// The remaining two columns, one at a time.
// CHECK: scf.for %[[N1:.*]] = %c8 to %c10 step %c1
// CHECK: scf.for {{.*}} -> (vector<8xf32>)
// CHECK: vector.load %arg1[%[[N1]]
// CHECK: vector.reduction <add>
func.func @dot(%a: memref<3x20xf32>, %b: memref<10x20xf32>, %c: memref<3x10xf32>) {
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x20xf32>, memref<10x20xf32>) outs(%c : memref<3x10xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: a body that is not a multiply-accumulate, tensors, and a
// transposed right-hand side whose rows are not contiguous.
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @untouched
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: vector.
func.func @untouched(%a: memref<4x5xf32>, %b: memref<6x5xf32, strided<[1, 6]>>, %c: memref<4x6xf32>,
                     %t: tensor<4x5xf32>, %u: tensor<5x6xf32>, %v: tensor<4x6xf32>) -> tensor<4x6xf32> {
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x5xf32>, memref<6x5xf32, strided<[1, 6]>>) outs(%c : memref<4x6xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x5xf32>, memref<6x5xf32, strided<[1, 6]>>) outs(%c : memref<4x6xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.maximumf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %r = linalg.generic {indexing_maps = [#a, affine_map<(m, n, k) -> (k, n)>, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%t, %u : tensor<4x5xf32>, tensor<5x6xf32>) outs(%v : tensor<4x6xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  return %r : tensor<4x6xf32>
}

// -----

// A matrix-vector product (one row of a 1x40 by 40x70 matmul): with a 2x2
// block, one row spends the four accumulators on four vectors, so full
// blocks are 32 columns wide (two of them), then the last 6 columns
// masked.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matvec
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[J:.*]] = %c0 to %c64 step %c32
// CHECK: scf.for %[[K:.*]] = %c0 to %c40 step %c1 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: memref.load %arg0
// CHECK-COUNT-4: vector.load %arg1[%[[K]], {{.*}}] : memref<40x70xf32>, vector<8xf32>
// CHECK-COUNT-4: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-4: vector.store
// CHECK: vector.maskedload %arg1
func.func @matvec(%a: memref<1x40xf32>, %b: memref<40x70xf32>, %c: memref<1x70xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x40xf32>, memref<40x70xf32>) outs(%c : memref<1x70xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
