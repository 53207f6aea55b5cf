"""torch-level functions, factories, dtypes, grad mode, and the signatures the script compiler binds."""
import inspect

import numpy as np
import pytest

import tsjit as torch
from tsjit import Tensor

#: PyTorch's Python signatures (torch/_C/__init__.pyi and _VariableFunctions.pyi, minus out=/layout=/...).
FUNCTION_SIGNATURES = {
    "add": "(input, other, *, alpha=1)",
    "sub": "(input, other, *, alpha=1)",
    "mul": "(input, other)",
    "div": "(input, other, *, rounding_mode=None)",
    "pow": "(input, exponent)",
    "matmul": "(input, other)",
    "mm": "(input, mat2)",
    "bmm": "(input, mat2)",
    "dot": "(input, tensor)",
    "addmm": "(input, mat1, mat2, *, beta=1, alpha=1)",
    "relu": "(input)",
    "exp": "(input)",
    "sum": "(input, dim=None, keepdim=False, *, dtype=None)",
    "mean": "(input, dim=None, keepdim=False, *, dtype=None)",
    "amax": "(input, dim=(), keepdim=False)",
    "max": "(input, dim=None, keepdim=False)",
    "argmax": "(input, dim=None, keepdim=False)",
    "var": "(input, dim=None, unbiased=True, keepdim=False, *, correction=None)",
    "norm": "(input, p='fro', dim=None, keepdim=False, dtype=None)",
    "softmax": "(input, dim, dtype=None)",
    "cumsum": "(input, dim, *, dtype=None)",
    "clamp": "(input, min=None, max=None)",
    "where": "(condition, input=None, other=None)",
    "flatten": "(input, start_dim=0, end_dim=-1)",
    "transpose": "(input, dim0, dim1)",
    "squeeze": "(input, dim=None)",
    "split": "(tensor, split_size_or_sections, dim=0)",
    "chunk": "(input, chunks, dim=0)",
    "cat": "(tensors, dim=0)",
    "stack": "(tensors, dim=0)",
    "isclose": "(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)",
    "tensor": "(data, dtype=None, device=None, requires_grad=False)",
    "zeros": "(*size, dtype=None, device=None, requires_grad=False)",
    "full": "(size, fill_value, *, dtype=None, device=None, requires_grad=False)",
    "arange": "(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False)",
    "randint": "(low, high=None, size=None, *, dtype=None, device=None, requires_grad=False)",
    "zeros_like": "(input, *, dtype=None, device=None, requires_grad=False)",
}

METHOD_SIGNATURES = {
    "add": "(self, other, *, alpha=1)",
    "add_": "(self, other, *, alpha=1)",
    "sum": "(self, dim=None, keepdim=False, *, dtype=None)",
    "view": "(self, *shape)",
    "reshape": "(self, *shape)",
    "permute": "(self, *dims)",
    "expand": "(self, *sizes)",
    "repeat": "(self, *repeats)",
    "size": "(self, dim=None)",
    "max": "(self, dim=None, keepdim=False)",
    "softmax": "(self, dim, dtype=None)",
    "to": "(self, device=None, dtype=None, non_blocking=False, copy=False)",
    "masked_fill": "(self, mask, value)",
    "clamp": "(self, min=None, max=None)",
    "transpose": "(self, dim0, dim1)",
    "relu": "(self)",
    "relu_": "(self)",
    "gather": "(self, dim, index)",
    "split": "(self, split_size, dim=0)",
    "flatten": "(self, start_dim=0, end_dim=-1)",
}


@pytest.mark.parametrize("name", list(FUNCTION_SIGNATURES))
def test_function_signature(name):
    assert str(inspect.signature(getattr(torch, name))) == FUNCTION_SIGNATURES[name]


@pytest.mark.parametrize("name", list(METHOD_SIGNATURES))
def test_method_signature(name):
    assert str(inspect.signature(getattr(Tensor, name))) == METHOD_SIGNATURES[name]


def test_every_public_function_has_a_real_signature():
    """No **kwargs catch-alls: varargs only where PyTorch takes sizes or dims as varargs."""
    varargs_ok = {"zeros", "ones", "empty", "rand", "randn", "view", "reshape", "permute", "expand", "repeat",
                  "flip", "new_zeros", "new_ones", "new_empty", "resize_", "__init__"}
    from tsjit.eager import functions

    objects = [(n, getattr(torch, n)) for n in functions.__all__]
    objects += [(n, f) for cls in Tensor.__mro__ for n, f in vars(cls).items() if inspect.isfunction(f)]
    for name, obj in objects:
        if not inspect.isfunction(obj):
            continue
        kinds = {p.kind for p in inspect.signature(obj).parameters.values()}
        assert inspect.Parameter.VAR_KEYWORD not in kinds, name
        assert inspect.Parameter.VAR_POSITIONAL not in kinds or name in varargs_ok, name


def test_functions_match_methods():
    x = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    assert torch.add(x, 1, alpha=2).tolist() == x.add(1, alpha=2).tolist()
    assert torch.sum(x, 1).tolist() == [-1.0, 7.0]
    assert torch.flatten(x).tolist() == [1.0, -2.0, 3.0, 4.0]
    assert torch.transpose(x, 0, 1).tolist() == x.t().tolist()
    assert torch.squeeze(torch.zeros(1, 2)).shape == (2,) and torch.unsqueeze(x, 0).shape == (1, 2, 2)
    assert torch.permute(torch.zeros(1, 2, 3), (2, 0, 1)).shape == (3, 1, 2)
    assert torch.numel(x) == 4 and torch.is_tensor(x) and not torch.is_tensor(x.numpy())
    assert torch.equal(x, x.clone()) and not torch.equal(x, x[:1])
    assert torch.allclose(x, x + 1e-7) and not torch.allclose(x, x + 1)
    assert torch.pow(2, torch.tensor([1, 3])).tolist() == [2, 8]
    assert torch.relu_(x) is x and x.tolist() == [[1.0, 0.0], [3.0, 4.0]]


