// ts-lower-to-loops: linalg on tensors -> fused -> memrefs -> one scf.for nest per fused op;
// the epilogue of a matmul runs inside the matmul's nest, after its reduction loop.
// (ts-to-linalg leaves upstream ops alone, so linalg-level input works too.)
// RUN: ts-opt %s -p ts-lower-to-loops 2>/dev/null | filecheck %s
// The pipeline is its stages, each a pass of its own:
// RUN: ts-opt %s -p ts-decompose,ts-to-linalg,ts-widen-half,ts-fuse-elementwise,ts-bufferize,ts-linalg-to-loops,ts-coalesce-loops,ts-wide-accumulators,canonicalize,cse,dce 2>/dev/null | filecheck %s

// relu(x*1.5+0.25)*sigmoid(x) is a single loop nest.
// CHECK-LABEL: func.func @chain(%x: memref<2x3xf32>, %out0: memref<2x3xf32> {ts.output}) {
// the 2x3 nest is one loop over six elements (ts-coalesce-loops), through flat views
// CHECK:         %[[XF:.*]] = memref.collapse_shape %x {{\[}}[0 : i64, 1 : i64]] : memref<2x3xf32> into memref<6xf32>
// CHECK-NEXT:    %[[OF:.*]] = memref.collapse_shape %out0 {{\[}}[0 : i64, 1 : i64]] : memref<2x3xf32> into memref<6xf32>
// CHECK-NEXT:    scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[X:.*]] = memref.load %[[XF]][%[[I]]] : memref<6xf32>
// CHECK-NEXT:      arith.negf %[[X]]
// CHECK-NEXT:      math.exp
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      arith.divf
// CHECK-NEXT:      arith.mulf %[[X]]
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      arith.maximumf
// CHECK-NEXT:      %[[Y:.*]] = arith.mulf
// CHECK-NEXT:      memref.store %[[Y]], %[[OF]][%[[I]]] : memref<6xf32>
// CHECK-NEXT:    } {tsjit.parallel}
// CHECK-NEXT:    func.return
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @chain(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c15 = arith.constant 1.5 : f32
  %c025 = arith.constant 0.25 : f32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<2x3xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x3xf32>) outs(%e0 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %c15 : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<2x3xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.addf %in, %c025 : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<2x3xf32>) outs(%e2 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  %e3 = tensor.empty() : tensor<2x3xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x3xf32>) outs(%e3 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    %ex = math.exp %n : f32
    %d = arith.addf %ex, %one : f32
    %q = arith.divf %one, %d : f32
    linalg.yield %q : f32
  } -> tensor<2x3xf32>
  %e4 = tensor.empty() : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%r, %s : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e4 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.mulf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// matmul + bias + relu: the fill nest, then one nest for the matmul and its epilogue.
// CHECK-LABEL: func.func @linear_relu(%x: memref<2x4xf32>, %out0: memref<2x3xf32> {ts.output}) {
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %out0
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      memref.store %{{.*}}, %[[FLAT]]
// CHECK:         scf.for %[[I:.*]] = {{.*}} {
// CHECK-NEXT:      scf.for %[[J:.*]] = {{.*}} {
// CHECK-NEXT:        %[[INIT:.*]] = memref.load %out0[%[[I]], %[[J]]]
// CHECK-NEXT:        %[[DOT:.*]] = scf.for %[[K:.*]] = {{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (f32) {
// CHECK:               arith.mulf
// CHECK-NEXT:          arith.addf
// CHECK-NEXT:          scf.yield
// CHECK-NEXT:        } {tsjit.reduction = "arith.addf"}
// CHECK-NEXT:        memref.store %[[DOT]], %out0[%[[I]], %[[J]]]
// CHECK-NEXT:        %[[B:.*]] = memref.load %{{.*}}[%[[J]]] : memref<3xf32>
// CHECK-NEXT:        %[[ACC:.*]] = memref.load %out0[%[[I]], %[[J]]]
// CHECK-NEXT:        %[[S:.*]] = arith.addf %[[ACC]], %[[B]]
// CHECK-NEXT:        %[[R:.*]] = arith.maximumf %[[S]]
// CHECK-NEXT:        memref.store %[[R]], %out0[%[[I]], %[[J]]]
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
func.func @linear_relu(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[0.5, -1.0, 2.0], [1.0, 0.25, -0.5], [-2.0, 1.5, 0.0], [0.75, 0.5, 1.0]]> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  %bias = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %add = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<2x3xf32>, tensor<3xf32>) outs(%e2 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  %e3 = tensor.empty() : tensor<2x3xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%add : tensor<2x3xf32>) outs(%e3 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  return %relu : tensor<2x3xf32>
}

// 2x2 max pooling: generalized to out = max(out, in) (xDSL's named body reads the window).
// CHECK-LABEL: func.func @pool
// CHECK:         %[[IN:.*]] = memref.load %x
// CHECK-NEXT:    %[[ACC:.*]] = memref.load %out0
// CHECK-NEXT:    arith.maximumf %[[ACC]], %[[IN]]
func.func @pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nchw_max {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%init : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %p : tensor<1x1x2x2xf32>
}
