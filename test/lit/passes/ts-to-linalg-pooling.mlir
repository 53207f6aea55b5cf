// ts-to-linalg on pooling: max -> pad -inf + linalg.pooling_nchw_max; avg -> window-sum generic + divide.
// RUN: ts-opt %s -p ts-to-linalg --split-input-file | filecheck %s

// ceil_mode: the last of the 4x4 windows of the 8x8 input needs one more row/column of -inf on the high side.
// CHECK-LABEL: func.func @max_ceil(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
// CHECK:         %[[P:.*]] = tensor.pad %x low[0, 0, 0, 0] high[0, 0, 1, 1] {
// CHECK:           arith.constant 0xff800000 : f32
// CHECK:         } : tensor<1x3x8x8xf32> to tensor<1x3x9x9xf32>
// CHECK:         %[[NEG:.*]] = arith.constant 0xff800000 : f32
// CHECK:         %[[F:.*]] = linalg.fill ins(%[[NEG]] : f32)
// CHECK:         %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK:         linalg.pooling_nchw_max {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%[[P]], %[[WIN]] : tensor<1x3x9x9xf32>, tensor<3x3xf32>) outs(%[[F]] : tensor<1x3x4x4xf32>)
func.func @max_ceil(%x: !ts.tensor<[1,3,8,8], f32>) -> !ts.tensor<[1,3,4,4], f32> {
  %k = ts.constant [3, 3] : !ts.list<!ts.int>
  %s = ts.constant [2, 2] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %d = ts.constant [1, 1] : !ts.list<!ts.int>
  %c = ts.constant true
  %y = ts.max_pool2d %x, %k, %s, %p, %d, %c : (!ts.tensor<[1,3,8,8], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor<[1,3,4,4], f32>
  func.return %y : !ts.tensor<[1,3,4,4], f32>
}

// -----

// count_include_pad=false: the divisor varies over the output, a dense constant.
// CHECK-LABEL: func.func @avg_exclude_pad(%x: tensor<3x6x6xf32>) -> tensor<3x3x3xf32>
// CHECK:         tensor.expand_shape %x {{.*}} into tensor<1x3x6x6xf32>
// CHECK:         tensor.pad {{.*}} low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, ((d2 * 2) + d4), ((d3 * 2) + d5))>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK:         %[[D:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00]]> : tensor<3x3xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[S]], %[[D]] : tensor<1x3x3x3xf32>, tensor<3x3xf32>)
// CHECK:           arith.divf
// CHECK:         tensor.collapse_shape {{.*}} into tensor<3x3x3xf32>
func.func @avg_exclude_pad(%x: !ts.tensor<[3,6,6], f32>) -> !ts.tensor<[3,3,3], f32> {
  %k = ts.constant [3, 3] : !ts.list<!ts.int>
  %s = ts.constant [2, 2] : !ts.list<!ts.int>
  %p = ts.constant [1, 1] : !ts.list<!ts.int>
  %f = ts.constant false
  %n = ts.constant none
  %y = ts.avg_pool2d %x, %k, %s, %p, %f, %f, %n : (!ts.tensor<[3,6,6], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool, !ts.bool, !ts.none) -> !ts.tensor<[3,3,3], f32>
  func.return %y : !ts.tensor<[3,3,3], f32>
}

// -----

// A global average: one 6x4 window, divided by 24.
// CHECK-LABEL: func.func @adaptive_global
// CHECK:         tensor.empty() : tensor<6x4xf32>
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, ((d2 * 6) + d4), ((d3 * 4) + d5))>
// CHECK:         arith.constant 2.400000e+01 : f32
// CHECK-NEXT:    arith.divf
func.func @adaptive_global(%x: !ts.tensor<[2,3,6,4], f32>) -> !ts.tensor<[2,3,1,1], f32> {
  %o = ts.constant [1, 1] : !ts.list<!ts.int>
  %y = ts.adaptive_avg_pool2d %x, %o : (!ts.tensor<[2,3,6,4], f32>, !ts.list<!ts.int>) -> !ts.tensor<[2,3,1,1], f32>
  func.return %y : !ts.tensor<[2,3,1,1], f32>
}

// -----

// Unequal adaptive bins: each bin read at its constant start, up to the widest bin (2), under
// constant validity tables, then divided by each dim's bin lengths.
// CHECK-LABEL: func.func @adaptive_unequal
// CHECK-NOT:     ts.adaptive_avg_pool2d
// CHECK:         linalg.generic {indexing_maps = [{{.*}}, {{.*}}, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, (((d2 * 5) floordiv 3) + d4), (((d3 * 5) floordiv 3) + d5))>
// CHECK:         arith.divf
func.func @adaptive_unequal(%x: !ts.tensor<[1,1,5,5], f32>) -> !ts.tensor<[1,1,3,3], f32> {
  %o = ts.constant [3, 3] : !ts.list<!ts.int>
  %y = ts.adaptive_avg_pool2d %x, %o : (!ts.tensor<[1,1,5,5], f32>, !ts.list<!ts.int>) -> !ts.tensor<[1,1,3,3], f32>
  func.return %y : !ts.tensor<[1,1,3,3], f32>
}
