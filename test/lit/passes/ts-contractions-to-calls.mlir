// ts-contractions-to-calls: memref-level contractions become calls of the C run-time GEMM; a zero
// fill becomes beta = 0, a transposed temporary becomes the transB flag, and the ts.epilogue runs
// per block of rows right after its call (tile-bytes=16: two rows of 2 floats per block), unless
// the call applies it itself.
// RUN: ts-opt %s -p 'ts-contractions-to-calls{tile-bytes=16}' | filecheck %s

// CHECK-LABEL: func.func @linear_relu
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     linalg.fill
// CHECK:         %[[W:.*]] = "memref.cast"(%{{.*}}) : (memref<6xf32>) -> memref<?xf32>
// CHECK:         %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         scf.for %[[R0:.*]] = %{{.*}} to %{{.*}} step %[[TWO:.*]] {
// CHECK:           func.call @tsjit_sgemm(%{{.*}}, %[[W]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[TWO]], %[[TWO]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[TRANS:.*]], %[[BETA]])
// CHECK:           %[[END:.*]] = arith.addi %[[R0]], %[[TWO]] : index
// CHECK:           scf.for %[[I:.*]] = %[[R0]] to %[[END]]
// CHECK:             scf.for
// CHECK:               arith.maximumf
// CHECK:               arith.mulf
// CHECK:               memref.store
// CHECK-NOT:     memref.dealloc
// CHECK:         func.return
func.func @linear_relu(%x: memref<4x3xf32>, %w: memref<2x3xf32>, %b: memref<2xf32>, %out: memref<4x2xf32>) {
  %t = memref.alloc() : memref<3x2xf32>
  linalg.transpose ins(%w : memref<2x3xf32>) outs(%t : memref<3x2xf32>) permutation = [1, 0]
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<4x2xf32>)
  linalg.matmul ins(%x, %t : memref<4x3xf32>, memref<3x2xf32>) outs(%out : memref<4x2xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%b : memref<2xf32>) outs(%out : memref<4x2xf32>) attrs = {ts.epilogue} {
  ^bb0(%bv: f32, %acc: f32):
    %s = arith.addf %acc, %bv : f32
    %r = arith.maximumf %s, %zero : f32
    %q = arith.mulf %r, %r : f32
    linalg.yield %q : f32
  }
  memref.dealloc %t : memref<3x2xf32>
  func.return
}

// The epilogue a bias per column and ReLU6 (a linear's bias, then a clamp): the float32 GEMM call
// applies it to each tile itself (@tsjit_sgemm_ep: the bias memref, its offset 0, per column
// (0), beta, lo 0, hi 6); no loops are left for it.
// CHECK-LABEL: func.func @linear_bias_relu6
// CHECK-DAG:     %[[B:.*]] = "memref.cast"(%b) : (memref<2xf32>) -> memref<?xf32>
// CHECK-DAG:     %[[ZERO:[0-9]+]] = arith.constant 0 : index
// CHECK-DAG:     %[[HI:[0-9]+]] = arith.constant 6.000000e+00 : f32
// CHECK:         scf.for
// CHECK-NEXT:      arith.muli
// CHECK-NEXT:      arith.muli
// CHECK-NEXT:      func.call @tsjit_sgemm_ep(%{{.*}}, %{{.*}}, %{{.*}}, %[[B]], {{.*}}, %[[ZERO]], %[[ZERO]], %{{[0-9]+}}, %{{[0-9]+}}, %[[HI]])
// CHECK-NEXT:    } {tsjit.parallel
// CHECK-NOT:     linalg.generic
// CHECK:         func.return
func.func @linear_bias_relu6(%x: memref<4x3xf32>, %w: memref<3x2xf32>, %b: memref<2xf32>, %out: memref<4x2xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %six = arith.constant 6.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<4x2xf32>)
  linalg.matmul ins(%x, %w : memref<4x3xf32>, memref<3x2xf32>) outs(%out : memref<4x2xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%b : memref<2xf32>) outs(%out : memref<4x2xf32>) attrs = {ts.epilogue} {
  ^bb0(%bv: f32, %acc: f32):
    %s = arith.addf %acc, %bv : f32
    %r = arith.maximumf %s, %zero : f32
    %c = arith.minimumf %r, %six : f32
    linalg.yield %c : f32
  }
  func.return
}

