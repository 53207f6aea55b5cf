// Exceptions, printing, type tests and casts, string formatting and the generic op print as
// they parse (and survive the generic form).
// RUN: ts-opt %s | filecheck %s --match-full-lines
// RUN: ts-opt %s | ts-opt | filecheck %s --match-full-lines
// RUN: ts-opt %s --print-op-generic | ts-opt | filecheck %s --match-full-lines

// CHECK-LABEL: func.func @raise_print_warn(%msg: !ts.str, %x: !ts.tensor, %n: !ts.int) {
// CHECK-NEXT: ts.print %msg, %x, %n : !ts.str, !ts.tensor, !ts.int
// CHECK-NEXT: ts.print %msg : !ts.str
// CHECK-NEXT: ts.print
// CHECK-NEXT: ts.print {note}
// CHECK-NEXT: ts.print %msg : !ts.str {note}
// CHECK-NEXT: ts.warn %msg
// CHECK-NEXT: ts.warn %msg {stacklevel = 2 : i64}
// CHECK-NEXT: ts.raise %msg, "builtins.ValueError"
// CHECK-NEXT: ts.raise %msg, "torch.jit.Error" {note}
// CHECK-NEXT: func.return
func.func @raise_print_warn(%msg: !ts.str, %x: !ts.tensor, %n: !ts.int) {
  ts.print %msg, %x, %n : !ts.str, !ts.tensor, !ts.int
  ts.print %msg : !ts.str
  ts.print
  ts.print {note}
  ts.print %msg : !ts.str {note}
  ts.warn %msg
  ts.warn %msg {stacklevel = 2 : i64}
  ts.raise %msg, "builtins.ValueError"
  ts.raise %msg, "torch.jit.Error" {note}
  func.return
}

// CHECK-LABEL: func.func @type_tests(%any: !ts.any, %opt: !ts.optional<!ts.tensor>, %u: !ts.union<!ts.int, !ts.str>, %none: !ts.none, %t: !ts.tensor) -> !ts.bool {
// CHECK-NEXT: %isint = ts.isinstance %any, [!ts.int] : !ts.any
// CHECK-NEXT: %many = ts.isinstance %u, [!ts.int, !ts.list<!ts.tensor>, !ts.tuple<!ts.int, !ts.str>] : !ts.union<!ts.int, !ts.str>
// CHECK-NEXT: %attr = ts.isinstance %t, [!ts.tensor<[2], f32>] {note} : !ts.tensor
// CHECK-NEXT: %isnone = ts.is %opt, %none : !ts.optional<!ts.tensor>, !ts.none
// CHECK-NEXT: %notnone = ts.isnot %opt, %none : !ts.optional<!ts.tensor>, !ts.none
// CHECK-NEXT: %same = ts.is %t, %t {note} : !ts.tensor, !ts.tensor
// CHECK-NEXT: %diff = ts.isnot %any, %u : !ts.any, !ts.union<!ts.int, !ts.str>
// CHECK-NEXT: func.return %isnone : !ts.bool
func.func @type_tests(%any: !ts.any, %opt: !ts.optional<!ts.tensor>, %u: !ts.union<!ts.int, !ts.str>, %none: !ts.none, %t: !ts.tensor) -> !ts.bool {
  %isint = ts.isinstance %any, [!ts.int] : !ts.any
  %many = ts.isinstance %u, [!ts.int, !ts.list<!ts.tensor>, !ts.tuple<!ts.int, !ts.str>] : !ts.union<!ts.int, !ts.str>
  %attr = ts.isinstance %t, [!ts.tensor<[2], f32>] {note} : !ts.tensor
  %isnone = ts.is %opt, %none : !ts.optional<!ts.tensor>, !ts.none
  %notnone = ts.isnot %opt, %none : !ts.optional<!ts.tensor>, !ts.none
  %same = ts.is %t, %t {note} : !ts.tensor, !ts.tensor
  %diff = ts.isnot %any, %u : !ts.any, !ts.union<!ts.int, !ts.str>
  func.return %isnone : !ts.bool
}

// CHECK-LABEL: func.func @casts(%any: !ts.any, %opt: !ts.optional<!ts.tensor>, %u: !ts.union<!ts.int, !ts.str>, %t: !ts.tensor, %l: !ts.list<!ts.int>) {
// CHECK-NEXT: %i = ts.unchecked_cast %any : !ts.any to !ts.int
// CHECK-NEXT: %nt = ts.unchecked_cast %opt : !ts.optional<!ts.tensor> to !ts.tensor
// CHECK-NEXT: %s = ts.unchecked_cast %u : !ts.union<!ts.int, !ts.str> to !ts.str
// CHECK-NEXT: %refined = ts.unchecked_cast %t : !ts.tensor to !ts.tensor<[2,3], f32>
// CHECK-NEXT: %widened = ts.unchecked_cast %refined {note} : !ts.tensor<[2,3], f32> to !ts.tensor
// CHECK-NEXT: %up = ts.unchecked_cast %l : !ts.list<!ts.int> to !ts.any
// CHECK-NEXT: %same = ts.unchecked_cast %t : !ts.tensor to !ts.tensor
// CHECK-NEXT: func.return
func.func @casts(%any: !ts.any, %opt: !ts.optional<!ts.tensor>, %u: !ts.union<!ts.int, !ts.str>, %t: !ts.tensor, %l: !ts.list<!ts.int>) {
  %i = ts.unchecked_cast %any : !ts.any to !ts.int
  %nt = ts.unchecked_cast %opt : !ts.optional<!ts.tensor> to !ts.tensor
  %s = ts.unchecked_cast %u : !ts.union<!ts.int, !ts.str> to !ts.str
  %refined = ts.unchecked_cast %t : !ts.tensor to !ts.tensor<[2,3], f32>
  %widened = ts.unchecked_cast %refined {note} : !ts.tensor<[2,3], f32> to !ts.tensor
  %up = ts.unchecked_cast %l : !ts.list<!ts.int> to !ts.any
  %same = ts.unchecked_cast %t : !ts.tensor to !ts.tensor
  func.return
}

