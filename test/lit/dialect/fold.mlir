// Folding and canonicalization of ts ops through xDSL's `canonicalize`.
// RUN: ts-opt %s -p canonicalize --split-input-file | filecheck %s

// CHECK-LABEL: func.func @scalars
// CHECK-NEXT:    %q = ts.constant -4
// CHECK-NEXT:    %m = ts.constant 2
// CHECK-NEXT:    %t2 = ts.constant 3.5
// CHECK-NEXT:    func.return %q, %m, %t2
func.func @scalars() -> (!ts.int, !ts.int, !ts.float) {
  %a = ts.constant -7
  %b = ts.constant 2
  %c = ts.constant 3
  %q = ts.scalar.floordiv %a, %b : (!ts.int, !ts.int) -> !ts.int
  %m = ts.scalar.mod %a, %c : (!ts.int, !ts.int) -> !ts.int
  %t = ts.scalar.div %a, %b : (!ts.int, !ts.int) -> !ts.float
  %t2 = ts.scalar.neg %t : (!ts.float) -> !ts.float
  func.return %q, %m, %t2 : !ts.int, !ts.int, !ts.float
}

// -----

// CHECK-LABEL: func.func @tensors
// CHECK-NEXT:    %r = ts.constant dense<[0.000000e+00, 2.000000e+00, 6.000000e+00]> : tensor<3xf32>
// CHECK-NEXT:    func.return %r
func.func @tensors() -> !ts.tensor<[3], f32> {
  %x = ts.constant dense<[-1.0, 1.0, 3.0]> : tensor<3xf32>
  %one = ts.constant 1
  %two = ts.constant 2
  %y = ts.mul %x, %two : (!ts.tensor<[3], f32>, !ts.int) -> !ts.tensor<[3], f32>
  %r = ts.relu %y : (!ts.tensor<[3], f32>) -> !ts.tensor<[3], f32>
  func.return %r : !ts.tensor<[3], f32>
}

// -----

// A constant condition keeps only the taken branch; dim() of a known rank folds.
// CHECK-LABEL: func.func @branches
// CHECK-NOT:     ts.if
// CHECK:         %y = ts.tanh %x
// CHECK-NEXT:    func.return %y
func.func @branches(%x: !ts.tensor<[2,?], f32>) -> !ts.tensor {
  %d = ts.dim %x : (!ts.tensor<[2,?], f32>) -> !ts.int
  %two = ts.constant 2
  %ok = ts.scalar.eq %d, %two : (!ts.int, !ts.int) -> !ts.bool
  %r = ts.if %ok -> (!ts.tensor) {
    %y = ts.tanh %x : (!ts.tensor<[2,?], f32>) -> !ts.tensor
    ts.yield %y : !ts.tensor
  } else {
    %msg = ts.constant "bad rank"
    ts.raise %msg, "builtins.ValueError"
    %u = ts.uninitialized : !ts.tensor
    ts.yield %u : !ts.tensor
  }
  func.return %r : !ts.tensor
}

// -----

// `is None` folds where the type decides, and stays where only run time knows.
// CHECK-LABEL: func.func @none_checks
// CHECK:         %a = ts.constant false
// CHECK:         %c = ts.is %o, %n
// A None constant typed as an Optional (a frozen module's None attribute) is None.
// CHECK:         %d = ts.constant false
// CHECK:         func.return %a, %c, %d
func.func @none_checks(%x: !ts.tensor, %o: !ts.optional<!ts.int>) -> (!ts.bool, !ts.bool, !ts.bool) {
  %n = ts.constant none
  %a = ts.is %x, %n : !ts.tensor, !ts.none
  %c = ts.is %o, %n : !ts.optional<!ts.int>, !ts.none
  %frozen = ts.constant none as !ts.optional<!ts.tensor>
  %d = ts.isnot %frozen, %n : !ts.optional<!ts.tensor>, !ts.none
  func.return %a, %c, %d : !ts.bool, !ts.bool, !ts.bool
}

// -----

