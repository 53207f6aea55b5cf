"""Elementwise special functions and predicates: xlogy, heaviside, logaddexp(2), signbit, rad2deg/deg2rad,
ldexp, isposinf/isneginf, isclose, float_power, bit shifts, sinc.

Each scalar formula is written once, as a `Pointwise` body, and the numpy kernel runs that same body
on arrays (`_NumpyKit` offers the Kit's methods on numpy), so the kernel, the numpy backend and C
compute alike; the kernel adds PyTorch's promotion and dtype errors around it.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float, is_inexact
from tsjit.kernels.dims import check_broadcast
from tsjit.kernels.erf import erf
from tsjit.kernels.promotion import BOOL, DEFAULT_FLOAT, as_array, cast, not_implemented, result_dtype, torch_name
from tsjit.kernels.ufuncs import complex_logaddexp
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import Pointwise, defines_ops, defop, sample
from tsjit.ops.rules import BOOL as B, FLOAT64, broadcast_of, fixed, promoted, promoted_float, same, to_float

_BINARY = broadcast_of(0, 1)
_F64 = 7  # ScalarType code of float64


class _NumpyKit:
    """The Kit's scalar methods (tsjit/lowering/elementwise.py) on numpy arrays of one dtype."""

    _UFUNCS = {"exp": np.exp, "log": np.log, "log1p": np.log1p, "exp2": np.exp2, "log2": np.log2, "sin": np.sin,
               "absf": np.abs, "absi": np.abs, "copysign": np.copysign, "trunc": np.trunc, "floor": np.floor,
               "cos": np.cos, "tan": np.tan, "tanh": np.tanh, "sqrt": np.sqrt, "expm1": np.expm1, "erf": erf, "round_even": np.rint,
               "cosh": np.cosh, "sinh": np.sinh, "acosh": np.arccosh}

    def __init__(self, dtype: np.dtype, params=()):
        self.dtype, self.params = dtype, params
        self.float = is_float(dtype)

    def c(self, value, dtype=None):
        return np.asarray(value).astype(dtype or self.dtype)

    def add(self, x, y): return np.add(x, y) if self.float else np.add(x, y, dtype=self.dtype)
    def sub(self, x, y): return np.subtract(x, y)
    def mul(self, x, y): return np.multiply(x, y)
    def div(self, x, y): return np.divide(x, y)
    def max(self, x, y): return np.maximum(x, y)
    def min(self, x, y): return np.minimum(x, y)
    def neg(self, x): return np.negative(x)
    def select(self, c, x, y): return np.where(c, x, y)
    def and_(self, x, y): return np.logical_and(x, y) if x.dtype == BOOL else np.bitwise_and(x, y)
    def or_(self, x, y): return np.logical_or(x, y) if x.dtype == BOOL else np.bitwise_or(x, y)
    def is_bool(self, x): return x.dtype == BOOL

    i1 = BOOL

    def cmp(self, pred, x, y):
        return {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
                "ge": np.greater_equal}[pred](x, y)

    def cmp_raw(self, predicate, x, y):
        assert predicate == "uno"
        return np.isnan(x) | np.isnan(y)

    def wide(self, x): return np.asarray(x, np.float64)
    def narrow(self, x): return np.asarray(x).astype(self.dtype)
    def widened(self): return _NumpyKit(np.dtype(np.float64), self.params)

    def recip(self, x): return np.divide(self.c(1), x)
    def clamp(self, x, lo, hi): return np.minimum(np.maximum(x, self.c(lo)), self.c(hi))

    def __getattr__(self, name):
        if name not in self._UFUNCS:
            raise AttributeError(name)
        return self._UFUNCS[name]


def _run(body, dtype, *xs, params=()):
    """A Pointwise body on arrays already cast to the compute dtype (errors quiet, a fresh array out)."""
    with np.errstate(all="ignore"):
        out = np.asarray(body(_NumpyKit(dtype, params), *xs))
    shape = np.broadcast_shapes(*(np.shape(x) for x in xs))
    return np.array(np.broadcast_to(out, shape), dtype=out.dtype if out.dtype == BOOL else dtype)


