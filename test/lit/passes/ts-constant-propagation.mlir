// ts-constant-propagation: ops on constants are evaluated (fold hooks, the backend's read-only
// list/len ops, constant lists, constant ts.if, loops that never run); mutated values are not.
// RUN: ts-opt %s -p ts-constant-propagation --split-input-file | filecheck %s

// CHECK-LABEL: func.func @scalars_and_lists
// CHECK-NEXT:    %m = ts.constant [3, 4] : !ts.list<!ts.int>
// CHECK-NEXT:    %k = ts.constant 14
// CHECK-NEXT:    %g = ts.constant 4
// CHECK-NEXT:    func.return %k, %g, %m
func.func @scalars_and_lists() -> (!ts.int, !ts.int, !ts.list<!ts.int>) {
  %a = ts.constant 3
  %b = ts.constant 4
  %one = ts.constant 1
  %s = ts.scalar.mul %a, %b : (!ts.int, !ts.int) -> !ts.int
  %l = ts.list.construct %a, %b : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  %n = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  %m = ts.list.construct %a, %b : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  %k = ts.scalar.add %s, %n : (!ts.int, !ts.int) -> !ts.int
  %g = ts.list.get %m, %one : (!ts.list<!ts.int>, !ts.int) -> !ts.int
  func.return %k, %g, %m : !ts.int, !ts.int, !ts.list<!ts.int>
}

// -----

// A list that is appended to stays a list.construct and is not read as a constant.
// CHECK-LABEL: func.func @mutated_list
// CHECK:         %l = ts.list.construct %a, %a
// CHECK-NEXT:    ts.list.append %l, %a
// CHECK-NEXT:    %n = ts.len %l
func.func @mutated_list() -> !ts.int {
  %a = ts.constant 3
  %l = ts.list.construct %a, %a : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  ts.list.append %l, %a : (!ts.list<!ts.int>, !ts.int) -> ()
  %n = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  func.return %n : !ts.int
}

// -----

// Tensor ops on constants run their kernel; a constant written in place is not folded.
// CHECK-LABEL: func.func @tensors
// CHECK-NEXT:    %c = ts.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %one = ts.constant 1
// CHECK-NEXT:    %r = ts.relu %c
// CHECK-NEXT:    %w = ts.add_ %c, %c, %one
// CHECK-NEXT:    %u = ts.constant dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32> as !ts.tensor
// CHECK-NEXT:    %v = ts.add %u, %r, %one
func.func @tensors() -> !ts.tensor {
  %c = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %one = ts.constant 1
  %r = ts.relu %c : (!ts.tensor<[2], f32>) -> !ts.tensor
  %w = ts.add_ %c, %c, %one : (!ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.int) -> !ts.tensor<[2], f32>
  %t = ts.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %u = ts.relu %t : (!ts.tensor<[2], f32>) -> !ts.tensor
  %v = ts.add %u, %r, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %v : !ts.tensor
}

// -----

// Control flow on constants: the taken branch is inlined, a loop that never runs disappears,
// a loop with a dynamic trip count stays.
// CHECK-LABEL: func.func @control
// CHECK-NEXT:    %t = ts.constant true
// CHECK-NEXT:    %n1 = ts.neg %x
// CHECK-NEXT:    %r = ts.loop %n, %t iter(%i, %acc = %n1)
// CHECK:         func.return %r
func.func @control(%x: !ts.tensor, %n: !ts.int) -> !ts.tensor {
  %t = ts.constant true
  %z = ts.constant 0
  %y = ts.if %t -> (!ts.tensor) {
    %n1 = ts.neg %x : (!ts.tensor) -> !ts.tensor
    ts.yield %n1 : !ts.tensor
  } else {
    ts.yield %x : !ts.tensor
  }
  %never = ts.loop %z, %t iter(%i, %acc = %y) : (!ts.tensor) {
    %q = ts.neg %acc : (!ts.tensor) -> !ts.tensor
    ts.condition %t, %q : !ts.tensor
  }
  %r = ts.loop %n, %t iter(%i, %acc = %never) : (!ts.tensor) {
    %q = ts.neg %acc : (!ts.tensor) -> !ts.tensor
    ts.condition %t, %q : !ts.tensor
  }
  func.return %r : !ts.tensor
}

// -----

// An op whose evaluation raises is left for run time.
// CHECK-LABEL: func.func @errors_stay
// CHECK:         %g = ts.list.get %l, %five
func.func @errors_stay() -> !ts.int {
  %a = ts.constant 3
  %five = ts.constant 5
  %l = ts.constant [1, 2] : !ts.list<!ts.int>
  %g = ts.list.get %l, %five : (!ts.list<!ts.int>, !ts.int) -> !ts.int
  func.return %g : !ts.int
}

// -----

// An Optional that an inlined constant `if` proves None is cast to a list only on a path that
// cannot run: the cast becomes ts.uninitialized (a cast of None to a list would not verify).
// CHECK-LABEL: func.func @none_cast_cannot_run
// CHECK-NOT:     ts.unchecked_cast
// CHECK:         ts.uninitialized : !ts.list<!ts.float>
func.func @none_cast_cannot_run(%c: !ts.bool) -> !ts.int {
  %t = ts.constant true
  %none = ts.constant none
  %zero = ts.constant 0
  %s = ts.if %t -> (!ts.optional<!ts.list<!ts.float>>) {
    ts.yield %none : !ts.none
  } else {
    %l = ts.constant [1.5] : !ts.list<!ts.float>
    ts.yield %l : !ts.list<!ts.float>
  }
  %n = ts.if %c -> (!ts.int) {
    %l = ts.unchecked_cast %s : !ts.optional<!ts.list<!ts.float>> to !ts.list<!ts.float>
    %k = ts.len %l : (!ts.list<!ts.float>) -> !ts.int
    ts.yield %k : !ts.int
  } else {
    ts.yield %zero : !ts.int
  }
  func.return %n : !ts.int
}
