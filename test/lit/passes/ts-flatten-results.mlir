// ts-flatten-results: a returned tuple/list/dict of tensors becomes several results, its shape
// recorded in `ts.results` for Compiled to rebuild.
// RUN: ts-opt %s -p ts-flatten-results | filecheck %s

// CHECK-LABEL: func.func @pair(%x: !ts.tensor<[2], f32>) -> (!ts.tensor<[2], f32>, !ts.tensor<[2], f32>)
// CHECK-SAME:    attributes {ts.results = "[\22tuple\22, [0, [\22list\22, [1]]]]"}
// CHECK-NOT:     ts.tuple.construct
// CHECK:         func.return %a, %b : !ts.tensor<[2], f32>, !ts.tensor<[2], f32>
func.func @pair(%x: !ts.tensor<[2], f32>) -> !ts.tuple<!ts.tensor, !ts.list<!ts.tensor>> {
  %a = ts.relu %x : (!ts.tensor<[2], f32>) -> !ts.tensor<[2], f32>
  %b = ts.sigmoid %x : (!ts.tensor<[2], f32>) -> !ts.tensor<[2], f32>
  %l = ts.list.construct %b : (!ts.tensor<[2], f32>) -> !ts.list<!ts.tensor>
  %t = ts.tuple.construct %a, %l : (!ts.tensor<[2], f32>, !ts.list<!ts.tensor>) -> !ts.tuple<!ts.tensor, !ts.list<!ts.tensor>>
  func.return %t : !ts.tuple<!ts.tensor, !ts.list<!ts.tensor>>
}

// A constant returned is recorded, not returned: `return None` leaves no result at all, and the
// None of `return y, None` is a constant leaf.
// CHECK-LABEL: func.func @returns_none(%x: !ts.tensor<[2], f32>)
// CHECK-SAME:    attributes {ts.results = "[\22const\22, null]"}
// CHECK-NOT:     ts.constant none
// CHECK:         func.return{{$}}
func.func @returns_none(%x: !ts.tensor<[2], f32>) -> !ts.none {
  %a = ts.relu %x : (!ts.tensor<[2], f32>) -> !ts.tensor<[2], f32>
  %n = ts.constant none
  func.return %n : !ts.none
}

// CHECK-LABEL: func.func @with_none(%x: !ts.tensor<[2], f32>) -> !ts.tensor<[2], f32>
// CHECK-SAME:    attributes {ts.results = "[\22tuple\22, [0, [\22const\22, null], [\22const\22, 3]]]"}
// CHECK:         func.return %a : !ts.tensor<[2], f32>
func.func @with_none(%x: !ts.tensor<[2], f32>) -> !ts.tuple<!ts.tensor, !ts.none, !ts.int> {
  %a = ts.relu %x : (!ts.tensor<[2], f32>) -> !ts.tensor<[2], f32>
  %n = ts.constant none
  %three = ts.constant 3
  %t = ts.tuple.construct %a, %n, %three : (!ts.tensor<[2], f32>, !ts.none, !ts.int) -> !ts.tuple<!ts.tensor, !ts.none, !ts.int>
  func.return %t : !ts.tuple<!ts.tensor, !ts.none, !ts.int>
}
