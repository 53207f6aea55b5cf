"""Copying gathers and joins: cat, stack, index, index_select, gather, pad, embedding."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import shape_str, wrap_dim
from tsjit.kernels.promotion import BOOL, cast, result_dtype, torch_name


def _joined(tensors, name):
    if not tensors:
        raise ValueError(f"{name}(): expected a non-empty list of Tensors")
    dtype = result_dtype(*tensors) if len(tensors) > 1 else tensors[0].dtype
    return [cast(t, dtype) for t in tensors]


def cat(tensors, dim):
    tensors = _joined(tensors, "torch.cat")
    kept = [(i, t) for i, t in enumerate(tensors) if t.shape != (0,)] or [(0, tensors[0])]
    ref = kept[0][1]  # legacy: 1-D empty tensors are skipped
    for i, t in kept:
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    dim = wrap_dim(dim, ref.ndim)
    for i, t in kept[1:]:
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for d in range(ref.ndim):
            if d != dim and t.shape[d] != ref.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                                   f"{ref.shape[d]} but got size {t.shape[d]} for tensor number {i} in the list.")
    return np.concatenate([t for _, t in kept], axis=dim)


def stack(tensors, dim):
    tensors = _joined(tensors, "stack")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {shape_str(tensors[0].shape)} "
                               f"at entry 0 and {shape_str(t.shape)} at entry {i}")
    return np.stack(tensors, axis=wrap_dim(dim, tensors[0].ndim + 1))


def _check_index_dtype(index: np.ndarray, name: str) -> None:
    if index.dtype.kind not in "iu":
        raise IndexError(f"{name}(): Expected dtype int32/int64 for index but got: {torch_name(index.dtype)}")


def _numpy_index_error(err: IndexError) -> IndexError:
    return IndexError(str(err).replace("axis", "dimension"))


def index(a, indices):
    key = []
    for i in indices:
        if i is None:
            key.append(slice(None))
        elif i.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        else:
            key.append(i.astype(BOOL) if i.dtype == np.uint8 else i)
    if len(key) > a.ndim and not any(isinstance(k, np.ndarray) and k.dtype == BOOL for k in key):
        raise IndexError(f"too many indices for tensor of dimension {a.ndim} (got {len(key)})")
    try:
        return np.asarray(a[tuple(key)])
    except IndexError as err:
        raise _numpy_index_error(err) from None


def index_select(a, dim, idx):
    _check_index_dtype(idx, "index_select")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    dim = wrap_dim(dim, a.ndim)
    size = a.shape[dim] if a.ndim else 1
    if idx.size and (idx.min() < -size or idx.max() >= size):
        bad = idx[(idx < -size) | (idx >= size)].flat[0]
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
    if a.ndim == 0:
        return a.reshape(()).copy() if idx.ndim == 0 else np.repeat(a.reshape(1), idx.size)
    return np.take(a, idx.reshape(-1), axis=dim)


def gather(a, dim, idx):
    if idx.dtype != np.int64:
        raise RuntimeError("gather(): Expected dtype int64 for index")
    if idx.ndim != a.ndim and not (idx.ndim <= 1 and a.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    dim = wrap_dim(dim, a.ndim)
    for d in range(idx.ndim):
        if d != dim and idx.shape[d] > a.shape[d]:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {shape_str(idx.shape)} to be "
                               f"no larger than self {shape_str(a.shape)} apart from dimension {dim}")
    size = a.shape[dim] if a.ndim else 1
    if idx.size and (idx.min() < -size or idx.max() >= size):
        bad = idx[(idx < -size) | (idx >= size)].flat[0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
    if a.ndim == 0:
        return a.reshape(idx.shape).copy()
    grids = list(np.ogrid[tuple(slice(0, s) for s in idx.shape)])
    grids[dim] = idx
    return a[tuple(grids)]


_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(a, pads, mode="constant", value=None):
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) // 2 > a.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pads)} and input of dimension {a.ndim}")
    width = [(0, 0)] * a.ndim
    for i in range(len(pads) // 2):
        width[a.ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
    if mode == "constant":
        crop = tuple(slice(max(-lo, 0), a.shape[d] - max(-hi, 0)) for d, (lo, hi) in enumerate(width))
        out = a[crop]
        fill = cast(0 if value is None else value, a.dtype)
        return np.pad(out, [(max(lo, 0), max(hi, 0)) for lo, hi in width], constant_values=fill)
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value not in (None, 0, 0.0):
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    if mode == "reflect":
        for d, (lo, hi) in enumerate(width):
            if lo >= a.shape[d] or hi >= a.shape[d]:
                raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                                   f"{shape_str(a.shape)}")
    return np.pad(a, width, mode=_PAD_MODES[mode])


def embedding(weight, indices, padding_idx=-1):
    if indices.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got torch.{torch_name(indices.dtype)}Tensor instead (while "
                           f"checking arguments for embedding)")
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return weight[indices]


KERNELS: dict[str, Callable] = {
    "cat": cat, "stack": stack, "index": index, "index_select": index_select, "gather": gather,
    "pad": pad, "embedding": embedding,
}
