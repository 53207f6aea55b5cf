"""Dialects: `ts` (TorchScript programs); upstream ones come from xDSL."""
from __future__ import annotations

from xdsl.context import Context


def context() -> Context:
    """A context that knows every dialect ts-opt knows (xDSL's and `ts`), loaded on first use."""
    from xdsl.universe import Universe

    ctx = Context()
    for name, factory in Universe.get_multiverse().all_dialects.items():
        ctx.register_dialect(name, factory)
    ctx.register_dialect("ts", lambda: __import__("tsjit.dialects.ts", fromlist=["TS"]).TS)
    return ctx


def parse_module(text: str, name: str = "<string>"):
    """Parse IR text into a builtin.module (errors name `name`:line:col)."""
    from xdsl.parser import Parser

    return Parser(context(), text, name).parse_module()
