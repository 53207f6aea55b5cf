// Class types, objects, attribute access and calls.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

ts.class_type @__torch__.M {
  ts.attr "x" : !ts.int
}
func.func @get_undeclared_attr(%self: !ts.class<"__torch__.M">) {
  // expected-error @+1 {{class __torch__.M has no attribute 'y'}}
  %y = ts.get_attr %self["y"] : !ts.class<"__torch__.M"> -> !ts.int
  func.return
}

// -----

ts.class_type @__torch__.M {
  ts.attr "x" : !ts.int
}
func.func @get_attr_wrong_type(%self: !ts.class<"__torch__.M">) {
  // expected-error @+1 {{attribute 'x' has type !ts.int, not !ts.str}}
  %x = ts.get_attr %self["x"] : !ts.class<"__torch__.M"> -> !ts.str
  func.return
}

// -----

// Reading may generalise the declared type, not refine it.
ts.class_type @__torch__.M {
  ts.attr "x" : !ts.tensor
}
func.func @get_attr_refined(%self: !ts.class<"__torch__.M">) {
  // expected-error @+1 {{attribute 'x' has type !ts.tensor, not !ts.tensor<[2], f32>}}
  %x = ts.get_attr %self["x"] : !ts.class<"__torch__.M"> -> !ts.tensor<[2], f32>
  func.return
}

// -----

func.func @get_attr_of_tensor(%t: !ts.tensor) {
  // expected-error @+1 {{attributes belong to objects (!ts.class), not !ts.tensor}}
  %x = ts.get_attr %t["x"] : !ts.tensor -> !ts.int
  func.return
}

// -----

ts.class_type @__torch__.M {
  ts.attr "x" : !ts.int
}
func.func @set_undeclared_attr(%self: !ts.class<"__torch__.M">, %s: !ts.str) {
  // expected-error @+1 {{class __torch__.M has no attribute 'z'}}
  ts.set_attr %self["z"] = %s : !ts.class<"__torch__.M">, !ts.str
  func.return
}

// -----

ts.class_type @__torch__.M {
  ts.attr "x" : !ts.tensor<[2], f32>
}
func.func @set_attr_wrong_type(%self: !ts.class<"__torch__.M">, %t: !ts.tensor) {
  // expected-error @+1 {{attribute 'x' has type !ts.tensor<[2], f32>, not !ts.tensor}}
  ts.set_attr %self["x"] = %t : !ts.class<"__torch__.M">, !ts.tensor
  func.return
}

// -----

ts.class_type @__torch__.M {
  ts.attr "x" : !ts.int
}
%s = ts.constant "s"
// expected-error @+1 {{slot 'x' holds !ts.str, declared !ts.int}}
%m = ts.object "__torch__.M"("x" = %s) : (!ts.str)

// -----

ts.class_type @__torch__.M {
  ts.attr "x" : !ts.int
}
%s = ts.constant "s"
// expected-error @+1 {{class __torch__.M has no attribute 'y'}}
%m = ts.object "__torch__.M"("y" = %s) : (!ts.str)

// -----

%s = ts.constant "s"
// expected-error @+1 {{an object needs one uniquely named value per slot}}
%m = "ts.object"(%s) <{slot_names = ["a", "b"]}> : (!ts.str) -> !ts.class<"__torch__.M">

// -----

%s = ts.constant "s"
// expected-error @+1 {{an object needs one uniquely named value per slot}}
%m = "ts.object"(%s, %s) <{slot_names = ["a", "a"]}> : (!ts.str, !ts.str) -> !ts.class<"__torch__.M">

// -----

%s = ts.constant "s"
// expected-error @+1 {{expected 1 slot types, got 2}}
%m = ts.object "__torch__.M"("a" = %s) : (!ts.str, !ts.str) {note}

// -----

// (Operand and result constraints of the declarative formats are written in the generic form
// below: in the custom form they are checked while parsing, before the op has a location.)
func.func @object_of_non_class() {
  // expected-error @+1 {{!ts.int should be of base attribute ts.class}}
  %o = "ts.create_object"() : () -> !ts.int
  func.return
}

// -----

