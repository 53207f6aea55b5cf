// ts-peephole: identity arithmetic only where dtype and shape cannot change, no-op view, double
// transpose, list and tuple idioms on unmutated constructs.
// RUN: ts-opt %s -p ts-peephole | filecheck %s

// CHECK-LABEL: func.func @f
// CHECK:         %r0 = ts.unchecked_cast %x : !ts.tensor<[2,3], f32> to !ts.tensor
// Not rewritten: int tensor + 0.0 promotes to float; bool + 0 gives int64; int / 1 is float;
// an unknown dtype could be bool; a [1,3] zero tensor operand could broadcast.
// CHECK-NEXT:    %r1 = ts.add %i, %zf, %one
// CHECK-NEXT:    %r2 = ts.add %b, %zero, %one
// CHECK-NEXT:    %r3 = ts.div %i, %one
// CHECK-NEXT:    %r4 = ts.mul %u, %one
// CHECK-NEXT:    %r5 = ts.unchecked_cast %x
// CHECK-NEXT:    %r6 = ts.unchecked_cast %x
// CHECK-NEXT:    %l = ts.list.construct %a, %one
// CHECK-NEXT:    %n = ts.constant 2
// CHECK-NEXT:    %zt = ts.constant
// CHECK-NEXT:    %r7 = ts.add %x, %zt, %one
// CHECK-NEXT:    func.return %r0, %r1, %r2, %r3, %r4, %r5, %r6, %n, %a, %r7
func.func @f(%x: !ts.tensor<[2,3], f32>, %i: !ts.tensor<[2,3], i64>, %b: !ts.tensor<[2,3], i1>, %u: !ts.tensor, %a: !ts.int) -> (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.int, !ts.int, !ts.tensor) {
  %zero = ts.constant 0
  %zf = ts.constant 0.0
  %one = ts.constant 1
  %r0 = ts.add %x, %zero, %one : (!ts.tensor<[2,3], f32>, !ts.int, !ts.int) -> !ts.tensor
  %r1 = ts.add %i, %zf, %one : (!ts.tensor<[2,3], i64>, !ts.float, !ts.int) -> !ts.tensor
  %r2 = ts.add %b, %zero, %one : (!ts.tensor<[2,3], i1>, !ts.int, !ts.int) -> !ts.tensor
  %r3 = ts.div %i, %one : (!ts.tensor<[2,3], i64>, !ts.int) -> !ts.tensor
  %r4 = ts.mul %u, %one : (!ts.tensor, !ts.int) -> !ts.tensor
  %t1 = ts.t %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor
  %r5 = ts.t %t1 : (!ts.tensor) -> !ts.tensor
  %sh = ts.constant [2, 3] : !ts.list<!ts.int>
  %r6 = ts.view %x, %sh : (!ts.tensor<[2,3], f32>, !ts.list<!ts.int>) -> !ts.tensor
  %l = ts.list.construct %a, %one : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  %n = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  %g = ts.list.get %l, %zero : (!ts.list<!ts.int>, !ts.int) -> !ts.int
  %zt = ts.constant dense<0.0> : tensor<1x3xf32>
  %r7 = ts.add %x, %zt, %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[1,3], f32>, !ts.int) -> !ts.tensor
  func.return %r0, %r1, %r2, %r3, %r4, %r5, %r6, %n, %g, %r7 : !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.int, !ts.int, !ts.tensor
}

// Inside the function, forwarded values keep their precise type (no cast needed); a mutated
// list is not looked through; tuples are.
// CHECK-LABEL: func.func @g
// CHECK-NEXT:    %zero = ts.constant 0
// CHECK-NEXT:    %one = ts.constant 1
// CHECK-NEXT:    %s = ts.sigmoid %x
// CHECK-NEXT:    %l = ts.list.construct %a, %one
// CHECK-NEXT:    ts.list.append %l, %a
// CHECK-NEXT:    %n = ts.len %l
// CHECK-NEXT:    %j = ts.transpose %x, %zero, %one
// CHECK-NEXT:    func.return %s, %n, %a, %j
func.func @g(%x: !ts.tensor<[2,2], f64>, %a: !ts.int) -> (!ts.tensor, !ts.int, !ts.int, !ts.tensor) {
  %zero = ts.constant 0
  %one = ts.constant 1
  %m = ts.mul %x, %one : (!ts.tensor<[2,2], f64>, !ts.int) -> !ts.tensor
  %d = ts.div %m, %one : (!ts.tensor, !ts.int) -> !ts.tensor
  %s = ts.sigmoid %x : (!ts.tensor<[2,2], f64>) -> !ts.tensor
  %l = ts.list.construct %a, %one : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  ts.list.append %l, %a : (!ts.list<!ts.int>, !ts.int) -> ()
  %n = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  %tp = ts.tuple.construct %s, %a : (!ts.tensor, !ts.int) -> !ts.tuple<!ts.tensor, !ts.int>
  %t1 = ts.tuple.index %tp, %one : (!ts.tuple<!ts.tensor, !ts.int>, !ts.int) -> !ts.int
  %j = ts.transpose %x, %zero, %one : (!ts.tensor<[2,2], f64>, !ts.int, !ts.int) -> !ts.tensor
  %k = ts.transpose %j, %one, %zero : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
  %s2 = ts.tuple.index %tp, %zero : (!ts.tuple<!ts.tensor, !ts.int>, !ts.int) -> !ts.tensor
  func.return %s2, %n, %t1, %j : !ts.tensor, !ts.int, !ts.int, !ts.tensor
}
