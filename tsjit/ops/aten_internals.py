"""ATen's internal spellings and argument forms of ops tsjit has: _to_copy, _cast_*, _softmax,
_log_softmax, _safe_softmax, native_layer_norm, _unsafe_view, conv{1,2}d with a padding string
(conv{1,2}d_padding), round with decimals (round_decimals), _reshape_alias, _trilinear (what
F.bilinear decomposes into): what frozen TorchScript graphs and torch's decompositions contain
(empty_strided, a factory, is in creation.py).

Most are decompositions onto the public ops, so they lower wherever those do. Schemas keep ATen's
argument order so the importers map `aten::` nodes by position; `Layout?` and `MemoryFormat?`
arguments (ints in TorchScript) are `int?` operands and ignored, as tsjit tensors are dense and
contiguous on the cpu.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import cast, dtype_of, not_implemented
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable, reject
from tsjit.ops.registry import REGISTRY, Pointwise, defop, op, sample
from tsjit.ops.rules import BY_KERNEL, ShapeError, dims, from_arg, int_list, promoted, same, same_dtype

_I64, _F32, _F64, _BOOL = 4, 6, 7, 11  # ScalarType codes used by samples


# -- copies and casts -------------------------------------------------------------------------------

@op("_to_copy", "(Tensor self, *, ScalarType? dtype=None, int? layout=None, Device? device=None, "
    "bool? pin_memory=None, bool non_blocking=False, int? memory_format=None) -> Tensor",
    shape=same, dtype=from_arg(1), verify=chk.SAME_SHAPE, lower=Pointwise(lambda k, x: x),
    samples=lambda: [sample(s.f32(2, 3) * 3, _I64, None, None, None, False, None),
                     sample(s.f32(2, 3), None, None, None, None, False, None),
                     sample(s.special(), _BOOL, None, None, None, False, None),
                     sample(s.i64(2, 3), _F32, None, None, None, False, None),
                     sample(s.mask(4), _F64, None, None, None, False, None),
                     sample(s.strided(3, 4), _F64, None, None, None, True, None),
                     sample(np.array(2.5, np.float32), _I64, None, None, None, False, None),
                     sample(s.f32(0, 3), None, None, None, None, False, None)])
def _to_copy(a, dtype=None, layout=None, device=None, pin_memory=None, non_blocking=False, memory_format=None):
    """What `.to(dtype)` becomes in torch's decompositions: always a fresh tensor."""
    out = cast(a, dtype_of(dtype, a.dtype))
    return out.copy() if out is a else out


def _cast(code: int):
    def decompose(g, x, non_blocking):
        return g.to(x, code)
    return decompose


for _name, _code in (("Char", 1), ("Short", 2), ("Int", 3), ("Long", 4), ("Float", 6),
                     ("Double", 7)):
    defop(f"_cast_{_name}", "(Tensor self, bool non_blocking=False) -> Tensor", decompose=_cast(_code),
          shape=same, dtype=lambda x, nb, _c=_code: dtype_of(_c), verify=chk.SAME_SHAPE, api="torch",
          samples=lambda: [sample(s.f32(2, 3) * 3, False), sample(s.i64(2, 3), False), sample(s.special(), True),
                           sample(s.mask(4), False), sample(np.array(-1.5), False), sample(s.f64(0, 2), False)])


# -- softmax --------------------------------------------------------------------------------------

def _half_to_float(name: str):
    """_softmax(x, dim, half_to_float): softmax(x, dim), the flag refused as torch's CPU kernel does."""
    public = name.lstrip("_")

    def decompose(g, x, dim, half_to_float):
        if g.value(half_to_float):
            raise NotDecomposable("half_to_float runs on CUDA only")
        return getattr(g, public)(x, dim, None)

    def kernel(a, dim, half_to_float):
        if half_to_float:
            raise RuntimeError("softmax with half to float conversion is not supported on CPU")
        return REGISTRY[public].kernel(a, dim, None)
    kernel.__name__ = name
    return decompose, kernel


def _softmax_samples():
    return [sample(s.f32(2, 5), 1, False), sample(s.f32(3, 4, 2), 0, False), sample(s.special(), -1, False),
            sample(s.f64(3), 0, False), sample(np.array(s.f32(1)[0]), 0, False), sample(s.i64(3), 0, False),
            sample(s.f32(0, 3), 1, False), sample(s.f32(2, 3), 1, True), sample(s.f32(2, 3), 2, False)]


for _name in ("_softmax", "_log_softmax"):
    _decompose, _kernel = _half_to_float(_name)
    defop(_name, "(Tensor self, int dim, bool half_to_float) -> Tensor", _kernel, decompose=_decompose, shape=same,
          dtype=same_dtype, verify=chk.SAME_SHAPE, api="torch", samples=_softmax_samples)


