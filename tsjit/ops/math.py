"""Unary math: exponentials, logarithms, roots, trigonometry, erf, rounding, nan_to_num.

Transcendental functions turn integer and bool inputs into the default float dtype (as torch
does); rounding keeps integers as they are.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import finfo, float_info, is_float
from tsjit.kernels.erf import erf as _erf64
from tsjit.kernels.promotion import as_array, not_implemented
from tsjit.kernels.ufuncs import floating, keep_int
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import Pointwise, defop, op, sample
from tsjit.ops.rules import same, same_dtype, to_float

_UNARY = "(Tensor self) -> Tensor"


def _erfc(k, x):
    """erfc(|x|) as Numerical Recipes' erfcc (relative error < 1.2e-7 over the whole tail, where
    1 - erf(x) loses everything; float32's rounding of x * x adds up to ~4e-6 near x = 8),
    reflected as 2 - erfc(|x|) for x < 0."""
    a = k.absf(x)
    t = k.recip(k.add(k.c(1.0), k.mul(k.c(0.5), a)))
    poly = k.c(0.17087277)
    for c in (-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
              1.00002368, -1.26551223):
        poly = k.add(k.c(c), k.mul(t, poly))
    tail = k.mul(t, k.exp(k.sub(poly, k.mul(a, a))))
    return k.select(k.cmp("lt", x, k.c(0.0)), k.sub(k.c(2.0), tail), tail)


#: name -> (numpy function, the Kit method of its C lowering, or its Pointwise body)
_FLOATING = {
    "exp": (np.exp, "exp"), "exp2": (np.exp2, "exp2"), "expm1": (np.expm1, "expm1"),
    "log": (np.log, "log"), "log2": (np.log2, "log2"), "log10": (np.log10, "log10"), "log1p": (np.log1p, "log1p"),
    "sqrt": (np.sqrt, "sqrt"), "rsqrt": (lambda x: np.reciprocal(np.sqrt(x)), "rsqrt"),
    "sin": (np.sin, "sin"), "cos": (np.cos, "cos"), "tan": (np.tan, "tan"),
    "asin": (np.arcsin, "asin"), "acos": (np.arccos, "acos"), "atan": (np.arctan, "atan"),
    "sinh": (np.sinh, "sinh"), "cosh": (np.cosh, "cosh"), "tanh": (np.tanh, "tanh"),
    "asinh": (np.arcsinh, "asinh"), "acosh": (np.arccosh, "acosh"), "atanh": (np.arctanh, "atanh"),
    "erf": (_erf64, "erf"),
    "erfc": (lambda x: 1.0 - _erf64(x.astype(np.float64)), _erfc),  # 1 - erf(x) in f32 loses the tail
}
#: PyTorch's other names for these ops (ATen aliases the importers also map)
_ALIASES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh",
            "atanh": "arctanh", "erfc": "special_erfc", "trunc": "fix",
            "erf": "special_erf", "exp2": "special_exp2", "expm1": "special_expm1", "log1p": "special_log1p"}

for _name, (_fn, _method) in _FLOATING.items():
    _body = _method if callable(_method) else (lambda k, x, m=_method: getattr(k, m)(x))
    defop(_name, _UNARY, floating(_fn), shape=same, dtype=to_float, verify=chk.SAME_SHAPE,
          samples=s.joined(s.unary(), lambda: [sample(np.linspace(-10, 10, 81, dtype=np.float32))]) if _name == "erfc"
          else s.unary(), api="torch Tensor", aten=f"{_name} {_ALIASES[_name]}" if _name in _ALIASES else None,
          lower=Pointwise(_body))

for _name, _fn, _method in (("floor", np.floor, "floor"), ("ceil", np.ceil, "ceil"), ("trunc", np.trunc, "trunc"),
                            ("round", np.round, "round_even")):
    defop(_name, _UNARY, keep_int(_fn, _name), shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, samples=s.unary(),
          aten=f"{_name} {_ALIASES[_name]}" if _name in _ALIASES else None,
          lower=Pointwise(lambda k, x, m=_method: getattr(k, m)(x) if k.float else x))


@op("frac", _UNARY, shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, samples=s.unary(), api="torch Tensor",
    lower=Pointwise(lambda k, x: k.sub(x, k.trunc(x)), float_only=True))
def frac(a):
    if not is_float(a.dtype):
        raise not_implemented("frac_cpu", a.dtype)
    return as_array(a - np.trunc(a))


def _nan_to_num_body(k, x):
    if not k.float:
        return x
    nan, posinf, neginf = k.params
    big = float(float_info(k.dtype).max)
    inf = k.c(float("inf"))
    x = k.select(k.cmp("eq", x, inf), k.c(big if posinf is None else posinf), x)
    x = k.select(k.cmp("eq", x, k.neg(inf)), k.c(-big if neginf is None else neginf), x)
    return k.select(k.cmp_raw("uno", x, x), k.c(0.0 if nan is None else nan), x)


@op("nan_to_num", "(Tensor self, float? nan=None, float? posinf=None, float? neginf=None) -> Tensor", shape=same,
    dtype=same_dtype, verify=chk.SAME_SHAPE, lower=Pointwise(_nan_to_num_body, params=(1, 2, 3)),
    samples=lambda: [sample(s.special(), None, None, None), sample(s.special(), 0.5, 100.0, -100.0),
                     sample(s.special("float64"), None, 1.0, None), sample(s.i64(3), 1.0, None, None),
                     sample(s.special().T, None, None, -1.0), sample(s.mask(3), None, None, None),
                     sample(np.array(np.nan, np.float32), 2.0, None, None), sample(s.f32(0, 2), None, None, None)],
    api="torch Tensor")
def nan_to_num(a, nan=None, posinf=None, neginf=None):
    if a.dtype.kind == "c":  # each part on its own
        return as_array(nan_to_num(a.real, nan, posinf, neginf) + 1j * nan_to_num(a.imag, nan, posinf, neginf)
                        ).astype(a.dtype)
    if not is_float(a.dtype):
        return a.copy()
    info = finfo(a.dtype)
    out = np.where(np.isnan(a), 0.0 if nan is None else nan, a)
    out = np.where(np.isposinf(a), info.max if posinf is None else posinf, out)
    out = np.where(np.isneginf(a), info.min if neginf is None else neginf, out)
    return as_array(out.astype(a.dtype))


def _logit_body(k, x):
    eps = k.params[0]
    if eps is not None:
        x = k.clamp(x, eps, 1 - eps)
    return k.log(k.div(x, k.sub(k.c(1), x)))


@op("logit", "(Tensor self, float? eps=None) -> Tensor", shape=same, dtype=to_float, verify=chk.SAME_SHAPE,
    api="torch Tensor", lower=Pointwise(_logit_body, params=(1,), float_only=True), aten="logit special_logit",
    samples=lambda: [sample(s.f32(2, 3, lo=0.01, hi=0.99), None), sample(s.f32(4, lo=0.0, hi=1.0), 1e-6),
                     sample(s.special(), None), sample(s.special(), 0.25), sample(s.i64(3, lo=0, hi=2), None),
                     sample(np.array(0.5, np.float32), 0.1), sample(s.f32(0, 2), None)])
def logit(a, eps=None):
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given (else outside [0, 1] is nan)."""
    x = a if is_float(a.dtype) else a.astype(np.float32)
    if eps is not None:
        x = np.clip(x, eps, 1 - eps)
    with np.errstate(all="ignore"):
        return as_array(np.log(x / (1 - x)).astype(x.dtype, copy=False))
