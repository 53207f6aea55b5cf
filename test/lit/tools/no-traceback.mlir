// Whatever the input or the flags, the tools print one readable line (or a located error) and
// exit 1, never a Python traceback.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import zipfile; zipfile.ZipFile('%t/model.pt', 'w').writestr('tsjit/model.mlir', 'x')"
//
// Not MLIR: a Python file is a located parse error, a zip archive (a saved model) says so.
// RUN: printf '# a script\nimport os\n' > %t/script.py
// RUN: not ts-opt %t/script.py 2>&1 | filecheck %s --check-prefix=TEXT
// RUN: not ts-run %t/script.py 2>&1 | filecheck %s --check-prefix=TEXT
// RUN: not ts-opt %t/model.pt 2>&1 | filecheck %s --check-prefix=ZIP
// RUN: not ts-run %t/model.pt 2>&1 | filecheck %s --check-prefix=ZIP
// RUN: not ts-translate --emit-c %t/model.pt 2>&1 | filecheck %s --check-prefix=ZIP
// TEXT-NOT: Traceback
// TEXT:     script.py:1:1: error:
// ZIP-NOT:  Traceback
// ZIP:      error: input file '{{.*}}model.pt' is a zip archive (a saved model?), not text; tsjit.load reads archives
//
// An -o path that cannot be written fails before the work, and names the path.
// RUN: not ts-opt %s -o %t/no-such-dir/out.mlir 2>&1 | filecheck %s --check-prefix=UNWRITABLE
// RUN: not ts-run %s --shapes 2xf32 -o %t/no-such-dir/y.npy 2>&1 | filecheck %s --check-prefix=UNWRITABLE
// RUN: not ts-translate --emit-c %s --shapes 2xf32 -o %t/no-such-dir/model.c 2>&1 | filecheck %s --check-prefix=UNWRITABLE
// RUN: not ts-run %s --shapes 2xf32 --output-dir %t/model.pt 2>&1 | filecheck %s --check-prefix=NOTADIR
// UNWRITABLE-NOT: Traceback
// UNWRITABLE:     error: cannot open output file '{{.*}}no-such-dir/{{.*}}': No such file or directory
// NOTADIR:        ts-run: error: cannot create output directory '{{.*}}model.pt': File exists
//
// Targets that cannot work here are not offered; asking for one says why.
// RUN: ts-opt --help | filecheck %s --check-prefix=HELP
// RUN: not ts-opt %s -t mps 2>&1 | filecheck %s --check-prefix=MPS
// RUN: not ts-opt %s -t nope 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not ts-opt %s -t arm-asm 2>&1 | filecheck %s --check-prefix=ASM
// HELP:      output format:
// HELP-NOT:  mps
// HELP-SAME: mlir
// MPS:       ts-opt: error: target 'mps' cannot be used here: xDSL 0.74 registers it but does not implement it
// UNKNOWN:   ts-opt: error: unknown target 'nope'; available: {{.*}}mlir
// ASM:       no-traceback.mlir:[[# @LINE + 8]]:1: error: target 'arm-asm' prints assembly-level ops only, and 'func.func' is not one; lower the IR to the arm dialects first
//
// Usage errors are one line too.
// RUN: not ts-run %s --bench many 2>&1 | filecheck %s --check-prefix=USAGE
// RUN: not ts-opt %s --no-such-flag 2>&1 | filecheck %s --check-prefix=FLAG
// USAGE:     {{^}}ts-run: error: argument --bench: invalid int value: 'many' (see ts-run --help)
// FLAG:      {{^}}ts-opt: error: unknown option or pass '--no-such-flag' (see --help and --list-passes)

func.func @f(%x: !ts.tensor) -> !ts.tensor {
  %y = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}
