"""Located diagnostics for ts-opt, MLIR-style rendering, and --verify-diagnostics.

Why this exists: xDSL reports problems as exceptions carrying a generic-IR dump and
no source position.  Users of an ``*-opt`` tool expect ``file:line:col: error: msg``
with the offending source line and a caret, and lit tests expect MLIR's
``// expected-error @+1 {{...}}`` protocol.  So we (1) give every parsed op a
``FileLineColLoc`` (xDSL's parser only does so for explicit ``loc(...)``), (2) verify
op by op so a failure can be pinned on one op, and (3) match the diagnostics we
collected against the ``expected-*`` comments of the input.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import (
    FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc,
)  # fmt: skip
from xdsl.ir import Block, Operation, SSAValue
from xdsl.parser.core import ForwardDeclaredValue
from xdsl.traits import IsolatedFromAbove, NoTerminator
from xdsl.utils.exceptions import ParseError, PassFailedException, VerifyException

from tsjit.ir.parser import Parser

SEVERITIES = ("error", "warning", "remark", "note")


@dataclass(frozen=True)
class Loc:
    """A position in an input file; lines and columns start at 1."""

    file: str
    line: int
    col: int


@dataclass
class Diag:
    """One diagnostic: what the tool reports, and what expected-* comments match."""

    severity: str
    message: str
    loc: Loc | None = None


class ToolError(Exception):
    """A usage problem (bad flag, pass name, pipeline, file): `ts-opt: error: <msg>`."""


class DiagError(PassFailedException):
    """Carries a located error out of parsing, verification or a pass.

    It subclasses xDSL's PassFailedException so pass code that raises it (through
    `emit_error`) still behaves like an ordinary failing xDSL pass elsewhere.
    """

    def __init__(self, diag: Diag):
        super().__init__(diag.message)
        self.diag = diag


# ----------------------------------------------------------------------------------
# Emitting diagnostics from passes.  Warnings/remarks/notes do not stop the pass; an
# error does (it is MLIR's emitError + signalPassFailure in one call).

_SINK: ContextVar[list[Diag] | None] = ContextVar("tsjit_diag_sink", default=None)


def run_tool(tool: str, body: Callable[[], int], show_traceback: bool = False) -> int:
    """A console tool's outer shell: run `body`; any error becomes one readable line on stderr
    (`file:line:col: error: ...` for located ones) and exit code 1, never a traceback unless
    `show_traceback` (--traceback) asks for it."""
    try:
        return body()
    except DiagError as e:
        loc = e.diag.loc
        where = f"{loc.file}:{loc.line}:{loc.col}: " if loc else f"{tool}: "
        print(f"{where}error: {e.diag.message.splitlines()[0]}", file=sys.stderr)
    except ToolError as e:
        if show_traceback:
            traceback.print_exception(e.__cause__ or e)
        print(f"{tool}: error: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"{tool}: interrupted", file=sys.stderr)
    except BrokenPipeError:
        pass
    except Exception as e:  # a bug, but the user still gets one line (and asks for the rest)
        if show_traceback:
            traceback.print_exception(e)
        print(f"{tool}: error: {internal_error(e)}", file=sys.stderr)
    return 1


def internal_error(e: BaseException) -> str:
    """The one line a tool prints for an exception it did not expect."""
    first = next((ln for ln in str(e).splitlines() if ln.strip()), "")
    return (f"internal error: {type(e).__name__}{': ' + first if first else ''} "
            "(this is a bug in tsjit; --traceback shows where)")


def op_loc(op: Operation | None) -> Loc | None:
    """The file location of `op`, or of its nearest located ancestor (new ops have none)."""
    while op is not None:
        loc = op.location
        if isinstance(loc, FileLineColLoc):
            return Loc(loc.filename.data, loc.line.data, loc.column.data)
        op = op.parent_op()
    return None


def emit(op: Operation | None, severity: str, message: str) -> None:
    """Report a non-fatal diagnostic at `op` (collected by ts-opt, else printed)."""
    diag = Diag(severity, message, op_loc(op))
    sink = _SINK.get()
    if sink is None:
        print(render(diag), file=sys.stderr)
    else:
        sink.append(diag)


def emit_warning(op: Operation | None, message: str) -> None:
    emit(op, "warning", message)


def emit_remark(op: Operation | None, message: str) -> None:
    emit(op, "remark", message)


def emit_note(op: Operation | None, message: str) -> None:
    emit(op, "note", message)


def emit_error(op: Operation | None, message: str) -> DiagError:
    """Fail the current pass with an error located at `op`: `raise emit_error(op, msg)`."""
    return DiagError(Diag("error", message, op_loc(op)))


@contextlib.contextmanager
def collecting(into: list[Diag]) -> Iterator[list[Diag]]:
    """Route `emit` calls into `into` for the duration of the block."""
    token = _SINK.set(into)
    try:
        yield into
    finally:
        _SINK.reset(token)


# ----------------------------------------------------------------------------------
# Rendering.


class SourceText:
    """A file's text with a line index, for positions and for caret context."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, pos)
        return line, pos - self.starts[line - 1] + 1

    def line(self, number: int) -> str | None:
        if not 1 <= number <= len(self.starts):
            return None
        end = self.starts[number] - 1 if number < len(self.starts) else len(self.text)
        return self.text[self.starts[number - 1] : end].rstrip("\r")


