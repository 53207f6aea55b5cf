"""In-place writes to a function's tensor arguments, made pure for compiled code: tsjit.compile's
contract for `def forward(self, x): x.add_(1); return x * 2` (or F.instance_norm updating running
statistics passed as arguments) is the numpy backend's, PyTorch's: the caller's tensor holds the
new values after the call.

`functionalize_arguments(func)` rewrites each argument's writes as ts-remove-mutation rewrites those
of new memory (the same `_Base`: views followed and inverted, later reads reading the value at that
point; the argument left as it is when a write cannot be followed), then returns the argument's
final value as a result (an extra one unless it is returned already) and records
`{"pairs": [[argument, result], ...], "extra": count}` in the function's `ts.writes_back` attribute
(`finish_write_backs`, after ts-flatten-results has flattened the other results). Compiled (tsjit/compiled.py) copies those results into the caller's
arrays and returns the others, so the C code never writes its inputs (they stay `const` in
spirit) and needs no in-place op. `tsjit.compile` runs it (`prepare_for_lowering(...,
write_back_arguments=True)`); `export_c` does not (a C caller would not know to copy the extra
outputs back), so such a model's writes still keep it from C there.
"""
from __future__ import annotations

import json
from typing import Any

from xdsl.dialects.builtin import FunctionType, StringAttr
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.passes.remove_mutation import _Base, _static, _Unfollowable

ATTRIBUTE = "ts.writes_back"


def functionalize_arguments(func: FuncOp) -> list[int]:
    """Make `func`'s writes to its arguments pure and return each argument's final value as an extra
    result (after the others); the arguments, in the order of those results. Run before other
    rewrites (ts-peephole's `x * 1.0` -> `x` is not sound while x is written later), then
    `finish_write_backs` once the results are flattened."""
    if len(func.body.blocks) != 1 or ATTRIBUTE in func.attributes:
        return []
    block = func.body.blocks[0]
    if not isinstance(block.last_op, ReturnOp):
        return []
    finals = []
    for i, arg in enumerate(block.args):
        if not _static(arg.type) or not arg.uses:
            continue
        try:
            base = _Base(arg)
            if not base.check():
                continue
        except _Unfollowable:
            continue
        base.rewrite()
        finals.append((i, base.cur))
    if finals:
        _set_results(func, [*block.last_op.operands, *[v for _, v in finals]])
    return [i for i, _ in finals]


def finish_write_backs(func: FuncOp, arguments: list[int]) -> None:
    """Record in `ts.writes_back` which result holds each written argument's final value (the last
    len(arguments) results); one the function returns anyway is not returned twice."""
    if not arguments:
        return
    results = list(func.body.blocks[0].last_op.operands)
    main, finals = results[:len(results) - len(arguments)], results[len(results) - len(arguments):]
    extra = [v for v in dict.fromkeys(finals) if v not in main]  # `x.add_(1); return x` returns it already
    pairs = [(i, (main + extra).index(v)) for i, v in zip(arguments, finals)]
    _set_results(func, main + extra)
    func.attributes[ATTRIBUTE] = StringAttr(json.dumps({"pairs": pairs, "extra": len(extra)}))


def _set_results(func: FuncOp, values: list) -> None:
    ret = func.body.blocks[0].last_op
    Rewriter.insert_op(ReturnOp(*values), InsertPoint.before(ret))
    Rewriter.erase_op(ret)
    func.function_type = FunctionType.from_lists(list(func.function_type.inputs), [v.type for v in values])


def writes_back(func: FuncOp) -> tuple[list[tuple[int, int]], int]:
    """The recorded (argument, result) pairs of `func` and how many results were added for them."""
    attr = func.attributes.get(ATTRIBUTE)
    if not isinstance(attr, StringAttr):
        return [], 0
    record = json.loads(attr.data)
    return [tuple(p) for p in record["pairs"]], record["extra"]


def split_results(result: Any, pairs: list[tuple[int, int]], extra: int) -> tuple[Any, list[Any]]:
    """A call's result without the results added for write-backs (one value, a tuple, or None),
    and the argument's final values."""
    flat = list(result) if isinstance(result, tuple) else [result]
    rest = flat[:len(flat) - extra]
    return (rest[0] if len(rest) == 1 else tuple(rest) if rest else None), [flat[j] for _, j in pairs]
