// ts-translate errors: one readable line, exit 1 (usage errors too), no traceback.
// RUN: not ts-translate %s 2>&1 | filecheck %s --check-prefix=NONE
// NONE: error: one of the arguments --emit-c --import-torchscript is required
//
// RUN: not ts-translate --emit-c %S/Inputs/does-not-exist.mlir 2>&1 | filecheck %s --check-prefix=MISSING
// MISSING-NOT: Traceback
// MISSING: ts-translate: error: cannot open input file '{{.*}}does-not-exist.mlir': No such file or directory
//
// RUN: not ts-translate --emit-c %s 2>&1 | filecheck %s --check-prefix=GENERIC
// GENERIC-NOT: Traceback
// GENERIC: ts-translate-errors.mlir:[[# @LINE + 19]]:1: error: @f: argument 0 has no static shape (!ts.tensor); give --shapes (e.g. --shapes 2x3xf32) or ts-specialize it first
//
// RUN: not ts-translate --emit-c %s --shapes 4x8 2>&1 | filecheck %s --check-prefix=SHAPES
// SHAPES: ts-translate: error: --shapes: unknown element type '8' in '4x8'
//
// RUN: not ts-translate --emit-c %s --shapes 4xf32 --fn g 2>&1 | filecheck %s --check-prefix=FN
// FN: ts-translate-errors.mlir:1:1: error: no function 'g' in the module; available: f
//
// RUN: not ts-translate --emit-c %S/Inputs/ts-translate-parse-error.mlir 2>&1 | filecheck %s --check-prefix=PARSE
// PARSE-NOT: Traceback
// PARSE: ts-translate-parse-error.mlir:3:{{[0-9]+}}: error:
//
// An --output-dir that is an ordinary directory is not replaced.
// RUN: rm -rf %t && mkdir -p %t && echo keep > %t/notes.txt
// RUN: not ts-translate --emit-c %s --shapes 4xf32 --output-dir %t 2>&1 | filecheck %s --check-prefix=EXISTS
// EXISTS: ts-translate: error: '{{.*}}' exists and is not an earlier tsjit export; not replacing it
// RUN: cat %t/notes.txt | filecheck %s --check-prefix=KEPT
// KEPT: keep

func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %y = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}