// CHECK-LABEL: func.func @uninitialized() {
// CHECK-NEXT: %t = ts.uninitialized : !ts.tensor
// CHECK-NEXT: %i = ts.uninitialized : !ts.int
// CHECK-NEXT: %l = ts.uninitialized {note} : !ts.list<!ts.optional<!ts.str>>
// CHECK-NEXT: %c = ts.uninitialized : !ts.class<"__torch__.M">
// CHECK-NEXT: func.return
func.func @uninitialized() {
  %t = ts.uninitialized : !ts.tensor
  %i = ts.uninitialized : !ts.int
  %l = ts.uninitialized {note} : !ts.list<!ts.optional<!ts.str>>
  %c = ts.uninitialized : !ts.class<"__torch__.M">
  func.return
}

// CHECK-LABEL: func.func @strings(%fmt: !ts.str, %i: !ts.int, %f: !ts.float, %t: !ts.tensor, %l: !ts.list<!ts.int>) -> !ts.str {
// CHECK-NEXT: %s0 = ts.str.format %fmt
// CHECK-NEXT: %s1 = ts.str.format %fmt, %i : !ts.int
// CHECK-NEXT: %s3 = ts.str.format %fmt, %i, %f, %t : !ts.int, !ts.float, !ts.tensor
// CHECK-NEXT: %s4 = ts.str.format %fmt {note}
// CHECK-NEXT: %s5 = ts.str.format %fmt, %l : !ts.list<!ts.int> {note}
// CHECK-NEXT: %a = ts.str.of %i : !ts.int
// CHECK-NEXT: %b = ts.str.of %t : !ts.tensor
// CHECK-NEXT: %c = ts.str.of %l {note} : !ts.list<!ts.int>
// CHECK-NEXT: %d = ts.str.of %fmt : !ts.str
// CHECK-NEXT: func.return %s3 : !ts.str
func.func @strings(%fmt: !ts.str, %i: !ts.int, %f: !ts.float, %t: !ts.tensor, %l: !ts.list<!ts.int>) -> !ts.str {
  %s0 = ts.str.format %fmt
  %s1 = ts.str.format %fmt, %i : !ts.int
  %s3 = ts.str.format %fmt, %i, %f, %t : !ts.int, !ts.float, !ts.tensor
  %s4 = ts.str.format %fmt {note}
  %s5 = ts.str.format %fmt, %l : !ts.list<!ts.int> {note}
  %a = ts.str.of %i : !ts.int
  %b = ts.str.of %t : !ts.tensor
  %c = ts.str.of %l {note} : !ts.list<!ts.int>
  %d = ts.str.of %fmt : !ts.str
  func.return %s3 : !ts.str
}

// CHECK-LABEL: func.func @generic(%x: !ts.tensor, %i: !ts.int, %any: !ts.any) -> !ts.tensor {
// CHECK-NEXT: %y = ts.generic "aten::foo"(%x, %i) : (!ts.tensor, !ts.int) -> !ts.tensor
// CHECK-NEXT: %a, %b = ts.generic "aten::two_results"(%x) : (!ts.tensor) -> (!ts.tensor, !ts.list<!ts.int>)
// CHECK-NEXT: ts.generic "prim::SideEffect"() : () -> ()
// CHECK-NEXT: %z = ts.generic "aten::__interpolate.scale_list"(%y, %any) {note} : (!ts.tensor, !ts.any) -> !ts.tensor
// CHECK-NEXT: %w = ts.generic "my.custom::op"() : () -> !ts.tensor<[2], f32>
// CHECK-NEXT: func.return %y : !ts.tensor
func.func @generic(%x: !ts.tensor, %i: !ts.int, %any: !ts.any) -> !ts.tensor {
  %y = ts.generic "aten::foo"(%x, %i) : (!ts.tensor, !ts.int) -> !ts.tensor
  %a, %b = ts.generic "aten::two_results"(%x) : (!ts.tensor) -> (!ts.tensor, !ts.list<!ts.int>)
  ts.generic "prim::SideEffect"() : () -> ()
  %z = ts.generic "aten::__interpolate.scale_list"(%y, %any) {note} : (!ts.tensor, !ts.any) -> !ts.tensor
  %w = ts.generic "my.custom::op"() : () -> !ts.tensor<[2], f32>
  func.return %y : !ts.tensor
}

