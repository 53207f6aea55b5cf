// Plugin problems: exit 1 and one message, no traceback.
// RUN: not ts-opt %s --load-pass-plugin=%S/Inputs/no-such-plugin.py 2>&1 \
// RUN:   | filecheck %s --check-prefix=MISSING
// MISSING: ts-opt: error: cannot load pass plugin '{{.*}}Inputs/no-such-plugin.py': no such file
//
// RUN: not ts-opt %s --load-pass-plugin=%S/Inputs/plugin_import_error.py 2>&1 \
// RUN:   | filecheck %s --check-prefix=IMPORT
// IMPORT-NOT: Traceback
// IMPORT: ts-opt: error: cannot load pass plugin '{{.*}}plugin_import_error.py': {{.*}}plugin_import_error.py:4: NameError: name 'undefined_name' is not defined
// IMPORT-NOT: Traceback
//
// RUN: not ts-opt %s --load-pass-plugin=%S/Inputs/plugin_no_pass.py 2>&1 \
// RUN:   | filecheck %s --check-prefix=EMPTY
// EMPTY: ts-opt: error: pass plugin '{{.*}}plugin_no_pass.py' defines no ModulePass subclass
//
// RUN: not ts-opt %s --load-pass-plugin=%S/Inputs/plugin_clash.py 2>&1 \
// RUN:   | filecheck %s --check-prefix=CLASH
// CLASH: ts-opt: error: pass plugin '{{.*}}plugin_clash.py': pass 'cse' is already registered
func.func @f() {
  func.return
}
