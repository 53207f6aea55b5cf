// ts-frozen-optimizations: remove dropout, then the fixpoint of conv-bn | conv-add/sub | conv-mul/div | linear-bn.
// RUN: ts-opt %s -p ts-frozen-optimizations | filecheck %s
// RUN: ts-opt %s -p 'ts-frozen-optimizations{optimize-numerics=false}' | filecheck %s --check-prefix=NONUM

// ((conv * s + b) / 2.0) - 1 after a batch_norm and a dropout in eval mode: one lone conv.
// W = [1, 2], bias none; bn (identity stats, beta [1, 1]) -> b = [1, 1];
// * [2, 4] -> W = [2, 8], b = [2, 4]; + [2, 0] -> b = [4, 4]; / 2 -> W = [1, 4], b = [2, 2]; - 1 -> b = [1, 1].
// CHECK-LABEL: func.func @chain
// CHECK-DAG:     %[[W:.*]] = ts.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = ts.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK:         %[[C:.*]] = ts.conv2d %x, %[[W]], %[[B]], %s, %p, %s, %g
// CHECK-NEXT:    func.return %[[C]]

// NONUM-LABEL: func.func @chain
// NONUM-NOT:     ts.dropout
// NONUM:         ts.batch_norm
// NONUM:         ts.mul
// NONUM:         ts.add
// NONUM:         ts.div
// NONUM:         ts.sub
func.func @chain(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %none = ts.constant none
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %c = ts.conv2d %x, %w, %none, %s, %p, %s, %g : (!ts.tensor, !ts.tensor<[2,1,1,1], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  %ones = ts.constant dense<1.0> : tensor<2xf32>
  %zeros = ts.constant dense<0.0> : tensor<2xf32>
  %f = ts.constant false
  %mom = ts.constant 0.1
  %eps = ts.constant 0.0
  %bn = ts.batch_norm %c, %ones, %ones, %zeros, %ones, %f, %mom, %eps, %f : (!ts.tensor, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
  %half = ts.constant 0.5
  %d = ts.dropout %bn, %half, %f : (!ts.tensor, !ts.float, !ts.bool) -> !ts.tensor
  %scale = ts.constant dense<[[[[2.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %m = ts.mul %d, %scale : (!ts.tensor, !ts.tensor<[1,2,1,1], f32>) -> !ts.tensor
  %shift = ts.constant dense<[[[[2.0]], [[0.0]]]]> : tensor<1x2x1x1xf32>
  %one = ts.constant 1
  %a = ts.add %m, %shift, %one : (!ts.tensor, !ts.tensor<[1,2,1,1], f32>, !ts.int) -> !ts.tensor
  %two = ts.constant 2.0
  %q = ts.div %a, %two : (!ts.tensor, !ts.float) -> !ts.tensor
  %r = ts.sub %q, %one, %one : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
  func.return %r : !ts.tensor
}
