"""Test-only pass plugin: `test-emit-diagnostics` emits what ops ask for.

Each string attribute `test.emit* = "<kind>: <text>"` of an op makes the pass emit
that diagnostic at the op: kind is warning, remark or note (non-fatal), error
(fatal, located), fail (xDSL PassFailedException, no location) or crash (a bug).
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

from tsjit.ir.diagnostics import emit, emit_error


def _raise(exc: Exception) -> None:
    raise exc


KINDS = {
    "warning": lambda op, text: emit(op, "warning", text),
    "remark": lambda op, text: emit(op, "remark", text),
    "note": lambda op, text: emit(op, "note", text),
    "error": lambda op, text: _raise(emit_error(op, text)),
    "fail": lambda op, text: _raise(PassFailedException(text)),
    "crash": lambda op, text: _raise(RuntimeError(text)),
}


@dataclass(frozen=True)
class EmitDiagnosticsPass(ModulePass):
    name = "test-emit-diagnostics"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        for inner in op.walk():
            for key, attr in inner.attributes.items():
                if key.startswith("test.emit") and isinstance(attr, builtin.StringAttr):
                    kind, text = attr.data.split(": ", 1)
                    KINDS[kind](inner, text)