@defines_ops
def _float_binary(name, body, *, floats_only=None, same_dtype=None, samples=None, api="torch Tensor",
                  complex_fn=None, **options):
    """A binary op computing `body` in the promoted float dtype (integers become the default float);
    `complex_fn(a, b)` computes it for complex operands where the body (comparisons) cannot."""
    def kernel(a, b):
        if same_dtype and isinstance(b, np.ndarray) and a.dtype != b.dtype:
            raise RuntimeError(same_dtype)
        dtype = result_dtype(a, b)
        if complex_fn is not None and dtype.kind == "c":
            check_broadcast(np.shape(a), np.shape(b))
            return as_array(np.asarray(complex_fn(cast(a, dtype), cast(b, dtype))).astype(dtype))
        if floats_only and not is_float(dtype):
            raise not_implemented(floats_only, dtype)
        dtype = dtype if is_inexact(dtype) else DEFAULT_FLOAT  # complex stays complex (ldexp of a complex x)
        check_broadcast(np.shape(a), np.shape(b))
        return _run(body, dtype, cast(a, dtype), cast(b, dtype))
    kernel.__name__ = name
    defop(name, f"(Tensor self, {options.pop('other', 'Tensor other')}) -> Tensor", kernel, shape=_BINARY,
          dtype=promoted_float(0, 1), verify=chk.broadcast(0, 1), api=api,
          lower=Pointwise(body, values=(0, 1)), samples=samples or s.binary(scalar=False), **options)


def _xlogy_body(k, x, y):
    """0 where x == 0 (unless y is NaN), else x * log(y)."""
    return k.select(k.cmp_raw("uno", y, y), y, k.select(k.cmp("eq", x, k.c(0)), k.c(0), k.mul(x, k.log(y))))


def _xlogy_samples():
    zeros = np.array([0, 0, 0, 1, -1, 2], np.float32), np.array([np.nan, 0, -1, 0, np.inf, np.nan], np.float32)
    return [*s.binary()(), sample(*zeros), sample(s.f32(3), 0)]


_float_binary("xlogy", _xlogy_body, other="Tensor|Scalar other", samples=_xlogy_samples, aten="xlogy special_xlogy")


def _logaddexp_body(base2: bool):
    def body(k, x, y):
        """max + log1p(exp(-|x - y|)); equal infinities give themselves (their difference is NaN)."""
        shift = k.neg(k.absf(k.sub(x, y)))
        tail = k.div(k.log1p(k.exp2(shift)), k.c(math.log(2))) if base2 else k.log1p(k.exp(shift))
        same_inf = k.and_(k.cmp("eq", x, y), k.cmp("eq", k.absf(x), k.c(math.inf)))
        return k.select(same_inf, x, k.add(k.max(x, y), tail))
    return body


def _logaddexp_samples():
    sp = s.special()
    return [*s.binary(scalar=False)(), sample(sp, sp), sample(sp, sp.T.reshape(3, 4).copy()),
            sample(s.f32(3) * 100, s.f32(3) * 100)]


for _name, _base2 in (("logaddexp", False), ("logaddexp2", True)):
    _float_binary(_name, _logaddexp_body(_base2), floats_only=f"{_name}_cpu", samples=_logaddexp_samples,
                  complex_fn=None if _base2 else complex_logaddexp)


def _heaviside_body(k, x, v):
    return k.select(k.cmp("eq", x, k.c(0)), v, k.select(k.cmp("gt", x, k.c(0)), k.c(1), k.c(0)))


def _heaviside(a, values):
    if a.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    check_broadcast(a.shape, values.shape)
    return _run(_heaviside_body, a.dtype, a, values)


defop("heaviside", "(Tensor self, Tensor values) -> Tensor", _heaviside, shape=_BINARY, dtype=promoted(0, 1),
      verify=chk.broadcast(0, 1), api="torch Tensor", lower=Pointwise(_heaviside_body, values=(0, 1)),
      samples=lambda: [sample(s.f32(2, 3), s.f32(3)), sample(s.special(), np.array([0.5], np.float32)),
                       sample(np.array([-1.0, 0.0, -0.0, 2.0], np.float32), np.array(0.25, np.float32)),
                       sample(s.i64(2, 3), s.i64(3)), sample(s.mask(4), s.mask(4)), sample(s.f64(3), s.f64(3)),
                       sample(s.f32(0, 3), s.f32(3)), sample(s.f32(3), s.f64(3)), sample(s.f32(3), s.f32(2))])


# -- unary predicates and scalings ---------------------------------------------------------------

def _signbit_body(k, x):
    if k.is_bool(x):
        return k.c(False, k.i1)
    if not k.float:
        return k.cmp("lt", x, k.c(0))
    return k.cmp("lt", k.copysign(k.c(1), x), k.c(0))  # -0.0 and -NaN too


def _inf_test(sign: float):
    def body(k, x):
        return k.cmp("eq", x, k.c(sign)) if k.float else k.c(False, k.i1)
    return body


def _predicate(name, body):
    def kernel(a):
        return _run(body, a.dtype, a).astype(BOOL, copy=False)
    kernel.__name__ = name
    defop(name, "(Tensor self) -> Tensor", kernel, shape=same, dtype=fixed(B), verify=chk.SAME_SHAPE,
          api="torch Tensor", lower=Pointwise(body, compute="input"),
          samples=s.joined(s.unary(), lambda: [sample(np.array([-0.0, np.nan, -np.nan, -np.inf], np.float32)),
                                               sample(s.i32(4))]))


