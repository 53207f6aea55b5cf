// ts-to-linalg and ts-bufferize on TorchScript control flow: a for-style ts.loop is one scf.for
// with iter_args (not unrolled), x[i] at the loop index a slice at a run-time offset; a ts.if on
// a run-time condition is scf.if (while loops: ts-to-linalg-while.mlir).
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' --split-input-file | filecheck %s
// RUN: ts-opt %s -p 'ts-to-linalg{report=false},ts-bufferize' --split-input-file | filecheck %s --check-prefix=BUF

// CHECK-LABEL: func.func @loop(%x: tensor<5x3xf32>) -> tensor<3xf32>
// CHECK:         %[[INIT:.*]] = tensor.extract_slice %x[0, 0] [1, 3] [1, 1]
// CHECK:         %[[N:.*]] = arith.constant 5 : index
// CHECK:         %[[R:.*]] = scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[A:.*]] = %[[INIT]]) -> (tensor<3xf32>) {
// CHECK:           %[[ROW:.*]] = tensor.extract_slice %x[%[[I]], 0] [1, 3] [1, 1] : tensor<5x3xf32> to tensor<3xf32>
// CHECK:           %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[ROW]] : tensor<3xf32>, tensor<3xf32>)
// CHECK:           scf.yield %[[NEXT]] : tensor<3xf32>
// CHECK-NOT:     scf.for
// CHECK:         func.return %[[R]] : tensor<3xf32>

// The carried buffer is the out-parameter; the body adds into it in place (no copy at the yield).
// BUF-LABEL: func.func @loop(%x: memref<5x3xf32>, %out0: memref<3xf32> {ts.output})
// BUF:         "memref.copy"(%{{.*}}, %out0)
// BUF:         %[[ROWBUF:.*]] = memref.alloc() : memref<3xf32>
// BUF:         scf.for %[[I:.*]] = {{.*}} {
// BUF-NEXT:      %[[V:.*]] = memref.subview %x[%[[I]], 0] [1, 3] [1, 1] : memref<5x3xf32> to memref<3xf32, strided<[1], offset: ?>>
// BUF-NEXT:      "memref.copy"(%[[V]], %[[ROWBUF]])
// BUF:           linalg.generic {{.*}} ins(%out0, %[[ROWBUF]] : memref<3xf32>, memref<3xf32>) outs(%out0 : memref<3xf32>)
// BUF-NOT:       memref.copy
// BUF:         }
func.func @loop(%x: !ts.tensor<[5,3], f32>) -> !ts.tensor<[3], f32> {
  %n = ts.constant 5
  %true = ts.constant true
  %zero = ts.constant 0
  %one = ts.constant 1
  %init = ts.select %x, %zero, %zero : (!ts.tensor<[5,3], f32>, !ts.int, !ts.int) -> !ts.tensor<[3], f32>
  %acc = ts.loop %n, %true iter(%i, %a = %init) : (!ts.tensor<[3], f32>) {
    %row = ts.select %x, %zero, %i : (!ts.tensor<[5,3], f32>, !ts.int, !ts.int) -> !ts.tensor<[3], f32>
    %next = ts.add %a, %row, %one : (!ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.int) -> !ts.tensor<[3], f32>
    ts.condition %true, %next : !ts.tensor<[3], f32>
  }
  func.return %acc : !ts.tensor<[3], f32>
}

// -----

// CHECK-LABEL: func.func @branch(%x: tensor<4xf32>) -> tensor<4xf32>
// CHECK:         %[[B:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK-NEXT:    %[[Y:.*]] = scf.if %[[B]] -> (tensor<4xf32>) {
// CHECK:           scf.yield %{{.*}} : tensor<4xf32>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %x : tensor<4xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[Y]] : tensor<4xf32>

// Both branches write the result's buffer (here the out-parameter).
// BUF-LABEL: func.func @branch
// BUF:         %[[B:.*]] = memref.load %{{.*}}[] : memref<i1>
// BUF-NEXT:    scf.if %[[B]] {
// BUF-NEXT:      linalg.generic {{.*}} ins(%x : memref<4xf32>) outs(%out0 : memref<4xf32>)
// BUF:         } else {
// BUF-NEXT:      "memref.copy"(%x, %out0)
// BUF-NEXT:    }
func.func @branch(%x: !ts.tensor<[4], f32>) -> !ts.tensor<[4], f32> {
  %none = ts.constant none
  %false = ts.constant false
  %zero = ts.constant 0
  %s = ts.sum %x, %none, %false, %none : (!ts.tensor<[4], f32>, !ts.none, !ts.bool, !ts.none) -> !ts.tensor<[], f32>
  %gt = ts.gt %s, %zero : (!ts.tensor<[], f32>, !ts.int) -> !ts.tensor<[], i1>
  %c = ts.to_bool %gt : (!ts.tensor<[], i1>) -> !ts.bool
  %y = ts.if %c -> (!ts.tensor<[4], f32>) {
    %r = ts.relu %x : (!ts.tensor<[4], f32>) -> !ts.tensor<[4], f32>
    ts.yield %r : !ts.tensor<[4], f32>
  } else {
    ts.yield %x : !ts.tensor<[4], f32>
  }
  func.return %y : !ts.tensor<[4], f32>
}
