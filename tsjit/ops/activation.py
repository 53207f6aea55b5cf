"""Activation functions, softmax and log_softmax (torch.nn.functional's nonlinearities).

Most are defined on float tensors only, as torch's CPU kernels are ("silu_cpu" not implemented
for 'Long'); those that accept integers turn them into the default float dtype or keep them.
"""
from __future__ import annotations

import math as pymath

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import wrap_dim
from tsjit.kernels.erf import erf
from tsjit.kernels.promotion import C_NAME, as_array, cast, dtype_of, not_implemented, to_float
from tsjit.kernels.ufuncs import float_only
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import Pointwise, defop, op, sample
from tsjit.ops.rules import ShapeError, dims, from_arg, same, same_dtype, to_float as float_dtype, with_dim, wrap

_UNARY = "(Tensor self) -> Tensor"
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _floats_only(a: np.ndarray, name: str) -> None:
    if not is_float(a.dtype):
        raise not_implemented(name, a.dtype)


def _sigmoid(k, x):
    return k.recip(k.add(k.c(1), k.exp(k.neg(x))))


def _hardsigmoid(k, x):
    return k.div(k.clamp(k.add(x, k.c(3)), 0, 6), k.c(6))


def _softplus(k, x, beta=1.0, threshold=20.0):
    bx = k.mul(x, k.c(beta))
    soft = k.div(k.log1p(k.exp(bx)), k.c(beta))
    return k.select(k.cmp("gt", bx, k.c(threshold)), x, soft)


def _np_softplus(x, beta=1.0, threshold=20.0):
    with np.errstate(over="ignore"):
        soft = np.log1p(np.exp(x * beta)) / beta
    return np.where(x * beta > threshold, x, soft).astype(x.dtype, copy=False)


@op("relu", _UNARY, shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, samples=s.unary(),
    lower=Pointwise(lambda k, x: k.max(x, k.c(0))))
def relu(a):
    if a.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return as_array(np.maximum(a, 0))


def hardtanh(a, lo=-1.0, hi=1.0):
    if a.dtype.kind == "b":
        raise not_implemented("hardtanh_cpu", a.dtype)
    return as_array(np.minimum(np.maximum(a, cast(lo, a.dtype)), cast(hi, a.dtype)))


defop("relu6", _UNARY, lambda a: hardtanh(a, 0, 6), shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
      samples=s.unary(), lower=Pointwise(lambda k, x: k.clamp(x, 0, 6)))
defop("hardtanh", "(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor", hardtanh, shape=same,
      dtype=same_dtype, verify=chk.SAME_SHAPE, samples=s.unary(-0.5, 2.0),
      lower=Pointwise(lambda k, x: k.clamp(x, *k.params), params=(1, 2)))


@op("sigmoid", _UNARY, shape=same, dtype=float_dtype, verify=chk.SAME_SHAPE, samples=s.unary(),
    lower=Pointwise(_sigmoid), aten="sigmoid special_expit")
def sigmoid(a):
    a = to_float(a)
    with np.errstate(over="ignore"):
        return as_array(1 / (1 + np.exp(-a)))


def _float_unary(name: str, fn, body, kernel_name: str, complex_too: bool = False, **options) -> None:
    """An activation defined for float (and with `complex_too`, complex) tensors only."""
    defop(name, _UNARY, float_only(fn, kernel_name, complex_too), shape=same, dtype=float_dtype, verify=chk.SAME_SHAPE,
          samples=s.unary(), lower=Pointwise(body, float_only=True), **options)


_float_unary("silu", lambda x: x / (1 + np.exp(-x)), lambda k, x: k.mul(x, _sigmoid(k, x)), "silu_cpu",
             complex_too=True)
_float_unary("mish", lambda x: x * np.tanh(_np_softplus(x)), lambda k, x: k.mul(x, k.tanh(_softplus(k, x))),
             "mish_cpu")
_float_unary("hardsigmoid", lambda x: np.minimum(np.maximum(x + 3, 0), 6) / 6, _hardsigmoid, "hardsigmoid_cpu")
_float_unary("hardswish", lambda x: x * (np.minimum(np.maximum(x + 3, 0), 6) / 6),
             lambda k, x: k.mul(x, _hardsigmoid(k, x)), "hardswish_cpu")
_float_unary("selu", lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(x)),
             lambda k, x: k.mul(k.c(_SELU_SCALE), k.select(k.cmp("gt", x, k.c(0)), x,
                                                          k.mul(k.c(_SELU_ALPHA), k.expm1(x)))), "selu",
             api="torch F")