// x @ W^T with W a float64 constant global: W is transposed at compile time into `wl_t` (an
// untransposed B packs faster), the GEMM reads it without the transB flag, and the unused original
// is dropped.
// CHECK-NOT:   sym_name = "wl",
// CHECK:       "memref.global"() <{sym_name = "wl_t", type = memref<3x2xf64>, initial_value = dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]>
// CHECK-NOT:   sym_name = "wl",
// CHECK-LABEL: func.func @linear_constant
// CHECK:         memref.get_global @wl_t : memref<3x2xf64>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[NOTRANS:.*]] = arith.constant 0 : index
// CHECK:         func.call @tsjit_dgemm({{.*}}, %[[NOTRANS]], %[[NOTRANS]], %{{.*}}) :
"memref.global"() <{sym_name = "wl", type = memref<2x3xf64>, initial_value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf64>, sym_visibility = "private", constant}> : () -> ()
func.func @linear_constant(%x: memref<4x3xf64>, %out: memref<4x2xf64>) {
  %w = memref.get_global @wl : memref<2x3xf64>
  %t = memref.alloc() : memref<3x2xf64>
  linalg.transpose ins(%w : memref<2x3xf64>) outs(%t : memref<3x2xf64>) permutation = [1, 0]
  %zero = arith.constant 0.000000e+00 : f64
  linalg.fill ins(%zero : f64) outs(%out : memref<4x2xf64>)
  linalg.matmul ins(%x, %t : memref<4x3xf64>, memref<3x2xf64>) outs(%out : memref<4x2xf64>)
  memref.dealloc %t : memref<3x2xf64>
  func.return
}

// The same in float32: W^T is packed at compile time into 32-column panels (`wp_t_packed`: K = 3
// rows of 32, zero-padded) and the call is @tsjit_sgemm_packed; the original is dropped.
// CHECK-NOT:   sym_name = "wp",
// CHECK:       "memref.global"() <{sym_name = "wp_t_packed", type = memref<96xf32>, initial_value = dense<[1.000000e+00, 4.000000e+00, 0.000000e+00,
// CHECK-NOT:   sym_name = "wp",
// CHECK-LABEL: func.func @linear_packed
// CHECK:         memref.get_global @wp_t_packed : memref<96xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         func.call @tsjit_sgemm_packed(
"memref.global"() <{sym_name = "wp", type = memref<2x3xf32>, initial_value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>, sym_visibility = "private", constant}> : () -> ()
func.func @linear_packed(%x: memref<4x3xf32>, %out: memref<4x2xf32>) {
  %w = memref.get_global @wp : memref<2x3xf32>
  %t = memref.alloc() : memref<3x2xf32>
  linalg.transpose ins(%w : memref<2x3xf32>) outs(%t : memref<3x2xf32>) permutation = [1, 0]
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<4x2xf32>)
  linalg.matmul ins(%x, %t : memref<4x3xf32>, memref<3x2xf32>) outs(%out : memref<4x2xf32>)
  memref.dealloc %t : memref<3x2xf32>
  func.return
}

// Without a zero fill the matmul accumulates: beta = 1.
// CHECK-LABEL: func.func @accumulate
// CHECK:         %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK:         func.call @tsjit_dgemm({{.*}}, %[[ONE]])
func.func @accumulate(%a: memref<2x3xf64>, %b: memref<3x2xf64>, %c: memref<2x2xf64>) {
  linalg.matmul ins(%a, %b : memref<2x3xf64>, memref<3x2xf64>) outs(%c : memref<2x2xf64>)
  func.return
}

// A 3x3 convolution: per image and block of output rows (one row of 128 pixels: tile-bytes=16, and a
// block has at least MIN_GEMM_COLS = 128 pixels), one call that does im2col into the thread's scratch
// buffer and the GEMM; the blocks are independent, so their loop is marked parallel.
// CHECK-LABEL: func.func @conv
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           %[[ROW:.*]] = arith.remsi %[[T]]
// CHECK:           func.call @tsjit_conv_gemm_f32({{.*}}, %[[ROW]], {{.*}}) :
// CHECK:         } {tsjit.parallel, tsjit.work = {{[0-9]+}} : i64}
func.func @conv(%x: memref<2x1x4x130xf32>, %w: memref<3x1x3x3xf32>, %out: memref<2x3x2x128xf32>) {
  linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%x, %w : memref<2x1x4x130xf32>, memref<3x1x3x3xf32>) outs(%out : memref<2x3x2x128xf32>)
  func.return
}

