// Casts, type tests, exceptions, printing and formatting.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

func.func @cast_unrelated(%i: !ts.int) {
  // expected-error @+1 {{cannot cast !ts.int to the unrelated type !ts.str}}
  %s = ts.unchecked_cast %i : !ts.int to !ts.str
  func.return
}

// -----

func.func @cast_static_shapes(%t: !ts.tensor<[2], f32>) {
  // expected-error @+1 {{cannot cast !ts.tensor<[2], f32> to the unrelated type !ts.tensor<[3], f32>}}
  %s = ts.unchecked_cast %t : !ts.tensor<[2], f32> to !ts.tensor<[3], f32>
  func.return
}

// -----

func.func @cast_dtypes(%t: !ts.tensor<*, f32>) {
  // expected-error @+1 {{cannot cast !ts.tensor<*, f32> to the unrelated type !ts.tensor<[2], i64>}}
  %s = ts.unchecked_cast %t : !ts.tensor<*, f32> to !ts.tensor<[2], i64>
  func.return
}

// -----

func.func @cast_optional_to_other(%o: !ts.optional<!ts.int>) {
  // expected-error @+1 {{cannot cast !ts.optional<!ts.int> to the unrelated type !ts.str}}
  %s = ts.unchecked_cast %o : !ts.optional<!ts.int> to !ts.str
  func.return
}

// -----

func.func @cast_union_to_non_member(%u: !ts.union<!ts.int, !ts.str>) {
  // expected-error @+1 {{cannot cast !ts.union<!ts.int, !ts.str> to the unrelated type !ts.float}}
  %s = ts.unchecked_cast %u : !ts.union<!ts.int, !ts.str> to !ts.float
  func.return
}

// -----

func.func @isinstance_empty(%i: !ts.int) {
  // expected-error @+1 {{isinstance needs a non-empty list of types}}
  %b = ts.isinstance %i, [] : !ts.int
  func.return
}

// -----

func.func @isinstance_not_types(%i: !ts.int) {
  // expected-error @+1 {{isinstance needs a non-empty list of types}}
  %b = ts.isinstance %i, [1, 2] : !ts.int
  func.return
}

// -----

func.func @raise_non_str(%i: !ts.int) {
  // expected-error @+1 {{operand is used with type !ts.str, but has been previously used or defined with type !ts.int}}
  ts.raise %i, "builtins.ValueError"
  func.return
}

// -----

func.func @warn_non_str(%i: !ts.int) {
  // expected-error @+1 {{operand is used with type !ts.str, but has been previously used or defined with type !ts.int}}
  ts.warn %i
  func.return
}

// -----

func.func @format_non_str(%i: !ts.int) {
  // expected-error @+1 {{operand is used with type !ts.str, but has been previously used or defined with type !ts.int}}
  %s = ts.str.format %i
  func.return
}

// -----

func.func @is_result_not_bool(%i: !ts.int) {
  // expected-error @+1 {{result 'result' at position 0 does not verify}}
  %b = "ts.is"(%i, %i) : (!ts.int, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @str_of_result_not_str(%i: !ts.int) {
  // expected-error @+1 {{result 'result' at position 0 does not verify}}
  %b = "ts.str.of"(%i) : (!ts.int) -> !ts.int
  func.return
}

// -----

func.func @generic_needs_a_name(%i: !ts.int) {
  // expected-error @+1 {{@foo should be of base attribute string}}
  %b = "ts.generic"(%i) <{op_name = @foo}> : (!ts.int) -> !ts.int
  func.return
}
