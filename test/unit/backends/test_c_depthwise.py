"""Depthwise convolutions: the C run-time stencil `tsjit_dwconv_*` against its numpy-backend twin
and a direct float64 reference (strides, implied padding, dilation, odd sizes, channel
multipliers, channel blocks of an offset image, the bias + clamp epilogue, the sliding 3x3 kernel
of small planes), and models compiled to C (the calls applying the batch norm / ReLU6 after them)
against eager."""
import ctypes
import sys

import numpy as np
import pytest

import tsjit
import tsjit.backends.c.build  # noqa: F401
import tsjit.nn as nn
from tsjit.backends.c import find_compiler
from tsjit.backends.c.render import PRELUDE
from tsjit.backends.c.runtime import source_for
from tsjit.backends.numpy.ops.upstream_runtime import dwconv
from c_helpers import cache_home  # noqa: F401  (an autouse fixture)

build = sys.modules["tsjit.backends.c.build"]
pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
I64, PTR = ctypes.c_int64, ctypes.c_void_p

#: (channels, multiplier, h, w, kernel (kh, kw), stride (sh, sw), padding (ph, pw), dilation (dh, dw))
GEOMETRIES = [
    (4, 1, 8, 8, (3, 3), (1, 1), (1, 1), (1, 1)),
    (3, 1, 9, 7, (3, 3), (2, 2), (1, 1), (1, 1)),
    (5, 1, 10, 11, (3, 3), (2, 2), (0, 0), (1, 1)),
    (2, 3, 7, 9, (3, 3), (1, 2), (2, 1), (2, 2)),
    (3, 2, 6, 5, (5, 3), (1, 1), (2, 1), (1, 1)),
    (2, 1, 4, 3, (5, 5), (1, 1), (3, 3), (1, 1)),  # the padding exceeds the image: no interior
    (6, 1, 17, 33, (3, 3), (2, 1), (1, 1), (1, 3)),
    (1, 1, 1, 1, (1, 1), (1, 1), (0, 0), (1, 1)),
    # 3x3 stride 1: the sliding kernel for small planes (one, two and three vector columns, padding 0
    # or 1, a plane one row high), the loops for wider ones
    (3, 1, 12, 20, (3, 3), (1, 1), (1, 1), (1, 1)),
    (2, 2, 7, 30, (3, 3), (1, 1), (0, 1), (1, 1)),
    (2, 1, 1, 5, (3, 3), (1, 1), (1, 1), (1, 1)),
    (3, 1, 6, 3, (3, 3), (1, 1), (1, 1), (1, 1)),  # rows far shorter than a vector: stores cut at the plane's end
    (2, 1, 9, 40, (3, 3), (1, 1), (1, 1), (1, 1)),
]


