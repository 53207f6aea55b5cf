func.func @f(%x: !ts.int) -> !ts.int {
  %y = ts.call_function @g(%x) : (!ts.int) -> !ts.int
  func.return %y : !ts.int
}
func.func @g(%x: !ts.int) -> !ts.int {
  %y = ts.call_function @f(%x) : (!ts.int) -> !ts.int
  func.return %y : !ts.int
}

// -----

func.func @h(%o: !ts.class<"__torch__.Unknown">) -> !ts.int {
  %y = ts.call_method %o["forward"] () : (!ts.class<"__torch__.Unknown">) -> !ts.int
  func.return %y : !ts.int
}

// -----

func.func private @ext(%x: !ts.int) -> !ts.int
func.func @k(%x: !ts.int) -> !ts.int {
  %y = ts.call_function @ext(%x) : (!ts.int) -> !ts.int
  func.return %y : !ts.int
}
