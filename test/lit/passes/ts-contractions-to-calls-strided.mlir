// ts-contractions-to-calls: a batched matmul operand that is a transposed copy of a strided view
// (attention's head split, k transposed for q @ k^T) is read in place: the GEMM gets the source's
// leading dimension, the transpose flag and per-batch offsets, and the copies and buffers go.
// An operand whose source is written between the copy and the matmul keeps its copy.
// RUN: ts-opt %s -p 'ts-contractions-to-calls' | filecheck %s

// CHECK-LABEL: func.func @heads
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     memref.alloc
// CHECK-DAG:     %[[THREE:.*]] = arith.constant 3 : index
// CHECK-DAG:     %[[SIX:.*]] = arith.constant 6 : index
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1 : index
// CHECK:         scf.for %[[H:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           %[[OFFA:.*]] = arith.muli %[[H]], %[[THREE]] : index
// CHECK:           %[[OFFB:.*]] = arith.muli %[[H]], %[[THREE]] : index
// CHECK:           func.call @tsjit_sgemm(%{{.*}}, %{{.*}}, %{{.*}}, %[[OFFA]], %[[OFFB]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[SIX]], %[[SIX]], %{{.*}}, %{{.*}}, %[[ONE]], %{{.*}})
// CHECK-NOT:     memref.dealloc
// CHECK:         func.return
func.func @heads(%x: memref<4x6xf32>, %y: memref<4x6xf32>, %out: memref<2x4x4xf32>) {
  %e = memref.expand_shape %x [[0 : i64], [1 : i64, 2 : i64]] output_shape [4, 2, 3] : memref<4x6xf32> into memref<4x2x3xf32>
  %q = memref.alloc() : memref<2x4x3xf32>
  linalg.transpose ins(%e : memref<4x2x3xf32>) outs(%q : memref<2x4x3xf32>) permutation = [1, 0, 2]
  %f = memref.expand_shape %y [[0 : i64], [1 : i64, 2 : i64]] output_shape [4, 2, 3] : memref<4x6xf32> into memref<4x2x3xf32>
  %k = memref.alloc() : memref<2x3x4xf32>
  linalg.transpose ins(%f : memref<4x2x3xf32>) outs(%k : memref<2x3x4xf32>) permutation = [1, 2, 0]
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<2x4x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : memref<2x4x3xf32>, memref<2x3x4xf32>) outs(%out : memref<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  memref.dealloc %q : memref<2x4x3xf32>
  memref.dealloc %k : memref<2x3x4xf32>
  func.return
}

// CHECK-LABEL: func.func @written_between
// CHECK:         linalg.transpose
// CHECK:         linalg.generic
// CHECK:         func.call @tsjit_sgemm
func.func @written_between(%x: memref<2x3x3xf32>, %out: memref<2x3x3xf32>) {
  %t = memref.alloc() : memref<2x3x3xf32>
  linalg.transpose ins(%x : memref<2x3x3xf32>) outs(%t : memref<2x3x3xf32>) permutation = [0, 2, 1]
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%x : memref<2x3x3xf32>) {
  ^bb0(%v: f32):
    %two = arith.constant 2.000000e+00 : f32
    %d = arith.mulf %v, %two : f32
    linalg.yield %d : f32
  }
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<2x3x3xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%t, %x : memref<2x3x3xf32>, memref<2x3x3xf32>) outs(%out : memref<2x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  memref.dealloc %t : memref<2x3x3xf32>
  func.return
}
