// ts.fork and ts.wait print as they parse (and survive the generic form).
// RUN: ts-opt %s | filecheck %s --match-full-lines
// RUN: ts-opt %s | ts-opt | filecheck %s --match-full-lines
// RUN: ts-opt %s --print-op-generic | ts-opt | filecheck %s --match-full-lines

// CHECK-LABEL: func.func @work(%x: !ts.tensor) -> !ts.tensor {
func.func @work(%x: !ts.tensor) -> !ts.tensor {
  func.return %x : !ts.tensor
}

// The fork body captures values from above and yields exactly one value, which may refine
// the future's element type.
// CHECK-LABEL: func.func @fork_and_wait(%x: !ts.tensor, %s: !ts.tensor<[2], f32>) -> !ts.tensor {
// CHECK-NEXT:    %fut = ts.fork -> !ts.future<!ts.tensor> {
// CHECK-NEXT:      %r = ts.call_function @work(%x) : (!ts.tensor) -> !ts.tensor
// CHECK-NEXT:      ts.yield %r : !ts.tensor
// CHECK-NEXT:    }
// CHECK-NEXT:    %refined = ts.fork -> !ts.future<!ts.tensor> {
// CHECK-NEXT:      ts.yield %s : !ts.tensor<[2], f32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %opt = ts.fork -> !ts.future<!ts.optional<!ts.int>> {
// CHECK-NEXT:      %none = ts.uninitialized : !ts.none
// CHECK-NEXT:      ts.yield %none : !ts.none
// CHECK-NEXT:    }
// CHECK-NEXT:    %tup = ts.fork -> !ts.future<!ts.tuple<!ts.tensor, !ts.int>> attributes {name = "worker"} {
// CHECK-NEXT:      %n = ts.constant 3
// CHECK-NEXT:      %t = ts.tuple.construct %x, %n : (!ts.tensor, !ts.int) -> !ts.tuple<!ts.tensor, !ts.int>
// CHECK-NEXT:      ts.yield %t : !ts.tuple<!ts.tensor, !ts.int>
// CHECK-NEXT:    }
// CHECK-NEXT:    %a = ts.wait %fut : !ts.future<!ts.tensor>
// CHECK-NEXT:    %b = ts.wait %refined : !ts.future<!ts.tensor> {note}
// CHECK-NEXT:    %c = ts.wait %opt : !ts.future<!ts.optional<!ts.int>>
// CHECK-NEXT:    %d = ts.wait %tup : !ts.future<!ts.tuple<!ts.tensor, !ts.int>>
// CHECK-NEXT:    func.return %a : !ts.tensor
func.func @fork_and_wait(%x: !ts.tensor, %s: !ts.tensor<[2], f32>) -> !ts.tensor {
  %fut = ts.fork -> !ts.future<!ts.tensor> {
    %r = ts.call_function @work(%x) : (!ts.tensor) -> !ts.tensor
    ts.yield %r : !ts.tensor
  }
  %refined = ts.fork -> !ts.future<!ts.tensor> {
    ts.yield %s : !ts.tensor<[2], f32>
  }
  %opt = ts.fork -> !ts.future<!ts.optional<!ts.int>> {
    %none = ts.uninitialized : !ts.none
    ts.yield %none : !ts.none
  }
  %tup = ts.fork -> !ts.future<!ts.tuple<!ts.tensor, !ts.int>> attributes {name = "worker"} {
    %n = ts.constant 3
    %t = ts.tuple.construct %x, %n : (!ts.tensor, !ts.int) -> !ts.tuple<!ts.tensor, !ts.int>
    ts.yield %t : !ts.tuple<!ts.tensor, !ts.int>
  }
  %a = ts.wait %fut : !ts.future<!ts.tensor>
  %b = ts.wait %refined : !ts.future<!ts.tensor> {note}
  %c = ts.wait %opt : !ts.future<!ts.optional<!ts.int>>
  %d = ts.wait %tup : !ts.future<!ts.tuple<!ts.tensor, !ts.int>>
  func.return %a : !ts.tensor
}

// Futures nest (a fork that forks and returns the inner future), are passed around, and
// forks appear inside control flow.
// CHECK-LABEL: func.func @nested(%f: !ts.future<!ts.tensor>, %c: !ts.bool) -> !ts.future<!ts.tensor> {
// CHECK-NEXT:    %outer = ts.fork -> !ts.future<!ts.future<!ts.tensor>> {
// CHECK-NEXT:      %inner = ts.fork -> !ts.future<!ts.tensor> {
// CHECK-NEXT:        %y = ts.wait %f : !ts.future<!ts.tensor>
// CHECK-NEXT:        ts.yield %y : !ts.tensor
// CHECK-NEXT:      }
// CHECK-NEXT:      ts.yield %inner : !ts.future<!ts.tensor>
// CHECK-NEXT:    }
// CHECK-NEXT:    %got = ts.wait %outer : !ts.future<!ts.future<!ts.tensor>>
// CHECK-NEXT:    %r = ts.if %c -> (!ts.future<!ts.tensor>) {
// CHECK-NEXT:      %g = ts.fork -> !ts.future<!ts.tensor> {
// CHECK-NEXT:        %z = ts.wait %got : !ts.future<!ts.tensor>
// CHECK-NEXT:        ts.yield %z : !ts.tensor
// CHECK-NEXT:      }
// CHECK-NEXT:      ts.yield %g : !ts.future<!ts.tensor>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      ts.yield %f : !ts.future<!ts.tensor>
// CHECK-NEXT:    }
// CHECK-NEXT:    %futs = ts.list.construct %r, %f : (!ts.future<!ts.tensor>, !ts.future<!ts.tensor>) -> !ts.list<!ts.future<!ts.tensor>>
// CHECK-NEXT:    func.return %r : !ts.future<!ts.tensor>
func.func @nested(%f: !ts.future<!ts.tensor>, %c: !ts.bool) -> !ts.future<!ts.tensor> {
  %outer = ts.fork -> !ts.future<!ts.future<!ts.tensor>> {
    %inner = ts.fork -> !ts.future<!ts.tensor> {
      %y = ts.wait %f : !ts.future<!ts.tensor>
      ts.yield %y : !ts.tensor
    }
    ts.yield %inner : !ts.future<!ts.tensor>
  }
  %got = ts.wait %outer : !ts.future<!ts.future<!ts.tensor>>
  %r = ts.if %c -> (!ts.future<!ts.tensor>) {
    %g = ts.fork -> !ts.future<!ts.tensor> {
      %z = ts.wait %got : !ts.future<!ts.tensor>
      ts.yield %z : !ts.tensor
    }
    ts.yield %g : !ts.future<!ts.tensor>
  } else {
    ts.yield %f : !ts.future<!ts.tensor>
  }
  %futs = ts.list.construct %r, %f : (!ts.future<!ts.tensor>, !ts.future<!ts.tensor>) -> !ts.list<!ts.future<!ts.tensor>>
  func.return %r : !ts.future<!ts.tensor>
}
