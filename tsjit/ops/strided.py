"""Strided views and rearrangements: broadcast_to, as_strided, numpy_T / mT / mH, Tensor.unfold, rot90,
fliplr/flipud, hstack/vstack/dstack/column_stack, atleast_Nd.

Views (broadcast_to, the transposes, unfold, atleast_Nd) return numpy views of their input, as
PyTorch does; the others copy. Those made of public ops are decompositions; unfold and the flips
read each element at an affine function of its index, one linalg.generic each
(tsjit/lowering/strided.py).
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.kernels.dims import wrap_dim
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable
from tsjit.ops.registry import REGISTRY, defop, op, sample
from tsjit.ops.rules import D, ShapeError, dims, same_dtype, tensors, wrap


# -- views -----------------------------------------------------------------------------------------

defop("broadcast_to", "(Tensor self, int[] size) -> Tensor",
      decompose=lambda g, x, size: g.expand(x, size, False),
      shape=lambda x, size: REGISTRY["expand"].shape(x, size), dtype=same_dtype, api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 1), [2, 3, 4]), sample(s.f32(3, 1), [-1, 5]), sample(np.array(1.5), [2, 3]),
                       sample(s.i64(3), [0, 3]), sample(s.f32(3, 1), [4, 5]), sample(s.f32(3, 1), [1]),
                       sample(s.mask(2, 1), [2, 2]), sample(s.f32(3), [-1, 3])])


def _reversed_dims(g, x):
    return g.permute(x, list(range(g.dim(x) - 1, -1, -1)))


def _numpy_t_shape(x):
    return tuple(reversed(dims(x)))


def _transpose_samples():
    return [sample(s.f32(2, 3)), sample(s.f32(2, 3, 4)), sample(s.f32(3)), sample(np.array(1.5)),
            sample(s.i64(0, 2)), sample(s.mask(2, 1, 3))]


defop("numpy_T", "(Tensor self) -> Tensor", decompose=_reversed_dims, shape=_numpy_t_shape, dtype=same_dtype,
      samples=_transpose_samples)


def _matrix_t(what: str):
    def decompose(g, x):
        if g.dim(x) == 0:
            return x  # as aten::mT does
        if g.dim(x) < 2:
            raise RuntimeError(f"tensor.{what} is only supported on matrices or batches of matrices. Got "
                               f"{g.dim(x)}-D tensor.")
        t = g.transpose(x, -2, -1)
        return g.conj(t) if what == "mH" and g.dtype(x).kind == "c" else t
    return decompose


def _matrix_t_shape(x):
    xs = dims(x)
    if len(xs) == 1:
        raise ShapeError("mT/mH need a matrix or a batch of matrices")
    if not xs:
        return xs
    return xs[:-2] + (xs[-1], xs[-2])


defop("mT", "(Tensor self) -> Tensor", decompose=_matrix_t("mT"), shape=_matrix_t_shape, dtype=same_dtype,
      samples=_transpose_samples)
defop("mH", "(Tensor self) -> Tensor", decompose=_matrix_t("mH"), shape=_matrix_t_shape, dtype=same_dtype,
      aten="mH adjoint matrix_H", samples=_transpose_samples)


def _unfold_shape(x, dimension, size, step):
    xs = dims(x)
    if not xs:
        return (size,)
    d = wrap(dimension, len(xs))
    if step <= 0 or size < 0 or D != xs[d] < size:
        raise ShapeError("unfold: invalid size or step")
    n = xs[d] if xs[d] == D else (xs[d] - size) // step + 1
    return xs[:d] + (n,) + xs[d + 1:] + (size,)


@op("unfold", "(Tensor self, int dimension, int size, int step) -> Tensor", shape=_unfold_shape, dtype=same_dtype,
    lower="strided.lower_unfold", api="Tensor",
    samples=lambda: [sample(s.f32(2, 7), 1, 3, 2), sample(s.f32(5, 3), 0, 2, 1), sample(s.f32(4, 3), -2, 4, 3),
                     sample(np.array(1.5, np.float32), 0, 1, 1), sample(s.i64(6), 0, 0, 2), sample(s.f32(3, 4), 1, 5, 1),
                     sample(s.f32(3, 4), 1, 2, 0), sample(s.strided(3, 4), 0, 2, 1), sample(s.f32(0, 4), 1, 2, 2)])
def unfold(a, dimension, size, step):
    """Windows of `size` every `step` along `dimension`, as a new last dim (a view)."""
    d = wrap_dim(dimension, a.ndim)
    length = a.shape[d] if a.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if a.ndim == 0:
        return a.reshape(1)
    n = (length - size) // step + 1
    strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
    return np.lib.stride_tricks.as_strided(a, a.shape[:d] + (n,) + a.shape[d + 1:] + (size,), strides,
                                           writeable=a.flags.writeable)


def _as_strided_check(numel, size, stride, offset, itemsize=4):
    size, stride = list(size), list(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    for n in size:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {size}")
    if any(st < 0 for st in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {stride}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * st for n, st in zip(size, stride))
    if need > numel:
        raise RuntimeError(f"setStorage: sizes {size}, strides {stride}, storage offset {offset}, and itemsize "
                           f"{itemsize} requiring a storage size of {need * itemsize} are out of bounds for storage "
                           f"of size {numel * itemsize}")


def _as_strided_shape(x, size, stride, storage_offset=None):
    try:
        _as_strided_check(math.prod(dims(x)), size, stride, storage_offset or 0)
    except RuntimeError as e:
        raise ShapeError(str(e)) from None
    return tuple(size)


@op("as_strided", "(Tensor self, int[] size, int[] stride, int? storage_offset=None) -> Tensor",
    shape=_as_strided_shape, dtype=same_dtype, lower="strided.lower_as_strided", api="torch Tensor",
    samples=lambda: [sample(s.f32(4, 5), [3, 3], [1, 2], None), sample(s.f32(4, 5), [2, 2], [1, 2], 1),
                     sample(s.f32(6), [2, 3], [3, 1], 0), sample(s.i64(3, 4), [3, 4], [1, 3], None),
                     sample(s.f32(4), [4, 4], [0, 1], None), sample(s.f32(2, 3), [0, 2], [1, 1], None),
                     sample(np.array(1.5, np.float32), [], [], None), sample(s.f32(4, 5), [3, 3], [5, 8], None),
                     sample(s.f32(4, 5), [3], [1, 2], None), sample(s.f32(4, 5), [2], [-1], None)])
def as_strided(a, size, stride, storage_offset=None):
    """A view of the input's elements, in row-major order, at storage_offset + sum(i_k * stride_k) (a copy
    here: tsjit's inputs are treated as contiguous storage, as a freshly made tensor is in PyTorch)."""
    offset = storage_offset or 0
    _as_strided_check(a.size, size, stride, offset, a.dtype.itemsize)
    flat = np.ascontiguousarray(a).reshape(-1)
    index = np.full(tuple(size), offset, np.int64)
    for k, (n, st) in enumerate(zip(size, stride)):
        index = index + (np.arange(n, dtype=np.int64) * st).reshape((n,) + (1,) * (len(size) - k - 1))
    return flat[index] if index.size else np.empty(tuple(size), a.dtype)