def _logsigmoid_body(k, x):
    """log(sigmoid(x)) = -(max(-x, 0) + log1p(exp(-|x|))): no overflow for either sign."""
    return k.neg(k.add(k.max(k.neg(x), k.c(0)), k.log1p(k.exp(k.neg(k.absf(x))))))


_float_unary("logsigmoid", lambda x: -np.logaddexp(0, -x), _logsigmoid_body, "log_sigmoid_forward_cpu",
             aten="log_sigmoid", api="F")


@op("softsign", _UNARY, shape=same, dtype=float_dtype, verify=chk.SAME_SHAPE, samples=s.unary(), aten=(),
    lower=Pointwise(lambda k, x: k.div(x, k.add(k.c(1), k.absf(x)))))
def softsign(a):
    """F.softsign (no ATen op: a decomposition in torch)."""
    if a.dtype.kind == "b":  # torch computes abs(a) first, which has no bool kernel
        raise not_implemented("abs_cpu", a.dtype)
    x = to_float(a)
    return as_array(x / (1 + np.abs(x)))


defop("tanhshrink", _UNARY, lambda a: as_array(to_float(a) - np.tanh(to_float(a))), shape=same, dtype=float_dtype,
      verify=chk.SAME_SHAPE, samples=s.unary(), aten=(), lower=Pointwise(lambda k, x: k.sub(x, k.tanh(x))))


#: torch's vectorised float32 gelu gives nan at +inf (its scalar and float64 paths give inf, the limit, as tsjit)
_GELU_AT_INF = {"torch": False, "note": "torch's vectorised float32 gelu gives nan at +inf"}


def _gelu_body(k, x):
    approximate = k.params[0]
    if approximate == "tanh":  # 0.5 x (1 + tanh(z)) = x sigmoid(2z) = x / (1 + exp(-2z)): no tanh
        # (a polynomial, an exp and a division, selected), and no cancellation in 1 + tanh(z) for z << 0
        cube = k.mul(k.mul(x, x), x)
        minus_2z = k.mul(k.c(-2 * pymath.sqrt(2 / pymath.pi)), k.add(x, k.mul(k.c(0.044715), cube)))
        return k.div(x, k.add(k.c(1), k.exp(minus_2z)))
    if approximate != "none":
        k.refuse(f"gelu approximate={approximate!r}")
    return k.mul(k.mul(k.c(0.5), x), k.add(k.c(1), k.erf(k.mul(x, k.c(pymath.sqrt(0.5))))))


@op("gelu", "(Tensor self, *, str approximate=\"none\") -> Tensor", shape=same, dtype=float_dtype,
    verify=chk.SAME_SHAPE, samples=s.joined(s.unary("none", special_options=_GELU_AT_INF),
                                            s.unary("tanh", ints=False, special_options=_GELU_AT_INF)),
    lower=Pointwise(_gelu_body, params=(1,), float_only=True))
def gelu(a, approximate="none"):
    _floats_only(a, "GeluKernelImpl")
    if approximate == "none":
        x = a.astype(np.float64)
        return as_array((0.5 * x * (1.0 + erf(x * np.sqrt(0.5)))).astype(a.dtype))
    if approximate == "tanh":
        inner = np.sqrt(2 / np.pi) * (a + 0.044715 * a * a * a)
        return as_array((0.5 * a * (1 + np.tanh(inner))).astype(a.dtype))
    raise RuntimeError("approximate argument must be either none or tanh.")


@op("leaky_relu", "(Tensor self, Scalar negative_slope=0.01) -> Tensor", shape=same, dtype=same_dtype,
    verify=chk.SAME_SHAPE, samples=s.unary(0.2),
    lower=Pointwise(lambda k, x: k.select(k.cmp("gt", x, k.c(0)), x, k.mul(x, k.c(k.params[0]))), params=(1,),
                    float_only=True))
def leaky_relu(a, slope=0.01):
    _floats_only(a, "leaky_relu_cpu")
    return as_array(np.where(a > 0, a, a * cast(slope, a.dtype)))


def _elu_body(k, x):
    alpha, scale, input_scale = k.params
    neg = k.expm1(k.mul(k.min(x, k.c(0)), k.c(input_scale)))
    return k.select(k.cmp("gt", x, k.c(0)), k.mul(x, k.c(scale)), k.mul(neg, k.c(alpha * scale)))


@op("elu", "(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor", shape=same,
    dtype=float_dtype, verify=chk.SAME_SHAPE, samples=s.joined(s.unary(1.0, 1.0, 1.0), s.unary(0.5, 2.0, 1.5)),
    lower=Pointwise(_elu_body, params=(1, 2, 3), float_only=True))
def elu(a, alpha=1.0, scale=1.0, input_scale=1.0):
    _floats_only(a, "elu_cpu")
    neg = np.expm1(np.minimum(a, 0) * input_scale) * alpha * scale
    return as_array(np.where(a > 0, a * scale, neg).astype(a.dtype))


