// ts.fork / ts.wait verifiers.
// RUN: ts-opt %s --split-input-file --verify-diagnostics

func.func @fork_yields_wrong_type(%s: !ts.str) {
  // expected-error @+1 {{the fork body yields !ts.str, not !ts.int}}
  %f = ts.fork -> !ts.future<!ts.int> {
    ts.yield %s : !ts.str
  }
  func.return
}

// -----

// The body may yield a refinement of the element type, not a generalisation.
func.func @fork_yields_less_precise(%t: !ts.tensor) {
  // expected-error @+1 {{the fork body yields !ts.tensor, not !ts.tensor<[2], f32>}}
  %f = ts.fork -> !ts.future<!ts.tensor<[2], f32>> {
    ts.yield %t : !ts.tensor
  }
  func.return
}

// -----

func.func @fork_yields_two_values(%s: !ts.str) {
  // expected-error @+1 {{the fork body must end with ts.yield of exactly one value}}
  %f = ts.fork -> !ts.future<!ts.str> {
    ts.yield %s, %s : !ts.str, !ts.str
  }
  func.return
}

// -----

func.func @fork_yields_nothing(%s: !ts.str) {
  // expected-error @+1 {{the fork body must end with ts.yield of exactly one value}}
  %f = ts.fork -> !ts.future<!ts.str> {
    ts.yield
  }
  func.return
}

// -----

func.func @fork_gives_non_future(%s: !ts.str) {
  // expected-error @+1 {{ts.fork gives a !ts.future<T>}}
  %f = ts.fork -> !ts.str {
    ts.yield %s : !ts.str
  }
  func.return
}

// -----

func.func @fork_generic_non_future(%s: !ts.str) {
  // expected-error @+1 {{result 'future' at position 0 does not verify}}
  %f = "ts.fork"() ({
    "ts.yield"(%s) : (!ts.str) -> ()
  }) : () -> !ts.str
  func.return
}

// -----

func.func @wait_result_type(%f: !ts.future<!ts.int>) {
  // expected-error @+1 {{waiting on !ts.future<!ts.int> gives !ts.int, not !ts.str}}
  %x = "ts.wait"(%f) : (!ts.future<!ts.int>) -> !ts.str
  func.return
}

// -----

func.func @wait_refined_result(%f: !ts.future<!ts.tensor>) {
  // expected-error @+1 {{waiting on !ts.future<!ts.tensor> gives !ts.tensor, not !ts.tensor<[2], f32>}}
  %x = "ts.wait"(%f) : (!ts.future<!ts.tensor>) -> !ts.tensor<[2], f32>
  func.return
}

// -----

func.func @wait_on_non_future(%s: !ts.str) {
  // expected-error @+1 {{ts.wait takes a !ts.future<T>}}
  %x = ts.wait %s : !ts.str {note}
  func.return
}

// -----

func.func @wait_generic_non_future(%s: !ts.str) {
  // expected-error @+1 {{operand 'future' at position 0 does not verify}}
  %x = "ts.wait"(%s) : (!ts.str) -> !ts.str
  func.return
}
