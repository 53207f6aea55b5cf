// Installed distributions register passes through the entry-point group
// `tsjit.passes`.  Inputs/site holds a fake installed distribution (a dist-info
// directory with METADATA and entry_points.txt, plus its module).
// RUN: env PYTHONPATH=%S/Inputs/site ts-opt %s -p ep-tag-funcs | filecheck %s
// RUN: env PYTHONPATH=%S/Inputs/site ts-opt %s \
// RUN:   --pass-pipeline='builtin.module(func.func(ep-tag-funcs{tag="ep.seen"}))' \
// RUN:   | filecheck %s --check-prefix=OPT
//
// Without the distribution on the path, the pass does not exist.
// RUN: not ts-opt %s -p ep-tag-funcs 2>&1 | filecheck %s --check-prefix=ABSENT
//
// A broken entry point is skipped with a warning and does not break other runs.
// RUN: env PYTHONPATH=%S/Inputs/broken-site ts-opt %s -p cse 2>&1 \
// RUN:   | filecheck %s --check-prefix=BROKEN

// CHECK: func.func @f() attributes {ep.visited} {
// OPT: func.func @f() attributes {ep.seen} {
// ABSENT: ts-opt: error: unknown pass 'ep-tag-funcs'
// BROKEN-NOT: Traceback
// BROKEN-DAG: ts-opt: warning: skipping entry point 'missing-module = tsjit_lit_no_such_module:Pass' of 'tsjit-lit-broken': {{.*}}ModuleNotFoundError: No module named 'tsjit_lit_no_such_module'
// BROKEN-DAG: ts-opt: warning: skipping entry point 'not-a-pass = os.path:join' of 'tsjit-lit-broken': it is not a ModulePass subclass with a name
// BROKEN: func.func @f() {
func.func @f() {
  func.return
}
