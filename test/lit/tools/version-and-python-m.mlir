// Every tool says its version; `python -m tsjit opt|run|translate` runs the tools.
// RUN: ts-opt --version | filecheck %s --check-prefix=OPT
// RUN: ts-run --version | filecheck %s --check-prefix=RUN_
// RUN: ts-translate --version | filecheck %s --check-prefix=TRANSLATE
// RUN: %python -m tsjit --version | filecheck %s --check-prefix=TSJIT
// OPT:       ts-opt {{[0-9]+\.[0-9]+\.[0-9]+}} (xdsl {{[0-9.]+}})
// RUN_:      ts-run {{[0-9]+\.[0-9]+\.[0-9]+}} (xdsl {{[0-9.]+}})
// TRANSLATE: ts-translate {{[0-9]+\.[0-9]+\.[0-9]+}} (xdsl {{[0-9.]+}})
// TSJIT:     tsjit {{[0-9]+\.[0-9]+\.[0-9]+}} (xdsl {{[0-9.]+}})
//
// RUN: %python -m tsjit opt %s -p canonicalize | filecheck %s --check-prefix=IR
// RUN: %python -m tsjit run %s --shapes 3xf32 | filecheck %s --check-prefix=RAN
// RUN: %python -m tsjit translate --emit-c %s --shapes 3xf32 | filecheck %s --check-prefix=C
// RUN: %python -m tsjit opt --version | filecheck %s --check-prefix=OPT
// RUN: %python -m tsjit --help | filecheck %s --check-prefix=HELP
// RUN: not %python -m tsjit frobnicate 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not %python -m tsjit run %s --fn nope 2>&1 | filecheck %s --check-prefix=TOOLERR
// IR:      func.func @relu(%x: !ts.tensor) -> !ts.tensor {
// RAN:     output 0: float32[3]
// C:       void ts_relu(
// HELP:    usage: python -m tsjit {opt,run,translate}
// UNKNOWN: tsjit: error: unknown command 'frobnicate'; choose one of opt, run, translate
// TOOLERR: version-and-python-m.mlir:1:1: error: no function 'nope' in the module; available: relu

func.func @relu(%x: !ts.tensor) -> !ts.tensor {
  %y = ts.relu %x : (!ts.tensor) -> !ts.tensor
  func.return %y : !ts.tensor
}
