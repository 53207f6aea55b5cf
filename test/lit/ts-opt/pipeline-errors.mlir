// Bad pipelines: exit 1, one readable message, no Python traceback.
//
// RUN: not ts-opt %s -p canonicalise 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not ts-opt %s --pass-pipeline='builtin.module(func.func(canonicalise))' 2>&1 \
// RUN:   | filecheck %s --check-prefix=UNKNOWN
// UNKNOWN-NOT: Traceback
// UNKNOWN: ts-opt: error: unknown pass 'canonicalise'; did you mean 'canonicalize'?
// UNKNOWN-NOT: Traceback
//
// RUN: not ts-opt %s -p no-such-pass-at-all 2>&1 | filecheck %s --check-prefix=FAR
// FAR: ts-opt: error: unknown pass 'no-such-pass-at-all' (see --list-passes)
//
// RUN: not ts-opt %s -p 'arith-add-fastmath{flag=fast}' 2>&1 | filecheck %s --check-prefix=OPTION
// RUN: not ts-opt %s --pass-pipeline='builtin.module(arith-add-fastmath{flag=fast})' 2>&1 \
// RUN:   | filecheck %s --check-prefix=OPTION
// OPTION-NOT: Traceback
// OPTION: ts-opt: error: pass 'arith-add-fastmath' has no option 'flag'; valid options: flags: {{.*}} = fast
// OPTION-NOT: Traceback
//
// xDSL's canonicalize has no options, so MLIR's max-iterations is rejected.
// RUN: not ts-opt %s --pass-pipeline='builtin.module(canonicalize{max-iterations=3})' 2>&1 \
// RUN:   | filecheck %s --check-prefix=NOOPTS
// NOOPTS: ts-opt: error: pass 'canonicalize' has no option 'max-iterations'; it takes no options
//
// RUN: not ts-opt %s -p 'mlir-opt{generic=maybe}' 2>&1 | filecheck %s --check-prefix=VALUE
// VALUE: ts-opt: error: invalid value for option 'generic' of pass 'mlir-opt': expected bool, got maybe; valid options: executable: str = mlir-opt, generic: bool = true, arguments: tuple[str, ...] = ()
//
// RUN: not ts-opt %s -p convert-ptr-to-x86 2>&1 | filecheck %s --check-prefix=REQUIRED
// REQUIRED: ts-opt: error: bad options for pass 'convert-ptr-to-x86': convert-ptr-to-x86 requires argument "arch"; valid options: arch: str
//
// Malformed pipelines say where.
// RUN: not ts-opt %s --pass-pipeline='builtin.module(func.func(canonicalize,cse)' 2>&1 \
// RUN:   | filecheck %s --check-prefix=UNCLOSED
// UNCLOSED-NOT: Traceback
// UNCLOSED:      ts-opt: error: malformed pass pipeline at column 43: expected ')' or ',', got end of input
// UNCLOSED-NEXT:   builtin.module(func.func(canonicalize,cse)
// UNCLOSED-NEXT: {{^}}                                            ^
// UNCLOSED-NOT: Traceback
//
// RUN: not ts-opt %s --pass-pipeline='builtin.module(cse dce)' 2>&1 | filecheck %s --check-prefix=SPACE
// SPACE: ts-opt: error: malformed pass pipeline at column 20: expected '(' or ')' or ',' or '{', got 'dce'
//
// RUN: not ts-opt %s --pass-pipeline='builtin.module(cse{a=})' 2>&1 | filecheck %s --check-prefix=NOVALUE
// NOVALUE: ts-opt: error: malformed pass pipeline at column 22: expected a value, got '}'
//
// RUN: not ts-opt %s --pass-pipeline='builtin.module(cse;)' 2>&1 | filecheck %s --check-prefix=SEMI
// SEMI: ts-opt: error: malformed pass pipeline at column 19: expected '(' or ')' or ',' or '{', got ';'
//
// RUN: not ts-opt %s --pass-pipeline='builtin.module(cse{a="x})' 2>&1 | filecheck %s --check-prefix=CHAR
// CHAR: ts-opt: error: malformed pass pipeline at column 22: unexpected character '"'
//
// RUN: not ts-opt %s -p 'canonicalize,,cse' 2>&1 | filecheck %s --check-prefix=FLAT
// FLAT:      ts-opt: error: malformed pass pipeline at column 14: expected pass name here
// FLAT-NEXT:   canonicalize,,cse
// FLAT-NEXT: {{^}}               ^
//
// RUN: not ts-opt %s --pass-pipeline='func.func(cse)' 2>&1 | filecheck %s --check-prefix=ANCHOR
// ANCHOR: ts-opt: error: the pass pipeline must be anchored on 'builtin.module', e.g. 'builtin.module(...)'; got 'func.func'
//
// RUN: not ts-opt %s --pass-pipeline='builtin.module(fun.func(cse))' 2>&1 | filecheck %s --check-prefix=OPNAME
// OPNAME: ts-opt: error: unknown operation 'fun.func' used as a pipeline anchor
//
// RUN: not ts-opt %s --pass-pipeline='builtin.module(scf.for(cse))' 2>&1 | filecheck %s --check-prefix=ISOLATED
// ISOLATED: ts-opt: error: cannot nest passes on 'scf.for': it is not IsolatedFromAbove
//
// RUN: not ts-opt %s -p cse --pass-pipeline='builtin.module(cse)' 2>&1 | filecheck %s --check-prefix=BOTH
// BOTH: ts-opt: error: use one of -p, --pass-pipeline and pass flags (--cse ...), not -p and --pass-pipeline
//
// RUN: not ts-opt %s -p cse --print-ir-after=cse,csee 2>&1 | filecheck %s --check-prefix=PRINT
// PRINT: ts-opt: error: unknown pass 'csee'; did you mean 'cse'?

func.func @f(%lb: index, %ub: index, %step: index) {
  scf.for %i = %lb to %ub step %step {
  }
  func.return
}
