// ts-fold-conv-bn: batch_norm(conv) -> conv with W*gamma/sqrt(var+eps), (b-mean)*gamma/sqrt(var+eps)+beta.
// RUN: ts-opt %s -p ts-fold-conv-bn --split-input-file | filecheck %s

// No conv bias (zeros): gamma/sqrt(var) = [1, 1] leaves W, the bias becomes beta - mean.
// CHECK-LABEL: func.func @conv2d_no_bias
// CHECK-DAG:     %w_fused_bn = ts.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32> as !ts.tensor
// CHECK-DAG:     %b_fused_bn = ts.constant dense<[5.000000e-01, -2.000000e+00]> : tensor<2xf32>
// CHECK:         %y = ts.conv2d %x, %w_fused_bn, %b_fused_bn, %s, %p, %s, %g
// CHECK-NEXT:    func.return %y
// CHECK-NOT:     ts.batch_norm
func.func @conv2d_no_bias(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32> as !ts.tensor
  %b = ts.constant none
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %c = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %gamma = ts.constant dense<[2.0, 0.5]> : tensor<2xf32> as !ts.tensor
  %beta = ts.constant dense<[1.0, -1.0]> : tensor<2xf32> as !ts.tensor
  %mean = ts.constant dense<[0.5, 1.0]> : tensor<2xf32> as !ts.tensor
  %var = ts.constant dense<[4.0, 0.25]> : tensor<2xf32> as !ts.tensor
  %f = ts.constant false
  %m = ts.constant 0.1
  %eps = ts.constant 0.0
  %y = ts.batch_norm %c, %gamma, %beta, %mean, %var, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  func.return %y : !ts.tensor
}

// -----

// conv1d with a bias, batch_norm without affine parameters (gamma 1, beta 0); eps is used.
// CHECK-LABEL: func.func @conv1d_no_affine
// CHECK-DAG:     %w_fused_bn = ts.constant dense<{{\[\[\[}}5.000000e-01]], {{\[\[}}2.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-DAG:     %b_fused_bn = ts.constant dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK:         %y = ts.conv1d %x, %w_fused_bn, %b_fused_bn, %s, %p, %s, %g
// CHECK-NEXT:    func.return %y
func.func @conv1d_no_affine(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = ts.constant [1] : !ts.list<!ts.int>
  %p = ts.constant [0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %c = ts.conv1d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %none = ts.constant none
  %mean = ts.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = ts.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %f = ts.constant false
  %m = ts.constant 0.1
  %eps = ts.constant 1.0
  %y = ts.batch_norm %c, %none, %none, %mean, %var, %f, %m, %eps, %f : (!ts.tensor, !ts.none, !ts.none, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  func.return %y : !ts.tensor
}

// -----

// Not folded: the conv result has a second use; a batch_norm parameter is not a constant;
// the batch_norm is in training mode; the running stats are None.
// CHECK-LABEL: func.func @kept
// CHECK:         %c = ts.conv2d %x, %w, %b
// CHECK:         %y1 = ts.batch_norm %c, %gamma, %beta, %stat, %stat, %f
// CHECK:         %c2 = ts.conv2d %x, %w, %b
// CHECK:         %y2 = ts.batch_norm %c2, %gamma, %beta, %mean, %stat, %f
// CHECK:         %c3 = ts.conv2d %x, %w, %b
// CHECK:         %y3 = ts.batch_norm %c3, %gamma, %beta, %stat, %stat, %t
// CHECK:         %c4 = ts.conv2d %x, %w, %b
// CHECK:         %y4 = ts.batch_norm %c4, %gamma, %beta, %none, %none, %f
func.func @kept(%x: !ts.tensor, %mean: !ts.tensor) -> (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor) {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32> as !ts.tensor
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %gamma = ts.constant dense<[2.0, 0.5]> : tensor<2xf32> as !ts.tensor
  %beta = ts.constant dense<[1.0, -1.0]> : tensor<2xf32> as !ts.tensor
  %stat = ts.constant dense<[1.0, 1.0]> : tensor<2xf32> as !ts.tensor
  %none = ts.constant none
  %f = ts.constant false
  %t = ts.constant true
  %m = ts.constant 0.1
  %eps = ts.constant 1.0e-05
  %c = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %y1 = ts.batch_norm %c, %gamma, %beta, %stat, %stat, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  %c2 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %y2 = ts.batch_norm %c2, %gamma, %beta, %mean, %stat, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  %c3 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %y3 = ts.batch_norm %c3, %gamma, %beta, %stat, %stat, %t, %m, %eps, %f : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  %c4 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %y4 = ts.batch_norm %c4, %gamma, %beta, %none, %none, %f, %m, %eps, %f : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.none, !ts.none, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  func.return %c, %y1, %y2, %y3, %y4 : !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor
}
