"""Upstream `math` on Python floats and elementwise on ndarrays (float32 stays float32).

Scalars go through numpy too and come back as Python floats, so IEEE results (exp overflow
to inf, log(0) = -inf, sqrt(-1) = nan) hold instead of Python's exceptions.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.backends.numpy.ops.upstream_common import is_array
from tsjit.backends.numpy.table import register
from tsjit.kernels.erf import erf as _erf_kernel


def _rsqrt(x):
    return 1 / np.sqrt(x)


def _erf(x):
    result = _erf_kernel(x)
    return result.astype(x.dtype) if is_array(x) else result


def _fpowi(x, n):
    return np.power(x, np.asarray(n, dtype=np.asarray(x).dtype if is_array(x) else np.float64))


UNARY: dict[str, Callable] = {
    "absf": np.abs, "absi": np.abs, "ceil": np.ceil, "floor": np.floor, "trunc": np.trunc,
    "round": lambda x: np.copysign(np.floor(np.abs(x) + 0.5), x), "roundeven": np.round,
    "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1,
    "log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p,
    "sqrt": np.sqrt, "rsqrt": _rsqrt, "cbrt": np.cbrt, "erf": _erf,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh, "acosh": np.arccosh,
    "atanh": np.arctanh,
}
BINARY: dict[str, Callable] = {
    "powf": np.power, "atan2": np.arctan2, "copysign": np.copysign, "fpowi": _fpowi, "ipowi": np.power,
}


def _elementwise(fn: Callable) -> Callable:
    def run(*args):
        with np.errstate(all="ignore"):
            result = fn(*args)
        if is_array(args[0]) or (len(args) > 1 and is_array(args[1])):
            return result
        return result.item() if hasattr(result, "item") else result

    return run


for _name, _fn in {**UNARY, **BINARY}.items():
    register(f"math.{_name}")(lambda op, planner, fn=_elementwise(_fn): fn)


@register("math.fma")
def _fma(op, planner):
    return _elementwise(lambda a, b, c: np.add(np.multiply(a, b), c))
