"""Tensors as TorchScript's print() shows them: ATen's C++ `operator<<(ostream, Tensor)`.

    >>> print(format_tensor(np.array([[1, 20], [3, 4]])))
      1  20
      3   4
    [ CPULongType{2,2} ]

Follows aten/src/ATen/core/Formatting.cpp (the fmt-based version): values are printed as
doubles with one width per matrix (`__printFormat`: integer mode with %g, fixed with 4
decimals, a `0.001 *` scale line, or scientific), matrices wrap at 80 columns ("Columns 1 to 8"
on the line of the first row), and tensors of rank > 2 print one matrix per `(i,j,.,.) = `
header with 1-based indices, the first index varying fastest, rows after the first indented.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.kernels.promotion import torch_name

LINESIZE = 80


def format_tensor(a: np.ndarray) -> str:
    name = f"CPU{torch_name(a.dtype)}Type"
    footer = f"[ {name}{{{','.join(map(str, a.shape))}}} ]"
    values = a.astype(np.float64)
    if a.ndim == 0:
        return f"{float(values):g}\n{footer}"
    if a.size == 0:
        return footer
    if a.ndim == 1:
        fmt, scale, width = _format(values)
        lines = ([_g(scale) + " *"] if scale != 1 else []) + [_cell(v / scale, fmt, width) for v in values]
        return "\n".join(lines) + "\n" + footer
    if a.ndim == 2:
        return _matrix(values, 0) + footer
    blocks = []
    for index in np.ndindex(*reversed(a.shape[:-2])):
        index = tuple(reversed(index))  # the first index varies fastest, as in ATen
        head = "(" + "".join(f"{i + 1}," for i in index) + ".,.) = \n"
        blocks.append(head + _matrix(values[index], 1))
    return "\n".join(blocks) + footer


def _format(values: np.ndarray) -> tuple[str, float, int]:
    """ATen's __printFormat: (notation, scale, width) for these values."""
    finite = np.abs(values[np.isfinite(values)])
    int_mode = bool(np.all(finite == np.ceil(finite)))
    if finite.size == 0:
        exp_min = exp_max = 1
    else:
        lo, hi = finite.min(), finite.max()
        exp_min = math.floor(math.log10(lo)) + 1 if lo != 0 else 1
        exp_max = math.floor(math.log10(hi)) + 1 if hi != 0 else 1
    if int_mode:
        return ("sci", 1.0, 11) if exp_max > 9 else ("int", 1.0, exp_max + 1)
    if exp_max - exp_min > 4:
        return "sci", 1.0, 12 if abs(exp_max) > 99 or abs(exp_min) > 99 else 11
    if exp_max > 5 or exp_max < 0:
        return "fixed", 10.0 ** (exp_max - 1), 7
    return "fixed", 1.0, 7 if exp_max == 0 else exp_max + 6


def _cell(v: float, fmt: str, width: int) -> str:
    if not math.isfinite(v):
        text = "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    elif fmt == "int":
        text = f"{v:g}"
    elif fmt == "sci":
        text = f"{v:.4e}"
    else:
        text = f"{v:.4f}"
    return text.rjust(width)


def _g(x: float) -> str:
    return f"{x:g}"


def _matrix(m: np.ndarray, indent: int) -> str:
    """ATen's __printMatrix: rows of width-aligned cells, split into column groups at 80 chars."""
    fmt, scale, width = _format(m)
    pad = " " * indent
    per_line = max(1, (LINESIZE - indent) // (width + 1))
    rows, cols = m.shape
    out = []
    for first in range(0, cols, per_line):
        last = min(first + per_line, cols) - 1
        if per_line < cols:
            if first != 0:
                out.append("\n")
            out.append(f"Columns {first + 1} to {last + 1}{pad}")
        if scale != 1:
            out.append(f"{_g(scale)} *\n{pad}")
        for r in range(rows):
            out.append(" ".join(_cell(m[r, c] / scale, fmt, width) for c in range(first, last + 1)) + "\n")
            if r != rows - 1:
                out.append(pad + (" " if scale != 1 else ""))
    return "".join(out)
