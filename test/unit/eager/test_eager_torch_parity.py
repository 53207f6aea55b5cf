"""The same calls on tsjit and on PyTorch give the same values, dtypes and shapes."""
import numpy as np
import pytest

import tsjit

real = pytest.importorskip("torch")

F = [[1.5, -2.0, 3.25], [4.0, 0.5, -6.0]]
I = [[1, -2, 3], [4, 5, -6]]  # noqa: E741

#: name -> f(m) where m is the torch-like module; f builds its inputs with m so both sides agree.
CALLS = {
    "add_int_float": lambda m: m.tensor(I) + 0.5,
    "add_alpha": lambda m: m.add(m.tensor(I), m.tensor(I), alpha=3),
    "int8_overflow_scalar": lambda m: m.tensor([100], dtype=m.int8) + 1,
    "sub_scalar_first": lambda m: 3 - m.tensor(I),
    "mul_bool_int": lambda m: m.tensor([True, False]) * 3,
    "div_int": lambda m: m.tensor(I) / 4,
    "rdiv": lambda m: 2 / m.tensor(F),
    "floordiv_neg": lambda m: m.tensor(I) // 4,
    "rfloordiv": lambda m: 7 // m.tensor(I),
    "mod_neg": lambda m: m.tensor(I) % 4,
    "rmod_float": lambda m: 7.5 % m.tensor(F),
    "pow_int": lambda m: m.tensor(I) ** 2,
    "rpow_int": lambda m: 2 ** m.tensor([0, 1, 5]),
    "rpow_float_base": lambda m: 1.5 ** m.tensor([0, 1, 5]),
    "div_trunc": lambda m: m.div(m.tensor(I), 4, rounding_mode="trunc"),
    "div_floor": lambda m: m.tensor(I).div(4, rounding_mode="floor"),
    "matmul": lambda m: m.tensor(F) @ m.tensor(F).t(),
    "matmul_int": lambda m: m.tensor(I) @ m.tensor(I).T,
    "eq_int_float": lambda m: m.tensor(I) == 1.0,
    "lt_mixed": lambda m: m.tensor(F) < m.tensor(I),
    "and_int": lambda m: m.tensor(I) & 3,
    "xor_bool": lambda m: (m.tensor(F) > 0) ^ (m.tensor(I) > 2),
    "xor_int_scalar": lambda m: m.tensor(I) ^ 5,
    "logical_xor": lambda m: m.logical_xor(m.tensor(I), m.tensor(F) > 0),
    "invert_bool": lambda m: ~(m.tensor(F) > 0),
    "neg": lambda m: -m.tensor(I),
    "abs": lambda m: abs(m.tensor(I)),
    "sqrt_int": lambda m: m.sqrt(m.tensor([1, 4, 9])),
    "exp": lambda m: m.tensor(F).exp(),
    "sigmoid": lambda m: m.sigmoid(m.tensor(F)),
    "tanh": lambda m: m.tensor(F).tanh(),
    "relu_int": lambda m: m.relu(m.tensor(I)),
    "round_half_even": lambda m: m.tensor([0.5, 1.5, 2.5, -0.5]).round(),
    "round_decimals": lambda m: m.round(m.tensor(F) / 3, decimals=2),
    "sign": lambda m: m.tensor(F).sign(),
    "clamp": lambda m: m.tensor(F).clamp(-1, 2),
    "clamp_int_float_bound": lambda m: m.clamp(m.tensor(I), min=0.5),
    "softmax": lambda m: m.softmax(m.tensor(F), 1),
    "log_softmax": lambda m: m.tensor(F).log_softmax(dim=0),
    "where_scalar": lambda m: m.where(m.tensor(F) > 0, m.tensor(F), 0.0),
    "where_int_scalar": lambda m: m.where(m.tensor(I) > 0, m.tensor(I), 0.5),
    "masked_fill": lambda m: m.tensor(I).masked_fill(m.tensor(I) < 0, 0),
    "sum": lambda m: m.tensor(I).sum(),
    "sum_dims": lambda m: m.sum(m.tensor(F), dim=(0, 1), keepdim=True),
    "sum_bool": lambda m: (m.tensor(F) > 0).sum(1),
    "mean": lambda m: m.tensor(F).mean(1),
    "prod": lambda m: m.tensor(I).prod(0),
    "amax": lambda m: m.amax(m.tensor(F), 1),
    "max_all": lambda m: m.tensor(I).max(),
    "max_dim": lambda m: tuple(m.tensor(F).max(1)),
    "min_dim_keepdim": lambda m: tuple(m.min(m.tensor(I), 0, keepdim=True)),
    "max_other": lambda m: m.max(m.tensor(F), m.tensor(F).flip(1)),
    "argmax": lambda m: m.tensor(F).argmax(1),
    "argmin_all": lambda m: m.argmin(m.tensor(F)),
    "var": lambda m: m.tensor(F).var(),
    "var_dim_unbiased": lambda m: m.var(m.tensor(F), 1, False),
    "std_correction": lambda m: m.tensor(F).std(0, correction=0),
    "norm": lambda m: m.tensor(F).norm(),
    "norm_p1_dim": lambda m: m.norm(m.tensor(F), 1, 1),
    "logsumexp": lambda m: m.tensor(F).logsumexp(1),
    "any": lambda m: (m.tensor(I) > 4).any(1),
    "all": lambda m: m.all(m.tensor(I) > -7),
    "cumsum_int": lambda m: m.tensor(I).cumsum(1),
    "isclose": lambda m: m.isclose(m.tensor(F), m.tensor(F) + 1e-6),
    "view": lambda m: m.tensor(F).view(3, 2),
    "view_tuple": lambda m: m.tensor(F).view((-1,)),
    "reshape": lambda m: m.reshape(m.tensor(I), (3, -1)),
    "permute": lambda m: m.zeros(2, 3, 4).permute(2, 0, 1).shape,
    "transpose": lambda m: m.tensor(F).transpose(0, 1),
    "squeeze": lambda m: m.zeros(1, 2, 1).squeeze().shape,
    "squeeze_dim": lambda m: m.zeros(1, 2, 1).squeeze(0).shape,
    "unsqueeze": lambda m: m.tensor(F).unsqueeze(-1).shape,
    "flatten": lambda m: m.zeros(2, 3, 4).flatten(1).shape,
    "expand": lambda m: m.tensor([[1], [2]]).expand(2, 3),
    "expand_minus_one": lambda m: m.tensor([[1], [2]]).expand(-1, 4),
    "repeat": lambda m: m.tensor([1, 2]).repeat(2, 2),
    "flip": lambda m: m.tensor(I).flip(0, 1),
    "chunk": lambda m: m.arange(10).chunk(3),
    "split": lambda m: m.arange(10).split(4),
    "split_sizes": lambda m: m.split(m.arange(10), [3, 7]),
    "unbind": lambda m: m.tensor(I).unbind(1),
    "narrow": lambda m: m.tensor(I).narrow(1, 1, 2),
    "select": lambda m: m.tensor(I).select(1, -1),
    "index_select": lambda m: m.tensor(F).index_select(1, m.tensor([2, 0])),
    "gather": lambda m: m.tensor(I).gather(1, m.tensor([[0, 0], [2, 1]])),
    "cat": lambda m: m.cat([m.tensor(I), m.tensor(I)], 1),
    "cat_promote": lambda m: m.cat([m.tensor([1]), m.tensor([1.5])]),
    "stack": lambda m: m.stack([m.tensor(F), m.tensor(F)], dim=1),
    "getitem": lambda m: m.arange(24).reshape(2, 3, 4)[1, ..., ::2],
    "getitem_none": lambda m: m.tensor(I)[None, :, 1],
    "getitem_bool": lambda m: m.tensor(I)[m.tensor(I) > 0],
    "getitem_list": lambda m: m.tensor(I)[[1, 0, 1]],
    "getitem_adv_pair": lambda m: m.arange(24).reshape(2, 3, 4)[:, m.tensor([0, 2]), m.tensor([1, 3])],
    "getitem_negative": lambda m: m.tensor(I)[-1, -2],
    "arange_int": lambda m: m.arange(5),
    "arange_float": lambda m: m.arange(0, 1, 0.25),
    "arange_float_end": lambda m: m.arange(3.0),
    "linspace": lambda m: m.linspace(0, 1, 5),
    "eye_rect": lambda m: m.eye(2, 3),
    "full_int": lambda m: m.full((2,), 3),
    "full_bool": lambda m: m.full((2,), True),
    "full_float": lambda m: m.full((2,), 1.5),
    "zeros_like": lambda m: m.zeros_like(m.tensor(I)),
    "ones_like_dtype": lambda m: m.ones_like(m.tensor(I), dtype=m.float64),
    "full_like": lambda m: m.full_like(m.tensor(I), 2.7),
    "tensor_mixed": lambda m: m.tensor([1, 2.5]),
    "tensor_bool_int": lambda m: m.tensor([True, 2]),
    "tensor_empty": lambda m: m.tensor([]),
    "tensor_np_f64": lambda m: m.tensor(np.array([1.0, 2.0])),
    "tensor_np_i32": lambda m: m.as_tensor(np.array([1, 2], dtype=np.int32)),
    "to_int": lambda m: m.tensor([-1.7, 2.7]).to(m.int64),
    "long_from_bool": lambda m: (m.tensor(I) > 0).long(),
    "new_zeros": lambda m: m.tensor(I).new_zeros(2, 2),
    "new_full": lambda m: m.tensor(F).new_full((2,), 3),
}


