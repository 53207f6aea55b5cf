// Passes nested under an anchor run on each op of that name directly inside the
// parent, and the ops stay in place.  The example plugin rewrites `addi %x, %x`.
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --pass-pipeline='builtin.module(func.func(double-add,cse),dce)' \
// RUN:   | filecheck %s --check-prefix=FUNC
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --pass-pipeline='builtin.module(builtin.module(double-add))' \
// RUN:   | filecheck %s --check-prefix=MOD
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --pass-pipeline='builtin.module(any(double-add))' \
// RUN:   | filecheck %s --check-prefix=ANY
//
// --dump-pass-pipeline prints the canonical nested form (also for -p).
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py -o %t \
// RUN:   --dump-pass-pipeline --pass-pipeline='builtin.module( func.func( double-add{ use-shift = true } , cse ) )' \
// RUN:   2>&1 | filecheck %s --check-prefix=DUMP
// RUN: ts-opt %s -p 'canonicalize,cse' --dump-pass-pipeline -o %t 2>&1 \
// RUN:   | filecheck %s --check-prefix=DUMP-FLAT

// Top-level funcs are rewritten, in their original order; the call between
// them still verifies; the func inside the nested module is not touched.
// FUNC:      func.func @first(%x: i32) -> i32 {
// FUNC-NEXT:   %0 = arith.constant 2 : i32
// FUNC-NEXT:   %1 = arith.muli %x, %0 : i32
// FUNC:      builtin.module {
// FUNC-NEXT:   func.func @inner(%z: i32) -> i32 {
// FUNC-NEXT:     %0 = arith.addi %z, %z : i32
// FUNC:      func.func @last(%y: i32) -> i32 {
// FUNC-NEXT:   %0 = func.call @first(%y) : (i32) -> i32
// FUNC-NEXT:   %1 = arith.constant 2 : i32
// FUNC-NEXT:   %2 = arith.muli %0, %1 : i32

// Anchored on the nested module: only @inner changes.
// MOD:      func.func @first(%x: i32) -> i32 {
// MOD-NEXT:   %0 = arith.addi %x, %x : i32
// MOD:        func.func @inner(%z: i32) -> i32 {
// MOD-NEXT:     %0 = arith.constant 2 : i32
// MOD:      func.func @last(%y: i32) -> i32 {
// MOD:        arith.addi %0, %0 : i32

// `any` anchors on every isolated-from-above child: all three change.
// ANY:      func.func @first
// ANY-NEXT:   arith.constant 2 : i32
// ANY:      func.func @inner
// ANY-NEXT:   arith.constant 2 : i32
// ANY:      func.func @last
// ANY-NEXT:   func.call @first
// ANY-NEXT:   arith.constant 2 : i32

// DUMP: builtin.module(func.func(double-add{use-shift=true},cse))
// DUMP-FLAT: builtin.module(canonicalize,cse)

func.func @first(%x: i32) -> i32 {
  %0 = arith.addi %x, %x : i32
  func.return %0 : i32
}
builtin.module {
  func.func @inner(%z: i32) -> i32 {
    %0 = arith.addi %z, %z : i32
    func.return %0 : i32
  }
}
func.func @last(%y: i32) -> i32 {
  %0 = func.call @first(%y) : (i32) -> i32
  %1 = arith.addi %0, %0 : i32
  func.return %1 : i32
}