def test_factories():
    assert torch.zeros(2, 3).shape == torch.zeros((2, 3)).shape == torch.zeros([2, 3]).shape == (2, 3)
    assert torch.zeros(()).shape == () and torch.zeros(2, dtype=torch.int32).dtype is torch.int32
    assert torch.ones(2).tolist() == [1.0, 1.0] and torch.empty(3, 1).shape == (3, 1)
    assert torch.full((2, 2), 7).dtype is torch.int64 and torch.full((1,), 0.5).dtype is torch.float32
    assert torch.arange(1, 10, 3).tolist() == [1, 4, 7] and torch.arange(torch.tensor(3)).tolist() == [0, 1, 2]
    assert torch.arange(5, dtype=torch.float64).dtype is torch.float64
    np.testing.assert_allclose(torch.linspace(-1, 1, 5).numpy(), np.linspace(-1, 1, 5))
    assert torch.eye(3).numpy().tolist() == np.eye(3).tolist() and torch.eye(3, 2).shape == (3, 2)
    assert torch.full_like(torch.zeros(2, dtype=torch.int32), 5).dtype is torch.int32
    assert torch.empty_like(torch.zeros(2, 2)).shape == (2, 2)
    assert torch.tensor([[1, 2], [3, 4]]).dtype is torch.int64
    assert torch.tensor([[True], [False]]).dtype is torch.bool
    assert torch.tensor([torch.tensor(1.5), torch.tensor(2.5)]).tolist() == [1.5, 2.5]
    with pytest.raises(ValueError):
        torch.tensor([[1, 2], [3]])
    with pytest.raises(TypeError):
        torch.tensor(["a"])


def test_tensor_copies_and_as_tensor_shares():
    a = np.array([1.0, 2.0])
    t = torch.tensor(a)
    assert t.dtype is torch.float64
    a[0] = 9.0
    assert t[0].item() == 1.0
    shared = torch.as_tensor(a)
    numpy_view = torch.from_numpy(a)
    a[1] = 7.0
    assert shared[1].item() == 7.0 and numpy_view[1].item() == 7.0
    numpy_view[0] = -1.0
    assert a[0] == -1.0
    assert torch.as_tensor(t) is t and torch.as_tensor(t, dtype=torch.float32).dtype is torch.float32
    with pytest.raises(TypeError):
        torch.from_numpy(np.array([1, 2], np.uint16))
    assert torch.from_numpy(np.array([1 + 2j])).dtype is torch.complex128


def test_random_is_seeded():
    torch.manual_seed(3)
    first = (torch.rand(3), torch.randn(2, 2), torch.randint(0, 10, (4,)))
    torch.manual_seed(3)
    again = (torch.rand(3), torch.randn(2, 2), torch.randint(0, 10, (4,)))
    for a, b in zip(first, again):
        assert a.tolist() == b.tolist()
    r = first[0]
    assert r.dtype is torch.float32 and ((r >= 0) & (r < 1)).all().item()
    assert first[2].dtype is torch.int64 and ((first[2] >= 0) & (first[2] < 10)).all().item()
    assert torch.randint(5, (3,)).max().item() < 5
    assert torch.rand_like(torch.zeros(2, dtype=torch.float64)).dtype is torch.float64
    assert torch.randn_like(torch.zeros(4, 2)).shape == (4, 2)


def test_dtypes():
    assert torch.float is torch.float32 and torch.double is torch.float64 and torch.long is torch.int64
    assert torch.int is torch.int32 and torch.half is torch.float16 and torch.short is torch.int16
    assert torch.float32.is_floating_point and not torch.int64.is_floating_point
    assert torch.float64.itemsize == 8 and torch.bool.itemsize == 1
    assert torch.float32.code == 6 and torch.bool.code == 11 and torch.uint8.code == 0
    assert torch.dtypes.from_code(7) is torch.float64 and torch.dtypes.to_code(torch.int8) == 1
    assert torch.dtypes.from_numpy(np.dtype("int16")) is torch.int16 and torch.int16.numpy == np.int16
    assert torch.get_default_dtype() is torch.float32
    assert torch.int32 != torch.int64 and {torch.int32: 1}[torch.int32] == 1


def test_size_and_device():
    s = torch.zeros(2, 3, 4).shape
    assert s == (2, 3, 4) and s[1:] == torch.Size([3, 4]) and isinstance(s[1:], torch.Size)
    assert s.numel() == 24 and isinstance(s + (5,), torch.Size)
    d = torch.device("cpu")
    assert d.type == "cpu" and d.index is None and d == torch.device("cpu") and d != "cpu"
    assert str(torch.device("cpu", 0)) == "cpu:0" and torch.device("cpu:1").index == 1
    with pytest.raises(RuntimeError):
        torch.device("tpu")


def test_grad_mode():
    assert torch.is_grad_enabled()
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        with torch.enable_grad():
            assert torch.is_grad_enabled()
    assert torch.is_grad_enabled()

    @torch.no_grad()
    def f():
        return torch.is_grad_enabled()

    assert f() is False and f() is False and torch.is_grad_enabled()
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()
    with torch.inference_mode():
        assert not torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    assert not torch.is_grad_enabled()
    torch.set_grad_enabled(True)
