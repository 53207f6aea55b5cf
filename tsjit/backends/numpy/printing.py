"""Values as TorchScript prints them (prim::Print, aten::str, aten::format).

This follows c10's `operator<<(ostream, IValue)`: floats with an integral value print as `5.`
and others with 17 significant digits; bools as True/False; lists `[a, b]`; tuples `(a,)`;
dicts `{k: v}`; objects `<__torch__.M object at 0x...>`. Tensors print in the C++ layout
(rows of numbers, then `[ CPUFloatType{2,3} ]`), with simpler number formatting than ATen's.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from tsjit.runtime import Future, ScriptObject

_TYPE_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}


def ts_str(value: Any) -> str:
    """str() of a run-time value, TorchScript style."""
    if isinstance(value, str):
        return value
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, list):
        return "[" + ", ".join(ts_str(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(ts_str(v) for v in value) + (",)" if len(value) == 1 else ")")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{ts_str(k)}: {ts_str(v)}" for k, v in value.items()) + "}"
    if isinstance(value, np.ndarray):
        return format_tensor(value)
    if isinstance(value, ScriptObject):
        return f"<{value._class_name} object at {hex(id(value))}>"
    if isinstance(value, Future):
        return "Future"
    return str(value)


def format_float(x: float) -> str:
    if math.isfinite(x) and x == int(x) and abs(x) < 2**63:
        return f"{int(x)}."
    if math.isnan(x):
        return "nan"
    return f"{x:.17g}"


def format_tensor(a: np.ndarray) -> str:
    footer = f"[ CPU{_TYPE_NAMES.get(a.dtype.name, a.dtype.name)}Type{{{','.join(map(str, a.shape))}}} ]"
    if a.size == 0:
        return footer
    cells = _cells(a)
    width = max(len(c) for c in cells.flat)
    cells = np.vectorize(lambda c: c.rjust(width + 1), otypes=[object])(cells)
    if a.ndim == 0:
        return f"{cells.item().strip()}\n{footer}"
    if a.ndim == 1:
        return "\n".join(cells) + "\n" + footer
    blocks = []
    for index in np.ndindex(*a.shape[:-2]):
        rows = "\n".join("".join(row) for row in cells[index])
        head = f"({','.join(str(i) for i in index)},.,.) = \n" if a.ndim > 2 else ""
        blocks.append(head + rows)
    return "\n\n".join(blocks) + "\n" + footer


def _cells(a: np.ndarray) -> np.ndarray:
    if a.dtype == np.bool_:
        return np.vectorize(lambda v: str(int(v)), otypes=[object])(a)
    if not np.issubdtype(a.dtype, np.floating):
        return np.vectorize(str, otypes=[object])(a)
    finite = a[np.isfinite(a)].astype(np.float64)
    if finite.size == 0 or np.all(finite == np.round(finite)) and np.abs(finite).max(initial=0) < 1e8:
        fmt = "{:.0f}"
    elif finite.size and (np.abs(finite).max() >= 1e5 or np.abs(finite[finite != 0]).min(initial=1) < 1e-4):
        fmt = "{:.4e}"
    else:
        fmt = "{:.4f}"
    return np.vectorize(lambda v: fmt.format(v) if math.isfinite(v) else ("nan" if math.isnan(v) else
                                                                        ("inf" if v > 0 else "-inf")),
                        otypes=[object])(a.astype(np.float64))


class _Formatted:
    """An argument of ts.str.format: `{}` prints it TorchScript style, `{:spec}` as Python does."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec) if spec else ts_str(self.value)

    def __str__(self) -> str:
        return ts_str(self.value)

    def __repr__(self) -> str:
        return repr(self.value)

    def __getitem__(self, key: Any) -> _Formatted:
        return _Formatted(self.value[key])


def format_string(fmt: str, *args: Any) -> str:
    """aten::format: Python's `str.format` over TorchScript's str() of the arguments."""
    return fmt.format(*(_Formatted(a) for a in args))
