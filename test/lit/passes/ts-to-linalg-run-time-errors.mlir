// ts-to-linalg, run-time errors: inverse and solve count each matrix's zero pivots, reads at index
// tensors the indices out of range, and, when there is one, call the run-time function @tsjit_fail
// (declared once) with the code of PyTorch's message, which the call carries
// (tsjit/lowering/run_time_errors.py).
// RUN: ts-opt %s -p 'ts-to-linalg{report=false}' | filecheck %s

// CHECK:       func.func private @tsjit_fail(i64)
// CHECK-NOT:   func.func private @tsjit_fail
// CHECK-LABEL: func.func @inverse(%a: tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
// CHECK:         scf.for
// CHECK:         %[[COUNT:.*]] = tensor.extract %{{.*}}[] : tensor<f64>
// CHECK:         %[[SINGULAR:.*]] = arith.cmpf ogt, %[[COUNT]]
// CHECK:         scf.if %[[SINGULAR]] {
// CHECK-NEXT:      %[[CODE:.*]] = arith.constant {{[0-9]+}} : i64
// CHECK-NEXT:      func.call @tsjit_fail(%[[CODE]]) {message = "linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular."} : (i64) -> ()
func.func @inverse(%a: !ts.tensor<[2,3,3], f32>) -> !ts.tensor<[2,3,3], f32> {
  %y = ts.inverse %a : (!ts.tensor<[2,3,3], f32>) -> !ts.tensor<[2,3,3], f32>
  func.return %y : !ts.tensor<[2,3,3], f32>
}

// CHECK-LABEL: func.func @solve
// CHECK:         func.call @tsjit_fail({{.*}}) {message = "torch.linalg.solve: The solver failed because the input matrix is singular."}
func.func @solve(%a: !ts.tensor<[3,3], f64>, %b: !ts.tensor<[3], f64>) -> !ts.tensor<[3], f64> {
  %left = ts.constant true
  %x = ts.linalg_solve %a, %b, %left : (!ts.tensor<[3,3], f64>, !ts.tensor<[3], f64>, !ts.bool) -> !ts.tensor<[3], f64>
  func.return %x : !ts.tensor<[3], f64>
}

// A read at an index tensor counts the indices outside the dim first (the read itself clamps).
// CHECK-LABEL: func.func @embedding
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction"]{{.*}} ins(%i : tensor<5xi64>)
// CHECK:           arith.cmpi slt
// CHECK:           arith.cmpi sge
// CHECK:         func.call @tsjit_fail({{.*}}) {message = "index out of range in self", error = "IndexError"}
// CHECK:         tensor.extract %w
func.func @embedding(%w: !ts.tensor<[10,3], f32>, %i: !ts.tensor<[5], i64>) -> !ts.tensor<[5,3], f32> {
  %pad = ts.constant -1
  %y = ts.embedding %w, %i, %pad : (!ts.tensor<[10,3], f32>, !ts.tensor<[5], i64>, !ts.int) -> !ts.tensor<[5,3], f32>
  func.return %y : !ts.tensor<[5,3], f32>
}
