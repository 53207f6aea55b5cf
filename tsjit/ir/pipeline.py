"""Pass pipelines for ts-opt: parsing, building, running and instrumenting them.

Why: xDSL only takes a flat `-p a,b{k=v}`, while MLIR users write
`--pass-pipeline='builtin.module(func.func(canonicalize,cse),dce)'`.  Both forms
become one tree, `Nest(anchor, [pass | Nest])`.  xDSL passes are all ModulePasses, so
a nested anchor such as `func.func` runs its passes on each such child op by moving it
into a temporary module and back.  The runner calls instrumentations (IR printing,
timing, verification) around every pass, like MLIR's PassInstrumentation.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, get_type_hints

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.passes import ModulePass, get_pass_option_infos
from xdsl.printer import Printer
from xdsl.traits import IsolatedFromAbove
from xdsl.utils.arg_spec import ArgSpec, _convert_arg_to_type, parse_pipeline
from xdsl.utils.exceptions import (
    ArgSpecParseError, DiagnosticException, PassFailedException, ShrinkException,
)  # fmt: skip
from xdsl.utils.hints import type_repr

from tsjit.ir.diagnostics import Diag, DiagError, Loc, ToolError, op_loc

PassTable = dict[str, Callable[[], type[ModulePass]]]
ROOT = "builtin.module"


@dataclass
class Nest:
    """Passes anchored on an op name; items are ArgSpecs (parsed) or passes (built)."""

    anchor: str
    items: list[Any]


# ---------------------------------------------------------------------------- parsing

GRAMMAR = r"""
start: nest
nest: NAME "(" [item ("," item)*] ")"
?item: nest | pass_
pass_: NAME [options]
options: "{" option* "}"
option: NAME ["=" value ("," value)*]
value: STRING | BARE
NAME: /[A-Za-z_][A-Za-z0-9_.\-]*/
BARE: /[^\s,{}()"=]+/
STRING: /"(\\.|[^"\\])*"/
%ignore /\s+/
"""

_READABLE = {"COMMA": "','", "RPAR": "')'", "LPAR": "'('", "LBRACE": "'{'",
             "RBRACE": "'}'", "EQUAL": "'='", "NAME": "a name", "BARE": "a value",
             "STRING": "a value", "$END": "end of input"}  # fmt: skip
_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]*([eE][-+]?[0-9]+)?)?")
_parser: Any = None


def _value(text: str) -> str | int | float | bool:
    """Option values follow xDSL's rules: numbers, true/false, else a string."""
    if text.startswith('"'):
        return text[1:-1].encode().decode("unicode_escape")
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return {"true": True, "false": False}.get(text, text)


def _from_tree(tree: Any) -> Nest | ArgSpec:
    if tree.data == "nest":
        name, *items = tree.children
        return Nest(str(name), [_from_tree(t) for t in items if t is not None])
    name, options = tree.children
    params: dict[str, tuple[Any, ...]] = {}
    for opt in options.children if options is not None else ():
        key, *values = opt.children
        params[str(key)] = tuple(_value(str(v.children[0])) for v in values if v)
    return ArgSpec(str(name), params)


def _caret(text: str, pos: int, msg: str) -> ToolError:
    return ToolError(f"malformed pass pipeline at column {pos + 1}: {msg}\n"
                     f"  {text}\n  {' ' * pos}^")  # fmt: skip


def parse_nested(text: str) -> Nest:
    """Parse MLIR's `anchor(elem, ...)` textual pipeline (with a lark LALR grammar)."""
    global _parser
    from lark import Lark, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    _parser = _parser or Lark(GRAMMAR, parser="lalr")
    try:
        tree = _parser.parse(text)
    except UnexpectedToken as e:
        end = e.token.type == "$END"
        pos = len(text) if end else e.token.start_pos
        want = " or ".join(sorted({_READABLE.get(t, t) for t in e.expected}))
        got = "end of input" if end else f"'{e.token}'"
        raise _caret(text, pos, f"expected {want}, got {got}") from None
    except UnexpectedCharacters as e:
        raise _caret(text, e.pos_in_stream, f"unexpected character '{e.char}'") from None
    except UnexpectedInput as e:  # pragma: no cover - other lark errors
        raise _caret(text, len(text), str(e)) from None
    return _from_tree(tree.children[0])  # type: ignore[return-value]


