// ts-coalesce-loops: an innermost loop over a whole dimension merges with its parent when every
// access uses the two induction variables at consecutive dimensions (through a collapse_shape
// view of those dimensions); it repeats outward while that holds.
// RUN: ts-opt %s -p ts-coalesce-loops | filecheck %s

// A per-channel bias over 4x7x7: the 7x7 plane is one loop of 49; the channel loop stays (the bias
// is indexed by the channel alone).
// CHECK-LABEL: func.func @bias
// CHECK:         %[[XF:.*]] = memref.collapse_shape %x {{\[}}[0 : i64], [1 : i64, 2 : i64]] : memref<4x7x7xf32> into memref<4x49xf32>
// CHECK-NEXT:    %[[OF:.*]] = memref.collapse_shape %out {{\[}}[0 : i64], [1 : i64, 2 : i64]] : memref<4x7x7xf32> into memref<4x49xf32>
// CHECK:         scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      scf.for %[[P:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = memref.load %[[XF]][%[[C]], %[[P]]] : memref<4x49xf32>
// CHECK-NEXT:        %[[B:.*]] = memref.load %b[%[[C]]] : memref<4xf32>
// CHECK-NEXT:        %[[S:.*]] = arith.addf %[[V]], %[[B]] : f32
// CHECK-NEXT:        memref.store %[[S]], %[[OF]][%[[C]], %[[P]]] : memref<4x49xf32>
// CHECK-NEXT:      } {tsjit.parallel}
// CHECK-NEXT:    } {tsjit.parallel}
func.func @bias(%x: memref<4x7x7xf32>, %b: memref<4xf32>, %out: memref<4x7x7xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c7 = arith.constant 7 : index
  scf.for %c = %c0 to %c4 step %c1 {
    scf.for %h = %c0 to %c7 step %c1 {
      scf.for %w = %c0 to %c7 step %c1 {
        %v = memref.load %x[%c, %h, %w] : memref<4x7x7xf32>
        %bv = memref.load %b[%c] : memref<4xf32>
        %s = arith.addf %v, %bv : f32
        memref.store %s, %out[%c, %h, %w] : memref<4x7x7xf32>
      } {tsjit.parallel}
    } {tsjit.parallel}
  } {tsjit.parallel}
  func.return
}

// A block of rows [lo, hi) of whole rows (an epilogue restricted to a GEMM's block): one loop over
// [lo * 8, hi * 8); a loop only the inner one of which was parallel is not marked parallel.
// CHECK-LABEL: func.func @row_block
// CHECK:         %[[LO:.*]] = arith.muli %lo, %{{.*}} : index
// CHECK-NEXT:    %[[HI:.*]] = arith.muli %hi, %{{.*}} : index
// CHECK-NEXT:    %[[F:.*]] = memref.collapse_shape %y {{\[}}[0 : i64, 1 : i64]] : memref<5x8xf32> into memref<40xf32>
// CHECK-NEXT:    scf.for %[[I:.*]] = %[[LO]] to %[[HI]] step %{{.*}} {
// CHECK-NEXT:      %[[V:.*]] = memref.load %[[F]][%[[I]]] : memref<40xf32>
// CHECK-NEXT:      %[[R:.*]] = arith.maximumf %[[V]], %{{.*}} : f32
// CHECK-NEXT:      memref.store %[[R]], %[[F]][%[[I]]] : memref<40xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
func.func @row_block(%y: memref<5x8xf32>, %lo: index, %hi: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %lo to %hi step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %y[%i, %j] : memref<5x8xf32>
      %r = arith.maximumf %v, %zero : f32
      memref.store %r, %y[%i, %j] : memref<5x8xf32>
    } {tsjit.parallel}
  }
  func.return
}

// Left alone: the inner loop covers part of its dimension; a row broadcast (j alone); a transposed
// read (j, i); a loop carrying a value.
// CHECK-LABEL: func.func @not_coalesced
// CHECK-NOT:     memref.collapse_shape
// CHECK:         func.return
func.func @not_coalesced(%x: memref<3x8xf32>, %row: memref<8xf32>, %t: memref<8x3xf32>, %out: memref<3x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c6 step %c1 {
      %v = memref.load %x[%i, %j] : memref<3x8xf32>
      memref.store %v, %out[%i, %j] : memref<3x8xf32>
    }
  }
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %row[%j] : memref<8xf32>
      memref.store %v, %out[%i, %j] : memref<3x8xf32>
    }
  }
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %t[%j, %i] : memref<8x3xf32>
      memref.store %v, %out[%i, %j] : memref<3x8xf32>
    }
  }
  scf.for %i = %c0 to %c3 step %c1 {
    %s = scf.for %j = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (f32) {
      %v = memref.load %x[%i, %j] : memref<3x8xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %row[%i] : memref<8xf32>
  }
  func.return
}
