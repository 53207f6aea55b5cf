// ts-specialize: argument shapes in, static types everywhere out; shape checks fold away.
// RUN: ts-opt %s -p 'ts-specialize{shapes=4x3xf32 function=mlp}' | filecheck %s --check-prefix=MLP
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x1x6x6xf32 function=cnn}' | filecheck %s --check-prefix=CNN
// RUN: ts-opt %s -p 'ts-specialize{shapes=2x3xi64,3xf32}' | filecheck %s --check-prefix=PROMOTE
// RUN: not ts-opt %S/Inputs/specialize-error.mlir -p 'ts-specialize{shapes=4x6xf32}' 2>&1 | filecheck %s --check-prefix=ERR

// MLP-LABEL: func.func @mlp(%x: !ts.tensor<[4,3], f32>) -> !ts.tensor<[4,2], f32>
// Tensor constants take the type of their value (no `as !ts.tensor` any more).
// MLP-NEXT:    %w1 = ts.constant dense<5.000000e-01> : tensor<5x3xf32>{{$}}
// MLP:         ts.linear %x, %w1, %b1 : (!ts.tensor<[4,3], f32>, !ts.tensor<[5,3], f32>, !ts.tensor<[5], f32>) -> !ts.tensor<[4,5], f32>
// MLP:         ts.relu %h : (!ts.tensor<[4,5], f32>) -> !ts.tensor<[4,5], f32>
// MLP:         ts.linear %r, %w2, %b2 : (!ts.tensor<[4,5], f32>, !ts.tensor<[2,5], f32>, !ts.tensor<[2], f32>) -> !ts.tensor<[4,2], f32>
// MLP:         ts.softmax %o, %one, %none : (!ts.tensor<[4,2], f32>, !ts.int, !ts.none) -> !ts.tensor<[4,2], f32>
// MLP-NEXT:    func.return %s : !ts.tensor<[4,2], f32>
// MLP-NEXT:  }
// Functions that are not picked keep their types.
// MLP:       func.func @cnn(%x: !ts.tensor) -> !ts.tensor
func.func @mlp(%x: !ts.tensor) -> !ts.tensor {
  %w1 = ts.constant dense<0.5> : tensor<5x3xf32> as !ts.tensor
  %b1 = ts.constant dense<0.1> : tensor<5xf32> as !ts.tensor
  %w2 = ts.constant dense<0.25> : tensor<2x5xf32> as !ts.tensor
  %b2 = ts.constant dense<0.0> : tensor<2xf32> as !ts.tensor
  %one = ts.constant 1
  %none = ts.constant none
  %h = ts.linear %x, %w1, %b1 : (!ts.tensor, !ts.tensor, !ts.tensor) -> !ts.tensor
  %r = ts.relu %h : (!ts.tensor) -> !ts.tensor
  %o = ts.linear %r, %w2, %b2 : (!ts.tensor, !ts.tensor, !ts.tensor) -> !ts.tensor
  %s = ts.softmax %o, %one, %none : (!ts.tensor, !ts.int, !ts.none) -> !ts.tensor
  func.return %s : !ts.tensor
}

