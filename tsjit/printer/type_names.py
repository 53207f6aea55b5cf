"""ts types as TorchScript spells them: Python annotations (`List[int]`) and schemas (`int[]`).

TorchScript has two spellings of every type: `annotation_str()`, used in `.code`
(`Optional[Tensor]`, `Dict[str, Tensor]`, `number`), and `str()`, used in function schemas
(`Tensor?`, `Dict(str, Tensor)`, `Scalar`). Tensor types print as `Tensor` whatever their
shape and dtype, as in both TorchScript spellings. A class type's schema spelling depends on
what its `ts.class_type` declares: `Enum<__torch__.Color>` for an Enum, `InterfaceType<Shape>`
for an interface, `__torch__.Net` otherwise (`class_kinds` reads that from the module).
"""
from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Attribute, Operation
from xdsl.traits import SymbolTable

from tsjit.dialects.ts import types as t
from tsjit.dialects.ts.module_ir import ENUM, INTERFACE, class_kind
from tsjit.dialects.ts.module_ops import ClassTypeOp

#: class name -> ENUM, INTERFACE or None (a script class or module type)
KindOf = Callable[[str], "str | None"]


def no_kinds(class_name: str) -> None:
    return None


def class_kinds(op: Operation | None) -> KindOf:
    """What each class declared in the module holding `op` is (read once, from its `ts.class_type` ops)."""
    while op is not None and not op.has_trait(SymbolTable):
        op = op.parent_op()
    if op is None:
        return no_kinds
    kinds = {c.sym_name.data: kind for c in op.regions[0].block.ops
             if isinstance(c, ClassTypeOp) and (kind := class_kind(c)) is not None}
    return kinds.get

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


def _spell(ty: Attribute, which: int, kind_of: KindOf = no_kinds) -> str:
    """`which`: 0 for the annotation spelling, 1 for the schema spelling."""
    if type(ty) in _SIMPLE:
        return _SIMPLE[type(ty)][which]
    if isinstance(ty, t.ClassType):
        return _class_name(ty.class_name.data, kind_of(ty.class_name.data) if which else None)
    if type(ty) not in _PARAMETRIC:
        return _foreign(ty)
    inner = ", ".join(_spell(p, which, kind_of) for p in _parameters(ty))
    if isinstance(ty, t.TupleType) and not inner and which == 0:
        inner = "()"  # Tuple[()]
    return _PARAMETRIC[type(ty)][which].format(inner)


def type_name(ty: Attribute) -> str:
    """The Python annotation spelling: `Tensor`, `List[int]`, `Optional[Tensor]`, `__torch__.Net`."""
    return _spell(ty, 0)


def schema_type_name(ty: Attribute, kind_of: KindOf = no_kinds) -> str:
    """The schema spelling: `Tensor`, `int[]`, `Tensor?`, `(int, str)`, `Dict(str, Tensor)`,
    `Enum<__torch__.Color>` (classes are told apart by `kind_of`, e.g. `class_kinds(func)`)."""
    return _spell(ty, 1, kind_of)


def _class_name(name: str, kind: str | None) -> str:
    """EnumType::str() is `Enum<qualified name>`, InterfaceType::str() `InterfaceType<unqualified name>`."""
    if kind == ENUM:
        return f"Enum<{name}>"
    if kind == INTERFACE:
        return f"InterfaceType<{name.rsplit('.', 1)[-1]}>"
    return name


def _foreign(ty: Attribute) -> str:
    """A non-ts type (e.g. a builtin `i32` in a mixed module): its IR spelling, so printing never fails."""
    return str(ty)
