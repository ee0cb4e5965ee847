// RUN: quant-opt %s --split-input-file --quantc-parallelize-loops | FileCheck %s
// RUN: quant-opt %s --split-input-file --quantc-parallelize-loops=min-work=1 | FileCheck %s --check-prefix=ALL
// RUN: quant-opt %s --split-input-file --quantc-parallelize-loops=threaded-callees=conv | FileCheck %s --check-prefix=CALLEES
// RUN: not quant-opt %s --split-input-file --quantc-parallelize-loops=min-work=0 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: min-work must be at least 1, not 0

// An epilogue over a 1x64x1024 tensor: the batch loop has one iteration,
// so the channel loop is split. Each channel is 6 operations times 1024
// elements of work; a part takes at least ceil(131072 / 6144) = 22.
// CHECK-LABEL: func.func @epilogue
// CHECK-SAME: (%[[A:.*]]: memref<1x64x1024xi32>, %[[S:.*]]: f32, %[[OUT:.*]]: memref<1x64x1024xi8>)
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<3 x i64>, array<3 x i64>)>, f32, struct<(ptr, ptr, i64, array<3 x i64>, array<3 x i64>)>)>
// CHECK: %[[DA:.*]] = builtin.unrealized_conversion_cast %[[A]]
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK: llvm.store %[[DA]], %[[P0]]
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK: llvm.store %[[S]], %[[P1]] : f32
// CHECK: %[[DOUT:.*]] = builtin.unrealized_conversion_cast %[[OUT]]
// CHECK: %[[P2:.*]] = llvm.getelementptr %[[CTX]][0, 2]
// CHECK: llvm.store %[[DOUT]], %[[P2]]
// CHECK: %[[FN:.*]] = constant @epilogue_parallel
// CHECK: %[[FP:.*]] = builtin.unrealized_conversion_cast %[[FN]] : (!llvm.ptr, i64, i64) -> () to !llvm.ptr
// CHECK-DAG: %[[COUNT:.*]] = arith.constant 64 : i64
// CHECK-DAG: %[[MIN:.*]] = arith.constant 22 : i64
// CHECK: call @quantc_parallel_for(%[[COUNT]], %[[MIN]], %[[FP]], %[[CTX]])
// CHECK-NOT: scf.parallel
// CHECK: return
// CHECK: func.func private @epilogue_parallel(%[[REC:.*]]: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: llvm.load {{.*}} -> !llvm.struct<(ptr, ptr, i64, array<3 x i64>, array<3 x i64>)>
// CHECK: %[[IN:.*]] = builtin.unrealized_conversion_cast {{.*}} to memref<1x64x1024xi32>
// CHECK: %[[SCALE:.*]] = llvm.load {{.*}} -> f32
// CHECK: %[[RES:.*]] = builtin.unrealized_conversion_cast {{.*}} to memref<1x64x1024xi8>
// CHECK: %[[B:.*]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK: %[[LO:.*]] = arith.addi
// CHECK: %[[E:.*]] = arith.index_cast %[[END]] : i64 to index
// CHECK: %[[HI:.*]] = arith.addi
// CHECK: scf.parallel (%[[N:.*]], %[[C:.*]], %[[W:.*]]) = (%{{.*}}, %[[LO]], %{{.*}}) to (%{{.*}}, %[[HI]], %{{.*}})
// CHECK: memref.load %[[IN]][%[[N]], %[[C]], %[[W]]]
// CHECK: arith.mulf %{{.*}}, %[[SCALE]]
// CHECK: memref.store %{{.*}}, %[[RES]][%[[N]], %[[C]], %[[W]]]
// CHECK: func.func private @quantc_parallel_for(i64, i64, !llvm.ptr, !llvm.ptr)
func.func @epilogue(%a: memref<1x64x1024xi32>, %s: f32, %out: memref<1x64x1024xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%n, %c, %w) = (%c0, %c0, %c0) to (%c1, %c64, %c1024) step (%c1, %c1, %c1) {
    %x = memref.load %a[%n, %c, %w] : memref<1x64x1024xi32>
    %f = arith.sitofp %x : i32 to f32
    %m = arith.mulf %f, %s : f32
    %r = arith.fptosi %m : f32 to i8
    memref.store %r, %out[%n, %c, %w] : memref<1x64x1024xi8>
    scf.reduce
  }
  return
}

// -----

