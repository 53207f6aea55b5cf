// ts-to-linalg, normalization: batch_norm in inference form is one generic reading the
// per-channel vectors along dim 1; training mode stays; layer_norm normalizes the last dims.
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' | filecheck %s

// CHECK-LABEL: func.func @batch_norm(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, !ts.tensor<[2,3,4], f32>)
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f32, %[[MEAN:.*]]: f32, %[[VAR:.*]]: f32, %[[W:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[C:.*]] = arith.subf %[[X]], %[[MEAN]] : f32
// CHECK-NEXT:      %[[EPS:.*]] = arith.constant 1.000000e-05 : f32
// CHECK-NEXT:      %[[VE:.*]] = arith.addf %[[VAR]], %[[EPS]] : f32
// CHECK-NEXT:      %[[R:.*]] = math.rsqrt %[[VE]] : f32
// CHECK-NEXT:      %[[N:.*]] = arith.mulf %[[C]], %[[R]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.mulf %[[N]], %[[W]] : f32
// CHECK-NEXT:      %[[O:.*]] = arith.addf %[[S]], %[[B]] : f32
// CHECK-NEXT:      linalg.yield %[[O]] : f32
// CHECK:         ts.batch_norm
func.func @batch_norm(%x: !ts.tensor<[2,3,4], f32>) -> (!ts.tensor<[2,3,4], f32>, !ts.tensor<[2,3,4], f32>) {
  %w = ts.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = ts.constant dense<[0.5, 0.25, 0.0]> : tensor<3xf32>
  %m = ts.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %v = ts.constant dense<[1.0, 4.0, 0.5]> : tensor<3xf32>
  %f = ts.constant false
  %t = ts.constant true
  %mo = ts.constant 0.1
  %eps = ts.constant 1.0e-05
  %0 = ts.batch_norm %x, %w, %b, %m, %v, %f, %mo, %eps, %f : (!ts.tensor<[2,3,4], f32>, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor<[2,3,4], f32>
  %1 = ts.batch_norm %x, %w, %b, %m, %v, %t, %mo, %eps, %f : (!ts.tensor<[2,3,4], f32>, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor<[2,3,4], f32>
  func.return %0, %1 : !ts.tensor<[2,3,4], f32>, !ts.tensor<[2,3,4], f32>
}

// CHECK-LABEL: func.func @layer_norm(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
// The sums accumulate in f64 (rounded once): sum, round, mean.
// CHECK:         %[[WIDE:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, 0, 0)>], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[WIDE]] : tensor<2x1x1xf64>)
// CHECK:         %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x1x1xf32>)
// CHECK:           arith.constant 1.200000e+01 : f32
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, 0, 0)>, affine_map<(d0, d1, d2) -> (d0, 0, 0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK:           math.rsqrt
func.func @layer_norm(%x: !ts.tensor<[2,3,4], f32>) -> !ts.tensor<[2,3,4], f32> {
  %w = ts.constant dense<1.5> : tensor<3x4xf32>
  %s = ts.constant [3, 4] : !ts.list<!ts.int>
  %n = ts.constant none
  %eps = ts.constant 1.0e-05
  %f = ts.constant false
  %0 = ts.layer_norm %x, %s, %w, %n, %eps, %f : (!ts.tensor<[2,3,4], f32>, !ts.list<!ts.int>, !ts.tensor<[3,4], f32>, !ts.none, !ts.float, !ts.bool) -> !ts.tensor<[2,3,4], f32>
  func.return %0 : !ts.tensor<[2,3,4], f32>
}
