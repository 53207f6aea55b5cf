// ts-to-linalg on products: 2-D -> fill 0 + linalg.matmul, other ranks -> a reduction generic,
// linear -> transpose + matmul + broadcast bias generic.
// RUN: ts-opt %s -p ts-to-linalg --split-input-file 2>&1 | filecheck %s

// CHECK-LABEL: func.func @mm(%x: tensor<2x3xf32>, %y: tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK:         %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK-NEXT:    %[[F:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<2x4xf32>)
// CHECK-NEXT:    %[[M:.*]] = linalg.matmul ins(%x, %y : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[F]] : tensor<2x4xf32>)
// CHECK-NEXT:    func.return %[[M]] : tensor<2x4xf32>
func.func @mm(%x: !ts.tensor<[2,3], f32>, %y: !ts.tensor<[3,4], f32>) -> !ts.tensor<[2,4], f32> {
  %z = ts.mm %x, %y : (!ts.tensor<[2,3], f32>, !ts.tensor<[3,4], f32>) -> !ts.tensor<[2,4], f32>
  func.return %z : !ts.tensor<[2,4], f32>
}

// -----

// CHECK-LABEL: func.func @bmm
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK:           arith.mulf
// CHECK-NEXT:      arith.addf
func.func @bmm(%x: !ts.tensor<[5,2,3], f32>, %y: !ts.tensor<[5,3,4], f32>) -> !ts.tensor<[5,2,4], f32> {
  %z = ts.bmm %x, %y : (!ts.tensor<[5,2,3], f32>, !ts.tensor<[5,3,4], f32>) -> !ts.tensor<[5,2,4], f32>
  func.return %z : !ts.tensor<[5,2,4], f32>
}

// -----

// A broadcast batch dim of size 1 is indexed with the constant 0.
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
func.func @matmul_broadcast(%x: !ts.tensor<[1,2,3], f32>, %y: !ts.tensor<[4,3,5], f32>) -> !ts.tensor<[4,2,5], f32> {
  %z = ts.matmul %x, %y : (!ts.tensor<[1,2,3], f32>, !ts.tensor<[4,3,5], f32>) -> !ts.tensor<[4,2,5], f32>
  func.return %z : !ts.tensor<[4,2,5], f32>
}

// -----

// CHECK-LABEL: func.func @linear(%x: tensor<5x2x3xf32>) -> tensor<5x2x4xf32>
// CHECK:         %[[X:.*]] = tensor.collapse_shape %x {{\[\[}}0 : i64, 1 : i64], [2 : i64]] : tensor<5x2x3xf32> into tensor<10x3xf32>
// CHECK:         %[[WT:.*]] = linalg.transpose ins(%{{.*}}:tensor<4x3xf32>) outs(%{{.*}}:tensor<3x4xf32>) permutation = [1, 0]
// CHECK:         %[[M:.*]] = linalg.matmul ins(%[[X]], %[[WT]] : tensor<10x3xf32>, tensor<3x4xf32>)
// CHECK:         %[[B:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%[[M]], %{{.*}} : tensor<10x4xf32>, tensor<4xf32>)
// CHECK:         tensor.expand_shape %[[B]] {{\[\[}}0 : i64, 1 : i64], [2 : i64]] output_shape [5, 2, 4] : tensor<10x4xf32> into tensor<5x2x4xf32>
func.func @linear(%x: !ts.tensor<[5,2,3], f32>) -> !ts.tensor<[5,2,4], f32> {
  %w = ts.constant dense<1.0> : tensor<4x3xf32> as !ts.tensor<[4,3], f32>
  %b = ts.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> as !ts.tensor<[4], f32>
  %z = ts.linear %x, %w, %b : (!ts.tensor<[5,2,3], f32>, !ts.tensor<[4,3], f32>, !ts.tensor<[4], f32>) -> !ts.tensor<[5,2,4], f32>
  func.return %z : !ts.tensor<[5,2,4], f32>
}

// -----

// addmm: beta * self + alpha * product in one generic after the matmul.
// CHECK-LABEL: func.func @addmm
// CHECK:         %[[M:.*]] = linalg.matmul
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %[[M]] : tensor<1x4xf32>, tensor<2x4xf32>)
// CHECK:           arith.constant 5.000000e-01 : f32
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.constant 2.000000e+00 : f32
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.addf
func.func @addmm(%c: !ts.tensor<[1,4], f32>, %x: !ts.tensor<[2,3], f32>, %y: !ts.tensor<[3,4], f32>) -> !ts.tensor<[2,4], f32> {
  %beta = ts.constant 0.5
  %alpha = ts.constant 2.0
  %z = ts.addmm %c, %x, %y, %beta, %alpha : (!ts.tensor<[1,4], f32>, !ts.tensor<[2,3], f32>, !ts.tensor<[3,4], f32>, !ts.float, !ts.float) -> !ts.tensor<[2,4], f32>
  func.return %z : !ts.tensor<[2,4], f32>
}

// -----

// A dynamic shape stays, reported.
// CHECK: ts-to-linalg: warning: ts.mm was not lowered: needs a static shape and dtype
// CHECK-LABEL: func.func @dynamic
// CHECK:         ts.mm
func.func @dynamic(%x: !ts.tensor<[?,3], f32>, %y: !ts.tensor<[3,4], f32>) -> !ts.tensor<[?,4], f32> {
  %z = ts.mm %x, %y : (!ts.tensor<[?,3], f32>, !ts.tensor<[3,4], f32>) -> !ts.tensor<[?,4], f32>
  func.return %z : !ts.tensor<[?,4], f32>
}
