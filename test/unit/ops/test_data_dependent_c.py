"""Ops whose result size depends on the data, compiled wholly to C when their results are the
function's results (tsjit/passes/padded_results.py): C fills buffers of the largest size and the
counts cut them. Each case runs compiled (fallback=False), eagerly in tsjit, and in PyTorch when it
is installed, on ordinary, empty-result, 0-d and multi-dim inputs of float32, int64 and bool."""
from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pytest

import tsjit
from tsjit.backends.c import find_compiler
from tsjit.compiler import FallbackError

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
HAS_TORCH = importlib.util.find_spec("torch") is not None


# Tensor methods only, so that the same functions run on tsjit and torch tensors.
def nonzero(x):
    return x.nonzero()


def argwhere(x):
    return x.argwhere()


def nonzero_static(x):
    return x.nonzero_static(size=4), x.nonzero_static(size=1, fill_value=3)


def nonzero_tuple(x):
    return x.nonzero(as_tuple=True)


def masked_select(x, m):
    return x.masked_select(m)


def mask_index(x, m):
    return x[m]


def mask_index_then_math(x, m):
    return (x[m] * 2 + 1).abs()


def reshaped(x):
    return (x > 0).nonzero().view(-1), (x > 0).nonzero().squeeze(1), x.nonzero().clone().unsqueeze(2).flatten(1)


def column_reads(x):
    return (x > 0).nonzero(as_tuple=True)[0] + 1, x.nonzero()[:, 1]


def nonzero_column(x):
    return x.nonzero().select(1, 0) + 10


def unique_all(x):
    return x.unique(return_inverse=True, return_counts=True)


def unique_values(x):
    return x.unique()


def unique_counts(x):
    return x.unique(return_counts=True)


def unique_consecutive_all(x):
    return x.unique_consecutive(return_inverse=True, return_counts=True)


def unique_consecutive_values(x):
    return x.unique_consecutive()


def mask_second_dim(x, m):
    return x[:, m]


def unique_rows(x):
    return x.unique(dim=0, return_inverse=True, return_counts=True)


def unique_columns(x):
    return x.unique(dim=1)


def unique_consecutive_columns(x):
    return x.unique_consecutive(dim=1, return_inverse=True, return_counts=True)


def two_masked(x, m):
    y = x * 2 - 1
    return (x[m] - y[m]).pow(2).mean(), x[m] * y[m], x.masked_select(m) + y.masked_select(m)


def masked_mse(x, m):
    return (x[m] - 1).pow(2).mean() * 3


def masked_sums(x, m):
    y = x[m]
    return y.sum(1), y, y.mean(), x.nonzero().sum(0) + 1


def logical_totals(x, m):
    return x[m].prod(), (x[m] > 1).any(), (x[m] > 1).all(), x.nonzero().prod(1), (x > 0).nonzero().bool().all(0)


def sizes(x, m):
    return len(x[m]), x[m].numel(), x.nonzero().shape[0], x * float(x.nonzero().size(0)), x[m]


def two_results(x, m):
    return x.masked_select(m), x.nonzero(), x.sum()


_F = np.array([[1.5, 0.0, -2.0], [0.0, 3.0, 0.0]], np.float32)
_I = np.array([[3, 1, 1], [2, 3, 3], [0, 0, 5]], np.int64)
_B = np.array([True, False, True, True])
_NAN = np.array([2.0, np.nan, 1.0, np.nan, 2.0], np.float32)

