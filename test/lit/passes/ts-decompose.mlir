// ts-decompose rewrites ops with a decomposition into the ops they are made of, typed by their rules;
// an op whose decomposition needs what it lacks (a constant, a static shape) stays.
// RUN: ts-opt %s -p ts-decompose --split-input-file | filecheck %s
// RUN: ts-opt %s -p 'ts-decompose{ops=rms_norm}' --split-input-file | filecheck %s
// RUN: not ts-opt %s -p 'ts-decompose{ops=relu}' --split-input-file 2>&1 | filecheck %s --check-prefix=NONE
// NONE: ts-decompose: no decomposition for relu

// CHECK-LABEL: func.func @rms
// CHECK-NOT:     ts.rms_norm
// CHECK:         %[[SQ:.*]] = ts.mul %x, %x : {{.*}} -> !ts.tensor<[2,4], f32>
// CHECK:         %[[MS:.*]] = ts.mean %[[SQ]], {{.*}} -> !ts.tensor<[2,1], f32>
// CHECK:         %[[SUM:.*]] = ts.add %[[MS]], {{.*}} -> !ts.tensor<[2,1], f32>
// CHECK:         %[[R:.*]] = ts.rsqrt %[[SUM]] {{.*}} -> !ts.tensor<[2,1], f32>
// CHECK:         %[[Y:.*]] = ts.mul %x, %[[R]] {{.*}} -> !ts.tensor<[2,4], f32>
// CHECK:         %[[Z:.*]] = ts.mul %[[Y]], %w {{.*}} -> !ts.tensor<[2,4], f32>
// CHECK:         func.return %[[Z]]
func.func @rms(%x: !ts.tensor<[2,4], f32>, %w: !ts.tensor<[4], f32>) -> !ts.tensor<[2,4], f32> {
  %shape = ts.constant [4] : !ts.list<!ts.int>
  %eps = ts.constant none
  %y = ts.rms_norm %x, %shape, %w, %eps : (!ts.tensor<[2,4], f32>, !ts.list<!ts.int>, !ts.tensor<[4], f32>, !ts.none) -> !ts.tensor<[2,4], f32>
  func.return %y : !ts.tensor<[2,4], f32>
}

// -----

// Without a known dtype the decomposition cannot choose eps: the op stays.
// CHECK-LABEL: func.func @unknown
// CHECK:         ts.rms_norm
func.func @unknown(%x: !ts.tensor) -> !ts.tensor {
  %shape = ts.constant [4] : !ts.list<!ts.int>
  %none = ts.constant none
  %y = ts.rms_norm %x, %shape, %none, %none : (!ts.tensor, !ts.list<!ts.int>, !ts.none, !ts.none) -> !ts.tensor
  func.return %y : !ts.tensor
}

// -----

// A tensor list that is not built in the function (an argument) cannot be taken apart: the op stays.
// CHECK-LABEL: func.func @list_argument
// CHECK:         ts.block_diag %xs
func.func @list_argument(%xs: !ts.list<!ts.tensor>) -> !ts.tensor {
  %y = ts.block_diag %xs : (!ts.list<!ts.tensor>) -> !ts.tensor
  func.return %y : !ts.tensor
}
