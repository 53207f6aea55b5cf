// ts-run's errors: one line, exit 1, no traceback.
// RUN: not ts-run %S/does-not-exist.mlir 2>&1 | filecheck %s --check-prefix=MISSING
// MISSING-NOT: Traceback
// MISSING: ts-run: error: cannot open input file '{{.*}}does-not-exist.mlir': No such file or directory
//
// RUN: not ts-run %s --fn nope --shapes 2xf32 2>&1 | filecheck %s --check-prefix=UNKNOWN
// UNKNOWN: ts-run-errors.mlir:1:1: error: no function 'nope' in the module; available: static, generic
//
// RUN: not ts-run %s --fn generic 2>&1 | filecheck %s --check-prefix=NOSHAPES
// NOSHAPES: ts-run-errors.mlir:[[# @LINE + 30]]:1: error: @generic does not have static argument types; give --shapes or --inputs
//
// RUN: not ts-run %s --fn static --shapes 3x3xf32 2>&1 | filecheck %s --check-prefix=MISMATCH
// MISMATCH: ts-run-errors.mlir:[[# @LINE + 23]]:1: error: input 0 is 3x3xf32 but argument 0 of @static is !ts.tensor<[2,3], f32>
//
// RUN: not ts-run %s --fn static --shapes 2x3xf32,2xf32 2>&1 | filecheck %s --check-prefix=COUNT
// COUNT: ts-run-errors.mlir:[[# @LINE + 20]]:1: error: @static takes 1 arguments, 2 inputs given
//
// RUN: not ts-run %s --fn static --shapes 2x3xq8 2>&1 | filecheck %s --check-prefix=BADSHAPE
// BADSHAPE: ts-run: error: --shapes: unknown element type 'q8' in '2x3xq8'
//
// RUN: not ts-run %s --fn generic --shapes 2xf32 --output-dir %t --output %t.npy 2>&1 | filecheck %s --check-prefix=FLAGS
// FLAGS: ts-run: error: argument -o/--output: not allowed with argument --output-dir (see ts-run --help)
//
// RUN: not ts-run %s --fn generic --shapes 2xf32 --backend cuda 2>&1 | filecheck %s --check-prefix=BACKEND
// BACKEND: ts-run: error: unknown backend 'cuda'; available: c, numpy
//
// A ts.raise at run time is reported with its exception class.
// RUN: not ts-run %s --fn generic --shapes 2xf32 2>&1 | filecheck %s --check-prefix=RAISE
// RAISE: ts-run-errors.mlir:[[# @LINE + 11]]:1: error: @generic failed: builtins.ValueError: expected a 2-D input
//
// A parse error names file:line:col.
// RUN: not ts-run %S/Inputs/bad.mlir 2>&1 | filecheck %s --check-prefix=PARSE
// PARSE-NOT: Traceback
// PARSE: bad.mlir:3:{{[0-9]+}}: error: Operation ts.no_such_op is not registered

func.func @static(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor {
  %r = ts.relu %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor
  func.return %r : !ts.tensor
}
func.func @generic(%x: !ts.tensor) -> !ts.tensor {
  %rank = ts.dim %x : (!ts.tensor) -> !ts.int
  %two = ts.constant 2
  %is2d = ts.scalar.eq %rank, %two : (!ts.int, !ts.int) -> !ts.bool
  %y = ts.if %is2d -> (!ts.tensor) {
    ts.yield %x : !ts.tensor
  } else {
    %msg = ts.constant "expected a 2-D input"
    ts.raise %msg, "builtins.ValueError"
    %u = ts.uninitialized : !ts.tensor
    ts.yield %u : !ts.tensor
  }
  func.return %y : !ts.tensor
}
