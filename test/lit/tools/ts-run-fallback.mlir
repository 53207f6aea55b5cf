// ts-run --backend c says in one line which ops run on numpy instead of C, and --no-fallback
// makes that an error (exit 1).
// RUN: ts-run %s --shapes 3xf32 --backend c 2>&1 | filecheck %s --check-prefix=WARN
// WARN-NOT:  Traceback
// WARN-NOT:  FallbackWarning
// WARN:      ts-run: warning: 1 op(s) run on numpy, not in C: ts.nonzero (the result's size depends on the values of the input, which compiled code cannot know in advance); --no-fallback makes this an error
// WARN-NEXT: output 0: int64[3, 1]
// RUN: not ts-run %s --shapes 3xf32 --backend c --no-fallback 2>&1 | filecheck %s --check-prefix=ERR
// ERR-NOT:   output 0
// ERR:       ts-run-fallback.mlir:{{[0-9]+}}:1: error: compiling @f for the c backend: FallbackError: tsjit.compile: 1 op(s) run on numpy, not in C: ts.nonzero (the result's size depends
func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %n = ts.nonzero %x : (!ts.tensor) -> !ts.tensor
  func.return %n : !ts.tensor
}