// Rows normalized by their sums: the loops inside count once per
// iteration of the row loop; a constant table travels in the record like
// any buffer, and so does a value loaded from it.
// CHECK-LABEL: func.func @rows
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, f32, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)>
// CHECK: call @quantc_parallel_for
// CHECK: func.func private @rows_parallel
// CHECK-NOT: memref.get_global
// CHECK: scf.parallel
// CHECK: scf.for
memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
func.func @rows(%a: memref<512x1024xf32>, %out: memref<512x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  %t = memref.get_global @table : memref<4xf32>
  %k = memref.load %t[%c2] : memref<4xf32>
  scf.parallel (%i) = (%c0) to (%c512) step (%c1) {
    %sum = scf.for %j = %c0 to %c1024 step %c1 iter_args(%acc = %k) -> f32 {
      %x = memref.load %a[%i, %j] : memref<512x1024xf32>
      %y = arith.addf %acc, %x : f32
      scf.yield %y : f32
    }
    %g = memref.load %t[%c1] : memref<4xf32>
    scf.for %j = %c0 to %c1024 step %c1 {
      %x = memref.load %a[%i, %j] : memref<512x1024xf32>
      %y = arith.divf %x, %sum : f32
      %z = arith.mulf %y, %g : f32
      memref.store %z, %out[%i, %j] : memref<512x1024xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Too little work for two parts of min-work: left alone (min-work=1
// outlines it).
// CHECK-LABEL: func.func @small
// CHECK-NOT: quantc_parallel_for
// CHECK: scf.parallel
// ALL-LABEL: func.func @small
// ALL: call @quantc_parallel_for
func.func @small(%a: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %z, %a[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// -----

// A call or an allocation: left alone.
// CHECK-LABEL: func.func @call
// CHECK-NOT: quantc_parallel_for
// CHECK: scf.parallel
// CHECK-LABEL: func.func @alloc
// CHECK-NOT: quantc_parallel_for
// CHECK: scf.parallel
// ALL-LABEL: func.func @call
// ALL-NOT: quantc_parallel_for
// ALL: scf.parallel
// ALL-LABEL: func.func @alloc
// ALL-NOT: quantc_parallel_for
// ALL: scf.parallel
func.func private @kernel(index)
func.func @call() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%c4096) step (%c1) {
    func.call @kernel(%i) : (index) -> ()
    scf.reduce
  }
  return
}
func.func @alloc(%a: memref<4096xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%c4096) step (%c1) {
    %b = memref.alloc() : memref<64xf32>
    %x = memref.load %b[%c0] : memref<64xf32>
    memref.store %x, %a[%i] : memref<4096xf32>
    memref.dealloc %b : memref<64xf32>
    scf.reduce
  }
  return
}
// -----

// Bounds known only at run time: the trip count is computed before the
// loop, and so is the fewest iterations a part takes, from the work of an
// iteration (2 operations): ceil(131072 / (2 * n / n)). A loop too small
// for two parts runs whole on the calling thread (quantc_parallel_for).
// The bound travels in the record.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[A:.*]]: memref<?xf32>, %[[N:.*]]: index)
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, i64)>
// CHECK: %[[SPAN:.*]] = arith.subi %[[N]], %{{.*}} : index
// CHECK: %[[POS:.*]] = arith.maxsi %[[SPAN]]
// CHECK: %[[TRIPS:.*]] = arith.ceildivui %[[POS]]
// CHECK: %[[WORK:.*]] = arith.muli %{{.*}}, %[[TRIPS]]
// CHECK: %[[COUNT1:.*]] = arith.maxui %[[TRIPS]]
// CHECK: %[[PER:.*]] = arith.divui %[[WORK]], %[[COUNT1]]
// CHECK: %[[PER1:.*]] = arith.maxui %[[PER]]
// CHECK: %[[MINWORK:.*]] = arith.constant 131072 : index
// CHECK: %[[MINI:.*]] = arith.ceildivui %[[MINWORK]], %[[PER1]]
// CHECK: %[[COUNT:.*]] = arith.index_cast %[[TRIPS]] : index to i64
// CHECK: %[[MIN:.*]] = arith.index_cast %[[MINI]] : index to i64
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[PN:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK: llvm.store %[[NI]], %[[PN]] : i64
// CHECK: call @quantc_parallel_for(%[[COUNT]], %[[MIN]], %{{.*}}, %[[CTX]])
// CHECK: func.func private @dynamic_parallel(%{{.*}}: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK: %[[B:.*]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK: %[[LO:.*]] = arith.addi
// CHECK: %[[E:.*]] = arith.index_cast %[[END]] : i64 to index
// CHECK: %[[HI:.*]] = arith.addi
// CHECK: scf.parallel (%{{.*}}) = (%[[LO]]) to (%[[HI]])
// ALL-LABEL: func.func @dynamic
// ALL: %[[MINWORK:.*]] = arith.constant 1 : index
// ALL: arith.ceildivui %[[MINWORK]]
// ALL: call @quantc_parallel_for
func.func @dynamic(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %z, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}


// -----

// A 1 x ? x 3072 loop: the first loop of more than one iteration is the
// rows' if there are several, else the columns'. The choice is made before
// the loop and travels in the record; the outlined function narrows the
// chosen loop to [begin, end) and runs the other whole.
// CHECK-LABEL: func.func @rows_or_columns
// CHECK-SAME: (%{{.*}}: memref<1x?x3072xf32>, %[[N:.*]]: index)
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<3 x i64>, array<3 x i64>)>, i64, i64)>
// CHECK: %[[TRIPS:.*]] = arith.ceildivui
// CHECK-DAG: %[[C3072:.*]] = arith.constant 3072 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[MORE:.*]] = arith.cmpi ugt, %[[TRIPS]]
// CHECK: %[[COUNT:.*]] = arith.select %[[MORE]], %[[TRIPS]], %[[C3072]] : index
// CHECK: %[[SPLIT:.*]] = arith.select %[[MORE]], %{{.*}}, %[[C2]] : index
// CHECK: %[[COUNT64:.*]] = arith.index_cast %[[COUNT]] : index to i64
// CHECK: %[[SPLIT64:.*]] = arith.index_cast %[[SPLIT]] : index to i64
// CHECK: %[[PS:.*]] = llvm.getelementptr %[[CTX]][0, 2]
// CHECK: llvm.store %[[SPLIT64]], %[[PS]] : i64
// CHECK: call @quantc_parallel_for(%[[COUNT64]],
// CHECK: func.func private @rows_or_columns_parallel
// CHECK: %[[ROWS:.*]] = llvm.load {{.*}} -> i64
// CHECK: %[[ROWSI:.*]] = arith.index_cast %[[ROWS]] : i64 to index
// CHECK: %[[CHOSEN:.*]] = llvm.load {{.*}} -> i64
// CHECK: %[[CHOSENI:.*]] = arith.index_cast %[[CHOSEN]] : i64 to index
// CHECK: %[[ISROWS:.*]] = arith.cmpi eq, %[[CHOSENI]], %{{.*}} : index
// CHECK: %[[RLO:.*]] = arith.select %[[ISROWS]], %{{.*}}, %{{.*}} : index
// CHECK: %[[RHI:.*]] = arith.select %[[ISROWS]], %{{.*}}, %[[ROWSI]] : index
// CHECK: %[[ISCOLS:.*]] = arith.cmpi eq, %[[CHOSENI]], %{{.*}} : index
// CHECK: %[[CLO:.*]] = arith.select %[[ISCOLS]], %{{.*}}, %{{.*}} : index
// CHECK: %[[CHI:.*]] = arith.select %[[ISCOLS]], %{{.*}}, %{{.*}} : index
// CHECK: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) = (%{{.*}}, %[[RLO]], %[[CLO]]) to (%{{.*}}, %[[RHI]], %[[CHI]])
func.func @rows_or_columns(%a: memref<1x?x3072xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3072 = arith.constant 3072 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%b, %i, %j) = (%c0, %c0, %c0) to (%c1, %n, %c3072) step (%c1, %c1, %c1) {
    memref.store %z, %a[%b, %i, %j] : memref<1x?x3072xf32>
    scf.reduce
  }
  return
}

