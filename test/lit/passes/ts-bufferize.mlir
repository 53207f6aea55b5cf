// ts-bufferize: tensors -> memrefs; results become out-parameters; buffers are reused in place
// only when safe; a tensor.empty shared by cse never makes two values share a buffer.
// RUN: ts-opt %s -p ts-bufferize | filecheck %s

#id = affine_map<(d0) -> (d0)>

// Dense constants become constant memref.globals at the top of the module.
// CHECK:       "memref.global"() <{sym_name = "__ts_constant_0", type = memref<2x2xf32>, initial_value = dense<{{.*}}> : tensor<2x2xf32>, sym_visibility = "private", constant}>

// exp(x) may not overwrite the argument %x, so it gets an alloc; sqrt and the add write in
// place into it (each input is dead afterwards); that alloc, returned, becomes the out-param.
// CHECK-LABEL: func.func @chain(%x: memref<4xf32>, %out0: memref<4xf32> {ts.output}) {
// CHECK-NEXT:    linalg.generic {{.*}} ins(%x : memref<4xf32>) outs(%out0 : memref<4xf32>)
// CHECK:         math.exp
// CHECK:         linalg.generic {{.*}} ins(%out0 : memref<4xf32>) outs(%out0 : memref<4xf32>)
// CHECK:         math.sqrt
// CHECK:         linalg.generic {{.*}} ins(%out0, %x : memref<4xf32>, memref<4xf32>) outs(%out0 : memref<4xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         func.return
// CHECK-NEXT:  }
func.func @chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = math.exp %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = math.sqrt %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %c = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%b, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.addf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// One (cse'd) tensor.empty is the init of two values that are both live: two buffers.
// CHECK-LABEL: func.func @shared_empty(%x: memref<4xf32>, %out0: memref<4xf32> {ts.output}) {
// CHECK-NEXT:    linalg.generic {{.*}} ins(%x : memref<4xf32>) outs(%out0 : memref<4xf32>)
// CHECK:         %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    linalg.generic {{.*}} ins(%x : memref<4xf32>) outs(%[[B]] : memref<4xf32>)
// CHECK:         linalg.generic {{.*}} ins(%out0, %[[B]] : memref<4xf32>, memref<4xf32>) outs(%out0 : memref<4xf32>)
// CHECK:         memref.dealloc %[[B]]
func.func @shared_empty(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = math.exp %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = math.log %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %c = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.subf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// A dense constant becomes a constant memref.global; an init that is still live afterwards
// (%init is returned too) is copied, never overwritten; the epilogue writes in place into the
// matmul's buffer.
// CHECK-LABEL: func.func @mm(%x: memref<2x2xf32>, %init: memref<2x2xf32>, %out0: memref<2x2xf32> {ts.output}, %out1: memref<2x2xf32> {ts.output}) {
// CHECK-NEXT:    %[[W:.*]] = memref.get_global @__ts_constant_0 : memref<2x2xf32>
// CHECK-NEXT:    "memref.copy"(%init, %out0)
// CHECK-NEXT:    linalg.matmul ins(%x, %[[W]] : memref<2x2xf32>, memref<2x2xf32>) outs(%out0 : memref<2x2xf32>)
// CHECK-NEXT:    linalg.generic {{.*}} outs(%out0 : memref<2x2xf32>) attrs = {ts.epilogue}
// CHECK:         "memref.copy"(%init, %out1)
// CHECK-NEXT:    func.return
func.func @mm(%x: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%mm : tensor<2x2xf32>) attrs = {ts.epilogue} {
  ^bb0(%acc: f32):
    %r = math.exp %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x2xf32>
  return %y, %init : tensor<2x2xf32>, tensor<2x2xf32>
}

// Slices, padding and reshapes: subview copies, a filled buffer, views.
// CHECK-LABEL: func.func @shapes(%x: memref<2x4xf32>, %out0: memref<8xf32> {ts.output}, %out1: memref<4x6xf32> {ts.output}) {
// CHECK:         memref.subview %x[0, 1] [2, 2] [1, 1]
// CHECK:         "memref.copy"
// CHECK:         linalg.fill
// CHECK:         memref.subview %out1[1, 1] [2, 4] [1, 1]
// CHECK:         "memref.copy"(%x, %{{.*}})
// CHECK:         memref.collapse_shape
func.func @shapes(%x: tensor<2x4xf32>) -> (tensor<8xf32>, tensor<4x6xf32>) {
  %s = tensor.extract_slice %x[0, 1] [2, 2] [1, 1] : tensor<2x4xf32> to tensor<2x2xf32>
  %big = tensor.empty() : tensor<2x4xf32>
  %ins = tensor.insert_slice %s into %big[0, 0] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<2x4xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<2x4xf32> to tensor<4x6xf32>
  %flat = tensor.collapse_shape %ins [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  return %flat, %p : tensor<8xf32>, tensor<4x6xf32>
}

// Scalar results (`torch.equal`'s bool, `.item()`'s float) are stored into 0-d out-parameters
// marked with the Python type they stand for.
// CHECK-LABEL: func.func @scalars(%x: memref<2xf32>, %out0: memref<2xf32> {ts.output}, %out1: memref<i1> {ts.output, ts.scalar_output = "bool"}, %out2: memref<f64> {ts.output, ts.scalar_output = "float"}, %out3: memref<i64> {ts.output, ts.scalar_output = "int"}) {
// CHECK:         memref.store %{{.*}}, %out1[] : memref<i1>
// CHECK-NEXT:    memref.store %{{.*}}, %out2[] : memref<f64>
// CHECK-NEXT:    memref.store %{{.*}}, %out3[] : memref<i64>
func.func @scalars(%x: tensor<2xf32>) -> (tensor<2xf32>, i1, f64, i64) {
  %c0 = arith.constant 0 : index
  %e = tensor.extract %x[%c0] : tensor<2xf32>
  %f = arith.extf %e : f32 to f64
  %b = arith.constant true
  %i = arith.constant 3 : i64
  return %x, %b, %f, %i : tensor<2xf32>, i1, f64, i64
}
