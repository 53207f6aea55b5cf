// ts-to-linalg, Cholesky and triangular solves (tsjit/lowering/triangular.py): an scf.for over the
// pivot column (the solved row) carries the f64 batch of matrices; each step is one all-parallel
// generic reading the step's column with tensor.extract. Cholesky tracks the first failing pivot
// per matrix and reports PyTorch's error with the batch element and the minor's order
// (@tsjit_fail_with, the message's {0} and {1}); cholesky_solve decomposes into two solves.
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' | filecheck %s
// RUN: ts-opt %s -p ts-decompose | filecheck %s --check-prefix=DEC

// CHECK:       func.func private @tsjit_fail_with(i64, i64, i64)
// CHECK-NOT:   func.func private @tsjit_fail_with
// CHECK-LABEL: func.func @cholesky(%a: tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
// CHECK:         arith.extf
// CHECK:         %{{.*}}, %[[FAILED:[0-9a-z_]+]] = scf.for %[[K:[0-9a-z_]+]] = {{.*}} iter_args(%[[M:[0-9a-z_]+]] = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<2x3x3xf64>, tensor<2xi64>)
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK:             %[[PIV:.*]] = tensor.extract %[[M]][%{{.*}}, %[[K]], %[[K]]] : tensor<2x3x3xf64>
// CHECK:             math.sqrt %[[PIV]] : f64
// CHECK:             arith.mulf
// CHECK:             arith.divf %{{.*}}, %[[PIV]] : f64
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel"]{{.*}} ins(%{{.*}} : tensor<2xi64>)
// CHECK:             arith.cmpf ule
// CHECK:             arith.addi %[[K]]
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction"]{{.*}} ins(%[[FAILED]] : tensor<2xi64>)
// CHECK:           arith.minsi
// CHECK:         %[[FIRST:.*]] = tensor.extract %{{.*}}[] : tensor<i64>
// CHECK:         %[[ORDER:.*]] = tensor.extract %[[FAILED]][%{{.*}}] : tensor<2xi64>
// CHECK:         %[[BAD:.*]] = arith.cmpi slt, %[[FIRST]]
// CHECK:         scf.if %[[BAD]] {
// CHECK:           func.call @tsjit_fail_with(%{{.*}}, %[[FIRST]], %[[ORDER]]) {arguments = 2 : i64, message = "linalg.cholesky: (Batch element {0}): The factorization could not be completed because the input is not positive-definite (the leading minor of order {1} is not positive-definite)."}
// CHECK:         linalg.generic
// CHECK:           arith.cmpi sge
// CHECK:           arith.truncf
func.func @cholesky(%a: !ts.tensor<[2,3,3], f32>) -> !ts.tensor<[2,3,3], f32> {
  %upper = ts.constant false
  %l = ts.linalg_cholesky %a, %upper : (!ts.tensor<[2,3,3], f32>, !ts.bool) -> !ts.tensor<[2,3,3], f32>
  func.return %l : !ts.tensor<[2,3,3], f32>
}

// One matrix: no batch element in the message, the order is its only value. upper=True factors
// A^T (A's upper triangle) and returns L^T.
// CHECK-LABEL: func.func @upper(%a: tensor<4x4xf64>) -> tensor<4x4xf64>
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK:         scf.for
// CHECK:         func.call @tsjit_fail_with(%{{.*}}, %[[O:.*]], %{{.*}}) {arguments = 1 : i64, message = "linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order {0} is not positive-definite)."}
// CHECK:         linalg.generic
// CHECK:           %[[I:.*]] = linalg.index 1 : index
// CHECK:           %[[J:.*]] = linalg.index 2 : index
// CHECK:           arith.cmpi sge, %[[J]], %[[I]] : index
// CHECK:           tensor.extract %{{.*}}[%{{.*}}, %[[J]], %[[I]]]
func.func @upper(%a: !ts.tensor<[4,4], f64>) -> !ts.tensor<[4,4], f64> {
  %upper = ts.constant true
  %u = ts.linalg_cholesky %a, %upper : (!ts.tensor<[4,4], f64>, !ts.bool) -> !ts.tensor<[4,4], f64>
  func.return %u : !ts.tensor<[4,4], f64>
}

