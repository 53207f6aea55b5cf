// ts-translate --import-torchscript prints MLIR text that ts-opt reads back (it printed the
// module's Python repr, `ModuleOp(...)`, which does not parse); from a file, stdin or to -o FILE.
// RUN: ts-translate --import-torchscript %S/../importers/Inputs/module.txt | ts-opt | filecheck %s
// RUN: ts-translate --import-torchscript - < %S/../importers/Inputs/module.txt | ts-opt - | filecheck %s
// RUN: ts-translate --import-torchscript %S/../importers/Inputs/docs_foo.txt -o %t.mlir
// RUN: ts-opt %t.mlir -p canonicalize | filecheck %s --check-prefix=LOOP
// Printing what ts-opt read gives the same text again.
// RUN: ts-opt %t.mlir -o %t.once.mlir && ts-opt %t.once.mlir | diff %t.once.mlir -

// CHECK-NOT:  ModuleOp
// CHECK:      builtin.module {
// CHECK-NEXT:   func.func @forward(%self: !ts.class<"__torch__.M">, %x: !ts.tensor<[2,4], f32>) -> !ts.tensor {
// CHECK:          ts.linear %x, {{.*}} {loc = "torch/nn/modules/linear.py:134:15"}
// CHECK:          func.return

// LOOP-NOT: ModuleOp
// LOOP:     func.func @forward(%len: !ts.int) -> !ts.tensor {
// LOOP:       ts.loop %len
// LOOP:         ts.if
