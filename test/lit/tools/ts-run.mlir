// ts-run: pick a function, feed it .npy inputs, print or save its outputs, on both backends.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.arange(6, dtype=np.float32).reshape(2, 3)); np.save('%t/y.npy', np.ones((2, 3), np.float32))"
//
// RUN: ts-run %s --fn axpy --inputs %t/x.npy,%t/y.npy | filecheck %s --check-prefix=AXPY
// RUN: ts-run %s --fn axpy --inputs %t/x.npy,%t/y.npy --backend c | filecheck %s --check-prefix=AXPY
// AXPY:      output 0: float32[2, 3]
// AXPY-NEXT: array({{\[\[}} 1.,  3.,  5.],
// AXPY-NEXT:        [ 7.,  9., 11.]], dtype=float32)
//
// Without --fn, the last public function runs (@helper is private); tuples are several outputs.
// RUN: ts-run %s --inputs %t/x.npy --backend c | filecheck %s --check-prefix=PAIR
// PAIR:      output 0: float32[2, 3]
// PAIR:      output 1: float32[2, 3]
// PAIR-NEXT: array({{\[\[}}-0., -1., -2.],
// PAIR-NEXT:        [-3., -4., -5.]], dtype=float32)
//
// A private function runs when named; --output-dir writes one .npy per output.
// RUN: ts-run %s --fn helper --inputs %t/y.npy --output-dir %t/out 2>&1 | filecheck %s --check-prefix=SAVED
// SAVED: wrote {{.*}}out/output_0.npy
// RUN: %python -c "import numpy as np; print(np.load('%t/out/output_0.npy').tolist())" | filecheck %s --check-prefix=LOADED
// LOADED: {{\[\[}}1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
//
// --shapes draws seeded random inputs: the same seed gives the same numbers on both backends.
// RUN: ts-run %s --fn axpy --shapes 3xf32,3xf32 --seed 7 --output %t/numpy.npy
// RUN: ts-run %s --fn axpy --shapes 3xf32,3xf32 --seed 7 --output %t/c.npy --backend c
// RUN: %python -c "import numpy as np; a, b = np.load('%t/numpy.npy'), np.load('%t/c.npy'); print(a.shape, np.allclose(a, b))" | filecheck %s --check-prefix=SAME
// SAME: (3,) True
//
// Integer inputs come from [0, 10); --bench reports the timing statistics.
// RUN: ts-run %s --fn helper --shapes 1000xi64 --bench 3 | filecheck %s --check-prefix=BENCH
// BENCH:      output 0: int64[1000]
// BENCH-NEXT: array([{{[0-9], [0-9], [0-9], ..., [0-9], [0-9], [0-9]}}]{{.*}})
// BENCH-NEXT: bench @helper on numpy, 3 calls: median {{[0-9.]+}} {{s|ms|us|ns}}  p10 {{.*}}  p90 {{.*}}  min {{.*}}

func.func private @helper(%x: !ts.tensor) -> !ts.tensor {
  %r = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %r : !ts.tensor
}
func.func @axpy(%x: !ts.tensor, %y: !ts.tensor) -> !ts.tensor {
  %two = ts.constant 2
  %s = ts.add %y, %x, %two : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %s : !ts.tensor
}
func.func @pair(%x: !ts.tensor) -> (!ts.tensor, !ts.tensor) {
  %n = ts.neg %x : (!ts.tensor) -> !ts.tensor
  func.return %x, %n : !ts.tensor, !ts.tensor
}
