// ts-to-linalg, reductions: a generic with reduction iterators into a linalg.fill'ed init;
// keepdim reads the reduced dim at 0 in the output map; softmax is max, x - max, exp, sum, div.
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' | filecheck %s

// A float32 sum accumulates in f64 and is rounded once at the end.
// CHECK-LABEL: func.func @sum_keepdim(%x: tensor<2x3xf32>) -> tensor<2x1xf32>
// CHECK:         %[[Z:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:    %[[E:.*]] = tensor.empty() : tensor<2x1xf64>
// CHECK-NEXT:    %[[I:.*]] = linalg.fill ins(%[[Z]] : f64) outs(%[[E]] : tensor<2x1xf64>) -> tensor<2x1xf64>
// CHECK-NEXT:    %[[S:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x3xf32>) outs(%[[I]] : tensor<2x1xf64>)
// CHECK:           arith.extf
// CHECK-NEXT:      arith.addf {{.*}} : f64
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<2x1xf64>)
// CHECK:           arith.truncf
// CHECK:         func.return %[[R]]
func.func @sum_keepdim(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,1], f32> {
  %d = ts.constant [1] : !ts.list<!ts.int>
  %t = ts.constant true
  %n = ts.constant none
  %0 = ts.sum %x, %d, %t, %n : (!ts.tensor<[2,3], f32>, !ts.list<!ts.int>, !ts.bool, !ts.none) -> !ts.tensor<[2,1], f32>
  func.return %0 : !ts.tensor<[2,1], f32>
}

// CHECK-LABEL: func.func @mean_amax(%x: tensor<2x3x4xf32>)
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK:           arith.addf
// CHECK:         linalg.generic
// CHECK:           arith.constant 8.000000e+00 : f32
// CHECK-NEXT:      arith.divf
// CHECK:         arith.constant 0xff800000 : f32
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK:           arith.maximumf
func.func @mean_amax(%x: !ts.tensor<[2,3,4], f32>) -> (!ts.tensor<[3], f32>, !ts.tensor<[2,3], f32>) {
  %d = ts.constant [0, -1] : !ts.list<!ts.int>
  %last = ts.constant [2] : !ts.list<!ts.int>
  %f = ts.constant false
  %n = ts.constant none
  %0 = ts.mean %x, %d, %f, %n : (!ts.tensor<[2,3,4], f32>, !ts.list<!ts.int>, !ts.bool, !ts.none) -> !ts.tensor<[3], f32>
  %1 = ts.amax %x, %last, %f : (!ts.tensor<[2,3,4], f32>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor<[2,3], f32>
  func.return %0, %1 : !ts.tensor<[3], f32>, !ts.tensor<[2,3], f32>
}

// CHECK-LABEL: func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[M:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x3xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[SH:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]{{.*}} ins(%x, %[[M]] : tensor<2x3xf32>, tensor<2x1xf32>)
// CHECK:           arith.subf
// CHECK:         %[[EX:.*]] = linalg.generic {{.*}} ins(%[[SH]] : tensor<2x3xf32>)
// CHECK:           math.exp
// CHECK:         %[[WIDE:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[EX]] : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x1xf64>)
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[WIDE]] : tensor<2x1xf64>)
// CHECK:         linalg.generic {{.*}} ins(%[[EX]], %[[SUM]] : tensor<2x3xf32>, tensor<2x1xf32>)
// CHECK:           arith.divf
func.func @softmax(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %d = ts.constant -1
  %n = ts.constant none
  %0 = ts.softmax %x, %d, %n : (!ts.tensor<[2,3], f32>, !ts.int, !ts.none) -> !ts.tensor<[2,3], f32>
  func.return %0 : !ts.tensor<[2,3], f32>
}
