// ts-translate --emit-c: model.c on stdout (or in -o FILE); with --output-dir DIR the standalone
// export (tsjit.export_c).
// RUN: ts-translate --emit-c %s --shapes 4x8xf32 --fn chain | filecheck %s
// RUN: rm -rf %t && ts-translate --emit-c %s --shapes 4x8xf32 --fn chain --output-dir %t 2>&1 | filecheck %s --check-prefix=WROTE
// RUN: ls %t | filecheck %s --check-prefix=FILES
// RUN: filecheck %s --check-prefix=HEADER < %t/model.h
// RUN: ts-translate --emit-c %s --shapes 3xf32 --fn double | filecheck %s --check-prefix=ONLY

// The chosen function is specialized to 4x8xf32 and lowered to one loop nest; the loader glue follows.
// CHECK:     void ts_chain(float *{{.*}}a0, float *{{.*}}a1)
// CHECK:     exp
// CHECK:     a1[
// CHECK:     int ts_model_init(const char *weights_path) {
// CHECK:     void ts_model_set_num_threads(int n) {

// WROTE: ts-translate: wrote {{.*}}/ (model.c, model.h, weights.bin, demo.c, Makefile, README.md); build with `make -C {{.*}}`

// FILES:      Makefile
// FILES-NEXT: README.md
// FILES-NEXT: demo.c
// FILES-NEXT: model.c
// FILES-NEXT: model.h
// FILES-NEXT: weights.bin

// HEADER:      int ts_model_init(const char *weights_path);
// HEADER:      /* chain
// HEADER-NEXT:  *   a0: input float[4][8]
// HEADER-NEXT:  *   a1: output (written) float[4][8]
// HEADER-NEXT:  */
// HEADER-NEXT: void ts_chain(float *TS_RESTRICT a0, float *TS_RESTRICT a1);
// HEADER:      #define ts_model_main ts_chain

// --fn keeps only the chosen function (and what it calls).
// ONLY-NOT: ts_chain
// ONLY:     void ts_double(float *{{.*}}a0, float *{{.*}}a1)
// ONLY-NOT: ts_chain

func.func @chain(%x: !ts.tensor) -> !ts.tensor {
  %a = ts.constant 1.5
  %b = ts.constant 0.25
  %one = ts.constant 1
  %m = ts.mul %x, %a : (!ts.tensor, !ts.float) -> !ts.tensor
  %s = ts.add %m, %b, %one : (!ts.tensor, !ts.float, !ts.int) -> !ts.tensor
  %r = ts.relu %s : (!ts.tensor) -> !ts.tensor
  %g = ts.sigmoid %x : (!ts.tensor) -> !ts.tensor
  %y = ts.mul %r, %g : (!ts.tensor, !ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}

func.func @double(%x: !ts.tensor) -> !ts.tensor {
  %two = ts.constant 2.0
  %y = ts.mul %x, %two : (!ts.tensor, !ts.float) -> !ts.tensor
  func.return %y : !ts.tensor
}