# -- flips and rotations ----------------------------------------------------------------------------

def _flip_samples(least: int):
    return lambda: [sample(s.f32(3, 4)), sample(s.f32(2, 3, 4)), sample(s.i64(4, 2)), sample(s.mask(2, 2)),
                    sample(s.f32(0, 3)), sample(s.strided(3, 4)), sample(s.f32(3) if least == 2 else np.array(1.5)),
                    sample(s.f64(3) if least == 1 else np.array(1.5))]


def _flip_kernel(name: str, axis: int, least: int):
    def kernel(a):
        if a.ndim < least:
            raise RuntimeError(f"Input must be >= {least}-d.")
        return np.flip(a, axis).copy()
    kernel.__name__ = name
    return kernel


def _at_least(least: int):
    def rule(x):
        if len(dims(x)) < least:
            raise ShapeError(f"input must be >= {least}-d")
        return dims(x)
    return rule


defop("fliplr", "(Tensor self) -> Tensor", _flip_kernel("fliplr", 1, 2), shape=_at_least(2), dtype=same_dtype,
      verify=chk.SAME_SHAPE, lower="strided.lower_fliplr", api="torch Tensor", samples=_flip_samples(2))
defop("flipud", "(Tensor self) -> Tensor", _flip_kernel("flipud", 0, 1), shape=_at_least(1), dtype=same_dtype,
      verify=chk.SAME_SHAPE, lower="strided.lower_flipud", api="torch Tensor", samples=_flip_samples(1))


def _rot90_dims(ndim, k, rot):
    rot = list(rot)
    if len(rot) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(rot)}")
    if ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {ndim}")
    if rot[0] == rot[1] or abs(rot[0] - rot[1]) == ndim:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {rot[0]} and dim1 = {rot[1]}")
    for i, d in enumerate(rot):
        if not -ndim <= d < ndim:
            raise RuntimeError(f"Rotation dim{i} out of range, dim{i} = {d}")
    return [d % ndim for d in rot]


def _rot90_shape(x, k, rot):
    xs = list(dims(x))
    try:
        d0, d1 = _rot90_dims(len(xs), k, rot)
    except RuntimeError as e:
        raise ShapeError(str(e)) from None
    if k % 2:
        xs[d0], xs[d1] = xs[d1], xs[d0]
    return tuple(xs)


@op("rot90", "(Tensor self, int k=1, int[] dims=[0, 1]) -> Tensor", shape=_rot90_shape, dtype=same_dtype,
    lower="strided.lower_rot90", api="torch Tensor",
    samples=lambda: [sample(s.f32(3, 4), 1, [0, 1]), sample(s.f32(2, 3, 4), 2, [2, 0]), sample(s.f32(2, 3, 4), -1, [1, 2]),
                     sample(s.i64(3, 2), 4, [0, 1]), sample(s.f32(2, 3, 4), 7, [-1, 0]), sample(s.mask(0, 2), 1, [1, 0]),
                     sample(s.f32(3), 1, [0, 1]), sample(s.f32(3, 4), 1, [0, 0]), sample(s.f32(3, 4), 1, [0, 2]),
                     sample(s.f32(3, 4), 1, [0]), sample(s.strided(3, 4), 3, [0, 1])])
