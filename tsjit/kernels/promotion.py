"""PyTorch's type promotion and dtype codes, for numpy arrays mixed with Python scalars.

PyTorch promotes in three groups: tensors with dims, zero-dim tensors, and Python scalars
("wrapped numbers"). A later group only matters when it is of a higher category
(bool < integer < float), so `int8_tensor + 1000` stays int8 and `int_tensor * 0.5`
becomes float32 (the default float dtype), while `int32_tensor + float64_0d` is float64.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tsjit.dtypes import SCALAR_TYPE_CODES, WithBfloat16, bfloat16_numpy, is_bf16, is_bf16_key, is_float

DEFAULT_FLOAT = np.dtype(np.float32)
INT64 = np.dtype(np.int64)
BOOL = np.dtype(np.bool_)

_BF16_CODE = SCALAR_TYPE_CODES["bfloat16"]


#: ScalarType int code <-> numpy dtype (bfloat16's, from ml_dtypes, is loaded when first asked for).
DTYPE_OF_CODE: dict[int, np.dtype] = WithBfloat16(
    {code: np.dtype(name) for name, code in SCALAR_TYPE_CODES.items() if name != "bfloat16"},
    lambda code: code == _BF16_CODE, bfloat16_numpy)
CODE_OF_DTYPE: dict[np.dtype, int] = WithBfloat16({d: c for c, d in DTYPE_OF_CODE.items()}, is_bf16_key,
                                                  lambda: _BF16_CODE)
#: The names PyTorch prints in messages ("result type Float can't be cast to ... Long").
TORCH_NAME = {
    "complex64": "ComplexFloat", "complex128": "ComplexDouble", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double", "int8": "Char", "int16": "Short",
    "int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool",
}
#: Lower-case names of other messages ("expected m1 and m2 to have the same dtype, but got: float != double").
C_NAME = {"complex64": "c10::complex<float>", "complex128": "c10::complex<double>", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double", "int8": "signed char",
          "int16": "short int", "int32": "int", "int64": "long int", "uint8": "unsigned char", "bool": "bool"}

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
COMPLEX64 = np.dtype(np.complex64)
_COMPLEX_OF = {np.dtype(np.float32): COMPLEX64, np.dtype(np.float64): np.dtype(np.complex128)}


def dtype_of(code: int | None, default: np.dtype | None = None) -> np.dtype | None:
    """The numpy dtype of a ScalarType code (None gives `default`)."""
    if code is None:
        return default
    try:
        return DTYPE_OF_CODE[code]
    except KeyError:
        raise RuntimeError(f"unsupported ScalarType code {code}") from None


def torch_name(dtype: np.dtype) -> str:
    return TORCH_NAME.get(dtype.name, dtype.name)


def category(dtype: np.dtype) -> int:
    return 2 if is_bf16(dtype) else _CATEGORY[dtype.kind]


def real_of(dtype: np.dtype) -> np.dtype:
    """The real type of a complex type (toRealValueType: abs, norms, var); others are their own."""
    return np.dtype(np.float32 if dtype == COMPLEX64 else np.float64) if dtype.kind == "c" else dtype


def complex_of(dtype: np.dtype) -> np.dtype:
    """The complex type of a float type (toComplexType); PyTorch's complex32 is not supported."""
    if dtype.kind == "c":
        return dtype
    if dtype not in _COMPLEX_OF:
        raise RuntimeError(f"tsjit has no complex type of {torch_name(dtype)} (complex32 is not supported)")
    return _COMPLEX_OF[dtype]


def cpu_accumulate_type(dtype: np.dtype) -> np.dtype:
    """ATen's `acc_type<T, /*is_cuda=*/false>`, the type CPU kernels such as cumsum, cumprod and
    logcumsumexp carry a running value in: double for float, float for half and bfloat16,
    complex<double> for complex<float>; other types as they are."""
    if dtype == np.float32:
        return np.dtype(np.float64)
    if dtype == np.complex64:
        return np.dtype(np.complex128)
    if dtype == np.float16 or dtype.name == "bfloat16":
        return np.dtype(np.float32)
    return dtype


