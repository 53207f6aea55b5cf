// Tensor op verifiers: schema operand/result kinds, broadcasting, contractions, convolutions,
// and the rank checks of pooling, dot and linear.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

func.func @broadcast_mismatch(%a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[4,3], f32>, %one: !ts.int) {
  // expected-error @+1 {{shapes [2,3] and [4,3] are not broadcastable (dim -2: 2 vs 4)}}
  %r = ts.add %a, %b, %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[4,3], f32>, !ts.int) -> !ts.tensor
  func.return
}

// -----

func.func @broadcast_mismatch_inplace(%a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[4,3], f32>) {
  // expected-error @+1 {{shapes [2,3] and [4,3] are not broadcastable}}
  %r = ts.mul_ %a, %b : (!ts.tensor<[2,3], f32>, !ts.tensor<[4,3], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @where_three_way(%c: !ts.tensor<[2,3], i1>, %a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[4,3], f32>) {
  // expected-error @+1 {{are not broadcastable (dim -2: 2 vs 4)}}
  %r = ts.where %c, %a, %b : (!ts.tensor<[2,3], i1>, !ts.tensor<[2,3], f32>, !ts.tensor<[4,3], f32>) -> !ts.tensor
  func.return
}

// -----

// Unknown dims do not hide a mismatch in a known one.
func.func @broadcast_mismatch_partial(%a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[?,4], f32>) {
  // expected-error @+1 {{are not broadcastable (dim -1: 3 vs 4)}}
  %r = ts.maximum %a, %b : (!ts.tensor<[2,3], f32>, !ts.tensor<[?,4], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @broadcast_result_shape(%a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[3], f32>) {
  // expected-error @+1 {{result shape [3,3] does not match the expected shape [2,3]}}
  %r = ts.mul %a, %b : (!ts.tensor<[2,3], f32>, !ts.tensor<[3], f32>) -> !ts.tensor<[3,3], f32>
  func.return
}

// -----

func.func @unary_result_shape(%a: !ts.tensor<[2,3], f32>) {
  // expected-error @+1 {{result shape [3,2] does not match}}
  %r = ts.relu %a : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[3,2], f32>
  func.return
}

// -----

func.func @comparison_dtype(%a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[2,3], f32>) {
  // expected-error @+1 {{a comparison gives a bool tensor, not f32}}
  %r = ts.eq %a, %b : (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  func.return
}

// -----

func.func @matmul_contracted_dims(%a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[4,5], f32>) {
  // expected-error @+1 {{contracted dimensions differ: 3 vs 4 (shapes [2,3] and [4,5])}}
  %r = ts.matmul %a, %b : (!ts.tensor<[2,3], f32>, !ts.tensor<[4,5], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @matmul_vector(%a: !ts.tensor<[2,3], f32>, %v: !ts.tensor<[4], f32>) {
  // expected-error @+1 {{contracted dimensions differ: 3 vs 4}}
  %r = ts.matmul %a, %v : (!ts.tensor<[2,3], f32>, !ts.tensor<[4], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @matmul_scalar(%a: !ts.tensor<[], f32>, %b: !ts.tensor<[4,5], f32>) {
  // expected-error @+1 {{both arguments to matmul need to be at least 1D}}
  %r = ts.matmul %a, %b : (!ts.tensor<[], f32>, !ts.tensor<[4,5], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @mm_rank(%a: !ts.tensor<[2,3,4], f32>, %b: !ts.tensor<[4,5], f32>) {
  // expected-error @+1 {{mm expects 2-D tensors}}
  %r = ts.mm %a, %b : (!ts.tensor<[2,3,4], f32>, !ts.tensor<[4,5], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @bmm_rank(%a: !ts.tensor<[2,3], f32>, %b: !ts.tensor<[3,2], f32>) {
  // expected-error @+1 {{bmm expects 3-D tensors}}
  %r = ts.bmm %a, %b : (!ts.tensor<[2,3], f32>, !ts.tensor<[3,2], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @bmm_contracted_dims(%a: !ts.tensor<[8,2,3], f32>, %b: !ts.tensor<[8,2,3], f32>) {
  // expected-error @+1 {{contracted dimensions differ: 3 vs 2}}
  %r = ts.bmm %a, %b : (!ts.tensor<[8,2,3], f32>, !ts.tensor<[8,2,3], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @linear_features(%x: !ts.tensor<[2,5], f32>, %w: !ts.tensor<[4,3], f32>, %none: !ts.none) {
  // expected-error @+1 {{input features 5 do not match weight features 3}}
  %r = ts.linear %x, %w, %none : (!ts.tensor<[2,5], f32>, !ts.tensor<[4,3], f32>, !ts.none) -> !ts.tensor
  func.return
}

// -----

func.func @linear_weight_rank(%x: !ts.tensor, %w: !ts.tensor<[4,3,2], f32>, %none: !ts.none) {
  // expected-error @+1 {{linear weight must have rank 1 or 2, got rank 3}}
  %r = ts.linear %x, %w, %none : (!ts.tensor, !ts.tensor<[4,3,2], f32>, !ts.none) -> !ts.tensor
  func.return
}

// -----

func.func @conv_weight_rank(%x: !ts.tensor<[1,3,8,8], f32>, %w: !ts.tensor<[16,3,3], f32>, %none: !ts.none, %l: !ts.list<!ts.int>, %g: !ts.int) {
  // expected-error @+1 {{conv weight must have rank 4, got rank 3}}
  %r = ts.conv2d %x, %w, %none, %l, %l, %l, %g : (!ts.tensor<[1,3,8,8], f32>, !ts.tensor<[16,3,3], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  func.return
}

// -----

func.func @conv1d_weight_rank(%x: !ts.tensor<[1,3,8], f32>, %w: !ts.tensor<[16,3,3,3], f32>, %none: !ts.none, %l: !ts.list<!ts.int>, %g: !ts.int) {
  // expected-error @+1 {{conv weight must have rank 3, got rank 4}}
  %r = ts.conv1d %x, %w, %none, %l, %l, %l, %g : (!ts.tensor<[1,3,8], f32>, !ts.tensor<[16,3,3,3], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  func.return
}

// -----

func.func @conv_input_rank(%x: !ts.tensor<[8], f32>, %w: !ts.tensor<[16,3,3,3], f32>, %none: !ts.none, %l: !ts.list<!ts.int>, %g: !ts.int) {
  // expected-error @+1 {{conv input must have rank 3 or 4, got rank 1}}
  %r = ts.conv2d %x, %w, %none, %l, %l, %l, %g : (!ts.tensor<[8], f32>, !ts.tensor<[16,3,3,3], f32>, !ts.none, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
  func.return
}

// -----

func.func @pool_rank(%x: !ts.tensor<[2,5], f32>, %l: !ts.list<!ts.int>, %b: !ts.bool) {
  // expected-error @+1 {{max_pool2d input must have rank 3 or 4, got rank 2}}
  %r = ts.max_pool2d %x, %l, %l, %l, %l, %b : (!ts.tensor<[2,5], f32>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor
  func.return
}

// -----

func.func @dot_rank(%x: !ts.tensor<[2,5], f32>) {
  // expected-error @+1 {{dot operand must have rank 1, got rank 2}}
  %r = ts.dot %x, %x : (!ts.tensor<[2,5], f32>, !ts.tensor<[2,5], f32>) -> !ts.tensor
  func.return
}

// -----

func.func @str_for_tensor(%s: !ts.str) {
  // expected-error @+1 {{operand #0 ('input') must be Tensor, got !ts.str}}
  %r = ts.relu %s : (!ts.str) -> !ts.tensor
  func.return
}

// -----

func.func @str_for_tensor_or_scalar(%a: !ts.tensor, %s: !ts.str, %i: !ts.int) {
  // expected-error @+1 {{operand #1 ('other') must be Tensor or Scalar, got !ts.str}}
  %r = ts.add %a, %s, %i : (!ts.tensor, !ts.str, !ts.int) -> !ts.tensor
  func.return
}

// -----

func.func @float_list_for_int_list(%a: !ts.tensor, %l: !ts.list<!ts.float>) {
  // expected-error @+1 {{operand #1 ('size') must be int[], got !ts.list<!ts.float>}}
  %r = ts.view %a, %l : (!ts.tensor, !ts.list<!ts.float>) -> !ts.tensor
  func.return
}

// -----

func.func @optional_operand(%a: !ts.tensor, %s: !ts.str) {
  // expected-error @+1 {{operand #1 ('min') must be Scalar?, got !ts.str}}
  %r = ts.clamp %a, %s, %s : (!ts.tensor, !ts.str, !ts.str) -> !ts.tensor
  func.return
}

// -----

func.func @scalar_result(%a: !ts.tensor) {
  // expected-error @+1 {{result #0 ('result') must be Tensor, got !ts.int}}
  %r = ts.relu %a : (!ts.tensor) -> !ts.int
  func.return
}

// -----

func.func @float_for_int(%a: !ts.tensor, %f: !ts.float, %none: !ts.none) {
  // expected-error @+1 {{operand #1 ('dim') must be int, got !ts.float}}
  %r = ts.softmax %a, %f, %none : (!ts.tensor, !ts.float, !ts.none) -> !ts.tensor
  func.return
}

// -----

func.func @tensor_list_result(%a: !ts.tensor, %i: !ts.int) {
  // expected-error @+1 {{result #0 ('result') must be Tensor[], got !ts.list<!ts.int>}}
  %r = ts.chunk %a, %i, %i : (!ts.tensor, !ts.int, !ts.int) -> !ts.list<!ts.int>
  func.return
}

// -----

func.func @int_list_for_tensor_list(%l: !ts.list<!ts.int>, %i: !ts.int) {
  // expected-error @+1 {{operand #0 ('tensors') must be Tensor[], got !ts.list<!ts.int>}}
  %r = ts.cat %l, %i : (!ts.list<!ts.int>, !ts.int) -> !ts.tensor
  func.return
}
