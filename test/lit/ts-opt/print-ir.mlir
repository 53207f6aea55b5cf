// IR dumps go to stderr with MLIR's header; stdout (here -o %t) keeps the result.
// RUN: ts-opt %s -p canonicalize,cse --print-ir-after=cse -o %t 2>&1 \
// RUN:   | filecheck %s --check-prefix=AFTER
// RUN: ts-opt %s -p canonicalize,cse --print-ir-before=canonicalize --print-ir-after=canonicalize,cse \
// RUN:   -o %t 2>&1 | filecheck %s --check-prefix=LIST
// RUN: ts-opt %s -p canonicalize,cse --mlir-print-ir-before=canonicalize --print-ir-after=canonicalize \
// RUN:   --print-ir-after=cse -o %t 2>&1 | filecheck %s --check-prefix=LIST
// RUN: ts-opt %s -p canonicalize,cse --print-ir-after-all -o %t 2>&1 \
// RUN:   | filecheck %s --check-prefix=ALL
// RUN: ts-opt %s --pass-pipeline='builtin.module(func.func(cse))' --print-ir-before-all -o %t 2>&1 \
// RUN:   | filecheck %s --check-prefix=NESTED
// RUN: filecheck %s --check-prefix=OUT --input-file %t

// AFTER-NOT:  (canonicalize)
// AFTER:      IR Dump After CommonSubexpressionElimination (cse) //----- //
// AFTER-NEXT: builtin.module {
// AFTER-NEXT:   func.func @f(%x: i32) -> i32 {
// AFTER-NEXT:     %c1 = arith.constant 1 : i32
// AFTER-NEXT:     %b = arith.addi %x, %c1 : i32
// AFTER-NEXT:     %r = arith.muli %b, %b : i32
// AFTER-NOT: IR Dump

// LIST:      IR Dump Before CanonicalizePass (canonicalize) //----- //
// LIST:        %a = arith.addi %x, %c0 : i32
// LIST:      IR Dump After CanonicalizePass (canonicalize) //----- //
// LIST-NOT:    %a = arith.addi
// LIST:      IR Dump After CommonSubexpressionElimination (cse) //----- //

// ALL-COUNT-2: IR Dump After
// ALL-NOT:     IR Dump

// NESTED:      IR Dump Before CommonSubexpressionElimination (cse) ('func.func' operation: @f) //----- //
// NESTED-NEXT: func.func @f(%x: i32) -> i32 {
// NESTED:      IR Dump Before CommonSubexpressionElimination (cse) ('func.func' operation: @g) //----- //
// NESTED-NEXT: func.func @g() {

// OUT-NOT: IR Dump
// OUT: builtin.module {

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
func.func @g() {
  func.return
}
