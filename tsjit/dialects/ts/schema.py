"""Ops defined from TorchScript-style schemas: `"(Tensor self, int[] dims) -> Tensor"`.

Like torch-mlir's generated ODS, every argument of the ATen schema is an operand (optional
arguments receive a `ts.constant none`), so importing a TorchScript graph is one op per node.
One factory turns a schema string into an IRDL op class with type-checking verifiers and
the assembly `ts.op %a, %b : (!ts.tensor, !ts.int) -> !ts.tensor`.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from xdsl.ir import Attribute, Operation
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def, result_def, traits_def
from xdsl.traits import MemoryReadEffect, MemoryWriteEffect, OpTrait, Pure
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.types import (
    BoolType,
    DeviceType,
    FloatType,
    IntType,
    ListType,
    NoneType,
    NumberType,
    OptionalType,
    StrType,
    TensorType,
)
from tsjit.ops.schema import Arg, Schema, parse_schema  # noqa: F401 - re-exported

Predicate = Callable[[Attribute], bool]


def _optional(pred: Predicate) -> Predicate:
    return lambda t: isinstance(t, NoneType) or pred(t) or (isinstance(t, OptionalType) and pred(t.element_type))


def _list_of(pred: Predicate) -> Predicate:
    return lambda t: isinstance(t, ListType) and pred(t.element_type)


def _is(*classes: type) -> Predicate:
    return lambda t: isinstance(t, classes)


_SCALAR = _is(IntType, FloatType, BoolType, NumberType)

#: Schema type name -> which IR types an operand or result of that schema type may have.
KINDS: dict[str, Predicate] = {
    "Tensor": _is(TensorType),
    "int": _is(IntType),
    "float": _is(FloatType),
    "bool": _is(BoolType),
    "str": _is(StrType),
    "Scalar": _SCALAR,
    "Device": _is(DeviceType),
    "ScalarType": _is(IntType),  # torch.dtype is an int code at run time, as in TorchScript
    "Tensor|Scalar": lambda t: isinstance(t, TensorType) or _SCALAR(t),
    "Tensor[]": _list_of(_is(TensorType)),
    "Tensor?[]": _list_of(_optional(_is(TensorType))),
    "int[]": _list_of(_is(IntType)),
    "float[]": _list_of(_is(FloatType)),
    "str[]": _list_of(_is(StrType)),
    "Any": lambda t: True,
}
for _base in ("Tensor", "int", "float", "bool", "str", "Scalar", "Device", "ScalarType", "int[]"):
    KINDS[_base + "?"] = _optional(KINDS[_base])


def _describe(kind: str) -> str:
    return kind.replace("|", " or ")


def check_types(op: Operation, schema: Schema) -> None:
    """Raise a VerifyException naming the first operand or result whose type breaks the schema."""
    if len(op.operands) != len(schema.args) or len(op.results) != len(schema.results):
        raise VerifyException(
            f"expected {len(schema.args)} operands and {len(schema.results)} results for schema {schema}")
    for i, (value, arg) in enumerate(zip(op.operands, schema.args)):
        if not KINDS[arg.kind](value.type):
            raise VerifyException(f"operand #{i} ('{arg.name}') must be {_describe(arg.kind)}, got {value.type}")
    for i, (value, arg) in enumerate(zip(op.results, schema.results)):
        if not KINDS[arg.kind](value.type):
            raise VerifyException(f"result #{i} ('{arg.name}') must be {_describe(arg.kind)}, got {value.type}")


def _camel(name: str) -> str:
    return "".join(p.capitalize() for p in re.split(r"[._]", name) if p) + ("InplaceOp" if name.endswith("_") else "Op")


#: the ops' declarative assembly format, without and with results
_FORMATS = ("operands attr-dict `:` type(operands)", "operands attr-dict `:` functional-type(operands, results)")


@functools.cache
def _program(cls: type[IRDLOperation]):
    """cls's assembly format, parsed when an op of the class is first parsed or printed: xDSL
    parses an `assembly_format` when it defines the class, which for the registry's hundreds of
    ops was most of the time the ts dialect takes to load (every ts-opt run pays it)."""
    from xdsl.irdl.declarative_assembly_format import FormatProgram

    return FormatProgram.from_str(cls.ASSEMBLY_FORMAT, cls.get_irdl_definition())


def _parse(cls, parser):
    return _program(cls).parse(parser, cls)


def _print(self, printer) -> None:
    _program(type(self)).print(printer, self)


def schema_op(
    name: str,
    signature: str | Schema,
    *,
    effects: Sequence[OpTrait] = (Pure(),),
    verify: Callable[[Operation], None] | None = None,
    fold: Callable[[Operation], Sequence[Attribute] | None] | None = None,
    doc: str = "",
) -> type[IRDLOperation]:
    """Make the op class `ts.<name>` whose operands and results follow `signature`.

    `verify` adds checks beyond types (e.g. broadcasting); `fold` computes constant results.
    """
    schema = signature if isinstance(signature, Schema) else parse_schema(signature)
    namespace: dict[str, object] = {
        "name": f"ts.{name}",
        "__doc__": doc or f"`ts.{name}`: {signature}",
        "traits": traits_def(*effects),
        "parse": classmethod(_parse),
        "print": _print,
    }
    for arg in schema.args:
        namespace[arg.name] = operand_def()
    for res in schema.results:
        namespace[res.name] = result_def()

    def verify_(self: Operation) -> None:
        check_types(self, schema)
        if verify is not None:
            verify(self)

    namespace["verify_"] = verify_
    bases: tuple[type, ...] = (IRDLOperation,)
    if fold is not None:
        from tsjit.dialects.ts.folding import FoldableByTable

        bases = (FoldableByTable, IRDLOperation)
    op_class = irdl_op_definition(type(_camel(name), bases, namespace))
    op_class.SCHEMA = schema
    op_class.ASSEMBLY_FORMAT = _FORMATS[bool(schema.results)]
    if fold is not None:
        op_class.FOLD_FN = staticmethod(fold)
    return op_class


#: The IR type a schema result of each kind gets when nothing more precise is known.
RESULT_TYPES: dict[str, Attribute] = {
    "Tensor": TensorType(), "int": IntType(), "float": FloatType(), "bool": BoolType(), "str": StrType(),
    "Scalar": NumberType(), "Device": DeviceType(), "int[]": ListType(IntType()),
    "Tensor[]": ListType(TensorType()), "ScalarType": IntType(),
}


READS = (MemoryReadEffect(),)
WRITES = (MemoryReadEffect(), MemoryWriteEffect())
