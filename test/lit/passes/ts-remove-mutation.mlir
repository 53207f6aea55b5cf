// ts-remove-mutation: an in-place op on a tensor nothing else sees becomes its pure form; one on
// an argument (the caller sees it) stays.
// RUN: ts-opt %s -p ts-remove-mutation --split-input-file | filecheck %s

// CHECK-LABEL: func.func @private
// CHECK:         %y = ts.relu %c
// CHECK-NOT:     ts.relu_
// CHECK:         func.return %y
func.func @private(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %c = ts.sigmoid %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  %y = ts.relu_ %c : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  func.return %c : !ts.tensor<[2,3], f32>
}

// -----

// CHECK-LABEL: func.func @argument
// CHECK:         ts.relu_ %x
func.func @argument(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %y = ts.relu_ %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  func.return %y : !ts.tensor<[2,3], f32>
}
