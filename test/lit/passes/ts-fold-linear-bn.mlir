// ts-fold-linear-bn: batch_norm(linear) -> linear with W*scale[:,None], (b-mean)*scale+beta, scale=gamma/sqrt(var+eps).
// RUN: ts-opt %s -p ts-fold-linear-bn --split-input-file | filecheck %s

// CHECK-LABEL: func.func @linear_bn
// CHECK-DAG:     %w_fused_bn = ts.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [5.000000e-01, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG:     %b_fused_bn = ts.constant dense<[2.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK:         %y = ts.linear %x, %w_fused_bn, %b_fused_bn
// CHECK-NEXT:    func.return %y
func.func @linear_bn(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[1.0, 2.0], [1.0, 2.0]]> : tensor<2x2xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %l = ts.linear %x, %w, %b : (!ts.tensor, !ts.tensor<[2,2], f32>, !ts.tensor<[2], f32>) -> !ts.tensor
  %gamma = ts.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %beta = ts.constant dense<[2.0, -1.5]> : tensor<2xf32>
  %mean = ts.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %var = ts.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %f = ts.constant false
  %m = ts.constant 0.1
  %eps = ts.constant 0.0
  %y = ts.batch_norm %l, %gamma, %beta, %mean, %var, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  func.return %y : !ts.tensor
}

// -----

// No single-use check (as TorchScript), but the other user keeps the unnormalised linear
// (TorchScript would rewrite it in place under that user).
// CHECK-LABEL: func.func @two_uses
// CHECK:         %l = ts.linear %x, %w, %b
// CHECK:         %y = ts.linear %x, %w_fused_bn, %b_fused_bn
// CHECK-NOT:     ts.batch_norm
// CHECK:         func.return %y, %l
func.func @two_uses(%x: !ts.tensor) -> (!ts.tensor, !ts.tensor) {
  %w = ts.constant dense<[[1.0, 2.0], [1.0, 2.0]]> : tensor<2x2xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %l = ts.linear %x, %w, %b : (!ts.tensor, !ts.tensor<[2,2], f32>, !ts.tensor<[2], f32>) -> !ts.tensor
  %gamma = ts.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %beta = ts.constant dense<[2.0, -1.5]> : tensor<2xf32>
  %mean = ts.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %var = ts.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %f = ts.constant false
  %m = ts.constant 0.1
  %eps = ts.constant 0.0
  %y = ts.batch_norm %l, %gamma, %beta, %mean, %var, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  func.return %y, %l : !ts.tensor, !ts.tensor
}

// -----

// Kept: running stats None (track_running_stats=False), a non-constant weight, training mode.
// CHECK-LABEL: func.func @kept
// CHECK:         %y1 = ts.batch_norm %l1, %gamma, %beta, %none, %none, %f
// CHECK:         %y2 = ts.batch_norm %l2, %gamma, %beta, %mean, %var, %f
// CHECK:         %y3 = ts.batch_norm %l3, %gamma, %beta, %mean, %var, %t
func.func @kept(%x: !ts.tensor, %wx: !ts.tensor) -> (!ts.tensor, !ts.tensor, !ts.tensor) {
  %w = ts.constant dense<[[1.0, 2.0], [1.0, 2.0]]> : tensor<2x2xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %gamma = ts.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %beta = ts.constant dense<[2.0, -1.5]> : tensor<2xf32>
  %mean = ts.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %var = ts.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %none = ts.constant none
  %f = ts.constant false
  %t = ts.constant true
  %m = ts.constant 0.1
  %eps = ts.constant 1.0e-05
  %l1 = ts.linear %x, %w, %b : (!ts.tensor, !ts.tensor<[2,2], f32>, !ts.tensor<[2], f32>) -> !ts.tensor
  %y1 = ts.batch_norm %l1, %gamma, %beta, %none, %none, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.none, !ts.none, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  %l2 = ts.linear %x, %wx, %b : (!ts.tensor, !ts.tensor, !ts.tensor<[2], f32>) -> !ts.tensor
  %y2 = ts.batch_norm %l2, %gamma, %beta, %mean, %var, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  %l3 = ts.linear %x, %w, %b : (!ts.tensor, !ts.tensor<[2,2], f32>, !ts.tensor<[2], f32>) -> !ts.tensor
  %y3 = ts.batch_norm %l3, %gamma, %beta, %mean, %var, %t, %m, %eps, %f : (!ts.tensor, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  func.return %y1, %y2, %y3 : !ts.tensor, !ts.tensor, !ts.tensor
}
