// Input problems: exit 1, one message, no traceback.
// RUN: not ts-opt %S/Inputs/does-not-exist.mlir 2>&1 | filecheck %s --check-prefix=MISSING
// MISSING-NOT: Traceback
// MISSING: ts-opt: error: cannot open input file '{{.*}}Inputs/does-not-exist.mlir': No such file or directory
// MISSING-NOT: Traceback
//
// RUN: not ts-opt %S/Inputs 2>&1 | filecheck %s --check-prefix=DIR
// DIR: ts-opt: error: cannot open input file '{{.*}}Inputs': Is a directory
//
// An unregistered op is a parse error at the op.
// RUN: not ts-opt %s 2>&1 | filecheck %s --check-prefix=UNREGISTERED
// UNREGISTERED: errors-input.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: Operation foo.bar is not registered
"foo.bar"() : () -> ()
//
// ... unless unregistered dialects are allowed.
// RUN: ts-opt %s --allow-unregistered-dialect | filecheck %s --check-prefix=ALLOWED
// ALLOWED: "foo.bar"() : () -> ()
//
// A file with nothing but comments is an empty module (as in MLIR).
// RUN: ts-opt %S/Inputs/comments-only.mlir | filecheck %s --check-prefix=EMPTY
// EMPTY:      builtin.module {
// EMPTY-NEXT: }
