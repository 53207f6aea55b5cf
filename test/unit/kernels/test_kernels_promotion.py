"""PyTorch type promotion: result dtypes of kernels on a table of operand kinds."""
from __future__ import annotations

import numpy as np
import pytest

from tsjit.ops import KERNELS
from tsjit.kernels.promotion import promote_types, result_dtype


def t(dtype, *shape):
    return np.ones(shape or (2,), dtype=dtype)


def zero_d(dtype):
    return np.ones((), dtype=dtype)


@pytest.mark.parametrize("op, args, expected", [
    ("add", (t(np.int64), 2.5, 1), np.float32),          # int tensor + float scalar -> default float
    ("add", (t(np.int8), 1000, 1), np.int8),             # a scalar never widens within its category
    ("add", (t(np.bool_), t(np.bool_), 1), np.bool_),    # bool + bool stays bool (logical or)
    ("add", (t(np.bool_), 3, 1), np.int64),
    ("add", (t(np.float32), zero_d(np.float64), 1), np.float32),  # 0-d tensors only raise the category
    ("add", (t(np.int32), zero_d(np.float64), 1), np.float64),    # ... and then take their own dtype
    ("add", (t(np.int32), zero_d(np.int64), 1), np.int32),
    ("add", (t(np.uint8), t(np.int8), 1), np.int16),
    ("add", (t(np.int64), t(np.float16), 1), np.float16),  # a float beats any integer (not numpy's rule)
    ("add", (zero_d(np.int64), 1.5, 1), np.float32),
    ("add", (zero_d(np.int32), zero_d(np.float64), 1), np.float64),
    ("mul", (t(np.float16), t(np.float32)), np.float32),
    ("div", (t(np.int64), 2), np.float32),               # true division of integers
    ("div", (t(np.int64), t(np.int64)), np.float32),
    ("div", (t(np.float64), 2), np.float64),
    ("floor_divide", (t(np.int64), 2), np.int64),
    ("remainder", (t(np.int32), 2.5), np.float32),
    ("pow", (t(np.int64), 0.5), np.float32),
    ("eq", (t(np.int64), 2.5), np.bool_),
    ("where", (t(np.bool_), t(np.int64), 0.5), np.float32),
    ("where", (t(np.bool_), t(np.float32), t(np.float64)), np.float64),
    ("clamp", (t(np.int64), 0.5, None), np.float32),
    ("clamp", (t(np.int32), 0, 1), np.int32),
    ("exp", (t(np.int64),), np.float32),
    ("sqrt", (t(np.float64),), np.float64),
    ("floor", (t(np.int64),), np.int64),
    ("abs", (t(np.int16),), np.int16),
    ("sigmoid", (t(np.int32),), np.float32),
    ("sum", (t(np.int32), None, False, None), np.int64),
    ("sum", (t(np.bool_), None, False, None), np.int64),
    ("sum", (t(np.float16), None, False, None), np.float16),
    ("prod", (t(np.uint8), None, False, None), np.int64),
    ("cumsum", (t(np.bool_), 0, None), np.int64),
    ("mean", (t(np.int64), None, False, 7), np.float64),
    ("argmax", (t(np.float32), None, False), np.int64),
    ("cat", ([t(np.int64), t(np.float32)], 0), np.float32),
    ("maximum", (t(np.int64), t(np.float32)), np.float32),
])
def test_result_dtype(op, args, expected):
    assert KERNELS[op](*args).dtype == np.dtype(expected)


def test_result_dtype_of_scalars_only():
    assert result_dtype(1, 2) == np.int64
    assert result_dtype(1, 2.0) == np.float32
    assert result_dtype(True, False) == np.bool_
    assert result_dtype(np.ones(3, np.int16), None, 3) == np.int16  # None operands are skipped


def test_promote_types_is_symmetric():
    dtypes = [np.dtype(d) for d in ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
                                    "float64")]
    for a in dtypes:
        for b in dtypes:
            assert promote_types(a, b) == promote_types(b, a)
