// ts-fusion-groups: the ops ts-to-linalg can lower are outlined into ts.fusion_group ops (at
// least 2 per group, as TorchScript's fuser); constants are cloned in, the group's inputs become
// block arguments. Single ops, values written in place, contractions (without contractions=true)
// and ops with side effects are left where they are. The printed form parses back.
// RUN: ts-opt %s -p ts-fusion-groups | filecheck %s
// RUN: ts-opt %s -p ts-fusion-groups | ts-opt | filecheck %s
// RUN: ts-opt %s -p 'ts-fusion-groups{contractions=true}' | filecheck %s --check-prefix=CONTRACT

// CHECK-LABEL: func.func @chain
// CHECK-NEXT:    %c = ts.fusion_group (%[[X:.*]] = %x, %[[Y:.*]] = %y) : (!ts.tensor, !ts.tensor) -> (!ts.tensor) {
// CHECK-NEXT:      %a = ts.mul %[[X]], %[[Y]]
// CHECK-NEXT:      %one = ts.constant 1
// CHECK-NEXT:      %b = ts.add %a, %[[X]], %one
// CHECK-NEXT:      %[[C:.*]] = ts.relu %b
// CHECK-NEXT:      ts.fusion_yield %[[C]] : !ts.tensor
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %c : !ts.tensor
func.func @chain(%x: !ts.tensor, %y: !ts.tensor) -> !ts.tensor {
  %one = ts.constant 1
  %a = ts.mul %x, %y : (!ts.tensor, !ts.tensor) -> !ts.tensor
  %b = ts.add %a, %x, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  %c = ts.relu %b : (!ts.tensor) -> !ts.tensor
  func.return %c : !ts.tensor
}

// A single op is not a group.
// CHECK-LABEL: func.func @single
// CHECK-NOT:     ts.fusion_group
// CHECK:         func.return
func.func @single(%x: !ts.tensor) -> !ts.tensor {
  %a = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %a : !ts.tensor
}

// %a is written in place: nothing that reads or makes it is fused.
// CHECK-LABEL: func.func @in_place
// CHECK-NOT:     ts.fusion_group
// CHECK:         func.return
func.func @in_place(%x: !ts.tensor) -> !ts.tensor {
  %one = ts.constant 1
  %a = ts.exp %x : (!ts.tensor) -> !ts.tensor
  %b = ts.neg %a : (!ts.tensor) -> !ts.tensor
  %w = ts.add_ %a, %one, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
  %c = ts.mul %b, %a : (!ts.tensor, !ts.tensor) -> !ts.tensor
  func.return %c : !ts.tensor
}

// The group forms inside the branch; the print before it stays first; the data-dependent
// condition (to_bool) is not fusible, so the ops before it form their own group.
// CHECK-LABEL: func.func @branch
// CHECK:         %[[S:.*]] = ts.fusion_group
// CHECK:           ts.sum
// CHECK:           ts.gt
// CHECK:         ts.to_bool %[[S]]
// CHECK:         ts.if
// CHECK-NEXT:      %msg = ts.constant
// CHECK-NEXT:      ts.print
// CHECK-NEXT:      ts.fusion_group
// CHECK-NEXT:        ts.tanh
// CHECK-NEXT:        ts.sigmoid
// CHECK:         } else {
// CHECK-NEXT:      ts.yield %x
func.func @branch(%x: !ts.tensor) -> !ts.tensor {
  %none = ts.constant none
  %false = ts.constant false
  %zero = ts.constant 0.0
  %e = ts.exp %x : (!ts.tensor) -> !ts.tensor
  %s = ts.sum %e, %none, %false, %none : (!ts.tensor, !ts.none, !ts.bool, !ts.none) -> !ts.tensor
  %g = ts.gt %s, %zero : (!ts.tensor, !ts.float) -> !ts.tensor
  %c = ts.to_bool %g : (!ts.tensor) -> !ts.bool
  %r = ts.if %c -> (!ts.tensor) {
    %msg = ts.constant "positive"
    ts.print %msg : !ts.str
    %t = ts.tanh %x : (!ts.tensor) -> !ts.tensor
    %u = ts.sigmoid %t : (!ts.tensor) -> !ts.tensor
    ts.yield %u : !ts.tensor
  } else {
    ts.yield %x : !ts.tensor
  }
  func.return %r : !ts.tensor
}

// Contractions join groups only with contractions=true (enable_onednn_fusion).
// CHECK-LABEL: func.func @linear
// CHECK:         ts.linear %x, %w, %none
// CHECK:         ts.fusion_group
// CHECK-NEXT:      ts.relu
// CONTRACT-LABEL: func.func @linear
// CONTRACT:         ts.fusion_group
// CONTRACT:           ts.linear
// CONTRACT:           ts.relu
func.func @linear(%x: !ts.tensor, %w: !ts.tensor) -> !ts.tensor {
  %none = ts.constant none
  %0 = ts.linear %x, %w, %none : (!ts.tensor, !ts.tensor, !ts.none) -> !ts.tensor
  %1 = ts.relu %0 : (!ts.tensor) -> !ts.tensor
  %2 = ts.sigmoid %1 : (!ts.tensor) -> !ts.tensor
  func.return %2 : !ts.tensor
}
