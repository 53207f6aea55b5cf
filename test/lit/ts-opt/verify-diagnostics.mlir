// --verify-diagnostics checks the diagnostics against the expected-* comments
// (MLIR's protocol): every one must be produced, nothing else may be.  Chunks that
// succeed still print their IR.
// RUN: ts-opt %s --split-input-file --verify-diagnostics \
// RUN:   --load-pass-plugin=%S/Inputs/diag_plugin.py -p test-emit-diagnostics | filecheck %s

// A parse error, designated from the line above it.
func.func @parse(%a: i32) -> i32 {
  // expected-error @+1 {{Expected ':'}}
  %0 = arith.addi %a, %a i32
  func.return %0 : i32
}

// -----

// A verifier error is located at the failing op, here on the same line.
func.func @same_line(%a: i32) -> i32 {
  func.return %a, %a : i32, i32 // expected-error {{Expected arguments to have the same types as the function output types}}
}

// -----

// @-N counts back from the comment's line.
func.func @minus(%a: i32) -> i32 {
  func.return %a, %a : i32, i32

  // expected-error @-2 {{expected [i32], got [i32, i32]}}
}

// -----

// @above: the closest line above that is not itself a designator.
func.func @above(%a: i32) -> i32 {
  func.return %a, %a : i32, i32
  // expected-error @above {{function output types}}
}

// -----

// @below: the next line that is not itself a designator.  xDSL reports an
// undefined value at the end of input; ts-opt points at the first use.
func.func @below(%a: i32) {
  // expected-error @below {{undefined_thing}}
  %0 = arith.addi %a, %undefined_thing : i32
  func.return
}

// -----

// Regex form: literal text with {{regex}} holes.
func.func @regex(%a: i32) -> i32 {
  // expected-error-re @+1 {{expected [{{i[0-9]+}}], got [{{.*}}]}}
  func.return %a, %a : i32, i32
}

// -----

// Warnings, remarks and notes (emitted by a pass) do not fail the chunk; several
// diagnostics may be expected on one line.
// CHECK-LABEL: func.func @severities
// CHECK: "test.op"() {test.emit = "warning: this op looks odd"} : () -> ()
func.func @severities() {
  "test.op"() {test.emit = "warning: this op looks odd"} : () -> () // expected-warning {{looks odd}}
  // expected-remark @+3 {{noted}}
  // expected-remark @+1 {{remarked}}
  "test.op"() {test.emit = "remark: remarked"} : () -> ()
  "test.op"() {test.emit = "remark: noted"} : () -> ()
  "test.op"() {test.emit = "note: a note"} : () -> () // expected-note {{a note}}
  // expected-warning @below {{first}}
  // expected-remark @below {{second}}
  "test.op"() {test.emit.1 = "warning: first", test.emit.2 = "remark: second"} : () -> ()
  func.return
}

// -----

// An error emitted by a pass, at the op it is about.
func.func @pass_error() {
  "test.op"() {test.emit = "error: the pass refused"} : () -> () // expected-error {{the pass refused}}
  func.return
}

// -----

// Chunks without expectations must just succeed.
// CHECK: {{^}}//{{ }}-----
// CHECK-LABEL: func.func @fine
func.func @fine() {
  func.return
}

// A trailing split marker with nothing after it is not a chunk.
// -----
