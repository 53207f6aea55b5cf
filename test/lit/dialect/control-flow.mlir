// ts.if, ts.loop, ts.yield and ts.condition print as they parse (and survive the generic form).
// RUN: ts-opt %s | filecheck %s --match-full-lines
// RUN: ts-opt %s | ts-opt | filecheck %s --match-full-lines
// RUN: ts-opt %s --print-op-generic | ts-opt | filecheck %s --match-full-lines

// Branches may yield refinements of the result types (a static tensor for !ts.tensor,
// none or T for !ts.optional<T>).
// CHECK-LABEL: func.func @if_with_results(%c: !ts.bool, %a: !ts.tensor, %b: !ts.tensor<[2], f32>, %n: !ts.int, %none: !ts.none) -> (!ts.tensor, !ts.int, !ts.optional<!ts.int>) {
// CHECK-NEXT:    %r = ts.if %c -> (!ts.tensor) {
// CHECK-NEXT:      ts.yield %a : !ts.tensor
// CHECK-NEXT:    } else {
// CHECK-NEXT:      ts.yield %b : !ts.tensor<[2], f32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %x, %y = ts.if %c -> (!ts.int, !ts.optional<!ts.int>) {
// CHECK-NEXT:      ts.yield %n, %none : !ts.int, !ts.none
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %m = ts.scalar.add %n, %n : (!ts.int, !ts.int) -> !ts.int
// CHECK-NEXT:      ts.yield %m, %m : !ts.int, !ts.int
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r, %x, %y : !ts.tensor, !ts.int, !ts.optional<!ts.int>
func.func @if_with_results(%c: !ts.bool, %a: !ts.tensor, %b: !ts.tensor<[2], f32>, %n: !ts.int, %none: !ts.none)
    -> (!ts.tensor, !ts.int, !ts.optional<!ts.int>) {
  %r = ts.if %c -> (!ts.tensor) {
    ts.yield %a : !ts.tensor
  } else {
    ts.yield %b : !ts.tensor<[2], f32>
  }
  %x, %y = ts.if %c -> (!ts.int, !ts.optional<!ts.int>) {
    ts.yield %n, %none : !ts.int, !ts.none
  } else {
    %m = ts.scalar.add %n, %n : (!ts.int, !ts.int) -> !ts.int
    ts.yield %m, %m : !ts.int, !ts.int
  }
  func.return %r, %x, %y : !ts.tensor, !ts.int, !ts.optional<!ts.int>
}

// Without results the arrow is left out; discardable attributes follow `attributes`.
// CHECK-LABEL: func.func @if_without_results(%c: !ts.bool, %s: !ts.str) {
// CHECK-NEXT:    ts.if %c {
// CHECK-NEXT:      ts.print %s : !ts.str
// CHECK-NEXT:      ts.yield
// CHECK-NEXT:    } else {
// CHECK-NEXT:      ts.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    ts.if %c attributes {note = "x"} {
// CHECK-NEXT:      ts.yield
// CHECK-NEXT:    } else {
// CHECK-NEXT:      ts.raise %s, "builtins.RuntimeError"
// CHECK-NEXT:      ts.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    %v = ts.if %c -> (!ts.str) attributes {unit} {
// CHECK-NEXT:      ts.yield %s : !ts.str
// CHECK-NEXT:    } else {
// CHECK-NEXT:      ts.yield %s : !ts.str
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
func.func @if_without_results(%c: !ts.bool, %s: !ts.str) {
  ts.if %c {
    ts.print %s : !ts.str
    ts.yield
  } else {
    ts.yield
  }
  ts.if %c attributes {note = "x"} {
    ts.yield
  } else {
    ts.raise %s, "builtins.RuntimeError"
    ts.yield
  }
  %v = ts.if %c -> (!ts.str) attributes {unit} {
    ts.yield %s : !ts.str
  } else {
    ts.yield %s : !ts.str
  }
  func.return
}

