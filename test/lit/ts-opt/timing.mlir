// --timing (alias --mlir-timing) prints MLIR's execution time report to stderr:
// one row per pass, nested passes indented under their anchor's row, plus
// parsing, verification and output, and a total.
// RUN: ts-opt %s --pass-pipeline='builtin.module(func.func(canonicalize,cse),dce)' --timing \
// RUN:   -o %t 2>&1 | filecheck %s
// RUN: ts-opt %s -p canonicalize --mlir-timing -o %t 2>&1 | filecheck %s --check-prefix=FLAT
// RUN: ts-opt %s -p canonicalize --time-passes -o %t 2>&1 | filecheck %s --check-prefix=FLAT

// CHECK:      ===-------------------------------------------------------------------------===
// CHECK-NEXT:                          ... Execution time report ...
// CHECK-NEXT: ===-------------------------------------------------------------------------===
// CHECK-NEXT:   Total Execution Time: {{[0-9]+\.[0-9]+}} seconds
// CHECK-EMPTY:
// CHECK-NEXT:   ----Wall Time----  ----Name----
// CHECK-NEXT:   {{ *[0-9]+\.[0-9]+ \( *[0-9]+\.[0-9]%\)}}  Parser
// CHECK-NEXT:   {{.*}}  Verifier
// CHECK-NEXT:   {{.*}}  'func.func' Pipeline
// CHECK-NEXT:   {{.*}}    canonicalize
// CHECK-NEXT:   {{.*}}    cse
// CHECK-NEXT:   {{.*}}  dce
// CHECK-NEXT:   {{.*}}  Output
// CHECK-NEXT:   {{.*}}  Rest
// CHECK-NEXT:   {{.*}}(100.0%)  Total

// FLAT: Execution time report
// FLAT: {{^ +[0-9.]+ \( *[0-9.]+%\)  canonicalize$}}
// FLAT: (100.0%)  Total

func.func @f(%x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %a = arith.addi %x, %c0 : i32
  func.return %a : i32
}
