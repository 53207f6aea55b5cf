// ts-remove-mutation: an in-place op on new memory becomes its pure form (through a view: a scatter
// into the base); one on an argument (the caller sees it) stays.
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

// -----

// A write through a view of new memory reaches the base as a scatter; a read of another
// (disjoint) slice after it reads the base as it was, a read of the base its new value.
// CHECK-LABEL: func.func @view_write
// CHECK:         %c = ts.clone %x
// CHECK-NEXT:    %a = ts.slice %c, %one, %zero, %two, %one
// CHECK-NEXT:    %{{.*}} = ts.sigmoid %a
// CHECK-NEXT:    %[[NEW:.*]] = ts.slice_scatter %c, %{{.*}}, %one, %zero, %two, %one
// CHECK-NEXT:    %[[B:.*]] = ts.slice %c, %one, %two, %four, %one
// CHECK-NEXT:    %{{.*}} = ts.tanh %[[B]]
// CHECK-NOT:     ts.sigmoid_
// CHECK:         func.return %[[NEW]]
func.func @view_write(%x: !ts.tensor<[2,4], f32>) -> (!ts.tensor<[2,4], f32>, !ts.tensor<[2,2], f32>) {
  %zero = ts.constant 0
  %one = ts.constant 1
  %two = ts.constant 2
  %four = ts.constant 4
  %c = ts.clone %x : (!ts.tensor<[2,4], f32>) -> !ts.tensor<[2,4], f32>
  %a = ts.slice %c, %one, %zero, %two, %one : (!ts.tensor<[2,4], f32>, !ts.int, !ts.int, !ts.int, !ts.int) -> !ts.tensor<[2,2], f32>
  %b = ts.slice %c, %one, %two, %four, %one : (!ts.tensor<[2,4], f32>, !ts.int, !ts.int, !ts.int, !ts.int) -> !ts.tensor<[2,2], f32>
  %w = ts.sigmoid_ %a : (!ts.tensor<[2,2], f32>) -> !ts.tensor<[2,2], f32>
  %t = ts.tanh %b : (!ts.tensor<[2,2], f32>) -> !ts.tensor<[2,2], f32>
  func.return %c, %t : !ts.tensor<[2,4], f32>, !ts.tensor<[2,2], f32>
}

// -----

// A view the pass does not follow (expand) taken before the write would see it: left in place.
// CHECK-LABEL: func.func @unfollowed_alias
// CHECK:         ts.add_
func.func @unfollowed_alias(%x: !ts.tensor<[1,3], f32>) -> !ts.tensor<[2,3], f32> {
  %s = ts.constant [2, 3] : !ts.list<!ts.int>
  %f = ts.constant false
  %one = ts.constant 1.0
  %alpha = ts.constant 1
  %c = ts.clone %x : (!ts.tensor<[1,3], f32>) -> !ts.tensor<[1,3], f32>
  %e = ts.expand %c, %s, %f : (!ts.tensor<[1,3], f32>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor<[2,3], f32>
  %w = ts.add_ %c, %one, %alpha : (!ts.tensor<[1,3], f32>, !ts.float, !ts.int) -> !ts.tensor<[1,3], f32>
  func.return %e : !ts.tensor<[2,3], f32>
}

// -----

// torch raises for an int tensor += 1.5 (Float cannot be cast to Long): left in place to raise.
// CHECK-LABEL: func.func @uncastable
// CHECK:         ts.add_
func.func @uncastable(%x: !ts.tensor<[3], i64>) -> !ts.tensor<[3], i64> {
  %h = ts.constant 1.5
  %alpha = ts.constant 1
  %c = ts.clone %x : (!ts.tensor<[3], i64>) -> !ts.tensor<[3], i64>
  %w = ts.add_ %c, %h, %alpha : (!ts.tensor<[3], i64>, !ts.float, !ts.int) -> !ts.tensor<[3], i64>
  func.return %c : !ts.tensor<[3], i64>
}
