// ts-lower-to-loops marks the loops made from linalg `parallel` iterators with `tsjit.parallel`
// (the C backend runs them on threads / SIMD lanes); reduction loops stay unmarked.
// RUN: ts-opt %s -p ts-lower-to-loops 2>/dev/null | filecheck %s

// CHECK-LABEL: func.func @matmul_sum
// the fill nest: both loops parallel, so their merge (ts-coalesce-loops) is
// CHECK:         scf.for
// CHECK-NEXT:      memref.store
// CHECK-NEXT:    } {tsjit.parallel}
// the matmul: i and j parallel, k a reduction (its accumulator carried in a register by
// ts-wide-accumulators, the loop marked with its combining op instead)
// CHECK:         scf.for
// CHECK-NEXT:      scf.for
// CHECK-NEXT:        memref.load
// CHECK-NEXT:        scf.for {{.*}} iter_args
// CHECK:               scf.yield
// CHECK-NEXT:        } {tsjit.reduction = "arith.addf"}
// CHECK-NEXT:        memref.store
// CHECK-NEXT:      } {tsjit.parallel}
// CHECK-NEXT:    } {tsjit.parallel}
// the row sum: i parallel, j a reduction
// CHECK:         scf.for
// CHECK-NEXT:      memref.load
// CHECK-NEXT:      scf.for {{.*}} iter_args
// CHECK:             scf.yield
// CHECK-NEXT:      } {tsjit.reduction = "arith.addf"}
// CHECK-NEXT:      memref.store
// CHECK-NEXT:    } {tsjit.parallel}
// CHECK-NEXT:    func.return
func.func @matmul_sum(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>, %r: tensor<2xf32>) -> (tensor<2x3xf32>, tensor<2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x4xf32>) outs(%r : tensor<2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.addf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<2xf32>
  return %mm, %s : tensor<2x3xf32>, tensor<2xf32>
}

// A window reduction (2x2 max pooling) runs its window loops outside the output-column loop,
// so the innermost loop is parallel and walks the output contiguously (SIMD); c and oh stay
// outermost and parallel (the unit batch loop is dropped).
// CHECK-LABEL: func.func @pool
// the fill nest
// CHECK:         scf.for
// CHECK:         } {tsjit.parallel}
// c, oh: parallel; kh, kw: reductions; ow innermost: parallel
// CHECK:         scf.for %[[C:.*]] =
// CHECK-NEXT:      scf.for %[[OH:.*]] =
// CHECK-NEXT:        scf.for %[[KH:.*]] =
// CHECK-NEXT:          scf.for %[[KW:.*]] =
// CHECK-NEXT:            scf.for %[[OW:.*]] =
// CHECK:                   memref.store %{{.*}}, %{{.*}}[%{{.*}}, %[[C]], %[[OH]], %[[OW]]]
// CHECK-NEXT:            } {tsjit.parallel}
// CHECK-NEXT:          }{{$}}
// CHECK-NEXT:        }{{$}}
// CHECK-NEXT:      } {tsjit.parallel}
// CHECK-NEXT:    } {tsjit.parallel}
func.func @pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nchw_max {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}
