// Every tool as MLIR's: `-o FILE` is the output file, `-` is stdin (input) and stdout (-o), and
// a run that fails leaves an existing output file as it was (the output is written to a
// temporary file beside it and renamed over it only on success).
// RUN: rm -rf %t && mkdir -p %t
//
// ts-opt: `-` reads stdin; `-o -` is stdout; -o FILE is replaced by a run that succeeds.
// RUN: ts-opt - < %s | filecheck %s --check-prefix=IR
// RUN: ts-opt %s -o - | filecheck %s --check-prefix=IR
// RUN: echo keep > %t/out.mlir
// RUN: not ts-opt %S/Inputs/bad.mlir -o %t/out.mlir 2>&1 | filecheck %s --check-prefix=BAD
// RUN: filecheck %s --check-prefix=KEPT < %t/out.mlir
// RUN: not ts-opt %s -p 'ts-specialize{function=nope}' -o %t/out.mlir
// RUN: filecheck %s --check-prefix=KEPT < %t/out.mlir
// RUN: ts-opt %s -o %t/out.mlir && filecheck %s --check-prefix=IR < %t/out.mlir
// RUN: ls -a %t | filecheck %s --check-prefix=NOTEMP
// IR:      func.func @double(%x: !ts.tensor) -> !ts.tensor {
// BAD:     bad.mlir:3:{{[0-9]+}}: error: Operation ts.no_such_op is not registered
// KEPT:    keep
// NOTEMP-NOT: .tmp
//
// ts-run: -o FILE is the one output as .npy (it was a directory); --output-dir DIR one per output.
// RUN: ts-run %s --shapes 3xf32 -o %t/y.npy
// RUN: %python -c "import numpy as np; print(np.load('%t/y.npy').shape)" | filecheck %s --check-prefix=NPY
// RUN: ts-run - --shapes 3xf32 --output %t/y.npy < %s
// RUN: %python -c "import numpy as np; print(np.load('%t/y.npy').shape)" | filecheck %s --check-prefix=NPY
// RUN: ts-run %s --shapes 3xf32 --output-dir %t/dir 2>&1 | filecheck %s --check-prefix=DIR
// RUN: ts-run %s --shapes 3xf32 -o - | %python -c "import io, sys, numpy as np; print(np.load(io.BytesIO(sys.stdin.buffer.read())).shape)" | filecheck %s --check-prefix=NPY
// RUN: echo keep > %t/y.npy
// RUN: not ts-run %s --shapes 3xf32,3xf32 -o %t/y.npy 2>&1 | filecheck %s --check-prefix=RUNFAIL
// RUN: filecheck %s --check-prefix=KEPT < %t/y.npy
// RUN: not ts-run %s --shapes 3xf32 -o %t 2>&1 | filecheck %s --check-prefix=ISDIR
// NPY:     (3,)
// DIR:     wrote {{.*}}dir/output_0.npy
// RUNFAIL: error: @double takes 1 arguments, 2 inputs given
// ISDIR:   ts-run: error: cannot open output file '{{.*}}': it is a directory (-o names a file); use --output-dir DIR for one .npy per output
//
// ts-translate: --emit-c -o FILE is model.c (it was the export directory, now --output-dir).
// RUN: ts-translate --emit-c %s --shapes 4xf32 -o %t/model.c && filecheck %s --check-prefix=C < %t/model.c
// RUN: ts-translate -emit-c - --shapes 4xf32 < %s | filecheck %s --check-prefix=C
// RUN: echo keep > %t/model.c
// RUN: not ts-translate --emit-c %s -o %t/model.c 2>&1 | filecheck %s --check-prefix=NOSHAPES
// RUN: filecheck %s --check-prefix=KEPT < %t/model.c
// RUN: not ts-translate --emit-c %s --shapes 4xf32 -o %t 2>&1 | filecheck %s --check-prefix=CDIR
// C:        void ts_double(float *{{.*}}a0, float *{{.*}}a1)
// NOSHAPES: error: @double: argument 0 has no static shape
// CDIR:     ts-translate: error: cannot open output file '{{.*}}': it is a directory (-o names a file); use --output-dir DIR for the standalone C export

func.func @double(%x: !ts.tensor) -> !ts.tensor {
  %two = ts.constant 2.0
  %y = ts.mul %x, %two : (!ts.tensor, !ts.float) -> !ts.tensor
  func.return %y : !ts.tensor
}