def _out_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _reference(x, w, mult, stride, padding, dilation):
    """A depthwise convolution of one C x H x W image, in float64, by direct sums over the taps."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x.astype(np.float64), ((0, 0), (ph, ph), (pw, pw)))
    kh, kw = w.shape[1:]
    oh, ow = _out_size(x.shape[1], kh, sh, ph, dh), _out_size(x.shape[2], kw, sw, pw, dw)
    out = np.zeros((w.shape[0], oh, ow))
    for o in range(w.shape[0]):
        for i in range(kh):
            for j in range(kw):
                out[o] += w[o, i, j] * xp[o // mult, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw]
    return out


@pytest.mark.parametrize("ep", [None, (0.0, 6.0), (-np.inf, np.inf), (-0.5, np.inf)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_dwconv_matches_twin_and_reference(dtype, geometry, ep):
    """Channels in two blocks of the second image of two; the first image's output is never written.
    With `ep` (lo, hi), each output is clamp(sum + bias, lo, hi), NaN kept (one input is NaN)."""
    c, mult, h, w, (kh, kw), stride, padding, dilation = geometry
    name = "tsjit_dwconv_f32" if dtype == np.float32 else "tsjit_dwconv_f64"
    lib = build.build(PRELUDE + source_for({name}))
    fn = getattr(lib, name)
    scalar = ctypes.c_float if dtype == np.float32 else ctypes.c_double
    fn.argtypes = [PTR] * 4 + [I64] * 18 + [scalar] * 2
    rng = np.random.default_rng(c * h * w)
    x = (rng.standard_normal((2, c, h, w)) * 3).astype(dtype)
    if ep is not None and h * w > 4:
        x[1, 0, h // 2, w // 2] = np.nan
    wt = rng.standard_normal((c * mult, kh, kw)).astype(dtype)
    bias = rng.standard_normal(c * mult).astype(dtype)
    oh, ow = _out_size(h, kh, stride[0], padding[0], dilation[0]), _out_size(w, kw, stride[1], padding[1], dilation[1])
    got, twin = (np.full((2, c * mult, oh, ow), np.nan, dtype) for _ in range(2))
    half = (c * mult) // 2
    lo, hi = ep or (0.0, 0.0)
    for o0, no in ((0, half), (half, c * mult - half)):
        args = (c * h * w, c * mult * oh * ow, mult, h, w, *padding, kh, kw, *stride, *dilation, oh, ow, o0, no,
                int(ep is not None), lo, hi)
        fn(x.ctypes.data, wt.ctypes.data, got.ctypes.data, bias.ctypes.data, *args)
        dwconv(x, wt, twin, bias, *args)
    assert np.isnan(got[0]).all() and np.isnan(twin[0]).all()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    expected = _reference(x[1], wt, mult, stride, padding, dilation)
    if ep is not None:
        expected = expected + bias[:, None, None]
        expected = np.where(np.isnan(expected), expected, np.clip(expected, lo, hi))
    np.testing.assert_allclose(got[1], expected, rtol=tol, atol=tol)
    np.testing.assert_allclose(twin[1], expected, rtol=tol, atol=tol)


class DepthwiseBlock(nn.Module):
    """A depthwise convolution, then (optionally) MobileNet's batch norm and ReLU6."""

    def __init__(self, c, mult, k, stride, padding, dilation, bias, head):
        super().__init__()
        self.conv = nn.Conv2d(c, c * mult, k, stride, padding, dilation=dilation, groups=c, bias=bias)
        self.head = nn.Sequential(nn.BatchNorm2d(c * mult), nn.ReLU6()) if head else nn.Identity()

    def forward(self, x):
        return self.head(self.conv(x))


MODELS = {
    "s1_pad1": ((1, 8, 9, 9), (8, 1, 3, 1, 1, 1, False, True)),
    "s2_pad1_batch2_bias": ((2, 6, 11, 7), (6, 1, 3, 2, 1, 1, True, True)),
    "k5_dilated_mult2": ((1, 4, 13, 10), (4, 2, 5, 2, 2, 2, False, True)),
    "unpadded_batch3": ((3, 5, 6, 6), (5, 1, 3, 1, 0, 1, True, True)),
    "many_channels_s2": ((1, 40, 20, 20), (40, 1, 3, 2, 1, 1, False, True)),
    "no_consumer_odd": ((2, 17, 33, 31), (17, 1, 3, 1, 2, 2, True, False)),
}


def _compiled_sources(cache) -> str:
    return "\n".join(p.read_text() for p in (cache / "tsjit").glob("*.c"))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_depthwise_models_match_eager(name, dtype, cache_home):  # noqa: F811
    shape, args = MODELS[name]
    tsjit.manual_seed(0)
    model = DepthwiseBlock(*args).eval()
    for key, value in model.state_dict().items():  # batch-norm statistics that change the output
        if key.endswith("running_mean") or key.endswith("running_var"):
            value.copy_(tsjit.rand(*value.shape) + 0.5)
    x = tsjit.rand(*shape) - 0.5
    if dtype == "float64":
        model, x = model.double(), x.double()
    compiled = tsjit.compile(model, backend="c", example_inputs=[x], fallback=False)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(compiled(x).numpy(), model(x).numpy(), rtol=tol, atol=tol)
    call = "tsjit_dwconv_f32(" if dtype == "float32" else "tsjit_dwconv_f64("
    calls = [line for line in _compiled_sources(cache_home).splitlines() if call in line and "int64_t" not in line]
    k = f"INT64_C({args[2]})"
    assert calls and all(f"{k}, {k}" in line for line in calls)  # literal taps: the inlined kernel specialises
    eps = {line[line.index(call) + len(call):line.rindex(")")].split(",")[-3].strip() for line in calls}
    assert eps == {"INT64_C(1)" if args[-2] or args[-1] else "INT64_C(0)"}  # bias (+ batch norm, ReLU6) by the call
