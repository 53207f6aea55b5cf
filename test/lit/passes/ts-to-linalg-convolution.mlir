// ts-to-linalg on convolutions: tensor.pad with 0, linalg.conv_2d_nchw_fchw with strides/dilations on a
// zero fill, bias as a broadcast generic; groups through conv_2d_ngchw_gfchw; conv1d as conv2d.
// RUN: ts-opt %s -p ts-to-linalg --split-input-file | filecheck %s

// CHECK-LABEL: func.func @conv(%x: tensor<2x4x7x7xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x4x5xf32>
// CHECK:         %[[P:.*]] = tensor.pad %x low[0, 0, 1, 2] high[0, 0, 1, 2] {
// CHECK:           %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      tensor.yield %[[Z]] : f32
// CHECK:         } : tensor<2x4x7x7xf32> to tensor<2x4x9x11xf32>
// CHECK:         %[[F:.*]] = linalg.fill
// CHECK-NEXT:    %[[C:.*]] = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%[[P]], %w : tensor<2x4x9x11xf32>, tensor<6x4x3x3xf32>) outs(%[[F]] : tensor<2x6x4x5xf32>)
// CHECK:         %[[B:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]{{.*}} ins(%[[C]], %b
// CHECK:         func.return %[[B]]
func.func @conv(%x: !ts.tensor<[2,4,7,7], f32>, %w: !ts.tensor<[6,4,3,3], f32>, %b: !ts.tensor<[6], f32>) -> !ts.tensor<[2,6,4,5], f32> {
  %s = ts.constant [2, 2] : !ts.list<!ts.int>
  %p = ts.constant [1, 2] : !ts.list<!ts.int>
  %d = ts.constant [1, 1] : !ts.list<!ts.int>
  %g = ts.constant 1
  %y = ts.conv2d %x, %w, %b, %s, %p, %d, %g : (!ts.tensor<[2,4,7,7], f32>, !ts.tensor<[6,4,3,3], f32>, !ts.tensor<[6], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor<[2,6,4,5], f32>
  func.return %y : !ts.tensor<[2,6,4,5], f32>
}

// -----

// groups=2: input (N, G*C, H, W) and weight (G*F, C, kh, kw) get a group dim; the output loses it.
// CHECK-LABEL: func.func @grouped
// CHECK-NOT:     tensor.pad
// CHECK:         %[[X:.*]] = tensor.expand_shape %x {{\[\[}}0 : i64], [1 : i64, 2 : i64], [3 : i64], [4 : i64]] output_shape [2, 2, 2, 5, 5]
// CHECK:         %[[W:.*]] = tensor.expand_shape %w {{\[\[}}0 : i64, 1 : i64], [2 : i64], [3 : i64], [4 : i64]] output_shape [2, 3, 2, 3, 3]
// CHECK:         %[[C:.*]] = linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%[[X]], %[[W]] : tensor<2x2x2x5x5xf32>, tensor<2x3x2x3x3xf32>) outs(%{{.*}} : tensor<2x2x3x3x3xf32>)
// CHECK:         tensor.collapse_shape %[[C]] {{\[\[}}0 : i64], [1 : i64, 2 : i64], [3 : i64], [4 : i64]] : tensor<2x2x3x3x3xf32> into tensor<2x6x3x3xf32>
func.func @grouped(%x: !ts.tensor<[2,4,5,5], f32>, %w: !ts.tensor<[6,2,3,3], f32>) -> !ts.tensor<[2,6,3,3], f32> {
  %s = ts.constant [1, 1] : !ts.list<!ts.int>
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 2
  %n = ts.constant none
  %y = ts.conv2d %x, %w, %n, %s, %p, %s, %g : (!ts.tensor<[2,4,5,5], f32>, !ts.tensor<[6,2,3,3], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor<[2,6,3,3], f32>
  func.return %y : !ts.tensor<[2,6,3,3], f32>
}

// -----

// conv1d (unbatched): (C, L) -> (1, C, 1, L), dilation (1, d).
// CHECK-LABEL: func.func @conv1d
// CHECK:         tensor.expand_shape %x {{.*}} output_shape [1, 3, 1, 10] : tensor<3x10xf32> into tensor<1x3x1x10xf32>
// CHECK:         tensor.expand_shape %w {{.*}} output_shape [2, 3, 1, 3] : tensor<2x3x3xf32> into tensor<2x3x1x3xf32>
// CHECK:         linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<[1, 3]> : tensor<2xi64>}
// CHECK:         tensor.collapse_shape {{.*}} : tensor<1x2x1x4xf32> into tensor<2x4xf32>
func.func @conv1d(%x: !ts.tensor<[3,10], f32>, %w: !ts.tensor<[2,3,3], f32>) -> !ts.tensor<[2,4], f32> {
  %s = ts.constant [1] : !ts.list<!ts.int>
  %p = ts.constant [0] : !ts.list<!ts.int>
  %d = ts.constant [3] : !ts.list<!ts.int>
  %g = ts.constant 1
  %n = ts.constant none
  %y = ts.conv1d %x, %w, %n, %s, %p, %d, %g : (!ts.tensor<[3,10], f32>, !ts.tensor<[2,3,3], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor<[2,4], f32>
  func.return %y : !ts.tensor<[2,4], f32>
}

// -----

// A non-constant stride stays.
// CHECK-LABEL: func.func @dynamic_stride
// CHECK:         ts.conv2d
func.func @dynamic_stride(%x: !ts.tensor<[1,1,4,4], f32>, %w: !ts.tensor<[1,1,3,3], f32>, %s: !ts.list<!ts.int>) -> !ts.tensor<[1,1,2,2], f32> {
  %p = ts.constant [0, 0] : !ts.list<!ts.int>
  %g = ts.constant 1
  %n = ts.constant none
  %y = ts.conv2d %x, %w, %n, %s, %p, %p, %g : (!ts.tensor<[1,1,4,4], f32>, !ts.tensor<[1,1,3,3], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor<[1,1,2,2], f32>
  func.return %y : !ts.tensor<[1,1,2,2], f32>
}
