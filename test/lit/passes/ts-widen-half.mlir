// ts-widen-half: a float16 matmul accumulates in float32 (its inputs widened by arith.extf
// generics, the result narrowed once by arith.truncf), as PyTorch's CPU kernels do; float32 ops
// are left as they are.
// RUN: ts-opt %s -p ts-widen-half | filecheck %s

// CHECK-LABEL: func.func @mm
// CHECK:         %[[A:.*]] = linalg.generic {{.*}} ins(%a : tensor<2x3xf16>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK:           arith.extf %{{.*}} : f16 to f32
// CHECK:         %[[B:.*]] = linalg.generic {{.*}} ins(%b : tensor<3x4xf16>) outs(%{{.*}} : tensor<3x4xf32>)
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK:         %[[P:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x4xf16>)
// CHECK:           arith.truncf %{{.*}} : f32 to f16
// CHECK:         func.return %[[R]] : tensor<2x4xf16>

// CHECK-LABEL: func.func @f32_unchanged
// CHECK-NOT:     arith.extf
// CHECK:         linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x4xf32>)
func.func @mm(%a: tensor<2x3xf16>, %b: tensor<3x4xf16>) -> tensor<2x4xf16> {
  %0 = arith.constant 0.000000e+00 : f16
  %1 = tensor.empty() : tensor<2x4xf16>
  %2 = linalg.fill ins(%0 : f16) outs(%1 : tensor<2x4xf16>) -> tensor<2x4xf16>
  %3 = linalg.matmul ins(%a, %b : tensor<2x3xf16>, tensor<3x4xf16>) outs(%2 : tensor<2x4xf16>) -> tensor<2x4xf16>
  func.return %3 : tensor<2x4xf16>
}

func.func @f32_unchanged(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = arith.constant 0.000000e+00 : f32
  %1 = tensor.empty() : tensor<2x4xf32>
  %2 = linalg.fill ins(%0 : f32) outs(%1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x4xf32>) outs(%2 : tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %3 : tensor<2x4xf32>
}
