// Type verifiers: dtypes, unions, dict keys, and malformed type syntax.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

// (Types are verified while parsing, so each bad type is followed by more text on its
// line: the diagnostic is reported at the token after the type.)

// expected-error @+1 {{unsupported tensor element type i128}}
func.func @bad_dtype(%a: !ts.tensor<[2], i128>) {
  func.return
}

// -----

// expected-error @+1 {{unsupported tensor element type !ts.int}}
func.func @ts_type_as_dtype(%a: !ts.tensor<[2], !ts.int>) {
  func.return
}

// -----

// expected-error @+1 {{unsupported tensor element type tensor<2xf32>}}
func.func @builtin_tensor_as_dtype(%a: !ts.tensor<[2,?], tensor<2xf32>>) {
  func.return
}

// -----

// expected-error @+1 {{unsupported tensor element type ui16}}
func.func @unsigned_16(%a: !ts.tensor<*, ui16>) {
  func.return
}

// -----

// expected-error @+1 {{Expected integer literal}}
func.func @negative_dim(%a: !ts.tensor<[-2], f32>) {
  func.return
}

// -----

// expected-error @+1 {{Expected ','}}
func.func @unknown_rank_needs_dtype(%a: !ts.tensor<*>) {
  func.return
}

// -----

// expected-error @+1 {{a union needs at least two member types}}
func.func @union_of_one(%u: !ts.union<!ts.int>) {
  func.return
}

// -----

// expected-error @+1 {{a union needs at least two member types}}
func.func @empty_union(%u: !ts.union<>) {
  func.return
}

// -----

// expected-error @+1 {{cannot create dict for key type !ts.list<!ts.int>}}
func.func @list_key(%d: !ts.dict<!ts.list<!ts.int>, !ts.int>) {
  func.return
}

// -----

// expected-error @+1 {{cannot create dict for key type !ts.optional<!ts.str>}}
func.func @optional_key(%d: !ts.dict<!ts.optional<!ts.str>, !ts.int>) {
  func.return
}

// -----

// expected-error @+1 {{cannot create dict for key type !ts.none}}
func.func @none_key(%d: !ts.dict<!ts.none, !ts.int>) {
  func.return
}

// -----

// expected-error @+1 {{string literal expected}}
func.func @class_name_unquoted(%a: !ts.class<M>) {
  func.return
}
