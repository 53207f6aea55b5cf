// The whole chain from the ts level: ts-specialize (from the `shapes` option), ts-to-linalg,
// fusion, bufferization and loops; nothing of the ts dialect is left.
// RUN: ts-opt %s -p 'ts-lower-to-loops{shapes=2x3xf32}' | filecheck %s

// CHECK:     func.func @mlp(%x: memref<2x3xf32>, %{{.*}}: memref<2x2xf32> {ts.output})
// CHECK-NOT: ts.
// CHECK:     scf.for
// CHECK:     memref.load
// CHECK:     arith.mulf
// CHECK:     arith.maximumf
// CHECK:     memref.store
// CHECK-NOT: ts.
// CHECK:     func.return
func.func @mlp(%x: !ts.tensor) -> !ts.tensor {
  %w = ts.constant dense<[[0.5, -0.25, 0.125], [-1.0, 0.75, 0.5]]> : tensor<2x3xf32>
  %b = ts.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %h = ts.linear %x, %w, %b : (!ts.tensor, !ts.tensor<[2,3], f32>, !ts.tensor<[2], f32>) -> !ts.tensor
  %y = ts.relu %h : (!ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}
