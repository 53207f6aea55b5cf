"""Programs with complex values compile wholly to C (ts-complex-to-real holds them as real pairs):
complex arithmetic, views and reductions, and the FFT family as DFT-matrix products, checked
against eager tsjit and, where installed, PyTorch."""
import numpy as np
import pytest

import tsjit
import tsjit.nn as nn

rng = np.random.default_rng(0)


def f32(*s):
    return rng.standard_normal(s).astype(np.float32)


def c64(*s):
    return (rng.standard_normal(s) + 1j * rng.standard_normal(s)).astype(np.complex64)


CASES = {
    "rfft": (lambda t, x: t.fft.rfft(x), [f32(3, 8)]),
    "rfft_n_ortho": (lambda t, x: t.fft.rfft(x, n=6, norm="ortho"), [f32(3, 8)]),
    "rfft_padded": (lambda t, x: t.fft.rfft(x, n=11, norm="forward"), [f32(3, 8)]),
    "fft_dim0_abs": (lambda t, x: t.fft.fft(x, dim=0).abs(), [f32(5, 4)]),
    "irfft_roundtrip": (lambda t, x: t.fft.irfft(t.fft.rfft(x)), [f32(2, 8)]),
    "irfft_odd_n": (lambda t, x: t.fft.irfft(t.fft.rfft(x), n=7), [f32(2, 8)]),
    "hfft": (lambda t, x: t.fft.hfft(t.fft.rfft(x), n=9), [f32(2, 5)]),
    "ihfft": (lambda t, x: t.fft.ihfft(x), [f32(2, 5)]),
    "fftn_ortho": (lambda t, x: t.fft.fftn(x, norm="ortho"), [f32(2, 3, 4)]),
    "ifftn_sizes": (lambda t, x: t.fft.ifftn(x, s=[4, 6]), [f32(2, 3, 4)]),
    "fft2": (lambda t, x: t.fft.fft2(x), [f32(2, 3, 4)]),
    "rfft2": (lambda t, x: t.fft.rfft2(x), [f32(2, 3, 6)]),
    "irfftn": (lambda t, x: t.fft.irfftn(t.fft.rfftn(x), s=[3, 6]), [f32(2, 3, 6)]),
    "fft_f64": (lambda t, x: t.fft.fft(x), [rng.standard_normal((2, 6))]),
    "fft_int": (lambda t, x: t.fft.fft(x), [np.arange(6, dtype=np.int64)]),
    "complex_fft": (lambda t, x: t.fft.fft(x), [c64(3, 5)]),
    "complex_ifft": (lambda t, x: t.fft.ifft(x, n=4, dim=0, norm="forward"), [c64(3, 5)]),
    "complex_abs": (lambda t, x, y: t.complex(x, y).abs(), [f32(3, 4), f32(3, 4)]),
    "conj_mul_real": (lambda t, x, y: (t.complex(x, y).conj() * t.complex(y, x)).real, [f32(3, 4), f32(3, 4)]),
    "polar": (lambda t, x, y: t.polar(x.abs(), y), [f32(3, 4), f32(3, 4)]),
    "complex_plus_real": (lambda t, x, y: x + y - 2 * y, [c64(3, 4), f32(3, 4)]),
    "real_minus_complex": (lambda t, x, y: y - x, [c64(3, 4), f32(1, 4)]),
    "mul_broadcast": (lambda t, x, y: x * y, [c64(3, 4), c64(4)]),
    "div": (lambda t, x, y: x / y + 1.0 / x, [c64(3, 4), c64(3, 4)]),
    "exp_log_sqrt": (lambda t, x: t.exp(x) + t.log(x) + t.sqrt(x), [c64(3, 4)]),
    "sin_cos_reciprocal": (lambda t, x: t.sin(x) * t.cos(x) + x.reciprocal(), [c64(3, 4)]),
    "matmul": (lambda t, x, y: x @ y, [c64(3, 4), c64(4, 2)]),
    "sum_mean": (lambda t, x: x.sum(0) + x.mean(), [c64(3, 4)]),
    "views": (lambda t, x: x.transpose(0, 1).reshape(2, 6)[1:].unsqueeze(0).flip(-1), [c64(3, 4)]),
    "cat_stack": (lambda t, x, y: t.cat([x, y], -1) + t.stack([x, y], 1).flatten(1), [c64(3, 2), c64(3, 2)]),
    "angle": (lambda t, x: t.angle(x), [c64(3, 4)]),
    "view_as_real": (lambda t, x: t.view_as_real(x) * 2, [c64(3, 4)]),
    "view_as_complex": (lambda t, x: t.view_as_complex(x) * 2, [f32(3, 4, 2)]),
    "scalars": (lambda t, x: x * 2.0 + 1.0 - x / 4.0, [c64(3, 4)]),
    "zero_d": (lambda t, x: (x.sum() * x).real, [c64(3)]),
    "eq": (lambda t, x, y: t.eq(x, y), [c64(3), c64(3)]),
    "to_complex128": (lambda t, x: x.to(t.complex128) * 2, [c64(3)]),
}


class Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(tsjit, *xs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_compiles_wholly_to_c_and_matches(name):
    fn, arrays = CASES[name]
    xs = [tsjit.from_numpy(a.copy()) for a in arrays]
    model = tsjit.jit.trace(Fn(fn).eval(), tuple(xs), check_trace=False)
    compiled = tsjit.compile(model, backend="c", example_inputs=xs, fallback=False)
    assert compiled.backend == "c"
    got, eager = compiled(*xs).numpy(), fn(tsjit, *xs).numpy()
    assert got.dtype == eager.dtype and got.shape == eager.shape
    np.testing.assert_allclose(got, eager, rtol=1e-4, atol=1e-5)
    again = compiled(*[tsjit.from_numpy(a.copy()) for a in arrays]).numpy()  # the pooled outputs reused
    np.testing.assert_array_equal(again, got)
    torch = pytest.importorskip("torch")
    expected = fn(torch, *[torch.from_numpy(a.copy()) for a in arrays]).resolve_conj().numpy()
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)


def test_a_transform_too_long_for_a_dft_matrix_runs_on_numpy():
    x = tsjit.from_numpy(f32(1, 4096))
    model = tsjit.jit.trace(Fn(lambda t, x: t.fft.fft(x)).eval(), (x,), check_trace=False)
    with pytest.raises(tsjit.compiler.FallbackError, match="fft_fft"):
        tsjit.compile(model, backend="c", example_inputs=[x], fallback=False)
    with pytest.warns(tsjit.compiler.FallbackWarning):
        compiled = tsjit.compile(model, backend="c", example_inputs=[x])
    np.testing.assert_allclose(compiled(x).numpy(), np.fft.fft(x.numpy()), rtol=1e-3, atol=1e-3)


