// stride(), stride(d) and is_contiguous() fold where the strides are known: an argument and a new
// tensor are row-major, a transposed or expanded view has its base's strides rearranged; the
// strides of a tensor an `if` makes, or an elementwise op makes of a view (PyTorch may keep the
// view's layout), stay a question for run time.
// RUN: ts-opt %s -p ts-constant-propagation | filecheck %s

// CHECK-LABEL: func.func @strides
// CHECK-NEXT:    %a = ts.constant [4, 1] : !ts.list<!ts.int>
// CHECK-NEXT:    %b = ts.constant [1, 4] : !ts.list<!ts.int>
// CHECK-NEXT:    %c = ts.constant false
// CHECK-NEXT:    %d = ts.constant true
// CHECK-NEXT:    %f = ts.constant 0
// CHECK-NEXT:    func.return %a, %b, %c, %d, %f
func.func @strides(%x: !ts.tensor<[3, 4], f32>) -> (!ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool, !ts.bool, !ts.int) {
  %a = ts.stride %x : (!ts.tensor<[3, 4], f32>) -> !ts.list<!ts.int>
  %t = ts.t %x : (!ts.tensor<[3, 4], f32>) -> !ts.tensor<[4, 3], f32>
  %b = ts.stride %t : (!ts.tensor<[4, 3], f32>) -> !ts.list<!ts.int>
  %c = ts.is_contiguous %t : (!ts.tensor<[4, 3], f32>) -> !ts.bool
  %y = ts.neg %x : (!ts.tensor<[3, 4], f32>) -> !ts.tensor<[3, 4], f32>
  %d = ts.is_contiguous %y : (!ts.tensor<[3, 4], f32>) -> !ts.bool
  %sizes = ts.constant [2, 3, 4] : !ts.list<!ts.int>
  %no = ts.constant false
  %e = ts.expand %x, %sizes, %no : (!ts.tensor<[3, 4], f32>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor<[2, 3, 4], f32>
  %zero = ts.constant 0
  %f = ts.stride_dim %e, %zero : (!ts.tensor<[2, 3, 4], f32>, !ts.int) -> !ts.int
  func.return %a, %b, %c, %d, %f : !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool, !ts.bool, !ts.int
}

// CHECK-LABEL: func.func @unknown
// CHECK:         ts.is_contiguous %r
// CHECK:         ts.stride %n
func.func @unknown(%x: !ts.tensor<[3, 3], f32>, %flag: !ts.bool) -> (!ts.bool, !ts.list<!ts.int>) {
  %r = ts.if %flag -> (!ts.tensor<[3, 3], f32>) {
    %t = ts.t %x : (!ts.tensor<[3, 3], f32>) -> !ts.tensor<[3, 3], f32>
    ts.yield %t : !ts.tensor<[3, 3], f32>
  } else {
    ts.yield %x : !ts.tensor<[3, 3], f32>
  }
  %c = ts.is_contiguous %r : (!ts.tensor<[3, 3], f32>) -> !ts.bool
  %t = ts.t %x : (!ts.tensor<[3, 3], f32>) -> !ts.tensor<[3, 3], f32>
  %n = ts.neg %t : (!ts.tensor<[3, 3], f32>) -> !ts.tensor<[3, 3], f32>
  %s = ts.stride %n : (!ts.tensor<[3, 3], f32>) -> !ts.list<!ts.int>
  func.return %c, %s : !ts.bool, !ts.list<!ts.int>
}
