"""`tsjit.dtype`: torch.float32 and friends, with their numpy dtype and c10::ScalarType code.

Compiled code carries dtypes as int codes (runtime.py); eager tensors carry numpy arrays. One
table links the three views so conversion is a dict lookup both ways.
"""
from __future__ import annotations

import functools

import numpy as np

#: c10::ScalarType codes, as TorchScript graphs and compiled code carry dtypes.
SCALAR_TYPE_CODES: dict[str, int] = {
    "uint8": 0, "int8": 1, "int16": 2, "int32": 3, "int64": 4, "float16": 5,
    "float32": 6, "float64": 7, "complex64": 9, "complex128": 10, "bool": 11, "bfloat16": 15,
}


@functools.cache
def bfloat16_numpy() -> np.dtype:
    """bfloat16's numpy dtype, from `ml_dtypes`, loaded when first needed (its extension takes about
    half a second to load, which every tsjit process and CLI run would pay)."""
    import ml_dtypes

    return np.dtype(ml_dtypes.bfloat16)


def __getattr__(name: str):
    if name == "BFLOAT16":  # `from tsjit.dtypes import BFLOAT16` where loading it is fine (tests)
        return bfloat16_numpy()
    raise AttributeError(f"module 'tsjit.dtypes' has no attribute '{name}'")


def is_bf16(np_dtype: np.dtype) -> bool:
    """ml_dtypes' bfloat16 (by name: no need to load ml_dtypes to recognise it)."""
    return np_dtype.kind == "V" and np_dtype.name == "bfloat16"


def is_half(np_dtype: np.dtype) -> bool:
    """float16 or bfloat16."""
    return np_dtype.itemsize == 2 and (np_dtype.kind == "f" or is_bf16(np_dtype))


def is_float(np_dtype: np.dtype) -> bool:
    """A floating-point numpy dtype, bfloat16 included (numpy's kind for it is "V")."""
    return np_dtype.kind == "f" or is_bf16(np_dtype)


def is_inexact(np_dtype: np.dtype) -> bool:
    """A floating-point or complex numpy dtype (what true division, mean and norms compute in)."""
    return np_dtype.kind in "fc" or is_bf16(np_dtype)


def finfo(np_dtype: np.dtype):
    """np.finfo, bfloat16 included."""
    if is_bf16(np_dtype):
        import ml_dtypes

        return ml_dtypes.finfo(np_dtype)
    return np.finfo(np_dtype)


_IR_FLOATS = {"Float16Type": "float16", "BFloat16Type": "bfloat16", "Float32Type": "float32",
              "Float64Type": "float64"}


def float_info(dtype):
    """finfo of a float dtype given as numpy's or as the IR's (xDSL's Float32Type, ...: named, not
    imported, as eager code loads no xDSL)."""
    if not isinstance(dtype, np.dtype):
        dtype = numpy_named(_IR_FLOATS[type(dtype).__name__])
    return finfo(dtype)


def numpy_named(name: str) -> np.dtype:
    """The numpy dtype of a torch dtype name ("float32", "bfloat16", ...)."""
    return bfloat16_numpy() if name == "bfloat16" else np.dtype(name)


def is_complex(np_dtype: np.dtype) -> bool:
    return np_dtype.kind == "c"


class dtype:  # noqa: N801 - torch's name
    """A tensor element type. There is one instance per type, so `is` and `==` agree."""

    __slots__ = ("name", "code", "_numpy", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype: str | None, itemsize: int = 0):
        self.name = name
        self.code = SCALAR_TYPE_CODES[name]
        self._numpy = None if np_dtype is None else np.dtype(np_dtype)
        self.is_floating_point = self._numpy is None or is_float(self._numpy)
        self.is_complex = self._numpy is not None and is_complex(self._numpy)
        self.is_signed = self.is_floating_point or self.is_complex or self._numpy.kind == "i"
        self.itemsize = itemsize or self._numpy.itemsize

    @property
    def numpy(self) -> np.dtype:
        return bfloat16_numpy() if self._numpy is None else self._numpy

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (from_name, (self.name,))

    def to_complex(self) -> "dtype":
        """float32 -> complex64, float64 -> complex128 (complex types are their own)."""
        if self.is_complex:
            return self
        if self.name not in _COMPLEX_OF:
            raise TypeError(f"tsjit has no complex type of {self} (PyTorch's complex32 is not supported)")
        return _BY_NAME[_COMPLEX_OF[self.name]]

    def to_real(self) -> "dtype":
        """complex64 -> float32, complex128 -> float64 (real types are their own)."""
        return _BY_NAME[_REAL_OF[self.name]] if self.is_complex else self


float32 = dtype("float32", "float32")
float64 = dtype("float64", "float64")
float16 = dtype("float16", "float16")
bfloat16 = dtype("bfloat16", None, itemsize=2)  # its numpy dtype is loaded when first used
int64 = dtype("int64", "int64")
int32 = dtype("int32", "int32")
int16 = dtype("int16", "int16")
int8 = dtype("int8", "int8")
uint8 = dtype("uint8", "uint8")
bool = dtype("bool", "bool")  # noqa: A001 - torch.bool
complex64 = dtype("complex64", "complex64")
complex128 = dtype("complex128", "complex128")
float, double, half = float32, float64, float16  # noqa: A001
long, int, short = int64, int32, int16  # noqa: A001
cfloat, cdouble = complex64, complex128

ALL_DTYPES = (float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool, complex64, complex128)
_COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}
_REAL_OF = {c: r for r, c in _COMPLEX_OF.items()}
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_CODE = {d.code: d for d in ALL_DTYPES}


class WithBfloat16(dict):
    """A table keyed by numpy dtypes (or by codes) whose bfloat16 entry is answered by `bf16_key`
    and `bf16_value`, so looking it up never loads ml_dtypes for the other keys."""

    def __init__(self, items, bf16_key, bf16_value):
        super().__init__(items)
        self._is_bf16, self._bf16_value = bf16_key, bf16_value

    def __missing__(self, key):
        if self._is_bf16(key):
            return self._bf16_value()
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or self._is_bf16(key)


def is_bf16_key(key) -> bool:
    return isinstance(key, np.dtype) and is_bf16(key)


_BY_NUMPY = WithBfloat16({d._numpy: d for d in ALL_DTYPES if d._numpy is not None}, is_bf16_key, lambda: bfloat16)

_default_dtype = float32


def from_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_code(code: "int | None") -> "dtype | None":
    """The dtype of a ScalarType int code (None stays None)."""
    return None if code is None else _BY_CODE[code]


def to_code(dt: "dtype | None") -> "int | None":
    """The ScalarType int code the kernels take; None stays None."""
    if dt is None:
        return None
    if isinstance(dt, dtype):
        return dt.code
    raise TypeError(f"expected a tsjit dtype (e.g. torch.float32), got {dt!r}")


def from_numpy(np_dtype) -> dtype:
    """The dtype of a numpy dtype; numpy types tsjit lacks (uint16, complex, ...) are an error."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        try:
            return _BY_NUMPY[np.dtype(np_dtype)]
        except KeyError:
            raise TypeError(f"can't convert numpy dtype {np_dtype} to a tsjit dtype: supported are "
                            f"{', '.join(d.name for d in ALL_DTYPES)}") from None


def to_numpy(dt: dtype) -> np.dtype:
    return dt.numpy


def get_default_dtype() -> dtype:
    """The dtype of Python floats in tensor(), arange(), rand() and float fills: float32."""
    return _default_dtype


def set_default_dtype(d: dtype) -> None:
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    global _default_dtype
    _default_dtype = d
