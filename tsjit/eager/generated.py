"""Eager functions and Tensor methods made from op definitions, as PyTorch generates its bindings.

An op whose definition lists `api` surfaces ("torch", "Tensor", "F") gets, on each, a Python
function with the signature its schema gives (names, defaults, keyword-only arguments): it
converts its arguments to kernel operands (tensors to arrays, dtypes to codes, an int for an
`int[]` to a list), calls the op's kernel through the eager table (so traces record it) and wraps
the results (a namedtuple like torch.return_types for several). `script` binds calls to these
signatures and the importers map `aten::` names to the same op, so one definition serves all
three. Hand-written functions of the same name take precedence (they add Python-level overloads).
"""
from __future__ import annotations

import inspect
from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from tsjit import dtypes
from tsjit.eager.core import TensorCore, _operand, _wrap, _NOT_AN_OPERAND
from tsjit.ops import EAGER, REGISTRY, WRITES, OpDef
from tsjit.ops.schema import NO_DEFAULT, Arg


def _tensor(value: Any, arg: Arg, where: str) -> Any:
    if isinstance(value, TensorCore):
        return value._data
    if isinstance(value, np.ndarray):
        return value
    if value is None and arg.optional:
        return None
    raise TypeError(f"{where}: argument '{arg.name}' must be Tensor, not {type(value).__name__}")


def _scalar(value: Any, arg: Arg, where: str) -> Any:
    o = _operand(value)
    if o is _NOT_AN_OPERAND or (isinstance(o, np.ndarray) and arg.kind.rstrip("?") == "Scalar" and o.ndim):
        if value is None and arg.optional:
            return None
        raise TypeError(f"{where}: argument '{arg.name}' must be {arg.kind.replace('|', ' or ')}, "
                        f"not {type(value).__name__}")
    return o.item() if isinstance(o, np.ndarray) and arg.kind.rstrip("?") == "Scalar" else o


def _int_list(value: Any, arg: Arg, where: str) -> Any:
    if value is None:
        return None if arg.optional else []
    if isinstance(value, int | np.integer):
        return [int(value)]
    try:
        return [int(v) for v in value]
    except TypeError:
        raise TypeError(f"{where}: argument '{arg.name}' must be a tuple of ints, not "
                        f"{type(value).__name__}") from None


def _dtype(value: Any, arg: Arg, where: str) -> Any:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, dtypes.dtype):
        return value.code
    raise TypeError(f"{where}: argument '{arg.name}' must be torch.dtype, not {type(value).__name__}")


def _tensors(value: Any, arg: Arg, where: str) -> Any:
    return [None if v is None else _tensor(v, arg, where) for v in value]


def _plain(value: Any, arg: Arg, where: str) -> Any:
    return value


_CONVERT: dict[str, Callable[[Any, Arg, str], Any]] = {
    "Tensor": _tensor, "Tensor|Scalar": _scalar, "Scalar": _scalar, "int[]": _int_list, "ScalarType": _dtype,
    "Tensor[]": _tensors, "Tensor?[]": _tensors,
}


def _converter(arg: Arg) -> Callable[[Any, Arg, str], Any]:
    return _CONVERT.get(arg.kind.rstrip("?"), _plain)


def _result_wrapper(defn: OpDef) -> Callable[[Any], Any]:
    results = defn.schema.results
    if len(results) == 1:
        kind = results[0].kind
        if kind == "Tensor":
            return _wrap
        if kind == "Tensor[]":
            return lambda arrays: tuple(_wrap(a) for a in arrays)
        return lambda value: value
    named = namedtuple((defn.aten or (defn.name,))[0], [r.name for r in results])
    named.__module__ = "torch.return_types"
    return lambda values: named(*(_wrap(v) if isinstance(v, np.ndarray) else v for v in values))


def _signature(defn: OpDef, method: bool) -> inspect.Signature:
    params = []
    for i, arg in enumerate(defn.schema.args):
        name = "self" if method and i == 0 else arg.name
        kind = inspect.Parameter.KEYWORD_ONLY if arg.kwonly else inspect.Parameter.POSITIONAL_OR_KEYWORD
        default = inspect.Parameter.empty if arg.default is NO_DEFAULT else arg.default
        if isinstance(default, tuple):
            default = list(default)
        params.append(inspect.Parameter(name, kind, default=default))
    return inspect.Signature(params)


def binding(defn: OpDef, surface: str) -> Callable[..., Any]:
    """The eager function (or, for surface "Tensor", method) of an op, from its schema."""
    method = surface == "Tensor"
    sig = _signature(defn, method)
    where = f"{'Tensor.' if method else ''}{defn.name}()"
    args = defn.schema.args
    converters = [(_converter(a), a) for a in args]
    wrap = _result_wrapper(defn)
    name, writes = defn.name, defn.effects == WRITES

    def call(*pos: Any, **kw: Any) -> Any:
        try:
            bound = sig.bind(*pos, **kw)
        except TypeError as e:
            raise TypeError(f"{where}: {e}") from None
        bound.apply_defaults()
        operands = [convert(v, a, where) for (convert, a), v in zip(converters, bound.arguments.values())]
        out = EAGER[name](*operands)
        return pos[0] if writes and method else wrap(out)

    call.__name__ = defn.name
    call.__qualname__ = f"Tensor.{defn.name}" if method else defn.name
    call.__signature__ = sig
    call.__doc__ = f"`{defn.name}{defn.schema}` (ts.{defn.name}, generated from its definition)"
    call.__tsjit_op__ = defn
    return call


def bindings(surface: str) -> dict[str, Callable[..., Any]]:
    """name -> generated function, for every op that lists `surface` in its api."""
    return {name: binding(defn, surface) for name, defn in REGISTRY.items() if surface in defn.api}


GeneratedMethods = type("GeneratedMethods", (), {"__slots__": (), "__doc__": "Tensor methods made from op "
                                                 "definitions (tsjit/eager/generated.py).", **bindings("Tensor")})
