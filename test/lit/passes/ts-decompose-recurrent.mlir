// ts-decompose writes a recurrent layer as one GEMM for every step's input projection and one
// ts.loop over time carrying the hidden state and the output (each step writes its row with
// select_scatter), so the C backend gets an scf.for, not one copy of the cell per step.
// RUN: ts-opt %s -p ts-decompose | filecheck %s
// CHECK-LABEL: func.func @rnn
// CHECK-NOT:     ts.rnn_tanh
// CHECK:         %[[XW:.*]] = ts.linear %x, %w_ih, %b_ih
// CHECK:         ts.loop %{{.*}}, %{{.*}} iter(%[[T:.*]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK:           ts.select %[[XW]], %{{.*}}, %[[T]]
// CHECK:           ts.tanh
// CHECK:           ts.select_scatter %{{.*}}, %{{.*}}, %{{.*}}, %[[T]]
// CHECK:           ts.condition
// CHECK-NOT:     ts.loop
// CHECK:         func.return
func.func @rnn(%x: !ts.tensor<[4,1,2], f32>, %h0: !ts.tensor<[1,1,3], f32>) -> !ts.tensor<[4,1,3], f32> {
  %w_ih = ts.constant dense<0.25> : tensor<3x2xf32>
  %w_hh = ts.constant dense<-0.5> : tensor<3x3xf32>
  %b_ih = ts.constant dense<0.125> : tensor<3xf32>
  %b_hh = ts.constant dense<0.0625> : tensor<3xf32>
  %false = ts.constant false
  %one = ts.constant 1
  %true = ts.constant true
  %p = ts.constant 0.0
  %params = ts.list.construct %w_ih, %w_hh, %b_ih, %b_hh : (!ts.tensor<[3,2], f32>, !ts.tensor<[3,3], f32>, !ts.tensor<[3], f32>, !ts.tensor<[3], f32>) -> !ts.list<!ts.tensor<*, f32>>
  %out, %h_n = ts.rnn_tanh %x, %h0, %params, %true, %one, %p, %false, %false, %false : (!ts.tensor<[4,1,2], f32>, !ts.tensor<[1,1,3], f32>, !ts.list<!ts.tensor<*, f32>>, !ts.bool, !ts.int, !ts.float, !ts.bool, !ts.bool, !ts.bool) -> (!ts.tensor<[4,1,3], f32>, !ts.tensor<[1,1,3], f32>)
  func.return %out : !ts.tensor<[4,1,3], f32>
}