def render(diag: Diag, source: SourceText | None = None) -> str:
    """`file:line:col: severity: message`, then the source line and a caret (as MLIR)."""
    if diag.loc is None:
        return f"ts-opt: {diag.severity}: {diag.message}"
    loc = diag.loc
    text = f"{loc.file}:{loc.line}:{loc.col}: {diag.severity}: {diag.message}"
    line = source.line(loc.line) if source and source.name == loc.file else None
    if line is not None:
        text += f"\n{line}\n{' ' * (loc.col - 1)}^"
    return text


# ----------------------------------------------------------------------------------
# Parsing with locations, and verification op by op.


class LocatingParser(Parser):
    """xDSL's Parser, but every op gets a FileLineColLoc of where its text starts.

    `line_offset` is the number of file lines before this chunk (--split-input-file),
    so locations name lines of the original file, as MLIR reports them.
    """

    def __init__(self, ctx: Context, text: str, name: str, line_offset: int = 0):
        super().__init__(ctx, text, name)
        self.src = SourceText(name, text)
        self.line_offset = line_offset

    def loc_at(self, pos: int) -> Loc:
        line, col = self.src.line_col(pos)
        return Loc(self.src.name, line + self.line_offset, col)

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        op = super().parse_operation()
        if isinstance(op.location, UnknownLoc):  # keep a `loc(...)` written in the text
            loc = self.loc_at(start)
            op.location = FileLineColLoc(
                StringAttr(loc.file), IntAttr(loc.line), IntAttr(loc.col)
            )
        return op


def parse_located(
    ctx: Context, text: str, name: str, line_offset: int = 0, implicit_module: bool = True
) -> ModuleOp:
    """Parse a chunk; any failure becomes a DiagError at the offending position."""
    try:
        parser = LocatingParser(ctx, text, name, line_offset)
    except ParseError as e:  # the first token does not lex
        line, col = SourceText(name, text).line_col(e.span.start)
        raise DiagError(Diag("error", e.msg, Loc(name, line + line_offset, col))) from None
    try:
        module = parser.parse_module(implicit_module)
    except ParseError as e:
        at = _first_forward_use(parser) or parser.loc_at(e.span.start)
        raise DiagError(Diag("error", e.msg, at)) from None
    except VerifyException as e:  # attribute/type verifiers run while parsing
        at = parser.loc_at(parser._current_token.span.start)
        raise DiagError(Diag("error", str(e), at)) from None
    except RecursionError:
        at = parser.loc_at(parser._current_token.span.start)
        raise DiagError(Diag("error", "brackets, regions or types nested too deeply to parse", at)) from None
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, AssertionError, NotImplementedError) as e:
        # xDSL's own checks on malformed text that it did not word as parse errors
        # (a misspelled enum value, parameters given to a type that takes none, ...)
        at = parser.loc_at(parser._current_token.span.start)
        first = str(e).split("\n")[0] or type(e).__name__
        raise DiagError(Diag("error", f"malformed IR before this point: {first}", at)) from None
    if isinstance(module.location, UnknownLoc):  # the implicit module
        module.location = FileLineColLoc(
            StringAttr(name), IntAttr(line_offset + 1), IntAttr(1)
        )
    _check_scopes(module, parser)
    return module


def _check_scopes(module: ModuleOp, parser: Parser) -> None:
    """xDSL accepts a use before a definition in a region nested below it, leaving the using op
    a placeholder; MLIR rejects it, as here."""
    names = {id(v): name for name, refs in parser.forward_ssa_references.items() for v in refs.values()}
    for op in module.walk():
        for operand in op.operands:
            if isinstance(operand, ForwardDeclaredValue):
                name = names.get(id(operand), operand.name_hint)
                value = f"'%{name}'" if name else "a value"
                raise DiagError(Diag("error", f"use of {value} outside the region that defines it", op_loc(op)))


def _first_forward_use(parser: Parser) -> Loc | None:
    """xDSL reports `values used but not defined` at the end of input; point at the
    first op that uses one of them instead (MLIR points at the use)."""
    uses = [
        loc
        for refs in parser.forward_ssa_references.values()
        for value in refs.values()
        for use in value.uses
        if (loc := op_loc(use.operation)) is not None
    ]
    return min(uses, key=lambda loc: (loc.line, loc.col), default=None)


def verify_located(root: Operation) -> None:
    """Verify innermost ops first, so an error is attributed to the op that fails."""
    for op in root.walk(region_first=True):
        try:
            op.verify(verify_nested_ops=False)
            _verify_blocks_not_empty(op)
        except VerifyException as e:
            raise DiagError(Diag("error", str(e), op_loc(op))) from None
        except (ValueError, TypeError, IndexError, KeyError, AttributeError, AssertionError) as e:
            # a verifier that assumed well-formed IR (a value used outside its region, ...)
            first = str(e).split("\n")[0] or type(e).__name__
            raise DiagError(Diag("error", f"'{op.name}' op is malformed: {first}", op_loc(op))) from None
    _verify_dominance(root)