// Not contiguous (a strided subview) or integer: left to the loop stage.
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT:     func.call
// CHECK:         linalg.matmul
// CHECK:         linalg.matmul
// CHECK-NOT:     func.call
func.func @unchanged(%a: memref<4x4xf32>, %b: memref<2x2xf32>, %c: memref<2x2xf32>, %i: memref<2x2xi32>, %o: memref<2x2xi32>) {
  %s = memref.subview %a[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  linalg.matmul ins(%s, %b : memref<2x2xf32, strided<[4, 1]>>, memref<2x2xf32>) outs(%c : memref<2x2xf32>)
  linalg.matmul ins(%i, %i : memref<2x2xi32>, memref<2x2xi32>) outs(%o : memref<2x2xi32>)
  func.return
}

// A stride-1 3x3 float32 convolution with constant weights, a zero fill and an even output:
// Winograd F(2x2, 3x3). The weights are transformed at compile time into a [16, F, C] global;
// per image, one call covers the tile rows (2 output rows each); no im2col, no fill.
// CHECK-NOT:   sym_name = "w",
// CHECK:       "memref.global"() <{sym_name = "w_winograd", type = memref<16x3x2xf32>, initial_value = dense<
// CHECK-LABEL: func.func @winograd
// CHECK-NOT:     linalg.fill
// CHECK:         %[[U:.*]] = memref.get_global @w_winograd : memref<16x3x2xf32>
// CHECK:         scf.for
// CHECK:           func.call @tsjit_winograd_f32(
// CHECK-NOT:     tsjit_im2col
// CHECK:         func.return
"memref.global"() <{sym_name = "w", type = memref<3x2x3x3xf32>, initial_value = dense<5.000000e-01> : tensor<3x2x3x3xf32>, sym_visibility = "private", constant}> : () -> ()
func.func @winograd(%x: memref<2x2x6x6xf32>, %out: memref<2x3x4x4xf32>) {
  %w = memref.get_global @w : memref<3x2x3x3xf32>
  %zero = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<2x3x4x4xf32>)
  linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%x, %w : memref<2x2x6x6xf32>, memref<3x2x3x3xf32>) outs(%out : memref<2x3x4x4xf32>)
  func.return
}

// A depthwise convolution (one input channel per group) with a zero fill: per block of channels
// (one channel of 16 bytes here), a direct stencil call and the ReLU after it on that block, in
// one loop marked parallel with the work of an iteration (4 channels x 2x2 outputs x 3x3 taps).
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT:     linalg.fill
// CHECK:         scf.for %[[C0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           func.call @tsjit_dwconv_f32(
// CHECK:           scf.for %{{.*}} = %[[C0]] to
// CHECK:             arith.maximumf
// CHECK:         } {tsjit.parallel, tsjit.work = 36 : i64}
// CHECK-NOT:     linalg.generic
// CHECK:         func.return
func.func @depthwise(%x: memref<1x4x1x4x4xf32>, %w: memref<4x1x1x3x3xf32>, %y: memref<1x4x2x2xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %out = memref.alloc() : memref<1x4x1x2x2xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<1x4x1x2x2xf32>)
  linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x4x1x4x4xf32>, memref<4x1x1x3x3xf32>) outs(%out : memref<1x4x1x2x2xf32>)
  %flat = memref.collapse_shape %out [[0], [1, 2], [3], [4]] : memref<1x4x1x2x2xf32> into memref<1x4x2x2xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%flat : memref<1x4x2x2xf32>) outs(%y : memref<1x4x2x2xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %out : memref<1x4x1x2x2xf32>
  func.return
}

