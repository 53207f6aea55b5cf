// ts-to-linalg on shape ops: regroupings -> collapse/expand_shape, others -> tensor.reshape with a constant
// shape; permute -> linalg.transpose; cat -> tensor.empty + insert_slice; slice/select -> extract_slice;
// expand -> a broadcasting generic.
// RUN: ts-opt %s -p ts-to-linalg --split-input-file | filecheck %s

// CHECK-LABEL: func.func @reshapes(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK:         %[[C:.*]] = tensor.collapse_shape %x {{\[\[}}0 : i64, 1 : i64], [2 : i64]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK:         %[[S:.*]] = arith.constant dense<[3, 8]> : tensor<2xi64>
// CHECK-NEXT:    %[[R:.*]] = tensor.reshape %[[C]](%[[S]]) : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<3x8xf32>
// CHECK:         %[[R2:.*]] = tensor.reshape %[[R]]
// CHECK:         linalg.transpose ins(%[[R2]]:tensor<2x3x4xf32>) outs(%{{.*}}:tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @reshapes(%x: !ts.tensor<[2,3,4], f32>) -> !ts.tensor<[4,2,3], f32> {
  %s = ts.constant [6, 4] : !ts.list<!ts.int>
  %v = ts.view %x, %s : (!ts.tensor<[2,3,4], f32>, !ts.list<!ts.int>) -> !ts.tensor<[6,4], f32>
  %s2 = ts.constant [3, 8] : !ts.list<!ts.int>
  %r = ts.reshape %v, %s2 : (!ts.tensor<[6,4], f32>, !ts.list<!ts.int>) -> !ts.tensor<[3,8], f32>
  %s3 = ts.constant [2, 3, 4] : !ts.list<!ts.int>
  %r2 = ts.reshape %r, %s3 : (!ts.tensor<[3,8], f32>, !ts.list<!ts.int>) -> !ts.tensor<[2,3,4], f32>
  %p = ts.constant [2, 0, 1] : !ts.list<!ts.int>
  %y = ts.permute %r2, %p : (!ts.tensor<[2,3,4], f32>, !ts.list<!ts.int>) -> !ts.tensor<[4,2,3], f32>
  func.return %y : !ts.tensor<[4,2,3], f32>
}

// -----

// A collapse then an expand: (2, 3, 4) -> (6, 2, 2).
// CHECK-LABEL: func.func @regroup
// CHECK:         %[[C:.*]] = tensor.collapse_shape %x {{\[\[}}0 : i64, 1 : i64], [2 : i64]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK-NEXT:    tensor.expand_shape %[[C]] {{\[\[}}0 : i64], [1 : i64, 2 : i64]] output_shape [6, 2, 2] : tensor<6x4xf32> into tensor<6x2x2xf32>
func.func @regroup(%x: !ts.tensor<[2,3,4], f32>) -> !ts.tensor<[6,2,2], f32> {
  %s = ts.constant [6, 2, 2] : !ts.list<!ts.int>
  %v = ts.view %x, %s : (!ts.tensor<[2,3,4], f32>, !ts.list<!ts.int>) -> !ts.tensor<[6,2,2], f32>
  func.return %v : !ts.tensor<[6,2,2], f32>
}

// -----

// CHECK-LABEL: func.func @slices(%x: tensor<5x4xf32>, %z: tensor<2x4xf32>) -> tensor<6x4xf32>
// CHECK:         %[[A:.*]] = tensor.extract_slice %x[1, 0] [2, 4] [2, 1] : tensor<5x4xf32> to tensor<2x4xf32>
// CHECK:         tensor.extract_slice %x[2, 0] [1, 4] [1, 1] : tensor<5x4xf32> to tensor<4xf32>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<9x4xf32>
// CHECK-NEXT:    %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<9x4xf32>
// CHECK-NEXT:    %[[I1:.*]] = tensor.insert_slice %z into %[[I0]][2, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<9x4xf32>
// CHECK-NEXT:    %[[I2:.*]] = tensor.insert_slice %x into %[[I1]][4, 0] [5, 4] [1, 1] : tensor<5x4xf32> into tensor<9x4xf32>
// CHECK-NEXT:    %[[N:.*]] = tensor.extract_slice %[[I2]][1, 0] [2, 4] [1, 1] : tensor<9x4xf32> to tensor<2x4xf32>
// CHECK:         %[[B:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[N]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<3x2x4xf32>)
// CHECK:         tensor.collapse_shape %[[B]] {{.*}} : tensor<3x2x4xf32> into tensor<6x4xf32>
func.func @slices(%x: !ts.tensor<[5,4], f32>, %z: !ts.tensor<[2,4], f32>) -> !ts.tensor<[6,4], f32> {
  %d = ts.constant 0
  %one = ts.constant 1
  %two = ts.constant 2
  %n = ts.constant none
  %a = ts.slice %x, %d, %one, %n, %two : (!ts.tensor<[5,4], f32>, !ts.int, !ts.int, !ts.none, !ts.int) -> !ts.tensor<[2,4], f32>
  %b = ts.select %x, %d, %two : (!ts.tensor<[5,4], f32>, !ts.int, !ts.int) -> !ts.tensor<[4], f32>
  %l = ts.list.construct %a, %z, %x : (!ts.tensor<[2,4], f32>, !ts.tensor<[2,4], f32>, !ts.tensor<[5,4], f32>) -> !ts.list<!ts.tensor>
  %c = ts.cat %l, %d : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor<[9,4], f32>
  %e = ts.narrow %c, %d, %one, %two : (!ts.tensor<[9,4], f32>, !ts.int, !ts.int, !ts.int) -> !ts.tensor<[2,4], f32>
  %sz = ts.constant [3, 2, 4] : !ts.list<!ts.int>
  %f = ts.constant false
  %ex = ts.expand %e, %sz, %f : (!ts.tensor<[2,4], f32>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor<[3,2,4], f32>
  %fl = ts.flatten %ex, %d, %one : (!ts.tensor<[3,2,4], f32>, !ts.int, !ts.int) -> !ts.tensor<[6,4], f32>
  func.return %fl : !ts.tensor<[6,4], f32>
}

// -----

// A unit dim broadcasts through the constant index 0.
// CHECK-LABEL: func.func @expand_unit
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
func.func @expand_unit(%x: !ts.tensor<[3,1], f32>) -> !ts.tensor<[3,4], f32> {
  %sz = ts.constant [-1, 4] : !ts.list<!ts.int>
  %f = ts.constant false
  %ex = ts.expand %x, %sz, %f : (!ts.tensor<[3,1], f32>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor<[3,4], f32>
  func.return %ex : !ts.tensor<[3,4], f32>
}

// -----

// A cat of a list that is not a list construct stays.
// CHECK-LABEL: func.func @cat_of_argument
// CHECK:         ts.cat
func.func @cat_of_argument(%l: !ts.list<!ts.tensor>) -> !ts.tensor<[4,2], f32> {
  %d = ts.constant 0
  %c = ts.cat %l, %d : (!ts.list<!ts.tensor>, !ts.int) -> !ts.tensor<[4,2], f32>
  func.return %c : !ts.tensor<[4,2], f32>
}
