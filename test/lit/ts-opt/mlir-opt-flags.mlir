// mlir-opt's spellings: passes as flags (`--cse`, `-cse`, `--pass="opt=v opt2=v"`), long
// options with one dash, -pass-pipeline as `builtin.module(...)` or a plain list, and the
// --mlir-* printing and statistics flags.
// RUN: ts-opt %s --cse --dce | filecheck %s --check-prefix=CSE
// RUN: ts-opt %s -cse -dce | filecheck %s --check-prefix=CSE
// RUN: ts-opt %s -pass-pipeline='builtin.module(cse,dce)' | filecheck %s --check-prefix=CSE
// RUN: ts-opt %s --pass-pipeline='builtin.module(func.func(cse),dce)' | filecheck %s --check-prefix=CSE
// RUN: ts-opt %s -pass-pipeline=cse,dce | filecheck %s --check-prefix=CSE
// RUN: ts-opt %s -split-input-file --cse | filecheck %s --check-prefix=CSE
// CSE:      %a = arith.addi %x, %x : i32
// CSE-NEXT: %r = arith.addi %a, %a : i32
//
// Pass options as mlir-opt writes them, and the same pipeline as -p gives.
// RUN: ts-opt %s '--ts-specialize=shapes=2x3xf32 function=g' --dump-pass-pipeline -o /dev/null 2>&1 \
// RUN:   | filecheck %s --check-prefix=OPTIONS
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xf32 function=g}' --dump-pass-pipeline -o /dev/null 2>&1 \
// RUN:   | filecheck %s --check-prefix=OPTIONS
// OPTIONS: builtin.module(ts-specialize{shapes="2x3xf32" function="g"})
//
// Flags run in command-line order.
// RUN: ts-opt %s --dce --cse --dump-pass-pipeline -o /dev/null 2>&1 | filecheck %s --check-prefix=ORDER
// ORDER: builtin.module(dce,cse)
//
// RUN: ts-opt %s --cse --mlir-print-op-generic | filecheck %s --check-prefix=GENERIC
// GENERIC: %r = "arith.addi"(%a, %a) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
// RUN: ts-opt %s --cse -mlir-print-debuginfo | filecheck %s --check-prefix=DEBUGINFO
// DEBUGINFO: %r = arith.addi %a, %a : i32 loc("{{.*}}mlir-opt-flags.mlir":[[# @LINE + 33]]:3)
//
// RUN: ts-opt --show-dialects | filecheck %s --check-prefix=DIALECTS
// DIALECTS: Available Dialects: {{.*}}arith,{{.*}}func,{{.*}}ts{{,|$}}
//
// --mlir-pass-statistics: operations before and after each pass, erased and created.
// RUN: ts-opt %s --cse --mlir-pass-statistics -o /dev/null 2>&1 | filecheck %s --check-prefix=STATS
// RUN: ts-opt %s --pass-pipeline='builtin.module(func.func(cse))' --mlir-pass-statistics -o /dev/null 2>&1 \
// RUN:   | filecheck %s --check-prefix=NESTED
// STATS:      ... Pass statistics report ...
// STATS:      CommonSubexpressionElimination (cse)
// STATS-NEXT:   (S) 9 ops-in      - Number of operations before the pass
// STATS-NEXT:   (S) 7 ops-out     - Number of operations after the pass
// STATS-NEXT:   (S) 2 ops-erased  - Number of operations the pass erased
// STATS-NEXT:   (S) 0 ops-created - Number of operations the pass created
// NESTED:      'func.func' Pipeline
// NESTED-NEXT:   CommonSubexpressionElimination (cse)
// NESTED-NEXT:     (S) 9 ops-in
//
// Mistakes name the flag.
// RUN: not ts-opt %s --canonicalise 2>&1 | filecheck %s --check-prefix=TYPO
// RUN: not ts-opt %s --cse -p dce 2>&1 | filecheck %s --check-prefix=MIXED
// RUN: not ts-opt %s '--ts-specialize=shapes={' 2>&1 | filecheck %s --check-prefix=MALFORMED
// RUN: not ts-opt %s --cse=no-such-option 2>&1 | filecheck %s --check-prefix=NOOPT
// TYPO:      ts-opt: error: unknown option or pass '--canonicalise'; did you mean '--canonicalize'
// MIXED:     ts-opt: error: use one of -p, --pass-pipeline and pass flags (--cse ...), not -p and pass flags
// MALFORMED: ts-opt: error: malformed options in '--ts-specialize=shapes={': {{.*}}; write them as --ts-specialize="opt=value opt2=value"
// NOOPT:     ts-opt: error: pass 'cse' has no option 'no-such-option'; it takes no options

func.func @f(%x: i32) -> i32 {
  %a = arith.addi %x, %x : i32
  %b = arith.addi %x, %x : i32
  %unused = arith.muli %x, %x : i32
  %r = arith.addi %a, %b : i32
  func.return %r : i32
}

func.func @g(%x: !ts.tensor) -> !ts.tensor {
  %y = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}