def parse_flat(text: str) -> Nest:
    """Parse xdsl-opt's `-p a,b{k=v}` (xDSL's own parser) into a root Nest."""
    try:
        return Nest(ROOT, list(parse_pipeline(text)))
    except ArgSpecParseError as e:  # its text: "...:\npass-pipeline:L:C\nsrc\n^\nmsg"
        m = re.search(r"pass-pipeline:\d+:(\d+)\n.*\n.*\n\s*(.*)", str(e))
        col, msg = (int(m[1]), m[2]) if m else (1, str(e))
        raise _caret(text, col - 1, msg[:1].lower() + msg[1:]) from None


def parse_any(text: str) -> Nest:
    """`anchor(...)` is MLIR's nested form, anything else the flat xDSL form."""
    if re.match(r"\s*[A-Za-z_][\w.\-]*\s*\(", text):
        return parse_nested(text)
    return parse_flat(text)


# --------------------------------------------------------------------------- building


def unknown_pass(name: str, known: Sequence[str]) -> ToolError:
    """`unknown pass 'x'; did you mean 'y'?` with the nearest known names."""
    scored = sorted(((difflib.SequenceMatcher(None, name, k).ratio(), k) for k in known),
                    reverse=True)[:3]  # fmt: skip
    near = [k for r, k in scored if r >= max(0.6, scored[0][0] - 0.05)] if scored else []
    hint = " or ".join(f"'{n}'" for n in near)
    msg = f"unknown pass '{name}'" + (f"; did you mean {hint}?" if hint else "")
    return ToolError(msg + ("" if near else " (see --list-passes)"))


def option_fields(cls: type[ModulePass]) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if f.init and f.name != "name"]


def option_list(cls: type[ModulePass]) -> str:
    """`a: int = 10, b: str` (dashes, as written on the CLI); "" if none."""
    return ", ".join(
        f"{i.name.replace('_', '-')}: {i.expected_type}"
        + ("" if i.default_value is None else f" = {i.default_value}")
        for i in get_pass_option_infos(cls)
    )


def describe_options(cls: type[ModulePass]) -> str:
    options = option_list(cls)
    return f"valid options: {options}" if options else "it takes no options"


def instantiate(spec: ArgSpec, passes: PassTable) -> ModulePass:
    """Build a pass from its spec; option problems name the option, the pass and
    the valid options (xDSL itself raises a bare ValueError)."""
    if spec.name not in passes:
        raise unknown_pass(spec.name, list(passes))
    cls = passes[spec.name]()
    hints = get_type_hints(cls)
    fields = {f.name: f for f in option_fields(cls)}
    valid = describe_options(cls)
    params = {}
    for key, value in spec.parameters.items():
        attr = key.replace("-", "_")
        if attr not in fields:
            raise ToolError(f"pass '{spec.name}' has no option '{key}'; {valid}")
        if hints[attr] is bool and value in ((), (0,), (1,)):
            value = (bool(value[0]) if value else True,)  # MLIR's `flag`, `flag=1`
        try:
            _convert_arg_to_type(value, hints[attr])
        except ValueError:
            got = ",".join(map(str, value)) or "nothing"
            raise ToolError(f"invalid value for option '{key}' of pass '{spec.name}': "
                            f"expected {type_repr(hints[attr])}, got {got}; {valid}"
                            ) from None  # fmt: skip
        params[key] = value
    try:
        return cls.from_pass_spec(ArgSpec(spec.name, params))
    except ValueError as e:
        raise ToolError(f"bad options for pass '{spec.name}': {e}; {valid}") from None


def build(nest: Nest, passes: PassTable, ctx: Context, top: bool = True) -> Nest:
    """Turn a parsed tree into passes, checking anchors and names up front."""
    if top and nest.anchor != ROOT:
        raise ToolError(f"the pass pipeline must be anchored on '{ROOT}', "
                        f"e.g. '{ROOT}(...)'; got '{nest.anchor}'")  # fmt: skip
    if nest.anchor not in ("any", ROOT):
        op_type = ctx.get_optional_op(nest.anchor)
        if op_type is None:
            raise ToolError(f"unknown operation '{nest.anchor}' used as a pipeline anchor")
        if not op_type.has_trait(IsolatedFromAbove):
            raise ToolError(f"cannot nest passes on '{nest.anchor}': "
                            "it is not IsolatedFromAbove")  # fmt: skip
    items = [
        build(i, passes, ctx, False) if isinstance(i, Nest) else instantiate(i, passes)
        for i in nest.items
    ]
    return Nest(nest.anchor, items)


def spell(nest: Nest) -> str:
    """The canonical textual form, as MLIR's --dump-pass-pipeline prints it."""
    def one(p: ModulePass) -> str:
        params = p.spec().parameters
        return str(ArgSpec(p.name, {k.replace("_", "-"): v for k, v in params.items()}))

    inner = ",".join(spell(i) if isinstance(i, Nest) else one(i) for i in nest.items)
    return f"{nest.anchor}({inner})"