// An upper triangle is solved backwards (row 2 - s), subtracting from the rows above; A is
// broadcast over B's batch.
// CHECK-LABEL: func.func @solve
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]{{.*}} ins(%a : tensor<3x3xf64>)
// CHECK:         scf.for %[[S:[0-9a-z_]+]] = {{.*}} iter_args(%[[X:[0-9a-z_]+]] = %{{.*}}) -> (tensor<2x3x4xf64>)
// CHECK:           %[[R:.*]] = arith.subi %{{.*}}, %[[S]] : index
// CHECK:           %[[XR:.*]] = tensor.extract %[[X]][%{{.*}}, %[[R]], %{{.*}}]
// CHECK:           %[[D:.*]] = tensor.extract %{{.*}}[%{{.*}}, %[[R]], %[[R]]]
// CHECK:           arith.divf %[[XR]], %[[D]] : f64
// CHECK:           arith.cmpi slt, %{{.*}}, %[[R]] : index
// CHECK-NOT:     tsjit_fail
// CHECK:         func.return
func.func @solve(%a: !ts.tensor<[3,3], f64>, %b: !ts.tensor<[2,3,4], f64>) -> !ts.tensor<[2,3,4], f64> {
  %upper = ts.constant true
  %left = ts.constant true
  %unit = ts.constant false
  %x = ts.linalg_solve_triangular %a, %b, %upper, %left, %unit : (!ts.tensor<[3,3], f64>, !ts.tensor<[2,3,4], f64>, !ts.bool, !ts.bool, !ts.bool) -> !ts.tensor<[2,3,4], f64>
  func.return %x : !ts.tensor<[2,3,4], f64>
}

// X A = B is A^T X^T = B^T: both are read transposed, A^T's lower triangle solved forwards with a
// unit diagonal (no division), and the result written transposed.
// CHECK-LABEL: func.func @right
// CHECK:         affine_map<(d0, d1) -> (d1, d0)>{{.*}} ins(%a : tensor<3x3xf32>)
// CHECK:         affine_map<(d0, d1) -> (d1, d0)>{{.*}} ins(%b : tensor<2x3xf32>)
// CHECK:         scf.for %[[S:[0-9a-z_]+]] = {{.*}} -> (tensor<1x3x2xf64>)
// CHECK-NOT:       arith.divf
// CHECK:           arith.cmpi sgt, %{{.*}}, %[[S]] : index
// CHECK:         affine_map<(d0, d1, d2) -> (d0, d2, d1)>
// CHECK:           arith.truncf
func.func @right(%a: !ts.tensor<[3,3], f32>, %b: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %upper = ts.constant true
  %left = ts.constant false
  %unit = ts.constant true
  %x = ts.linalg_solve_triangular %a, %b, %upper, %left, %unit : (!ts.tensor<[3,3], f32>, !ts.tensor<[2,3], f32>, !ts.bool, !ts.bool, !ts.bool) -> !ts.tensor<[2,3], f32>
  func.return %x : !ts.tensor<[2,3], f32>
}

// cholesky_solve: L Y = B (lower), then L^T X = Y (upper); cholesky_inverse solves for the identity.
// DEC-LABEL: func.func @cholesky_solve
// DEC:         %[[Y:.*]] = ts.linalg_solve_triangular %l, %b
// DEC:         %[[LT:.*]] = ts.transpose %l
// DEC:         ts.linalg_solve_triangular %[[LT]], %[[Y]]
// DEC-NOT:     ts.cholesky_solve
func.func @cholesky_solve(%b: !ts.tensor<[3,2], f32>, %l: !ts.tensor<[3,3], f32>) -> !ts.tensor<[3,2], f32> {
  %upper = ts.constant false
  %x = ts.cholesky_solve %b, %l, %upper : (!ts.tensor<[3,2], f32>, !ts.tensor<[3,3], f32>, !ts.bool) -> !ts.tensor<[3,2], f32>
  func.return %x : !ts.tensor<[3,2], f32>
}

// DEC-LABEL: func.func @cholesky_inverse
// DEC:         %[[I:.*]] = ts.eye
// DEC:         ts.linalg_solve_triangular %{{.*}}, %[[I]]
// DEC:         ts.linalg_solve_triangular
// DEC-NOT:     ts.cholesky_inverse
func.func @cholesky_inverse(%u: !ts.tensor<[2,3,3], f64>) -> !ts.tensor<[2,3,3], f64> {
  %upper = ts.constant true
  %x = ts.cholesky_inverse %u, %upper : (!ts.tensor<[2,3,3], f64>, !ts.bool) -> !ts.tensor<[2,3,3], f64>
  func.return %x : !ts.tensor<[2,3,3], f64>
}
