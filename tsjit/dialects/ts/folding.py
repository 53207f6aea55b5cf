"""Constant folding hooks shared by ts ops, and the dialect's constant materialisation.

An op folds when all its operands come from `ts.constant`: its `FOLD_FN` gets their Python
values (numpy arrays for tensors) and returns Python results, which `canonicalize` turns
back into `ts.constant` ops through `TsConstantMaterializer`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from xdsl.dialect_interfaces.constant_materialization import ConstantMaterializationInterface
from xdsl.interfaces import HasFolderInterface
from xdsl.ir import Attribute, Operation, SSAValue

from tsjit.dialects.ts.types import DTYPES, TensorType


class NotConstant(Exception):
    """An operand is not a compile-time constant."""


def constant_of(value: SSAValue) -> Any:
    """The Python value of `value` if a `ts.constant` defines it (through `ts.unchecked_cast`s, which
    keep the value: `p` of a scripted `torch.norm(x, p=1)` is an int cast to a number), else raise
    NotConstant."""
    from tsjit.dialects.ts.constant import ConstantOp

    owner, cast = value.owner, False
    while isinstance(owner, Operation) and owner.name == "ts.unchecked_cast":
        owner, cast = owner.operands[0].owner, True
    if isinstance(owner, ConstantOp) and not (cast and owner.py_value is None):  # None cast to a Tensor:
        return owner.py_value                                                  # a value never read
    raise NotConstant


def constant_operands(op: Operation) -> list[Any] | None:
    try:
        return [constant_of(v) for v in op.operands]
    except NotConstant:
        return None


def written_in_place(value: SSAValue) -> bool:
    """Whether an in-place op writes `value` or a view of it: folded to a `ts.constant`, the write
    would change the constant every later call reads (`h = zeros(...) @ w; h.add_(x)`)."""
    from tsjit.ops import REGISTRY

    work, seen = [value], set()
    while work:
        v = work.pop()
        for use in v.uses:
            d = REGISTRY.get(use.operation.name.removeprefix("ts."))
            if d is None or use.index != 0:
                continue
            if d.effects == "writes":
                return True
            if d.family in _ALIASING and use.operation not in seen:
                seen.add(use.operation)
                work += use.operation.results
    return False


_ALIASING = frozenset({"view", "slicing", "conversion", "strided", "aten_internals"})


class FoldableByTable(HasFolderInterface):
    """Mixin for ops built by `schema_op(..., fold=f)`: f(op, *constant values) -> results."""

    FOLD_FN: ClassVar[Any]

    def fold(self) -> Sequence[SSAValue | Attribute] | None:
        from tsjit.dialects.ts.constant import from_python

        values = constant_operands(self)
        if values is None or any(written_in_place(r) for r in self.results):
            return None
        try:
            results = self.FOLD_FN(self, *values)
        except (ArithmeticError, ValueError, TypeError, IndexError, np.linalg.LinAlgError):
            return None  # an error at run time stays an error at run time: don't fold it away
        if results is None:
            return None
        if not isinstance(results, tuple):
            results = (results,)
        out: list[Attribute] = []
        for res, r in zip(results, self.results):
            if isinstance(res, np.ndarray | np.generic) and isinstance(r.type, TensorType):
                res = _as_result_tensor(np.asarray(res), r.type)
                if res is None:
                    return None
            out.append(from_python(res, r.type))
        return out


def _as_result_tensor(array: np.ndarray, type: TensorType) -> np.ndarray | None:
    """Match the folded array to the declared result type; refuse if it contradicts it."""
    if type.element_type is not None:
        from tsjit.dialects.ts.constant import numpy_dtype

        array = array.astype(numpy_dtype(type.element_type))
    if type.sizes is not None and (
        len(type.sizes) != array.ndim or any(d >= 0 and d != s for d, s in zip(type.sizes, array.shape))
    ):
        return None
    if array.dtype.name not in DTYPES:
        return None
    return array


class TsConstantMaterializer(ConstantMaterializationInterface):
    """Turns folded values back into `ts.constant` ops."""

    def materialize_constant(self, value: Attribute, type: Attribute) -> Operation | None:
        from tsjit.dialects.ts.constant import ConstantOp

        try:
            op = ConstantOp(value, type)
            op.verify_()
        except Exception:
            return None
        return op
