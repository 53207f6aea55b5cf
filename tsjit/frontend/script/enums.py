"""Python `Enum` classes in script: TorchScript's `Enum<__torch__.Color>` type.

An enum is a class type whose objects have two attributes, `name` (str) and `value` (int, float
or str: one type for all members, as TorchScript requires); its `ts.class_type` is marked `enum`
(tsjit/dialects/ts/module_ir.py). A member is a constant, `ts.constant #ts.enum<"__torch__.Color",
"RED", 1>` (prim::Constant[value=__torch__.Color.RED]); at run time it is an EnumObject, and the
boundary turns members into such objects and back (ENUM_CLASSES maps the class name to the Python
class). `==`/`!=` compare members (`ts.value.eq`, TorchScript's aten::eq.enum: equal class and
value); `is` compares objects, so, as in TorchScript, a member passed in is not `is` the constant
written in the code; iterating the class gives its members in order.
"""
from __future__ import annotations

import ast
import enum
from typing import Any

from xdsl.dialects.builtin import UnitAttr
from xdsl.ir import Attribute

from tsjit.dialects.ts.constant import ConstantOp, EnumMemberAttr, from_python
from tsjit.dialects.ts.module_ir import ENUM
from tsjit.dialects.ts.types import BoolType, ClassType, FloatType, IntType, ListType, StrType
from tsjit.frontend.script.module_types import ClassInfo, class_name_of
from tsjit.frontend.script.values import PyObj, is_ir

#: class name -> the Python Enum class, for every enum a type was made for in this process
ENUM_CLASSES: dict[str, type] = {}
_VALUE_TYPES = {int: IntType, float: FloatType, str: StrType}


class EnumTypeError(TypeError):
    """An Enum TorchScript cannot type (mixed or unsupported value types)."""


def is_enum_class(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, enum.Enum)


def enum_type(cls: type) -> ClassType:
    """The class type of Enum `cls` (registered so values can cross the boundary)."""
    name = class_name_of(cls)
    ENUM_CLASSES[name] = cls
    return ClassType(name)


class EnumInfo(ClassInfo):
    """The class type of an Enum: attributes `name` and `value`, no methods."""

    def __init__(self, cls: type, class_name: str):
        self.python_class, self.class_name = cls, class_name
        self.methods, self.defining = {}, False
        kinds = {type(m.value) for m in cls}
        if len(kinds) != 1 or next(iter(kinds)) not in _VALUE_TYPES:
            found = ", ".join(sorted(k.__name__ for k in kinds))
            raise EnumTypeError(f"Enum class {cls.__name__} must have values of one type among int, float and str "
                                f"(found {found}); TorchScript does not support others")
        self.attrs: dict[str, tuple[str, Attribute]] = {"name": ("attr", StrType()),
                                                        "value": ("attr", _VALUE_TYPES[kinds.pop()]())}

    def has_method(self, name: str) -> bool:
        return False

    def class_type_op(self):
        op = super().class_type_op()
        op.attributes[ENUM] = UnitAttr()
        return op


def enum_info(classes: dict, class_name: str) -> EnumInfo | None:
    """The EnumInfo of `class_name` in a unit's `classes`, made on first use."""
    if class_name not in classes and class_name in ENUM_CLASSES:
        classes[class_name] = EnumInfo(ENUM_CLASSES[class_name], class_name)
    info = classes.get(class_name)
    return info if isinstance(info, EnumInfo) else None


def register_enums(classes: dict, t: Attribute) -> None:
    """Declare, in a unit's `classes`, every enum type `t` mentions."""
    from tsjit.dialects.ts.module_ir import class_names_in

    for name in class_names_in(t):
        enum_info(classes, name)


class EnumCompiler:
    """Mixin of FunctionCompiler: enum members and classes as values, and `==`/`!=` on members."""

    def python_value(self, node: ast.AST, obj: Any):
        if isinstance(obj, enum.Enum):  # a member named in the code: a value, so branches can merge it
            return self.enum_member(node, obj)
        return super().python_value(node, obj)

    def as_value(self, value: Any, node: ast.AST, hint: Attribute | None = None):
        if isinstance(value, PyObj) and is_enum_class(value.obj):  # `for c in Color`
            t = self.enum_class_type(node, value.obj)
            members = [self.enum_member(node, m) for m in value.obj]
            return self.builder.op("list.construct", members, [ListType(t)]).results[0]
        return super().as_value(value, node, hint)

    def enum_class_type(self, node: ast.AST, cls: type) -> ClassType:
        t = enum_type(cls)
        try:
            enum_info(self.cu.classes, t.class_name.data)
        except EnumTypeError as e:
            self.error(node, str(e))
        return t

    def enum_member(self, node: ast.AST, member: enum.Enum):
        t = self.enum_class_type(node, type(member))
        attr = EnumMemberAttr(t.class_name.data, member.name, from_python(member.value))
        return self.builder.add(ConstantOp(attr)).results[0]

    def is_enum_type(self, t: Attribute) -> bool:
        return isinstance(t, ClassType) and enum_info(self.cu.classes, t.class_name.data) is not None

    def is_enum_value(self, value: Any) -> bool:
        return is_ir(value) and self.is_enum_type(value.type)

    def object_attribute(self, node: ast.AST, obj, name: str):
        if self.is_enum_value(obj) and name in ("name", "value"):  # prim::EnumName/EnumValue: `(c).value`
            t = enum_info(self.cu.classes, obj.type.class_name.data).attrs[name][1]
            return self.builder.op("get_attr", [obj], [t], attr_name=self.str_attr(name)).results[0]
        return super().object_attribute(node, obj, name)

    def call_python(self, node: ast.AST, obj: Any, args: list, kwargs: dict):
        if obj is str and len(args) == 1 and self.is_enum_value(args[0]):  # TorchScript's 'Enum<Color.RED>'
            fmt = self.builder.const(f"Enum<{ENUM_CLASSES[args[0].type.class_name.data].__name__}.{{}}>")
            name = self.object_attribute(node, args[0], "name")
            return self.builder.op("str.format", [fmt, name], [StrType()]).results[0]
        return super().call_python(node, obj, args, kwargs)

    def compare(self, node: ast.AST, op: ast.cmpop, lhs: Any, rhs: Any):
        if isinstance(op, ast.In | ast.NotIn) and is_ir(rhs) and isinstance(rhs.type, ListType) and \
                self.is_enum_type(rhs.type.element_type):
            self.error(node, f"Arguments for call are not valid: 'in' is not defined for a list of "
                             f"{self.type_name(rhs.type.element_type)}")
        if not isinstance(op, ast.Eq | ast.NotEq) or not (self.is_enum_value(lhs) or self.is_enum_value(rhs)):
            return super().compare(node, op, lhs, rhs)
        a, b = self.as_value(lhs, node), self.as_value(rhs, node)
        if a.type != b.type:
            self.error(node, f"Arguments for call are not valid: cannot compare '{self.type_name(a.type)}' and "
                             f"'{self.type_name(b.type)}' with {type(op).__name__}")
        return self.builder.value("value.eq" if isinstance(op, ast.Eq) else "value.ne", a, b, type=BoolType())
