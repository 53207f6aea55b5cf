"""Tensor.stride(), stride(dim) and is_contiguous() in script: a List[int], an int and a bool, as
TorchScript gives them. Compiled, they fold where the IR says how the tensor was made (a view's
strides are its base's rearranged); C refuses what it cannot answer as PyTorch would."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import tsjit
import tsjit.runtime
from tsjit.backends.c import find_compiler
from tsjit.frontend.script.errors import CompileError

HAS_TORCH = importlib.util.find_spec("torch") is not None


# Tensor methods only, so that torch.jit.script compiles the same functions.
def plain(x):
    return x.stride(), x.stride(0), x.stride(-1), x.is_contiguous()


def views(x):
    e = x[:, :1].expand(2, 3, 5)
    return (x.t().stride(), x.t().is_contiguous(), x.t().stride(-2), x[::2].stride(), x[1].stride(),
            x.unsqueeze(1).stride(), e.stride(), e.is_contiguous(), x.permute(1, 0).contiguous().stride(),
            (x + 1).t().t().stride(), x.reshape(-1).stride(), x[:, 1:3].is_contiguous())


def new_from_views(x):
    """PyTorch keeps a view's layout in an elementwise result (TensorIterator), not in a matmul's."""
    t = x.t()
    return ((t * 2).stride(), t.clone().stride(), (t + 1).is_contiguous(), (x * 2).t().stride(),
            x.sum(0).stride(), (x @ t).stride(), x.diagonal().stride(), x.clone().is_contiguous())


def branch(x):
    if x.t().is_contiguous():
        return x + 1
    if x.is_contiguous() and x.stride(0) == x.size(1):
        return x * x.stride()[0]
    return x - 1


def _check(got, want):
    assert [list(g) if isinstance(g, tuple | list) else g for g in got] == \
        [list(w) if isinstance(w, tuple | list) else w for w in want]


@pytest.mark.parametrize("fn", [plain, views, new_from_views], ids=lambda f: f.__name__)
def test_script_and_numpy_backend_match_eager_and_torch(fn):
    x = tsjit.from_numpy(np.arange(16 if fn is new_from_views else 12, dtype=np.float32).reshape(-1, 4))
    eager = fn(x)
    scripted = tsjit.jit.script(fn)(x)
    assert isinstance(scripted[0], list) and isinstance(scripted[2], int | list) and isinstance(scripted[-1], bool)
    _check(scripted, eager)
    _check(tsjit.compile(fn, backend="numpy", example_inputs=[x])(x), eager)
    if HAS_TORCH:
        import torch

        _check(eager, torch.jit.script(fn)(torch.from_numpy(x.numpy().copy())))


@pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
def test_conditions_on_the_layout_fold_and_compile_to_c():
    x = tsjit.from_numpy(np.arange(12, dtype=np.float32).reshape(3, 4))
    compiled = tsjit.compile(branch, backend="c", example_inputs=[x], fallback=False)
    np.testing.assert_array_equal(compiled(x).numpy(), branch(x).numpy())
    np.testing.assert_array_equal(branch(x).numpy(), x.numpy() * 4)


def unknown(x, flag: bool):
    y = x.t() if flag else x * 2
    return y * float(y.stride(0)) + float(y.is_contiguous())


def test_a_layout_only_run_time_knows_runs_on_numpy_and_c_refuses_it():
    """y comes out of an `if`: numpy answers at run time (its views are PyTorch's); C keeps tensors
    contiguous, so it refuses rather than answer differently."""
    x = tsjit.from_numpy(np.arange(4, dtype=np.float32).reshape(2, 2))
    compiled = tsjit.compile(unknown, backend="numpy", example_inputs=[x, True])
    for flag in (True, False):
        np.testing.assert_array_equal(compiled(x, flag).numpy(), unknown(x, flag).numpy())
    if find_compiler() is not None:
        with pytest.raises(CompileError, match=r"stride_dim\(\) at .*is_contiguous\(\) at .*contiguous\(\) on it"):
            tsjit.compile(unknown, backend="c", example_inputs=[x, True])
        with pytest.raises(CompileError, match=r"stride\(\) at .*from a non-contiguous tensor"):
            tsjit.compile(new_from_views, backend="c", example_inputs=[x])


def scaled(a, x):
    return a + x * float(x.is_contiguous())


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_a_compiled_model_refuses_a_non_contiguous_input_whose_layout_it_folded(backend):
    if backend == "c" and find_compiler() is None:
        pytest.skip("no C compiler")
    x = tsjit.from_numpy(np.arange(9, dtype=np.float32).reshape(3, 3))
    compiled = tsjit.compile(scaled, backend=backend, example_inputs=[x, x])
    np.testing.assert_array_equal(compiled(x.t(), x).numpy(), scaled(x.t(), x).numpy())  # a: not asked
    with pytest.raises(ValueError, match="input 1 is not contiguous, but the model asks its stride"):
        compiled(x, x.t())


def bad_dim(x):
    return x.stride(2)


def test_dim_out_of_range_is_torch_error():
    x = tsjit.ones(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        x.stride(2)
    with pytest.raises(tsjit.runtime.Error, match=r"ts.stride_dim .*Dimension out of range"):  # as torch.jit.Error
        tsjit.jit.script(bad_dim)(x)


def channels_last(x):
    return x.is_contiguous(memory_format=0)


def test_a_memory_format_is_refused_clearly():
    with pytest.raises(CompileError, match=r"is_contiguous\(memory_format=...\) is not supported"):
        tsjit.jit.script(channels_last)


def test_eager_strides_are_torch_strides_where_numpy_differs():
    """An empty tensor and a dim unsqueeze inserts: numpy's strides are not PyTorch's there."""
    assert tsjit.zeros(2, 0, 3).stride() == (3, 3, 1) and tsjit.zeros(0).stride() == (1,)
    assert tsjit.ones(3, 4).unsqueeze(1).stride() == (4, 4, 1)
    assert tsjit.ones(3, 4).t().stride() == (1, 4) and not tsjit.ones(3, 4).t().is_contiguous()
    with pytest.raises(IndexError, match="tensor has no dimensions"):
        tsjit.tensor(1.0).stride(0)


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
def test_imported_torchscript_strides():
    """aten::stride's two overloads and aten::is_contiguous from a PyTorch graph."""
    import torch

    from tsjit.frontend import from_torch

    class Model(torch.nn.Module):
        def forward(self, x):
            return x.stride(), x.t().stride(-1), x.t().is_contiguous(), x.is_contiguous()

    x = torch.rand(3, 4)
    compiled = tsjit.compile(from_torch(torch.jit.script(Model())), backend="numpy", example_inputs=(x.numpy(),))
    _check(compiled(x.numpy()), Model()(x))
