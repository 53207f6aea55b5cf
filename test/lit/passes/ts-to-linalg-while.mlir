// ts-to-linalg and ts-bufferize on a ts.loop whose condition is computed at run time: scf.while
// carrying the condition (and the iteration number when max_trip bounds it or the body reads it);
// the before region tests scalars, the after region is the lowered body. ts-bufferize gives each
// carried tensor one buffer for the whole loop, written in place when no later read needs the
// old value, else through a copy at the yield. A carried value without a static type stays.
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' --split-input-file | filecheck %s
// RUN: ts-opt %s -p 'ts-to-linalg{report=false},ts-bufferize' --split-input-file | filecheck %s --check-prefix=BUF

// A `while` loop: only the condition is carried with the tensor; the first test is outside.
// CHECK-LABEL: func.func @halves(%x: tensor<4xf32>) -> tensor<4xf32>
// CHECK:         %[[START:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK-NEXT:    %{{.*}}, %[[R:.*]] = scf.while (%[[C:.*]] = %[[START]], %[[Y:.*]] = %x) : (i1, tensor<4xf32>) -> (i1, tensor<4xf32>) {
// CHECK-NEXT:      scf.condition(%[[C]]) %[[C]], %[[Y]] : i1, tensor<4xf32>
// CHECK-NEXT:    } do {
// CHECK-NEXT:    ^{{.*}}(%{{.*}}: i1, %[[A:.*]]: tensor<4xf32>):
// CHECK:           %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<4xf32>)
// CHECK:           %[[AGAIN:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK-NEXT:      scf.yield %[[AGAIN]], %[[NEXT]] : i1, tensor<4xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]] : tensor<4xf32>

// The carried tensor lives in the out-parameter; the body halves it in place.
// BUF-LABEL: func.func @halves(%x: memref<4xf32>, %out0: memref<4xf32> {ts.output})
// BUF:         "memref.copy"(%x, %out0)
// BUF:         scf.while (%[[C:.*]] = %{{.*}}) : (i1) -> i1 {
// BUF-NEXT:      scf.condition(%[[C]]) %[[C]] : i1
// BUF-NEXT:    } do {
// BUF:           linalg.generic {{.*}} ins(%out0 : memref<4xf32>) outs(%out0 : memref<4xf32>)
// BUF-NOT:       memref.copy
// BUF:           scf.yield %{{.*}} : i1
// BUF-NEXT:    }
func.func @halves(%x: !ts.tensor<[4], f32>) -> !ts.tensor<[4], f32> {
  %max = ts.constant 9223372036854775807
  %none = ts.constant none
  %false = ts.constant false
  %one = ts.constant 1.0
  %two = ts.constant 2
  %s0 = ts.sum %x, %none, %false, %none : (!ts.tensor<[4], f32>, !ts.none, !ts.bool, !ts.none) -> !ts.tensor<[], f32>
  %g0 = ts.gt %s0, %one : (!ts.tensor<[], f32>, !ts.float) -> !ts.tensor<[], i1>
  %start = ts.to_bool %g0 : (!ts.tensor<[], i1>) -> !ts.bool
  %r = ts.loop %max, %start iter(%i, %y = %x) : (!ts.tensor<[4], f32>) {
    %next = ts.div %y, %two : (!ts.tensor<[4], f32>, !ts.int) -> !ts.tensor<[4], f32>
    %s = ts.sum %next, %none, %false, %none : (!ts.tensor<[4], f32>, !ts.none, !ts.bool, !ts.none) -> !ts.tensor<[], f32>
    %g = ts.gt %s, %one : (!ts.tensor<[], f32>, !ts.float) -> !ts.tensor<[], i1>
    %again = ts.to_bool %g : (!ts.tensor<[], i1>) -> !ts.bool
    ts.condition %again, %next : !ts.tensor<[4], f32>
  }
  func.return %r : !ts.tensor<[4], f32>
}

// -----

// `for _ in range(10)` with a data-dependent break: the iteration number is tested before each run.
// CHECK-LABEL: func.func @bounded
// CHECK:         %[[N:.*]] = arith.constant 10 : i64
// CHECK:         %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-NEXT:    %{{.*}}, %{{.*}}, %[[R:.*]] = scf.while (%[[I:.*]] = %[[ZERO]], %[[C:.*]] = %{{.*}}, %{{.*}} = %x) : (i64, i1, tensor<2xf32>) -> (i64, i1, tensor<2xf32>) {
// CHECK-NEXT:      %[[BELOW:.*]] = arith.cmpi slt, %[[I]], %[[N]] : i64
// CHECK-NEXT:      %[[GO:.*]] = arith.andi %[[C]], %[[BELOW]] : i1
// CHECK-NEXT:      scf.condition(%[[GO]])
// CHECK:         ^{{.*}}(%[[J:.*]]: i64, %{{.*}}: i1, %{{.*}}: tensor<2xf32>):
// CHECK:           %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-NEXT:      %[[NEXTI:.*]] = arith.addi %[[J]], %[[ONE]] : i64
// CHECK-NEXT:      scf.yield %[[NEXTI]], %{{.*}}, %{{.*}} : i64, i1, tensor<2xf32>
// CHECK:         func.return %[[R]] : tensor<2xf32>

