"""Parsed source of a Python function, with line/column mapping back to its file for errors."""
from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass

from tsjit.frontend.script.errors import UNSUPPORTED_NODES, SourceRange, located


@dataclass
class ParsedSource:
    """The `def` node of a function and where its text sits in the file."""

    node: ast.FunctionDef | ast.ClassDef
    filename: str
    file_lines: list[str]
    first_line: int  # file line of the dedented text's line 1
    indent: int  # columns removed by dedenting

    def range(self, node: ast.AST) -> SourceRange:
        line = self.first_line + node.lineno - 1
        col = node.col_offset + self.indent
        end_line = getattr(node, "end_lineno", node.lineno) or node.lineno
        end_col = (node.end_col_offset or col) + self.indent if end_line == node.lineno else len(
            self.file_lines[line - 1].rstrip("\n")) if line - 1 < len(self.file_lines) else col + 1
        text = self.file_lines[line - 1].rstrip("\n") if 0 < line <= len(self.file_lines) else ""
        return SourceRange(self.filename, line, col, end_col, text)


def parse_source(text: str, filename: str = "<string>", first_line: int = 1) -> list[ast.stmt]:
    """Top-level statements of source text (for CompilationUnit)."""
    return ast.parse(text, filename, type_comments=True).body


def from_text(node: ast.FunctionDef | ast.ClassDef, text: str, filename: str) -> ParsedSource:
    return ParsedSource(node, filename, text.splitlines(), 1, 0)


def parse_object(obj) -> ParsedSource:
    """Parse a function's or class's source; TorchScript's OSError when there is none."""
    try:
        lines, first = inspect.getsourcelines(obj)
        filename = inspect.getsourcefile(obj) or "<unknown>"
    except (OSError, TypeError) as e:
        raise OSError(f"Can't get source for {obj}. TorchScript requires source access in order to carry out "
                      "compilation, make sure original .py files are available.") from e
    raw = "".join(lines)
    dedented = textwrap.dedent(raw)
    indent = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    tree = ast.parse(dedented, filename, type_comments=True)
    node = tree.body[0]
    first = max(first, 1)
    import linecache

    file_lines = linecache.getlines(filename) or raw.splitlines()
    if not linecache.getlines(filename):
        first, file_lines = 1, raw.splitlines()
    parsed = ParsedSource(node, filename, file_lines, first, indent)
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):  # a lambda's line
        lam = next((n for n in ast.walk(tree) if isinstance(n, ast.Lambda)), node)
        error_class, message = UNSUPPORTED_NODES[ast.Lambda]
        raise located(error_class, f"{message} (script a def instead)", parsed.range(lam))
    return parsed
