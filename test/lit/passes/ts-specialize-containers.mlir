// ts-specialize sees through the container work torch's MultiheadAttention and Transformer layers
// do, so every tensor keeps a static shape: a tensor list built by appends and unpacked at once
// (`q, k = [t.transpose(1, 0) for t in (q, k)]`) is its appended values; `len` of a list or an
// empty dict built in place is a constant; a list of scalars read inside a loop (`all([...])`)
// folds its appends, so the loop unrolls; `ts.tuple.index` takes its element's type; `x is x`
// is true, and results of two ops that always make a new tensor are not the same object.
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xf32,2x3xf32 function=attention}' | filecheck %s
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xf32,2x3xf32 function=kept}' | filecheck %s --check-prefix=KEPT

// CHECK-LABEL: func.func @attention
// CHECK-NOT:     ts.list
// CHECK-NOT:     ts.dict
// CHECK-NOT:     ts.len
// CHECK-NOT:     ts.loop
// CHECK-NOT:     ts.is
// CHECK-NOT:     ts.if
// CHECK:         %[[S:.*]] = ts.add {{.*}} -> !ts.tensor<[3,2], f32>
// CHECK:         %[[R:.*]] = ts.tuple.index {{.*}} -> !ts.tensor<[3,2], f32>
// CHECK:         func.return %[[R]] : !ts.tensor<[3,2], f32>
func.func @attention(%a: !ts.tensor, %b: !ts.tensor) -> !ts.tensor {
  %zero = ts.constant 0
  %one = ts.constant 1
  %t = ts.constant true
  %l = ts.list.construct : () -> !ts.list<!ts.tensor>
  %ta = ts.transpose %a, %zero, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
  ts.list.append %l, %ta : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
  %tb = ts.transpose %b, %zero, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
  ts.list.append %l, %tb : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
  %p, %q = ts.list.unpack %l : (!ts.list<!ts.tensor>) -> (!ts.tensor, !ts.tensor)
  %flags = ts.list.construct : () -> !ts.list<!ts.bool>
  ts.list.append %flags, %t : (!ts.list<!ts.bool>, !ts.bool) -> ()
  ts.list.append %flags, %t : (!ts.list<!ts.bool>, !ts.bool) -> ()
  %n = ts.len %flags : (!ts.list<!ts.bool>) -> !ts.int
  %all = ts.loop %n, %t iter(%i, %acc = %t) : (!ts.bool) {
    %f = ts.list.get %flags, %i : (!ts.list<!ts.bool>, !ts.int) -> !ts.bool
    %both = ts.scalar.and %acc, %f : (!ts.bool, !ts.bool) -> !ts.bool
    ts.condition %t, %both : !ts.bool
  }
  %d = ts.dict.construct : () -> !ts.dict<!ts.str, !ts.tensor>
  %dn = ts.len %d : (!ts.dict<!ts.str, !ts.tensor>) -> !ts.int
  %empty = ts.scalar.eq %dn, %zero : (!ts.int, !ts.int) -> !ts.bool
  %self = ts.is %p, %p : !ts.tensor, !ts.tensor
  %other = ts.isnot %p, %q : !ts.tensor, !ts.tensor
  %c1 = ts.scalar.and %all, %empty : (!ts.bool, !ts.bool) -> !ts.bool
  %c2 = ts.scalar.and %self, %other : (!ts.bool, !ts.bool) -> !ts.bool
  %c = ts.scalar.and %c1, %c2 : (!ts.bool, !ts.bool) -> !ts.bool
  %r = ts.if %c -> (!ts.tensor) {
    %s = ts.add %p, %q, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
    ts.yield %s : !ts.tensor
  } else {
    ts.yield %p : !ts.tensor
  }
  %tup = ts.tuple.construct %r, %zero : (!ts.tensor, !ts.int) -> !ts.tuple<!ts.tensor, !ts.int>
  %out = ts.tuple.index %tup, %zero : (!ts.tuple<!ts.tensor, !ts.int>, !ts.int) -> !ts.tensor
  func.return %out : !ts.tensor
}

