// ts.if / ts.loop / ts.yield / ts.condition verifiers.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

func.func @if_then_yields_too_many(%c: !ts.bool, %n: !ts.int) {
  // expected-error @+1 {{the then branch yields 2 values but the op has 1 results}}
  %r = ts.if %c -> (!ts.int) {
    ts.yield %n, %n : !ts.int, !ts.int
  } else {
    ts.yield %n : !ts.int
  }
  func.return
}

// -----

func.func @if_else_yields_too_few(%c: !ts.bool, %n: !ts.int) {
  // expected-error @+1 {{the else branch yields 0 values but the op has 1 results}}
  %r = ts.if %c -> (!ts.int) {
    ts.yield %n : !ts.int
  } else {
    ts.yield
  }
  func.return
}

// -----

func.func @if_yields_without_results(%c: !ts.bool, %n: !ts.int) {
  // expected-error @+1 {{the then branch yields 1 values but the op has 0 results}}
  ts.if %c {
    ts.yield %n : !ts.int
  } else {
    ts.yield
  }
  func.return
}

// -----

func.func @if_then_yields_wrong_type(%c: !ts.bool, %n: !ts.int, %s: !ts.str) {
  // expected-error @+1 {{the then branch yields !ts.str for result #0 of type !ts.int}}
  %r = ts.if %c -> (!ts.int) {
    ts.yield %s : !ts.str
  } else {
    ts.yield %n : !ts.int
  }
  func.return
}

// -----

func.func @if_else_yields_wrong_type(%c: !ts.bool, %n: !ts.int, %s: !ts.str) {
  // expected-error @+1 {{the else branch yields !ts.str for result #1 of type !ts.int}}
  %a, %b = ts.if %c -> (!ts.int, !ts.int) {
    ts.yield %n, %n : !ts.int, !ts.int
  } else {
    ts.yield %n, %s : !ts.int, !ts.str
  }
  func.return
}

// -----

// A branch may yield a refinement of the result type, not a generalisation.
func.func @if_yields_less_precise_tensor(%c: !ts.bool, %t: !ts.tensor) {
  // expected-error @+1 {{the then branch yields !ts.tensor for result #0 of type !ts.tensor<[2], f32>}}
  %r = ts.if %c -> (!ts.tensor<[2], f32>) {
    ts.yield %t : !ts.tensor
  } else {
    ts.yield %t : !ts.tensor
  }
  func.return
}

// -----

func.func @if_condition_not_bool(%n: !ts.int) {
  // expected-error @+1 {{operand is used with type !ts.bool, but has been previously used or defined with type !ts.int}}
  %r = ts.if %n -> (!ts.int) {
    ts.yield %n : !ts.int
  } else {
    ts.yield %n : !ts.int
  }
  func.return
}

// -----

func.func @loop_carried_type_mismatch(%n: !ts.int, %c: !ts.bool, %s: !ts.str) {
  // expected-error @+1 {{the loop body yields !ts.str for result #0 of type !ts.int}}
  %r = ts.loop %n, %c iter(%i, %x = %n) : (!ts.int) {
    ts.condition %c, %s : !ts.str
  }
  func.return
}

// -----

func.func @loop_condition_missing_values(%n: !ts.int, %c: !ts.bool) {
  // expected-error @+1 {{the loop body yields 0 values but the op has 1 results}}
  %r = ts.loop %n, %c iter(%i, %x = %n) : (!ts.int) {
    ts.condition %c
  }
  func.return
}

// -----

func.func @loop_block_argument_type(%n: !ts.int, %c: !ts.bool) {
  // expected-error @+1 {{carried value #0 has inconsistent types: initial !ts.int, block argument !ts.str, result !ts.int}}
  "ts.loop"(%n, %c, %n) ({
  ^bb0(%i: !ts.int, %x: !ts.str):
    "ts.condition"(%c, %x) : (!ts.bool, !ts.str) -> ()
  }) : (!ts.int, !ts.bool, !ts.int) -> (!ts.int)
  func.return
}

// -----

func.func @loop_result_type(%n: !ts.int, %c: !ts.bool) {
  // expected-error @+1 {{carried value #0 has inconsistent types: initial !ts.int, block argument !ts.int, result !ts.float}}
  "ts.loop"(%n, %c, %n) ({
  ^bb0(%i: !ts.int, %x: !ts.int):
    "ts.condition"(%c, %x) : (!ts.bool, !ts.int) -> ()
  }) : (!ts.int, !ts.bool, !ts.int) -> (!ts.float)
  func.return
}

// -----

func.func @loop_iteration_not_int(%n: !ts.int, %c: !ts.bool) {
  // expected-error @+1 {{the loop body takes the iteration number (!ts.int) and one value per carried value}}
  "ts.loop"(%n, %c) ({
  ^bb0(%i: !ts.float):
    "ts.condition"(%c) : (!ts.bool) -> ()
  }) : (!ts.int, !ts.bool) -> ()
  func.return
}

// -----

func.func @loop_missing_iteration_argument(%n: !ts.int, %c: !ts.bool) {
  // expected-error @+1 {{the loop body takes the iteration number (!ts.int) and one value per carried value}}
  "ts.loop"(%n, %c) ({
  ^bb0:
    "ts.condition"(%c) : (!ts.bool) -> ()
  }) : (!ts.int, !ts.bool) -> ()
  func.return
}

// -----

func.func @loop_trip_count_not_int(%c: !ts.bool) {
  // expected-error @+1 {{operand is used with type !ts.int, but has been previously used or defined with type !ts.bool}}
  ts.loop %c, %c iter(%i) {
    ts.condition %c
  }
  func.return
}

// -----

func.func @condition_not_bool(%n: !ts.int, %c: !ts.bool) {
  ts.loop %n, %c iter(%i) {
    // expected-error @+1 {{operand is used with type !ts.bool, but has been previously used or defined with type !ts.int}}
    ts.condition %n
  }
  func.return
}

// -----

func.func @condition_outside_loop(%c: !ts.bool) {
  // expected-error @+1 {{'ts.condition' expects parent op 'ts.loop'}}
  ts.condition %c
}

// -----

func.func @condition_in_if(%c: !ts.bool) {
  ts.if %c {
    // expected-error @+1 {{'ts.condition' expects parent op 'ts.loop'}}
    ts.condition %c
  } else {
    ts.yield
  }
  func.return
}

// -----

func.func @yield_in_loop(%n: !ts.int, %c: !ts.bool) {
  ts.loop %n, %c iter(%i) {
    // expected-error @+1 {{'ts.yield' expects parent op to be one of}}
    ts.yield
  }
  func.return
}

// -----

func.func @yield_outside(%c: !ts.bool) {
  // expected-error @+1 {{'ts.yield' expects parent op to be one of}}
  ts.yield
}

// -----

func.func @if_branch_without_terminator(%c: !ts.bool, %n: !ts.int) {
  %r = ts.if %c -> (!ts.int) {
    // expected-error @+1 {{terminates block in single-block region but is not a terminator}}
    ts.print %n : !ts.int
  } else {
    ts.yield %n : !ts.int
  }
  func.return
}
