// A result whose size depends on the data (nonzero's) runs in C: computed into a buffer of the
// largest size with its count, cut by the compiled model (tsjit/passes/padded_results.py).
// RUN: ts-run %s --shapes 2x3xi64 --backend c --no-fallback 2>&1 | filecheck %s
// CHECK-NOT: warning
// CHECK:     output 0: int64[{{[0-9]+}}, 2]
func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %n = ts.nonzero %x : (!ts.tensor) -> !ts.tensor
  func.return %n : !ts.tensor
}
