// ts-bufferize of ts.runtime_call (tsjit/dialects/ts/runtime_call.py): a func.call of the run-time
// function on flat memref<?xT> views (collapse_shape + cast) of the operands' buffers and of a fresh
// buffer per result, then the sizes as index constants; the function is declared once. Inside an
// scf.for the result buffers are allocated before the loop, like every buffer written in it.
// RUN: ts-opt %s -p ts-bufferize | filecheck %s

// CHECK:       func.func private @tsjit_deigh(memref<?xf64>, memref<?xf64>, memref<?xf64>, memref<?xi64>, index, index, index, index)
// CHECK-NOT:   func.func private @tsjit_deigh
// CHECK-LABEL: func.func @loop(%x: memref<4x3x3xf64>, %out0: memref<3xf64> {ts.output})
// CHECK:         %[[W:.*]] = memref.alloc() : memref<1x3xf64>
// CHECK:         scf.for
// CHECK:           %[[A:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0 : i64, 1 : i64, 2 : i64]] : memref<1x3x3xf64> into memref<9xf64>
// CHECK:           %[[FA:.*]] = "memref.cast"(%[[A]]) : (memref<9xf64>) -> memref<?xf64>
// CHECK:           func.call @tsjit_deigh(%[[FA]], {{.*}}) : (memref<?xf64>, memref<?xf64>, memref<?xf64>, memref<?xi64>, index, index, index, index) -> ()
// CHECK:         }
// CHECK:         memref.dealloc %[[W]]
func.func @loop(%x: tensor<4x3x3xf64>) -> tensor<3xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant dense<0.0> : tensor<3xf64>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %z) -> (tensor<3xf64>) {
    %s = tensor.extract_slice %x[%i, 0, 0] [1, 3, 3] [1, 1, 1] : tensor<4x3x3xf64> to tensor<1x3x3xf64>
    %w, %v, %info = ts.runtime_call "tsjit_deigh"(%s) [1, 3, 0, 0] : (tensor<1x3x3xf64>) -> (tensor<1x3xf64>, tensor<1x3x3xf64>, tensor<1xi64>)
    %w2 = tensor.collapse_shape %w [[0, 1]] : tensor<1x3xf64> into tensor<3xf64>
    scf.yield %w2 : tensor<3xf64>
  }
  func.return %r : tensor<3xf64>
}

// CHECK-LABEL: func.func @twice(%a: memref<2x2xf32>, %out0: memref<2xf32> {ts.output}, %out1: memref<2xf32> {ts.output})
// CHECK-COUNT-2: func.call @tsjit_seigh
func.func @twice(%a: tensor<2x2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %w, %v, %i = ts.runtime_call "tsjit_seigh"(%a) [1, 2, 0, 1] : (tensor<2x2xf32>) -> (tensor<2xf32>, tensor<2x2xf32>, tensor<1xi64>)
  %w2, %v2, %i2 = ts.runtime_call "tsjit_seigh"(%a) [1, 2, 1, 1] : (tensor<2x2xf32>) -> (tensor<2xf32>, tensor<2x2xf32>, tensor<1xi64>)
  func.return %w, %w2 : tensor<2xf32>, tensor<2xf32>
}
