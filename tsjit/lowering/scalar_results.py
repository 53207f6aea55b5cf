"""Scalar results of a bufferized function (`torch.equal`'s bool, `.item()`'s float, an int).

ts-bufferize turns a function's tensor results into memref out-parameters; a scalar result (i1,
an integer or a float after ts-to-linalg) becomes a 0-d memref out-parameter the function stores
it into, marked `ts.scalar_output` (tsjit/backends/signature.py) with the Python type it stands for ("bool", "int" or "float"), so
that a compiled model hands it back as a Python scalar, as TorchScript returns it.
"""
from __future__ import annotations

from xdsl.dialects import memref
from xdsl.dialects.builtin import AnyFloat, IndexType, IntegerType, MemRefType, StringAttr
from xdsl.ir import Attribute, Operation, SSAValue


def python_kind(t: Attribute) -> str | None:
    """'bool', 'int' or 'float' for a builtin scalar type, else None."""
    if isinstance(t, IntegerType):
        return "bool" if t.width.data == 1 else "int"
    if isinstance(t, IndexType):
        return "int"
    if isinstance(t, AnyFloat):
        return "float"
    return None


def out_parameter(t: Attribute) -> tuple[MemRefType, StringAttr] | None:
    """The 0-d memref a scalar result of type t is returned through, and its mark (None: not a scalar)."""
    kind = python_kind(t)
    if kind is None or isinstance(t, IndexType):
        return None
    return MemRefType(t, []), StringAttr(kind)


def store(value: SSAValue, param: SSAValue) -> Operation:
    """The store of a scalar result into its out-parameter."""
    return memref.StoreOp.get(value, param, [])
