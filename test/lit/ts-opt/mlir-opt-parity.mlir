// The same command lines through mlir-opt and ts-opt: the flag spellings are mlir-opt's.
// REQUIRES: mlir-opt
// RUN: mlir-opt-19 %s -cse --canonicalize -mlir-print-op-generic -o - | filecheck %s
// RUN: ts-opt %s -cse --canonicalize -mlir-print-op-generic -o - | filecheck %s
// RUN: mlir-opt-19 %s -pass-pipeline='builtin.module(func.func(cse))' --mlir-print-op-generic -split-input-file | filecheck %s
// RUN: ts-opt %s -pass-pipeline='builtin.module(func.func(cse))' --mlir-print-op-generic -split-input-file | filecheck %s
// RUN: mlir-opt-19 - -cse -mlir-print-debuginfo < %s | filecheck %s --check-prefix=LOC
// RUN: ts-opt - -cse -mlir-print-debuginfo < %s | filecheck %s --check-prefix=LOC
// RUN: mlir-opt-19 %s -cse -mlir-pass-statistics -o %t 2>&1 | filecheck %s --check-prefix=STATS
// RUN: ts-opt %s -cse -mlir-pass-statistics -o %t 2>&1 | filecheck %s --check-prefix=STATS
// RUN: mlir-opt-19 --show-dialects | filecheck %s --check-prefix=DIALECTS
// RUN: ts-opt --show-dialects | filecheck %s --check-prefix=DIALECTS

// CHECK:     "func.func"()
// CHECK:     "arith.addi"(%{{.*}}, %{{.*}})
// CHECK-NOT: "arith.addi"(%{{.*}}, %{{.*}})
// CHECK:     "func.return"
// LOC:       arith.addi {{.*}} loc(
// STATS:     ... Pass statistics report ...
// DIALECTS:  Available Dialects: {{.*}}arith,{{.*}}func,

func.func @f(%x: i32) -> i32 {
  %a = arith.addi %x, %x : i32
  %b = arith.addi %x, %x : i32
  %r = arith.muli %a, %b : i32
  func.return %r : i32
}
