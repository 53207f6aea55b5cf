// Every op of the container table (lists, tuples, dicts, contains, len) prints as it parses
// (and survives the generic form). Element and result types may be refinements/supertypes as
// the verifiers allow: a static tensor goes into a list of !ts.tensor, a read element may be
// typed as an optional of the element type.
// RUN: ts-opt %s | filecheck %s --match-full-lines
// RUN: ts-opt %s | ts-opt | filecheck %s --match-full-lines
// RUN: ts-opt %s --print-op-generic | ts-opt | filecheck %s --match-full-lines

// CHECK-LABEL: func.func @lists(%a: !ts.tensor, %b: !ts.tensor<[2], f32>, %i: !ts.int, %l: !ts.list<!ts.tensor>, %ints: !ts.list<!ts.int>, %none: !ts.none, %oi: !ts.optional<!ts.int>) {
// CHECK-NEXT: %empty = ts.list.construct : () -> !ts.list<!ts.int>
// CHECK-NEXT: %lst = ts.list.construct %a, %b : (!ts.tensor, !ts.tensor<[2], f32>) -> !ts.list<!ts.tensor>
// CHECK-NEXT: %nested = ts.list.construct %lst, %l : (!ts.list<!ts.tensor>, !ts.list<!ts.tensor>) -> !ts.list<!ts.list<!ts.tensor>>
// CHECK-NEXT: %opts = ts.list.construct %a, %none : (!ts.tensor, !ts.none) -> !ts.list<!ts.optional<!ts.tensor>>
// CHECK-NEXT: %attr = ts.list.construct %i {note} : (!ts.int) -> !ts.list<!ts.int>
// CHECK-NEXT: %x, %y = ts.list.unpack %lst : (!ts.list<!ts.tensor>) -> (!ts.tensor, !ts.tensor)
// CHECK-NEXT: %e = ts.list.get %lst, %i : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor
// CHECK-NEXT: %eo = ts.list.get %ints, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.optional<!ts.int>
// CHECK-NEXT: ts.list.set %lst, %i, %b : (!ts.list<!ts.tensor>, !ts.int, !ts.tensor<[2], f32>) -> ()
// CHECK-NEXT: ts.list.append %lst, %a : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
// CHECK-NEXT: ts.list.append %opts, %none : (!ts.list<!ts.optional<!ts.tensor>>, !ts.none) -> ()
// CHECK-NEXT: ts.list.insert %ints, %i, %i : (!ts.list<!ts.int>, !ts.int, !ts.int) -> ()
// CHECK-NEXT: %p = ts.list.pop %lst, %i : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor
// CHECK-NEXT: ts.list.extend %lst, %l : (!ts.list<!ts.tensor>, !ts.list<!ts.tensor>) -> ()
// CHECK-NEXT: ts.list.clear %lst : (!ts.list<!ts.tensor>) -> ()
// CHECK-NEXT: ts.list.sort %ints : (!ts.list<!ts.int>) -> ()
// CHECK-NEXT: ts.list.reverse %lst {note} : (!ts.list<!ts.tensor>) -> ()
// CHECK-NEXT: %c = ts.list.copy %lst : (!ts.list<!ts.tensor>) -> !ts.list<!ts.tensor>
// CHECK-NEXT: %cat = ts.list.concat %ints, %ints : (!ts.list<!ts.int>, !ts.list<!ts.int>) -> !ts.list<!ts.int>
// CHECK-NEXT: %s1 = ts.list.slice %ints, %i, %none, %i : (!ts.list<!ts.int>, !ts.int, !ts.none, !ts.int) -> !ts.list<!ts.int>
// CHECK-NEXT: %s2 = ts.list.slice %ints, %oi, %oi, %i : (!ts.list<!ts.int>, !ts.optional<!ts.int>, !ts.optional<!ts.int>, !ts.int) -> !ts.list<!ts.int>
// CHECK-NEXT: func.return
func.func @lists(%a: !ts.tensor, %b: !ts.tensor<[2], f32>, %i: !ts.int, %l: !ts.list<!ts.tensor>, %ints: !ts.list<!ts.int>, %none: !ts.none, %oi: !ts.optional<!ts.int>) {
  %empty = ts.list.construct : () -> !ts.list<!ts.int>
  %lst = ts.list.construct %a, %b : (!ts.tensor, !ts.tensor<[2], f32>) -> !ts.list<!ts.tensor>
  %nested = ts.list.construct %lst, %l : (!ts.list<!ts.tensor>, !ts.list<!ts.tensor>) -> !ts.list<!ts.list<!ts.tensor>>
  %opts = ts.list.construct %a, %none : (!ts.tensor, !ts.none) -> !ts.list<!ts.optional<!ts.tensor>>
  %attr = ts.list.construct %i {note} : (!ts.int) -> !ts.list<!ts.int>
  %x, %y = ts.list.unpack %lst : (!ts.list<!ts.tensor>) -> (!ts.tensor, !ts.tensor)
  %e = ts.list.get %lst, %i : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor
  %eo = ts.list.get %ints, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.optional<!ts.int>
  ts.list.set %lst, %i, %b : (!ts.list<!ts.tensor>, !ts.int, !ts.tensor<[2], f32>) -> ()
  ts.list.append %lst, %a : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
  ts.list.append %opts, %none : (!ts.list<!ts.optional<!ts.tensor>>, !ts.none) -> ()
  ts.list.insert %ints, %i, %i : (!ts.list<!ts.int>, !ts.int, !ts.int) -> ()
  %p = ts.list.pop %lst, %i : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor
  ts.list.extend %lst, %l : (!ts.list<!ts.tensor>, !ts.list<!ts.tensor>) -> ()
  ts.list.clear %lst : (!ts.list<!ts.tensor>) -> ()
  ts.list.sort %ints : (!ts.list<!ts.int>) -> ()
  ts.list.reverse %lst {note} : (!ts.list<!ts.tensor>) -> ()
  %c = ts.list.copy %lst : (!ts.list<!ts.tensor>) -> !ts.list<!ts.tensor>
  %cat = ts.list.concat %ints, %ints : (!ts.list<!ts.int>, !ts.list<!ts.int>) -> !ts.list<!ts.int>
  %s1 = ts.list.slice %ints, %i, %none, %i : (!ts.list<!ts.int>, !ts.int, !ts.none, !ts.int) -> !ts.list<!ts.int>
  %s2 = ts.list.slice %ints, %oi, %oi, %i : (!ts.list<!ts.int>, !ts.optional<!ts.int>, !ts.optional<!ts.int>, !ts.int) -> !ts.list<!ts.int>
  func.return
}

