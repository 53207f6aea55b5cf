// Classes, objects, attribute access and calls print as they parse (and survive the generic form).
// RUN: ts-opt %s | filecheck %s --match-full-lines
// RUN: ts-opt %s | ts-opt | filecheck %s --match-full-lines
// RUN: ts-opt %s --print-op-generic | ts-opt | filecheck %s --match-full-lines

// A module type with parameters, buffers, plain attributes (including a submodule) and methods.
// CHECK:      ts.class_type module @__torch__.Net {
// CHECK-NEXT:   ts.attr "weight" : !ts.tensor<[4,3], f32> parameter
// CHECK-NEXT:   ts.attr "bias" : !ts.optional<!ts.tensor> parameter
// CHECK-NEXT:   ts.attr "running_mean" : !ts.tensor<[4], f32> buffer
// CHECK-NEXT:   ts.attr "training" : !ts.bool
// CHECK-NEXT:   ts.attr "count" : !ts.int {note = "mutable"}
// CHECK-NEXT:   ts.attr "sub" : !ts.class<"__torch__.Sub">
// CHECK-NEXT:   ts.attr "cache" : !ts.dict<!ts.str, !ts.tensor>
// CHECK-NEXT:   ts.method "forward" = @__torch__.Net.forward
// CHECK-NEXT:   ts.method "helper" = @__torch__.Net.helper {note}
// CHECK-NEXT:   ts.method "reset" = @__torch__.Net.reset
// CHECK-NEXT: }
ts.class_type module @__torch__.Net {
  ts.attr "weight" : !ts.tensor<[4,3], f32> parameter
  ts.attr "bias" : !ts.optional<!ts.tensor> parameter
  ts.attr "running_mean" : !ts.tensor<[4], f32> buffer
  ts.attr "training" : !ts.bool
  ts.attr "count" : !ts.int {note = "mutable"}
  ts.attr "sub" : !ts.class<"__torch__.Sub">
  ts.attr "cache" : !ts.dict<!ts.str, !ts.tensor>
  ts.method "forward" = @__torch__.Net.forward
  ts.method "helper" = @__torch__.Net.helper {note}
  ts.method "reset" = @__torch__.Net.reset
}

// A plain (non-module) class, and one with an empty body.
// CHECK:      ts.class_type @__torch__.Sub {
// CHECK-NEXT:   ts.attr "scale" : !ts.float
// CHECK-NEXT:   ts.method "__call__" = @__torch__.Sub.call
// CHECK-NEXT: }
// CHECK-NEXT: ts.class_type @__torch__.Empty attributes {doc = "nothing"} {
// (An empty body currently prints an explicit `^bb0:` label; either form is accepted here.)
ts.class_type @__torch__.Sub {
  ts.attr "scale" : !ts.float
  ts.method "__call__" = @__torch__.Sub.call
}
ts.class_type @__torch__.Empty attributes {doc = "nothing"} {
}

// Objects list their slots by name; slots may hold refinements of the declared types,
// and an object may set only some of its attributes.
// CHECK:      }
// CHECK-NEXT: %w0 = ts.constant dense<1.000000e+00> : tensor<4x3xf32>
// CHECK-NEXT: %b0 = ts.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %rm = ts.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %false = ts.constant false
// CHECK-NEXT: %zero = ts.constant 0
// CHECK-NEXT: %half = ts.constant 0.5
// CHECK-NEXT: %sub0 = ts.object "__torch__.Sub"("scale" = %half) : (!ts.float)
// CHECK-NEXT: %net = ts.object "__torch__.Net"("weight" = %w0, "bias" = %b0, "running_mean" = %rm, "training" = %false, "count" = %zero, "sub" = %sub0) : (!ts.tensor<[4,3], f32>, !ts.tensor<[4], f32>, !ts.tensor<[4], f32>, !ts.bool, !ts.int, !ts.class<"__torch__.Sub">)
// CHECK-NEXT: %empty = ts.object "__torch__.Empty"()
// CHECK-NEXT: %partial = ts.object "__torch__.Sub"() {note}
// CHECK-NEXT: %undeclared = ts.object "__torch__.Elsewhere"("x" = %zero) : (!ts.int)
%w0 = ts.constant dense<1.0> : tensor<4x3xf32>
%b0 = ts.constant dense<0.0> : tensor<4xf32>
%rm = ts.constant dense<0.0> : tensor<4xf32>
%false = ts.constant false
%zero = ts.constant 0
%half = ts.constant 0.5
%sub0 = ts.object "__torch__.Sub"("scale" = %half) : (!ts.float)
%net = ts.object "__torch__.Net"("weight" = %w0, "bias" = %b0, "running_mean" = %rm, "training" = %false, "count" = %zero, "sub" = %sub0) : (!ts.tensor<[4,3], f32>, !ts.tensor<[4], f32>, !ts.tensor<[4], f32>, !ts.bool, !ts.int, !ts.class<"__torch__.Sub">)
%empty = ts.object "__torch__.Empty"()
%partial = ts.object "__torch__.Sub"() {note}
// A class declared in another module is not checked.
%undeclared = ts.object "__torch__.Elsewhere"("x" = %zero) : (!ts.int)

