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