CASES = [
    (nonzero, (_F,)), (nonzero, (np.zeros((2, 3), np.float32),)), (nonzero, (np.array(2.5, np.float32),)),
    (nonzero, (np.array(0, np.int64),)), (nonzero, (_I.reshape(3, 3, 1),)), (nonzero, (_B,)),
    (nonzero, (np.zeros((0, 3), np.float32),)), (argwhere, (_I,)), (argwhere, (np.array(0.0, np.float32),)),
    (nonzero_static, (_F,)), (nonzero_static, (np.zeros(5, bool),)),
    (nonzero_tuple, (_F,)), (nonzero_tuple, (np.array(True),)), (nonzero_tuple, (np.zeros(4, np.int64),)),
    (masked_select, (_F, _F > 0)), (masked_select, (_F, np.zeros((2, 3), bool))), (masked_select, (_I, _I[0] > 1)),
    (masked_select, (np.array(1.5, np.float32), np.array(True))), (masked_select, (_B, _B)),
    (mask_index, (_F, _F != 0)), (mask_index, (_I, np.array([True, False, True]))),
    (mask_index, (_F, np.zeros((2, 3), bool))), (mask_index, (_B, ~_B)),
    (mask_index_then_math, (_F, _F < 1)), (nonzero_column, (_I,)), (column_reads, (_F,)),
    (reshaped, (_F[0],)), (reshaped, (np.zeros(3, np.int64),)),
    (unique_all, (_I,)), (unique_all, (_NAN,)), (unique_all, (_B,)), (unique_all, (np.array(4.0, np.float32),)),
    (unique_all, (np.zeros((0, 2), np.float32),)), (unique_values, (_F,)), (unique_counts, (np.array([7, 7, 7]),)),
    (unique_consecutive_all, (np.array([1, 1, 2, 2, 3, 1, 1, 2]),)), (unique_consecutive_all, (_NAN,)),
    (unique_consecutive_all, (_I,)), (unique_consecutive_values, (_B,)), (unique_consecutive_all, (np.zeros(0),)),
    (two_results, (_F, _F > 0)), (masked_mse, (_F, _F > 0)), (masked_mse, (_F, np.zeros((2, 3), bool))),
    (mask_second_dim, (_I.reshape(3, 3, 1).repeat(2, 2), np.array([True, False, True]))),
    (mask_second_dim, (_F, np.zeros(3, bool))), (unique_rows, (_I[[0, 1, 0]],)), (unique_rows, (_F[[1, 0, 1]],)),
    (unique_rows, (np.zeros((0, 3), np.float32),)), (unique_columns, (_I[:, [0, 1, 0]],)),
    (unique_consecutive_columns, (_F[:, [0, 0, 1, 2, 2]],)), (unique_consecutive_columns, (_B.reshape(2, 2),)),
    (two_masked, (_F, _F > 0)), (two_masked, (_F, np.zeros((2, 3), bool))), (logical_totals, (_F, _F > 0)),
    (logical_totals, (_F, np.zeros((2, 3), bool))), (sizes, (_F, _F > 0)), (sizes, (_F, np.zeros((2, 3), bool))),
    (masked_sums, (_F.reshape(1, 2, 3), np.array([[True, False]]))), (masked_sums, (_F.reshape(2, 3, 1), ~(_F > 0))),
]


def _ids():
    return [f"{fn.__name__}-{i}" for i, (fn, _) in enumerate(CASES)]


def _flat(value) -> list[np.ndarray]:
    if isinstance(value, tuple | list):
        return [a for v in value for a in _flat(v)]
    return [np.asarray(value.numpy() if hasattr(value, "numpy") else value)]


def _same(got, want, what: str) -> None:
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want), f"{what}: {len(got)} results, expected {len(want)}"
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape, f"{what}: {g.dtype}{g.shape}, expected {w.dtype}{w.shape}"
        np.testing.assert_array_equal(g, w, err_msg=what)


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
@pytest.mark.parametrize("fn, inputs", CASES, ids=_ids())
def test_compiled_c_matches_eager_and_torch(fn, inputs):
    args = [tsjit.from_numpy(a.copy()) for a in inputs]
    compiled = tsjit.compile(fn, backend="c", example_inputs=args, fallback=False)
    assert compiled.backend == "c"
    eager = fn(*args)
    _same(compiled(*args), eager, "C against eager")
    if HAS_TORCH:
        import torch

        _same(eager, fn(*[torch.from_numpy(a.copy()) for a in inputs]), "eager against PyTorch")


@pytest.mark.parametrize("dtype", ["float16", "float64", "uint8", "int8", "int16", "int32"])
def test_other_dtypes(dtype):
    def three(x, m):
        return x[m], x.unique(return_counts=True), x.nonzero()

    a = np.array([[1, 0, 2], [0, 3, 3]]).astype(dtype)
    args = (tsjit.from_numpy(a), tsjit.from_numpy(a != 0))
    _same(tsjit.compile(three, backend="c", example_inputs=args, fallback=False)(*args), three(*args), dtype)


def test_sizes_the_data_decides_are_no_specialization_warning():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tsjit.compile(mask_index_then_math, backend="c", example_inputs=(tsjit.from_numpy(_F), tsjit.from_numpy(_F > 0)),
                      fallback=False)
    assert not [w for w in caught if "shapes stay unknown" in str(w.message)]


def test_one_compiled_model_serves_other_counts():
    """The buffers are sized by the input, the counts by each call's values."""
    compiled = tsjit.compile(masked_select, backend="c", example_inputs=(tsjit.from_numpy(_F), tsjit.from_numpy(_F > 0)),
                             fallback=False)
    for keep in (np.ones((2, 3), bool), np.zeros((2, 3), bool), _F < 0):
        _same(compiled(tsjit.from_numpy(_F), tsjit.from_numpy(keep)), tsjit.from_numpy(_F[keep]), str(keep))


def test_a_data_dependent_value_other_ops_use_falls_back_with_its_reason():
    def total(x):
        return x.nonzero().amax()

    x = tsjit.from_numpy(_F)
    with pytest.raises(FallbackError, match="ts.nonzero.*only where it reaches the compiled function's results"):
        tsjit.compile(total, backend="c", example_inputs=(x,), fallback=False)
    with pytest.warns(UserWarning):
        compiled = tsjit.compile(total, backend="c", example_inputs=(x,))
    assert compiled.backend == "numpy+c" and int(compiled(x)) == int(total(x))
    summed = tsjit.compile(nonzero_sum, backend="c", example_inputs=(x,), fallback=False)
    assert summed.backend == "c" and summed(x).item() == nonzero_sum(x).item()


