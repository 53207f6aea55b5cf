"""Every kernel against PyTorch on the same inputs (skipped when torch is not installed)."""
from __future__ import annotations

import numpy as np
import pytest

from tsjit.ops import KERNELS

torch = pytest.importorskip("torch")
F = torch.nn.functional

rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def pos(*shape):
    return (rng.random(shape) + 0.1).astype(np.float32)


def i64(*shape, lo=-5, hi=6):
    return rng.integers(lo, hi, shape).astype(np.int64)


def mask(*shape):
    return rng.random(shape) > 0.5


CODE = {6: torch.float32, 7: torch.float64, 4: torch.int64, 3: torch.int32, 11: torch.bool, 0: torch.uint8}


def to_torch(v):
    if isinstance(v, np.ndarray):
        return torch.from_numpy(v.copy())
    if isinstance(v, list) and v and all(isinstance(x, np.ndarray) or x is None for x in v):
        return [to_torch(x) for x in v]
    return v


def dt(code):
    return None if code is None else CODE[code]


# name, operands (numpy, schema order), the same op in torch (operands converted, dtype codes as ints)
CASES = [
    ("add", (f32(2, 3), f32(3), 2.5), lambda a, b, al: torch.add(a, b, alpha=al)),
    ("add", (i64(2, 3), 0.5, 1), lambda a, b, al: torch.add(a, b, alpha=al)),
    ("add", (mask(4), mask(4), 1), lambda a, b, al: torch.add(a, b, alpha=al)),
    ("add", (i64(3).astype(np.int32), np.array(1.5), 1), lambda a, b, al: torch.add(a, b, alpha=al)),
    ("sub", (f32(2, 3), i64(2, 3), 2), lambda a, b, al: torch.sub(a, b, alpha=al)),
    ("rsub", (f32(2, 3), 1.0, 2), lambda a, b, al: torch.rsub(a, b, alpha=al)),
    ("mul", (i64(4).astype(np.int8), 1000, ), torch.mul),
    ("mul", (f32(4), np.array(2.0, dtype=np.float64)), torch.mul),
    ("div", (i64(5), 2), torch.div),
    ("div", (f32(5), i64(5, lo=1)), torch.div),
    ("floor_divide", (i64(6), -4), torch.floor_divide),
    ("floor_divide", (f32(6) * 5, np.float32(-1.5).item()), torch.floor_divide),
    ("remainder", (i64(6), -4), torch.remainder),
    ("remainder", (f32(6) * 5, 1.5), torch.remainder),
    ("pow", (f32(5), 2), torch.pow),
    ("pow", (pos(5), f32(5)), torch.pow),
    ("pow", (i64(5), 3), torch.pow),
    ("pow", (i64(6, lo=-2, hi=3), i64(6, lo=-2, hi=3)), torch.pow),
    ("maximum", (f32(3, 1), f32(4)), torch.maximum),
    ("minimum", (i64(4), f32(4)), torch.minimum),
    ("atan2", (f32(5), f32(5)), torch.atan2),
    ("bitwise_and", (i64(5), i64(5)), torch.bitwise_and),
    ("bitwise_or", (mask(5), mask(5)), torch.bitwise_or),
    ("logical_and", (f32(5), i64(5)), torch.logical_and),
    ("logical_or", (f32(5), mask(5)), torch.logical_or),
    ("where", (mask(2, 3), f32(2, 3), i64(3)), torch.where),
    ("where", (mask(2, 3), i64(2, 3), 0.5), torch.where),
    ("masked_fill", (f32(2, 3), mask(3), -1.5), torch.masked_fill),
    ("clamp", (f32(10), -0.5, 0.5), torch.clamp),
    ("clamp", (i64(10), None, 2), torch.clamp),
    ("clamp", (i64(10), 0.5, None), torch.clamp),
    ("lerp", (f32(5), f32(5), 0.3), torch.lerp),
    ("lerp", (f32(5), f32(5), 0.8), torch.lerp),
    *[(n, (f32(3, 2), f32(2)), getattr(torch, n)) for n in ("eq", "ne", "lt", "le", "gt", "ge")],
    ("lt", (i64(5), 0.5), torch.lt),
    ("isnan", (np.array([1.0, np.nan], np.float32),), torch.isnan),
    ("logical_not", (f32(4),), torch.logical_not),
    *[(n, (f32(7) * 3,), getattr(torch, n)) for n in (
        "neg", "abs", "exp", "expm1", "sin", "cos", "tan", "tanh", "erf", "floor", "ceil", "trunc", "sign",
        "reciprocal")],
    *[(n, (pos(7) * 3,), getattr(torch, n)) for n in ("log", "log2", "log1p", "sqrt", "rsqrt")],
    *[(n, (i64(7),), getattr(torch, n)) for n in ("neg", "abs", "exp", "sin", "sign", "floor", "sqrt")],
    ("round", (np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4], np.float32),), torch.round),
    ("bitwise_not", (i64(5),), torch.bitwise_not),
    ("bitwise_not", (mask(5),), torch.bitwise_not),
    *[(n, (f32(3, 4) * 4,), getattr(F, n)) for n in ("relu", "sigmoid", "silu", "mish", "softsign")],
    *[(n, (f32(3, 4) * 4,), getattr(F, n)) for n in ("relu6", "hardsigmoid", "hardswish", "tanhshrink", "tanh")],
    ("relu", (i64(5),), torch.relu),
    ("sigmoid", (np.array([-100.0, 100.0], np.float32),), torch.sigmoid),
    ("gelu", (f32(20) * 3, "none"), lambda x, ap: F.gelu(x, approximate=ap)),
    ("gelu", (f32(20) * 3, "tanh"), lambda x, ap: F.gelu(x, approximate=ap)),
    ("leaky_relu", (f32(10), 0.2), F.leaky_relu),
    ("elu", (f32(10), 1.5, 1.0, 1.0), torch.ops.aten.elu),
    ("hardtanh", (f32(10), -0.5, 0.7), F.hardtanh),
    ("softplus", (f32(10) * 10, 2.0, 5.0), F.softplus),
    ("threshold", (f32(10), 0.1, -3.0), F.threshold),
    ("prelu", (f32(2, 3, 4), pos(3)), F.prelu),
    ("prelu", (f32(2, 3), pos(1)), F.prelu),
    ("softmax", (f32(3, 5) * 10, 1, None), lambda x, d, t: torch.softmax(x, d, dtype=dt(t))),
    ("softmax", (f32(3, 5), 0, 7), lambda x, d, t: torch.softmax(x, d, dtype=dt(t))),
    ("log_softmax", (f32(3, 5) * 10, -1, None), lambda x, d, t: torch.log_softmax(x, d, dtype=dt(t))),
    ("matmul", (f32(3), f32(3)), torch.matmul),
    ("matmul", (f32(3), f32(3, 4)), torch.matmul),
    ("matmul", (f32(2, 3), f32(3)), torch.matmul),
    ("matmul", (f32(5, 1, 2, 3), f32(4, 3, 6)), torch.matmul),
    ("matmul", (i64(2, 3), i64(3, 2)), torch.matmul),
    ("mm", (f32(2, 3), f32(3, 4)), torch.mm),
    ("bmm", (f32(2, 2, 3), f32(2, 3, 4)), torch.bmm),
    ("addmm", (f32(4), f32(2, 3), f32(3, 4), 0.5, 2.0), lambda s, a, b, be, al: torch.addmm(s, a, b, beta=be, alpha=al)),
    ("linear", (f32(5, 3), f32(4, 3), f32(4)), F.linear),
    ("linear", (f32(3), f32(4, 3), None), F.linear),
    ("linear", (f32(2, 5, 3), f32(4, 3), f32(4)), F.linear),
    ("dot", (f32(4), f32(4)), torch.dot),
    ("conv2d", (f32(2, 4, 9, 8), f32(6, 2, 3, 2), f32(6), [2, 1], [1, 2], [2, 1], 2), F.conv2d),
    ("conv2d", (f32(3, 7, 7), f32(2, 3, 3, 3), None, [1], [0], [1], 1), F.conv2d),
    ("conv1d", (f32(2, 3, 10), f32(4, 3, 3), f32(4), [2], [1], [2], 1), F.conv1d),
    ("conv_transpose2d", (f32(2, 4, 5, 4), f32(4, 3, 3, 2), f32(6), [2, 1], [1, 0], [1, 0], 2, [1, 2]),
     F.conv_transpose2d),
    ("batch_norm", (f32(4, 3, 5), pos(3), f32(3), f32(3), pos(3), True, 0.1, 1e-5, False),
     torch.batch_norm),
    ("batch_norm", (f32(4, 3), pos(3), f32(3), f32(3), pos(3), False, 0.1, 1e-5, False), torch.batch_norm),
    ("layer_norm", (f32(2, 3, 4), [3, 4], pos(3, 4), f32(3, 4), 1e-5, False), torch.layer_norm),
    ("group_norm", (f32(2, 6, 5), 3, pos(6), f32(6), 1e-5, False), torch.group_norm),
    ("max_pool1d", (f32(2, 3, 11), [3], [2], [1], [1], True), torch.max_pool1d),
    ("max_pool2d", (f32(2, 3, 8, 8), [2], [], [0], [1], False), torch.max_pool2d),
    ("max_pool2d", (f32(2, 3, 9, 10), [3, 2], [2, 3], [1, 1], [2, 1], True), torch.max_pool2d),
    ("avg_pool2d", (f32(2, 3, 9, 10), [3, 2], [2, 3], [1, 1], True, True, None), torch._C._nn.avg_pool2d),
    ("avg_pool2d", (f32(2, 3, 9, 10), [3, 3], [2, 2], [1, 1], True, False, None), torch._C._nn.avg_pool2d),
    ("avg_pool2d", (f32(1, 2, 6, 6), [2], [], [0], False, True, 3), torch._C._nn.avg_pool2d),
    ("adaptive_avg_pool2d", (f32(2, 3, 10, 7), [3, 4]), F.adaptive_avg_pool2d),
    ("adaptive_avg_pool2d", (f32(2, 3, 8, 8), [4, 4]), F.adaptive_avg_pool2d),
    ("adaptive_max_pool2d", (f32(2, 3, 10, 7), [3, 4]), torch._C._nn.adaptive_max_pool2d),
    ("sum", (i64(3, 4), [1], True, None), lambda a, d, k, t: torch.sum(a, d, k, dtype=dt(t))),
    ("sum", (mask(3, 4), None, False, None), lambda a, d, k, t: torch.sum(a, d, k, dtype=dt(t))),
    ("sum", (f32(3, 4), [-1, 0], False, 7), lambda a, d, k, t: torch.sum(a, d, k, dtype=dt(t))),
    ("mean", (f32(3, 4, 2), [0, 2], False, None), lambda a, d, k, t: torch.mean(a, d, k, dtype=dt(t))),
    ("mean", (f32(3, 4), None, False, None), lambda a, d, k, t: torch.mean(a, d, k, dtype=dt(t))),
    ("prod", (i64(3, 4), 1, False, None), lambda a, d, k, t: torch.prod(a, d, k, dtype=dt(t))),
    ("amax", (f32(3, 4, 2), [0, 2], True), torch.amax),
    ("amin", (i64(3, 4), [], False), torch.amin),
    ("max", (f32(3, 4),), torch.max),
    ("min", (i64(3, 4),), torch.min),
    ("max_dim", (f32(3, 4), 1, True), torch.max),
    ("min_dim", (i64(3, 4), 0, False), torch.min),
    ("argmax", (f32(3, 4), None, False), torch.argmax),
    ("argmax", (f32(3, 4), None, True), torch.argmax),
    ("argmin", (f32(3, 4), -1, True), torch.argmin),
    ("var", (f32(3, 4), [1], None, False), lambda a, d, c, k: torch.var(a, d, correction=c, keepdim=k)),
    ("var", (f32(3, 4), None, 0, True), lambda a, d, c, k: torch.var(a, d, correction=c, keepdim=k)),
    ("std", (f32(3, 4), [0], 2, False), lambda a, d, c, k: torch.std(a, d, correction=c, keepdim=k)),
    ("norm", (f32(3, 4), None, None, False), lambda a, p, d, k: torch.norm(a, p, d, k)),
    ("norm", (f32(3, 4), 1, [1], True), lambda a, p, d, k: torch.norm(a, p, d, k)),
    ("norm", (f32(3, 4), 3.0, [0], False), lambda a, p, d, k: torch.norm(a, p, d, k)),
    ("norm", (f32(3, 4), float("inf"), [0], False), lambda a, p, d, k: torch.norm(a, p, d, k)),
    ("logsumexp", (f32(3, 4) * 50, [1], False), torch.logsumexp),
    ("logsumexp", (i64(3, 4), [0, 1], True), torch.logsumexp),
    ("any", (mask(3, 4), 1, False), lambda a, d, k: torch.any(a) if d is None else torch.any(a, d, k)),
    ("all", (f32(3, 4), None, False), lambda a, d, k: torch.all(a) if d is None else torch.all(a, d, k)),
    ("cumsum", (i64(3, 4), 1, None), lambda a, d, t: torch.cumsum(a, d, dtype=dt(t))),
    ("cumsum", (f32(3, 4), 0, 7), lambda a, d, t: torch.cumsum(a, d, dtype=dt(t))),
    ("view", (f32(2, 6), [3, -1]), lambda a, s: a.view(s)),
    ("reshape", (f32(2, 6).T, [-1]), torch.reshape),
    ("flatten", (f32(2, 3, 4), 1, -1), torch.flatten),
    ("flatten", (np.array(2.0, np.float32), 0, -1), torch.flatten),
    ("permute", (f32(2, 3, 4), [2, 0, 1]), torch.permute),
    ("transpose", (f32(2, 3, 4), -1, 0), torch.transpose),
    ("t", (f32(2, 3),), torch.t),
    ("squeeze", (f32(2, 1, 3, 1), None), lambda a, d: torch.squeeze(a) if d is None else torch.squeeze(a, d)),
    ("squeeze", (f32(2, 1, 3), 0), lambda a, d: torch.squeeze(a) if d is None else torch.squeeze(a, d)),
    ("unsqueeze", (f32(2, 3), -1), torch.unsqueeze),
    ("expand", (f32(3, 1), [2, -1, 4], False), lambda a, s, i: a.expand(s)),
    ("expand_as", (f32(3, 1), f32(3, 5)), lambda a, b: a.expand_as(b)),
    ("repeat", (f32(2, 3), [2, 1, 2]), lambda a, r: a.repeat(r)),
    ("flip", (f32(2, 3, 4), [0, -1]), torch.flip),
    ("cat", ([f32(2, 3), i64(1, 3), np.zeros(0, np.float32)], 0), torch.cat),
    ("stack", ([f32(2, 3), f32(2, 3)], -1), torch.stack),
    ("slice", (f32(5, 6), 1, -4, 100, 2), lambda a, d, s, e, st: torch.ops.aten.slice(a, d, s, e, st)),
    ("slice", (f32(5, 6), 0, None, -1, 1), lambda a, d, s, e, st: torch.ops.aten.slice(a, d, s, e, st)),
    ("select", (f32(5, 6), 1, -2), torch.select),
    ("narrow", (f32(5, 6), 0, 1, 3), torch.narrow),
    ("chunk", (f32(5, 6), 4, 1), torch.chunk),
    ("split", (f32(5, 6), 2, 0), torch.split),
    ("unbind", (f32(3, 2), 1), torch.unbind),
    ("index", (f32(4, 5, 6), [None, np.array([0, 2, -1]), np.array([1, 1, 0])]),
     lambda a, idx: torch.ops.aten.index(a, idx)),
    ("index", (f32(4, 5), [np.array([True, False, True, True])]), lambda a, idx: torch.ops.aten.index(a, idx)),
    ("index_select", (f32(4, 5), 1, np.array([4, 0, 0])), torch.index_select),
    ("gather", (f32(4, 5), 1, np.array([[0, 4], [1, 1], [2, 3]])), torch.gather),
    ("pad", (f32(2, 3, 4), [1, 2, -1, 1], "constant", 0.5), lambda a, p, m, v: F.pad(a, p, m, v)),
    ("pad", (f32(2, 3, 4), [2, 1, 1, 2], "reflect", None), lambda a, p, m, v: F.pad(a, p, m, v)),
    ("pad", (f32(2, 3, 4), [2, 3], "replicate", None), lambda a, p, m, v: F.pad(a, p, m, v)),
    ("contiguous", (f32(2, 3).T,), lambda a: a.contiguous()),
    ("clone", (f32(2, 3),), torch.clone),
    ("detach", (f32(2, 3),), torch.detach),
    ("to", (f32(2, 3) * 3, 4), lambda a, t: a.to(dt(t))),
    ("type_as", (f32(2, 3), i64(1)), lambda a, b: a.type_as(b)),
    ("size", (f32(2, 3),), lambda a: list(a.size())),
    ("size_dim", (f32(2, 3),-1), lambda a, d: a.size(d)),
    ("dim", (f32(2, 3),), lambda a: a.dim()),
    ("numel", (f32(2, 3),), torch.numel),
    ("item", (np.array([2.5], np.float32),), lambda a: a.item()),
    ("to_bool", (np.array(0.5, np.float32),), bool),
    ("to_int", (np.array(-2.7, np.float32),), int),
    ("to_float", (np.array(3, np.int64),), float),
    ("zeros", ([2, 3], None), lambda s, t: torch.zeros(s, dtype=dt(t))),
    ("ones", ([2, 3], 4), lambda s, t: torch.ones(s, dtype=dt(t))),
    ("full", ([2, 3], 7, None), lambda s, v, t: torch.full(s, v, dtype=dt(t))),
    ("full", ([2], 1.5, None), lambda s, v, t: torch.full(s, v, dtype=dt(t))),
    ("full", ([2], True, None), lambda s, v, t: torch.full(s, v, dtype=dt(t))),
    ("arange", (0, 10, 3, None), lambda a, b, s, t: torch.arange(a, b, s, dtype=dt(t))),
    ("arange", (0, 1, 0.1, None), lambda a, b, s, t: torch.arange(a, b, s, dtype=dt(t))),
    ("arange", (5, -3.5, -1.5, 7), lambda a, b, s, t: torch.arange(a, b, s, dtype=dt(t))),
    ("linspace", (-1, 2.5, 7, None), lambda a, b, n, t: torch.linspace(a, b, n, dtype=dt(t))),
    ("linspace", (0, 10, 4, 4), lambda a, b, n, t: torch.linspace(a, b, n, dtype=dt(t))),
    ("eye", (3, None), lambda n, t: torch.eye(n, dtype=dt(t))),
    ("zeros_like", (i64(2, 3), None), lambda a, t: torch.zeros_like(a, dtype=dt(t))),
    ("ones_like", (i64(2, 3), 6), lambda a, t: torch.ones_like(a, dtype=dt(t))),
    ("full_like", (i64(2, 3), 2.5, None), lambda a, v, t: torch.full_like(a, v, dtype=dt(t))),
    ("num_to_tensor", (2.5,), lambda v: torch.ops.prim.NumToTensor(v)),
    ("num_to_tensor", (3,), lambda v: torch.ops.prim.NumToTensor(v)),
    ("embedding", (f32(5, 3), np.array([[0, 4], [2, 2]]), -1), torch.embedding),
]
# the ops added for imported PyTorch models (tsjit.frontend.from_torch)
CASES += [
    *[(n, (f32(2, 3) * 0.9,), getattr(torch, n)) for n in (
        "exp2", "log10", "asin", "acos", "atan", "sinh", "cosh", "asinh", "atanh", "erfc", "frac", "square",
        "positive", "isinf", "isfinite", "median")],
    ("acosh", (pos(3) + 1,), torch.acosh), ("square", (i64(4),), torch.square), ("exp2", (i64(4),), torch.exp2),
    ("isinf", (np.array([1.0, np.inf, -np.inf, np.nan], np.float32),), torch.isinf),
    ("isfinite", (i64(3),), torch.isfinite),
    ("logsigmoid", (f32(2, 3),), F.logsigmoid), ("selu", (f32(2, 3),), F.selu),
    ("nan_to_num", (np.array([1.0, np.inf, -np.inf, np.nan], np.float32), None, None, None), torch.nan_to_num),
    ("nan_to_num", (np.array([np.inf, np.nan], np.float64), 1.0, 2.0, None), torch.nan_to_num),
    ("fmod", (f32(2, 3) * 5, -1.5), torch.fmod), ("fmod", (i64(6), i64(6, lo=1)), torch.fmod),
    ("bitwise_xor", (i64(4), i64(4)), torch.bitwise_xor), ("logical_xor", (mask(4), mask(4)), torch.logical_xor),
    ("hypot", (f32(3), f32(3)), torch.hypot), ("copysign", (f32(3), -1.0), torch.copysign),
    ("fmax", (f32(3), np.array([np.nan, 0, 1], np.float32)), torch.fmax), ("fmin", (f32(3), f32(3)), torch.fmin),
    ("div_mode", (i64(6), -4, "trunc"), lambda a, b, m: torch.div(a, b, rounding_mode=m)),
    ("div_mode", (f32(6) * 4, 1.5, "floor"), lambda a, b, m: torch.div(a, b, rounding_mode=m)),
    ("div_mode", (i64(6), i64(6, lo=1), None), lambda a, b, m: torch.div(a, b, rounding_mode=m)),
    ("addcmul", (f32(2, 3), f32(3), f32(2, 1), 0.5), lambda a, b, c, v: torch.addcmul(a, b, c, value=v)),
    ("addcdiv", (f32(2, 3), f32(3), pos(2, 1), 2), lambda a, b, c, v: torch.addcdiv(a, b, c, value=v)),
    ("clamp_tensor", (f32(2, 3), f32(3), None), torch.clamp),
    ("celu", (f32(4), 0.5), lambda a, al: F.celu(a, al)),
    ("hardshrink", (f32(4), 0.3), F.hardshrink), ("softshrink", (f32(4), 0.3), F.softshrink),
    ("glu", (f32(2, 4), -1), F.glu),
    ("tril", (f32(3, 4), -1), torch.tril), ("triu", (f32(2, 3, 4), 1), torch.triu),
    ("roll", (f32(3, 4), [1, -1], [0, 1]), torch.roll), ("roll", (f32(3, 4), [2], []), torch.roll),
    ("movedim", (f32(2, 3, 4), [0], [2]), torch.movedim),
    ("unflatten", (f32(2, 6), 1, [3, -1]), torch.unflatten),
    ("split_with_sizes", (f32(5, 2), [2, 3], 0), lambda a, s, d: torch.split(a, s, d)),
    ("scatter", (f32(3, 4), 1, i64(3, 2, lo=0, hi=4), f32(3, 2)), torch.scatter),
    ("scatter", (f32(3, 4), 0, i64(2, 4, lo=0, hi=3), 1.5), torch.scatter),
    ("scatter_add", (f32(3, 4), 1, i64(3, 5, lo=0, hi=4), f32(3, 5)), torch.scatter_add),
    ("index_fill", (f32(3, 4), 1, np.array([0, 2]), -1.0), torch.index_fill),
    ("repeat_interleave", (f32(2, 3), 2, 1), torch.repeat_interleave),
    ("repeat_interleave", (f32(2, 3), 3, None), torch.repeat_interleave),
    ("tile", (f32(2, 3), [2]), torch.tile), ("tile", (f32(2, 3), [2, 1, 2]), torch.tile),
    ("one_hot", (i64(5, lo=0, hi=4), 6), F.one_hot), ("one_hot", (i64(5, lo=0, hi=4), -1), F.one_hot),
    ("diag", (f32(3, 4), 1), torch.diag), ("diag", (f32(3), 0), torch.diag),
    ("reshape_as", (f32(2, 6), f32(3, 4)), lambda a, b: a.reshape_as(b)),
    ("cumprod", (f32(2, 3), 1, None), lambda a, d, t: torch.cumprod(a, d, dtype=dt(t))),
    ("cumprod", (i64(2, 3), 0, None), lambda a, d, t: torch.cumprod(a, d, dtype=dt(t))),
    ("sort", (f32(3, 4), 1, False), torch.sort), ("sort", (f32(3, 4), 0, True), torch.sort),
    ("sort", (np.array([2, 1, 2, 0, 1]), -1, True), lambda a, d, desc: torch.sort(a, stable=True, dim=d, descending=desc)),
    ("argsort", (f32(3, 4), -1, True), torch.argsort),
    ("topk", (f32(3, 5), 2, -1, True, True), torch.topk), ("topk", (f32(3, 5), 3, 0, False, True), torch.topk),
    ("count_nonzero", (i64(3, 4), [1]), lambda a, d: torch.count_nonzero(a, d)),
    ("count_nonzero", (i64(3, 4), None), lambda a, d: torch.count_nonzero(a, d)),
    ("var_mean", (f32(3, 4), [1], 1, False), lambda a, d, c, k: torch.var_mean(a, d, correction=c, keepdim=k)),
    ("std_mean", (f32(3, 4), None, 0, True), lambda a, d, c, k: torch.std_mean(a, d, correction=c, keepdim=k)),
    ("median_dim", (f32(3, 5), 1, False), torch.median),
    ("baddbmm", (f32(2, 3, 4), f32(2, 3, 5), f32(2, 5, 4), 0.5, 2.0),
     lambda s, a, b, be, al: torch.baddbmm(s, a, b, beta=be, alpha=al)),
    ("mv", (f32(3, 4), f32(4)), torch.mv),
    ("addmv", (f32(3), f32(3, 4), f32(4), 1, 1), lambda s, a, v, be, al: torch.addmv(s, a, v, beta=be, alpha=al)),
    ("outer", (f32(3), f32(4)), torch.outer),
    ("einsum", ("bij,bjk->bik", [f32(2, 3, 4), f32(2, 4, 5)]), torch.einsum),
    ("einsum", ("ii->i", [f32(3, 3)]), torch.einsum),
    ("instance_norm", (f32(2, 3, 5), f32(3), f32(3), None, None, True, 0.1, 1e-5, False), torch.instance_norm),
    ("avg_pool1d", (f32(2, 3, 9), [3], [2], [1], False, True), F.avg_pool1d),
    ("adaptive_avg_pool1d", (f32(2, 3, 9), [4]), F.adaptive_avg_pool1d),
    ("adaptive_max_pool1d", (f32(2, 3, 9), [4]), lambda x, o: F.adaptive_max_pool1d(x, o, True)),
    ("conv_transpose1d", (f32(2, 4, 7), f32(4, 3, 3), f32(3), [2], [1], [1], 1, [1]),
     lambda x, w, b, s, p, op, g, d: F.conv_transpose1d(x, w, b, s, p, op, g, d)),
    ("pixel_shuffle", (f32(1, 8, 3, 3), 2), F.pixel_shuffle),
    ("cosine_similarity", (f32(3, 4), f32(3, 4), 1, 1e-8), F.cosine_similarity),
    ("mse_loss", (f32(3, 4), f32(3, 4), 1), lambda a, b, r: torch._C._nn.mse_loss(a, b, r)),
    ("l1_loss", (f32(3, 4), f32(3, 4), 2), lambda a, b, r: torch._C._nn.l1_loss(a, b, r)),
]


