// ts-count-loops: a while-loop whose condition only compile-time scalars decide becomes a for-loop
// (constant trip count, constant `true` conditions); one whose condition reads a tensor stays.
// RUN: ts-opt %s -p ts-count-loops | filecheck %s

// `i = 0; while i < 4: y = y + 1; i += 2` makes two iterations.
// CHECK-LABEL: func.func @counted(%x: !ts.tensor) -> !ts.tensor {
// CHECK:         %start = ts.scalar.lt
// CHECK-NEXT:    %[[N:.*]] = ts.constant 2
// CHECK-NEXT:    %[[T:.*]] = ts.constant true
// CHECK-NEXT:    %{{.*}}, %{{.*}} = ts.loop %[[N]], %[[T]] iter
// CHECK:           %[[GO:.*]] = ts.constant true
// CHECK-NEXT:      ts.condition %[[GO]], %{{.*}}, %{{.*}} : !ts.tensor, !ts.int
func.func @counted(%x: !ts.tensor) -> !ts.tensor {
  %max = ts.constant 9223372036854775807
  %zero = ts.constant 0
  %one = ts.constant 1
  %two = ts.constant 2
  %four = ts.constant 4
  %start = ts.scalar.lt %zero, %four : (!ts.int, !ts.int) -> !ts.bool
  %y, %i = ts.loop %max, %start iter(%k, %yy = %x, %ii = %zero) : (!ts.tensor, !ts.int) {
    %a = ts.add %yy, %one, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
    %next = ts.scalar.add %ii, %two : (!ts.int, !ts.int) -> !ts.int
    %go = ts.scalar.lt %next, %four : (!ts.int, !ts.int) -> !ts.bool
    ts.condition %go, %a, %next : !ts.tensor, !ts.int
  }
  func.return %y : !ts.tensor
}

// A `break` at i == 3 of range(10): the flag the `if` yields stops the loop after four iterations.
// CHECK-LABEL: func.func @first_break(%x: !ts.tensor) -> !ts.tensor {
// CHECK:         %max = ts.constant 9223372036854775807
// CHECK-NEXT:    %[[N:.*]] = ts.constant 4
// CHECK-NEXT:    %[[T:.*]] = ts.constant true
// CHECK-NEXT:    %{{.*}}, %{{.*}} = ts.loop %[[N]], %[[T]] iter
func.func @first_break(%x: !ts.tensor) -> !ts.tensor {
  %true = ts.constant true
  %false = ts.constant false
  %zero = ts.constant 0
  %one = ts.constant 1
  %three = ts.constant 3
  %ten = ts.constant 10
  %max = ts.constant 9223372036854775807
  %y, %i = ts.loop %max, %true iter(%k, %yy = %x, %ii = %zero) : (!ts.tensor, !ts.int) {
    %hit = ts.scalar.eq %ii, %three : (!ts.int, !ts.int) -> !ts.bool
    %more, %a = ts.if %hit -> (!ts.bool, !ts.tensor) {
      ts.yield %false, %yy : !ts.bool, !ts.tensor
    } else {
      %b = ts.add %yy, %one, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
      ts.yield %true, %b : !ts.bool, !ts.tensor
    }
    %next = ts.scalar.add %ii, %one : (!ts.int, !ts.int) -> !ts.int
    %below = ts.scalar.lt %next, %ten : (!ts.int, !ts.int) -> !ts.bool
    %go = ts.scalar.and %below, %more : (!ts.bool, !ts.bool) -> !ts.bool
    ts.condition %go, %a, %next : !ts.tensor, !ts.int
  }
  func.return %y : !ts.tensor
}

// `while bool(x.sum() > 0)`: the condition reads a tensor; the loop is left as it is.
// CHECK-LABEL: func.func @on_values(%x: !ts.tensor) -> !ts.tensor {
// CHECK:         ts.loop %max, %start iter
func.func @on_values(%x: !ts.tensor) -> !ts.tensor {
  %max = ts.constant 9223372036854775807
  %start = ts.constant true
  %half = ts.constant 5.000000e-01
  %zero = ts.constant 0
  %y = ts.loop %max, %start iter(%k, %yy = %x) : (!ts.tensor) {
    %h = ts.mul %yy, %half : (!ts.tensor, !ts.float) -> !ts.tensor
    %pos = ts.gt %h, %zero : (!ts.tensor, !ts.int) -> !ts.tensor
    %go = ts.to_bool %pos : (!ts.tensor) -> !ts.bool
    ts.condition %go, %h : !ts.tensor
  }
  func.return %y : !ts.tensor
}
