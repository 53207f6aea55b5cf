// ts-cleanup: TorchScript's runOptimization sequence on an inlined module method: the constant
// loop is unrolled, get_attr chains are shared, x*1 on a float tensor disappears, constants
// are pooled at the entry, the dead list is gone, and the loop over a dynamic count stays.
// RUN: ts-opt %s -p ts-cleanup | filecheck %s
// RUN: ts-opt %s -p 'ts-cleanup{fixpoint=true}' | filecheck %s

// CHECK-LABEL: func.func @forward
// CHECK-NEXT:    %t = ts.constant true
// CHECK-NEXT:    %zero = ts.constant 0
// CHECK-NEXT:    %[[ONE:.*]] = ts.constant 1
// CHECK-NEXT:    %sub = ts.get_attr %self["sub"]
// CHECK-NEXT:    %w = ts.get_attr %sub["w"]
// CHECK-NEXT:    %y = ts.add %x, %w, %zero
// CHECK-NEXT:    %y_1 = ts.add %y, %w, %[[ONE]]
// CHECK-NEXT:    %n = ts.size_dim %y_1, %zero
// CHECK-NEXT:    %r = ts.loop %n, %t iter(%j, %a = %y_1)
// CHECK-NEXT:      %q = ts.neg %a
// CHECK-NEXT:      ts.condition %t, %q
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r
ts.class_type module @Sub {
  ts.attr "w" : !ts.tensor parameter
}
ts.class_type module @M {
  ts.attr "sub" : !ts.class<"Sub">
  ts.method "forward" = @forward
}
func.func @forward(%self: !ts.class<"M">, %x: !ts.tensor<[?], f32>) -> !ts.tensor<[?], f32> {
  %two = ts.constant 2
  %t = ts.constant true
  %one = ts.constant 1
  %dead = ts.list.construct %one, %two : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  ts.list.append %dead, %one : (!ts.list<!ts.int>, !ts.int) -> ()
  %m = ts.mul %x, %one : (!ts.tensor<[?], f32>, !ts.int) -> !ts.tensor<[?], f32>
  %u = ts.loop %two, %t iter(%i, %acc = %m) : (!ts.tensor<[?], f32>) {
    %sub = ts.get_attr %self["sub"] : !ts.class<"M"> -> !ts.class<"Sub">
    %w = ts.get_attr %sub["w"] : !ts.class<"Sub"> -> !ts.tensor
    %y = ts.add %acc, %w, %i : (!ts.tensor<[?], f32>, !ts.tensor, !ts.int) -> !ts.tensor<[?], f32>
    %t2 = ts.constant true
    ts.condition %t2, %y : !ts.tensor<[?], f32>
  }
  %zero = ts.constant 0
  %n = ts.size_dim %u, %zero : (!ts.tensor<[?], f32>, !ts.int) -> !ts.int
  %r = ts.loop %n, %t iter(%j, %a = %u) : (!ts.tensor<[?], f32>) {
    %q = ts.neg %a : (!ts.tensor<[?], f32>) -> !ts.tensor<[?], f32>
    ts.condition %t, %q : !ts.tensor<[?], f32>
  }
  func.return %r : !ts.tensor<[?], f32>
}