// get_attr may read into a supertype of the declared type; set_attr may store a refinement.
// call_method's type lists the object first; it prints a space before the argument list.
// CHECK-LABEL: func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: !ts.tensor<[?,3], f32>, %other: !ts.class<"__torch__.Elsewhere">) -> !ts.tensor {
// CHECK-NEXT:    %w = ts.get_attr %self["weight"] : !ts.class<"__torch__.Net"> -> !ts.tensor<[4,3], f32>
// CHECK-NEXT:    %w_any = ts.get_attr %self["weight"] : !ts.class<"__torch__.Net"> -> !ts.tensor
// CHECK-NEXT:    %bias = ts.get_attr %self["bias"] : !ts.class<"__torch__.Net"> -> !ts.optional<!ts.tensor>
// CHECK-NEXT:    %sub = ts.get_attr %self["sub"] : !ts.class<"__torch__.Net"> -> !ts.class<"__torch__.Sub">
// CHECK-NEXT:    %scale = ts.get_attr %sub["scale"] {note} : !ts.class<"__torch__.Sub"> -> !ts.float
// CHECK-NEXT:    %n = ts.get_attr %self["count"] : !ts.class<"__torch__.Net"> -> !ts.int
// CHECK-NEXT:    %one = ts.constant 1
// CHECK-NEXT:    %n1 = ts.scalar.add %n, %one : (!ts.int, !ts.int) -> !ts.int
// CHECK-NEXT:    ts.set_attr %self["count"] = %n1 : !ts.class<"__torch__.Net">, !ts.int
// CHECK-NEXT:    ts.set_attr %self["bias"] = %x : !ts.class<"__torch__.Net">, !ts.tensor<[?,3], f32>
// CHECK-NEXT:    ts.set_attr %sub["scale"] = %scale {note} : !ts.class<"__torch__.Sub">, !ts.float
// CHECK-NEXT:    %y = ts.call_method %self["helper"] (%x, %n1) : (!ts.class<"__torch__.Net">, !ts.tensor<[?,3], f32>, !ts.int) -> !ts.tensor
// CHECK-NEXT:    %z = ts.call_method %sub["__call__"] (%y) : (!ts.class<"__torch__.Sub">, !ts.tensor) -> !ts.tensor
// CHECK-NEXT:    ts.call_method %self["reset"] () {note} : (!ts.class<"__torch__.Net">) -> ()
// CHECK-NEXT:    %p, %q = ts.call_method %other["pair"] (%y) : (!ts.class<"__torch__.Elsewhere">, !ts.tensor) -> (!ts.tensor, !ts.int)
// CHECK-NEXT:    func.return %z : !ts.tensor
func.func @__torch__.Net.forward(%self: !ts.class<"__torch__.Net">, %x: !ts.tensor<[?,3], f32>,
                                 %other: !ts.class<"__torch__.Elsewhere">) -> !ts.tensor {
  %w = ts.get_attr %self["weight"] : !ts.class<"__torch__.Net"> -> !ts.tensor<[4,3], f32>
  %w_any = ts.get_attr %self["weight"] : !ts.class<"__torch__.Net"> -> !ts.tensor
  %bias = ts.get_attr %self["bias"] : !ts.class<"__torch__.Net"> -> !ts.optional<!ts.tensor>
  %sub = ts.get_attr %self["sub"] : !ts.class<"__torch__.Net"> -> !ts.class<"__torch__.Sub">
  %scale = ts.get_attr %sub["scale"] {note} : !ts.class<"__torch__.Sub"> -> !ts.float
  %n = ts.get_attr %self["count"] : !ts.class<"__torch__.Net"> -> !ts.int
  %one = ts.constant 1
  %n1 = ts.scalar.add %n, %one : (!ts.int, !ts.int) -> !ts.int
  ts.set_attr %self["count"] = %n1 : !ts.class<"__torch__.Net">, !ts.int
  ts.set_attr %self["bias"] = %x : !ts.class<"__torch__.Net">, !ts.tensor<[?,3], f32>
  ts.set_attr %sub["scale"] = %scale {note} : !ts.class<"__torch__.Sub">, !ts.float
  %y = ts.call_method %self["helper"](%x, %n1) : (!ts.class<"__torch__.Net">, !ts.tensor<[?,3], f32>, !ts.int) -> !ts.tensor
  %z = ts.call_method %sub["__call__"](%y) : (!ts.class<"__torch__.Sub">, !ts.tensor) -> !ts.tensor
  ts.call_method %self["reset"]() {note} : (!ts.class<"__torch__.Net">) -> ()
  %p, %q = ts.call_method %other["pair"](%y) : (!ts.class<"__torch__.Elsewhere">, !ts.tensor) -> (!ts.tensor, !ts.int)
  func.return %z : !ts.tensor
}

