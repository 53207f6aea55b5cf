"""Dimension arithmetic shared by kernels: wrapping negative dims, -1 sizes, shape text."""
from __future__ import annotations

from collections.abc import Sequence


def wrap_dim(dim: int, ndim: int) -> int:
    """A dim in [-ndim, ndim) made non-negative; a 0-d tensor accepts -1 and 0, as in torch."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def wrap_dims(dims: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    """Reduction dims: None or [] mean every dim; repeated dims are an error."""
    if dims is None:
        return tuple(range(ndim))
    if isinstance(dims, int):
        dims = (dims,)
    out = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        d = next(d for d in out if out.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out if out else tuple(range(ndim))


def check_broadcast(a: Sequence[int], b: Sequence[int]) -> None:
    """Raise torch's message when two shapes do not broadcast."""
    for i in range(1, min(len(a), len(b)) + 1):
        x, y = a[-i], b[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                               f"non-singleton dimension {max(len(a), len(b)) - i}")


def shape_str(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def infer_size(shape: Sequence[int], numel: int) -> tuple[int, ...]:
    """Resolve one -1 in a view/reshape size; raise torch's message if the sizes disagree."""
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{shape_str(shape)}' is invalid for input of size {numel}")
        return tuple(numel // known if s == -1 else s for s in shape)
    if known != numel:
        raise RuntimeError(f"shape '{shape_str(shape)}' is invalid for input of size {numel}")
    return shape


def pair(values: Sequence[int] | int, n: int, name: str = "") -> tuple[int, ...]:
    """Expand a 1-element list (or an int) to n entries, as conv/pool parameters allow."""
    if isinstance(values, int):
        return (values,) * n
    values = tuple(values)
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values "
                           f"to match the convolution dimensions, but got {name}={list(values)}")
    return values


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """PyTorch's row-major strides (in elements): a dim of size 0 counts as 1, so an empty tensor
    still has the strides of its non-empty dims."""
    out, step = [], 1
    for n in reversed(shape):
        out.append(step)
        step *= max(n, 1)
    return tuple(reversed(out))


def element_strides(a) -> tuple[int, ...]:
    """Tensor.stride() of a numpy array, as PyTorch reports it: numpy's byte strides in elements,
    except where numpy differs from PyTorch in a C-contiguous array: an empty one, and the 0 stride
    numpy gives an inserted size-1 dim (PyTorch gives the row-major one)."""
    strides = tuple(s // a.itemsize for s in a.strides) if a.itemsize else (0,) * a.ndim
    if not a.flags.c_contiguous:
        return strides
    if a.size == 0:
        return contiguous_strides(a.shape)
    row_major = contiguous_strides(a.shape)
    return tuple(r if n == 1 and s == 0 else s for n, s, r in zip(a.shape, strides, row_major))
