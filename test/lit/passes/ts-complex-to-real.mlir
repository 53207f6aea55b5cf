// ts-complex-to-real: complex tensors become real pairs (shape S + (2,)); a product is four real
// products, abs a hypot; the function lists its complex arguments and results.
// RUN: ts-opt %s -p ts-complex-to-real | filecheck %s

// CHECK-LABEL: func.func @mul_abs(%a: !ts.tensor<[3,2], f32>, %b: !ts.tensor<[3,2], f32>) -> (!ts.tensor<[3,2], f32>, !ts.tensor<[3], f32>)
// CHECK-SAME:    ts.complex_pairs = "{\22inputs\22: [0, 1], \22results\22: [0]}"
// CHECK-DAG:     %[[AR:.*]] = ts.select %a, %{{.*}}, %{{.*}} : (!ts.tensor<[3,2], f32>, !ts.int, !ts.int) -> !ts.tensor<[3], f32>
// CHECK-DAG:     %[[BR:.*]] = ts.select %b, %{{.*}}, %{{.*}} : (!ts.tensor<[3,2], f32>, !ts.int, !ts.int) -> !ts.tensor<[3], f32>
// CHECK:         %[[RR:.*]] = ts.mul %[[AR]], %[[BR]]
// CHECK:         %[[RE:.*]] = ts.sub %[[RR]], %{{.*}}, %{{.*}}
// CHECK:         %[[IM:.*]] = ts.add %{{.*}}, %{{.*}}, %{{.*}}
// CHECK:         %[[L:.*]] = ts.list.construct %[[RE]], %[[IM]]
// CHECK:         %[[P:.*]] = ts.stack %[[L]], %{{.*}} : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor<[3,2], f32>
// CHECK:         %m = ts.hypot
// CHECK:         func.return %[[P]], %m : !ts.tensor<[3,2], f32>, !ts.tensor<[3], f32>
func.func @mul_abs(%a: !ts.tensor<[3], complex<f32>>, %b: !ts.tensor<[3], complex<f32>>) -> (!ts.tensor<[3], complex<f32>>, !ts.tensor<[3], f32>) {
  %p = ts.mul %a, %b : (!ts.tensor<[3], complex<f32>>, !ts.tensor<[3], complex<f32>>) -> !ts.tensor<[3], complex<f32>>
  %m = ts.abs %p : (!ts.tensor<[3], complex<f32>>) -> !ts.tensor<[3], f32>
  func.return %p, %m : !ts.tensor<[3], complex<f32>>, !ts.tensor<[3], f32>
}

// An rfft of 4 points: one real input times the cos and sin DFT matrices (4 x 3), packed as a pair.
// CHECK-LABEL: func.func @rfft(%x: !ts.tensor<[2,4], f32>) -> !ts.tensor<[2,3,2], f32>
// CHECK-SAME:    ts.complex_pairs = "{\22inputs\22: [], \22results\22: [0]}"
// CHECK:         %[[C:.*]] = ts.constant dense<{{.*}}> : tensor<4x3xf32>
// CHECK:         %[[S:.*]] = ts.constant dense<{{.*}}> : tensor<4x3xf32>
// CHECK:         ts.matmul %x, %[[C]]
// CHECK:         ts.matmul %x, %[[S]]
// CHECK:         ts.stack
// CHECK-NOT:     complex
func.func @rfft(%x: !ts.tensor<[2,4], f32>) -> !ts.tensor<[2,3], complex<f32>> {
  %none = ts.constant none
  %dim = ts.constant -1
  %y = ts.fft_rfft %x, %none, %dim, %none : (!ts.tensor<[2,4], f32>, !ts.none, !ts.int, !ts.none) -> !ts.tensor<[2,3], complex<f32>>
  func.return %y : !ts.tensor<[2,3], complex<f32>>
}

// tanh from e = exp(-2|x|) and expm1 (no overflow for large |x|), with C99's values at infinities.
// CHECK-LABEL: func.func @tanh(%x: !ts.tensor<[3,2], f32>) -> !ts.tensor<[3,2], f32>
// CHECK:         %[[A:.*]] = ts.abs
// CHECK:         %[[T:.*]] = ts.mul %[[A]]
// CHECK:         ts.exp %[[T]]
// CHECK:         ts.expm1 %[[T]]
// CHECK:         ts.copysign
// CHECK:         ts.isinf
// CHECK:         ts.stack
// CHECK-NOT:     complex
func.func @tanh(%x: !ts.tensor<[3], complex<f32>>) -> !ts.tensor<[3], complex<f32>> {
  %y = ts.tanh %x : (!ts.tensor<[3], complex<f32>>) -> !ts.tensor<[3], complex<f32>>
  func.return %y : !ts.tensor<[3], complex<f32>>
}

// prod along a dim: the first element, then a ts.loop multiplying in the others one by one.
// CHECK-LABEL: func.func @prod(%x: !ts.tensor<[2,3,2], f32>) -> !ts.tensor<[2,2], f32>
// CHECK:         %[[FIRST:.*]] = ts.select %x, %{{.*}}, %{{.*}} : (!ts.tensor<[2,3,2], f32>, !ts.int, !ts.int) -> !ts.tensor<[2,2], f32>
// CHECK:         %[[REST:.*]] = ts.slice %x, {{.*}} -> !ts.tensor<[2,2,2], f32>
// CHECK:         %[[P:.*]] = ts.loop %{{.*}}, %{{.*}} iter(%[[I:.*]], %[[ACC:.*]] = %[[FIRST]]) : (!ts.tensor<[2,2], f32>)
// CHECK:           ts.select %[[REST]], %{{.*}}, %[[I]]
// CHECK:           ts.sub
// CHECK:           ts.add
// CHECK:           ts.condition
// CHECK:         func.return %[[P]] : !ts.tensor<[2,2], f32>
func.func @prod(%x: !ts.tensor<[2,3], complex<f32>>) -> !ts.tensor<[2], complex<f32>> {
  %dim = ts.constant 1
  %false = ts.constant false
  %none = ts.constant none
  %y = ts.prod %x, %dim, %false, %none : (!ts.tensor<[2,3], complex<f32>>, !ts.int, !ts.bool, !ts.none) -> !ts.tensor<[2], complex<f32>>
  func.return %y : !ts.tensor<[2], complex<f32>>
}

// An op without a rule (asin of a complex tensor): the function stays as it is.
// CHECK-LABEL: func.func @kept(%x: !ts.tensor<[3], complex<f32>>) -> !ts.tensor<[3], complex<f32>>
// CHECK-NEXT:    ts.asin %x
// CHECK-NOT:     ts.complex_pairs
func.func @kept(%x: !ts.tensor<[3], complex<f32>>) -> !ts.tensor<[3], complex<f32>> {
  %y = ts.asin %x : (!ts.tensor<[3], complex<f32>>) -> !ts.tensor<[3], complex<f32>>
  func.return %y : !ts.tensor<[3], complex<f32>>
}