def _safe_softmax(g, x, dim, dtype):
    """softmax, except that rows of -inf alone give 0 (not NaN): torch._decomp's _safe_softmax. A
    float row is all -inf exactly when its max is (a NaN makes the max NaN), so the max the
    softmax shifts by also picks the rows: no count of -inf entries, one pass fewer over scores."""
    if dtype is None and is_float(g.dtype(x)) and g.shape(x) and g.shape(x)[dim] != 0:  # amax needs elements
        m = g.amax(x, [dim], True)
        e = g.exp(g.sub(x, m))
        return g.where(g.eq(m, -math.inf), 0.0, g.div(e, g.sum(e, [dim], True)))
    out = g.softmax(x, dim, dtype)
    shape = g.shape(x)
    n = shape[dim] if shape else 1
    masked = g.sum(g.eq(x, -math.inf), [dim], True)
    return g.where(g.ne(masked, n), out, 0.0)


defop("_safe_softmax", "(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", decompose=_safe_softmax,
      shape=same, dtype=lambda x, dim, dtype: REGISTRY["softmax"].dtype(x, dim, dtype), verify=chk.SAME_SHAPE,
      api="torch",
      samples=lambda: [sample(np.array([[-np.inf] * 3, [1, 2, 3], [-np.inf, 0, -np.inf]], np.float32), 1, None),
                       sample(s.f32(3, 4, 2), 0, None), sample(s.special(), -1, None), sample(s.special(), 0, _F64),
                       sample(np.array(-np.inf, np.float32), 0, None), sample(s.i64(3), 0, _F64),
                       sample(s.i64(3), 0, None), sample(s.f32(0, 3), 1, None), sample(s.f32(3, 0), 1, None),
                       sample(s.f32(2, 3), 2, None),
                       sample(np.array([[-np.inf, np.nan], [-np.inf, np.inf]], np.float32), 1, None)])


# -- native_layer_norm ------------------------------------------------------------------------------

def _native_layer_norm_shape(x, normalized_shape, weight, bias, eps):
    xs = dims(x)
    n = len(int_list(normalized_shape, "normalized_shape"))
    stats = xs[:len(xs) - n] + (1,) * n
    return xs, stats, stats


def _native_layer_norm(g, x, normalized_shape, weight, bias, eps):
    """(layer_norm, mean, 1 / sqrt(biased var + eps)), the statistics keeping the normalized dims as 1s."""
    out = g.layer_norm(x, normalized_shape, weight, bias, eps)
    n = len(g.value(normalized_shape))
    axes = list(range(g.dim(x) - n, g.dim(x)))
    empty = math.prod(g.shape(x)[g.dim(x) - n:]) == 0
    mean = g.sum(x, axes, True) if empty else g.mean(x, axes, True)  # torch: 0 (and rstd NaN) over no values
    rstd = g.rsqrt(g.add(g.var(x, axes, 0, True), g.value(eps)))
    return out, mean, rstd


defop("native_layer_norm", "(Tensor input, int[] normalized_shape, Tensor? weight, Tensor? bias, float eps) -> "
      "(Tensor out, Tensor mean, Tensor rstd)", decompose=_native_layer_norm, shape=_native_layer_norm_shape,
      dtype=lambda x, *_: (x.dtype,) * 3, api="torch",
      samples=lambda: [sample(s.f32(2, 3, 4), [4], s.pos(4), s.f32(4), 1e-5),
                       sample(s.f32(2, 3, 4), [3, 4], None, None, 1e-5),
                       sample(s.f64(2, 6), [6], s.f64(6), s.f64(6), 1e-3), sample(s.f32(5), [5], None, None, 1e-5),
                       sample(s.f32(0, 5), [5], None, None, 1e-5), sample(s.f32(2, 0), [0], None, None, 1e-5),
                       sample(s.i64(2, 4), [4], None, None, 1e-5), sample(s.f32(2, 5), [4], None, None, 1e-5),
                       sample(s.f32(2, 5), [5], s.f32(4), None, 1e-5)])


# -- views and their aliases --------------------------------------------------------------------------

def _reshaped(x, size):
    return REGISTRY["reshape"].shape(x, size)


defop("_unsafe_view", "(Tensor self, int[] size) -> Tensor", decompose=lambda g, x, size: g.view(x, size),
      shape=_reshaped, dtype=same_dtype,
      samples=lambda: [sample(s.f32(2, 6), [3, -1]), sample(np.array(1.5, np.float32), [1, 1]),
                       sample(s.f32(0, 3), [3, 0, -1]), sample(s.i64(2, 3), [6]), sample(s.f32(4), [3, -1]),
                       sample(s.strided(3, 4), [12])])


