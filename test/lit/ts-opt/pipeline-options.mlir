// Pass options: xdsl-opt's `-p` syntax and MLIR's syntax inside --pass-pipeline
// (space-separated `key=value`, comma lists, bare `flag`, `flag=1`, whitespace).
// RUN: ts-opt %s -p 'arith-add-fastmath{flags=nnan,ninf}' | filecheck %s --check-prefix=LIST
// RUN: ts-opt %s --pass-pipeline='builtin.module(func.func(arith-add-fastmath{flags=nnan,ninf}))' \
// RUN:   | filecheck %s --check-prefix=LIST
// RUN: ts-opt %s --pass-pipeline='builtin.module(arith-add-fastmath{ flags = fast })' \
// RUN:   | filecheck %s --check-prefix=FAST
//
// Boolean options of the example plugin, in every spelling.
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py -p 'double-add{use-shift=true}' \
// RUN:   | filecheck %s --check-prefix=SHIFT
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --pass-pipeline='builtin.module(double-add{use-shift})' | filecheck %s --check-prefix=SHIFT
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --pass-pipeline='builtin.module(double-add{use_shift=1})' | filecheck %s --check-prefix=SHIFT
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --pass-pipeline='builtin.module(double-add{use-shift=false})' | filecheck %s --check-prefix=MUL

// LIST: arith.addf %a, %a fastmath<nnan,ninf> : f32
// FAST: arith.addf %a, %a fastmath<fast> : f32
// SHIFT:      %[[ONE:.*]] = arith.constant 1 : i32
// SHIFT-NEXT: arith.shli %x, %[[ONE]] : i32
// MUL:        %[[TWO:.*]] = arith.constant 2 : i32
// MUL-NEXT:   arith.muli %x, %[[TWO]] : i32

func.func @f(%a: f32, %x: i32) -> (f32, i32) {
  %0 = arith.addf %a, %a : f32
  %1 = arith.addi %x, %x : i32
  func.return %0, %1 : f32, i32
}