def _compare(ours, theirs, name):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), name
        for a, b in zip(ours, theirs):
            _compare(a, b, name)
        return
    if isinstance(theirs, real.Tensor):
        assert str(ours.dtype) == str(theirs.dtype), f"{name}: {ours.dtype} != {theirs.dtype}"
        assert tuple(ours.shape) == tuple(theirs.shape), name
        np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64),
                                   rtol=1e-6, atol=1e-7, err_msg=name)
        return
    assert ours == theirs, name


@pytest.mark.parametrize("name", list(CALLS))
def test_same_as_torch(name):
    _compare(CALLS[name](tsjit), CALLS[name](real), name)


def test_views_write_through_like_torch():
    def run(m):
        x = m.arange(12).reshape(3, 4)
        x[1][2] = 100
        x[:, 0] = -1
        x.t()[3, 2] = 55
        x[x > 50] += 1
        v = x.view(-1)
        v[0:2].mul_(3)
        x.transpose(0, 1).narrow(0, 1, 1).select(1, 0).fill_(7)
        y = x.unsqueeze(0).squeeze(0)
        y[2] += 1000
        return x

    _compare(run(tsjit), run(real), "views")


def test_torch_level_nn_ops_match_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)

    def run(m):
        X, W, B = m.from_numpy(x.copy()), m.from_numpy(w.copy()), m.from_numpy(b.copy())
        return [m.conv2d(X, W, B, 1, 1), m.max_pool2d(X, 2), m.layer_norm(X, (8, 8)), m.group_norm(X, 3),
                m.batch_norm(X, None, None, m.zeros(3), m.ones(3), False, 0.1, 1e-5, False),
                m.embedding(W.reshape(4, -1), m.tensor([[0, 3]])), m.conv1d(X[:, :, 0], W[:, :, 0], None, 2),
                m.max_pool1d(X[:, :, 0], 3), m.dropout(X, 0.5, False), m.threshold(X, 0.1, 20.0)]

    for ours, theirs in zip(run(tsjit), run(real)):
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5)


def test_conjugate_and_negative_bits_as_torch_sees_them():
    """tsjit keeps no lazy bits: is_conj/is_neg are False and resolve_conj returns its input, as
    PyTorch's do for a tensor without the bit; a conjugate is computed when taken."""
    values = np.array([1 + 2j, -3j], np.complex64)
    for m in (tsjit, real):
        x = m.from_numpy(values.copy())
        assert x.resolve_conj() is x and m.resolve_conj(x) is x
        assert not m.is_conj(x) and not x.is_neg()
        np.testing.assert_array_equal(m.resolve_conj(x.conj()).numpy(), values.conj())
