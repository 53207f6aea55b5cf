"""Tensor metadata and tensor -> Python scalar conversions."""
from __future__ import annotations

from collections.abc import Callable

from tsjit.kernels.dims import wrap_dim
from tsjit.kernels.promotion import CODE_OF_DTYPE


def item(a):
    if a.size != 1:
        raise RuntimeError(f"a Tensor with {a.size} elements cannot be converted to Scalar")
    return a.reshape(()).item()


def to_bool(a):
    if a.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous"
                           if a.size else "Boolean value of Tensor with no values is ambiguous")
    return bool(a.reshape(()).item())


def size_dim(a, dim):
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return a.shape[wrap_dim(dim, a.ndim)]


def to_int(a):
    return int(item(a))


def to_float(a):
    return float(item(a))


KERNELS: dict[str, Callable] = {
    "size": lambda a: list(a.shape),
    "size_dim": size_dim,
    "dim": lambda a: a.ndim,
    "numel": lambda a: int(a.size),
    "dtype": lambda a: CODE_OF_DTYPE[a.dtype],
    "device": lambda a: "cpu",
    "item": item, "to_bool": to_bool, "to_int": to_int, "to_float": to_float,
}
