"""float16 in the C backend: stored as 16 bits, computed in float32 and rounded to f16 per op
(render_half.py), contractions and sums accumulated in float32 (ts-widen-half), as PyTorch's CPU
kernels do. Conversions are checked bit for bit against numpy; models compiled wholly to C
against the numpy backend and, when PyTorch is installed, against PyTorch run eagerly on the
same function (f16 tolerances: rtol 1e-3, atol 1e-3)."""
import math
import types

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.backends.c import CBackend, find_compiler
from tsjit.dialects import parse_module

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")

try:
    import torch as real_torch
except ImportError:
    real_torch = None

RTOL = ATOL = 1e-3


def _f16_bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float16).view(np.uint16)


def _library(body: str):
    return CBackend().compile(parse_module(body))


def _boundary_floats() -> np.ndarray:
    """float32 values around every place f16 rounding changes behaviour, both signs, plus random bits."""
    edges = [0.0, 2.0 ** -25, 2.0 ** -24, 1.5 * 2.0 ** -24, 2.0 ** -15, 2.0 ** -14, 1.0, 1.0 + 2.0 ** -11,
             1.0 + 3 * 2.0 ** -11, 2048.0, 65504.0, 65519.0, 65520.0, 65536.0, 1e30, math.inf]
    bits = np.array(edges, np.float32).view(np.uint32).astype(np.int64)
    around = (bits[:, None] + np.arange(-3, 4)[None, :]).ravel()
    around = around[(around >= 0) & (around < 0x7F800001)].astype(np.uint32)
    rng = np.random.default_rng(0)
    random = rng.integers(0, 2 ** 32, 1 << 18, dtype=np.uint64).astype(np.uint32)
    mids = (np.arange(0x7C00, dtype=np.uint32) << 13) + 0x38000000 + 0x1000  # halfway between f16 values
    values = np.concatenate([around, around | 0x80000000, random, mids, np.array([0x7FC00000, 0xFF800001],
                                                                                  np.uint32)])
    return values.view(np.float32)


def test_loads_widen_every_f16_exactly():
    lib = _library("""
func.func @widen(%a: memref<65536xf16>, %b: memref<65536xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 65536 : index
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %a[%i] : memref<65536xf16>
    %y = arith.extf %x : f16 to f32
    memref.store %y, %b[%i] : memref<65536xf32>
  } {tsjit.parallel}
  func.return
}""")
    every = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
    out = np.empty(65536, np.float32)
    lib.call("widen", every, out)
    want = every.astype(np.float32)
    nan = np.isnan(want)
    assert np.array_equal(out[~nan].view(np.uint32), want[~nan].view(np.uint32))
    assert np.isnan(out[nan]).all()


def test_stores_and_truncf_round_to_nearest_even_as_numpy():
    values = _boundary_floats()
    n = values.size
    lib = _library(f"""
func.func @narrow(%a: memref<{n}xf32>, %b: memref<{n}xf16>, %c: memref<{n}xf32>) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant {n} : index
  scf.for %i = %c0 to %n step %c1 {{
    %x = memref.load %a[%i] : memref<{n}xf32>
    %h = arith.truncf %x : f32 to f16
    memref.store %h, %b[%i] : memref<{n}xf16>
    %w = arith.extf %h : f16 to f32
    memref.store %w, %c[%i] : memref<{n}xf32>
  }} {{tsjit.parallel}}
  func.return
}}""")
    stored, widened = np.empty(n, np.float16), np.empty(n, np.float32)
    lib.call("narrow", values, stored, widened)
    with np.errstate(over="ignore"):
        want = values.astype(np.float16)
    nan = np.isnan(values)
    assert np.array_equal(stored[~nan].view(np.uint16), want[~nan].view(np.uint16))
    assert np.array_equal(widened[~nan], want[~nan].astype(np.float32))
    assert np.isnan(stored[nan]).all() and np.isnan(widened[nan]).all()