defop("celu", "(Tensor self, Scalar alpha=1.0) -> Tensor",
      float_only(lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x / alpha)), "celu"),
      shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE, samples=s.unary(0.7),
      lower=Pointwise(lambda k, x: k.select(k.cmp("gt", x, k.c(0)), x, k.mul(k.c(k.params[0]), k.expm1(
          k.div(x, k.c(k.params[0]))))), params=(1,), float_only=True), api="torch F")


@op("softplus", "(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor", shape=same, dtype=float_dtype,
    verify=chk.SAME_SHAPE, samples=s.joined(s.unary(1.0, 20.0), s.unary(2.0, 3.0, ints=False)),
    lower=Pointwise(lambda k, x: _softplus(k, x, *k.params), params=(1, 2), float_only=True))
def softplus(a, beta=1.0, threshold=20.0):
    _floats_only(a, "softplus_cpu")
    return as_array(_np_softplus(a, beta, threshold))


@op("threshold", "(Tensor self, Scalar threshold, Scalar value) -> Tensor", shape=same, dtype=same_dtype,
    verify=chk.SAME_SHAPE, samples=s.unary(0.1, -2.0),
    lower=Pointwise(lambda k, x: k.select(k.cmp("le", x, k.c(k.params[0])), k.c(k.params[1]), x), params=(1, 2)))
def threshold(a, th, value):
    """x <= threshold gives value, else x (NaN stays NaN)."""
    if a.dtype.kind == "b":
        raise not_implemented("threshold_cpu", a.dtype)
    return as_array(np.where(a <= cast(th, a.dtype), cast(value, a.dtype), a))


for _name, _np, _body in (
        ("hardshrink", lambda x, lambd=0.5: np.where(np.abs(x) <= lambd, 0, x),  # NaN stays NaN
         lambda k, x: k.select(k.cmp("le", k.absf(x), k.c(k.params[0])), k.c(0), x)),
        ("softshrink", lambda x, lambd=0.5: np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, x * 0)),
         lambda k, x: k.select(k.cmp("gt", x, k.c(k.params[0])), k.sub(x, k.c(k.params[0])), k.select(
             k.cmp("lt", x, k.c(-k.params[0])), k.add(x, k.c(k.params[0])), k.mul(x, k.c(0)))))):
    defop(_name, "(Tensor self, Scalar lambd=0.5) -> Tensor", float_only(_np, f"{_name}_cpu"), shape=same,
          dtype=same_dtype, verify=chk.SAME_SHAPE, samples=s.unary(0.5),
          lower=Pointwise(_body, params=(1,), float_only=True),
          api="torch Tensor F" if _name == "hardshrink" else "F")


def _prelu_weight(a_shape: tuple[int, ...], dtype: np.dtype, weight_shape: tuple[int, ...], weight_dtype) -> tuple:
    """The shape the weight takes to broadcast along dim 1 (ATen's prelu), or PyTorch's error."""
    _floats_only(np.empty(0, dtype), "prelu_cpu")
    if weight_dtype != dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {C_NAME[dtype.name]} and "
                           f"{C_NAME[weight_dtype.name]}")
    size = int(np.prod(weight_shape, dtype=np.int64))
    if size != 1:
        if not a_shape:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = a_shape[1] if len(a_shape) >= 2 else 1
        if size != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers "
                               f"= {size} and channel size = {channels}.")
    if len(weight_shape) > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {len(weight_shape)}")
    return (size,) + (1,) * (len(a_shape) - 2) if size != 1 and len(a_shape) >= 2 else ()


def _prelu(g, a, weight):
    """where(a > 0, a, weight * a), the weight laid along dim 1."""
    try:
        shape = _prelu_weight(g.shape(a), g.dtype(a), g.shape(weight), g.dtype(weight))
    except (RuntimeError, NotImplementedError) as e:
        raise reject(g, e) from None
    w = g.reshape(weight, list(shape)) if tuple(g.shape(weight)) != shape else weight
    return g.where(g.gt(a, 0), a, g.mul(w, a))


@op("prelu", "(Tensor self, Tensor weight) -> Tensor", shape=same, dtype=same_dtype, aten="prelu", decompose=_prelu,
    samples=lambda: [sample(s.f32(2, 3, 4), s.f32(3)), sample(s.f32(2, 3), s.f32(1).reshape(())),
                     sample(s.f32(4, 1), s.f32(1)), sample(np.array(-2.0, np.float32), s.f32(1)),
                     sample(s.special(), s.f32(4)), sample(s.strided(3, 2), s.f32(2)), sample(s.f32(3), s.f32(1)),
                     sample(s.f64(2, 2, 2, 2), s.f64(2)), sample(s.f32(0, 3), s.f32(3)), sample(s.i64(3), s.i64(1)),
                     sample(s.f32(3), s.f64(1)), sample(s.f32(2), s.f32(2)), sample(s.f32(1, 2), s.f32(1, 2))],
    api="Tensor F")
