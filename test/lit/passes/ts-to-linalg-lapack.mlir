// ts-to-linalg, LAPACK factorizations (tsjit/lowering/lapack_calls.py): the batch of matrices,
// reshaped to (B, m, n), goes to one ts.runtime_call of the C run-time function, which fills each
// result and a (B,) status; a non-zero status reports PyTorch's error for the first failing matrix
// (negative: non-finite input to an SVD; positive: no convergence, the code as {1}). ts-bufferize
// makes the call a func.call on flat memref<?xT> views of the buffers, results written in place
// into the out-parameters, sizes as index constants.
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' | filecheck %s
// RUN: ts-opt %s -p 'ts-to-linalg{report=false},ts-bufferize' | filecheck %s --check-prefix=BUF

// CHECK-LABEL: func.func @svd(%a: tensor<2x4x3xf32>)
// CHECK:         %[[U:.*]], %[[S:.*]], %[[VH:.*]], %[[INFO:.*]] = ts.runtime_call "tsjit_ssvd"(%a) [2 : i64, 4 : i64, 3 : i64, 0 : i64] : (tensor<2x4x3xf32>) -> (tensor<2x4x3xf32>, tensor<2x3xf32>, tensor<2x3x3xf32>, tensor<2xi64>)
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction"]{{.*}} ins(%[[INFO]] : tensor<2xi64>)
// CHECK:         func.call @tsjit_fail_with({{.*}}) {arguments = 2 : i64, message = "linalg.svd: (Batch element {0}): The algorithm failed to converge because the input matrix contained non-finite values."}
// CHECK:         func.call @tsjit_fail_with({{.*}}) {arguments = 2 : i64, message = "linalg.svd: (Batch element {0}): The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values (error code: {1})."}
// CHECK:         func.return %[[U]], %[[S]], %[[VH]]

// BUF:         func.func private @tsjit_ssvd(memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<?xi64>, index, index, index, index)
// BUF-LABEL:   func.func @svd(%a: memref<2x4x3xf32>, %out0: memref<2x4x3xf32> {ts.output}, %out1: memref<2x3xf32> {ts.output}, %out2: memref<2x3x3xf32> {ts.output})
// BUF:           %[[A:.*]] = memref.collapse_shape %a
// BUF:           %[[FA:.*]] = "memref.cast"(%[[A]]) : (memref<24xf32>) -> memref<?xf32>
// BUF:           memref.collapse_shape %out0
// BUF:           %[[INFO:.*]] = memref.alloc() : memref<2xi64>
// BUF:           func.call @tsjit_ssvd(%[[FA]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<?xf32>, memref<?xi64>, index, index, index, index) -> ()
// BUF:           memref.dealloc %[[INFO]]
func.func @svd(%a: !ts.tensor<[2,4,3], f32>) -> (!ts.tensor<[2,4,3], f32>, !ts.tensor<[2,3], f32>, !ts.tensor<[2,3,3], f32>) {
  %full = ts.constant false
  %none = ts.constant none
  %u, %s, %vh = ts.linalg_svd %a, %full, %none : (!ts.tensor<[2,4,3], f32>, !ts.bool, !ts.none) -> (!ts.tensor<[2,4,3], f32>, !ts.tensor<[2,3], f32>, !ts.tensor<[2,3,3], f32>)
  func.return %u, %s, %vh : !ts.tensor<[2,4,3], f32>, !ts.tensor<[2,3], f32>, !ts.tensor<[2,3,3], f32>
}

// One float64 matrix, complete mode (mode 1): Q is 4 x 4, R 4 x 3; no batch element in the message.
// CHECK-LABEL: func.func @qr(%a: tensor<4x3xf64>)
// CHECK:         ts.runtime_call "tsjit_dqr"(%{{.*}}) [1 : i64, 4 : i64, 3 : i64, 1 : i64] : (tensor<1x4x3xf64>) -> (tensor<1x4x4xf64>, tensor<1x4x3xf64>, tensor<1xi64>)
// CHECK:         message = "linalg.qr: LAPACK reported error {0}."
func.func @qr(%a: !ts.tensor<[4,3], f64>) -> (!ts.tensor<[4,4], f64>, !ts.tensor<[4,3], f64>) {
  %mode = ts.constant "complete"
  %q, %r = ts.linalg_qr %a, %mode : (!ts.tensor<[4,3], f64>, !ts.str) -> (!ts.tensor<[4,4], f64>, !ts.tensor<[4,3], f64>)
  func.return %q, %r : !ts.tensor<[4,4], f64>, !ts.tensor<[4,3], f64>
}

// eigvalsh from the upper triangle (sizes: B, n, upper, vectors).
// CHECK-LABEL: func.func @eigvalsh(%a: tensor<3x3xf32>)
// CHECK:         ts.runtime_call "tsjit_seigh"(%{{.*}}) [1 : i64, 3 : i64, 1 : i64, 0 : i64]
// CHECK:         message = "linalg.eigvalsh: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: {0})."
func.func @eigvalsh(%a: !ts.tensor<[3,3], f32>) -> !ts.tensor<[3], f32> {
  %uplo = ts.constant "U"
  %w = ts.linalg_eigvalsh %a, %uplo : (!ts.tensor<[3,3], f32>, !ts.str) -> !ts.tensor<[3], f32>
  func.return %w : !ts.tensor<[3], f32>
}
