// ts-fold-conv-mul-div: conv(x) * c -> conv(x) with W * c and bias * c, under TorchScript's broadcast condition.
// RUN: ts-opt %s -p ts-fold-conv-mul-div --split-input-file | filecheck %s

// mul by a (1,C,1,1) tensor, then div by a scalar: weight and bias both scale.
// CHECK-LABEL: func.func @chain
// CHECK-DAG:     %[[W:.*]] = ts.constant dense<{{\[\[\[\[}}1.500000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = ts.constant dense<[1.500000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK:         %r = ts.conv2d %x, %[[W]], %[[B]], %s, %p, %s, %g
// CHECK-NEXT:    func.return %r
func.func @chain(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %c = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %t = ts.constant dense<[[[[3.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %m = ts.mul %c, %t : (!ts.tensor, !ts.tensor<[1,2,1,1], f32>) -> !ts.tensor
  %two = ts.constant 2.0
  %r = ts.div %m, %two : (!ts.tensor, !ts.float) -> !ts.tensor
  func.return %r : !ts.tensor
}

// -----

// Without a bias only the weight changes; an int scalar folds too.
// CHECK-LABEL: func.func @no_bias
// CHECK:         %w_fused_mul = ts.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK:         %r = ts.conv2d %x, %w_fused_mul, %b, %s, %p, %s, %g
// CHECK-NEXT:    func.return %r
func.func @no_bias(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = ts.constant none
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %c = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %two = ts.constant 2
  %r = ts.mul %c, %two : (!ts.tensor, !ts.int) -> !ts.tensor
  func.return %r : !ts.tensor
}

// -----

// Kept: a (C,1,1) operand, a non-constant operand, a conv with two uses, the conv second.
// CHECK-LABEL: func.func @kept
// CHECK:         %m1 = ts.mul %c1, %cx11
// CHECK:         %m2 = ts.div %c2, %y
// CHECK:         %m3 = ts.mul %c3, %k
// CHECK:         %m4 = ts.mul %k, %c4
func.func @kept(%x: !ts.tensor, %y: !ts.tensor) -> (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor) {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %k = ts.constant dense<3.0> : tensor<f32>
  %cx11 = ts.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32>
  %c1 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %m1 = ts.mul %c1, %cx11 : (!ts.tensor, !ts.tensor<[2,1,1], f32>) -> !ts.tensor
  %c2 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %m2 = ts.div %c2, %y : (!ts.tensor, !ts.tensor) -> !ts.tensor
  %c3 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %m3 = ts.mul %c3, %k : (!ts.tensor, !ts.tensor<[], f32>) -> !ts.tensor
  %c4 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %m4 = ts.mul %k, %c4 : (!ts.tensor<[], f32>, !ts.tensor) -> !ts.tensor
  func.return %m1, %m2, %m3, %c3, %m4 : !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor
}
