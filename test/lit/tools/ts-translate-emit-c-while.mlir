// A while loop on a tensor condition in C: an endless loop whose condition breaks out of it;
// the carried tensor is the out-parameter, halved in place; ts-run gives numpy's values.
// RUN: ts-translate --emit-c %s --shapes 4xf32 --fn halves | filecheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([1, 2, 3, 4], np.float32))"
// RUN: ts-run %s --fn halves --inputs %t/x.npy --backend c | filecheck %s --check-prefix=VALUES
// RUN: ts-run %s --fn halves --inputs %t/x.npy | filecheck %s --check-prefix=VALUES

// CHECK:      void ts_halves(float *{{.*}}a0, float *{{.*}}a1)
// CHECK:        for (;;) {
// CHECK-NEXT:       {{v[0-9]+}} = [[C:v[0-9]+]];
// CHECK-NEXT:       if (![[C]]) break;
// CHECK:            a1[{{.*}}] = {{v[0-9]+}};
// CHECK:            [[C]] = [[C]]_next;
// CHECK-NEXT:   }

// VALUES:      output 0: float32[4]
// VALUES-NEXT: array([0.0625, 0.125 , 0.1875, 0.25  ], dtype=float32)
func.func @halves(%x: !ts.tensor) -> !ts.tensor {
  %max = ts.constant 9223372036854775807
  %true = ts.constant true
  %none = ts.constant none
  %false = ts.constant false
  %one = ts.constant 1.0
  %two = ts.constant 2
  %r = ts.loop %max, %true iter(%i, %y = %x) : (!ts.tensor) {
    %next = ts.div %y, %two : (!ts.tensor, !ts.int) -> !ts.tensor
    %s = ts.sum %next, %none, %false, %none : (!ts.tensor, !ts.none, !ts.bool, !ts.none) -> !ts.tensor
    %g = ts.gt %s, %one : (!ts.tensor, !ts.float) -> !ts.tensor
    %again = ts.to_bool %g : (!ts.tensor) -> !ts.bool
    ts.condition %again, %next : !ts.tensor
  }
  func.return %r : !ts.tensor
}
