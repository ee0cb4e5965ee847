// RUN: quant-opt %s --split-input-file --quantc-early-dealloc | FileCheck %s

// Three buffers freed at the block's end, as ownership-based deallocation
// leaves them: each moves to just after its last use, so %b's memory is
// free before %c is allocated.
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.*]] = memref.alloc() : memref<64xf32>
// CHECK: linalg.fill {{.*}} outs(%[[A]]
// CHECK: %[[B:.*]] = memref.alloc() : memref<64xf32>
// CHECK: linalg.copy ins(%[[A]] {{.*}} outs(%[[B]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK: scf.for
// CHECK: memref.load %[[B]]
// CHECK: memref.store {{.*}}, %[[OUT:.*]][
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK: %[[C:.*]] = memref.alloc() : memref<64xf32>
// CHECK: linalg.copy ins(%[[OUT]] {{.*}} outs(%[[C]]
// CHECK-NEXT: memref.dealloc %[[C]]
// CHECK-NEXT: return
func.func @chain(%out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() : memref<64xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<64xf32>)
  %b = memref.alloc() : memref<64xf32>
  linalg.copy ins(%a : memref<64xf32>) outs(%b : memref<64xf32>)
  scf.for %i = %c0 to %c64 step %c1 {
    %x = memref.load %b[%i] : memref<64xf32>
    memref.store %x, %out[%i] : memref<64xf32>
  }
  %c = memref.alloc() : memref<64xf32>
  linalg.copy ins(%out : memref<64xf32>) outs(%c : memref<64xf32>)
  memref.dealloc %a : memref<64xf32>
  memref.dealloc %b : memref<64xf32>
  memref.dealloc %c : memref<64xf32>
  return
}

// -----

// Views and casts alias the buffer: it is freed after the last use of the
// last of them (the reshape's result, read by the call).
// CHECK-LABEL: func.func @views
// CHECK: %[[A:.*]] = memref.alloc() : memref<4x16xf32>
// CHECK: %[[V:.*]] = memref.subview %[[A]]
// CHECK: %[[R:.*]] = memref.collapse_shape %[[V]]
// CHECK: %[[C:.*]] = memref.cast %[[R]]
// CHECK: memref.store
// CHECK: call @use(%[[C]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: memref.store
// CHECK-NEXT: return
func.func private @use(memref<?xf32, strided<[1], offset: ?>>)
func.func @views(%x: f32, %other: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<4x16xf32>
  %v = memref.subview %a[1, 0] [1, 16] [1, 1] : memref<4x16xf32> to memref<1x16xf32, strided<[16, 1], offset: 16>>
  %r = memref.collapse_shape %v [[0, 1]] : memref<1x16xf32, strided<[16, 1], offset: 16>> into memref<16xf32, strided<[1], offset: 16>>
  %c = memref.cast %r : memref<16xf32, strided<[1], offset: 16>> to memref<?xf32, strided<[1], offset: ?>>
  memref.store %x, %a[%c0, %c0] : memref<4x16xf32>
  func.call @use(%c) : (memref<?xf32, strided<[1], offset: ?>>) -> ()
  memref.store %x, %other[%c0] : memref<1xf32>
  memref.dealloc %a : memref<4x16xf32>
  return
}

// -----

// A value of unknown meaning made from the buffer (an unrealized cast, a
// pointer taken out of it) may alias it: the buffer lives until their last
// use. A loop that yields the buffer makes its result an alias too.
// CHECK-LABEL: func.func @unknown
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[A:.*]] : memref<8xf32> -> index
// CHECK: %[[L:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[A]])
// CHECK: memref.load %[[L]]
// CHECK: arith.index_cast %[[P]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func @unknown(%n: index) -> (f32, i64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<8xf32>
  %p = memref.extract_aligned_pointer_as_index %a : memref<8xf32> -> index
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%m = %a) -> memref<8xf32> {
    scf.yield %m : memref<8xf32>
  }
  %x = memref.load %l[%c0] : memref<8xf32>
  %q = arith.index_cast %p : index to i64
  memref.dealloc %a : memref<8xf32>
  return %x, %q : f32, i64
}

// -----

// A buffer also used outside the dealloc's block stays where it is (here
// freed in a branch, read after it); a dealloc already right after the
// last use stays too.
// CHECK-LABEL: func.func @stays
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %[[A:.*]][
// CHECK-NEXT: memref.store %{{.*}}, %[[OTHER:.*]][
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK: memref.load %[[A]]
// CHECK: memref.load %[[B:.*]][
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: return
func.func @stays(%c: i1, %x: f32, %other: memref<1xf32>) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  scf.if %c {
    memref.store %x, %a[%c0] : memref<4xf32>
    memref.store %x, %other[%c0] : memref<1xf32>
    memref.dealloc %a : memref<4xf32>
  }
  %y = memref.load %a[%c0] : memref<4xf32>
  %z = memref.load %b[%c0] : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  return %y, %z : f32, f32
}