@pytest.mark.parametrize("op", ["addf", "subf", "mulf", "divf"])
def test_f16_arithmetic_rounds_each_result_as_numpy(op):
    rng = np.random.default_rng(1)
    n = 1 << 16
    a = rng.integers(0, 2 ** 16, n, dtype=np.uint32).astype(np.uint16).view(np.float16)
    b = rng.integers(0, 2 ** 16, n, dtype=np.uint32).astype(np.uint16).view(np.float16)
    lib = _library(f"""
func.func @f(%a: memref<{n}xf16>, %b: memref<{n}xf16>, %c: memref<{n}xf16>) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant {n} : index
  scf.for %i = %c0 to %n step %c1 {{
    %x = memref.load %a[%i] : memref<{n}xf16>
    %y = memref.load %b[%i] : memref<{n}xf16>
    %z = arith.{op} %x, %y : f16
    memref.store %z, %c[%i] : memref<{n}xf16>
  }} {{tsjit.parallel}}
  func.return
}}""")
    out = np.empty(n, np.float16)
    lib.call("f", a, b, out)
    with np.errstate(all="ignore"):
        want = {"addf": np.add, "subf": np.subtract, "mulf": np.multiply, "divf": np.divide}[op](a, b)
    nan = np.isnan(want)
    assert np.array_equal(out[~nan].view(np.uint16), want[~nan].view(np.uint16))
    assert np.isnan(out[nan]).all()


# -- models -----------------------------------------------------------------------------------

def mul_add(x, y):
    return F.relu(x * y + 1.5) - y / 3.0


def transcendental(x):
    return torch.exp(x) + torch.tanh(x) * torch.sigmoid(x) - torch.log(x.abs() + 1.0)


def overflow(x, y):
    return x * 4000.0 * 100.0 + y / (x - x)


def subnormal(x):
    return x * 1e-6 + 3e-7


def promote(x, y):
    return x * y + 1.0


def transposed(x, y):
    return x.t() + y


def reductions(x):
    return x.sum(1) + x.mean(1) * 2.0 + x.amax(1)


def full_sum(x):
    return x.sum() + x.mean()


def matmul(x, y):
    return x @ y


def bmm(x, y):
    return torch.bmm(x, y)


def linear(x, w, b):
    return F.linear(x, w, b)


def conv(x, w, b):
    return F.conv2d(x, w, b, padding=1)


def grouped_conv(x, w):
    return F.conv2d(x, w, None, stride=2, groups=2)


def softmax(x):
    return F.softmax(x, -1)


def log_softmax(x):
    return F.log_softmax(x, 1)


def layer_norm(x, w, b):
    return F.layer_norm(x, [64], w, b)


def gelu(x):
    return F.gelu(x)


def digamma(x):
    return torch.digamma(x)


def _rand(*shape):
    return lambda rng: rng.standard_normal(shape).astype(np.float16)


#: name -> (function, input makers)
CASES = {
    "mul_add": (mul_add, [_rand(6, 33), _rand(6, 33)]),
    "transcendental": (transcendental, [_rand(5, 40)]),
    "overflow": (overflow, [_rand(4, 9), _rand(4, 9)]),
    "subnormal": (subnormal, [_rand(4, 9)]),
    "promote": (promote, [_rand(4, 9), lambda rng: rng.standard_normal((4, 9)).astype(np.float32)]),
    "transposed": (transposed, [_rand(7, 5), _rand(5, 7)]),
    "reductions": (reductions, [_rand(8, 300)]),
    "full_sum": (full_sum, [lambda rng: (rng.standard_normal(5000) + 2).astype(np.float16)]),
    "matmul": (matmul, [_rand(24, 512), _rand(512, 16)]),
    "bmm": (bmm, [_rand(3, 8, 200), _rand(3, 200, 5)]),
    "linear": (linear, [_rand(6, 128), _rand(20, 128), _rand(20)]),
    "conv": (conv, [_rand(2, 8, 9, 9), _rand(6, 8, 3, 3), _rand(6)]),
    "grouped_conv": (grouped_conv, [_rand(1, 4, 9, 9), _rand(6, 2, 3, 3)]),
    "softmax": (softmax, [_rand(6, 500)]),
    "log_softmax": (log_softmax, [_rand(3, 50, 4)]),
    "layer_norm": (layer_norm, [_rand(6, 64), _rand(64), _rand(64)]),
    "gelu": (gelu, [_rand(9, 17)]),
    "digamma": (digamma, [lambda rng: np.array([-2.5, -0.5, 0.3, 1e-3, 3.0, 7.5, 100.0, 0.0], np.float16)]),
}


