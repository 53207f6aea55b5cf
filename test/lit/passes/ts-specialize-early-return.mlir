// An early `return` inside a loop on tensor values: the value it returns is carried from a
// ts.uninitialized placeholder, which ts-specialize types as what the loop sets (it is joined with
// nothing), and the "has returned" flag after the loop (`if not r: true else: r`) folds to true,
// so the function returns the tensor, not an Optional.
// RUN: ts-opt %s -p 'ts-specialize{shapes=3xf32}' | filecheck %s

// CHECK-LABEL: func.func @returns_early(%x: !ts.tensor<[3], f32>) -> !ts.tensor<[3], f32>
// CHECK:         %[[U:.*]] = ts.uninitialized : !ts.tensor<[3], f32>
// CHECK:         ts.loop {{.*}} iter(%{{.*}}, %{{.*}} = %x, %{{.*}} = %{{.*}}, %{{.*}} = %[[U]]) : (!ts.tensor<[3], f32>, !ts.bool, !ts.tensor<[3], f32>)
// CHECK-NOT:     ts.optional
// CHECK:         func.return %{{.*}} : !ts.tensor<[3], f32>
func.func @returns_early(%x: !ts.tensor) -> !ts.optional<!ts.tensor> {
  %max = ts.constant 9223372036854775807
  %start = ts.constant true
  %false = ts.constant false
  %true = ts.constant true
  %two = ts.constant 2
  %u = ts.uninitialized : !ts.tensor
  %y, %ret, %val = ts.loop %max, %start iter(%i, %a = %x, %r = %false, %v = %u) : (!ts.tensor, !ts.bool, !ts.tensor) {
    %next = ts.div %a, %two : (!ts.tensor, !ts.int) -> !ts.tensor
    %s = ts.max %next : (!ts.tensor) -> !ts.tensor
    %small = ts.to_bool %s : (!ts.tensor) -> !ts.bool
    %r1, %v1 = ts.if %small -> (!ts.bool, !ts.tensor) {
      ts.yield %true, %next : !ts.bool, !ts.tensor
    } else {
      ts.yield %false, %v : !ts.bool, !ts.tensor
    }
    %go = ts.scalar.not %r1 : (!ts.bool) -> !ts.bool
    ts.condition %go, %next, %r1, %v1 : !ts.tensor, !ts.bool, !ts.tensor
  }
  %not = ts.scalar.not %ret : (!ts.bool) -> !ts.bool
  %done, %out = ts.if %not -> (!ts.bool, !ts.tensor) {
    ts.yield %true, %y : !ts.bool, !ts.tensor
  } else {
    ts.yield %ret, %val : !ts.bool, !ts.tensor
  }
  %res = ts.if %done -> (!ts.optional<!ts.tensor>) {
    ts.yield %out : !ts.tensor
  } else {
    %none = ts.constant none as !ts.optional<!ts.tensor>
    ts.yield %none : !ts.optional<!ts.tensor>
  }
  func.return %res : !ts.optional<!ts.tensor>
}