def nonzero_sum(x):
    return x.nonzero().sum()


def test_a_padded_result_beside_an_argument_written_in_place():
    """The counts come after the write-backs' extra results; both reach the caller."""
    def f(x):
        x.add_(1.0)
        return x[x > 2.5], x.nonzero()

    x = tsjit.tensor([1.0, 2.0, -1.0])
    compiled = tsjit.compile(f, backend="c", example_inputs=(x.clone(),), fallback=False)
    got = compiled(x)
    np.testing.assert_array_equal(x.numpy(), [2.0, 3.0, 0.0])
    _same(got, (tsjit.tensor([3.0]), tsjit.tensor([[0], [1]])), "with a write-back")


@pytest.mark.parametrize("how", [lambda x: x.nonzero(as_tuple=True), lambda x: tsjit.where(x > 0)])
def test_traced_index_tuples_compile_to_c(how):
    """A trace unpacks nonzero(as_tuple=True) / where(condition)'s list into a tuple: still wholly C."""
    traced = tsjit.jit.trace(how, (tsjit.from_numpy(_F),))
    compiled = tsjit.compile(traced, backend="c", example_inputs=(tsjit.from_numpy(_F),), fallback=False)
    for x in (_F, -_F, np.zeros((2, 3), np.float32)):
        _same(compiled(tsjit.from_numpy(x)), how(tsjit.from_numpy(x)), "traced")


def test_bincount_says_why_it_stays_on_numpy():
    def counts(x):
        return x.bincount()

    with pytest.raises(FallbackError, match="largest value plus one"):
        tsjit.compile(counts, backend="c", example_inputs=(tsjit.from_numpy(np.array([1, 3, 1])),), fallback=False)


def test_a_model_also_using_numpy_ops_and_its_pickle_keep_the_cut():
    """bincount falls back to numpy; the padded nonzero still comes back cut, also after pickling."""
    import pickle

    def mixed(x, i):
        return x.nonzero(), i.bincount(), (x * 2)[x > 0]

    args = (tsjit.from_numpy(_F), tsjit.from_numpy(np.array([1, 3, 1])))
    with pytest.warns(UserWarning):
        compiled = tsjit.compile(mixed, backend="c", example_inputs=args)
        unpickled = pickle.loads(pickle.dumps(compiled))
    assert compiled.backend == "numpy+c"
    _same(compiled(*args), mixed(*args), "numpy+c")
    _same(unpickled(*args), mixed(*args), "unpickled")


def test_numpy_backend_is_unchanged():
    compiled = tsjit.compile(unique_all, backend="numpy", example_inputs=(tsjit.from_numpy(_I),))
    _same(compiled(tsjit.from_numpy(_I)), unique_all(tsjit.from_numpy(_I)), "numpy backend")


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_export_c_refuses_clearly(tmp_path):
    from tsjit.backends.c.export import ExportError

    with pytest.raises(ExportError, match="ts.nonzero"):
        tsjit.export_c(nonzero, tmp_path / "out", example_inputs=(tsjit.from_numpy(_F),))


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
@pytest.mark.parametrize("how", ["script", "trace"])
def test_imported_torchscript_modules_compile_to_c(how):
    """aten::_unique2, masked_select, index with a bool mask, argwhere from PyTorch's graphs."""
    import torch

    from tsjit.frontend import from_torch

    class Model(torch.nn.Module):
        def forward(self, x, m):
            u, inv, cnt = torch.unique(x, return_inverse=True, return_counts=True)
            return x[m], torch.masked_select(x, m), u, inv, cnt, torch.argwhere(x), (x[m] ** 2).mean()

    x = torch.from_numpy(_F.copy())
    m = x > 0.5
    module = torch.jit.script(Model()) if how == "script" else torch.jit.trace(Model(), (x, m))
    compiled = tsjit.compile(from_torch(module), backend="c", example_inputs=(x.numpy(), m.numpy()), fallback=False)
    _same(compiled(x.numpy(), m.numpy()), Model()(x, m), "C against PyTorch")


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_export_c_computes_what_stays_inside_the_function(tmp_path):
    """Sums and sizes of data-dependent values need no count from the caller: the export builds and
    its demo gives the model's values."""
    import subprocess

    def inside(x, m):
        return (x[m] - 1).pow(2).mean() + x.nonzero().size(0)

    args = (tsjit.from_numpy(_F), tsjit.from_numpy(_F > 0))
    out = tmp_path / "out"
    tsjit.export_c(inside, out, example_inputs=args)
    np.save(out / "x.npy", _F)
    np.save(out / "m.npy", _F > 0)
    subprocess.run(["make", f"CC={find_compiler()}"], cwd=out, check=True, capture_output=True)
    subprocess.run([str(out / "demo"), "-o", "y", "x.npy", "m.npy"], cwd=out, check=True, capture_output=True)
    got = np.fromfile(out / "y0.bin", np.float32)
    np.testing.assert_allclose(got, [inside(*args).item()], rtol=1e-6)
