// ts-transpose-linear: linear with constant weight (and constant or no bias) -> matmul with W^T + add.
// RUN: ts-opt %s -p ts-transpose-linear | filecheck %s

// CHECK-LABEL: func.func @linears
// CHECK:         %[[WT:.*]] = ts.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NEXT:    %[[MM:.*]] = ts.matmul %x, %[[WT]] : (!ts.tensor, !ts.tensor<[3,2], f32>) -> !ts.tensor
// CHECK-NEXT:    %[[ONE:.*]] = ts.constant 1
// CHECK-NEXT:    %l1 = ts.add %[[MM]], %b, %[[ONE]] : (!ts.tensor, !ts.tensor<[2], f32>, !ts.int) -> !ts.tensor
// CHECK:         %l2 = ts.matmul %x, %[[WT2:.*]] : (!ts.tensor, !ts.tensor<[3,2], f32>) -> !ts.tensor
// CHECK:         %l3 = ts.linear %x, %wx, %b
// CHECK:         %l4 = ts.linear %x, %w, %bx
// CHECK:         func.return %l1, %l2, %l3, %l4
func.func @linears(%x: !ts.tensor, %wx: !ts.tensor, %bx: !ts.tensor) -> (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor) {
  %w = ts.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %none = ts.constant none
  %l1 = ts.linear %x, %w, %b : (!ts.tensor, !ts.tensor<[2,3], f32>, !ts.tensor<[2], f32>) -> !ts.tensor
  %l2 = ts.linear %x, %w, %none : (!ts.tensor, !ts.tensor<[2,3], f32>, !ts.none) -> !ts.tensor
  %l3 = ts.linear %x, %wx, %b : (!ts.tensor, !ts.tensor, !ts.tensor<[2], f32>) -> !ts.tensor
  %l4 = ts.linear %x, %w, %bx : (!ts.tensor, !ts.tensor<[2,3], f32>, !ts.tensor) -> !ts.tensor
  func.return %l1, %l2, %l3, %l4 : !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor
}
