"""`a is b` between tensors decided at specialization: torch's MultiheadAttention chooses its code
by `query is key` and `key is value`, which ts-specialize must know to give every tensor a static
shape. One SSA value is itself; results of different ops that always make a new tensor (a
transpose, a linear) are distinct from each other and from every input; two function arguments
are the same object or not as the example inputs were. A compiled model holds that pattern (INPUT_IDENTITY on the function, as JSON
`[[i, j, same], ...]` over input positions) and checks its inputs against it on each call.
"""
from __future__ import annotations

import json

from xdsl.dialects.builtin import StringAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import BlockArgument, OpResult, SSAValue

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.types import BoolType

INPUT_IDENTITY = "ts.input_identity"

#: ops whose result is always a new tensor object (ATen allocates it or makes a new view); ops that
#: may return their input (contiguous, to, flatten, conj, dropout in eval, in-place ops) are not here
_NEW_OBJECT = frozenset(f"ts.{name}" for name in (
    "transpose", "permute", "unsqueeze", "view", "select", "unflatten", "linear", "matmul", "bmm", "mm",
    "add", "sub", "mul", "div", "layer_norm", "softmax", "clone", "cat", "stack"))


def _new(value: SSAValue) -> bool:
    return isinstance(value, OpResult) and value.op.name in _NEW_OBJECT


def _argument(value: SSAValue, func: FuncOp) -> bool:
    return isinstance(value, BlockArgument) and value.block is func.body.block


def fold_identity_tests(func: FuncOp, identity: dict[SSAValue, tuple[int, int]],
                        tested: dict[tuple[int, int], bool]) -> None:
    """`a is b` / `a is not b` where the answer is known: true of one value; between two tensor
    arguments, as the example inputs were (torch's MultiheadAttention tests `query is not key`).
    Each test of arguments lands in `tested` as (i, j) -> same: a compiled model's inputs must
    repeat the pattern, which INPUT_IDENTITY records on the function."""
    for op in list(func.walk()):
        if op.name not in ("ts.is", "ts.isnot"):
            continue
        a, b = op.operands
        if a is b:
            same = True
        elif _new(a) and (_new(b) or _argument(b, func)) or _new(b) and _argument(a, func):
            same = False  # made during the call, by different ops: neither is an input or the other
        elif a in identity and b in identity:
            (i, group_a), (j, group_b) = identity[a], identity[b]
            same = group_a == group_b
            tested[(min(i, j), max(i, j))] = same
        else:
            continue
        const = ConstantOp.of(same != (op.name == "ts.isnot"), BoolType())
        op.parent_block().insert_op_before(const, op)
        op.results[0].replace_all_uses_with(const.results[0])
        op.detach()
        op.erase()


def record_identity_tests(func: FuncOp, tested: dict[tuple[int, int], bool]) -> None:
    if tested:
        pairs = sorted([i, j, same] for (i, j), same in tested.items())
        func.attributes[INPUT_IDENTITY] = StringAttr(json.dumps(pairs))


def input_identity(func: FuncOp) -> list[tuple[int, int, bool]]:
    """(i, j, same) for each `is` test between inputs i and j that specializing folded."""
    attr = func.attributes.get(INPUT_IDENTITY)
    return [(i, j, bool(same)) for i, j, same in json.loads(attr.data)] if isinstance(attr, StringAttr) else []
