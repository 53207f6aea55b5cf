"""complex64 / complex128: promotion, printing, the ops PyTorch refuses them for, the ops of everyday
complex code against PyTorch (each op's float32 samples made complex), and compiled programs (C
holds complex values as real pairs where ts-complex-to-real has a rule for every complex op of a
function: test/unit/compile/test_complex_in_c.py)."""
from __future__ import annotations

import numpy as np
import pytest

import opinfo
import tsjit
from tsjit.kernels.promotion import promote_types, result_dtype
from tsjit.ops import REGISTRY
from tsjit.ops import samples as sample_sets
from tsjit.ops.complex_inputs import NOT_IMPLEMENTED, REFUSED
from tsjit.ops.registry import Sample


_DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64", "complex64", "complex128"]

#: ops of everyday complex code, checked on their samples made complex (view_as_complex, complex and
#: polar take real tensors: the op tests check them)
EVERYDAY = ["add", "sub", "mul", "div", "neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "abs",
            "reciprocal", "pow", "sum", "mean", "prod", "matmul", "mm", "bmm", "linear", "cat", "stack", "reshape",
            "permute", "transpose", "where", "isclose", "isnan", "isfinite", "var", "std", "linalg_vector_norm",
            "det", "inverse", "linalg_solve", "linalg_svdvals", "slogdet", "logdet", "linalg_vecdot", "mH",
            "real", "imag", "conj", "angle", "sgn", "view_as_real",
            "cumsum", "flip", "roll", "sinc", "nan_to_num", "cov", "trapezoid", "isreal", "silu", "im2col", "col2im",
            "rms_norm", "lstm_cell", "gru_cell", "rnn_tanh_cell", "gru", "rnn_tanh", "ldexp", "soft_margin_loss",
            "corrcoef", "logaddexp", "logcumsumexp"]  # (lstm: float32 complex tanh
# differs from PyTorch's by ~2e-4 relative over its samples' sequences, beyond these tolerances)


def _complex(value, rng):
    if isinstance(value, np.ndarray) and value.dtype == np.float32:
        parts = np.round(rng.uniform(-1, 1, value.shape), 2)
        return np.asarray(value + 1j * parts).astype(np.complex64)
    if isinstance(value, list):
        return [_complex(v, rng) for v in value]
    return value


