// ts-dce: xDSL's dce plus lists that never escape (only written into) and their writes;
// ops with effects (print, append to a list that is read) stay.
// RUN: ts-opt %s -p ts-dce | filecheck %s
// RUN: ts-opt %s -p dce | filecheck %s --check-prefix=UPSTREAM

// CHECK-LABEL: func.func @f
// CHECK-NEXT:    %k = ts.list.construct %x
// CHECK-NEXT:    ts.list.append %k, %x
// CHECK-NEXT:    %n = ts.len %k
// CHECK-NEXT:    ts.print %n
// CHECK-NEXT:    func.return %x
// UPSTREAM-LABEL: func.func @f
// UPSTREAM-NEXT:    %l = ts.list.construct %x, %x
// UPSTREAM-NEXT:    ts.list.append %l, %x
func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %l = ts.list.construct %x, %x : (!ts.tensor, !ts.tensor) -> !ts.list<!ts.tensor>
  ts.list.append %l, %x : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
  %k = ts.list.construct %x : (!ts.tensor) -> !ts.list<!ts.tensor>
  ts.list.append %k, %x : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
  %n = ts.len %k : (!ts.list<!ts.tensor>) -> !ts.int
  %r = ts.relu %x : (!ts.tensor) -> !ts.tensor
  ts.print %n : !ts.int
  func.return %x : !ts.tensor
}
