// ts-unroll-loops: for-loops with a constant trip count below 64 are unrolled (inner loops too);
// 64 trips, a dynamic trip count and a while-loop with a computed condition are kept.
// RUN: ts-opt %s -p ts-unroll-loops | filecheck %s
// RUN: ts-opt %s -p 'ts-unroll-loops{max-trip-count=2}' | filecheck %s --check-prefix=SMALL

// A value carried unchanged comes out as the initial value.
// CHECK-LABEL: func.func @three
// CHECK-NEXT:    %n = ts.constant 3
// CHECK-NEXT:    %t = ts.constant true
// CHECK-NEXT:    %one = ts.constant 1
// CHECK-NEXT:    %i = ts.constant 0
// CHECK-NEXT:    %y = ts.add %x, %i, %one
// CHECK-NEXT:    %i_1 = ts.constant 1
// CHECK-NEXT:    %y_1 = ts.add %y, %i_1, %one
// CHECK-NEXT:    %i_2 = ts.constant 2
// CHECK-NEXT:    %y_2 = ts.add %y_1, %i_2, %one
// CHECK-NEXT:    func.return %y_2, %c
// SMALL-LABEL: func.func @three
// SMALL:         ts.loop
func.func @three(%x: !ts.tensor, %c: !ts.int) -> (!ts.tensor, !ts.int) {
  %n = ts.constant 3
  %t = ts.constant true
  %one = ts.constant 1
  %r, %k = ts.loop %n, %t iter(%i, %acc = %x, %same = %c) : (!ts.tensor, !ts.int) {
    %y = ts.add %acc, %i, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
    ts.condition %t, %y, %same : !ts.tensor, !ts.int
  }
  func.return %r, %k : !ts.tensor, !ts.int
}

// Nested: 2 x 2 copies of the inner body.
// CHECK-LABEL: func.func @nested
// CHECK-NOT:     ts.loop
// CHECK-COUNT-4: ts.neg
// CHECK-NOT:     ts.neg
// CHECK:         func.return
func.func @nested(%x: !ts.tensor) -> !ts.tensor {
  %n = ts.constant 2
  %t = ts.constant true
  %r = ts.loop %n, %t iter(%i, %a = %x) : (!ts.tensor) {
    %s = ts.loop %n, %t iter(%j, %b = %a) : (!ts.tensor) {
      %y = ts.neg %b : (!ts.tensor) -> !ts.tensor
      ts.condition %t, %y : !ts.tensor
    }
    ts.condition %t, %s : !ts.tensor
  }
  func.return %r : !ts.tensor
}

// Kept: 64 trips; a trip count from x.size(0); a computed condition (a `break`).
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-3: ts.loop
func.func @kept(%x: !ts.tensor, %n: !ts.int) -> !ts.tensor {
  %big = ts.constant 64
  %three = ts.constant 3
  %t = ts.constant true
  %zero = ts.constant 0
  %r = ts.loop %big, %t iter(%i, %a = %x) : (!ts.tensor) {
    %y = ts.neg %a : (!ts.tensor) -> !ts.tensor
    ts.condition %t, %y : !ts.tensor
  }
  %sz = ts.size_dim %r, %zero : (!ts.tensor, !ts.int) -> !ts.int
  %s = ts.loop %sz, %t iter(%i, %a = %r) : (!ts.tensor) {
    %y = ts.neg %a : (!ts.tensor) -> !ts.tensor
    ts.condition %t, %y : !ts.tensor
  }
  %w = ts.loop %three, %t iter(%i, %a = %s) : (!ts.tensor) {
    %go = ts.scalar.lt %i, %n : (!ts.int, !ts.int) -> !ts.bool
    ts.condition %go, %a : !ts.tensor
  }
  func.return %w : !ts.tensor
}
