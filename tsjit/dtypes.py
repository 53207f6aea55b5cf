"""`tsjit.dtype`: torch.float32 and friends, with their numpy dtype and c10::ScalarType code.

Compiled code carries dtypes as int codes (runtime.py); eager tensors carry numpy arrays. One
table links the three views so conversion is a dict lookup both ways.
"""
from __future__ import annotations

import ml_dtypes
import numpy as np

#: c10::ScalarType codes, as TorchScript graphs and compiled code carry dtypes.
SCALAR_TYPE_CODES: dict[str, int] = {
    "uint8": 0, "int8": 1, "int16": 2, "int32": 3, "int64": 4, "float16": 5,
    "float32": 6, "float64": 7, "bool": 11, "bfloat16": 15,
}


#: bfloat16's numpy dtype, from `ml_dtypes` (numpy's kind "V": test floats with is_float).
BFLOAT16 = np.dtype(ml_dtypes.bfloat16)


def is_float(np_dtype: np.dtype) -> bool:
    """A floating-point numpy dtype, bfloat16 included."""
    return np_dtype.kind == "f" or np_dtype == BFLOAT16


def finfo(np_dtype: np.dtype):
    """np.finfo, bfloat16 included."""
    return ml_dtypes.finfo(np_dtype) if np_dtype == BFLOAT16 else np.finfo(np_dtype)


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
    return BFLOAT16 if name == "bfloat16" else np.dtype(name)


class dtype:  # noqa: N801 - torch's name
    """A tensor element type. There is one instance per type, so `is` and `==` agree."""

    __slots__ = ("name", "code", "numpy", "is_floating_point", "is_signed", "itemsize")
    is_complex = False

    def __init__(self, name: str, np_dtype: str):
        self.name = name
        self.code = SCALAR_TYPE_CODES[name]
        self.numpy = np.dtype(np_dtype)
        self.is_floating_point = is_float(self.numpy)
        self.is_signed = self.is_floating_point or self.numpy.kind == "i"
        self.itemsize = self.numpy.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (from_name, (self.name,))

    def to_complex(self):
        raise TypeError(f"tsjit has no complex dtypes (asked for the complex of {self})")


float32 = dtype("float32", "float32")
float64 = dtype("float64", "float64")
float16 = dtype("float16", "float16")
bfloat16 = dtype("bfloat16", BFLOAT16)
int64 = dtype("int64", "int64")
int32 = dtype("int32", "int32")
int16 = dtype("int16", "int16")
int8 = dtype("int8", "int8")
uint8 = dtype("uint8", "uint8")
bool = dtype("bool", "bool")  # noqa: A001 - torch.bool
float, double, half = float32, float64, float16  # noqa: A001
long, int, short = int64, int32, int16  # noqa: A001

ALL_DTYPES = (float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_CODE = {d.code: d for d in ALL_DTYPES}
_BY_NUMPY = {d.numpy: d for d in ALL_DTYPES}

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
