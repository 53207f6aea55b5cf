// A two-layer MLP in the ts dialect, as `script` would emit it once frozen:
// weights are constants, the `training` flag is known, and a dead debug branch remains.
//   ts-opt examples/mlp.mlir -p canonicalize,cse
func.func @forward(%x: !ts.tensor<[?,4], f32>) -> !ts.tensor {
  %w1 = ts.constant dense<[[0.5, -0.25, 0.125, 1.0], [-1.0, 0.75, 0.5, -0.5], [0.25, 0.25, -0.75, 0.5]]> : tensor<3x4xf32>
  %b1 = ts.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %w2 = ts.constant dense<[[1.0, -1.0, 0.5], [0.5, 0.5, -1.0]]> : tensor<2x3xf32>
  %b2 = ts.constant dense<[0.0, 0.05]> : tensor<2xf32>
  %training = ts.constant false
  %p = ts.constant 5.000000e-01
  %h = ts.linear %x, %w1, %b1 : (!ts.tensor<[?,4], f32>, !ts.tensor<[3,4], f32>, !ts.tensor<[3], f32>) -> !ts.tensor<[?,3], f32>
  %a = ts.relu %h : (!ts.tensor<[?,3], f32>) -> !ts.tensor<[?,3], f32>
  %d = ts.dropout %a, %p, %training : (!ts.tensor<[?,3], f32>, !ts.float, !ts.bool) -> !ts.tensor<[?,3], f32>
  %rank = ts.dim %d : (!ts.tensor<[?,3], f32>) -> !ts.int
  %two = ts.constant 2
  %is2d = ts.scalar.eq %rank, %two : (!ts.int, !ts.int) -> !ts.bool
  %y = ts.if %is2d -> (!ts.tensor) {
    %o = ts.linear %d, %w2, %b2 : (!ts.tensor<[?,3], f32>, !ts.tensor<[2,3], f32>, !ts.tensor<[2], f32>) -> !ts.tensor
    ts.yield %o : !ts.tensor
  } else {
    %msg = ts.constant "expected a 2-D input"
    ts.raise %msg, "builtins.ValueError"
    %u = ts.uninitialized : !ts.tensor
    ts.yield %u : !ts.tensor
  }
  %one = ts.constant 1
  %none = ts.constant none
  %s = ts.softmax %y, %one, %none : (!ts.tensor, !ts.int, !ts.none) -> !ts.tensor
  func.return %s : !ts.tensor
}