// Errors at run time are not folded away.
// CHECK-LABEL: func.func @division_by_zero
// CHECK:         ts.scalar.floordiv
func.func @division_by_zero() -> !ts.int {
  %a = ts.constant 1
  %z = ts.constant 0
  %r = ts.scalar.floordiv %a, %z : (!ts.int, !ts.int) -> !ts.int
  func.return %r : !ts.int
}

// -----

// A tensor's dtype is a constant once its element type is known (`x.to(y.dtype)` then specializes).
// CHECK-LABEL: func.func @static_dtype
// CHECK-NEXT:    %d = ts.constant 6
// CHECK-NEXT:    %e = ts.dtype %u
// CHECK-NEXT:    func.return %d, %e
func.func @static_dtype(%x: !ts.tensor<[2], f32>, %u: !ts.tensor) -> (!ts.int, !ts.int) {
  %d = ts.dtype %x : (!ts.tensor<[2], f32>) -> !ts.int
  %e = ts.dtype %u : (!ts.tensor) -> !ts.int
  func.return %d, %e : !ts.int, !ts.int
}

// -----

// So is its element_size() (bytes per element), and can_cast of two constant dtypes.
// CHECK-LABEL: func.func @static_element_size
// CHECK-NEXT:    %s = ts.constant 8
// CHECK-NEXT:    %t = ts.element_size %u
// CHECK-NEXT:    %c = ts.constant false
// CHECK-NEXT:    func.return %s, %t, %c
func.func @static_element_size(%x: !ts.tensor<[2], f64>, %u: !ts.tensor) -> (!ts.int, !ts.int, !ts.bool) {
  %s = ts.element_size %x : (!ts.tensor<[2], f64>) -> !ts.int
  %t = ts.element_size %u : (!ts.tensor) -> !ts.int
  %f32 = ts.constant 6
  %i32 = ts.constant 3
  %c = ts.can_cast %f32, %i32 : (!ts.int, !ts.int) -> !ts.bool
  func.return %s, %t, %c : !ts.int, !ts.int, !ts.bool
}

// -----

// A training batch_norm's running-stat updates into a copy (or a constant) nothing else reads go
// nowhere: the statistic becomes none. A copy read later (%v2, returned) is kept.
// CHECK-LABEL: func.func @dead_running_stats
// CHECK:         %[[N:[0-9]+]] = ts.constant none
// CHECK-NEXT:    %y = ts.batch_norm %x, %n, %n, %[[N]], %v2, %t
// CHECK:         func.return %y, %v2
func.func @dead_running_stats(%x: !ts.tensor<[2,3,4], f32>) -> (!ts.tensor<[2,3,4], f32>, !ts.tensor<[3], f32>) {
  %m = ts.constant dense<0.0> : tensor<3xf32>
  %v = ts.constant dense<1.0> : tensor<3xf32>
  %v2 = ts.clone %v : (!ts.tensor<[3], f32>) -> !ts.tensor<[3], f32>
  %n = ts.constant none
  %t = ts.constant true
  %mo = ts.constant 0.1
  %eps = ts.constant 1.0e-05
  %y = ts.batch_norm %x, %n, %n, %m, %v2, %t, %mo, %eps, %t : (!ts.tensor<[2,3,4], f32>, !ts.none, !ts.none, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor<[2,3,4], f32>
  func.return %y, %v2 : !ts.tensor<[2,3,4], f32>, !ts.tensor<[3], f32>
}

// -----

// Running statistics given as arguments are the caller's: their updates stay.
// CHECK-LABEL: func.func @argument_running_stats
// CHECK:         ts.batch_norm %x, %n, %n, %m, %v, %t
func.func @argument_running_stats(%x: !ts.tensor<[2,3], f32>, %m: !ts.tensor<[3], f32>, %v: !ts.tensor<[3], f32>) -> !ts.tensor<[2,3], f32> {
  %n = ts.constant none
  %t = ts.constant true
  %mo = ts.constant 0.1
  %eps = ts.constant 1.0e-05
  %y = ts.batch_norm %x, %n, %n, %m, %v, %t, %mo, %eps, %t : (!ts.tensor<[2,3], f32>, !ts.none, !ts.none, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor<[2,3], f32>
  func.return %y : !ts.tensor<[2,3], f32>
}
