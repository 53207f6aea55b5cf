// ts-cse: like xDSL's cse, but ops reading or giving values that are mutated in place are not
// merged (upstream cse merges the two relu(%x) across x.add_(1)); read-only list ops merge
// when no write lies between them.
// RUN: ts-opt %s -p ts-cse | filecheck %s
// RUN: ts-opt %s -p cse | filecheck %s --check-prefix=UPSTREAM

// CHECK-LABEL: func.func @f
// CHECK:         %a = ts.relu %x
// CHECK:         %w = ts.add_ %x, %one, %one
// CHECK-NEXT:    %b = ts.relu %x
// CHECK-NEXT:    %s = ts.add %a, %b, %one
// UPSTREAM-LABEL: func.func @f
// UPSTREAM:       %s = ts.add %a, %a, %one
func.func @f(%x: !ts.tensor, %c: !ts.bool) -> !ts.tensor {
  %l = ts.list.construct %x, %x : (!ts.tensor, !ts.tensor) -> !ts.list<!ts.tensor>
  %r = ts.relu %x : (!ts.tensor) -> !ts.tensor
  %t = ts.tuple.construct %x, %x : (!ts.tensor, !ts.tensor) -> !ts.tuple<!ts.tensor, !ts.tensor>
  %y = ts.if %c -> (!ts.tensor) {
    %z = ts.neg %x : (!ts.tensor) -> !ts.tensor
    ts.yield %x : !ts.tensor
  } else {
    ts.yield %x : !ts.tensor
  }
  %a = ts.relu %x : (!ts.tensor) -> !ts.tensor
  %one = ts.constant 1
  %w = ts.add_ %x, %one, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
  %b = ts.relu %x : (!ts.tensor) -> !ts.tensor
  %s = ts.add %a, %b, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %s : !ts.tensor
}

// CHECK-LABEL: func.func @g
// CHECK-NEXT:    %one = ts.constant 1
// CHECK-NEXT:    %none = ts.constant none
// CHECK-NEXT:    %s = ts.sigmoid %y
// CHECK-NEXT:    %z1 = ts.zeros
// CHECK-NEXT:    %z2 = ts.zeros
// CHECK-NEXT:    %w = ts.add_ %z1, %s, %one
// CHECK-NEXT:    %n = ts.len %l
// CHECK-NEXT:    ts.list.append %l, %one
// CHECK-NEXT:    %n3 = ts.len %l
// CHECK-NEXT:    func.return %s, %s, %w, %z2, %n, %n, %n3
func.func @g(%y: !ts.tensor, %l: !ts.list<!ts.int>, %sz: !ts.list<!ts.int>) -> (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.int, !ts.int, !ts.int) {
  %one = ts.constant 1
  %one2 = ts.constant 1
  %none = ts.constant none
  %s = ts.sigmoid %y : (!ts.tensor) -> !ts.tensor
  %s2 = ts.sigmoid %y : (!ts.tensor) -> !ts.tensor
  %z1 = ts.zeros %sz, %none : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor
  %z2 = ts.zeros %sz, %none : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor
  %w = ts.add_ %z1, %s, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  %n = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  %n2 = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  ts.list.append %l, %one2 : (!ts.list<!ts.int>, !ts.int) -> ()
  %n3 = ts.len %l : (!ts.list<!ts.int>) -> !ts.int
  func.return %s, %s2, %w, %z2, %n, %n2, %n3 : !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.int, !ts.int, !ts.int
}