// CHECK-LABEL: func.func @nested_ifs(%c1: !ts.bool, %c2: !ts.bool, %a: !ts.tensor<[3], f32>, %b: !ts.tensor<[4], f32>) -> !ts.tensor {
// CHECK-NEXT:    %outer = ts.if %c1 -> (!ts.tensor) {
// CHECK-NEXT:      %inner = ts.if %c2 -> (!ts.tensor<[?], f32>) {
// CHECK-NEXT:        ts.yield %a : !ts.tensor<[3], f32>
// CHECK-NEXT:      } else {
// CHECK-NEXT:        %deep = ts.if %c1 -> (!ts.tensor<[?], f32>) {
// CHECK-NEXT:          ts.yield %a : !ts.tensor<[3], f32>
// CHECK-NEXT:        } else {
// CHECK-NEXT:          ts.yield %b : !ts.tensor<[4], f32>
// CHECK-NEXT:        }
// CHECK-NEXT:        ts.yield %deep : !ts.tensor<[?], f32>
// CHECK-NEXT:      }
// CHECK-NEXT:      ts.yield %inner : !ts.tensor<[?], f32>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      ts.if %c2 {
// CHECK-NEXT:        ts.yield
// CHECK-NEXT:      } else {
// CHECK-NEXT:        ts.yield
// CHECK-NEXT:      }
// CHECK-NEXT:      ts.yield %b : !ts.tensor<[4], f32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %outer : !ts.tensor
func.func @nested_ifs(%c1: !ts.bool, %c2: !ts.bool, %a: !ts.tensor<[3], f32>, %b: !ts.tensor<[4], f32>) -> !ts.tensor {
  %outer = ts.if %c1 -> (!ts.tensor) {
    %inner = ts.if %c2 -> (!ts.tensor<[?], f32>) {
      ts.yield %a : !ts.tensor<[3], f32>
    } else {
      %deep = ts.if %c1 -> (!ts.tensor<[?], f32>) {
        ts.yield %a : !ts.tensor<[3], f32>
      } else {
        ts.yield %b : !ts.tensor<[4], f32>
      }
      ts.yield %deep : !ts.tensor<[?], f32>
    }
    ts.yield %inner : !ts.tensor<[?], f32>
  } else {
    ts.if %c2 {
      ts.yield
    } else {
      ts.yield
    }
    ts.yield %b : !ts.tensor<[4], f32>
  }
  func.return %outer : !ts.tensor
}

// A loop with no carried values: the block takes only the iteration number.
// CHECK-LABEL: func.func @loop_without_carried(%n: !ts.int, %t: !ts.bool) {
// CHECK-NEXT:    ts.loop %n, %t iter(%i) {
// CHECK-NEXT:      ts.print %i : !ts.int
// CHECK-NEXT:      ts.condition %t
// CHECK-NEXT:    }
// CHECK-NEXT:    ts.loop %n, %t iter(%j) attributes {unroll} {
// CHECK-NEXT:      %more = ts.scalar.lt %j, %n : (!ts.int, !ts.int) -> !ts.bool
// CHECK-NEXT:      ts.condition %more
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
func.func @loop_without_carried(%n: !ts.int, %t: !ts.bool) {
  ts.loop %n, %t iter(%i) {
    ts.print %i : !ts.int
    ts.condition %t
  }
  ts.loop %n, %t iter(%j) attributes {unroll} {
    %more = ts.scalar.lt %j, %n : (!ts.int, !ts.int) -> !ts.bool
    ts.condition %more
  }
  func.return
}

// A `for i in range(n)` loop (constant-true condition) and a `while` loop (INT64_MAX trips)
// carrying several values; ts.condition may yield a refinement of a carried type.
// CHECK-LABEL: func.func @loop_with_carried(%n: !ts.int, %x0: !ts.tensor) -> !ts.tensor {
// CHECK-NEXT:    %true = ts.constant true
// CHECK-NEXT:    %sum, %flag = ts.loop %n, %true iter(%i, %acc = %n, %f = %true) : (!ts.int, !ts.bool) {
// CHECK-NEXT:      %acc1 = ts.scalar.add %acc, %i : (!ts.int, !ts.int) -> !ts.int
// CHECK-NEXT:      %f1 = ts.scalar.not %f : (!ts.bool) -> !ts.bool
// CHECK-NEXT:      ts.condition %true, %acc1, %f1 : !ts.int, !ts.bool
// CHECK-NEXT:    }
// CHECK-NEXT:    %max = ts.constant 9223372036854775807
// CHECK-NEXT:    %out = ts.loop %max, %flag iter(%k, %x = %x0) : (!ts.tensor) {
// CHECK-NEXT:      %y = ts.relu %x : (!ts.tensor) -> !ts.tensor<[2], f32>
// CHECK-NEXT:      %again = ts.scalar.lt %k, %sum : (!ts.int, !ts.int) -> !ts.bool
// CHECK-NEXT:      ts.condition %again, %y : !ts.tensor<[2], f32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %out : !ts.tensor
func.func @loop_with_carried(%n: !ts.int, %x0: !ts.tensor) -> !ts.tensor {
  %true = ts.constant true
  %sum, %flag = ts.loop %n, %true iter(%i, %acc = %n, %f = %true) : (!ts.int, !ts.bool) {
    %acc1 = ts.scalar.add %acc, %i : (!ts.int, !ts.int) -> !ts.int
    %f1 = ts.scalar.not %f : (!ts.bool) -> !ts.bool
    ts.condition %true, %acc1, %f1 : !ts.int, !ts.bool
  }
  %max = ts.constant 9223372036854775807
  %out = ts.loop %max, %flag iter(%k, %x = %x0) : (!ts.tensor) {
    %y = ts.relu %x : (!ts.tensor) -> !ts.tensor<[2], f32>
    %again = ts.scalar.lt %k, %sum : (!ts.int, !ts.int) -> !ts.bool
    ts.condition %again, %y : !ts.tensor<[2], f32>
  }
  func.return %out : !ts.tensor
}

