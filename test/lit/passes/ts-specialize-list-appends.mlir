// ts-specialize unrolls a loop whose trip count the input's shape makes constant
// (`[s for _ in range(x.dim() - 2)]` in F.interpolate), folds the appends into the list they
// build (a list constant once its items are), and forwards constant-index reads of a list nothing
// writes.
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3x4x5xf32 function=scales}' | filecheck %s
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3x4x5xf32 function=written}' | filecheck %s --check-prefix=WRITTEN
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xf32 function=repeated}' | filecheck %s --check-prefix=REPEATED
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xf32 function=stacked}' | filecheck %s --check-prefix=STACKED

// CHECK-LABEL: func.func @scales
// CHECK-NOT:     ts.loop
// CHECK-NOT:     ts.list.append
// CHECK:         %l = ts.constant [1.5, 1.5] : !ts.list<!ts.float>
// CHECK-NOT:     ts.list.get
// CHECK:         func.return %s, %l
func.func @scales(%x: !ts.tensor) -> (!ts.float, !ts.list<!ts.float>) {
  %two = ts.constant 2
  %t = ts.constant true
  %s = ts.constant 1.5
  %d = ts.dim %x : (!ts.tensor) -> !ts.int
  %n = ts.scalar.sub %d, %two : (!ts.int, !ts.int) -> !ts.int
  %l = ts.list.construct : () -> !ts.list<!ts.float>
  ts.loop %n, %t iter(%i) : () {
    ts.list.append %l, %s : (!ts.list<!ts.float>, !ts.float) -> ()
    ts.condition %t
  }
  %one = ts.constant 1
  %g = ts.list.get %l, %one : (!ts.list<!ts.float>, !ts.int) -> !ts.float
  func.return %g, %l : !ts.float, !ts.list<!ts.float>
}

// A read before an append, or a list written by something else, keeps its appends and reads.
// WRITTEN-LABEL: func.func @written
// WRITTEN:         ts.list.get
// WRITTEN:         ts.list.append
// WRITTEN:         ts.list.set
func.func @written(%x: !ts.tensor) -> !ts.float {
  %s = ts.constant 1.5
  %zero = ts.constant 0
  %l = ts.list.construct %s : (!ts.float) -> !ts.list<!ts.float>
  %g = ts.list.get %l, %zero : (!ts.list<!ts.float>, !ts.int) -> !ts.float
  ts.list.append %l, %g : (!ts.list<!ts.float>, !ts.float) -> ()
  ts.list.set %l, %zero, %s : (!ts.list<!ts.float>, !ts.int, !ts.float) -> ()
  func.return %g : !ts.float
}

// `[1] * (3 - x.dim())` (torch.stft's padded shape): the unrolled extends by a list construct fold too.
// REPEATED-LABEL: func.func @repeated
// REPEATED-NOT:     ts.list.extend
// REPEATED:         %l = ts.constant [1] : !ts.list<!ts.int>
// REPEATED:         func.return %l
func.func @repeated(%x: !ts.tensor) -> !ts.list<!ts.int> {
  %three = ts.constant 3
  %one = ts.constant 1
  %t = ts.constant true
  %ones = ts.list.construct %one : (!ts.int) -> !ts.list<!ts.int>
  %d = ts.dim %x : (!ts.tensor) -> !ts.int
  %n = ts.scalar.sub %three, %d : (!ts.int, !ts.int) -> !ts.int
  %l = ts.list.construct : () -> !ts.list<!ts.int>
  ts.loop %n, %t iter(%i) : () {
    ts.list.extend %l, %ones : (!ts.list<!ts.int>, !ts.list<!ts.int>) -> ()
    ts.condition %t
  }
  func.return %l : !ts.list<!ts.int>
}

// `ys.append(x * i)` for i in range(x.size(0)), then torch.stack(ys): the loop over tensors that
// appends to a list made before it unrolls, so the list is a construct of known tensors.
// STACKED-LABEL: func.func @stacked
// STACKED-NOT:     ts.loop
// STACKED-NOT:     ts.list.append
// STACKED:         ts.list.construct %{{.*}}, %{{.*}} : (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>) -> !ts.list<!ts.tensor<[2,3], f32>>
// STACKED:         ts.stack {{.*}} -> !ts.tensor<[2,2,3], f32>
func.func @stacked(%x: !ts.tensor) -> !ts.tensor {
  %zero = ts.constant 0
  %one = ts.constant 1
  %t = ts.constant true
  %n = ts.size_dim %x, %zero : (!ts.tensor, !ts.int) -> !ts.int
  %l = ts.list.construct : () -> !ts.list<!ts.tensor>
  ts.loop %n, %t iter(%i) : () {
    %y = ts.mul %x, %i : (!ts.tensor, !ts.int) -> !ts.tensor
    ts.list.append %l, %y : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
    ts.condition %t
  }
  %s = ts.stack %l, %zero : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor
  func.return %s : !ts.tensor
}