# -- argument forms of public ops: conv's padding strings, round's decimals ---------------------------

def _conv_padding(n: int):
    """conv{n}d.padding: 'valid' is no padding; 'same' pads d*(k-1) per dim, the odd one out on the
    right, as a symmetric padding of the larger half whose first output is sliced off."""
    def decompose(g, x, weight, bias, stride, padding, dilation, groups):
        mode, strides, dilations = g.value(padding), list(g.value(stride)), list(g.value(dilation))
        dilations = dilations * n if len(dilations) == 1 else dilations
        conv = getattr(g, f"conv{n}d")
        if mode == "valid":
            return conv(x, weight, bias, strides, [0] * n, dilations, groups)
        if mode != "same":
            raise RuntimeError(f"Invalid padding string: '{mode}'")
        if any(s != 1 for s in strides):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        kernel = g.shape(weight)[2:]
        total = [d * (k - 1) for d, k in zip(dilations, kernel)]
        out = conv(x, weight, bias, strides, [t - t // 2 for t in total], dilations, groups)
        for i, t in enumerate(total):
            if t % 2:
                out = g.slice(out, i - n, 1, None, 1)
        return out
    return decompose


_CONV_PADDING = ("(Tensor input, Tensor weight, Tensor? bias=None, int[] stride={one}, str padding=\"valid\", "
                 "int[] dilation={one}, int groups=1) -> Tensor")
defop("conv1d_padding", _CONV_PADDING.format(one="[1]"), decompose=_conv_padding(1), shape=BY_KERNEL,
      dtype=BY_KERNEL, aten="conv1d",
      samples=lambda: [sample(s.f32(2, 3, 8), s.f32(4, 3, 3), s.f32(4), [1], "same", [1], 1),
                       sample(s.f32(2, 3, 8), s.f32(4, 3, 4), None, [1], "same", [1], 1),
                       sample(s.f32(3, 8), s.f32(4, 3, 2), s.f32(4), [1], "same", [3], 1),
                       sample(s.f32(1, 4, 7), s.f32(6, 2, 4), None, [1], "same", [2], 2),
                       sample(s.f32(2, 3, 8), s.f32(4, 3, 3), s.f32(4), [2], "valid", [1], 1),
                       sample(s.f64(1, 2, 5), s.f64(3, 2, 2), None, [1], "same", [1], 1),
                       sample(s.i64(1, 2, 5), s.i64(3, 2, 2), None, [1], "same", [1], 1),
                       sample(s.f32(2, 3, 8), s.f32(4, 3, 3), None, [2], "same", [1], 1),
                       sample(s.f32(2, 3, 8), s.f32(4, 3, 3), None, [1], "full", [1], 1)])
defop("conv2d_padding", _CONV_PADDING.format(one="[1, 1]"), decompose=_conv_padding(2), shape=BY_KERNEL,
      dtype=BY_KERNEL, aten="conv2d",
      samples=lambda: [sample(s.f32(1, 3, 6, 6), s.f32(4, 3, 3, 2), s.f32(4), [1, 1], "same", [1, 1], 1),
                       sample(s.f32(2, 2, 5, 6), s.f32(2, 2, 2, 3), None, [1], "same", [2, 1], 1),
                       sample(s.f32(3, 5, 5), s.f32(2, 3, 3, 3), None, [1, 1], "valid", [1, 1], 1),
                       sample(s.f32(1, 4, 5, 5), s.f32(4, 2, 4, 4), s.f32(4), [1, 1], "same", [1, 1], 2),
                       sample(s.f32(1, 3, 6, 6), s.f32(4, 3, 3, 3), None, [1, 2], "same", [1, 1], 1)])
defop("conv3d_padding", _CONV_PADDING.format(one="[1, 1, 1]"), decompose=_conv_padding(3), shape=BY_KERNEL,
      dtype=BY_KERNEL, aten="conv3d",
      samples=lambda: [sample(s.f32(1, 2, 4, 5, 5), s.f32(3, 2, 2, 3, 3), s.f32(3), [1, 1, 1], "same", [1, 1, 1], 1),
                       sample(s.f32(2, 4, 5, 5), s.f32(2, 2, 3, 2, 3), None, [1], "same", [2, 1, 1], 2),
                       sample(s.f32(1, 2, 4, 5, 5), s.f32(3, 2, 2, 2, 2), None, [1, 1, 1], "valid", [1, 1, 1], 1),
                       sample(s.f32(1, 2, 4, 5, 5), s.f32(3, 2, 2, 2, 2), None, [2, 1, 1], "same", [1, 1, 1], 1)])


def _round_decimals(g, x, decimals):
    """torch's round.decimals: round(x * 10^d) / 10^d, or round(x / 10^-d) * 10^-d for negative d."""
    d, dtype = g.value(decimals), g.dtype(x)
    if not is_float(dtype):
        raise not_implemented("round_cpu", dtype)
    scale = float(dtype.type(10.0 ** abs(d)))
    if d >= 0:
        return g.div(g.round(g.mul(x, scale)), scale)
    return g.mul(g.round(g.div(x, scale)), scale)


defop("round_decimals", "(Tensor self, *, int decimals) -> Tensor", decompose=_round_decimals, shape=same,
      dtype=same_dtype, verify=chk.SAME_SHAPE, aten="round special_round",
      samples=lambda: [sample(s.f32(2, 3) * 100, 2), sample(np.array([1234.5, 1250, 1350, -50], np.float32), -2),
                       sample(s.special(), 1), sample(s.f64(4) * 1000, 3), sample(np.array(2.675, np.float32), 2),
                       sample(s.f32(0, 3), 1), sample(s.f32(3), 0), sample(s.i64(3), 1)])


def _reshape_alias(g, x, size, stride):
    return g.as_strided(x, size, stride, None)


defop("_reshape_alias", "(Tensor self, int[] size, int[] stride) -> Tensor", decompose=_reshape_alias,
      shape=lambda x, size, stride: REGISTRY["as_strided"].shape(x, size, stride, None), dtype=same_dtype,
      samples=lambda: [sample(s.f32(2, 6), [3, 4], [4, 1]), sample(s.f32(2, 3), [3, 2], [1, 3]),
                       sample(s.i64(4), [2, 2], [2, 1]), sample(s.f32(0, 3), [3, 0], [1, 1])])


def _trilinear(g, i1, i2, i3, expand1, expand2, expand3, sumdim, unroll_dim=1):
    """i1 * i2 * i3, each unsqueezed at its expand dims (in increasing order), summed over sumdim."""
    sums, total = g.value(sumdim), g.dim(i1) + len(g.value(expand1))
    if not 0 <= g.value(unroll_dim) < max(total, 1):
        raise reject(g, RuntimeError(f"unroll_dim must be in [0,{total - 1}]"))
    parts = []
    for x, expand in ((i1, expand1), (i2, expand2), (i3, expand3)):
        for d in sorted(g.value(expand)):
            x = g.unsqueeze(x, d)
        parts.append(x)
    prod = g.mul(g.mul(parts[0], parts[1]), parts[2])
    return g.sum(prod, list(sums), False) if sums else prod


def _trilinear_shape(i1, i2, i3, expand1, expand2, expand3, sumdim, unroll_dim=1):
    shapes = []
    for x, expand in ((i1, expand1), (i2, expand2), (i3, expand3)):
        xs = list(dims(x))
        for d in sorted(expand):
            xs.insert(d, 1)
        shapes.append(xs)
    if len({len(x) for x in shapes}) != 1:
        raise ShapeError("_trilinear: the expanded inputs must have the same number of dims")
    out = []
    for sizes in zip(*shapes):
        big = {n for n in sizes if n != 1}
        if len(big) > 1:
            raise ShapeError(f"_trilinear: sizes {sizes} do not broadcast")
        out.append(big.pop() if big else 1)
    return tuple(n for k, n in enumerate(out) if k not in set(sumdim))


defop("_trilinear", "(Tensor i1, Tensor i2, Tensor i3, int[] expand1, int[] expand2, int[] expand3, int[] sumdim, "
      "int unroll_dim=1) -> Tensor", decompose=_trilinear, shape=_trilinear_shape, dtype=promoted(0, 1, 2),
      samples=lambda: [sample(s.f32(2, 5), s.f32(3, 5, 4), s.f32(2, 4), [1, 3], [0], [1, 2], [2, 3], 1),
                       sample(s.f64(4, 2), s.f64(3, 2, 2), s.f64(4, 2), [1, 3], [0], [1, 2], [2, 3], 1),
                       sample(s.f32(3), s.f32(3), s.f32(3), [], [], [], [0], 0),
                       sample(s.f32(2, 3), s.f32(2, 3), s.f32(2, 3), [], [], [], [], 1),
                       sample(s.f32(3), s.f32(3), s.f32(3), [], [], [], [0], 1),
                       sample(s.f32(0, 5), s.f32(3, 5, 4), s.f32(0, 4), [1, 3], [0], [1, 2], [2, 3], 1)])

