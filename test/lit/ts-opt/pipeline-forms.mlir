// The flat xdsl-opt form and MLIR's nested form give identical output.
// RUN: ts-opt %s -p canonicalize,cse -o %t.flat
// RUN: ts-opt %s --pass-pipeline='builtin.module(canonicalize,cse)' -o %t.nested
// RUN: ts-opt %s -p 'builtin.module(canonicalize, cse)' -o %t.p-nested
// RUN: diff %t.flat %t.nested
// RUN: diff %t.flat %t.p-nested
// RUN: filecheck %s --input-file %t.nested
//
// An empty pipeline (either form) only parses, verifies and prints.
// RUN: ts-opt %s --pass-pipeline='builtin.module()' | filecheck %s --check-prefix=NONE
// RUN: ts-opt %s | filecheck %s --check-prefix=NONE

// CHECK-LABEL: func.func @f(%x: i32) -> i32 {
// CHECK-NEXT:    %c1 = arith.constant 1 : i32
// CHECK-NEXT:    %b = arith.addi %x, %c1 : i32
// CHECK-NEXT:    %r = arith.muli %b, %b : i32
// CHECK-NEXT:    func.return %r : i32
// CHECK-NEXT:  }

// NONE: %c0 = arith.constant 0 : i32
// NONE: %c1b = arith.constant 1 : i32
func.func @f(%x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %a = arith.addi %x, %c0 : i32
  %c1 = arith.constant 1 : i32
  %c1b = arith.constant 1 : i32
  %b = arith.addi %a, %c1 : i32
  %d = arith.addi %a, %c1b : i32
  %r = arith.muli %b, %d : i32
  func.return %r : i32
}