// Its consumer a per-channel bias and ReLU6 (a folded batch norm), the convolution's output read by
// nothing else: the call applies them as it writes (ep = 1, lo 0, hi 6), into the consumer's
// buffer %y, reading the bias; the consumer and the convolution's own buffer are gone.
// CHECK-LABEL: func.func @depthwise_bias_relu6
// CHECK-NOT:     memref.alloc
// CHECK-DAG:     %[[YF:.*]] = memref.collapse_shape %y
// CHECK-DAG:     %[[Y:.*]] = "memref.cast"(%[[YF]]) : (memref<16xf32>) -> memref<?xf32>
// CHECK-DAG:     %[[B:.*]] = "memref.cast"(%b) : (memref<4xf32>) -> memref<?xf32>
// CHECK-DAG:     %[[EP:[0-9]+]] = arith.constant 1 : index
// CHECK-DAG:     %[[LO:[0-9]+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[HI:[0-9]+]] = arith.constant 6.000000e+00 : f32
// CHECK:         func.call @tsjit_dwconv_f32(%{{.*}}, %{{.*}}, %[[Y]], %[[B]], {{.*}}, %[[EP]], %[[LO]], %[[HI]])
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     memref.dealloc
// CHECK:         func.return
func.func @depthwise_bias_relu6(%x: memref<1x4x1x4x4xf32>, %w: memref<4x1x1x3x3xf32>, %b: memref<4xf32>, %y: memref<1x4x2x2xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %six = arith.constant 6.000000e+00 : f32
  %out = memref.alloc() : memref<1x4x1x2x2xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<1x4x1x2x2xf32>)
  linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x4x1x4x4xf32>, memref<4x1x1x3x3xf32>) outs(%out : memref<1x4x1x2x2xf32>)
  %flat = memref.collapse_shape %out [[0], [1, 2], [3], [4]] : memref<1x4x1x2x2xf32> into memref<1x4x2x2xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%flat, %b : memref<1x4x2x2xf32>, memref<4xf32>) outs(%y : memref<1x4x2x2xf32>) {
  ^bb0(%v: f32, %bias: f32, %acc: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    %c = arith.minimumf %r, %six : f32
    linalg.yield %c : f32
  }
  memref.dealloc %out : memref<1x4x1x2x2xf32>
  func.return
}

// The input of a depthwise convolution a zero-padded copy made for it alone: the call reads the
// source with padding 1, 2 (implied zeros); no padded buffer, fill or copy is left.
// CHECK-LABEL: func.func @depthwise_padded
// CHECK-NOT:     memref.alloc() : memref<1x2x5x7xf32>
// CHECK-NOT:     memref.copy
// CHECK-DAG:     %[[SRC:.*]] = "memref.cast"(%{{.*}}) : (memref<18xf32>) -> memref<?xf32>
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[TWO:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[THREE:.*]] = arith.constant 3 : index
// CHECK:         func.call @tsjit_dwconv_f32(%[[SRC]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ONE]], %[[THREE]], %[[THREE]], %[[ONE]], %[[TWO]],
// CHECK-NOT:     memref.dealloc
// CHECK:         func.return
func.func @depthwise_padded(%src: memref<1x2x3x3xf32>, %w: memref<2x1x1x3x3xf32>, %out: memref<1x2x1x3x5xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %p = memref.alloc() : memref<1x2x5x7xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x2x5x7xf32>)
  %inner = memref.subview %p[0, 0, 1, 2] [1, 2, 3, 3] [1, 1, 1, 1] : memref<1x2x5x7xf32> to memref<1x2x3x3xf32, strided<[70, 35, 7, 1], offset: 9>>
  "memref.copy"(%src, %inner) : (memref<1x2x3x3xf32>, memref<1x2x3x3xf32, strided<[70, 35, 7, 1], offset: 9>>) -> ()
  %x = memref.expand_shape %p [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 5, 7] : memref<1x2x5x7xf32> into memref<1x2x1x5x7xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<1x2x1x3x5xf32>)
  linalg.conv_2d_ngchw_gfchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x2x1x5x7xf32>, memref<2x1x1x3x3xf32>) outs(%out : memref<1x2x1x3x5xf32>)
  memref.dealloc %p : memref<1x2x5x7xf32>
  func.return
}

// CHECK: func.func private @tsjit_sgemm(memref<?xf32>, memref<?xf32>, memref<?xf32>, index, index, index, index, index, index, index, index, index, index, index, f32)
// CHECK: func.func private @tsjit_winograd_f32(memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, index, index, index, index, index, index, index, index, index, index, index, f32, f32)
// CHECK: func.func private @tsjit_dwconv_f32(memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, index, index, index, index, index, index, index, index, index, index, index, index, index, index, index, index, index, index, f32, f32)
