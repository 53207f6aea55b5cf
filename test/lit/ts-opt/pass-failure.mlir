// Failures inside passes.  A pass error located at an op (tsjit's emit_error) is
// reported there; an xDSL PassFailedException names the pass and is located at what the pass
// ran on (the chunk's module); both exit 1.
// RUN: not ts-opt %s --load-pass-plugin=%S/Inputs/diag_plugin.py -p test-emit-diagnostics \
// RUN:   --split-input-file 2>&1 | filecheck %s
// A pass that crashes is a bug: the traceback is kept, followed by a summary.
// RUN: not ts-opt %S/Inputs/crash.mlir --load-pass-plugin=%S/Inputs/diag_plugin.py \
// RUN:   -p test-emit-diagnostics 2>&1 | filecheck %s --check-prefix=CRASH

// CHECK:      pass-failure.mlir:[[# @LINE + 4]]:3: error: the pass refused
// CHECK-NEXT: {{^}}  "test.op"() {test.emit = "error: the pass refused"} : () -> ()
// CHECK-NEXT: {{^}}  ^
func.func @located() {
  "test.op"() {test.emit = "error: the pass refused"} : () -> ()
  func.return
}

// -----

// CHECK: pass-failure.mlir:[[# @LINE - 2]]:1: error: pass 'test-emit-diagnostics' failed: generic failure
func.func @unlocated() {
  "test.op"() {test.emit = "fail: generic failure"} : () -> ()
  func.return
}

// CRASH: Traceback
// CRASH: RuntimeError: boom
// CRASH: ts-opt: error: pass 'test-emit-diagnostics' crashed (this is a bug in the pass)
