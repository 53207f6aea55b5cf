func.func @f(%x: !ts.tensor) -> !ts.tensor {
  // the op below does not exist
  %r = ts.no_such_op %x : (!ts.tensor) -> !ts.tensor
  func.return %r : !ts.tensor
}