// BUF-LABEL: func.func @bounded
// BUF:         scf.while ({{.*}}) : (i64, i1) -> (i64, i1) {
// BUF:           linalg.generic {{.*}} ins(%out0, %out0 : memref<2xf32>, memref<2xf32>) outs(%out0 : memref<2xf32>)
func.func @bounded(%x: !ts.tensor<[2], f32>) -> !ts.tensor<[2], f32> {
  %n = ts.constant 10
  %true = ts.constant true
  %none = ts.constant none
  %one = ts.constant 1.0
  %r = ts.loop %n, %true iter(%i, %y = %x) : (!ts.tensor<[2], f32>) {
    %next = ts.mul %y, %y : (!ts.tensor<[2], f32>, !ts.tensor<[2], f32>) -> !ts.tensor<[2], f32>
    %m = ts.max %next : (!ts.tensor<[2], f32>) -> !ts.tensor<[], f32>
    %g = ts.lt %m, %one : (!ts.tensor<[], f32>, !ts.float) -> !ts.tensor<[], i1>
    %again = ts.to_bool %g : (!ts.tensor<[], i1>) -> !ts.bool
    ts.condition %again, %next : !ts.tensor<[2], f32>
  }
  func.return %r : !ts.tensor<[2], f32>
}

// -----

// CHECK-LABEL: func.func @reshapes
// CHECK:         ts.loop {{.*}} attributes {ts.not_lowered = "needs a static shape and dtype, not !ts.tensor"}
func.func @reshapes(%x: !ts.tensor<[2], f32>) -> !ts.tensor {
  %max = ts.constant 9223372036854775807
  %true = ts.constant true
  %x0 = ts.relu %x : (!ts.tensor<[2], f32>) -> !ts.tensor
  %r = ts.loop %max, %true iter(%i, %y = %x0) : (!ts.tensor) {
    %next = ts.mul %y, %y : (!ts.tensor, !ts.tensor) -> !ts.tensor
    %again = ts.to_bool %next : (!ts.tensor) -> !ts.bool
    ts.condition %again, %next : !ts.tensor
  }
  func.return %r : !ts.tensor
}

// -----

// The condition reads the old value after the new one is computed: the new value goes to its own
// buffer and is copied into the carried one at the yield.
// BUF-LABEL: func.func @reads_the_old_value(%x: memref<3xf32>, %out0: memref<3xf32> {ts.output})
// BUF:         %[[NEW:.*]] = memref.alloc() : memref<3xf32>
// BUF:         scf.while
// BUF:           linalg.generic {{.*}} ins(%out0 : memref<3xf32>) outs(%[[NEW]] : memref<3xf32>)
// BUF:           linalg.generic {{.*}} ins(%out0 : memref<3xf32>) outs(%{{.*}} : memref<f64>)
// BUF:           "memref.copy"(%[[NEW]], %out0)
// BUF-NEXT:      scf.yield
func.func @reads_the_old_value(%x: !ts.tensor<[3], f32>) -> !ts.tensor<[3], f32> {
  %max = ts.constant 9223372036854775807
  %true = ts.constant true
  %none = ts.constant none
  %false = ts.constant false
  %one = ts.constant 1.0
  %two = ts.constant 2
  %r = ts.loop %max, %true iter(%i, %y = %x) : (!ts.tensor<[3], f32>) {
    %next = ts.div %y, %two : (!ts.tensor<[3], f32>, !ts.int) -> !ts.tensor<[3], f32>
    %s = ts.sum %y, %none, %false, %none : (!ts.tensor<[3], f32>, !ts.none, !ts.bool, !ts.none) -> !ts.tensor<[], f32>
    %g = ts.gt %s, %one : (!ts.tensor<[], f32>, !ts.float) -> !ts.tensor<[], i1>
    %again = ts.to_bool %g : (!ts.tensor<[], i1>) -> !ts.bool
    ts.condition %again, %next : !ts.tensor<[3], f32>
  }
  func.return %r : !ts.tensor<[3], f32>
}