// Discardable attributes of a loop with carried values follow the carried types.
// CHECK-LABEL: func.func @loop_attributes(%n: !ts.int, %c: !ts.bool) -> !ts.int {
// CHECK-NEXT:    %r = ts.loop %n, %c iter(%i, %x = %n) : (!ts.int) attributes {note = "carried"} {
// CHECK-NEXT:      ts.condition %c, %x : !ts.int
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r : !ts.int
func.func @loop_attributes(%n: !ts.int, %c: !ts.bool) -> !ts.int {
  %r = ts.loop %n, %c iter(%i, %x = %n) : (!ts.int) attributes {note = "carried"} {
    ts.condition %c, %x : !ts.int
  }
  func.return %r : !ts.int
}

// Loops and ifs nest inside each other.
// CHECK-LABEL: func.func @nesting(%n: !ts.int, %c: !ts.bool, %s: !ts.list<!ts.int>) -> !ts.list<!ts.int> {
// CHECK-NEXT:    %r = ts.loop %n, %c iter(%i, %acc = %s) : (!ts.list<!ts.int>) {
// CHECK-NEXT:      %odd = ts.scalar.mod %i, %n : (!ts.int, !ts.int) -> !ts.int
// CHECK-NEXT:      %zero = ts.constant 0
// CHECK-NEXT:      %is_zero = ts.scalar.eq %odd, %zero : (!ts.int, !ts.int) -> !ts.bool
// CHECK-NEXT:      ts.if %is_zero {
// CHECK-NEXT:        ts.list.append %acc, %i : (!ts.list<!ts.int>, !ts.int) -> ()
// CHECK-NEXT:        ts.yield
// CHECK-NEXT:      } else {
// CHECK-NEXT:        %inner_out = ts.loop %i, %c iter(%j, %inner = %i) : (!ts.int) {
// CHECK-NEXT:          ts.condition %c, %j : !ts.int
// CHECK-NEXT:        }
// CHECK-NEXT:        ts.yield
// CHECK-NEXT:      }
// CHECK-NEXT:      ts.condition %c, %acc : !ts.list<!ts.int>
// CHECK-NEXT:    }
// CHECK-NEXT:    %v = ts.if %c -> (!ts.list<!ts.int>) {
// CHECK-NEXT:      %w = ts.loop %n, %c iter(%k, %l = %r) : (!ts.list<!ts.int>) {
// CHECK-NEXT:        ts.condition %c, %l : !ts.list<!ts.int>
// CHECK-NEXT:      }
// CHECK-NEXT:      ts.yield %w : !ts.list<!ts.int>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      ts.yield %r : !ts.list<!ts.int>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %v : !ts.list<!ts.int>
func.func @nesting(%n: !ts.int, %c: !ts.bool, %s: !ts.list<!ts.int>) -> !ts.list<!ts.int> {
  %r = ts.loop %n, %c iter(%i, %acc = %s) : (!ts.list<!ts.int>) {
    %odd = ts.scalar.mod %i, %n : (!ts.int, !ts.int) -> !ts.int
    %zero = ts.constant 0
    %is_zero = ts.scalar.eq %odd, %zero : (!ts.int, !ts.int) -> !ts.bool
    ts.if %is_zero {
      ts.list.append %acc, %i : (!ts.list<!ts.int>, !ts.int) -> ()
      ts.yield
    } else {
      %inner_out = ts.loop %i, %c iter(%j, %inner = %i) : (!ts.int) {
        ts.condition %c, %j : !ts.int
      }
      ts.yield
    }
    ts.condition %c, %acc : !ts.list<!ts.int>
  }
  %v = ts.if %c -> (!ts.list<!ts.int>) {
    %w = ts.loop %n, %c iter(%k, %l = %r) : (!ts.list<!ts.int>) {
      ts.condition %c, %l : !ts.list<!ts.int>
    }
    ts.yield %w : !ts.list<!ts.int>
  } else {
    ts.yield %r : !ts.list<!ts.int>
  }
  func.return %v : !ts.list<!ts.int>
}
