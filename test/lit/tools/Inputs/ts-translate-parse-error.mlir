func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %y = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %z : !ts.tensor
}