def _has_complex(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "c"
    return isinstance(value, list) and any(_has_complex(v) for v in value)


def complex_samples(name: str) -> list[Sample]:
    """The op's samples with their float32 tensors made complex64 (those that hold one)."""
    sample_sets.reseed(name)
    rng = np.random.default_rng(0)
    out = [Sample(tuple(_complex(v, rng) for v in s.operands), 1e-4, 1e-5, s.torch, note=str(k))
           for k, s in enumerate(REGISTRY[name].sample_list())]
    return [s for s in out if any(_has_complex(v) for v in s.operands)]


@pytest.mark.parametrize("a", _DTYPES)
def test_promotion_matches_torch(a):
    torch = pytest.importorskip("torch")
    for b in _DTYPES:
        want = str(torch.promote_types(getattr(torch, a), getattr(torch, b))).removeprefix("torch.")
        assert promote_types(np.dtype(a), np.dtype(b)).name == want, (a, b)
    if a == "float16":  # torch: ComplexHalf, which tsjit does not have
        with pytest.raises(RuntimeError, match="complex32"):
            result_dtype(np.zeros(2, a), 1j)
        return
    want = torch.result_type(torch.zeros(2, dtype=getattr(torch, a)), 1j)
    assert result_dtype(np.zeros(2, a), 1j).name == str(want).removeprefix("torch."), a


def test_tensors_print_and_convert_as_in_torch():
    torch = pytest.importorskip("torch")
    for value in ([1 + 2j, 3 - 1j], [[0.5 - 1e-5j, 100], [1j, -2.25 + 3j]], 2 + 0j, [np.nan + 1j, np.inf - 2j]):
        assert repr(tsjit.tensor(value)) == repr(torch.tensor(value))
    x = tsjit.tensor([1 + 2j, -3j])
    assert x.dtype is tsjit.complex64 and x.is_complex() and not x.is_floating_point()
    assert repr(x.to(tsjit.complex128)) == repr(torch.tensor([1 + 2j, -3j]).to(torch.complex128))
    assert complex(tsjit.tensor(1 - 2j)) == 1 - 2j
    assert x.real.dtype is tsjit.float32 and x.imag.tolist() == [2.0, -3.0]
    with pytest.raises(TypeError, match="complex32"):
        tsjit.float16.to_complex()


@pytest.mark.parametrize("name", sorted({**NOT_IMPLEMENTED, **REFUSED}))
def test_refusals_match_torch(name):
    """Each listed op raises for a complex operand, with PyTorch's error (PyTorch raises too)."""
    samples = complex_samples(name)
    samples = [s for s in samples if all(getattr(v, "size", 1) for v in s.operands)] or samples
    assert samples, f"ts.{name} has no sample to make complex"
    defn = REGISTRY[name]
    got = opinfo.run_kernel(defn, samples[0])
    assert isinstance(got, RuntimeError), f"ts.{name} took a complex operand: {got!r}"
    try:
        import torch  # noqa: F401
    except ImportError:
        return
    if defn.aten and samples[0].torch:
        want = opinfo.torch_call(defn, samples[0])
        assert isinstance(want, BaseException), f"torch takes a complex operand for {name}"
        assert "omplex" in str(got), got


@pytest.mark.parametrize("name", EVERYDAY)
def test_everyday_ops_match_torch(name):
    torch = pytest.importorskip("torch")  # noqa: F841
    defn = REGISTRY[name]
    checked = 0
    for s in complex_samples(name):
        finite = all(np.isfinite(v).all() for v in s.operands if isinstance(v, np.ndarray) and v.dtype.kind in "fc")
        if not (defn.aten and s.torch and finite):  # (complex inf/NaN arithmetic differs between libraries)
            continue
        want, got = opinfo.torch_call(defn, s), opinfo.run_kernel(defn, s)
        if isinstance(want, BaseException) or isinstance(got, BaseException):
            assert isinstance(want, BaseException) == isinstance(got, BaseException), \
                f"ts.{name} sample {s.note}: torch {want!r}, tsjit {got!r}"
            continue
        opinfo.assert_same(got, opinfo.to_numpy(want), s, f"ts.{name} sample {s.note}")
        checked += 1
    assert checked, f"no complex sample of ts.{name} ran"


class ComplexModel(tsjit.nn.Module):
    def forward(self, x, w):
        y = tsjit.view_as_real(x * w.conj())
        placed = x.scatter(1, tsjit.tensor([[1], [0]]), 2.0).index_copy(0, tsjit.tensor([1]), w[:1])
        return (x.real + x.imag * 2, tsjit.angle(x @ w), y, (x.abs() + 1).sqrt(), tsjit.complex(x.real, x.imag) / 3,
                placed)


def test_scripted_complex_code_runs_on_numpy_and_in_c():
    x = tsjit.tensor([[1 + 2j, -3j], [0.5, 1j]])
    w = tsjit.tensor([[2 - 1j, 1], [0.25j, -1]])
    model = ComplexModel()
    want = [t.numpy() for t in model(x, w)]
    scripted = tsjit.jit.script(model)
    for backend in ("numpy", "c"):
        compiled = tsjit.compile(scripted, backend=backend, example_inputs=[x, w])
        for got, expected in zip(compiled(x, w), want):
            assert got.dtype == tsjit.from_numpy(expected).dtype
            np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)
    whole = tsjit.compile(scripted, backend="c", example_inputs=[x, w], fallback=False)  # scatter too
    assert whole.backend == "c"


def test_modules_move_to_complex_dtypes():
    """nn.Module.to takes complex dtypes as PyTorch does (integers stay refused)."""
    import tsjit.nn as nn

    layer = nn.Linear(3, 2).to(tsjit.complex64)
    assert layer.weight.dtype == tsjit.complex64 and layer.bias.dtype == tsjit.complex64
    x = tsjit.tensor([[1 + 1j, 2, -1j]], dtype=tsjit.complex64)
    want = x.numpy() @ layer.weight.numpy().T + layer.bias.numpy()
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-6)
    with pytest.raises(TypeError, match="floating point or complex"):
        nn.Linear(3, 2).to(tsjit.int64)