// -----

// Twelve rows (constant) of a loop whose length is known at run time only:
// the row loop is split, and an iteration's work counts the nested loop's
// body (4 operations with its yield) once per iteration of it: a part
// takes at least ceil(131072 / (2 + 4 n)) rows.
// CHECK-LABEL: func.func @heads
// CHECK-SAME: (%{{.*}}: memref<12x?xf32>, %[[N:.*]]: index)
// CHECK: %[[INNER:.*]] = arith.ceildivui
// CHECK: %[[BODY:.*]] = arith.muli %{{.*}}, %[[INNER]] : index
// CHECK: %[[TOTAL:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: %[[PRODUCT:.*]] = arith.muli %[[TOTAL]], %{{.*}} : index
// CHECK: arith.divui %{{.*}}, %{{.*}} : index
// CHECK: call @quantc_parallel_for
// CHECK: func.func private @heads_parallel
// CHECK: scf.parallel
// CHECK: scf.for
func.func @heads(%a: memref<12x?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c12 = arith.constant 12 : index
  %two = arith.constant 2.0 : f32
  scf.parallel (%h) = (%c0) to (%c12) step (%c1) {
    scf.for %t = %c0 to %n step %c1 {
      %x = memref.load %a[%h, %t] : memref<12x?xf32>
      %y = arith.mulf %x, %two : f32
      memref.store %y, %a[%h, %t] : memref<12x?xf32>
    }
    scf.reduce
  }
  return
}

