"""Verifier checks an op definition asks for, as data (tsjit/dialects/ts/shape_checks.py runs them).

They check what the IR types already prove: operands that cannot broadcast, a contraction of
mismatched dims, an input of the wrong rank. Unknown ranks and `?` dims always pass.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """The check `kind` of tsjit/dialects/ts/shape_checks.py, with its arguments."""

    kind: str
    args: tuple[Any, ...] = ()


def broadcast(*positions: int) -> Check:
    """The tensor operands at these positions broadcast together, into the result's shape."""
    return Check("broadcast", positions)


def comparison(*positions: int) -> Check:
    """Broadcast like arithmetic, and give a bool tensor."""
    return Check("comparison", positions)


def rank_in(operand: int, ranks: tuple[int, ...], what: str) -> Check:
    return Check("rank_in", (operand, ranks, what))


def conv(spatial: int) -> Check:
    """An input of rank spatial+1 or spatial+2 and a weight of rank spatial+2."""
    return Check("conv", (spatial,))


SAME_SHAPE = Check("same_shape")
MATMUL = Check("matmul")
LINEAR = Check("linear")
