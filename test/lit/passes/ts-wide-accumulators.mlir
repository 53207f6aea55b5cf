// ts-wide-accumulators: a float sum accumulated through memory by an innermost loop becomes an f64
// loop-carried value (widened before, narrowed and stored once after), marked for the C renderer.
// A loop that also reads the accumulator elsewhere is left alone.
// RUN: ts-opt %s -p ts-wide-accumulators | filecheck %s

// CHECK-LABEL: func.func @sum
// CHECK:         %[[INIT:.*]] = memref.load %out[] : memref<f32>
// CHECK-NEXT:    %[[WIDE:.*]] = arith.extf %[[INIT]] : f32 to f64
// CHECK-NEXT:    %[[SUM:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[WIDE]]) -> (f64) {
// CHECK-NEXT:      %[[X:.*]] = memref.load %x[%[[I]]] : memref<1000xf32>
// CHECK-NEXT:      %[[XW:.*]] = arith.extf %[[X]] : f32 to f64
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addf %[[ACC]], %[[XW]] : f64
// CHECK-NEXT:      scf.yield %[[NEXT]] : f64
// CHECK-NEXT:    } {tsjit.sum_reduction}
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
