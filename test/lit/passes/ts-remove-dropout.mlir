// ts-remove-dropout: a dropout whose `train` is a constant false is its input; others stay.
// RUN: ts-opt %s -p ts-remove-dropout --split-input-file | filecheck %s

// CHECK-LABEL: func.func @inactive
// CHECK-NEXT:    %r = ts.relu %x
// CHECK-NEXT:    func.return %r
func.func @inactive(%x: !ts.tensor) -> !ts.tensor {
  %p = ts.constant 0.5
  %f = ts.constant false
  %d = ts.dropout %x, %p, %f : (!ts.tensor, !ts.float, !ts.bool) -> !ts.tensor
  %r = ts.relu %d : (!ts.tensor) -> !ts.tensor
  func.return %r : !ts.tensor
}

// -----

// Training dropouts and a `train` flag only known at run time are kept.
// CHECK-LABEL: func.func @kept
// CHECK:         %d = ts.dropout %x, %p, %t
// CHECK:         %e = ts.dropout %d, %p, %train
// CHECK:         func.return %e
func.func @kept(%x: !ts.tensor, %train: !ts.bool) -> !ts.tensor {
  %p = ts.constant 0.5
  %t = ts.constant true
  %d = ts.dropout %x, %p, %t : (!ts.tensor, !ts.float, !ts.bool) -> !ts.tensor
  %e = ts.dropout %d, %p, %train : (!ts.tensor, !ts.float, !ts.bool) -> !ts.tensor
  func.return %e : !ts.tensor
}

// -----

// Inside nested regions too; a result typed differently from the input is reached by a cast.
// CHECK-LABEL: func.func @nested
// CHECK:         ts.if %c
// CHECK-NEXT:      %y = ts.unchecked_cast %x : !ts.tensor<[2], f32> to !ts.tensor
// CHECK-NEXT:      ts.yield %y
// CHECK-NOT:     ts.dropout
func.func @nested(%x: !ts.tensor<[2], f32>, %c: !ts.bool) -> !ts.tensor {
  %r = ts.if %c -> (!ts.tensor) {
    %p = ts.constant 0.5
    %f = ts.constant false
    %y = ts.dropout %x, %p, %f : (!ts.tensor<[2], f32>, !ts.float, !ts.bool) -> !ts.tensor
    ts.yield %y : !ts.tensor
  } else {
    %z = ts.relu %x : (!ts.tensor<[2], f32>) -> !ts.tensor
    ts.yield %z : !ts.tensor
  }
  func.return %r : !ts.tensor
}
