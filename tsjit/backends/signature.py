"""What a compiled function takes, and one clear check of a call's arguments against it.

A specialized or lowered function has exact argument types: tensors of one shape and dtype (ts
tensors with static types, or memrefs) and scalars. Compiled code trusts them (C reads raw
pointers; a specialized program may have folded the shapes in), so a call with the wrong number
of arguments, a tensor of another shape, rank or dtype, or a scalar of the wrong type fails here,
before the call, with one line naming the argument. Memref arguments marked `ts.output` (by
ts-bufferize) are out-parameters the caller allocates, not arguments of the call; those also
marked `ts.scalar_output` hold a scalar result, read back as a Python scalar.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import AnyFloat, IndexType, IntegerType, MemRefType
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute

from tsjit.backends.numpy.ops.upstream_common import np_dtype
from tsjit.dialects.ts.types import DYNAMIC, BoolType, FloatType, IntType, TensorType, dtype_name
from tsjit.dtypes import numpy_named

#: The argument attribute ts-bufferize puts on out-parameters.
OUTPUT = "ts.output"
#: ... and on those holding a scalar result (its Python type), as tsjit/lowering/scalar_results.py
SCALAR_OUTPUT = "ts.scalar_output"


@dataclass(frozen=True)
class Param:
    """One argument: kind is 'tensor', 'int', 'float', 'bool' or 'any'; shape None is any rank,
    a DYNAMIC dim any size; dtype None any dtype."""

    name: str
    kind: str
    shape: tuple[int, ...] | None = None
    dtype: np.dtype | None = None

    def describe(self) -> str:
        if self.kind != "tensor":
            return self.kind
        dims = "*" if self.shape is None else ", ".join("?" if d == DYNAMIC else str(d) for d in self.shape)
        return f"a {self.dtype or ''} tensor of shape [{dims}]".replace("a  ", "a ")


def _param(name: str, t: Attribute) -> Param:
    if isinstance(t, MemRefType):
        return Param(name, "tensor", tuple(t.get_shape()), np.dtype(np_dtype(t)))
    if isinstance(t, TensorType):
        dtype = t.element_type
        return Param(name, "tensor", t.sizes,
                     None if dtype is None else numpy_named(dtype_name(dtype)))
    if isinstance(t, IntType | IndexType) or isinstance(t, IntegerType) and t.width.data > 1:
        return Param(name, "int")
    if isinstance(t, BoolType) or isinstance(t, IntegerType):
        return Param(name, "bool")
    if isinstance(t, FloatType | AnyFloat):
        return Param(name, "float")
    return Param(name, "any")


def signature(func: FuncOp) -> tuple[list[Param], list[MemRefType] | None]:
    """(the parameters a call passes, the out-parameters' types). In a function without `ts.output`
    marks (loop-level IR written by hand) which arguments are outputs is not known: outputs None,
    and every argument is a parameter."""
    types = list(func.function_type.inputs.data)
    args = func.body.block.args if func.body.blocks else ()
    names = [a.name_hint or f"arg{i}" for i, a in enumerate(args)] or [f"arg{i}" for i in range(len(types))]
    marked = func.arg_attrs is not None and any(OUTPUT in d.data for d in func.arg_attrs.data)
    outputs = [i for i in range(len(types)) if marked and OUTPUT in func.arg_attrs.data[i].data]
    params = [_param(names[i], t) for i, t in enumerate(types) if i not in outputs]
    return params, [types[i] for i in outputs] if marked else None


def scalar_outputs(func: FuncOp) -> list[str | None]:
    """For each out-parameter, the Python type ('bool', 'int', 'float') of the scalar result it
    holds (tsjit/lowering/scalar_results.py), or None for a tensor result."""
    if func.arg_attrs is None:
        return []
    return [d.data[SCALAR_OUTPUT].data if SCALAR_OUTPUT in d.data else None
            for d in func.arg_attrs.data if OUTPUT in d.data]


def _kind_of(x: Any) -> str:
    if isinstance(x, bool | np.bool_):
        return "bool"
    if isinstance(x, int | np.integer):
        return "int"
    if isinstance(x, float | np.floating):
        return "float"
    if isinstance(x, np.ndarray):
        return "Tensor"
    return type(x).__name__


def check_arguments(fn_name: str, params: list[Param], args: tuple | list) -> list[Any]:
    """The arguments as the compiled function takes them (non-contiguous arrays copied to C order),
    or a TypeError/ValueError naming the first argument that does not fit."""
    if len(args) != len(params):
        names = ", ".join(p.name for p in params)
        raise TypeError(f"{fn_name}() takes {len(params)} argument(s) ({names}) but {len(args)} were given")
    out = list(args)
    for i, (p, x) in enumerate(zip(params, args)):
        where = f"{fn_name}(): argument '{p.name}' (position {i + 1})"
        if p.kind == "tensor":
            if not isinstance(x, np.ndarray):
                raise TypeError(f"{where} expected {p.describe()}, but found '{_kind_of(x)}'")
            if p.dtype is not None and x.dtype != p.dtype:
                raise TypeError(f"{where} expected {p.describe()}, got dtype {x.dtype}")
            if p.shape is not None and (len(x.shape) != len(p.shape) or any(
                    d != DYNAMIC and d != s for d, s in zip(p.shape, x.shape))):
                raise ValueError(f"{where} expected {p.describe()}, got shape {list(x.shape)}"
                                 + ("" if len(x.shape) == len(p.shape) else
                                    f" (rank {x.ndim}, expected rank {len(p.shape)})"))
            if not x.flags.c_contiguous:
                out[i] = np.ascontiguousarray(x)
        elif p.kind != "any":
            found = _kind_of(x)
            if found != p.kind and not (p.kind == "float" and found == "int"):
                raise TypeError(f"{fn_name}(): expected a value of type '{p.kind}' for argument '{p.name}' "
                                f"but found '{found}'")
    return out
