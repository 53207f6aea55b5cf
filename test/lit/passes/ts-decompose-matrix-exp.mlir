// ts-decompose writes matrix_exp as its kernel's steps in float64: each matrix scaled by 2^-s (s from
// its 1-norm), 18 Taylor terms, then a ts.loop whose condition is computed (any squarings left: a
// while loop, no trip count), squaring each matrix only while its own s is not used up.
// RUN: ts-opt %s -p ts-decompose | filecheck %s
// CHECK-LABEL: func.func @matrix_exp
// CHECK-NOT:     ts.linalg_matrix_exp
// CHECK:         %[[A:.*]] = ts.to %a, {{.*}} -> !ts.tensor<[2,3,3], f64>
// CHECK:         ts.amax {{.*}} -> !ts.tensor<[2], f64>
// CHECK:         %[[S:.*]] = ts.where {{.*}} -> !ts.tensor<[2], f64>
// CHECK:         ts.exp2
// CHECK-COUNT-18: ts.matmul
// CHECK:         %[[GO:.*]] = ts.to_bool
// CHECK:         %[[TRIP:.*]] = ts.constant 9223372036854775807
// CHECK:         %[[E:.*]], %{{.*}} = ts.loop %[[TRIP]], %[[GO]] iter(%{{.*}}, %[[T:.*]] = %{{.*}}, %{{.*}} = %[[S]])
// CHECK:           %[[SQ:.*]] = ts.matmul %[[T]], %[[T]]
// CHECK:           ts.where %{{.*}}, %[[SQ]], %[[T]]
// CHECK:           %[[AGAIN:.*]] = ts.to_bool
// CHECK:           ts.condition %[[AGAIN]]
// CHECK:         %[[Y:.*]] = ts.to %[[E]], {{.*}} -> !ts.tensor<[2,3,3], f32>
// CHECK:         func.return %[[Y]]
func.func @matrix_exp(%a: !ts.tensor<[2,3,3], f32>) -> !ts.tensor<[2,3,3], f32> {
  %y = ts.linalg_matrix_exp %a : (!ts.tensor<[2,3,3], f32>) -> !ts.tensor<[2,3,3], f32>
  func.return %y : !ts.tensor<[2,3,3], f32>
}
