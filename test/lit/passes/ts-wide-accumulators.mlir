// ts-wide-accumulators: a sum, max or min accumulated through memory by an innermost loop becomes a
// loop-carried value (loaded before, stored once after), marked with its combining op for the C
// renderer; a long float sum is carried in f64 (widened before, narrowed after). A loop that also
// reads the accumulator elsewhere is left alone.
// RUN: ts-opt %s -p ts-wide-accumulators | filecheck %s

// CHECK-LABEL: func.func @sum
// CHECK:         %[[INIT:.*]] = memref.load %out[] : memref<f32>
// CHECK-NEXT:    %[[WIDE:.*]] = arith.extf %[[INIT]] : f32 to f64
// CHECK-NEXT:    %[[SUM:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[WIDE]]) -> (f64) {
// CHECK-NEXT:      %[[X:.*]] = memref.load %x[%[[I]]] : memref<1000xf32>
// CHECK-NEXT:      %[[XW:.*]] = arith.extf %[[X]] : f32 to f64
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addf %[[XW]], %[[ACC]] : f64
// CHECK-NEXT:      scf.yield %[[NEXT]] : f64
// CHECK-NEXT:    } {tsjit.reduction = "arith.addf"}
// CHECK-NEXT:    %[[NARROW:.*]] = arith.truncf %[[SUM]] : f64 to f32
// CHECK-NEXT:    memref.store %[[NARROW]], %out[] : memref<f32>
func.func @sum(%x: memref<1000xf32>, %out: memref<f32>) {
  %zero = arith.constant 0.000000e+00 : f32
  memref.store %zero, %out[] : memref<f32>
  %n = arith.constant 1000 : index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<1000xf32>
    %acc = memref.load %out[] : memref<f32>
    %s = arith.addf %v, %acc : f32
    memref.store %s, %out[] : memref<f32>
  }
  func.return
}

// A row max (softmax's first pass): carried in its own type, NaN-propagating maximumf kept.
// CHECK-LABEL: func.func @row_max
// CHECK:         scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[INIT:.*]] = memref.load %out[%[[R]]] : memref<4xf32>
// CHECK-NEXT:      %[[MAX:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:        %[[X:.*]] = memref.load %x[%[[R]], %[[I]]] : memref<4x8xf32>
// CHECK-NEXT:        %[[NEXT:.*]] = arith.maximumf %[[ACC]], %[[X]] : f32
// CHECK-NEXT:        scf.yield %[[NEXT]] : f32
// CHECK-NEXT:      } {tsjit.reduction = "arith.maximumf"}
// CHECK-NEXT:      memref.store %[[MAX]], %out[%[[R]]] : memref<4xf32>
func.func @row_max(%x: memref<4x8xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.for %r = %c0 to %c4 step %c1 {
    scf.for %i = %c0 to %c8 step %c1 {
      %v = memref.load %x[%r, %i] : memref<4x8xf32>
      %acc = memref.load %out[%r] : memref<4xf32>
      %m = arith.maximumf %acc, %v : f32
      memref.store %m, %out[%r] : memref<4xf32>
    }
  }
  func.return
}

// A short integer sum: carried as i64, not widened.
// CHECK-LABEL: func.func @int_sum
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (i64) {
// CHECK:           arith.addi
// CHECK:         } {tsjit.reduction = "arith.addi"}
func.func @int_sum(%x: memref<8xi64>, %out: memref<i64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xi64>
    %acc = memref.load %out[] : memref<i64>
    %s = arith.addi %acc, %v : i64
    memref.store %s, %out[] : memref<i64>
  }
  func.return
}

// CHECK-LABEL: func.func @reads_its_accumulator
// CHECK:         scf.for
// CHECK-NOT:     iter_args
// CHECK:         memref.store
func.func @reads_its_accumulator(%x: memref<1000xf32>, %out: memref<f32>, %trace: memref<1000xf32>) {
  %n = arith.constant 1000 : index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<1000xf32>
    %acc = memref.load %out[] : memref<f32>
    %s = arith.addf %v, %acc : f32
    memref.store %s, %out[] : memref<f32>
    %again = memref.load %out[] : memref<f32>
    memref.store %again, %trace[%i] : memref<1000xf32>
  }
  func.return
}
