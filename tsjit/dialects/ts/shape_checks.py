"""Verifier checks on tensor shapes, applied where the types know enough to decide.

Unknown ranks and `?` dims pass: only provable contradictions are errors.
"""
from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.types import DYNAMIC, BoolType, TensorType, format_dims as show, i1


def _sizes(value: SSAValue) -> tuple[int, ...] | None:
    return value.type.sizes if isinstance(value.type, TensorType) else ()


def broadcast_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy/PyTorch broadcasting of two shapes (DYNAMIC dims stay unknown); raises ValueError."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        elif x == DYNAMIC or y == DYNAMIC:
            out.append(x if y == DYNAMIC else y)
        else:
            raise ValueError(f"shapes {show(a)} and {show(b)} are not broadcastable (dim -{i}: {x} vs {y})")
    return tuple(reversed(out))


def _check_result_shape(op: Operation, expected: tuple[int, ...]) -> None:
    res = op.results[0].type
    if isinstance(res, TensorType) and res.sizes is not None:
        if len(res.sizes) != len(expected) or any(
            r != e and DYNAMIC not in (r, e) for r, e in zip(res.sizes, expected)
        ):
            raise VerifyException(f"result shape {show(res.sizes)} does not match the expected shape {show(expected)}")


def broadcast(*operand_indices: int) -> Callable[[Operation], None]:
    """Elementwise ops: the (tensor) operands must broadcast together, into the result's shape."""

    def check(op: Operation) -> None:
        shapes = [_sizes(op.operands[i]) for i in operand_indices]
        if any(s is None for s in shapes):
            return
        shape: tuple[int, ...] = ()
        try:
            for s in shapes:
                shape = broadcast_shapes(shape, s)
        except ValueError as e:
            raise VerifyException(str(e)) from None
        _check_result_shape(op, shape)

    return check


def comparison(*operand_indices: int) -> Callable[[Operation], None]:
    """Comparisons broadcast like arithmetic and give bool tensors."""
    bcast = broadcast(*operand_indices)

    def check(op: Operation) -> None:
        bcast(op)
        res = op.results[0].type
        if isinstance(res, TensorType) and res.element_type not in (None, i1):
            raise VerifyException(f"a comparison gives a bool tensor, not {res.element_type}")

    return check


def same_shape(op: Operation) -> None:
    """Unary elementwise ops keep their input's shape."""
    shape = _sizes(op.operands[0])
    if shape is not None:
        _check_result_shape(op, shape)


def rank_in(operand: int, ranks: tuple[int, ...], what: str) -> Callable[[Operation], None]:
    def check(op: Operation) -> None:
        sizes = _sizes(op.operands[operand])
        if sizes is not None and len(sizes) not in ranks:
            expected = " or ".join(str(r) for r in ranks)
            raise VerifyException(f"{what} must have rank {expected}, got rank {len(sizes)}")

    return check


def matmul(op: Operation) -> None:
    """matmul/mm/bmm: the contracted dims must agree."""
    a, b = _sizes(op.operands[0]), _sizes(op.operands[1])
    if not a or not b:
        if a == () or b == ():
            raise VerifyException("both arguments to matmul need to be at least 1D")
        return
    if op.name == "ts.mm" and (len(a) != 2 or len(b) != 2):
        raise VerifyException("mm expects 2-D tensors")
    if op.name == "ts.bmm" and (len(a) != 3 or len(b) != 3):
        raise VerifyException("bmm expects 3-D tensors")
    k1 = a[-1]
    k2 = b[-2] if len(b) >= 2 else b[0]
    if DYNAMIC not in (k1, k2) and k1 != k2:
        raise VerifyException(f"contracted dimensions differ: {k1} vs {k2} (shapes {show(a)} and {show(b)})")


def linear(op: Operation) -> None:
    x, w = _sizes(op.operands[0]), _sizes(op.operands[1])
    if w is not None and len(w) not in (1, 2):
        raise VerifyException(f"linear weight must have rank 1 or 2, got rank {len(w)}")
    if x and w and DYNAMIC not in (x[-1], w[-1]) and x[-1] != w[-1]:
        raise VerifyException(f"input features {x[-1]} do not match weight features {w[-1]}")


def conv(spatial: int) -> Callable[[Operation], None]:
    """convNd: input of rank N+1 or N+2, weight of rank N+2, channels that match the groups."""
    in_ranks = (spatial + 1, spatial + 2)

    def check(op: Operation) -> None:
        rank_in(0, in_ranks, "conv input")(op)
        rank_in(1, (spatial + 2,), "conv weight")(op)

    return check


def all_checks(*checks: Callable[[Operation], None]) -> Callable[[Operation], None]:
    def check(op: Operation) -> None:
        for c in checks:
            c(op)

    return check


_WITH_ARGS = {"broadcast": broadcast, "comparison": comparison, "rank_in": rank_in, "conv": conv}
_PLAIN = {"same_shape": same_shape, "matmul": matmul, "linear": linear}


def verifier(checks) -> Callable[[Operation], None] | None:
    """The verifier running an op definition's checks (tsjit.ops.checks.Check), or None."""
    fns = [_PLAIN[c.kind] if c.kind in _PLAIN else _WITH_ARGS[c.kind](*c.args) for c in checks]
    if not fns:
        return None
    return fns[0] if len(fns) == 1 else all_checks(*fns)


def bool_result(op: Operation) -> None:
    if not isinstance(op.results[0].type, BoolType | TensorType):
        raise VerifyException("expected a bool result")