def rot90(a, k=1, dims=(0, 1)):
    d0, d1 = _rot90_dims(a.ndim, k, dims)
    return np.rot90(a, k % 4, (d0, d1)).copy()


# -- joining ---------------------------------------------------------------------------------------

def _items(g, items):
    """The tensors of a Tensor[] operand: a Python list eagerly, the operands of its list.construct in IR."""
    if isinstance(items, list | tuple):
        return list(items)
    owner = getattr(items, "owner", None)
    if getattr(owner, "name", None) != "ts.list.construct":
        raise NotDecomposable("the tensor list is not a list construct")
    return list(owner.operands)


def _atleast(n: int):
    """atleast_{n}d: 0-d -> [1]*n; atleast_2d of [k] is [1, k]; atleast_3d of [k] is [1, k, 1] and of
    [m, k] [m, k, 1]; higher ranks are returned as they are."""
    def shape_of(xs):
        xs = tuple(xs)
        if len(xs) >= n:
            return xs
        if not xs:
            return (1,) * n
        if n == 2:
            return (1,) + xs
        return (1,) + xs + (1,) if len(xs) == 1 else xs + (1,)

    def decompose(g, x):
        shape = g.shape(x)
        return x if len(shape) >= n else g.reshape(x, list(shape_of(shape)))
    return decompose, lambda x: shape_of(dims(x)), shape_of


_ATLEAST = {n: _atleast(n) for n in (1, 2, 3)}
for _n, (_decompose, _shape, _) in _ATLEAST.items():
    defop(f"atleast_{_n}d", "(Tensor self) -> Tensor", decompose=_decompose, shape=_shape, dtype=same_dtype,
          api="torch",
          samples=lambda: [sample(s.f32(3)), sample(np.array(1.5, np.float32)), sample(s.f32(2, 3)),
                           sample(s.i64(2, 3, 4)), sample(s.mask(0)), sample(s.f64(1, 2, 3, 4))])


def _stack_like(name: str, rank: int | None, dim: int):
    """hstack / vstack / dstack: atleast_{rank}d of each tensor, joined along dim (hstack: dim 0 for
    1-d tensors, else 1)."""
    def decompose(g, items):
        ts = _items(g, items)
        if not ts:
            raise RuntimeError(f"{name} expects a non-empty TensorList")
        if rank is not None:
            ts = [g.__getattr__(f"atleast_{rank}d")(t) for t in ts]
        if name == "hstack":
            ts = [g.atleast_1d(t) for t in ts]
            return g.cat(ts, 0 if g.dim(ts[0]) == 1 else 1)
        if name == "column_stack":
            ts = [g.reshape(t, [int(np.prod(g.shape(t))), 1]) if g.dim(t) <= 1 else t for t in ts]
        return g.cat(ts, dim)
    return decompose


def _joined_shape(name: str, rank: int | None, dim: int):
    def rule(items):
        ts = tensors(items, name)
        if not ts:
            raise ShapeError(f"{name} expects a non-empty TensorList")
        shapes = [dims(t) for t in ts]
        if rank is not None:
            shapes = [_ATLEAST[rank][2](xs) for xs in shapes]
        d = dim
        if name == "hstack":
            shapes = [_ATLEAST[1][2](xs) for xs in shapes]
            d = 0 if len(shapes[0]) == 1 else 1
        if name == "column_stack":
            shapes = [(xs[0] if xs else 1, 1) if len(xs) <= 1 else xs for xs in shapes]
        from tsjit.ops.rules import T
        return REGISTRY["cat"].shape([T(xs, t.dtype) for xs, t in zip(shapes, ts)], d)
    return rule


for _name, _rank, _dim in (("hstack", None, 1), ("vstack", 2, 0), ("dstack", 3, 2), ("column_stack", None, 1)):
    defop(_name, "(Tensor[] tensors) -> Tensor", decompose=_stack_like(_name, _rank, _dim),
          shape=_joined_shape(_name, _rank, _dim), dtype=lambda items: REGISTRY["cat"].dtype(items, 0), api="torch",
          samples=lambda: [sample([s.f32(2, 3), s.f32(2, 3)]), sample([s.f32(3), s.f32(2)]),
                           sample([s.f32(2), s.f32(2)]), sample([np.array(1.5, np.float32), s.f32(1)]),
                           sample([s.f32(2, 3, 2), s.i64(2, 3, 2)]), sample([s.f32(3), s.f32(3, 1)]),
                           sample([s.f64(2, 1), s.f32(2)]), sample([s.mask(2, 2)]), sample([s.f32(2, 3), s.f32(4, 5)])])
