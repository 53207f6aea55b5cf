"""Values as TorchScript prints them (prim::Print, aten::str, aten::format).

This follows c10's `operator<<(ostream, IValue)`: floats with an integral value print as `5.`
and others with 17 significant digits; bools as True/False; lists `[a, b]`; tuples `(a,)`;
dicts `{k: v}`; objects `<__torch__.M object at 0x...>`; tensors as ATen's C++ printer
(tensor_print.py).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from tsjit.backends.numpy.tensor_print import format_tensor
from tsjit.runtime import Future, ScriptObject


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