// CHECK-LABEL: func.func @__torch__.Net.helper(%self: !ts.class<"__torch__.Net">, %x: !ts.tensor, %n: !ts.int) -> !ts.tensor {
func.func @__torch__.Net.helper(%self: !ts.class<"__torch__.Net">, %x: !ts.tensor, %n: !ts.int) -> !ts.tensor {
  func.return %x : !ts.tensor
}

// CHECK-LABEL: func.func @__torch__.Net.reset(%self: !ts.class<"__torch__.Net">) {
func.func @__torch__.Net.reset(%self: !ts.class<"__torch__.Net">) {
  func.return
}

// CHECK-LABEL: func.func @__torch__.Sub.call(%self: !ts.class<"__torch__.Sub">, %x: !ts.tensor) -> !ts.tensor {
func.func @__torch__.Sub.call(%self: !ts.class<"__torch__.Sub">, %x: !ts.tensor) -> !ts.tensor {
  func.return %x : !ts.tensor
}

// prim::CreateObject, then attributes set one by one.
// CHECK-LABEL: func.func @create(%s: !ts.float) -> !ts.class<"__torch__.Sub"> {
// CHECK-NEXT:    %o = ts.create_object : !ts.class<"__torch__.Sub">
// CHECK-NEXT:    ts.set_attr %o["scale"] = %s : !ts.class<"__torch__.Sub">, !ts.float
// CHECK-NEXT:    %o2 = ts.create_object {note} : !ts.class<"__torch__.Empty">
// CHECK-NEXT:    func.return %o : !ts.class<"__torch__.Sub">
func.func @create(%s: !ts.float) -> !ts.class<"__torch__.Sub"> {
  %o = ts.create_object : !ts.class<"__torch__.Sub">
  ts.set_attr %o["scale"] = %s : !ts.class<"__torch__.Sub">, !ts.float
  %o2 = ts.create_object {note} : !ts.class<"__torch__.Empty">
  func.return %o : !ts.class<"__torch__.Sub">
}

// Calls may pass refinements of the parameter types, and have any number of results.
// CHECK-LABEL: func.func @calls(%o: !ts.class<"__torch__.Sub">, %t: !ts.tensor<[2], f32>) {
// CHECK-NEXT:    %r = ts.call_function @__torch__.Sub.call(%o, %t) : (!ts.class<"__torch__.Sub">, !ts.tensor<[2], f32>) -> !ts.tensor
// CHECK-NEXT:    %a, %b = ts.call_function @pair() : () -> (!ts.int, !ts.str)
// CHECK-NEXT:    ts.call_function @nothing() {note} : () -> ()
// CHECK-NEXT:    func.return
func.func @calls(%o: !ts.class<"__torch__.Sub">, %t: !ts.tensor<[2], f32>) {
  %r = ts.call_function @__torch__.Sub.call(%o, %t) : (!ts.class<"__torch__.Sub">, !ts.tensor<[2], f32>) -> !ts.tensor
  %a, %b = ts.call_function @pair() : () -> (!ts.int, !ts.str)
  ts.call_function @nothing() {note} : () -> ()
  func.return
}

// CHECK-LABEL: func.func @pair() -> (!ts.int, !ts.str) {
func.func @pair() -> (!ts.int, !ts.str) {
  %i = ts.constant 1
  %s = ts.constant "s"
  func.return %i, %s : !ts.int, !ts.str
}

// CHECK-LABEL: func.func @nothing() {
func.func @nothing() {
  func.return
}