# ---------------------------------------------------------------------------- running


@dataclass
class Target:
    """What a pass runs on: a module, and the anchored op if it is a temporary one."""

    module: ModuleOp
    anchor: Operation | None
    path: tuple[str, ...]


class Instrumentation:
    """Hooks around passes; subclasses override what they need."""

    def before(self, p: ModulePass, t: Target) -> None: ...
    def after(self, p: ModulePass, t: Target) -> None: ...
    def after_nest(self, nest: Nest, module: ModuleOp) -> None: ...
    def timed(self, path: tuple[str, ...], seconds: float) -> None: ...


class PassCrash(Exception):
    """A pass raised something other than a diagnostic: a bug, reported as such."""

    def __init__(self, name: str):
        super().__init__(f"pass '{name}' crashed (this is a bug in the pass)")


def run(nest: Nest, ctx: Context, module: ModuleOp, hooks: Sequence[Instrumentation],
        anchor: Operation | None = None, path: tuple[str, ...] = ()) -> None:  # fmt: skip
    """Apply `nest` to `module`; nested Nests go to each matching child op."""
    for item in nest.items:
        if isinstance(item, Nest):
            key = (*path, f"'{item.anchor}' Pipeline")
            for h in hooks:
                h.timed(key, 0.0)  # the row comes before its passes' rows
            start = time.perf_counter()
            for op in [o for o in module.ops if _anchors(item.anchor, o)]:
                _run_on(item, ctx, op, hooks, key)
            for h in hooks:
                h.timed(key, time.perf_counter() - start)
                if not path:
                    h.after_nest(item, module)
            continue
        target = Target(module, anchor, path)
        for h in hooks:
            h.before(item, target)
        start = time.perf_counter()
        _apply(item, ctx, module)
        for h in hooks:
            h.timed((*path, item.name), time.perf_counter() - start)
        for h in hooks:
            h.after(item, target)


def _anchors(anchor: str, op: Operation) -> bool:
    """`any` means every IsolatedFromAbove child (names were checked by `build`)."""
    return op.name == anchor or (anchor == "any" and op.has_trait(IsolatedFromAbove))


def _run_on(nest: Nest, ctx: Context, op: Operation, hooks: Sequence[Instrumentation],
            path: tuple[str, ...]) -> None:  # fmt: skip
    """Run `nest` on one anchored op, via a temporary module unless it is one."""
    if isinstance(op, ModuleOp):
        return run(nest, ctx, op, hooks, op, path)
    block, after = op.parent_block(), op.next_op
    assert block is not None
    op.detach()
    tmp = ModuleOp([op])
    try:
        run(nest, ctx, tmp, hooks, op, path)
    finally:
        for moved in list(tmp.ops):
            moved.detach()
            block.insert_op_before(moved, after) if after else block.add_op(moved)


def _apply(p: ModulePass, ctx: Context, module: ModuleOp) -> None:
    """Run one pass; an error it does not locate is located at what it ran on (the file's
    module, or the anchored op of a nest)."""
    try:
        p.apply(ctx, module)
    except ShrinkException:
        raise
    except DiagError as e:
        if e.diag.loc is not None:
            raise
        raise DiagError(dataclasses.replace(e.diag, loc=_where(module))) from None
    except DiagnosticException as e:
        msg = str(e).split("\n")[0]
        raise DiagError(Diag("error", f"pass '{p.name}' failed: {msg}", _where(module))) from None
    except Exception as e:
        raise PassCrash(p.name) from e


def _where(module: ModuleOp) -> Loc | None:
    return op_loc(module) or next((loc for o in module.ops if (loc := op_loc(o))), None)


