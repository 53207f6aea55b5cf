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
    """The Python value of `value` if a `ts.constant` defines it, else raise NotConstant."""
    from tsjit.dialects.ts.constant import ConstantOp

    owner = value.owner
    if isinstance(owner, ConstantOp):
        return owner.py_value
    raise NotConstant


def constant_operands(op: Operation) -> list[Any] | None:
    try:
        return [constant_of(v) for v in op.operands]
    except NotConstant:
        return None


class FoldableByTable(HasFolderInterface):
    """Mixin for ops built by `schema_op(..., fold=f)`: f(op, *constant values) -> results."""

    FOLD_FN: ClassVar[Any]

    def fold(self) -> Sequence[SSAValue | Attribute] | None:
        from tsjit.dialects.ts.constant import from_python

        values = constant_operands(self)
        if values is None:
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
        from tsjit.dialects.ts.constant import ConstantOp, type_of_value

        try:
            op = ConstantOp(value, type)
            op.verify_()
        except Exception:
            return None
        return op
