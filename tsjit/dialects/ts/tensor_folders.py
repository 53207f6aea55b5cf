"""numpy formulas that fold tensor ops whose operands are all constants.

Results follow PyTorch's type promotion: a Python scalar never widens a tensor's dtype
within its category, an integer tensor meeting a float scalar becomes float32, and true
division of integers gives float32.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_KIND_ORDER = {"b": 0, "u": 1, "i": 1, "f": 2}


def result_dtype(*values: Any) -> np.dtype:
    """PyTorch's result dtype for tensors (numpy arrays) mixed with Python scalars."""
    arrays = [v for v in values if isinstance(v, np.ndarray)]
    scalars = [v for v in values if not isinstance(v, np.ndarray)]
    dims = [a for a in arrays if a.ndim > 0] or arrays
    dtype = np.result_type(*[a.dtype for a in dims]) if dims else np.dtype(np.float32)
    for a in arrays:  # zero-dim tensors only raise the category, like scalars
        if _KIND_ORDER[a.dtype.kind] > _KIND_ORDER[dtype.kind]:
            dtype = np.dtype(np.float32) if a.dtype.kind == "f" else np.dtype(np.int64)
    for s in scalars:
        kind = "b" if isinstance(s, bool) else "i" if isinstance(s, int) else "f"
        if _KIND_ORDER[kind] > _KIND_ORDER[dtype.kind]:
            dtype = np.dtype(np.float32) if kind == "f" else np.dtype(np.int64)
    return dtype


def _binary(fn: Callable[[Any, Any], Any], *, float_result: bool = False) -> Callable:
    def fold(op, a, b, *rest):
        dtype = result_dtype(a, b)
        if float_result and dtype.kind != "f":
            dtype = np.dtype(np.float32)
        return np.asarray(fn(np.asarray(a, dtype), np.asarray(b, dtype))).astype(dtype)

    return fold


def _with_alpha(sign: int) -> Callable:
    def fold(op, a, b, alpha):
        dtype = result_dtype(a, b, alpha)
        a, b = np.asarray(a, dtype), np.asarray(b, dtype)
        return (a + sign * np.asarray(alpha, dtype) * b).astype(dtype)

    return fold


def _compare(fn: Callable[[Any, Any], Any]) -> Callable:
    def fold(op, a, b):
        dtype = result_dtype(a, b)
        return np.asarray(fn(np.asarray(a, dtype), np.asarray(b, dtype)), dtype=np.bool_)

    return fold


def _unary(fn: Callable[[np.ndarray], np.ndarray], *, float_result: bool = True) -> Callable:
    def fold(op, a, *rest):
        if float_result and a.dtype.kind != "f":
            a = a.astype(np.float32)
        return np.asarray(fn(a)).astype(a.dtype)

    return fold


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _reshape(op, a, shape):
    return a.reshape(shape)


def _flatten(op, a, start, end):
    if a.ndim == 0:
        return a.reshape(1)
    start, end = start % a.ndim, end % a.ndim
    return a.reshape(a.shape[:start] + (-1,) + a.shape[end + 1:])


def _squeeze(op, a, dim):
    if dim is None:
        return np.squeeze(a)
    return np.squeeze(a, dim) if a.ndim and a.shape[dim] == 1 else a


FOLDERS: dict[str, Callable] = {
    "add": _with_alpha(1),
    "sub": _with_alpha(-1),
    "mul": _binary(np.multiply),
    "div": _binary(np.divide, float_result=True),
    "floor_divide": _binary(np.floor_divide),
    "remainder": _binary(np.mod),
    "pow": _binary(np.power),
    "maximum": _binary(np.maximum),
    "minimum": _binary(np.minimum),
    "eq": _compare(np.equal),
    "ne": _compare(np.not_equal),
    "lt": _compare(np.less),
    "le": _compare(np.less_equal),
    "gt": _compare(np.greater),
    "ge": _compare(np.greater_equal),
    "neg": _unary(np.negative, float_result=False),
    "abs": _unary(np.abs, float_result=False),
    "relu": _unary(lambda x: np.maximum(x, 0).astype(x.dtype), float_result=False),
    "exp": _unary(np.exp),
    "log": _unary(np.log),
    "sqrt": _unary(np.sqrt),
    "rsqrt": _unary(lambda x: 1 / np.sqrt(x)),
    "sin": _unary(np.sin),
    "cos": _unary(np.cos),
    "tanh": _unary(np.tanh),
    "sigmoid": _unary(_sigmoid),
    "reciprocal": _unary(lambda x: 1 / x),
    "floor": _unary(np.floor, float_result=False),
    "ceil": _unary(np.ceil, float_result=False),
    "logical_not": lambda op, a: np.logical_not(a),
    "where": lambda op, c, a, b: np.where(c, a, b).astype(result_dtype(a, b)),
    "reshape": _reshape,
    "view": _reshape,
    "flatten": _flatten,
    "squeeze": _squeeze,
    "unsqueeze": lambda op, a, dim: np.expand_dims(a, dim % (a.ndim + 1)),
    "permute": lambda op, a, dims: np.transpose(a, dims).copy(),
    "transpose": lambda op, a, d0, d1: np.swapaxes(a, d0, d1).copy(),
    "t": lambda op, a: a.T.copy(),
    "cat": lambda op, xs, dim: np.concatenate(xs, axis=dim),
    "stack": lambda op, xs, dim: np.stack(xs, axis=dim),
    "contiguous": lambda op, a: a,
    "clone": lambda op, a: a.copy(),
    "detach": lambda op, a: a,
    "size": lambda op, a: list(a.shape),
    "size_dim": lambda op, a, d: a.shape[d],
    "dim": lambda op, a: a.ndim,
    "numel": lambda op, a: int(a.size),
}