// CHECK-LABEL: func.func @contains_and_len(%l: !ts.list<!ts.int>, %d: !ts.dict<!ts.str, !ts.tensor>, %s: !ts.str, %t: !ts.tensor<[3,4], f32>, %i: !ts.int) -> !ts.int {
// CHECK-NEXT: %in_list = ts.contains %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.bool
// CHECK-NEXT: %in_dict = ts.contains %d, %s : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.bool
// CHECK-NEXT: %in_str = ts.contains %s, %s : (!ts.str, !ts.str) -> !ts.bool
// CHECK-NEXT: %n1 = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
// CHECK-NEXT: %n2 = ts.len %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.int
// CHECK-NEXT: %n3 = ts.len %s : (!ts.str) -> !ts.int
// CHECK-NEXT: %n4 = ts.len %t {note} : (!ts.tensor<[3,4], f32>) -> !ts.int
// CHECK-NEXT: func.return %n4 : !ts.int
func.func @contains_and_len(%l: !ts.list<!ts.int>, %d: !ts.dict<!ts.str, !ts.tensor>, %s: !ts.str, %t: !ts.tensor<[3,4], f32>, %i: !ts.int) -> !ts.int {
  %in_list = ts.contains %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.bool
  %in_dict = ts.contains %d, %s : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.bool
  %in_str = ts.contains %s, %s : (!ts.str, !ts.str) -> !ts.bool
  %n1 = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  %n2 = ts.len %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.int
  %n3 = ts.len %s : (!ts.str) -> !ts.int
  %n4 = ts.len %t {note} : (!ts.tensor<[3,4], f32>) -> !ts.int
  func.return %n4 : !ts.int
}

