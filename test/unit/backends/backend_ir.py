"""Helpers for the numpy backend tests: parse textual IR and run it."""
from __future__ import annotations

from xdsl.context import Context
from xdsl.dialects import arith, builtin, func
from xdsl.parser import Parser

from tsjit.backends.numpy import Program
from tsjit.dialects import ts

_CTX = Context()
for _dialect in (builtin.Builtin, func.Func, arith.Arith, ts.TS):
    _CTX.load_dialect(_dialect)


def parse(text: str) -> builtin.ModuleOp:
    module = Parser(_CTX, text).parse_module()
    module.verify()
    return module


def program(text: str, **kwargs) -> Program:
    return Program(parse(text), **kwargs)


def run_op(op: str, in_types: list[str], out_type: str, *args, **kwargs):
    """Run one `op %a0, %a1 : (T0, T1) -> R` in a function and return its result."""
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(in_types))
    operands = ", ".join(f"%a{i}" for i in range(len(in_types)))
    text = (f"func.func @f({params}) -> {out_type} {{\n"
            f"  %r = {op} {operands} : ({', '.join(in_types)}) -> {out_type}\n"
            f"  func.return %r : {out_type}\n}}")
    return program(text, **kwargs).call("f", *args)
