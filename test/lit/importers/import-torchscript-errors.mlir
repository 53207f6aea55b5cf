// A syntax error names file:line:col; a use of an unknown value names the node's location; an
// unknown node kind is imported as ts.generic (it fails with its kind and location when run).
// RUN: not ts-translate --import-torchscript %S/Inputs/bad.txt 2>&1 | filecheck %s --check-prefix=SYNTAX
// RUN: not ts-translate --import-torchscript %S/Inputs/undefined.txt 2>&1 | filecheck %s --check-prefix=UNDEF
// RUN: ts-translate --import-torchscript %S/Inputs/unknown.txt | filecheck %s --check-prefix=GENERIC

// SYNTAX: bad.txt:3:3: error: unexpected 'return'

// UNDEF: model.py:2:5: prim::TupleUnpack: use of undefined value %t

// GENERIC: ts.generic "aten::frobnicate"(%x) {loc = "model.py:7:3"} : (!ts.tensor) -> !ts.tensor
