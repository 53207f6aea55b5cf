// ts-fold-conv-add-sub: conv(x) + c -> conv(x) with bias + c, under TorchScript's broadcast condition.
// RUN: ts-opt %s -p ts-fold-conv-add-sub --split-input-file | filecheck %s

// A chain folds step by step: + (1,C,1,1) tensor into a missing bias, then - scalar * alpha.
// CHECK-LABEL: func.func @chain
// CHECK-NOT:     dense<[1.000000e+01, 2.000000e+01]>
// CHECK:         %b_fused_add_fused_sub = ts.constant dense<[7.000000e+00, 1.700000e+01]> : tensor<2xf32>
// CHECK-NEXT:    %r = ts.conv2d %x, %w, %b_fused_add_fused_sub, %s, %p, %s, %g
// CHECK-NEXT:    func.return %r
func.func @chain(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = ts.constant none
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %c = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %t = ts.constant dense<[[[[10.0]], [[20.0]]]]> : tensor<1x2x1x1xf32>
  %one = ts.constant 1
  %a = ts.add %c, %t, %one : (!ts.tensor, !ts.tensor<[1,2,1,1], f32>, !ts.int) -> !ts.tensor
  %k = ts.constant 1.5
  %two = ts.constant 2
  %r = ts.sub %a, %k, %two : (!ts.tensor, !ts.float, !ts.int) -> !ts.tensor
  func.return %r : !ts.tensor
}

// -----

// A (1,1) tensor and an int64 (1,C,1,1) tensor fold (the latter as PyTorch 2.13 does).
// CHECK-LABEL: func.func @folded_operands
// CHECK:         %[[B:.*]] = ts.constant dense<[4.000000e+00, 5.000000e+00]> : tensor<2xf32>
// CHECK:         %r = ts.conv2d %x, %w, %[[B]], %s, %p, %s, %g
// CHECK-NEXT:    func.return %r
func.func @folded_operands(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %one = ts.constant 1
  %c = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %t = ts.constant dense<[[2.0]]> : tensor<1x1xf32>
  %a = ts.add %c, %t, %one : (!ts.tensor, !ts.tensor<[1,1], f32>, !ts.int) -> !ts.tensor
  %i = ts.constant dense<[[[[1]], [[1]]]]> : tensor<1x2x1x1xi64>
  %r = ts.add %a, %i, %one : (!ts.tensor, !ts.tensor<[1,2,1,1], i64>, !ts.int) -> !ts.tensor
  func.return %r : !ts.tensor
}

// -----

// Kept: a (C,1,1) operand (TorchScript's check is left-aligned); an operand with more dims
// than the weight (it would change the output shape); a (1,C) operand (tsjit: it broadcasts
// over the last dim, not the channels); a non-constant operand; a conv with two uses; the
// conv as the second operand.
// CHECK-LABEL: func.func @kept
// CHECK:         %a1 = ts.add %c1, %cx11
// CHECK:         %a2 = ts.add %c2, %big
// CHECK:         %a3 = ts.add %c3, %onec
// CHECK:         %a4 = ts.add %c4, %y
// CHECK:         %a5 = ts.sub %c5, %k
// CHECK:         %a6 = ts.add %t, %c6
func.func @kept(%x: !ts.tensor, %y: !ts.tensor) -> (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor) {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = ts.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %one = ts.constant 1
  %k = ts.constant 3.0
  %cx11 = ts.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32>
  %big = ts.constant dense<1.0> : tensor<1x1x1x1x1xf32>
  %onec = ts.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %t = ts.constant dense<[[[[10.0]], [[20.0]]]]> : tensor<1x2x1x1xf32>
  %c1 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %a1 = ts.add %c1, %cx11, %one : (!ts.tensor, !ts.tensor<[2,1,1], f32>, !ts.int) -> !ts.tensor
  %c2 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %a2 = ts.add %c2, %big, %one : (!ts.tensor, !ts.tensor<[1,1,1,1,1], f32>, !ts.int) -> !ts.tensor
  %c3 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %a3 = ts.add %c3, %onec, %one : (!ts.tensor, !ts.tensor<[1,2], f32>, !ts.int) -> !ts.tensor
  %c4 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %a4 = ts.add %c4, %y, %one : (!ts.tensor, !ts.tensor, !ts.int) -> !ts.tensor
  %c5 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %a5 = ts.sub %c5, %k, %one : (!ts.tensor, !ts.float, !ts.int) -> !ts.tensor
  %c6 = ts.conv2d %x, %w, %b, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %a6 = ts.add %t, %c6, %one : (!ts.tensor<[1,2,1,1], f32>, !ts.tensor, !ts.int) -> !ts.tensor
  func.return %a1, %a2, %a3, %a4, %a5, %c5, %a6 : !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor
}