// The rank check (as in BatchNorm) folds away once the rank is known, and x.size(0) in the view
// becomes a constant, so the view has a static shape too.
// CNN-LABEL: func.func @cnn(%x: !ts.tensor<[2,1,6,6], f32>) -> !ts.tensor<[2,3], f32>
// CNN-NOT:     ts.dim
// CNN-NOT:     ts.if
// CNN:         ts.conv2d {{.*}} -> !ts.tensor<[2,4,6,6], f32>
// CNN:         ts.relu {{.*}} -> !ts.tensor<[2,4,6,6], f32>
// CNN:         ts.max_pool2d {{.*}} -> !ts.tensor<[2,4,3,3], f32>
// CNN:         ts.view {{.*}} -> !ts.tensor<[2,36], f32>
// CNN:         ts.linear {{.*}} -> !ts.tensor<[2,3], f32>
// CNN:         func.return {{.*}} : !ts.tensor<[2,3], f32>
func.func @cnn(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<0.1> : tensor<4x1x3x3xf32> as !ts.tensor
  %b = ts.constant dense<0.0> : tensor<4xf32> as !ts.tensor
  %fw = ts.constant dense<0.01> : tensor<3x36xf32> as !ts.tensor
  %ones = ts.constant [1, 1] : !ts.list<!ts.int>
  %twos = ts.constant [2, 2] : !ts.list<!ts.int>
  %zeros = ts.constant [0, 0] : !ts.list<!ts.int>
  %none = ts.constant none
  %c0 = ts.constant 0
  %c1 = ts.constant 1
  %c4 = ts.constant 4
  %m1 = ts.constant -1
  %false = ts.constant false
  %msg = ts.constant "expected 4D input"
  %rank = ts.dim %x : (!ts.tensor) -> !ts.int
  %bad = ts.scalar.ne %rank, %c4 : (!ts.int, !ts.int) -> !ts.bool
  ts.if %bad {
    ts.raise %msg, "builtins.ValueError"
    ts.yield
  } else {
    ts.yield
  }
  %c = ts.conv2d %x, %w, %b, %ones, %ones, %ones, %c1 : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %r = ts.relu %c : (!ts.tensor) -> !ts.tensor
  %p = ts.max_pool2d %r, %twos, %twos, %zeros, %ones, %false : (!ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor
  %n = ts.size_dim %p, %c0 : (!ts.tensor, !ts.int) -> !ts.int
  %sizes = ts.list.construct %n, %m1 : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  %v = ts.view %p, %sizes : (!ts.tensor, !ts.list<!ts.int>) -> !ts.tensor
  %y = ts.linear %v, %fw, %none : (!ts.tensor, !ts.tensor, !ts.none) -> !ts.tensor
  func.return %y : !ts.tensor
}

// Without `function=`, every function with as many tensor arguments as shapes is specialized.
// PROMOTE-LABEL: func.func @promote(%a: !ts.tensor<[2,3], i64>, %b: !ts.tensor<[3], f32>, %k: !ts.int) -> (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], i1>)
// PROMOTE:         ts.mul %a, %k : (!ts.tensor<[2,3], i64>, !ts.int) -> !ts.tensor<[2,3], i64>
func.func @promote(%a: !ts.tensor, %b: !ts.tensor, %k: !ts.int) -> (!ts.tensor, !ts.tensor) {
  %one = ts.constant 1
  %m = ts.mul %a, %k : (!ts.tensor, !ts.int) -> !ts.tensor
  %s = ts.add %m, %b, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  %g = ts.gt %s, %b : (!ts.tensor, !ts.tensor) -> !ts.tensor
  func.return %s, %g : !ts.tensor, !ts.tensor
}

// ERR: ts-specialize: cannot infer the result shape of ts.view at model.py:7:12: the view/reshape size must be a compile-time constant

// A cast of a tensor to a tensor (`mask` after `if mask is not None:`, once the Optional is gone)
// keeps its operand's static type (and is then a no-op, dropped), so a dtype test after it folds.
// RUN: ts-opt %s -p 'ts-specialize{shapes=5x5xi1 function=refine}' | filecheck %s --check-prefix=CAST
// CAST-LABEL: func.func @refine(%m: !ts.tensor<[5,5], i1>) -> !ts.tensor<[1,5,5], i1>
// CAST-NOT:     ts.unchecked_cast
// CAST:         ts.unsqueeze %m, %zero : (!ts.tensor<[5,5], i1>, !ts.int) -> !ts.tensor<[1,5,5], i1>
func.func @refine(%m: !ts.tensor) -> !ts.tensor {
  %c = ts.unchecked_cast %m : !ts.tensor to !ts.tensor
  %zero = ts.constant 0
  %u = ts.unsqueeze %c, %zero : (!ts.tensor, !ts.int) -> !ts.tensor
  func.return %u : !ts.tensor
}
