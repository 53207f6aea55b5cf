"""Exceptions, printing, type tests, casts, string formatting, and the generic op for imports."""
from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, StringAttr, UnitAttr, i1
from xdsl.interfaces import HasFolderInterface
from xdsl.ir import Attribute, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.types import BoolType, NoneType, StrType, is_subtype


@irdl_op_definition
class RaiseOp(IRDLOperation):
    """prim::RaiseException: `ts.raise %msg, "builtins.ValueError"`."""

    name = "ts.raise"
    message = operand_def(StrType)
    exception = prop_def(StringAttr)
    assembly_format = "$message `,` $exception attr-dict"


@irdl_op_definition
class PrintOp(IRDLOperation):
    """prim::Print: prints its operands separated by spaces."""

    name = "ts.print"
    values = var_operand_def()
    assembly_format = "($values^ `:` type($values))? attr-dict"


@irdl_op_definition
class WarnOp(IRDLOperation):
    """aten::warn (warnings.warn)."""

    name = "ts.warn"
    message = operand_def(StrType)
    assembly_format = "$message attr-dict"


@irdl_op_definition
class IsInstanceOp(IRDLOperation):
    """prim::isinstance: whether the value's runtime type is one of `types`."""

    name = "ts.isinstance"
    value = operand_def()
    types = prop_def(ArrayAttr)
    result = result_def(BoolType)
    traits = traits_def(Pure())
    assembly_format = "$value `,` $types attr-dict `:` type($value)"

    def verify_(self) -> None:
        if not self.types.data or not all(isinstance(t, TypeAttribute) for t in self.types.data):
            raise VerifyException("isinstance needs a non-empty list of types")


@irdl_op_definition
class UncheckedCastOp(IRDLOperation):
    """prim::unchecked_cast: refine an Optional/Union/Any value after a check proved its type."""

    name = "ts.unchecked_cast"
    value = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$value attr-dict `:` type($value) `to` type($result)"

    def verify_(self) -> None:
        if not (is_subtype(self.result.type, self.value.type) or is_subtype(self.value.type, self.result.type)):
            raise VerifyException(f"cannot cast {self.value.type} to the unrelated type {self.result.type}")


@irdl_op_definition
class UninitializedOp(IRDLOperation):
    """prim::Uninitialized: a placeholder for a value that is never read on its path."""

    name = "ts.uninitialized"
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "attr-dict `:` type($result)"


def _none_if_constant(value: SSAValue) -> Attribute:
    """The type of `value`, or NoneType for a `ts.constant none` typed as an Optional (a frozen
    module's None-valued Optional attribute)."""
    owner = value.owner
    if getattr(owner, "name", None) == "ts.constant" and isinstance(owner.properties.get("value"), UnitAttr):
        return NoneType()
    return value.type


class _IdentityTest(IRDLOperation, HasFolderInterface):
    """`a is b` on object identity (in practice: comparing with None).

    Folds when the types decide: None is None; a value whose type excludes None is not None.
    """

    lhs = operand_def()
    rhs = operand_def()
    result = result_def(BoolType)
    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)"
    NEGATED: ClassVar[bool] = False

    def fold(self):
        a, b = _none_if_constant(self.lhs), _none_if_constant(self.rhs)
        if isinstance(a, NoneType) and isinstance(b, NoneType):
            same = True
        elif isinstance(a, NoneType) or isinstance(b, NoneType):
            other = b if isinstance(a, NoneType) else a
            if is_subtype(NoneType(), other):
                return None  # Optional/Union/Any: known only at run time
            same = False
        else:
            return None
        return (IntegerAttr(int(same != self.NEGATED), i1),)


@irdl_op_definition
class IsOp(_IdentityTest):
    """aten::__is__ (`x is None`)."""

    name = "ts.is"


@irdl_op_definition
class IsNotOp(_IdentityTest):
    """aten::__isnot__ (`x is not None`)."""

    name = "ts.isnot"
    NEGATED: ClassVar[bool] = True


@irdl_op_definition
class FormatOp(IRDLOperation):
    """aten::format: Python's str.format on a format string (also f-strings and `%`)."""

    name = "ts.str.format"
    format = operand_def(StrType)
    args = var_operand_def()
    result = result_def(StrType)
    traits = traits_def(Pure())
    assembly_format = "$format (`,` $args^ `:` type($args))? attr-dict"


@irdl_op_definition
class StrOfOp(IRDLOperation):
    """aten::str: str() of any value."""

    name = "ts.str.of"
    value = operand_def()
    result = result_def(StrType)
    traits = traits_def(Pure())
    assembly_format = "$value attr-dict `:` type($value)"


@irdl_op_definition
class GenericOp(IRDLOperation):
    """An op imported from elsewhere with no named ts op yet: `ts.generic "aten::foo"(%a) : ...`.

    Its effects are unknown, so no pass moves, merges or deletes it.
    """

    name = "ts.generic"
    op_name = prop_def(StringAttr)
    args = var_operand_def()
    res = var_result_def()
    assembly_format = "$op_name `(` $args `)` attr-dict `:` functional-type($args, $res)"
