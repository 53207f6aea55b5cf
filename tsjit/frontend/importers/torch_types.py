"""TorchScript type strings, as graphs print them, -> ts types.

    `Tensor`, `Float(3, 4, strides=[4, 1], requires_grad=0, device=cpu)`, `Long(*, 4)`, `int`,
    `int[]`, `Tensor?`, `(Tensor, int)`, `Dict(str, Tensor)`, `Optional[int]`, `Union(int, str)`,
    `Future(int)`, `Device`, `NoneType`, `Any`, `__torch__.M`

A tensor type keeps the sizes (`*` is an unknown dim; no dims means nothing is known, as PyTorch
prints a 0-d tensor and an unknown rank alike) and the dtype; strides, requires_grad and device
are dropped (tsjit tensors are contiguous, cpu, without autograd).
"""
from __future__ import annotations

from functools import cache

from xdsl.ir import Attribute

from tsjit.dialects.ts.types import (
    DTYPES,
    DYNAMIC,
    AnyType,
    BoolType,
    ClassType,
    DeviceType,
    DictType,
    FloatType,
    FutureType,
    IntType,
    ListType,
    NoneType,
    NumberType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
    UnionType,
)


class TypeImportError(ValueError):
    """A TorchScript type with no ts counterpart."""


#: Type names without parameters. dtype, layout and memory format are int codes at run time.
SIMPLE: dict[str, Attribute] = {
    "Tensor": TensorType(), "int": IntType(), "float": FloatType(), "bool": BoolType(), "str": StrType(),
    "NoneType": NoneType(), "Device": DeviceType(), "Any": AnyType(), "number": NumberType(),
    "Scalar": NumberType(), "ScalarType": IntType(), "Layout": IntType(), "MemoryFormat": IntType(),
}

#: Printed tensor element types (`Float(...)`) -> dtype names of tsjit's DTYPES.
TENSOR_DTYPES: dict[str, str] = {
    "Float": "float32", "Double": "float64", "Half": "float16", "BFloat16": "bfloat16", "Long": "int64",
    "Int": "int32", "Short": "int16", "Char": "int8", "Byte": "uint8", "Bool": "bool",
    "ComplexFloat": "complex64", "ComplexDouble": "complex128",
}


@cache
def to_ts_type(text: str) -> Attribute:
    """The ts type of a TorchScript type string (raises TypeImportError for unknown ones)."""
    text = text.strip()
    if text.endswith("?"):
        return OptionalType(to_ts_type(text[:-1]))
    if text.endswith("[]"):
        return ListType(to_ts_type(text[:-2]))
    if text in SIMPLE:
        return SIMPLE[text]
    if text.startswith("__torch__."):
        return ClassType(text)
    if text.startswith("(") and text.endswith(")"):
        return TupleType([to_ts_type(t) for t in split_args(text[1:-1])])
    head, args = _applied(text)
    if head in TENSOR_DTYPES:
        return _tensor(head, args)
    if head in ("Dict", "Union", "Future", "Optional", "List", "Tuple") and args:
        types = [to_ts_type(a) for a in args]
        if head == "Dict" and len(types) == 2:
            return DictType(*types)
        if head == "Union":
            return UnionType(types)
        if head == "Tuple":
            return TupleType(types)
        if len(types) == 1:
            return {"Future": FutureType, "Optional": OptionalType, "List": ListType}[head](types[0])
    raise TypeImportError(f"unsupported TorchScript type '{text}'")


def _applied(text: str) -> tuple[str, list[str]]:
    """`Dict(str, Tensor)` / `Optional[int]` -> ("Dict", ["str", "Tensor"])."""
    for open_, close in (("(", ")"), ("[", "]")):
        i = text.find(open_)
        if i > 0 and text.endswith(close):
            return text[:i], split_args(text[i + 1:-1])
    return text, []


def _tensor(head: str, args: list[str]) -> TensorType:
    dims = [a for a in args if "=" not in a]
    sizes = [DYNAMIC if d == "*" else int(d) for d in dims]
    return TensorType(sizes if sizes else None, DTYPES[TENSOR_DTYPES[head]])


def split_args(text: str) -> list[str]:
    """Split on top-level commas: `str, Dict(int, int), (a, b)` -> three parts."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    last = text[start:].strip()
    return parts + [last] if last or parts else parts


def erase_tensor_details(t: Attribute) -> Attribute:
    """`!ts.tensor<[2, 3], f32>` -> `!ts.tensor`, inside containers too: the type an op result gets,
    since the ops' verifiers compute their own result shapes and a graph's printed ones may be stale."""
    if isinstance(t, TensorType):
        return TensorType()
    if isinstance(t, ListType | OptionalType | FutureType):
        return type(t)(erase_tensor_details(t.element_type))
    if isinstance(t, TupleType | UnionType):
        return type(t)([erase_tensor_details(e) for e in t.types.data])
    if isinstance(t, DictType):
        return DictType(erase_tensor_details(t.key_type), erase_tensor_details(t.value_type))
    return t
