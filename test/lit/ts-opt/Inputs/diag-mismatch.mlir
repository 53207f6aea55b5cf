// Input for verify-diagnostics-mismatch.mlir: every chunk is wrong in one way.
func.func @not_produced() {
  func.return // expected-error {{never happens}}
}

// -----

func.func @unexpected(%a: i32) -> i32 {
  func.return %a, %a : i32, i32
}

// -----

func.func @wrong_text(%a: i32) -> i32 {
  // expected-error @+1 {{some other message}}
  func.return %a, %a : i32, i32
}

// -----

func.func @wrong_line(%a: i32) -> i32 {
  // expected-error @+2 {{output types}}
  func.return %a, %a : i32, i32
}

// -----

func.func @wrong_severity(%a: i32) -> i32 {
  func.return %a, %a : i32, i32 // expected-warning {{output types}}
}