#: cases whose numpy-backend kernel computes in f16 steps, farther from PyTorch than f16 tolerance
NUMPY_KERNEL_IN_F16 = {"digamma"}


def _inputs(name):
    rng = np.random.default_rng(sum(map(ord, name)))
    return [make(rng) for make in CASES[name][1]]


def _close(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=RTOL, atol=ATOL,
                               equal_nan=True)


@pytest.fixture(scope="module")
def compiled():
    """{case: (C-compiled, numpy-compiled)}, built once for the module's tests."""
    built = {}
    for name, (fn, _) in CASES.items():
        args = [torch.from_numpy(a) for a in _inputs(name)]
        built[name] = (torch.compile(fn, backend="c", example_inputs=args, fallback=False),
                       torch.compile(fn, backend="numpy", example_inputs=args))
    return built


@pytest.mark.parametrize("name", sorted(set(CASES) - NUMPY_KERNEL_IN_F16))
def test_f16_model_runs_in_c_as_on_numpy(name, compiled):
    c, on_numpy = compiled[name]
    assert c.backend == "c"
    inputs = _inputs(name)
    with np.errstate(all="ignore"):  # the numpy backend's overflow warnings (C computes the same inf)
        want = on_numpy(*inputs)
    _close(c(*inputs), want)


@pytest.mark.skipif(real_torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", sorted(CASES))
def test_f16_model_runs_in_c_as_pytorch(name, compiled):
    fn = CASES[name][0]
    eager = types.FunctionType(fn.__code__, {**fn.__globals__, "torch": real_torch, "F": real_torch.nn.functional})
    inputs = _inputs(name)
    want = eager(*[real_torch.from_numpy(a) for a in inputs]).numpy()
    _close(compiled[name][0](*inputs), want)


def test_f16_weights_fill_16_bit_buffers():
    model = nn.Sequential(nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 3)).to(torch.float16)
    x = np.random.default_rng(2).standard_normal((5, 16)).astype(np.float16)
    c = torch.compile(model, backend="c", example_inputs=[torch.from_numpy(x)], fallback=False)
    assert "uint16_t" in c.executable.source
    _close(c(x), model(torch.from_numpy(x)).numpy())


def test_long_f16_dot_products_accumulate_in_float32():
    """Over 4096 terms a f16 accumulator drifts far beyond f16 tolerance; float32 does not."""
    rng = np.random.default_rng(3)
    a, b = rng.random((4, 4096)).astype(np.float16), rng.random((4096, 3)).astype(np.float16)
    c = torch.compile(matmul, backend="c", example_inputs=[torch.from_numpy(a), torch.from_numpy(b)],
                      fallback=False)
    want = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float16)
    _close(c(a, b), want)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_mean_of_more_halves_than_a_half_holds(dtype):
    """A half's mean is its float32 sum divided by the count, rounded once: the sum of 2^18 values
    near 1 and the count itself overflow float16 (the count once failed to compile as an f16 constant)."""
    x = torch.from_numpy((np.random.default_rng(0).standard_normal((64, 4096)) * 0.1 + 1.0).astype(np.float32)).to(
        getattr(torch, dtype))

    def means(x):
        return x.mean(), x.mean(1)

    compiled = torch.compile(means, backend="c", example_inputs=(x,), fallback=False)
    for got, want in zip(compiled(x), means(x)):
        assert got.dtype == x.dtype
        np.testing.assert_allclose(got.float().numpy(), want.float().numpy(), rtol=1e-2)
    assert abs(float(compiled(x)[0]) - 1.0) < 0.01