// CHECK-LABEL: func.func @tuples(%a: !ts.tensor, %i: !ts.int, %s: !ts.str, %b: !ts.tensor<[2], f32>) -> !ts.tuple<!ts.int, !ts.str> {
// CHECK-NEXT: %empty = ts.tuple.construct : () -> !ts.tuple<>
// CHECK-NEXT: %t = ts.tuple.construct %i, %s : (!ts.int, !ts.str) -> !ts.tuple<!ts.int, !ts.str>
// CHECK-NEXT: %refined = ts.tuple.construct %b, %i : (!ts.tensor<[2], f32>, !ts.int) -> !ts.tuple<!ts.tensor, !ts.optional<!ts.int>>
// CHECK-NEXT: %nested = ts.tuple.construct %t, %a : (!ts.tuple<!ts.int, !ts.str>, !ts.tensor) -> !ts.tuple<!ts.tuple<!ts.int, !ts.str>, !ts.tensor>
// CHECK-NEXT: %x, %y = ts.tuple.unpack %t : (!ts.tuple<!ts.int, !ts.str>) -> (!ts.int, !ts.str)
// CHECK-NEXT: %u, %v = ts.tuple.unpack %refined {note} : (!ts.tuple<!ts.tensor, !ts.optional<!ts.int>>) -> (!ts.tensor, !ts.optional<!ts.int>)
// CHECK-NEXT: %one = ts.constant 1
// CHECK-NEXT: %minus_one = ts.constant -1
// CHECK-NEXT: %second = ts.tuple.index %t, %one : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
// CHECK-NEXT: %last = ts.tuple.index %t, %minus_one : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
// CHECK-NEXT: %inner = ts.tuple.index %nested, %minus_one : (!ts.tuple<!ts.tuple<!ts.int, !ts.str>, !ts.tensor>, !ts.int) -> !ts.tensor
// CHECK-NEXT: %dynamic = ts.tuple.index %t, %i : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.any
// CHECK-NEXT: func.return %t : !ts.tuple<!ts.int, !ts.str>
func.func @tuples(%a: !ts.tensor, %i: !ts.int, %s: !ts.str, %b: !ts.tensor<[2], f32>) -> !ts.tuple<!ts.int, !ts.str> {
  %empty = ts.tuple.construct : () -> !ts.tuple<>
  %t = ts.tuple.construct %i, %s : (!ts.int, !ts.str) -> !ts.tuple<!ts.int, !ts.str>
  %refined = ts.tuple.construct %b, %i : (!ts.tensor<[2], f32>, !ts.int) -> !ts.tuple<!ts.tensor, !ts.optional<!ts.int>>
  %nested = ts.tuple.construct %t, %a : (!ts.tuple<!ts.int, !ts.str>, !ts.tensor) -> !ts.tuple<!ts.tuple<!ts.int, !ts.str>, !ts.tensor>
  %x, %y = ts.tuple.unpack %t : (!ts.tuple<!ts.int, !ts.str>) -> (!ts.int, !ts.str)
  %u, %v = ts.tuple.unpack %refined {note} : (!ts.tuple<!ts.tensor, !ts.optional<!ts.int>>) -> (!ts.tensor, !ts.optional<!ts.int>)
  %one = ts.constant 1
  %minus_one = ts.constant -1
  %second = ts.tuple.index %t, %one : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
  %last = ts.tuple.index %t, %minus_one : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.str
  %inner = ts.tuple.index %nested, %minus_one : (!ts.tuple<!ts.tuple<!ts.int, !ts.str>, !ts.tensor>, !ts.int) -> !ts.tensor
  %dynamic = ts.tuple.index %t, %i : (!ts.tuple<!ts.int, !ts.str>, !ts.int) -> !ts.any
  func.return %t : !ts.tuple<!ts.int, !ts.str>
}