def _verify_dominance(root: Operation) -> None:
    """Every operand is defined before its use, in the use's block or an enclosing one (MLIR's
    dominance check, which xDSL lacks: without it a loop body using the loop's own result, or a
    pass that moved a use above its definition, goes unnoticed). Blocks of a multi-block region
    and the module's graph region may use values in any order."""
    visible: set[SSAValue] = set()

    def block(b: Block, ordered: bool) -> None:
        added = [a for a in b.args if a not in visible]
        visible.update(added)
        if not ordered:
            later = [r for o in b.ops for r in o.results if r not in visible]
            visible.update(later)
            added += later
        for op in b.ops:
            for i, operand in enumerate(op.operands):
                if operand not in visible:
                    raise DiagError(Diag("error", f"operand #{i} of '{op.name}' does not dominate this use",
                                         op_loc(op)))
            if op.regions:
                outer = None
                if op.has_trait(IsolatedFromAbove):
                    outer = set(visible)
                    visible.clear()
                for r in op.regions:
                    if len(r.blocks) > 1:
                        values = [v for bb in r.blocks for v in (*bb.args, *(x for o in bb.ops for x in o.results))]
                        new = [v for v in values if v not in visible]
                        visible.update(new)
                        for bb in r.blocks:
                            block(bb, True)
                        visible.difference_update(new)
                    else:
                        for bb in r.blocks:
                            block(bb, not isinstance(op, ModuleOp))
                if outer is not None:
                    visible.clear()
                    visible.update(outer)
            if ordered:
                new_results = [r for r in op.results if r not in visible]
                visible.update(new_results)
                added += new_results
        visible.difference_update(added)

    if isinstance(root, ModuleOp):
        block(root.body.block, False)
    else:
        for r in root.regions:
            for bb in r.blocks:
                block(bb, True)


def _verify_blocks_not_empty(op: Operation) -> None:
    """The one check xDSL's Block.verify makes that `verify_nested_ops=False` skips."""
    if op.has_trait(NoTerminator):
        return
    for region in op.regions:
        if len(region.blocks) == 1 and region.block.first_op is None:
            raise VerifyException(
                f"Operation {op.name} contains empty block in single-block region "
                "that expects at least a terminator"
            )


# ----------------------------------------------------------------------------------
# --verify-diagnostics: the expected-* protocol of MLIR's SourceMgrDiagnosticVerifierHandler.

_EXPECTED = re.compile(
    r"expected-(error|warning|remark|note)(-re)?\s*(?:@([+-]\d+|above|below))?\s*"
    r"\{\{(.*)\}\}\s*$"
)


@dataclass
class Expected:
    """One `expected-<severity>` comment and the line it designates."""

    severity: str
    text: str
    regex: re.Pattern[str] | None
    line: int
    at: Loc
    matched: bool = field(default=False)

    def matches(self, diag: Diag) -> bool:
        if self.regex is not None:
            return self.regex.search(diag.message) is not None
        return self.text in diag.message


def _mlir_regex(text: str) -> re.Pattern[str]:
    """`expected-error-re {{a {{[0-9]+}} b}}`: literal text with `{{regex}}` holes."""
    parts = re.split(r"\{\{(.*?)\}\}", text)
    return re.compile(
        "".join(p if i % 2 else re.escape(p) for i, p in enumerate(parts))
    )


def parse_expected(text: str, file: str, line_offset: int = 0) -> list[Expected]:
    """Collect the expected-* comments of a chunk, in file line numbers."""
    found: list[Expected] = []
    waiting_below: list[Expected] = []
    last_plain = 0
    for number, line in enumerate(text.split("\n"), start=line_offset + 1):
        m = _EXPECTED.search(line)
        if m is None:
            for e in waiting_below:
                e.line = number
            waiting_below.clear()
            last_plain = number
            continue
        severity, is_re, where, body = m.groups()
        e = Expected(
            severity,
            body,
            _mlir_regex(body) if is_re else None,
            number,
            Loc(file, number, m.start() + 1),
        )
        if where == "above":
            e.line = last_plain
        elif where == "below":
            waiting_below.append(e)
        elif where:
            e.line = number + int(where)
        found.append(e)
    return found


def check_expected(expected: list[Expected], diags: list[Diag]) -> list[Diag]:
    """Match diagnostics to expectations; return the errors for every mismatch."""
    problems: list[Diag] = []
    for d in diags:
        hit = next(
            (
                e
                for e in expected
                if not e.matched
                and e.severity == d.severity
                and d.loc is not None
                and e.line == d.loc.line
                and e.at.file == d.loc.file
                and e.matches(d)
            ),
            None,
        )
        if hit is None:
            problems.append(Diag("error", f"unexpected {d.severity}: {d.message}", d.loc))
        else:
            hit.matched = True
    for e in expected:
        if not e.matched:
            msg = f'expected {e.severity} "{e.text}" was not produced'
            problems.append(Diag("error", msg, e.at))
    return problems