def promote_types(a: np.dtype | None, b: np.dtype | None) -> np.dtype | None:
    """torch.promote_types: a float beats any integer (int64 + float16 is float16, unlike numpy), a
    complex any float or integer, keeping the wider precision (complex64 + float64 is complex128)."""
    if a is None or a == b:
        return b if a is None else a
    if b is None:
        return a
    ka, kb = category(a), category(b)
    if ka == 3 or kb == 3:
        c, other = (a, b) if ka == 3 else (b, a)
        if category(other) == 3:
            return np.promote_types(a, b)
        return np.dtype(np.complex128) if other == np.float64 or c == np.complex128 else c
    if ka != kb and (ka == 2 or kb == 2):
        return a if ka == 2 else b
    return np.promote_types(a, b)


def scalar_dtype(value: Any) -> np.dtype:
    """The dtype a Python scalar takes as a wrapped number in promotion."""
    if isinstance(value, (bool, np.bool_)):
        return BOOL
    if isinstance(value, (int, np.integer)):
        return INT64
    if isinstance(value, (complex, np.complexfloating)):
        return complex_of(DEFAULT_FLOAT)
    return DEFAULT_FLOAT


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """c10 combine_categories: the lower-priority group only raises the category."""
    if higher is None:
        return lower
    if higher.kind == "c":
        return higher
    if lower is not None and lower.kind == "c":  # a float keeps its precision: float64 * 1j is complex128
        return complex_of(higher) if is_float(higher) else lower
    if is_float(higher):
        return higher
    if higher.kind == "b" or (lower is not None and is_float(lower)):
        return promote_types(higher, lower)
    return higher


def result_dtype(*values: Any) -> np.dtype:
    """torch.result_type over tensors (ndarrays) and Python scalars; None values are skipped."""
    dim = zero = wrapped = None
    for v in values:
        if isinstance(v, np.ndarray):
            if v.ndim:
                dim = promote_types(dim, v.dtype)
            else:
                zero = promote_types(zero, v.dtype)
        elif v is not None:
            wrapped = promote_types(wrapped, scalar_dtype(v))
    out = _combine(dim, _combine(zero, wrapped))
    return DEFAULT_FLOAT if out is None else out


def binary_dtype(a: Any, b: Any) -> np.dtype:
    """result_dtype for two operands, with the common same-dtype tensor case first."""
    if type(a) is np.ndarray:
        if type(b) is np.ndarray:
            if a.dtype is b.dtype or a.dtype == b.dtype:
                return a.dtype
        elif type(b) is float and is_float(a.dtype):
            return a.dtype
    return result_dtype(a, b)


def cast(value: Any, dtype: np.dtype) -> np.ndarray:
    """`value` (array or scalar) as an array of `dtype`, without copying when it already is one.
    bfloat16 converts to integers through float32, as C's casts do (NaN and out-of-range values give
    what they give for float32, where ml_dtypes gives 0)."""
    if type(value) is not np.ndarray:
        value = np.asarray(value)
    if value.dtype == dtype:
        return value
    if is_bf16(value.dtype) and dtype.kind in "iu":
        value = value.astype(np.float32)
    return value.astype(dtype)


def to_float(a: np.ndarray) -> np.ndarray:
    """Integer and bool tensors become the default float dtype (as for exp, sqrt, ...); complex ones stay."""
    return a if is_float(a.dtype) or a.dtype.kind == "c" else a.astype(DEFAULT_FLOAT)


def not_implemented(kernel: str, dtype: np.dtype) -> NotImplementedError:
    """torch's error for a kernel without an implementation for a dtype (a RuntimeError subclass)."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{torch_name(dtype)}'")


def can_cast(src: np.dtype, dst: np.dtype) -> bool:
    """c10::canCast: no complex -> non-complex, no float -> integral, no non-bool -> bool."""
    if src.kind == "c" and dst.kind != "c":
        return False
    if is_float(src) and dst.kind in "biu":
        return False
    return not (dst.kind == "b" and src.kind != "b")


def check_inplace(self_dtype: np.dtype, result: np.dtype) -> None:
    if not can_cast(result, self_dtype):
        raise RuntimeError(f"result type {torch_name(result)} can't be cast to the desired output type "
                           f"{torch_name(self_dtype)}")


def as_array(value: Any) -> np.ndarray:
    """Wrap numpy scalars (what numpy reductions return) into 0-d arrays."""
    return value if type(value) is np.ndarray else np.asarray(value)
