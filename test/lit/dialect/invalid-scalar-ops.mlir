// Scalar op verifiers: Python's result promotion (int op int -> int, anything with a float ->
// float, number -> number) and schema operand kinds.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

// (The promotion messages are matched from the type name on, so that they hold whether or
// not the expected type is printed with its `!`.)

func.func @int_float_to_int(%i: !ts.int, %f: !ts.float) {
  // expected-error @+1 {{ts.float, got !ts.int}}
  %r = ts.scalar.add %i, %f : (!ts.int, !ts.float) -> !ts.int
  func.return
}

// -----

func.func @int_int_to_float(%i: !ts.int) {
  // expected-error @+1 {{ts.int, got !ts.float}}
  %r = ts.scalar.mul %i, %i : (!ts.int, !ts.int) -> !ts.float
  func.return
}

// -----

func.func @number_to_int(%i: !ts.int, %n: !ts.number) {
  // expected-error @+1 {{ts.number, got !ts.int}}
  %r = ts.scalar.sub %i, %n : (!ts.int, !ts.number) -> !ts.int
  func.return
}

// -----

func.func @neg_float_to_int(%f: !ts.float) {
  // expected-error @+1 {{ts.float, got !ts.int}}
  %r = ts.scalar.neg %f : (!ts.float) -> !ts.int
  func.return
}

// -----

func.func @bool_add_gives_int(%b: !ts.bool) {
  // expected-error @+1 {{ts.int, got !ts.bool}}
  %r = ts.scalar.add %b, %b : (!ts.bool, !ts.bool) -> !ts.bool
  func.return
}

// -----

func.func @max_mixed(%i: !ts.int, %f: !ts.float) {
  // expected-error @+1 {{ts.float, got !ts.int}}
  %r = ts.scalar.max %f, %i : (!ts.float, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @true_div_is_float(%i: !ts.int) {
  // expected-error @+1 {{result #0 ('result') must be float, got !ts.int}}
  %r = ts.scalar.div %i, %i : (!ts.int, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @str_for_scalar(%s: !ts.str, %i: !ts.int) {
  // expected-error @+1 {{operand #0 ('a') must be Scalar, got !ts.str}}
  %r = ts.scalar.add %s, %i : (!ts.str, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @tensor_for_scalar(%t: !ts.tensor, %i: !ts.int) {
  // expected-error @+1 {{operand #1 ('b') must be Scalar, got !ts.tensor}}
  %r = ts.scalar.lt %i, %t : (!ts.int, !ts.tensor) -> !ts.bool
  func.return
}

// -----

func.func @comparison_result(%i: !ts.int) {
  // expected-error @+1 {{result #0 ('result') must be bool, got !ts.int}}
  %r = ts.scalar.lt %i, %i : (!ts.int, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @not_takes_bool(%i: !ts.int) {
  // expected-error @+1 {{operand #0 ('a') must be bool, got !ts.int}}
  %r = ts.scalar.not %i : (!ts.int) -> !ts.bool
  func.return
}

// -----

func.func @math_result(%f: !ts.float) {
  // expected-error @+1 {{result #0 ('result') must be float, got !ts.int}}
  %r = ts.math.sqrt %f : (!ts.float) -> !ts.int
  func.return
}

// -----

func.func @str_concat_ints(%i: !ts.int) {
  // expected-error @+1 {{operand #0 ('a') must be str, got !ts.int}}
  %r = ts.str.concat %i, %i : (!ts.int, !ts.int) -> !ts.str
  func.return
}

// -----

func.func @str_join_list(%s: !ts.str, %l: !ts.list<!ts.int>) {
  // expected-error @+1 {{operand #1 ('items') must be str[], got !ts.list<!ts.int>}}
  %r = ts.str.join %s, %l : (!ts.str, !ts.list<!ts.int>) -> !ts.str
  func.return
}