PLACEMENT = {
    "tril_triu": (lambda t, x: t.tril(x) + t.triu(x, 1).t(), [c64(3, 3)]),
    "diag_diagonal": (lambda t, x: t.diag(x) + x.diagonal(1, 0, 1).sum() + t.diag_embed(x[0]).trace(), [c64(3, 3)]),
    "flips_rot": (lambda t, x: t.fliplr(x) + t.flipud(x) + t.rot90(x, 1, [0, 1]).t(), [c64(3, 3)]),
    "gather_index": (lambda t, x, i: t.gather(x, 1, i) + x[i[:, 0]][:, :2], [c64(3, 4), np.array([[0, 3], [1, 1], [2, 0]])]),
    "where_masked_fill": (lambda t, x, y: t.where(x.real > 0, x, y).masked_fill(y.imag > 0, 2.0), [c64(3, 4), c64(3, 4)]),
    "where_scalar": (lambda t, x: t.where(x.real > 0, x, 0.5), [c64(3, 4)]),
    "scatter_index_put": (lambda t, x, y: x.scatter(0, t.zeros(1, 4, dtype=t.int64), y[:1]), [c64(3, 4), c64(3, 4)]),
    "likes": (lambda t, x: t.zeros_like(x) + t.ones_like(x) + t.full_like(x, 2.0) + x, [c64(3)]),
    "dot_outer": (lambda t, x, y: t.dot(x, y) + t.outer(x, y), [c64(3), c64(3)]),
    "pow": (lambda t, x: x ** 2 + x ** 3 + x.pow(0.5), [c64(3, 4)]),
    "sgn_isnan": (lambda t, x: t.sgn(x) * t.isnan(x).logical_not(), [c64(4)]),
    "cumsum_repeat": (lambda t, x: x.cumsum(1).repeat(2, 1) + x.tile((2, 1)), [c64(3, 4)]),
    "roll": (lambda t, x: t.roll(x, 3) + t.roll(x, [1, -1], [0, 1]), [c64(3, 4)]),
    "norms_var": (lambda t, x: t.linalg.vector_norm(x, 3, [1]) + x.norm() + x.var(1) + x.std(), [c64(3, 4)]),
    "log2_exp2_rsqrt": (lambda t, x: t.log2(x) + t.log10(x) + t.exp2(x) + t.rsqrt(x), [c64(3, 4)]),
    "sinh_cosh": (lambda t, x: t.sinh(x) - t.cosh(x), [c64(3, 4)]),
    "tanh_tan_sigmoid_silu": (lambda t, x: t.tanh(x) + t.tan(x) - t.sigmoid(x) * t.nn.functional.silu(x), [c64(3, 4)]),
    "prods": (lambda t, x: x.prod(1, keepdim=True) + x.prod(0).sum() + x.prod(), [c64(3, 4)]),
    "unflatten_expand_as": (lambda t, x, y: x.unflatten(1, (2, 2)).flatten(1).expand_as(y), [c64(1, 4), c64(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(PLACEMENT))
def test_ops_that_move_or_place_elements(name):
    CASES[name] = PLACEMENT[name]
    try:
        test_compiles_wholly_to_c_and_matches(name)
    finally:
        del CASES[name]


def test_an_fft_between_real_tensors_and_angle_of_reals_compile_to_c():
    """hfft of a real tensor holds no complex value, yet has no lowering but its rule; angle of real
    tensors decomposes (pi where negative, NaN kept)."""
    for fn, x in ((lambda t, x: t.fft.hfft(x), f32(2, 5)),
                  (lambda t, x: t.angle(x), np.array([-1.5, 0, 2, np.nan, -np.inf], np.float32))):
        xs = [tsjit.from_numpy(x)]
        model = tsjit.jit.trace(Fn(fn).eval(), tuple(xs), check_trace=False)
        compiled = tsjit.compile(model, backend="c", example_inputs=xs, fallback=False)
        np.testing.assert_allclose(compiled(*xs).numpy(), fn(tsjit, *xs).numpy(), rtol=1e-4, atol=1e-5)


def _pairs(values, dtype):
    z = np.array([complex(*v) for v in values], np.complex64 if dtype == np.float32 else np.complex128)
    return np.ascontiguousarray(np.stack([z.real, z.imag], -1)).astype(dtype)


_INF, _NAN = float("inf"), float("nan")
#: tanh's and sigmoid's hard inputs: tiny and large real parts, large imaginary ones, infinities, NaNs
EDGES = [(0, 0), (-0.0, 0), (1e-6, 0.5), (3e-5, -2e-5), (1, 2), (-3, 1e4), (10, 1), (-10, -1), (20, 3),
         (50, 1e30), (100, 1), (-100, 1), (-50, 1), (1e30, 1), (0.001, 1.5707964), (0, 1.5707964),
         (_INF, 0), (-_INF, 0), (_INF, 1), (-_INF, -2), (0, _INF), (1, _INF), (_INF, _INF), (-_INF, _INF),
         (_NAN, 0), (_NAN, 1), (1, _NAN), (0, _NAN), (_INF, _NAN), (-_INF, _NAN), (_NAN, _NAN)]


def _compiled_and_eager(fn, x):
    xs = [tsjit.from_numpy(x.copy())]
    model = tsjit.jit.trace(Fn(fn).eval(), tuple(xs), check_trace=False)
    compiled = tsjit.compile(model, backend="c", example_inputs=xs, fallback=False)
    with np.errstate(all="ignore"):
        return compiled(*xs).numpy(), fn(tsjit, *xs).numpy()


def _same(got, expected, rtol):
    """Equal to rtol part by part, NaNs where `expected` has them (signs of zeros not compared)."""
    for g, e in ((got.real, expected.real), (got.imag, expected.imag)):
        np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-37)


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_complex_tanh_matches_ctanh_at_the_edges(dtype, rtol):
    """No overflow for large real parts, and C99's (PyTorch's) values at infinities and NaNs."""
    x = _pairs(EDGES, dtype)
    fn = lambda t, a: t.view_as_complex(a).tanh()  # noqa: E731
    got, eager = _compiled_and_eager(fn, x)
    _same(got, eager, rtol)
    torch = pytest.importorskip("torch")
    _same(got, fn(torch, torch.from_numpy(x.copy())).numpy(), rtol)


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_complex_sigmoid_does_not_overflow(dtype, rtol):
    """Equal to PyTorch wherever its 1 / (1 + exp(-z)) does not overflow; where it does (real part very
    negative: NaN there) the value it tends to, exp(z) / (1 + exp(z)), computed in complex128."""
    x = _pairs(EDGES, dtype)
    fn = lambda t, a: t.view_as_complex(a).sigmoid()  # noqa: E731
    got, eager = _compiled_and_eager(fn, x)
    z = x[..., 0].astype(np.float64) + 1j * x[..., 1].astype(np.float64)
    z[np.isinf(x[..., 1])] = complex(_NAN, _NAN)
    with np.errstate(all="ignore"):
        left = np.where(np.isneginf(x[..., 0]), 0, np.exp(z) / (1 + np.exp(z)))
    tame = ~(x[..., 0] < -20)
    _same(got[tame], eager[tame], rtol)
    _same(got[~tame], left[~tame].astype(got.dtype), rtol)
    torch = pytest.importorskip("torch")
    _same(got[tame], fn(torch, torch.from_numpy(x.copy())).numpy()[tame], rtol)


PRODS = {
    "whole": lambda t, a: t.view_as_complex(a).prod(),
    "dim": lambda t, a: t.view_as_complex(a).prod(1),
    "keepdim": lambda t, a: t.view_as_complex(a).prod(-1, keepdim=True),
    "dim0_of_0d": lambda t, a: t.view_as_complex(a)[0, 0].prod(0),
}


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("shape", [(4, 7, 2), (3, 1, 2), (2, 13, 2), (3, 0, 2)])
@pytest.mark.parametrize("name", sorted(PRODS))
def test_complex_prod_is_exact_complex_multiplication(name, shape, dtype, rtol):
    """One product per element in order, so zeros, overflow to infinity and NaNs come out as numpy's."""
    if name == "dim0_of_0d" and shape[1] == 0:
        return
    x = rng.standard_normal(shape).astype(dtype)
    if shape == (4, 7, 2):
        x[0, 2] = 0
        x[1, :, 0] = 1e20
        x[2, 1] = [_INF, 0]
        x[3, 3] = [_NAN, 1]
    fn = PRODS[name]
    got, eager = _compiled_and_eager(fn, x)
    assert got.shape == eager.shape and got.dtype == eager.dtype
    _same(got, eager, rtol)
    torch = pytest.importorskip("torch")
    if shape[1]:  # PyTorch's view_as_complex refuses an empty tensor's strides
        _same(got, fn(torch, torch.from_numpy(x.copy())).numpy(), rtol)
