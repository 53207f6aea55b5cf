// ts-run --backend c says in one line which ops run on numpy instead of C, and --no-fallback
// makes that an error (exit 1).
// RUN: ts-run %s --shapes 3xi64 --backend c 2>&1 | filecheck %s --check-prefix=WARN
// WARN-NOT:  Traceback
// WARN-NOT:  FallbackWarning
// WARN:      ts-run: warning: 1 op(s) run on numpy, not in C: ts.bincount (its result's length is the input's largest value plus one, which no input size bounds, so C cannot size it); --no-fallback makes this an error
// WARN-NEXT: output 0: int64[{{[0-9]+}}]
// RUN: not ts-run %s --shapes 3xi64 --backend c --no-fallback 2>&1 | filecheck %s --check-prefix=ERR
// ERR-NOT:   output 0
// ERR:       ts-run-fallback.mlir:{{[0-9]+}}:1: error: compiling @f for the c backend: FallbackError: tsjit.compile: 1 op(s) run on numpy, not in C: ts.bincount (its result's length
func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %none = ts.constant none
  %zero = ts.constant 0
  %n = ts.bincount %x, %none, %zero : (!ts.tensor, !ts.none, !ts.int) -> !ts.tensor
  func.return %n : !ts.tensor
}
