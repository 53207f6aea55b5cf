// A verification error (without --verify-diagnostics): `file:line:col: error:`
// at the innermost failing op, with its source line; exit 1; no traceback; no IR
// dump.
// RUN: not ts-opt %s 2>&1 | filecheck %s
// The same when the input comes from stdin.
// RUN: not ts-opt < %s 2>&1 | filecheck %s --check-prefix=STDIN

// CHECK-NOT: Traceback
// CHECK-NOT: builtin.module
// CHECK:      {{.*}}errors-verify.mlir:[[# @LINE + 9]]:5: error: result 'result' at position 0 does not verify:
// CHECK-NEXT: attribute i64 expected from variable 'T', but got i32
// CHECK-NEXT: {{^}}    %2 = "arith.addi"(%1, %1) : (i64, i64) -> i32
// CHECK-NEXT: {{^}}    ^
// CHECK-NOT: Traceback
// CHECK-NOT: builtin.module
func.func @f(%c: i1, %a: i32) -> i32 {
  %0 = scf.if %c -> (i32) {
    %1 = arith.constant 1 : i64
    %2 = "arith.addi"(%1, %1) : (i64, i64) -> i32
    scf.yield %a : i32
  } else {
    scf.yield %a : i32
  }
  func.return %0 : i32
}
// STDIN: <stdin>:19:5: error: result 'result' at position 0 does not verify:
