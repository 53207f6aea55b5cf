"""Every shape function against its kernel: run KERNELS[name] on random arrays and compare the
result shapes and dtypes with what the shape function predicts from the operand types."""
from __future__ import annotations

import numpy as np
import pytest

from tsjit.dialects.ts.shape_functions import D, ShapeError, T, Unknown, infer, of_array
from tsjit.ops import KERNELS
from tsjit.kernels.promotion import CODE_OF_DTYPE

RNG = np.random.default_rng(0)
F64, I64, I32, BOOL = (CODE_OF_DTYPE[np.dtype(n)] for n in ("float64", "int64", "int32", "bool"))


def r(*shape, dtype="float32"):
    if dtype == "bool":
        return RNG.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(0, 3, shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def idx(*shape, high=3):
    return RNG.integers(0, high, shape).astype(np.int64)


x23, x234 = r(2, 3), r(2, 3, 4)
img = r(2, 3, 8, 8)
CASES = [
    # elementwise and promotion
    *[(n, (x23, r(3), 1)) for n in ("add", "sub", "rsub")],
    ("add", (r(2, 3, dtype="int64"), 2.5, 1)), ("add", (r(4, 1, dtype="int8"), r(3, dtype="int32"), 1)),
    ("sub", (r(2, 3, dtype="int32"), np.float64(2.0) * np.ones((), np.float64), 1)),
    *[(n, (x23, r(2, 1))) for n in ("mul", "div", "floor_divide", "remainder", "pow", "maximum", "minimum",
                                     "atan2", "eq", "ne", "lt", "le", "gt", "ge")],
    ("div", (r(2, 3, dtype="int64"), 2)), ("mul", (r(3, dtype="bool"), 2)), ("pow", (r(3, dtype="int64"), 0.5)),
    ("mul", (r(2, 3, dtype="float64"), r(3))), ("eq", (r(3, dtype="int64"), 1.5)),
    ("atan2", (r(3, dtype="int64"), r(3, dtype="int64"))),
    *[(n, (r(2, 3, dtype="int64"), r(3, dtype="int64"))) for n in ("bitwise_and", "bitwise_or")],
    *[(n, (r(2, 3, dtype="bool"), r(3, dtype="bool"))) for n in ("logical_and", "logical_or")],
    ("where", (r(2, 1, dtype="bool"), r(3), 0.0)), ("where", (r(3, dtype="bool"), r(2, 3, dtype="int64"), r(3))),
    ("masked_fill", (x23, r(3, dtype="bool"), 0.5)), ("masked_fill", (r(3), r(2, 3, dtype="bool"), 1)),
    ("clamp", (x23, -0.5, 0.5)), ("clamp", (r(3, dtype="int64"), 0, None)), ("clamp", (r(3, dtype="int64"), 0.5, None)),
    ("lerp", (x23, r(3), 0.3)),
    ("isnan", (x23,)), ("logical_not", (r(3, dtype="int64"),)),
    *[(n, (x23,)) for n in ("neg", "abs", "exp", "log", "log2", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos",
                            "tan", "tanh", "erf", "floor", "ceil", "round", "trunc", "sign", "reciprocal", "relu",
                            "relu6", "sigmoid", "silu", "mish", "hardsigmoid", "hardswish", "softsign",
                            "tanhshrink", "contiguous", "clone", "detach")],
    *[(n, (r(2, 3, dtype="int64"),)) for n in ("neg", "abs", "exp", "sqrt", "sigmoid", "floor", "relu",
                                               "bitwise_not", "reciprocal", "sign")],
    ("gelu", (x23, "none")), ("gelu", (x23, "tanh")), ("leaky_relu", (x23, 0.1)), ("elu", (x23, 1.0, 1.0, 1.0)),
    ("hardtanh", (x23, -1.0, 1.0)), ("softplus", (x23, 1.0, 20.0)), ("threshold", (x23, 0.1, 0.0)),
    ("prelu", (r(2, 3, 4), r(3))),
    ("softmax", (x234, 1, None)), ("log_softmax", (x234, -1, F64)), ("softmax", (r(3, dtype="float64"), 0, None)),
    ("cumsum", (x23, 1, None)), ("cumsum", (r(2, 3, dtype="int32"), 0, None)), ("cumsum", (x23, 0, F64)),
    # contractions
    ("matmul", (r(3), r(3))), ("matmul", (r(2, 3), r(3))), ("matmul", (r(3), r(3, 4))),
    ("matmul", (r(5, 2, 3), r(3, 4))), ("matmul", (r(5, 1, 2, 3), r(6, 3, 4))), ("mm", (r(2, 3), r(3, 4))),
    ("bmm", (r(5, 2, 3), r(5, 3, 4))), ("addmm", (r(4), r(2, 3), r(3, 4), 1, 1)),
    ("linear", (r(5, 2, 3), r(4, 3), r(4))), ("linear", (r(2, 3), r(3), None)), ("dot", (r(3), r(3))),
    # convolution, pooling, normalisation
    ("conv1d", (r(2, 3, 10), r(4, 3, 3), r(4), [2], [1], [1], 1)),
    ("conv1d", (r(3, 10), r(4, 3, 3), None, [1], [0], [2], 1)),
    ("conv2d", (img, r(6, 3, 3, 3), r(6), [1, 1], [1, 1], [1, 1], 1)),
    ("conv2d", (img, r(6, 1, 3, 2), None, [2, 1], [0, 1], [2, 1], 3)),
    ("conv2d", (r(3, 7, 7), r(4, 3, 3, 3), None, [2], [0], [1], 1)),
    ("conv_transpose2d", (r(2, 4, 5, 5), r(4, 3, 3, 3), None, [2, 2], [1, 1], [1, 1], 1, [1, 1])),
    ("conv_transpose2d", (r(2, 4, 5, 5), r(4, 3, 2, 2), r(6), [1], [0], [0], 2, [2])),
    ("max_pool1d", (r(2, 3, 9), [2], [], [0], [1], False)),
    ("max_pool1d", (r(2, 3, 9), [3], [2], [1], [1], True)),
    ("max_pool2d", (img, [2, 2], [2, 2], [0, 0], [1, 1], False)),
    ("max_pool2d", (r(3, 7, 7), [3], [2], [1], [1], True)), ("max_pool2d", (r(1, 3, 7, 7), [2], [], [0], [2], True)),
    ("avg_pool2d", (img, [3, 3], [2, 2], [1, 1], True, True, None)),
    ("avg_pool2d", (r(3, 7, 6), [2], [], [0], False, False, None)),
    ("adaptive_avg_pool2d", (img, [1, 1])), ("adaptive_avg_pool2d", (r(3, 7, 6), [3, None])),
    ("adaptive_max_pool2d", (img, [3, 2])),
    ("batch_norm", (img, r(3), r(3), r(3), np.abs(r(3)), False, 0.1, 1e-5, False)),
    ("layer_norm", (x234, [4], r(4), r(4), 1e-5, False)),
    ("group_norm", (r(2, 4, 3), 2, None, None, 1e-5, False)),
    ("embedding", (r(10, 4), idx(2, 3, high=10), -1)),
    # reductions
    ("sum", (x234, None, False, None)), ("sum", (x234, [1, -1], True, None)), ("sum", (r(2, 3, dtype="bool"), [0], False, None)),
    ("sum", (r(3, dtype="int32"), [], False, F64)),
    ("mean", (x234, [0], False, None)), ("mean", (x234, None, True, F64)), ("prod", (x234, 1, False, None)),
    ("prod", (r(2, 3, dtype="int32"), None, False, None)),
    ("amax", (x234, [0, 2], False)), ("amin", (x234, [1], True)), ("max", (x234,)), ("min", (r(3, dtype="int64"),)),
    ("max_dim", (x234, 1, False)), ("min_dim", (x234, -1, True)),
    ("argmax", (x234, None, False)), ("argmax", (x234, 1, True)), ("argmin", (x234, 2, False)),
    ("var", (x234, [1], 1, False)), ("std", (x234, None, 0, True)), ("var", (r(5, dtype="float64"), None, 1, False)),
    ("norm", (x234, 2, [1], False)), ("norm", (x234, None, None, False)), ("logsumexp", (x234, [2], True)),
    ("any", (r(2, 3, dtype="bool"), None, False)), ("all", (x234, 1, True)),
    # shape and layout
    ("view", (x234, [4, -1])), ("reshape", (x234, [-1])), ("view", (x234, [2, 12])),
    ("flatten", (x234, 1, -1)), ("flatten", (r(), 0, -1)), ("flatten", (x234, 0, 1)),
    ("permute", (x234, [2, 0, 1])), ("transpose", (x234, 0, -1)), ("t", (x23,)), ("t", (r(3),)),
    ("squeeze", (r(2, 1, 3, 1), None)), ("squeeze", (r(2, 1, 3), 1)), ("squeeze", (r(2, 1, 3), 0)),
    ("unsqueeze", (x23, 0)), ("unsqueeze", (x23, -1)),
    ("expand", (r(3, 1), [2, 3, 4], False)), ("expand", (r(3, 1), [-1, 5], False)), ("expand_as", (r(3, 1), x234)),
    ("repeat", (x23, [2, 1, 3])), ("flip", (x23, [0])),
    ("cat", ([x23, r(4, 3)], 0)), ("cat", ([x23, r(2, 5, dtype="float64")], -1)), ("cat", ([r(0), x23], 1)),
    ("stack", ([x23, x23, x23], 1)),
    ("slice", (x234, 1, 1, None, 1)), ("slice", (x234, -1, None, -1, 2)), ("slice", (x234, 0, -5, 10, 3)),
    ("select", (x234, 1, -1)), ("narrow", (x234, 2, 1, 2)),
    ("chunk", (r(7, 2), 3, 0)), ("chunk", (r(2, 5), 2, -1)), ("split", (r(7, 2), 3, 0)), ("unbind", (x234, 1)),
    ("index", (x234, [idx(5)])), ("index", (x234, [None, idx(2, 2)])), ("index", (x234, [idx(2, 1, high=2), None, idx(3)])),
    ("index", (x234, [idx(4, high=2), idx(4)])),
    ("index_select", (x234, 1, idx(5))), ("gather", (x234, 2, idx(2, 3, 2))),
    ("pad", (x234, [1, 2], "constant", None)), ("pad", (x234, [1, 1, -1, 2], "constant", 0.5)),
    ("pad", (x234, [1, 1], "reflect", None)),
    ("to", (x23, I64)), ("to", (x23, None)), ("type_as", (x23, r(3, dtype="float64"))),
    # creation
    *[(n, ([2, 3], None)) for n in ("zeros", "ones", "empty", "rand", "randn")],
    ("zeros", ([4], I32)), ("full", ([2, 2], 1.5, None)), ("full", ([2], 3, None)), ("full", ([2], True, None)),
    ("full", ([3], 1, F64)),
    ("arange", (0, 10, 3, None)), ("arange", (0, 1.0, 0.3, None)), ("arange", (5, 1, -1, F64)),
    ("linspace", (0, 1, 7, None)), ("eye", (3, I64)), ("randint", (0, 5, [2, 3], None)),
    *[(n, (x23, None)) for n in ("zeros_like", "ones_like", "empty_like", "rand_like", "randn_like")],
    ("zeros_like", (x23, BOOL)), ("full_like", (x23, 2, None)), ("full_like", (x23, 2, I64)),
    ("num_to_tensor", (2,)), ("num_to_tensor", (2.5,)), ("num_to_tensor", (True,)),
    ("dropout", (x23, 0.5, True)), ("dropout", (x23, 0.5, False)),
    # in place
    *[(n, (x23.copy(), r(3), 1)) for n in ("add_", "sub_")], *[(n, (x23.copy(), 2)) for n in ("mul_", "div_")],
    *[(n, (x23.copy(),)) for n in ("relu_", "sigmoid_", "tanh_", "zero_")],
    ("clamp_", (x23.copy(), 0, None)), ("fill_", (x23.copy(), 1)), ("copy_", (x23.copy(), r(3, dtype="int64"))),
    ("masked_fill_", (x23.copy(), r(3, dtype="bool"), 0.0)),
    ("index_put_", (x23.copy(), [idx(2, high=2)], r(2, 3), False)),
]
# the ops added for imported PyTorch models: their rules run the kernel on samples (shape_functions_extra.py)
CASES += [
    *[(n, (x23,)) for n in ("exp2", "log10", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
                            "erfc", "frac", "square", "positive", "isinf", "isfinite", "logsigmoid", "selu",
                            "median")],
    ("nan_to_num", (x23, None, None, None)), ("div_mode", (x23, r(3), "floor")),
    *[(n, (x23, r(2, 1))) for n in ("fmod", "hypot", "copysign", "fmax", "fmin")],
    ("bitwise_xor", (r(3, dtype="int64"), 3)), ("logical_xor", (r(3, dtype="bool"), r(2, 1, dtype="bool"))),
    ("addcmul", (x23, r(3), r(2, 1), 2)), ("addcdiv", (x23, r(3), r(2, 1), 2)), ("clamp_tensor", (x23, r(3), None)),
    ("celu", (x23, 1.0)), ("hardshrink", (x23, 0.5)), ("softshrink", (x23, 0.5)), ("glu", (r(2, 4), 1)),
    ("tril", (x23, 0)), ("triu", (x23, 1)), ("roll", (x23, [1], [1])), ("movedim", (x234, [0], [-1])),
    ("unflatten", (x234, 2, [2, 2])), ("split_with_sizes", (r(5, 2), [2, 3], 0)),
    ("scatter", (x23, 1, idx(2, 2), r(2, 2))), ("scatter_add", (x23, 1, idx(2, 2), r(2, 2))),
    ("index_fill", (x23, 1, idx(2), 1.0)), ("repeat_interleave", (x23, 2, 0)), ("tile", (x23, [2, 2])),
    ("one_hot", (idx(4), 5)), ("diag", (x23, 0)),
    ("reshape_as", (x23, r(3, 2))), ("cumprod", (x23, 1, None)), ("sort", (x23, 1, True)),
    ("argsort", (x23, 0, False)), ("topk", (x234, 2, -1, True, True)), ("count_nonzero", (x234, [0, 2])),
    ("var_mean", (x234, [1], 1, True)), ("std_mean", (x234, None, 1, False)), ("median_dim", (x234, 1, False)),
    ("baddbmm", (x234, r(2, 3, 5), r(2, 5, 4), 1, 1)), ("mv", (x23, r(3))), ("addmv", (r(2), x23, r(3), 1, 1)),
    ("outer", (r(2), r(3))), ("einsum", ("ij,jk->ik", [x23, r(3, 4)])),
    ("instance_norm", (r(2, 3, 5), None, None, None, None, True, 0.1, 1e-5, False)),
    ("avg_pool1d", (r(2, 3, 8), [2], [2], [0], False, True)), ("adaptive_avg_pool1d", (r(2, 3, 8), [3])),
    ("adaptive_max_pool1d", (r(2, 3, 8), [3])),
    ("conv_transpose1d", (r(2, 4, 5), r(4, 3, 3), None, [1], [0], [0], 1, [1])),
    ("pixel_shuffle", (r(1, 4, 2, 2), 2)), ("cosine_similarity", (x23, x23, 1, 1e-8)),
    ("mse_loss", (x23, x23, 1)), ("l1_loss", (x23, x23, 0)), ("assign_", (x23.copy(), r(3))),
]
METADATA = {"size", "size_dim", "dim", "numel", "dtype", "device", "item", "to_bool", "to_int", "to_float",
            "manual_seed"}


def abstract(value):
    if isinstance(value, np.ndarray):
        return of_array(value)
    if isinstance(value, list) and value and any(isinstance(v, np.ndarray) for v in value):
        return [abstract(v) for v in value]
    return value


def flat(results):
    for res in results:
        if isinstance(res, list):
            yield from res
        else:
            yield res


@pytest.mark.parametrize("name,args", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_shape_function_matches_kernel(name, args):
    expected = KERNELS[name](*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    expected = expected if isinstance(expected, tuple) else (expected,)
    got = infer(name, [abstract(a) for a in args], len(expected))
    exp_types = [of_array(np.asarray(e)) for e in flat(expected)]
    assert list(flat(got)) == exp_types


def test_unknown_values():
    x = T((2, D, 4), np.dtype("float32"))
    assert infer("sum", [x, [1], False, None], 1) == [T((2, 4), np.dtype("float32"))]
    assert infer("view", [x, [Unknown("int"), -1]], 1) == [T((D, D), np.dtype("float32"))]
    assert infer("add", [T(None, None), 1.0, 1], 1) == [T(None, None)]
    assert infer("mul", [T((3,), np.dtype("int64")), Unknown("float")], 1) == [T((3,), np.dtype("float32"))]
    with pytest.raises(ShapeError, match="constant"):
        infer("view", [x, Unknown()], 1)
    assert infer("index", [x, [T((2,), np.dtype("bool"))]], 1) == [T((D, D, 4), np.dtype("float32"))]
    assert infer("index", [x, [None, None, T((4,), np.dtype("bool"))]], 1) == [T((2, D, D), np.dtype("float32"))]
    with pytest.raises(ShapeError, match="boolean masks and other index tensors"):
        infer("index", [x, [T((2,), np.dtype("bool")), T((2,), np.dtype("int64"))]], 1)