func.func @call_missing_function() {
  // expected-error @+1 {{'missing' does not name a function of this module}}
  ts.call_function @missing() : () -> ()
  func.return
}

// -----

func.func @g(%x: !ts.int) -> !ts.int {
  func.return %x : !ts.int
}
func.func @call_too_many_arguments(%x: !ts.int) {
  // expected-error @+1 {{'g' has type (!ts.int) -> !ts.int, called with 2 arguments and 1 results}}
  %r = ts.call_function @g(%x, %x) : (!ts.int, !ts.int) -> !ts.int
  func.return
}

// -----

func.func @g(%x: !ts.int) -> !ts.int {
  func.return %x : !ts.int
}
func.func @call_too_few_results(%x: !ts.int) {
  // expected-error @+1 {{'g' has type (!ts.int) -> !ts.int, called with 1 arguments and 0 results}}
  ts.call_function @g(%x) : (!ts.int) -> ()
  func.return
}

// -----

func.func @g(%x: !ts.int) -> !ts.int {
  func.return %x : !ts.int
}
func.func @call_wrong_argument_type(%x: !ts.str) {
  // expected-error @+1 {{argument #0 has type !ts.str, the function takes !ts.int}}
  %r = ts.call_function @g(%x) : (!ts.str) -> !ts.int
  func.return
}

// -----

ts.class_type @__torch__.M {
  ts.method "forward" = @__torch__.M.forward
}
func.func @__torch__.M.forward(%self: !ts.class<"__torch__.M">) {
  func.return
}
func.func @call_missing_method(%self: !ts.class<"__torch__.M">) {
  // expected-error @+1 {{class __torch__.M has no method 'backward'}}
  ts.call_method %self["backward"]() : (!ts.class<"__torch__.M">) -> ()
  func.return
}

// -----

ts.class_type @__torch__.M {
  ts.attr "forward" : !ts.int
}
func.func @call_attribute_as_method(%self: !ts.class<"__torch__.M">) {
  // expected-error @+1 {{class __torch__.M has no method 'forward'}}
  ts.call_method %self["forward"]() : (!ts.class<"__torch__.M">) -> ()
  func.return
}

// -----

func.func @call_method_on_tensor(%t: !ts.tensor) {
  // expected-error @+1 {{!ts.tensor should be of base attribute ts.class}}
  "ts.call_method"(%t) <{method_name = "forward"}> : (!ts.tensor) -> ()
  func.return
}

// -----

// expected-error @+1 {{'x' is declared twice in class __torch__.M}}
ts.class_type @__torch__.M {
  ts.attr "x" : !ts.int
  ts.attr "x" : !ts.float
}

// -----

// expected-error @+1 {{'forward' is declared twice in class __torch__.M}}
ts.class_type module @__torch__.M {
  ts.attr "forward" : !ts.int
  ts.method "forward" = @f
}

// -----

// expected-error @+1 {{'forward' is declared twice in class __torch__.M}}
ts.class_type @__torch__.M {
  ts.method "forward" = @f
  ts.method "forward" = @g
}

// -----

// expected-error @+1 {{a class type holds only ts.attr and ts.method, not ts.constant}}
ts.class_type @__torch__.M {
  %c = ts.constant 1
}

// -----

// expected-error @+1 {{'ts.attr' expects parent op 'ts.class_type'}}
ts.attr "x" : !ts.int

// -----

func.func @method_outside_class() {
  // expected-error @+1 {{'ts.method' expects parent op 'ts.class_type'}}
  ts.method "x" = @f
  func.return
}

// -----

func.func @pair() -> (!ts.int, !ts.str) {
  %i = ts.constant 1
  %s = ts.constant "a"
  func.return %i, %s : !ts.int, !ts.str
}
func.func @caller() {
  // expected-error @+1 {{result #0 has type !ts.str, the function returns !ts.int}}
  %a, %b = ts.call_function @pair() : () -> (!ts.str, !ts.tensor)
  func.return
}

// -----

ts.class_type @__torch__.K {
}
func.func @call_class() {
  // expected-error @+1 {{is a ts.class_type, not a function}}
  ts.call_function @__torch__.K() : () -> ()
  func.return
}
