"""Dialects: `ts` (TorchScript programs); upstream ones come from xDSL."""
from __future__ import annotations

import functools

from xdsl.context import Context


@functools.lru_cache(maxsize=None)
def _dialect_factories() -> tuple:
    """xDSL's dialects by name: the multiverse scans installed entry points (0.01 s a time, and
    a compile asks eight times), so once per process."""
    from xdsl.universe import Universe

    return tuple(Universe.get_multiverse().all_dialects.items())


def context() -> Context:
    """A fresh context that knows every dialect ts-opt knows (xDSL's and `ts`), loaded on first use."""
    ctx = Context()
    for name, factory in _dialect_factories():
        ctx.register_dialect(name, factory)
    ctx.register_dialect("ts", lambda: __import__("tsjit.dialects.ts", fromlist=["TS"]).TS)
    return ctx


def parse_module(text: str, name: str = "<string>"):
    """Parse IR text into a builtin.module (errors name `name`:line:col)."""
    from tsjit.ir.parser import Parser

    return Parser(context(), text, name).parse_module()
