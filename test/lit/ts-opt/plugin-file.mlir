// --load-pass-plugin=FILE.py registers every ModulePass subclass the file defines;
// here the example plugin in examples/plugins/, in both pipeline forms.
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py -p double-add,cse \
// RUN:   | filecheck %s
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --pass-pipeline='builtin.module(func.func(double-add),cse)' | filecheck %s
//
// The flag is repeatable; passes from several plugins share one pipeline.
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   --load-pass-plugin=%S/Inputs/diag_plugin.py -p double-add,test-emit-diagnostics \
// RUN:   | filecheck %s
//
// Plugin passes show up in --list-passes, with their options.
// RUN: ts-opt --load-pass-plugin=%examples/plugins/double_add.py --list-passes \
// RUN:   | filecheck %s --check-prefix=LIST
// LIST: {{^}}cse{{$}}
// LIST: {{^}}double-add{use-shift: bool = false, remarks: bool = false}{{$}}
//
// Its remarks are ordinary diagnostics: --verify-diagnostics matches them.
// RUN: ts-opt %s --load-pass-plugin=%examples/plugins/double_add.py \
// RUN:   -p 'double-add{remarks=true}' --verify-diagnostics -o %t

// CHECK-LABEL: func.func @twice(%x: i32, %y: i64) -> (i32, i64, i32) {
// CHECK-NEXT:    %[[TWO:.*]] = arith.constant 2 : i32
// CHECK-NEXT:    %[[A:.*]] = arith.muli %x, %[[TWO]] : i32
// CHECK-NEXT:    %[[TWO64:.*]] = arith.constant 2 : i64
// CHECK-NEXT:    %[[B:.*]] = arith.muli %y, %[[TWO64]] : i64
// CHECK-NEXT:    %[[C:.*]] = arith.addi %x, %[[A]] : i32
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[C]] : i32, i64, i32

func.func @twice(%x: i32, %y: i64) -> (i32, i64, i32) {
  // expected-remark @below {{rewrote arith.addi into arith.muli}}
  %a = arith.addi %x, %x : i32
  %b = arith.addi %y, %y : i64  // expected-remark {{rewrote arith.addi into arith.muli}}
  %c = arith.addi %x, %a : i32
  func.return %a, %b, %c : i32, i64, i32
}
