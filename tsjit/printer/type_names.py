"""ts types as TorchScript spells them: Python annotations (`List[int]`) and schemas (`int[]`).

TorchScript has two spellings of every type: `annotation_str()`, used in `.code`
(`Optional[Tensor]`, `Dict[str, Tensor]`, `number`), and `str()`, used in function schemas
(`Tensor?`, `Dict(str, Tensor)`, `Scalar`). Tensor types print as `Tensor` whatever their
shape and dtype, as in both TorchScript spellings.
"""
from __future__ import annotations

from xdsl.ir import Attribute

from tsjit.dialects.ts import types as t

#: Parameterless types: (annotation spelling, schema spelling).
_SIMPLE: dict[type, tuple[str, str]] = {
    t.TensorType: ("Tensor", "Tensor"),
    t.IntType: ("int", "int"),
    t.FloatType: ("float", "float"),
    t.BoolType: ("bool", "bool"),
    t.NumberType: ("number", "Scalar"),  # NumberType::annotation_str() / str() in jit_type.h
    t.StrType: ("str", "str"),
    t.NoneType: ("NoneType", "NoneType"),
    t.DeviceType: ("Device", "Device"),
    t.AnyType: ("Any", "Any"),
}


#: Parametric types: (annotation template, schema template), filled with the spelled parameters.
_PARAMETRIC: dict[type, tuple[str, str]] = {
    t.ListType: ("List[{}]", "{}[]"),
    t.OptionalType: ("Optional[{}]", "{}?"),
    t.FutureType: ("Future[{}]", "Future({})"),
    t.TupleType: ("Tuple[{}]", "({})"),
    t.UnionType: ("Union[{}]", "Union({})"),
    t.DictType: ("Dict[{}]", "Dict({})"),
}


def _parameters(ty: Attribute) -> list[Attribute]:
    match ty:
        case t.ListType() | t.OptionalType() | t.FutureType():
            return [ty.element_type]
        case t.DictType():
            return [ty.key_type, ty.value_type]
    return list(ty.types.data)


def _spell(ty: Attribute, which: int) -> str:
    """`which`: 0 for the annotation spelling, 1 for the schema spelling."""
    if type(ty) in _SIMPLE:
        return _SIMPLE[type(ty)][which]
    if isinstance(ty, t.ClassType):
        return ty.class_name.data
    if type(ty) not in _PARAMETRIC:
        return _foreign(ty)
    inner = ", ".join(_spell(p, which) for p in _parameters(ty))
    if isinstance(ty, t.TupleType) and not inner and which == 0:
        inner = "()"  # Tuple[()]
    return _PARAMETRIC[type(ty)][which].format(inner)


def type_name(ty: Attribute) -> str:
    """The Python annotation spelling: `Tensor`, `List[int]`, `Optional[Tensor]`, `__torch__.Net`."""
    return _spell(ty, 0)


def schema_type_name(ty: Attribute) -> str:
    """The schema spelling: `Tensor`, `int[]`, `Tensor?`, `(int, str)`, `Dict(str, Tensor)`."""
    return _spell(ty, 1)


def _foreign(ty: Attribute) -> str:
    """A non-ts type (e.g. a builtin `i32` in a mixed module): its IR spelling, so printing never fails."""
    return str(ty)