def _compare(got, want):
    if isinstance(want, torch.Tensor):
        assert isinstance(got, np.ndarray) and type(got) is np.ndarray
        assert str(want.dtype).replace("torch.", "") == got.dtype.name
        assert tuple(want.shape) == got.shape
        np.testing.assert_allclose(got.astype(np.float64), want.double().numpy(), rtol=2e-5, atol=2e-6)
    elif isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _compare(g, w)
    else:
        assert type(got) is type(want) and got == want


@pytest.mark.parametrize("name, args, reference", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_kernel_matches_torch(name, args, reference):
    want = reference(*[to_torch(a) for a in args])
    got = KERNELS[name](*args)
    _compare(got, want)


@pytest.mark.parametrize("name, self_, other", [
    ("add_", np.ones((2, 3), np.float32), np.arange(3, dtype=np.int64)),
    ("sub_", np.ones((2, 3), np.int32), np.arange(3, dtype=np.int64)),
    ("mul_", np.ones((2, 3), np.float32), 2.5),
    ("div_", np.ones((2, 3), np.float64), np.full(3, 4, np.float32)),
])
def test_inplace_matches_torch(name, self_, other):
    t = to_torch(self_)
    getattr(t, name)(to_torch(other)) if name != "add_" and name != "sub_" else getattr(t, name)(to_torch(other), alpha=2)
    args = (self_, other, 2) if name in ("add_", "sub_") else (self_, other)
    out = KERNELS[name](*args)
    assert out is self_
    np.testing.assert_allclose(self_, t.numpy(), rtol=1e-6)
    assert self_.dtype.name == str(t.dtype).replace("torch.", "")
