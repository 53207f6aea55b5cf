// A parse error: `file:line:col: error: message`, the source line and a caret
// under the column, exit 1, no traceback.
// RUN: not ts-opt %s 2>&1 | filecheck %s
// RUN: not ts-opt %s -p canonicalize --verify-diagnostics 2>&1 | filecheck %s --check-prefix=VERIFY

// CHECK-NOT: Traceback
// CHECK:      {{.*}}errors-parse.mlir:[[# @LINE + 5]]:26: error: Expected ':'
// CHECK-NEXT: {{^}}  %0 = arith.addi %a, %a i32
// CHECK-NEXT: {{^}}                         ^
// CHECK-NOT: Traceback
func.func @f(%a: i32) -> i32 {
  %0 = arith.addi %a, %a i32
  func.return %0 : i32
}

// Without an expected-error comment, --verify-diagnostics reports it as unexpected.
// VERIFY: errors-parse.mlir:12:26: error: unexpected error: Expected ':'
