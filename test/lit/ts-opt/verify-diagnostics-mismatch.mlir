// --verify-diagnostics fails (exit 1) on any expected diagnostic that is not
// produced and on any diagnostic that is not expected, with MLIR's messages at
// lines of the original file (not of the chunk).
// RUN: not ts-opt %S/Inputs/diag-mismatch.mlir --split-input-file --verify-diagnostics 2>&1 \
// RUN:   | filecheck %s

// CHECK-NOT: Traceback
// CHECK:      diag-mismatch.mlir:3:18: error: expected error "never happens" was not produced
// CHECK-NEXT:   func.return // expected-error {{[{][{]}}never happens{{[}][}]}}
// CHECK-NEXT: {{^}}                 ^
// CHECK:      diag-mismatch.mlir:9:3: error: unexpected error: Expected arguments to have the same types as the function output types: expected [i32], got [i32, i32]
// CHECK-NEXT:   func.return %a, %a : i32, i32
// CHECK-NEXT: {{^}}  ^
// CHECK:      diag-mismatch.mlir:16:3: error: unexpected error: Expected arguments
// CHECK:      diag-mismatch.mlir:15:6: error: expected error "some other message" was not produced
// CHECK:      diag-mismatch.mlir:23:3: error: unexpected error: Expected arguments
// CHECK:      diag-mismatch.mlir:22:6: error: expected error "output types" was not produced
// CHECK:      diag-mismatch.mlir:29:3: error: unexpected error: Expected arguments
// CHECK:      diag-mismatch.mlir:29:36: error: expected warning "output types" was not produced
// CHECK-NOT: Traceback
