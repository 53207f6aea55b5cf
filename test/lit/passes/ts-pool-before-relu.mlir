// ts-pool-before-relu: max_pool(relu(x)) -> relu(max_pool(x)) when the relu has no other use.
// RUN: ts-opt %s -p ts-pool-before-relu | filecheck %s

// CHECK-LABEL: func.func @pools
// CHECK:         %[[P:.*]] = ts.max_pool2d %x, %k, %k, %z, %one, %f
// CHECK-NEXT:    %p = ts.relu %[[P]]
// CHECK:         %r2 = ts.relu %x
// CHECK-NEXT:    %p2 = ts.max_pool2d %r2, %k, %k, %z, %one, %f
// CHECK:         func.return %p, %p2, %r2
func.func @pools(%x: !ts.tensor) -> (!ts.tensor, !ts.tensor, !ts.tensor) {
  %k = ts.constant [2, 2] : !ts.list<!ts.int>
  %z = ts.constant [0, 0] : !ts.list<!ts.int>
  %one = ts.constant [1, 1] : !ts.list<!ts.int>
  %f = ts.constant false
  %r = ts.relu %x : (!ts.tensor) -> !ts.tensor
  %p = ts.max_pool2d %r, %k, %k, %z, %one, %f : (!ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor
  %r2 = ts.relu %x : (!ts.tensor) -> !ts.tensor
  %p2 = ts.max_pool2d %r2, %k, %k, %z, %one, %f : (!ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor
  func.return %p, %p2, %r2 : !ts.tensor, !ts.tensor, !ts.tensor
}