def prelu(a, weight):
    shape = _prelu_weight(a.shape, a.dtype, weight.shape, weight.dtype)
    weight = weight.reshape(shape)
    return as_array(np.where(a > 0, a, weight * a).astype(a.dtype, copy=False))


def _glu_shape(a, dim):
    xs = dims(a)
    if not xs:
        raise ShapeError("glu does not support scalars because halving size must be even")
    d = wrap(dim, len(xs))
    return with_dim(xs, d, xs[d] // 2 if xs[d] >= 0 else xs[d])


def _glu(g, a, dim):
    """a * sigmoid(b) for the halves a, b of dim."""
    d = g.value(dim)
    if not is_float(g.dtype(a)) or not g.dim(a) or g.shape(a)[d] % 2:
        raise reject(g, RuntimeError("glu needs a float tensor of rank >= 1 with an even dim to halve"))
    half = g.shape(a)[d] // 2
    return g.mul(g.narrow(a, d, 0, half), g.sigmoid(g.narrow(a, d, half, half)))


@op("glu", "(Tensor self, int dim=-1) -> Tensor", shape=_glu_shape, dtype=same_dtype, decompose=_glu,
    samples=lambda: [sample(s.f32(2, 4), 1), sample(s.f32(4, 3, 2), 0), sample(s.f32(3, 3), -1),
                     sample(s.special(), 1), sample(s.strided(4, 2), 0), sample(s.f64(2, 6), -1),
                     sample(s.f32(0, 4), -1), sample(s.i64(2, 4), 1), sample(np.array(1.0, np.float32), 0)], api="F")
def glu(a, dim=-1):
    if not is_float(a.dtype):
        raise not_implemented("glu_cpu", a.dtype)
    if a.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {a.shape[d]}")
    first, second = np.split(a, 2, axis=d)
    with np.errstate(all="ignore"):
        return as_array((first / (1 + np.exp(-second))).astype(a.dtype))


def _softmax_input(a, dim, dtype, name):
    if dtype is not None:
        a = a.astype(dtype_of(dtype), copy=False)
    _floats_only(a, name)
    return a, wrap_dim(dim, a.ndim)


def _softmax_samples():
    return [sample(s.f32(2, 5), 1, None), sample(s.f32(3, 4, 2), 0, None), sample(s.special(), -1, None),
            sample(s.f32(3), 0, 7), sample(np.array(s.f32(1)[0]), 0, None), sample(s.i64(3), 0, None),
            sample(np.array(np.inf, np.float32), -1, None), sample(np.array(np.nan, np.float64), 0, 6),
            sample(s.f32(0, 3), 1, None), sample(s.f32(3, 0), 1, None), sample(s.f32(0, 3), 0, None)]


@op("softmax", "(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", shape=same,
    dtype=from_arg(2, float_dtype), verify=chk.SAME_SHAPE, lower="reductions.lower_softmax",
    samples=_softmax_samples, aten="softmax special_softmax")
def softmax(a, dim, dtype=None):
    a, dim = _softmax_input(a, dim, dtype, "softmax_lastdim_kernel_impl")
    if a.ndim == 0:  # exp(a - a) / exp(a - a): 1, and nan for +-inf and nan, as PyTorch
        with np.errstate(invalid="ignore"):
            return as_array(np.exp(a - a) / np.exp(a - a))
    if a.size == 0:  # nothing to normalise (a 3x0 tensor): numpy's max of no elements would raise
        return a.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(a - a.max(axis=dim, keepdims=True))
        e /= e.sum(axis=dim, keepdims=True)
    return e


@op("log_softmax", "(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", shape=same,
    dtype=from_arg(2, float_dtype), verify=chk.SAME_SHAPE, lower="reductions.lower_softmax",
    samples=_softmax_samples, aten="log_softmax special_log_softmax")
def log_softmax(a, dim, dtype=None):
    a, dim = _softmax_input(a, dim, dtype, "log_softmax_lastdim_kernel_impl")
    if a.ndim == 0:  # 0, and nan for +-inf and nan, as PyTorch
        with np.errstate(invalid="ignore"):
            return as_array(a - a)
    if a.size == 0:  # nothing to normalise (a 3x0 tensor): numpy's max of no elements would raise
        return a.copy()
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        shifted = a - a.max(axis=dim, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
