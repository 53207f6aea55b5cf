// ts-to-linalg, random ops: one seed per op from the run-time function @tsjit_rng_next (declared
// once), then a generic drawing each element as a hash of (seed + its row-major index); dropout in
// training keeps the elements whose u >= p, scaled by 1 / (1 - p); outside training it is the input.
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' | filecheck %s

// CHECK:       func.func private @tsjit_rng_next() -> i64
// CHECK-NOT:   func.func private @tsjit_rng_next
// CHECK-LABEL: func.func @dropout(%x: tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[SEED:.*]] = func.call @tsjit_rng_next() : () -> i64
// CHECK:         linalg.generic {{.*}} ins(%x : tensor<2x3xf32>)
// CHECK:           linalg.index 0
// CHECK:           linalg.index 1
// CHECK:           %[[ROW:.*]] = arith.constant 3 : i64
// CHECK:           arith.addi %{{.*}}, %[[SEED]] : i64
// CHECK:           arith.constant 48271 : i64
// CHECK:           arith.remsi
// CHECK:           arith.sitofp
// CHECK:           arith.cmpf oge, %{{.*}}, %{{.*}} : f32
// CHECK:           arith.constant 1.33333337 : f32
// CHECK:         func.return
func.func @dropout(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %p = ts.constant 0.25
  %t = ts.constant true
  %0 = ts.dropout %x, %p, %t : (!ts.tensor<[2,3], f32>, !ts.float, !ts.bool) -> !ts.tensor<[2,3], f32>
  func.return %0 : !ts.tensor<[2,3], f32>
}

// Outside training dropout is the identity; randn draws two seeds (Box-Muller).
// CHECK-LABEL: func.func @eval_and_randn(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<4xf64>)
// CHECK-COUNT-2: func.call @tsjit_rng_next()
// CHECK:         linalg.generic
// CHECK:           math.log
// CHECK:           math.cos
// CHECK:         func.return %x, %{{.*}} : tensor<2x3xf32>, tensor<4xf64>
func.func @eval_and_randn(%x: !ts.tensor<[2,3], f32>) -> (!ts.tensor<[2,3], f32>, !ts.tensor<[4], f64>) {
  %p = ts.constant 0.25
  %f = ts.constant false
  %0 = ts.dropout %x, %p, %f : (!ts.tensor<[2,3], f32>, !ts.float, !ts.bool) -> !ts.tensor<[2,3], f32>
  %s = ts.constant [4] : !ts.list<!ts.int>
  %d = ts.constant 7
  %1 = ts.randn %s, %d : (!ts.list<!ts.int>, !ts.int) -> !ts.tensor<[4], f64>
  func.return %0, %1 : !ts.tensor<[2,3], f32>, !ts.tensor<[4], f64>
}
