"""tsjit.Tensor: methods and operators against numpy formulas, views, in-place ops, errors."""
import copy
import pickle

import numpy as np
import pytest

import tsjit as torch
from tsjit import Tensor


def arr(t: Tensor) -> np.ndarray:
    return t.numpy()


@pytest.fixture
def x():
    return torch.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])


A = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], dtype=np.float32)


def test_metadata(x):
    assert x.shape == (2, 3) and isinstance(x.shape, torch.Size)
    assert x.size() == torch.Size([2, 3]) and x.size(1) == 3 and x.size(-1) == 3
    assert x.dim() == x.ndim == 2 and x.numel() == 6 and len(x) == 2
    assert x.dtype is torch.float32 and x.is_floating_point()
    assert x.device == torch.device("cpu") and str(x.device) == "cpu"
    assert x.requires_grad is False and x.grad is None
    assert x.element_size() == 4 and x.stride() == (3, 1) and x.is_contiguous()
    assert torch.tensor([1]).dtype is torch.int64 and not torch.tensor([1]).is_floating_point()


def test_size_errors(x):
    with pytest.raises(IndexError):
        x.size(2)


def test_item_tolist_numpy(x):
    assert torch.tensor(2.5).item() == 2.5 and type(torch.tensor(2).item()) is int
    assert x.tolist() == A.tolist()
    assert torch.tensor(3).tolist() == 3
    n = x.numpy()
    n[0, 0] = 42.0
    assert x[0, 0].item() == 42.0  # numpy() shares memory
    assert np.asarray(x).dtype == np.float32 and np.asarray(x, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("fn, message, exc", [
    (bool, "Boolean value of Tensor with more than one value is ambiguous", RuntimeError),
    (int, "only one element tensors can be converted to Python scalars", ValueError),
    (float, "only one element tensors can be converted to Python scalars", ValueError),
    (lambda t: t.item(), "a Tensor with 2 elements cannot be converted to Scalar", RuntimeError),
    (lambda t: t.__index__(), "only integer tensors of a single element can be converted to an index", TypeError),
])
def test_scalar_conversion_errors(fn, message, exc):
    with pytest.raises(exc, match=message):
        fn(torch.ones(2))


def test_scalar_conversions():
    assert bool(torch.tensor([0.5])) is True and bool(torch.tensor(0)) is False
    assert int(torch.tensor(3.7)) == 3 and float(torch.tensor(2)) == 2.0
    assert [10, 20, 30][torch.tensor(1)] == 20
    with pytest.raises(TypeError, match="only integer tensors"):
        [1, 2][torch.tensor(1.0)]
    with pytest.raises(RuntimeError, match="no values is ambiguous"):
        bool(torch.ones(0))
    assert f"{torch.tensor(2.5):.2f}" == "2.50"


def test_len_iter(x):
    rows = list(x)
    assert len(rows) == 2 and rows[1].tolist() == [4.0, 5.0, -6.0]
    rows[0][0] = 9.0  # iteration yields views
    assert x[0, 0].item() == 9.0
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(torch.tensor(1))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(torch.tensor(1))
    assert 5.0 in x and 7 not in x


def test_hash_identity_and_eq_elementwise(x):
    y = x.clone()
    assert hash(x) != hash(y) or x is y
    assert len({x, y}) == 2
    assert (x == y).all().item() and (x == y).dtype is torch.bool
    assert (x == None) is False  # noqa: E711 - a Tensor compared with None is False, as in torch


# ---- arithmetic and promotion ----
def test_binary_operators(x):
    b = np.array([2.0, 4.0, -1.0], dtype=np.float32)
    y = torch.tensor(b.tolist())
    np.testing.assert_allclose(arr(x + y), A + b)
    np.testing.assert_allclose(arr(x - y), A - b)
    np.testing.assert_allclose(arr(x * y), A * b)
    np.testing.assert_allclose(arr(x / y), A / b)
    np.testing.assert_allclose(arr(x // y), np.floor_divide(A, b))
    np.testing.assert_allclose(arr(x % y), np.mod(A, b))
    np.testing.assert_allclose(arr(x ** 2), A ** 2)
    np.testing.assert_allclose(arr(x @ y), A @ b, rtol=1e-6)
    np.testing.assert_allclose(arr(-x), -A)
    np.testing.assert_allclose(arr(abs(x)), np.abs(A))


def test_reflected_operators(x):
    np.testing.assert_allclose(arr(1 + x), 1 + A)
    np.testing.assert_allclose(arr(1 - x), 1 - A)
    np.testing.assert_allclose(arr(3 * x), 3 * A)
    np.testing.assert_allclose(arr(2 / x), 2 / A, rtol=1e-6)
    np.testing.assert_allclose(arr(7 // x), np.floor_divide(7, A))
    np.testing.assert_allclose(arr(7 % x), np.mod(7, A))
    np.testing.assert_allclose(arr(2 ** x), 2.0 ** A, rtol=1e-6)
    assert (2 ** torch.tensor([1, 2, 3])).tolist() == [2, 4, 8]
    assert (2.5 ** torch.tensor([1, 2])).dtype is torch.float32
    assert (np.float64(2.0) * x).dtype is torch.float32  # numpy scalars defer to the tensor


@pytest.mark.parametrize("a, b, dtype", [
    (torch.tensor([1, 2]), 1, torch.int64),
    (torch.tensor([1, 2]), 1.5, torch.float32),
    (torch.tensor([1, 2], dtype=torch.int32), torch.tensor([1, 2]), torch.int64),
    (torch.tensor([1, 2], dtype=torch.int8), 1000, torch.int8),
    (torch.tensor([1, 2], dtype=torch.int32), torch.tensor(2.0, dtype=torch.float64), torch.float64),
    (torch.tensor([1.0], dtype=torch.float16), torch.tensor([1]), torch.float16),
    (torch.tensor([True]), torch.tensor([True]), torch.bool),
])
def test_add_promotion(a, b, dtype):
    assert (a + b).dtype is dtype


def test_division_always_floats():
    assert (torch.tensor([3, 4]) / 2).tolist() == [1.5, 2.0]
    assert (torch.tensor([3, 4]) / 2).dtype is torch.float32
    assert torch.tensor([-7, 7]).div(2, rounding_mode="floor").tolist() == [-4, 3]
    assert torch.tensor([-7, 7]).div(2, rounding_mode="trunc").tolist() == [-3, 3]
    assert torch.tensor([-7, 7]).div(2, rounding_mode="trunc").dtype is torch.int64
    assert torch.tensor([-7.0]).div(2, rounding_mode="trunc").tolist() == [-3.0]


def test_add_alpha_and_rsub(x):
    np.testing.assert_allclose(arr(x.add(1, alpha=2)), A + 2)
    np.testing.assert_allclose(arr(x.sub(x, alpha=3)), A - 3 * A)
    np.testing.assert_allclose(arr(torch.rsub(x, 1)), 1 - A)


def test_comparisons_and_logical(x):
    for op, ref in [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                    ("gt", np.greater), ("ge", np.greater_equal)]:
        r = getattr(x, op)(1.0)
        assert r.dtype is torch.bool and arr(r).tolist() == ref(A, 1.0).tolist()
    m, n = x > 0, x < 4
    assert arr(m & n).tolist() == ((A > 0) & (A < 4)).tolist()
    assert arr(m | n).tolist() == ((A > 0) | (A < 4)).tolist()
    assert arr(~m).tolist() == (~(A > 0)).tolist()
    assert arr(m.logical_and(n)).tolist() == np.logical_and(A > 0, A < 4).tolist()
    assert arr(m.logical_not()).tolist() == (A <= 0).tolist()
    assert (torch.tensor([6, 3]) & 5).tolist() == [4, 1]


# ---- unary math ----
@pytest.mark.parametrize("name, ref", [
    ("exp", np.exp), ("abs", np.abs), ("neg", np.negative), ("tanh", np.tanh), ("sin", np.sin),
    ("cos", np.cos), ("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc), ("sign", np.sign),
    ("reciprocal", lambda a: 1 / a), ("relu", lambda a: np.maximum(a, 0)),
    ("sigmoid", lambda a: 1 / (1 + np.exp(-a))), ("erf", None),
])
def test_unary(x, name, ref):
    r = getattr(x, name)()
    assert r.dtype is torch.float32 and r.shape == x.shape
    if ref is not None:
        np.testing.assert_allclose(arr(r), ref(A), rtol=1e-6)
    np.testing.assert_allclose(arr(getattr(torch, name)(x)), arr(r))


def test_unary_positive_domain():
    p = np.array([0.5, 1.0, 4.0], dtype=np.float32)
    t = torch.tensor(p.tolist())
    for name, ref in [("log", np.log), ("sqrt", np.sqrt), ("rsqrt", lambda a: 1 / np.sqrt(a)),
                      ("log2", np.log2), ("log1p", np.log1p), ("expm1", np.expm1)]:
        np.testing.assert_allclose(arr(getattr(t, name)()), ref(p), rtol=1e-6)
    assert torch.tensor([1, 4]).sqrt().dtype is torch.float32


def test_clamp_softmax(x):
    np.testing.assert_allclose(arr(x.clamp(-1, 2)), np.clip(A, -1, 2))
    np.testing.assert_allclose(arr(x.clamp(min=0)), np.maximum(A, 0))
    np.testing.assert_allclose(arr(x.clip(max=0)), np.minimum(A, 0))
    e = np.exp(A - A.max(1, keepdims=True))
    np.testing.assert_allclose(arr(x.softmax(1)), e / e.sum(1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(arr(x.log_softmax(-1)), np.log(e / e.sum(1, keepdims=True)), rtol=1e-5, atol=1e-6)
    assert x.softmax(0, dtype=torch.float64).dtype is torch.float64


def test_where_masked_fill(x):
    m = x > 0
    np.testing.assert_allclose(arr(x.where(m, 0.0)), np.where(A > 0, A, 0))
    np.testing.assert_allclose(arr(x.masked_fill(m, -1.0)), np.where(A > 0, -1, A))
    np.testing.assert_allclose(arr(torch.where(m, x, -x)), np.abs(A))
    np.testing.assert_allclose(arr(torch.where(m, 1.0, x)), np.where(A > 0, 1, A))
    assert [t.tolist() for t in torch.where(m)] == [list(i) for i in np.nonzero(A > 0)]


# ---- reductions ----
def test_reductions(x):
    np.testing.assert_allclose(arr(x.sum()), A.sum())
    assert x.sum().shape == () and x.sum(1).shape == (2,)
    np.testing.assert_allclose(arr(x.sum(dim=(0, 1))), A.sum())
    np.testing.assert_allclose(arr(x.mean(0, keepdim=True)), A.mean(0, keepdims=True))
    np.testing.assert_allclose(arr(x.prod(1)), A.prod(1))
    np.testing.assert_allclose(arr(x.amax(1)), A.max(1))
    np.testing.assert_allclose(arr(x.amin((0, 1))), A.min())
    np.testing.assert_allclose(arr(x.logsumexp(1)), np.log(np.exp(A).sum(1)), rtol=1e-6)
    np.testing.assert_allclose(arr(x.cumsum(1)), A.cumsum(1))
    np.testing.assert_allclose(arr(x.norm()), np.sqrt((A ** 2).sum()), rtol=1e-6)
    np.testing.assert_allclose(arr(x.norm(1, dim=1)), np.abs(A).sum(1))
    assert torch.tensor([1, 2]).sum().dtype is torch.int64
    assert torch.tensor([True, True]).sum().item() == 2
    assert torch.tensor([1, 2]).sum(dtype=torch.float64).dtype is torch.float64


def test_var_std_overloads(x):
    np.testing.assert_allclose(arr(x.var()), A.var(ddof=1), rtol=1e-6)
    np.testing.assert_allclose(arr(x.var(1, unbiased=False)), A.var(1), rtol=1e-6)
    np.testing.assert_allclose(arr(x.var(False)), A.var(), rtol=1e-6)
    np.testing.assert_allclose(arr(x.std(0, correction=0, keepdim=True)), A.std(0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(arr(torch.std(x, 1)), A.std(1, ddof=1), rtol=1e-6)


def test_max_min_overloads(x):
    assert x.max().item() == 5.0 and x.max().shape == ()
    values, indices = x.max(1)
    assert values.tolist() == [3.0, 5.0] and indices.tolist() == [2, 1] and indices.dtype is torch.int64
    r = x.min(dim=0, keepdim=True)
    assert r.values.shape == (1, 3) and r.indices.tolist() == [[0, 0, 1]]
    assert repr(torch.tensor([[1, 5], [3, 2]]).max(1)) == (
        "torch.return_types.max(\nvalues=tensor([5, 3]),\nindices=tensor([1, 0]))")
    np.testing.assert_allclose(arr(x.max(-x)), np.maximum(A, -A))
    np.testing.assert_allclose(arr(torch.min(x, -x)), np.minimum(A, -A))
    assert x.argmax().item() == int(A.argmax()) and x.argmin(1).tolist() == A.argmin(1).tolist()
    assert x.argmax(1, keepdim=True).shape == (2, 1)


def test_any_all():
    m = torch.tensor([[True, False], [True, True]])
    assert m.any().item() and not m.all().item()
    assert m.all(1).tolist() == [False, True] and m.any(0, keepdim=True).shape == (1, 2)


# ---- contractions ----
def test_matmul_family():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4), dtype=np.float32), rng.standard_normal((4, 5), dtype=np.float32)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    np.testing.assert_allclose(arr(ta.mm(tb)), a @ b, rtol=1e-5)
    np.testing.assert_allclose(arr(torch.matmul(ta, tb)), a @ b, rtol=1e-5)
    batch = rng.standard_normal((2, 3, 4), dtype=np.float32)
    np.testing.assert_allclose(arr(torch.from_numpy(batch).bmm(torch.from_numpy(np.stack([b, b])))),
                               batch @ b, rtol=1e-5)
    v = torch.tensor([1.0, 2.0, 3.0])
    assert v.dot(v).item() == 14.0 and torch.dot(v, tensor=v).item() == 14.0
    c = rng.standard_normal((3, 5), dtype=np.float32)
    np.testing.assert_allclose(arr(torch.addmm(torch.from_numpy(c), ta, tb, beta=0.5, alpha=2)),
                               0.5 * c + 2 * (a @ b), rtol=1e-5)


# ---- in place ----
def test_inplace_ops_mutate_views(x):
    row = x[1]
    row.add_(1)
    assert x[1].tolist() == [5.0, 6.0, -5.0]
    row.mul_(2).sub_(1, alpha=2)
    assert x[1].tolist() == [8.0, 10.0, -12.0]
    x[0].relu_()
    assert x[0].tolist() == [1.0, 0.0, 3.0]
    x.clamp_(-5, 5).div_(2)
    assert x.tolist() == [[0.5, 0.0, 1.5], [2.5, 2.5, -2.5]]
    x.t().fill_(1.0)
    assert x.tolist() == [[1.0] * 3] * 2
    x.masked_fill_(torch.tensor([True, False, True]), 0.0)
    assert x.tolist() == [[0.0, 1.0, 0.0]] * 2
    x.zero_()
    assert x.sum().item() == 0
    x.copy_(torch.tensor([1, 2, 3]))
    assert x.tolist() == [[1.0, 2.0, 3.0]] * 2 and x.dtype is torch.float32


def test_augmented_assignment_is_in_place(x):
    alias = x
    view = x[0]
    x += 1
    x *= 2
    x -= 1
    x /= 2
    assert alias is x
    np.testing.assert_allclose(arr(view), ((A[0] + 1) * 2 - 1) / 2)
    i = torch.tensor([5, 7])
    i //= 2
    i %= 2
    assert i.tolist() == [0, 1] and i.dtype is torch.int64
    with pytest.raises(RuntimeError, match="can't be cast"):
        i += 1.5
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.exp_()


def test_unary_inplace():
    t = torch.tensor([0.0, 1.0])
    assert t.exp_() is t and t.tolist() == pytest.approx([1.0, np.e])
    t.sigmoid_().tanh_().neg_()
    assert t.tolist() == pytest.approx(list(-np.tanh(1 / (1 + np.exp(-np.array([1.0, np.e]))))))


def test_index_put_(x):
    x.index_put_((torch.tensor([0, 1]), torch.tensor([2, 0])), torch.tensor(9.0))
    assert x[0, 2].item() == 9.0 and x[1, 0].item() == 9.0
    y = torch.zeros(3).index_put_((torch.tensor([0, 0]),), torch.tensor([1.0, 2.0]), accumulate=True)
    assert y.tolist() == [3.0, 0.0, 0.0]


# ---- conversions ----
def test_to_and_casts(x):
    assert x.to(torch.float64).dtype is torch.float64
    assert x.to("cpu") is x and x.to(torch.float32) is x and x.float() is x
    assert x.to(torch.device("cpu"), torch.int32).dtype is torch.int32
    assert x.to(torch.tensor([1])).dtype is torch.int64
    assert x.to(dtype=torch.float16).dtype is torch.float16
    assert x.to(torch.float32, copy=True) is not x
    assert x.long().tolist() == [[1, -2, 3], [4, 5, -6]]
    assert x.int().dtype is torch.int32 and x.double().dtype is torch.float64 and x.half().dtype is torch.float16
    assert x.bool().dtype is torch.bool and x.type_as(torch.tensor([1])).dtype is torch.int64
    assert x.type() == "torch.FloatTensor" and x.type(torch.int64).dtype is torch.int64
    with pytest.raises(RuntimeError, match="cpu only"):
        x.to("cuda")


def test_copy_pickle(x):
    for y in (copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        assert y.tolist() == x.tolist() and y.dtype is x.dtype
        y[0, 0] = 100.0
        assert x[0, 0].item() == 1.0
    assert pickle.loads(pickle.dumps(torch.float16)) is torch.float16


def test_requires_grad_flag():
    t = torch.ones(2, requires_grad=True)
    assert t.requires_grad and repr(t) == "tensor([1., 1.], requires_grad=True)"
    assert not t.detach().requires_grad and t.requires_grad_(False) is t and not t.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        torch.ones(2, dtype=torch.int64, requires_grad=True)
    with pytest.raises(RuntimeError, match="no autograd"):
        t.sum().backward()


def test_legacy_constructor():
    assert Tensor([1, 2]).dtype is torch.float32 and Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert Tensor(2, 3).shape == (2, 3)
    assert Tensor._wrap(np.arange(3)).dtype is torch.int64


def test_indexing_views_and_setitem():
    x = torch.arange(12).reshape(3, 4)
    row, col, block, elem = x[1], x[:, 2], x[1:, ::2], x[0, 0]
    assert elem.shape == () and row.shape == (4,) and block.shape == (2, 2)
    x[1, 2] = 100
    assert row[2].item() == 100 and col[1].item() == 100 and block[0, 1].item() == 100
    elem.fill_(-1)  # a 0-d index result is a view too
    assert x[0, 0].item() == -1
    picked = x[[0, 2]]  # advanced indexing copies
    picked[0, 0] = 55
    assert x[0, 0].item() == -1
    x[x > 50] = 0
    assert x.max().item() == 11
    x[torch.tensor(2)] = torch.tensor([1, 2, 3, 4])
    assert x[2].tolist() == [1, 2, 3, 4]
    x[..., 0] = 9.7  # cast to the tensor's dtype
    assert x[:, 0].tolist() == [9, 9, 9]
    assert x[None].shape == (1, 3, 4) and x[:, None, 1].shape == (3, 1)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(IndexError):
        x[5]
