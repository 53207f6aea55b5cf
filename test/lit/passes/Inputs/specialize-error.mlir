// A view whose size list is only known at run time: ts-specialize cannot know the shape.
func.func @dynamic_view(%x: !ts.tensor, %n: !ts.int) -> !ts.tensor {
  %m1 = ts.constant -1
  %s = ts.list.construct %n, %m1 : (!ts.int, !ts.int) -> !ts.list<!ts.int>
  %sizes = ts.list.copy %s : (!ts.list<!ts.int>) -> !ts.list<!ts.int>
  %v = ts.view %x, %sizes {loc = "model.py:7:12"} : (!ts.tensor, !ts.list<!ts.int>) -> !ts.tensor
  func.return %v : !ts.tensor
}
