"""Compile errors of `script`, worded and laid out as TorchScript's.

Every error shows the offending source line with a `~~~ <--- HERE` marker under the node, and,
when the function was reached through calls, the chain "'f' is being compiled since it was
called from 'g'" with the call site, so a user can find the line that led there.
"""
from __future__ import annotations

import ast


class FrontendError(Exception):
    """A construct the frontend rejects (torch.jit.frontend.FrontendError)."""


class NotSupportedError(FrontendError):
    """Python that TorchScript does not support (torch.jit.frontend.NotSupportedError)."""


class UnsupportedNodeError(NotSupportedError):
    """A kind of syntax node TorchScript has no translation for."""


class CompileError(RuntimeError):
    """A type or name error found while compiling (TorchScript raises RuntimeError)."""


class SourceRange:
    """A span of a function's source: file name, 1-based line, 0-based columns."""

    def __init__(self, filename: str, line: int, col: int, end_col: int, text: str):
        self.filename, self.line, self.col, self.end_col, self.text = filename, line, col, end_col, text

    def highlight(self) -> str:
        width = max(1, self.end_col - self.col)
        return (f'  File "{self.filename}", line {self.line}\n{self.text}\n'
                f"{' ' * self.col}{'~' * width} <--- HERE")


def located(error_class: type[Exception], message: str, where: SourceRange | None,
            chain: list[tuple[str, str, SourceRange | None]] = ()) -> Exception:
    """The exception with TorchScript's layout: message, excerpt, then the call chain."""
    parts = [f"{message}:" if where is not None else message]
    if where is not None:
        parts.append(where.highlight())
    for callee, caller, site in reversed(chain):
        parts.append(f"'{callee}' is being compiled since it was called from '{caller}'")
        if site is not None:
            parts.append(site.highlight())
    return error_class("\n".join(parts))


#: Python syntax with no TorchScript translation -> (error class, TorchScript's wording).
UNSUPPORTED_NODES: dict[type, tuple[type[Exception], str]] = {
    ast.Try: (UnsupportedNodeError, "try blocks aren't supported"),
    ast.Lambda: (UnsupportedNodeError, "Lambda aren't supported"),
    ast.Import: (UnsupportedNodeError, "import statements aren't supported"),
    ast.ImportFrom: (UnsupportedNodeError, "import statements aren't supported"),
    ast.Set: (UnsupportedNodeError, "Set aren't supported"),
    ast.SetComp: (UnsupportedNodeError, "Set comprehensions aren't supported"),
    ast.Yield: (UnsupportedNodeError, "Yield aren't supported"),
    ast.YieldFrom: (UnsupportedNodeError, "YieldFrom aren't supported"),
    ast.Await: (UnsupportedNodeError, "Await aren't supported"),
    ast.Global: (UnsupportedNodeError, "global variables aren't supported"),
    ast.Nonlocal: (UnsupportedNodeError, "nonlocal variables aren't supported"),
    ast.FunctionDef: (UnsupportedNodeError, "function definitions aren't supported"),
    ast.AsyncFunctionDef: (UnsupportedNodeError, "async function definitions aren't supported"),
    ast.ClassDef: (UnsupportedNodeError, "class definitions aren't supported"),
    ast.Match: (UnsupportedNodeError, "match statements aren't supported"),
    ast.AsyncFor: (UnsupportedNodeError, "async for loops aren't supported"),
    ast.AsyncWith: (UnsupportedNodeError, "async with statements aren't supported"),
    ast.NamedExpr: (UnsupportedNodeError, "assignment expressions aren't supported"),
}
if hasattr(ast, "TryStar"):
    UNSUPPORTED_NODES[ast.TryStar] = UNSUPPORTED_NODES[ast.Try]