// Two arguments may be one object (ts-opt has no example inputs to tell), a list something else
// reads stays, and so does a list a branch may write.
// KEPT-LABEL: func.func @kept
// KEPT:         ts.isnot %a, %b
// KEPT:         ts.list.unpack
// KEPT:         ts.len
func.func @kept(%a: !ts.tensor, %b: !ts.tensor) -> (!ts.bool, !ts.tensor, !ts.list<!ts.tensor>, !ts.int) {
  %zero = ts.constant 0
  %t = ts.constant true
  %other = ts.isnot %a, %b : !ts.tensor, !ts.tensor
  %l = ts.list.construct : () -> !ts.list<!ts.tensor>
  ts.list.append %l, %a : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
  %p = ts.list.unpack %l : (!ts.list<!ts.tensor>) -> (!ts.tensor)
  %flags = ts.list.construct : () -> !ts.list<!ts.int>
  ts.list.append %flags, %zero : (!ts.list<!ts.int>, !ts.int) -> ()
  ts.if %other {
    ts.list.append %flags, %zero : (!ts.list<!ts.int>, !ts.int) -> ()
    ts.yield
  } else {
    ts.yield
  }
  %n = ts.len %flags : (!ts.list<!ts.int>) -> !ts.int
  func.return %other, %p, %l, %n : !ts.bool, !ts.tensor, !ts.list<!ts.tensor>, !ts.int
}

// A folded index list (`x[torch.tril_indices(4, 5)[0]]` after freezing) is a constant list of
// tensors: its tensors' shapes are known.
// RUN: ts-opt %s -p 'ts-specialize{shapes=4x5xf32 function=folded_index}' | filecheck %s --check-prefix=FOLDED
// FOLDED-LABEL: func.func @folded_index(%x: !ts.tensor<[4,5], f32>) -> !ts.tensor<[3,5], f32>
// FOLDED:         ts.index %x, %rows : (!ts.tensor<[4,5], f32>, !ts.list<!ts.optional<!ts.tensor>>) -> !ts.tensor<[3,5], f32>
func.func @folded_index(%x: !ts.tensor) -> !ts.tensor {
  %rows = ts.constant [dense<[0, 1, 3]> : tensor<3xi64>] : !ts.list<!ts.optional<!ts.tensor>>
  %y = ts.index %x, %rows : (!ts.tensor, !ts.list<!ts.optional<!ts.tensor>>) -> !ts.tensor
  func.return %y : !ts.tensor
}

// A dict with constant keys, read and written in its block: each read is the value last stored
// under its key (the dict goes); a read of a missing key stays (it raises at run time).
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xf32 function=dict_items}' | filecheck %s --check-prefix=DICT
// DICT-LABEL: func.func @dict_items(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
// DICT-NOT:     ts.dict
// DICT:         %[[Y:.*]] = ts.mul %x, %two : {{.*}} -> !ts.tensor<[2,3], f32>
// DICT:         ts.add %x, %[[Y]], %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xf32 function=dict_missing}' | filecheck %s --check-prefix=MISSING
// MISSING-LABEL: func.func @dict_missing(%x: !ts.tensor<[2,3], f32>)
// MISSING:         ts.dict.construct
// MISSING:         ts.dict.get %d, %b
func.func @dict_items(%x: !ts.tensor) -> !ts.tensor {
  %a = ts.constant "a"
  %b = ts.constant "b"
  %one = ts.constant 1
  %two = ts.constant 2
  %d = ts.dict.construct %a, %x : (!ts.str, !ts.tensor) -> !ts.dict<!ts.str, !ts.tensor>
  %y = ts.mul %x, %two : (!ts.tensor, !ts.int) -> !ts.tensor
  ts.dict.set %d, %b, %y : (!ts.dict<!ts.str, !ts.tensor>, !ts.str, !ts.tensor) -> ()
  %va = ts.dict.get %d, %a : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.tensor
  %vb = ts.dict.get %d, %b : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.tensor
  %s = ts.add %va, %vb, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %s : !ts.tensor
}

func.func @dict_missing(%x: !ts.tensor) -> !ts.tensor {
  %a = ts.constant "a"
  %b = ts.constant "b"
  %d = ts.dict.construct %a, %x : (!ts.str, !ts.tensor) -> !ts.dict<!ts.str, !ts.tensor>
  %vb = ts.dict.get %d, %b : (!ts.dict<!ts.str, !ts.tensor>, !ts.str) -> !ts.tensor
  func.return %vb : !ts.tensor
}

// `len(x) + x.size(-1)` of a tensor of known shape: `len` is its first size, so the sum is a constant.
// RUN: ts-opt %s -p 'ts-specialize{shapes=3x4xf32 function=tensor_len}' | filecheck %s --check-prefix=LEN
// LEN-LABEL: func.func @tensor_len
// LEN-NOT:     ts.len
// LEN:         %{{.*}} = ts.constant 7
func.func @tensor_len(%x: !ts.tensor) -> !ts.int {
  %m1 = ts.constant -1
  %n = ts.len %x : (!ts.tensor) -> !ts.int
  %s = ts.size_dim %x, %m1 : (!ts.tensor, !ts.int) -> !ts.int
  %r = ts.scalar.add %n, %s : (!ts.int, !ts.int) -> !ts.int
  func.return %r : !ts.int
}
