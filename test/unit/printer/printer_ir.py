"""Parse ts IR text and print it back as code: the shared helper of the printer tests."""
from __future__ import annotations

import textwrap

from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.parser import Parser

from tsjit.dialects import ts
from tsjit.printer import function_code

_CTX = Context()
for _d in (builtin.Builtin, func.Func, ts.TS):
    _CTX.load_dialect(_d)


def parse(text: str) -> builtin.ModuleOp:
    module = Parser(_CTX, text).parse_module()
    module.verify()
    return module


def first_func(module: builtin.ModuleOp) -> func.FuncOp:
    return next(op for op in module.body.block.ops if isinstance(op, func.FuncOp))


def code(ir: str, name: str | None = None) -> str:
    """The code of the (first) function in `ir`."""
    return function_code(first_func(parse(ir)), name)


def expect(text: str) -> str:
    """Expected code written as an indented triple-quoted string."""
    return textwrap.dedent(text).lstrip("\n")
