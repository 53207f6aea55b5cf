"""Views alias their base, in-place kernels return their first operand, errors read like PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

from tsjit.ops import KERNELS as K


def base():
    return np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("name, args", [
    ("view", ([6, 4],)), ("reshape", ([4, 6],)), ("flatten", (0, 1)), ("permute", ([2, 0, 1],)),
    ("transpose", (0, 2)), ("select", (1, 2)), ("slice", (2, 1, None, 2)), ("narrow", (1, 1, 2)),
    ("squeeze", (None,)), ("unsqueeze", (0,)), ("detach", ()), ("contiguous", ()),
])
def test_views_write_through_to_the_base(name, args):
    x = base()
    v = K[name](x, *args)
    K["mul_"](v, 0)  # an in-place op on the view
    assert (x == 0).any() and np.shares_memory(v, x)


def test_split_chunk_unbind_are_views():
    for pieces in (K["chunk"](base(), 2, 2), K["split"](base(), 3, 2), K["unbind"](base(), 1)):
        x = pieces[0].base
        K["fill_"](pieces[0], -1)
        assert (x == -1).sum() == pieces[0].size


def test_t_and_expand_share_memory_and_clone_does_not():
    x = np.ones((2, 3), np.float32)
    assert np.shares_memory(K["t"](x), x) and np.shares_memory(K["expand"](x[:1], [4, 3], False), x)
    assert not np.shares_memory(K["clone"](x), x) and not np.shares_memory(K["flip"](x, [0]), x)


def test_view_on_incompatible_layout_raises():
    x = K["transpose"](base(), 0, 2)
    with pytest.raises(RuntimeError, match=r"view size is not compatible .* Use \.reshape\(\.\.\.\) instead\."):
        K["view"](x, [-1])
    assert K["reshape"](x, [-1]).shape == (24,)
    with pytest.raises(RuntimeError, match=r"shape '\[5, -1\]' is invalid for input of size 24"):
        K["view"](base(), [5, -1])


@pytest.mark.parametrize("name, args", [
    ("add_", (1.5, 1)), ("sub_", (np.ones(4, np.float32), 2)), ("mul_", (2,)), ("div_", (2,)),
    ("relu_", ()), ("sigmoid_", ()), ("tanh_", ()), ("zero_", ()), ("clamp_", (1, 5)), ("fill_", (7,)),
    ("copy_", (np.zeros(4, np.int64),)), ("masked_fill_", (np.array([True, False, True, False]), -1.0)),
    ("index_put_", ([np.array([0, 1])], np.array(9.0, np.float32), False)),
])
def test_inplace_returns_its_first_operand(name, args):
    x = base() - 10
    before = x.copy()
    out = K[name](x, *args)
    assert out is x and out.dtype == np.float32 and not np.array_equal(out, before)


def test_inplace_keeps_dtype_and_refuses_wider_results():
    x = np.arange(4, dtype=np.int32)
    K["add_"](x, np.arange(4, dtype=np.int64), 1)
    assert x.dtype == np.int32 and x.tolist() == [0, 2, 4, 6]
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Int"):
        K["add_"](x, 0.5, 1)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        K["div_"](np.arange(3), 2)
    y = np.zeros(3, np.int64)
    K["fill_"](y, 2.7)  # fill_ casts, as torch does
    assert y.tolist() == [2, 2, 2]
    acc = np.zeros(3, np.float32)
    K["index_put_"](acc, [np.array([0, 0, 2])], np.ones(3, np.float32), True)
    assert acc.tolist() == [2, 0, 1]


@pytest.mark.parametrize("name, args, error, message", [
    ("matmul", (np.ones((2, 3)), np.ones((4, 5))), RuntimeError,
     r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
    ("linear", (np.ones((2, 3)), np.ones((4, 5)), None), RuntimeError,
     r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 5x4\)"),
    ("mm", (np.ones((2, 3), np.float32), np.ones((3, 2))), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    ("to_bool", (np.ones(2),), RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"),
    ("item", (np.ones(2),), RuntimeError, "a Tensor with 2 elements cannot be converted to Scalar"),
    ("mean", (np.ones(2, np.int64), None, False, None), RuntimeError,
     "mean\\(\\): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
     "Got: Long"),
    ("pow", (np.ones(2, np.int64), -1), RuntimeError, "Integers to negative integer powers are not allowed."),
    ("floor_divide", (np.ones(2, np.int64), 0), RuntimeError, "ZeroDivisionError"),
    ("transpose", (np.ones((2, 3)), 2, 0), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    ("select", (np.ones((2, 3)), 0, 5), IndexError, r"select\(\): index 5 out of range for tensor of size \[2, 3\]"),
    ("expand", (np.ones((2, 3)), [2, 4], False), RuntimeError,
     r"The expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 1"),
    ("cat", ([np.ones((2, 3)), np.ones((2, 4))], 0), RuntimeError,
     "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1"),
    ("sub", (np.ones(2, bool), np.ones(2, bool), 1), RuntimeError, "Subtraction, the `-` operator, with two bool"),
    ("conv2d", (np.ones((1, 3, 8, 8)), np.ones((4, 2, 3, 3)), None, [1], [0], [1], 1), RuntimeError,
     r"Given groups=1, weight of size \[4, 2, 3, 3\], expected input\[1, 3, 8, 8\] to have 2 channels, but got 3"),
    ("max_pool2d", (np.ones((1, 1, 4, 4)), [3], [1], [2], [1], False), RuntimeError,
     "pad should be at most half of effective kernel size"),
    ("where", (np.ones(2), np.ones(2), np.ones(2)), RuntimeError, "where expected condition to be a boolean tensor"),
    ("softmax", (np.ones(2, np.int64), 0, None), NotImplementedError, "not implemented for 'Long'"),
    ("size_dim", (np.ones(()), 0), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
])
def test_errors_read_like_pytorch(name, args, error, message):
    with pytest.raises(error, match=message):
        K[name](*args)


def test_tensor_results_are_always_ndarrays():
    x = np.array([1.0, 2.0], np.float32)
    zero_d = np.array(2.0, np.float32)
    for got in (K["dot"](x, x), K["sum"](x, None, False, None), K["max"](x), K["add"](zero_d, zero_d, 1),
                K["mul"](zero_d, 2), K["exp"](zero_d), K["select"](x, 0, 1), K["matmul"](x, x), K["argmax"](x, None, False)):
        assert type(got) is np.ndarray and got.ndim == 0