_predicate("signbit", _signbit_body)
_predicate("isposinf", _inf_test(math.inf))
_predicate("isneginf", _inf_test(-math.inf))


def _scaling(name, factor):
    def body(k, x):
        return k.mul(x, k.c(factor))

    def kernel(a):
        dtype = a.dtype if is_float(a.dtype) else DEFAULT_FLOAT
        return _run(body, dtype, a.astype(dtype, copy=False))
    kernel.__name__ = name
    defop(name, "(Tensor self) -> Tensor", kernel, shape=same, dtype=to_float, verify=chk.SAME_SHAPE,
          api="torch Tensor", lower=Pointwise(body), samples=s.unary())


_scaling("rad2deg", 180.0 / math.pi)
_scaling("deg2rad", math.pi / 180.0)


def _sinc_body(k, x):
    """sin(pi x) / (pi x), 1 at 0."""
    px = k.mul(x, k.c(math.pi))
    return k.select(k.cmp("eq", x, k.c(0)), k.c(1), k.div(k.sin(px), px))


def _sinc(a):
    if a.dtype.kind == "c":
        with np.errstate(all="ignore"):
            return as_array(np.sinc(a).astype(a.dtype))
    dtype = a.dtype if is_float(a.dtype) else DEFAULT_FLOAT
    return _run(_sinc_body, dtype, a.astype(dtype, copy=False))


defop("sinc", "(Tensor self) -> Tensor", _sinc, shape=same, dtype=to_float, verify=chk.SAME_SHAPE,
      api="torch Tensor", lower=Pointwise(_sinc_body), aten="sinc special_sinc",
      samples=s.unary(special_options={"atol": 1e-6}))


_float_binary("ldexp", lambda k, x, e: k.mul(x, k.exp2(e)),
              samples=lambda: [sample(s.f32(2, 3), s.i64(3)), sample(s.i64(3), s.i64(3)), sample(s.f32(3), s.f32(3)),
                               sample(s.mask(3), s.mask(3)), sample(s.f64(3), s.i64(3)), sample(s.i32(3), s.i64(3)),
                               sample(s.special(), s.i64(4)), sample(s.f32(3), s.f64(2, 3)),
                               sample(s.f32(0, 3), s.i64(3)), sample(s.f32(3), s.i64(4))])


# -- bit shifts -----------------------------------------------------------------------------------

def _shift_body(left: bool):
    def body(k, x, y):
        """x << y (0 once y is negative or >= the width); x >> y (the sign once it is), as ATen."""
        from xdsl.dialects import arith  # here: eager code does not load xDSL

        if k.float or k.is_bool(x):
            k.refuse("bit shifts of float or bool tensors")
        bits = k.dtype.width.data
        valid = k.and_(k.cmp("ge", y, k.c(0)), k.cmp("lt", y, k.c(bits)))
        ys = k.select(valid, y, k.c(0))
        if left:
            return k.select(valid, k.op(arith.ShLIOp(x, ys)), k.c(0))
        return k.select(valid, k.op(arith.ShRSIOp(x, ys)), k.op(arith.ShRSIOp(x, k.c(bits - 1))))
    return body


def _shift(name: str, left: bool):
    def kernel(a, b):
        dtype = result_dtype(a, b)
        if dtype.kind not in "iu":
            raise not_implemented("lshift_cpu" if left else "rshift_cpu", dtype)
        check_broadcast(np.shape(a), np.shape(b))
        x, y = cast(a, dtype), cast(b, dtype)
        bits = dtype.itemsize * 8
        valid = (y >= 0) & (y < bits)
        ys = np.where(valid, y, 0).astype(dtype)
        if left:
            out = np.where(valid, np.left_shift(x, ys), 0)
        else:
            out = np.where(valid, np.right_shift(x, ys), np.right_shift(x, dtype.type(bits - 1)))
        return np.array(np.broadcast_to(out, np.broadcast_shapes(x.shape, y.shape)), dtype=dtype)
    kernel.__name__ = name
    return kernel


def _shift_samples():
    x = np.array([-5, -1, 0, 3, 7, 100], np.int64)
    y = np.array([1, 0, 63, 64, -1, 2], np.int64)
    return [sample(s.i64(2, 3, lo=-100, hi=100), s.i64(3, lo=0, hi=8)), sample(x, y), sample(x.astype(np.int32), y),
            sample(x.astype(np.int32), y.astype(np.int32)), sample(x, 2), sample(x.astype(np.int8), np.array([9])),
            sample(x.astype(np.uint8), 3), sample(s.i64(0, 2), s.i64(2)), sample(np.array(7), s.i64(3, lo=0, hi=4)),
            sample(x, 1.5), sample(s.mask(3), s.mask(3)), sample(s.f32(3), 1), sample(s.i64(3), s.i64(2))]


