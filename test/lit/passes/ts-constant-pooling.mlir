// ts-constant-pooling: equal constants (equal tensors included) become one, hoisted to the
// function entry, also from ts.if bodies; 0.0 and -0.0 differ; mutated constants stay apart.
// RUN: ts-opt %s -p ts-constant-pooling | filecheck %s

// CHECK-LABEL: func.func @pool
// CHECK-NEXT:    %one = ts.constant 1
// CHECK-NEXT:    %w = ts.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT:    %nz = ts.constant -0.0
// CHECK-NEXT:    %pz = ts.constant 0.0
// CHECK-NEXT:    %y = ts.if %c -> (!ts.tensor) {
// CHECK-NEXT:      %z = ts.add %x, %w, %one
// CHECK-NEXT:      ts.yield %z
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %z_1 = ts.add %x, %w, %one
// CHECK-NEXT:      %z2 = ts.add %z_1, %nz, %one
// CHECK-NEXT:      %z3 = ts.add %z2, %pz, %one
func.func @pool(%x: !ts.tensor, %c: !ts.bool) -> !ts.tensor {
  %one = ts.constant 1
  %w = ts.constant dense<1.0> : tensor<3xf32>
  %v = ts.constant dense<[1.0, 1.0, 1.0]> : tensor<3xf32>
  %y = ts.if %c -> (!ts.tensor) {
    %one2 = ts.constant 1
    %z = ts.add %x, %w, %one2 : (!ts.tensor, !ts.tensor<[3], f32>, !ts.int) -> !ts.tensor
    ts.yield %z : !ts.tensor
  } else {
    %nz = ts.constant -0.0
    %pz = ts.constant 0.0
    %z = ts.add %x, %v, %one : (!ts.tensor, !ts.tensor<[3], f32>, !ts.int) -> !ts.tensor
    %z2 = ts.add %z, %nz, %one : (!ts.tensor, !ts.float, !ts.int) -> !ts.tensor
    %z3 = ts.add %z2, %pz, %one : (!ts.tensor, !ts.float, !ts.int) -> !ts.tensor
    ts.yield %z3 : !ts.tensor
  }
  func.return %y : !ts.tensor
}

// Different types (int 1 and true, f32 and f64 tensors of the same values) are not pooled;
// a constant written in place keeps its own op.
// CHECK-LABEL: func.func @apart
// CHECK-NEXT:    %i = ts.constant 1
// CHECK-NEXT:    %b = ts.constant true
// CHECK-NEXT:    %f = ts.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NEXT:    %d = ts.constant dense<1.000000e+00> : tensor<2xf64>
// CHECK-NEXT:    %m = ts.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NEXT:    %w = ts.add_ %m, %f, %i
func.func @apart() -> (!ts.int, !ts.bool, !ts.tensor<[2], f32>, !ts.tensor<[2], f64>, !ts.tensor<[2], f32>) {
  %i = ts.constant 1
  %b = ts.constant true
  %f = ts.constant dense<1.0> : tensor<2xf32>
  %d = ts.constant dense<1.0> : tensor<2xf64>
  %m = ts.constant dense<1.0> : tensor<2xf32>
  %w = ts.add_ %m, %f, %i : (!ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.int) -> !ts.tensor<[2], f32>
  func.return %i, %b, %f, %d, %w : !ts.int, !ts.bool, !ts.tensor<[2], f32>, !ts.tensor<[2], f64>, !ts.tensor<[2], f32>
}
