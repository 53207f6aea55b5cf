// --split-input-file: chunks are processed independently and their outputs are
// separated by the marker; a failing chunk does not stop the others (exit 1 at the
// end); errors name lines of the original file; comment-only chunks and a trailing
// marker are skipped.  The marker only splits on a line of its own.
// RUN: not ts-opt %s --split-input-file -p cse 2>%t.err | filecheck %s
// RUN: filecheck %s --check-prefix=ERR --input-file %t.err

// CHECK-LABEL: func.func @first
// CHECK:       {{^}}//{{ }}-----
// CHECK-NEXT:  builtin.module {
// CHECK-NEXT:    func.func @third
// CHECK-NOT:   {{^}}//{{ }}-----
// CHECK-NOT:   builtin.module
func.func @first() {
  func.return
}

// -----

func.func @second(%a: i32) -> i32 {
  // ERR: split-input-file.mlir:[[# @LINE + 1]]:3: error: Expected arguments to have the same types as the function output types
  func.return %a, %a : i32, i32
}

// -----

func.func @third() {
  func.return
}

// -----
// A chunk of comments only.
// -----

func.func @fifth(%a: i32) -> i32 {
  // ERR: split-input-file.mlir:[[# @LINE + 1]]:26: error: Expected ':'
  %0 = arith.addi %a, %a i32
  func.return %0 : i32
}

// -----
