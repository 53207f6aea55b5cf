"""`tsjit.testing.assert_close`: torch.testing.assert_close for tsjit tensors (also used by trace checks).

Tensors, numbers and (nested) sequences and mappings of them are compared with PyTorch's
rule |actual - expected| <= atol + rtol * |expected|, with its per-dtype default tolerances
and its failure messages.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: numpy dtype kind/size -> (rtol, atol), as torch.testing's default_tolerances.
_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}


def default_tolerances(*arrays: np.ndarray) -> tuple[float, float]:
    """The loosest default (rtol, atol) of the arrays' dtypes; exact for integers and bools."""
    pairs = [_TOLERANCES.get(np.asarray(a).dtype, (0.0, 0.0)) for a in arrays]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def assert_close(actual: Any, expected: Any, *, rtol: float | None = None, atol: float | None = None,
                 equal_nan: bool = False, check_dtype: bool = True, msg: str | None = None) -> None:
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {'rtol' if rtol is None else 'atol'}.")
    _compare(actual, expected, rtol, atol, equal_nan, check_dtype, msg, [])


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, msg, path) -> None:
    from tsjit.eager.tensor_class import Tensor

    if isinstance(actual, Tensor | np.ndarray) or isinstance(expected, Tensor | np.ndarray):
        _compare_arrays(_array(actual), _array(expected), rtol, atol, equal_nan, check_dtype, msg, path,
                        "Tensor-likes")
    elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            _fail(f"The keys of the mappings do not match: {sorted(map(str, actual))} != {sorted(map(str, expected))}",
                  msg, path)
        for k in expected:
            _compare(actual[k], expected[k], rtol, atol, equal_nan, check_dtype, msg, path + [repr(k)])
    elif isinstance(actual, Sequence) and isinstance(expected, Sequence) and not isinstance(actual, str):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", msg, path)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, rtol, atol, equal_nan, check_dtype, msg, path + [str(i)])
    elif isinstance(actual, int | float | bool) and isinstance(expected, int | float | bool):
        _compare_scalars(actual, expected, rtol, atol, equal_nan, msg, path)
    elif actual != expected:
        _fail(f"{actual!r} != {expected!r}", msg, path)


def _array(x) -> np.ndarray:
    from tsjit.eager.tensor_class import Tensor

    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, np.ndarray):
        return x
    raise AssertionError(f"Expected a tensor, but got {type(x).__name__}.")


def _compare_scalars(actual, expected, rtol, atol, equal_nan, msg, path) -> None:
    if rtol is None:
        rtol, atol = (1.3e-6, 1e-5) if isinstance(actual, float) or isinstance(expected, float) else (0.0, 0.0)
    both_nan = actual != actual and expected != expected
    diff = abs(actual - expected)
    if (equal_nan and both_nan) or diff <= atol + rtol * abs(expected):
        return
    rel = diff / abs(expected) if expected else float("inf")
    _fail(f"Scalars are not close!\n\nExpected {expected} but got {actual}.\n"
          f"Absolute difference: {diff} (up to {atol} allowed)\nRelative difference: {rel} (up to {rtol} allowed)",
          msg, path)


def _compare_arrays(a: np.ndarray, e: np.ndarray, rtol, atol, equal_nan, check_dtype, msg, path, what) -> None:
    if a.shape != e.shape:
        _fail(f"The values for attribute 'shape' do not match: {_size(a.shape)} != {_size(e.shape)}.", msg, path)
    if check_dtype and a.dtype != e.dtype:
        _fail(f"The values for attribute 'dtype' do not match: torch.{_dtype(a)} != torch.{_dtype(e)}.", msg, path)
    if rtol is None:
        rtol, atol = default_tolerances(a, e)
    exact = rtol == 0 and atol == 0
    wide = np.complex128 if a.dtype.kind == "c" or e.dtype.kind == "c" else np.float64  # complex: |a - e|
    af, ef = a.astype(wide), e.astype(wide)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(af - ef)
        close = diff <= atol + rtol * np.abs(ef)
        close |= af == ef
        if equal_nan:
            close |= np.isnan(af) & np.isnan(ef)
    if close.all():
        return
    mismatched = int((~close).sum())
    diff = np.where(np.isnan(diff), np.inf, diff)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(ef != 0, diff / np.abs(ef), np.where(diff == 0, 0.0, np.inf))
    if a.ndim == 0:
        _fail(f"{what} are not {'equal' if exact else 'close'}!\n\nExpected {e.item()} but got {a.item()}.\n"
              f"Absolute difference: {_num(diff.item(), a)}{_allowed(atol, exact)}\n"
              f"Relative difference: {rel.item()}{_allowed(rtol, exact)}", msg, path)
    i_abs = np.unravel_index(int(np.argmax(diff)), diff.shape)
    i_rel = np.unravel_index(int(np.argmax(rel)), rel.shape)
    _fail(f"{what} are not {'equal' if exact else 'close'}!\n\n"
          f"Mismatched elements: {mismatched} / {a.size} ({100 * mismatched / a.size:.1f}%)\n"
          f"Greatest absolute difference: {_num(diff[i_abs], a)} at index {_index(i_abs)}{_allowed(atol, exact)}\n"
          f"Greatest relative difference: {float(np.float32(rel[i_rel])) if a.dtype == np.float32 else rel[i_rel]} "
          f"at index {_index(i_rel)}{_allowed(rtol, exact)}", msg, path)


def _num(x, like: np.ndarray):
    x = float(x)
    if like.dtype.kind in "iub" and x.is_integer():
        return int(x)
    return float(np.float32(x)) if like.dtype == np.float32 else x


def _allowed(tol: float, exact: bool) -> str:
    return "" if exact else f" (up to {tol} allowed)"


def _index(i: tuple) -> str:
    return "(" + ", ".join(str(int(d)) for d in i) + ("," if len(i) == 1 else "") + ")"


def _size(shape: tuple) -> str:
    return f"torch.Size([{', '.join(map(str, shape))}])"


def _dtype(a: np.ndarray) -> str:
    from tsjit.dtypes import from_numpy

    return str(from_numpy(a.dtype)).removeprefix("torch.")


def _fail(message: str, msg: str | None, path: list[str]) -> None:
    if msg is not None:
        raise AssertionError(msg)
    if path:
        message += f"\n\nThe failure occurred for item {''.join(f'[{p}]' for p in path)}"
    raise AssertionError(message)
