// ts-inline: call_function and call_method are replaced by the callee's body, recursively,
// also inside ts.if / ts.loop / ts.fork bodies; callees stay; locations are kept.
// RUN: ts-opt %s -p ts-inline --split-input-file | filecheck %s
// RUN: ts-opt %s -p 'ts-inline{functions=only_me}' --split-input-file | filecheck %s --check-prefix=ONLY
// RUN: not ts-opt %S/Inputs/inline-errors.mlir -p ts-inline --split-input-file 2>&1 | filecheck %s --check-prefix=ERR

ts.class_type module @__torch__.Sub {
  ts.attr "w" : !ts.tensor parameter
  ts.method "forward" = @Sub.forward
}
ts.class_type module @__torch__.M {
  ts.attr "sub" : !ts.class<"__torch__.Sub">
  ts.method "forward" = @M.forward
}
func.func @double(%x: !ts.tensor) -> !ts.tensor {
  %one = ts.constant 1
  %y = ts.add %x, %x, %one {loc = "helpers.py:3:10"} : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %y : !ts.tensor
}
func.func @Sub.forward(%self: !ts.class<"__torch__.Sub">, %x: !ts.tensor) -> !ts.tensor {
  %w = ts.get_attr %self["w"] : !ts.class<"__torch__.Sub"> -> !ts.tensor
  %m = ts.mm %x, %w : (!ts.tensor, !ts.tensor) -> !ts.tensor
  %d = ts.call_function @double(%m) : (!ts.tensor) -> !ts.tensor
  func.return %d : !ts.tensor
}
// The callee stays, with its own calls inlined.
// CHECK-LABEL: func.func @Sub.forward
// CHECK-NEXT:    %w = ts.get_attr %self["w"]
// CHECK-NEXT:    %m = ts.mm %x, %w
// CHECK-NEXT:    %one = ts.constant 1
// CHECK-NEXT:    %y = ts.add %m, %m, %one {loc = "helpers.py:3:10"}
// CHECK-NEXT:    func.return %y
func.func @M.forward(%self: !ts.class<"__torch__.M">, %x: !ts.tensor, %c: !ts.bool) -> !ts.tensor {
  %sub = ts.get_attr %self["sub"] : !ts.class<"__torch__.M"> -> !ts.class<"__torch__.Sub">
  %r = ts.if %c -> (!ts.tensor) {
    %a = ts.call_method %sub["forward"] (%x) : (!ts.class<"__torch__.Sub">, !ts.tensor) -> !ts.tensor
    ts.yield %a : !ts.tensor
  } else {
    ts.yield %x : !ts.tensor
  }
  %fut = ts.fork -> !ts.future<!ts.tensor> {
    %f = ts.call_function @double(%r) : (!ts.tensor) -> !ts.tensor
    ts.yield %f : !ts.tensor
  }
  %v = ts.wait %fut : !ts.future<!ts.tensor>
  func.return %v : !ts.tensor
}
// CHECK-LABEL: func.func @M.forward
// CHECK:         %r = ts.if %c -> (!ts.tensor) {
// CHECK-NEXT:      %w = ts.get_attr %sub["w"]
// CHECK-NEXT:      %m = ts.mm %x, %w
// CHECK-NEXT:      %one = ts.constant 1
// CHECK-NEXT:      %y = ts.add %m, %m, %one
// CHECK-NEXT:      ts.yield %y
// CHECK:         %fut = ts.fork -> !ts.future<!ts.tensor> {
// CHECK-NEXT:      %one_1 = ts.constant 1
// CHECK-NEXT:      %y_1 = ts.add %r, %r, %one_1
// CHECK-NEXT:      ts.yield %y_1
// CHECK-NOT:     ts.call_

// -----

// A more precisely typed return value reaches the call's uses through a cast; loops too.
func.func @precise(%x: !ts.tensor) -> !ts.tensor<[2], f32> {
  %c = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  func.return %c : !ts.tensor<[2], f32>
}
func.func @only_me(%x: !ts.tensor, %n: !ts.int) -> !ts.tensor {
  %t = ts.constant true
  %r = ts.loop %n, %t iter(%i, %acc = %x) : (!ts.tensor) {
    %p = ts.call_function @precise(%acc) : (!ts.tensor) -> !ts.tensor
    ts.condition %t, %p : !ts.tensor
  }
  func.return %r : !ts.tensor
}
func.func @untouched(%x: !ts.tensor) -> !ts.tensor<[2], f32> {
  %p = ts.call_function @precise(%x) : (!ts.tensor) -> !ts.tensor<[2], f32>
  func.return %p : !ts.tensor<[2], f32>
}
// CHECK-LABEL: func.func @only_me
// CHECK:         %c = ts.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %p = ts.unchecked_cast %c : !ts.tensor<[2], f32> to !ts.tensor
// CHECK-NEXT:    ts.condition %t, %p
// CHECK-LABEL: func.func @untouched
// CHECK-NEXT:    %c = ts.constant
// CHECK-NEXT:    func.return %c
// ONLY-LABEL: func.func @only_me
// ONLY-NOT:     ts.call_function
// ONLY-LABEL: func.func @untouched
// ONLY-NEXT:    ts.call_function @precise
// ERR: inline-errors.mlir:6:3: error: cannot inline recursive call chain f -> g -> f
// ERR: inline-errors.mlir:13:3: error: cannot inline method 'forward': the class of receiver type !ts.class<"__torch__.Unknown"> is not declared
// ERR: inline-errors.mlir:21:3: error: cannot inline call to @ext: no function body in the module

// -----

// A callee that returns one of its arguments: the call's result is the call's operand (this
// used to leave the callee's dead argument behind, and the caller did not verify).
func.func @identity(%a: !ts.tensor) -> !ts.tensor {
  func.return %a : !ts.tensor
}
// CHECK-LABEL: func.func @passes_through(%x: !ts.tensor) -> !ts.tensor {
// CHECK-NEXT:    func.return %x : !ts.tensor
func.func @passes_through(%x: !ts.tensor) -> !ts.tensor {
  %y = ts.call_function @identity(%x) : (!ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}