// CHECK-LABEL: func.func @dicts(%k: !ts.str, %v: !ts.tensor, %sv: !ts.tensor<[2], f32>, %ik: !ts.int, %f: !ts.float) {
// CHECK-NEXT: %empty = ts.dict.construct : () -> !ts.dict<!ts.str, !ts.tensor>
// CHECK-NEXT: %d = ts.dict.construct %k, %v, %k, %sv : (!ts.str, !ts.tensor, !ts.str, !ts.tensor<[2], f32>) -> !ts.dict<!ts.str, !ts.tensor>
// CHECK-NEXT: %di = ts.dict.construct %ik, %f {note} : (!ts.int, !ts.float) -> !ts.dict<!ts.int, !ts.float>
// CHECK-NEXT: %g = ts.dict.get %d, %k : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.tensor
// CHECK-NEXT: %go = ts.dict.get %di, %ik : (!ts.dict<!ts.int, !ts.float>, !ts.int) -> !ts.optional<!ts.float>
// CHECK-NEXT: %gd = ts.dict.get_default %d, %k, %sv : (!ts.dict<!ts.str, !ts.tensor>, !ts.str, !ts.tensor<[2], f32>) -> !ts.tensor
// CHECK-NEXT: ts.dict.set %d, %k, %v : (!ts.dict<!ts.str, !ts.tensor>, !ts.str, !ts.tensor) -> ()
// CHECK-NEXT: ts.dict.set %di, %ik, %f : (!ts.dict<!ts.int, !ts.float>, !ts.int, !ts.float) -> ()
// CHECK-NEXT: %p = ts.dict.pop %d, %k : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.tensor
// CHECK-NEXT: ts.dict.delete %d, %k : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> ()
// CHECK-NEXT: %keys = ts.dict.keys %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.list<!ts.str>
// CHECK-NEXT: %values = ts.dict.values %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.list<!ts.tensor>
// CHECK-NEXT: %items = ts.dict.items %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.list<!ts.tuple<!ts.str, !ts.tensor>>
// CHECK-NEXT: %ikeys = ts.dict.keys %di : (!ts.dict<!ts.int, !ts.float>) -> !ts.list<!ts.int>
// CHECK-NEXT: %ivalues = ts.dict.values %di : (!ts.dict<!ts.int, !ts.float>) -> !ts.list<!ts.float>
// CHECK-NEXT: %iitems = ts.dict.items %di : (!ts.dict<!ts.int, !ts.float>) -> !ts.list<!ts.tuple<!ts.int, !ts.float>>
// CHECK-NEXT: func.return
func.func @dicts(%k: !ts.str, %v: !ts.tensor, %sv: !ts.tensor<[2], f32>, %ik: !ts.int, %f: !ts.float) {
  %empty = ts.dict.construct : () -> !ts.dict<!ts.str, !ts.tensor>
  %d = ts.dict.construct %k, %v, %k, %sv : (!ts.str, !ts.tensor, !ts.str, !ts.tensor<[2], f32>) -> !ts.dict<!ts.str, !ts.tensor>
  %di = ts.dict.construct %ik, %f {note} : (!ts.int, !ts.float) -> !ts.dict<!ts.int, !ts.float>
  %g = ts.dict.get %d, %k : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.tensor
  %go = ts.dict.get %di, %ik : (!ts.dict<!ts.int, !ts.float>, !ts.int) -> !ts.optional<!ts.float>
  %gd = ts.dict.get_default %d, %k, %sv : (!ts.dict<!ts.str, !ts.tensor>, !ts.str, !ts.tensor<[2], f32>) -> !ts.tensor
  ts.dict.set %d, %k, %v : (!ts.dict<!ts.str, !ts.tensor>, !ts.str, !ts.tensor) -> ()
  ts.dict.set %di, %ik, %f : (!ts.dict<!ts.int, !ts.float>, !ts.int, !ts.float) -> ()
  %p = ts.dict.pop %d, %k : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.tensor
  ts.dict.delete %d, %k : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> ()
  %keys = ts.dict.keys %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.list<!ts.str>
  %values = ts.dict.values %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.list<!ts.tensor>
  %items = ts.dict.items %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.list<!ts.tuple<!ts.str, !ts.tensor>>
  %ikeys = ts.dict.keys %di : (!ts.dict<!ts.int, !ts.float>) -> !ts.list<!ts.int>
  %ivalues = ts.dict.values %di : (!ts.dict<!ts.int, !ts.float>) -> !ts.list<!ts.float>
  %iitems = ts.dict.items %di : (!ts.dict<!ts.int, !ts.float>) -> !ts.list<!ts.tuple<!ts.int, !ts.float>>
  func.return
}