// -----

// With threaded-callees, only a function that calls one of them changes.
// CALLEES-LABEL: func.func @epilogue
// CALLEES-NOT: quantc_parallel_for
// CALLEES: return
// CALLEES-LABEL: func.func @beside_kernel
// CALLEES: call @conv
// CALLEES: call @quantc_parallel_for
// CHECK-LABEL: func.func @beside_kernel
// CHECK: call @quantc_parallel_for
// ALL-LABEL: func.func @beside_kernel
// ALL: call @quantc_parallel_for
func.func private @conv(memref<1x64x1024xi32>)
func.func @beside_kernel(%a: memref<1x64x1024xi32>, %out: memref<1x64x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  func.call @conv(%a) : (memref<1x64x1024xi32>) -> ()
  scf.parallel (%n, %c, %w) = (%c0, %c0, %c0) to (%c1, %c64, %c1024) step (%c1, %c1, %c1) {
    %x = memref.load %a[%n, %c, %w] : memref<1x64x1024xi32>
    %f = arith.sitofp %x : i32 to f32
    %e = math.exp %f : f32
    memref.store %e, %out[%n, %c, %w] : memref<1x64x1024xf32>
    scf.reduce
  }
  return
}

// -----

// Two blocks of the same shape that differ only in a learned scale and a
// bias table: the scale and the table travel in the records, and both loops
// run one outlined function. The clamp's bound stays a constant in it.
// CHECK-LABEL: func.func @blocks
// CHECK-DAG: %[[S1:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[S2:.*]] = arith.constant 7.500000e-01 : f32
// CHECK-DAG: %[[B1:.*]] = memref.get_global @bias1
// CHECK-DAG: %[[B2:.*]] = memref.get_global @bias2
// CHECK: llvm.store %[[S1]]
// CHECK: constant @blocks_parallel :
// CHECK: call @quantc_parallel_for({{.*}}
// CHECK: llvm.store %[[S2]]
// CHECK: constant @blocks_parallel :
// CHECK: call @quantc_parallel_for({{.*}}
// CHECK: func.func private @blocks_parallel(
// CHECK: arith.constant 6.000000e+00 : f32
// CHECK-NOT: func.func private @blocks_parallel_
memref.global "private" constant @bias1 : memref<64xf32> = dense<1.0>
memref.global "private" constant @bias2 : memref<64xf32> = dense<2.0>
func.func @blocks(%a: memref<64x1024xf32>, %b: memref<64x1024xf32>,
                  %c: memref<64x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  %s1 = arith.constant 0.25 : f32
  %s2 = arith.constant 0.75 : f32
  %six = arith.constant 6.0 : f32
  %bias1 = memref.get_global @bias1 : memref<64xf32>
  %bias2 = memref.get_global @bias2 : memref<64xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c1024) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<64x1024xf32>
    %t = memref.load %bias1[%i] : memref<64xf32>
    %y = arith.mulf %x, %s1 : f32
    %z = arith.addf %y, %t : f32
    %w = arith.minimumf %z, %six : f32
    memref.store %w, %b[%i, %j] : memref<64x1024xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c1024) step (%c1, %c1) {
    %x = memref.load %b[%i, %j] : memref<64x1024xf32>
    %t = memref.load %bias2[%i] : memref<64xf32>
    %y = arith.mulf %x, %s2 : f32
    %z = arith.addf %y, %t : f32
    %w = arith.minimumf %z, %six : f32
    memref.store %w, %c[%i, %j] : memref<64x1024xf32>
    scf.reduce
  }
  return
}
