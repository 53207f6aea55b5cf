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


def _members(ty: Attribute) -> list[Attribute]:
    return list(ty.types.data)


def type_name(ty: Attribute) -> str:
    """The Python annotation spelling: `Tensor`, `List[int]`, `Optional[Tensor]`, `__torch__.Net`."""
    if type(ty) in _SIMPLE:
        return _SIMPLE[type(ty)][0]
    n = type_name
    match ty:
        case t.ListType():
            return f"List[{n(ty.element_type)}]"
        case t.OptionalType():
            return f"Optional[{n(ty.element_type)}]"
        case t.FutureType():
            return f"Future[{n(ty.element_type)}]"
        case t.TupleType():
            inner = ", ".join(n(m) for m in _members(ty))
            return f"Tuple[{inner or '()'}]"
        case t.UnionType():
            return f"Union[{', '.join(n(m) for m in _members(ty))}]"
        case t.DictType():
            return f"Dict[{n(ty.key_type)}, {n(ty.value_type)}]"
        case t.ClassType():
            return ty.class_name.data
    return _foreign(ty)


def schema_type_name(ty: Attribute) -> str:
    """The schema spelling: `Tensor`, `int[]`, `Tensor?`, `(int, str)`, `Dict(str, Tensor)`."""
    if type(ty) in _SIMPLE:
        return _SIMPLE[type(ty)][1]
    n = schema_type_name
    match ty:
        case t.ListType():
            return f"{n(ty.element_type)}[]"
        case t.OptionalType():
            return f"{n(ty.element_type)}?"
        case t.FutureType():
            return f"Future({n(ty.element_type)})"
        case t.TupleType():
            return f"({', '.join(n(m) for m in _members(ty))})"
        case t.UnionType():
            return f"Union({', '.join(n(m) for m in _members(ty))})"
        case t.DictType():
            return f"Dict({n(ty.key_type)}, {n(ty.value_type)})"
        case t.ClassType():
            return ty.class_name.data
    return _foreign(ty)


def _foreign(ty: Attribute) -> str:
    """A non-ts type (e.g. a builtin `i32` in a mixed module): its IR spelling, so printing never fails."""
    return str(ty)