for _name, _left, _alias in (("bitwise_left_shift", True, "__lshift__"), ("bitwise_right_shift", False, "__rshift__")):
    defop(_name, "(Tensor self, Tensor|Scalar other) -> Tensor", _shift(_name, _left), shape=_BINARY,
          dtype=promoted(0, 1), verify=chk.broadcast(0, 1), api="torch Tensor", aten=f"{_name} {_alias}",
          lower=Pointwise(_shift_body(_left), values=(0, 1)), samples=_shift_samples)


# -- float_power, isclose (decompositions) --------------------------------------------------------

def _float_power(g, x, exponent):
    """pow in float64, whatever the operands' dtypes."""
    x64 = g.to(x, _F64)
    if isinstance(exponent, int | float | bool):
        return g.pow(x64, float(exponent))
    return g.pow(x64, g.to(exponent, _F64))


defop("float_power", "(Tensor self, Tensor|Scalar exponent) -> Tensor", decompose=_float_power, shape=_BINARY,
      dtype=fixed(FLOAT64), verify=chk.broadcast(0, 1), api="torch Tensor",
      samples=lambda: [sample(s.pos(2, 3), s.f32(3)), sample(s.i64(3), 2), sample(s.f32(3), s.i64(3, lo=-2, hi=3)),
                       sample(s.mask(3), s.mask(3)), sample(s.f32(3), 0.5), sample(s.special(), 2.0),
                       sample(s.f64(3), -1), sample(s.f32(0, 2), s.f32(2)), sample(np.array(2.0, np.float32), s.f32(3)),
                       sample(s.i64(3, lo=-3, hi=3), s.i64(3, lo=-2, hi=3)), sample(s.f32(3), s.f32(2))])


def _isclose(g, x, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|x - other| <= atol + |rtol * other| where that error is finite, or x == other (NaNs equal with
    equal_nan); integers compare their errors in the default float dtype, as ATen."""
    rtol, atol, equal_nan = g.value(rtol), g.value(atol), g.value(equal_nan)
    dtype = g.dtype(x)
    if dtype != g.dtype(other):
        raise reject(g, RuntimeError(f"{torch_name(dtype)} did not match {torch_name(g.dtype(other))}"))
    if rtol < 0:
        raise reject(g, RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol:g}"))
    if atol < 0:
        raise reject(g, RuntimeError(f"atol must be greater than or equal to zero, but got {atol:g}"))
    close = g.eq(x, other)
    if equal_nan and is_inexact(dtype):
        close = g.logical_or(close, g.logical_and(g.isnan(x), g.isnan(other)))
    if dtype == BOOL or (rtol == 0 and atol == 0):
        return close
    a, b = (x, other) if is_inexact(dtype) else (g.to(x, 6), g.to(other, 6))
    error = g.abs(g.sub(a, b))
    allowed = g.add(g.abs(g.mul(b, rtol)), atol)
    return g.logical_or(close, g.logical_and(g.isfinite(error), g.le(error, allowed)))


defop("isclose", "(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> Tensor",
      decompose=_isclose, shape=_BINARY, dtype=fixed(B), verify=chk.comparison(0, 1),
      samples=lambda: [sample(s.f32(2, 3), s.f32(3), 1e-5, 1e-8, False),
                       sample(np.array([1.0, 1.0, 1e-9, 100.0], np.float32),
                              np.array([1.0 + 1e-6, 1.1, 0.0, 100.001], np.float32), 1e-5, 1e-8, False),
                       sample(s.special(), s.special(), 1e-5, 1e-8, False),
                       sample(s.special(), s.special(), 1e-5, 1e-8, True),
                       sample(s.f32(3), s.f32(3) + 0.05, 0.1, 0.0, False), sample(s.f32(3), s.f32(3), 0.0, 0.0, False),
                       sample(s.i64(2, 3), s.i64(3), 1e-5, 1.0, False), sample(s.mask(4), s.mask(4), 1e-5, 1e-8, False),
                       sample(s.f64(3), s.f64(3), 1e-5, 1e-8, False), sample(s.f32(3), s.f64(3), 1e-5, 1e-8, False),
                       sample(s.f32(3), s.f32(3), -1.0, 1e-8, False), sample(s.f32(3), s.f32(3), 1e-5, -1.0, False),
                       sample(s.f32(0, 3), s.f32(3), 1e-5, 1e-8, False), sample(s.f32(2), s.f32(3), 1e-5, 1e-8, False)])