def run_stages(pipeline: str, stages: Sequence[str], passes: PassTable, ctx: Context, module: ModuleOp) -> None:
    """Run a named pipeline's stages (pass specs) in order and verify the IR after the last one
    (after each with TSJIT_VERIFY_EACH=1, to find the stage that broke it: verifying a big model
    after every stage took as long as lowering it); a failure names the stage, or the ops an earlier
    stage left unlowered (`ts.not_lowered`) when those are the cause (a later stage meets ops it
    cannot handle)."""
    each = os.environ.get("TSJIT_VERIFY_EACH", "") not in ("", "0")
    for i, stage in enumerate(stages):
        (spec,) = parse_pipeline(stage)
        try:
            instantiate(spec, passes).apply(ctx, module)
            if each or i == len(stages) - 1:
                module.verify()
        except Exception as e:
            left = _not_lowered(module)
            if left:  # the real cause: a later stage meets ts ops it cannot handle
                raise PassFailedException(
                    f"{pipeline}: stage '{spec.name}' failed because earlier stages left ops at the ts level "
                    f"({left}); run the function on the numpy backend, or through tsjit.compile(..., "
                    f"backend='c'), which compiles the lowerable parts as fusion groups") from e
            if isinstance(e, DiagnosticException | PassFailedException):
                raise PassFailedException(f"{pipeline}: stage '{spec.name}' failed: {e}") from e
            raise
    stuck = sorted({op.name for op in module.walk() if op.name.startswith("linalg.") and op.results})
    if stuck:  # stages that lower memref-level ops left these tensor-level ones as they were
        left = _not_lowered(module)
        cause = (f"earlier stages left ops at the ts level ({left}); run the function on the numpy backend, or "
                 "through tsjit.compile(..., backend='c'), which compiles the lowerable parts as fusion groups"
                 if left else "they were not bufferized")
        raise PassFailedException(f"{pipeline}: {', '.join(stuck)} on tensors did not lower to loops because {cause}")


def _not_lowered(module: ModuleOp) -> str:
    """The ops ts-to-linalg left, with where they came from and why (its `ts.not_lowered` marks)."""
    parts = []
    for op in module.walk():
        if "ts.not_lowered" in op.attributes:
            where = f" ({op.attributes['loc'].data})" if "loc" in op.attributes else ""
            parts.append(f"{op.name}{where}: {op.attributes['ts.not_lowered'].data}")
    return "; ".join(parts)


# ----------------------------------------------------------------- instrumentations


class IRPrinter(Instrumentation):
    """--print-ir-before/after: MLIR's `// -----// IR Dump After X (x) //----- //`."""

    def __init__(self, before: set[str], after: set[str], all_before: bool,
                 all_after: bool, generic: bool = False, stream: Any = None):  # fmt: skip
        self.want = {"Before": (before, all_before), "After": (after, all_after)}
        self.generic = generic
        self.stream = stream

    def _dump(self, when: str, p: ModulePass, t: Target) -> None:
        names, every = self.want[when]
        if not (every or p.name in names):
            return
        stream = self.stream or sys.stderr
        where = ""
        if t.anchor is not None and not isinstance(t.anchor, ModuleOp):
            sym = t.anchor.get_attr_or_prop("sym_name")
            name = f": @{sym.data}" if isinstance(sym, StringAttr) else ""
            where = f" ('{t.anchor.name}' operation{name})"
        print(f"// -----// IR Dump {when} {type(p).__name__} ({p.name}){where} //----- //",
              file=stream)  # fmt: skip
        printer = Printer(stream=stream, print_generic_format=self.generic)
        for op in t.module.ops if t.anchor is not None and where else [t.module]:
            printer.print_op(op)
            print(file=stream)
        print(file=stream)

    def before(self, p: ModulePass, t: Target) -> None:
        self._dump("Before", p, t)

    def after(self, p: ModulePass, t: Target) -> None:
        self._dump("After", p, t)


class Verifier(Instrumentation):
    """Verify after every top-level pass (xdsl-opt's and MLIR's verify-each)."""

    def __init__(self, verify: Callable[[ModuleOp], None]):
        self.verify = verify

    def after(self, p: ModulePass, t: Target) -> None:
        if not t.path:
            self.verify(t.module)

    def after_nest(self, nest: Nest, module: ModuleOp) -> None:
        self.verify(module)


class Timer(Instrumentation):
    """--timing: wall time per pass (summed over anchors and chunks), MLIR's report."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, ...], float] = {}
        self.start = time.perf_counter()

    def timed(self, path: tuple[str, ...], seconds: float) -> None:
        self.rows[path] = self.rows.get(path, 0.0) + seconds

    def report(self) -> str:
        total = time.perf_counter() - self.start
        rest = total - sum(s for p, s in self.rows.items() if len(p) == 1)
        rule = "===" + "-" * 73 + "==="
        lines = [rule, " " * 25 + "... Execution time report ...", rule,
                 f"  Total Execution Time: {total:.4f} seconds", "",
                 "  ----Wall Time----  ----Name----"]  # fmt: skip
        rows = [*self.rows.items(), (("Rest",), max(rest, 0.0)), (("Total",), total)]
        for path, secs in rows:
            pct = 100.0 * secs / total if total else 0.0
            lines.append(f"  {secs:8.4f} ({pct:5.1f}%)  {'  ' * (len(path) - 1)}{path[-1]}")
        return "\n".join(lines)
