"""Views: reshaping, permuting, squeezing and expanding a tensor, and its copies (slicing.py: slices and splits).

Where PyTorch returns a view, the kernel returns a numpy view of the same buffer, so an in-place
op applied to the result writes through to the base array, as in PyTorch. Sizes and dims must be
compile-time constants for the rules to know the result; a size list built from non-constant ints
keeps its length and gives `?` dims. Ops that split a tensor have a `Tensor[]` result.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.kernels.dims import infer_size, shape_str, wrap_dim
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import (
    D, ShapeError, dims, dims_not_0d, int_list, numel, same, same_dtype, wrap,
)



# -- reshaping -------------------------------------------------------------------------------------

def _resolve(sizes: list[int], total: int) -> tuple[int, ...]:
    """One -1 of a view size resolved from the element count."""
    known = [n for n in sizes if n != -1]
    if total != D and D not in known:
        product = math.prod(known)
        fits = product == total if -1 not in sizes else product and total % product == 0
        if sizes.count(-1) > 1 or not fits:
            raise ShapeError(f"shape {sizes} is invalid for input of size {total}")
    value = D if total == D or D in known else total // max(math.prod(known), 1)
    return tuple(value if n == -1 else n for n in sizes)


def _view_shape(x, size):
    return _resolve(int_list(size, "the view/reshape size"), numel(dims(x)))


def _view_samples():
    return [sample(s.f32(2, 6), [3, -1]), sample(np.array(s.f32(1)[0]), [1, 1]), sample(s.f32(0, 3), [3, 0, -1]),
            sample(s.i64(2, 3), [6]), sample(s.mask(4), [2, 2]), sample(s.f32(4), [3, -1]),
            sample(s.f32(4), [-1, -1]), sample(s.strided(3, 4), [12])]


@op("view", "(Tensor self, int[] size) -> Tensor", shape=_view_shape, dtype=same_dtype, lower="shape.lower_reshape",
    samples=_view_samples)
def view(a, size):
    shape = infer_size(size, a.size)
    try:
        return np.reshape(a, shape, copy=False)
    except ValueError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None


@op("reshape", "(Tensor self, int[] shape) -> Tensor", shape=_view_shape, dtype=same_dtype, lower="shape.lower_reshape",
    samples=_view_samples)
def reshape(a, shape):
    return np.reshape(a, infer_size(shape, a.size))


@op("reshape_as", "(Tensor self, Tensor other) -> Tensor", shape=lambda x, other: _view_shape(x, dims(other)),
    dtype=same_dtype, lower="shape.lower_reshape",
    samples=lambda: [sample(s.f32(2, 6), s.f32(3, 4)), sample(s.i64(6), s.f32(3, 2)), sample(s.f32(2, 3), s.f32(4)),
                     sample(s.strided(3, 4), s.f32(12)), sample(np.array(s.f32(1)[0]), s.f32(1, 1))], aten="reshape_as view_as")
def reshape_as(a, other):
    if a.size != other.size:
        raise RuntimeError(f"shape '{shape_str(other.shape)}' is invalid for input of size {a.size}")
    return a.reshape(other.shape)


def _flatten_shape(x, start, end):
    xs = dims(x)
    first, last = wrap(start, len(xs)), wrap(end, len(xs))
    if not xs:
        return (1,)
    if first > last:
        raise ShapeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return xs[:first] + (numel(xs[first:last + 1]),) + xs[last + 1:]


@op("flatten", "(Tensor self, int start_dim=0, int end_dim=-1) -> Tensor", shape=_flatten_shape, dtype=same_dtype,
    lower="shape.lower_reshape",
    samples=lambda: [sample(s.f32(2, 3, 4), 1, -1), sample(np.array(s.f32(1)[0]), 0, -1),
                     sample(s.f32(2, 3, 4), 0, 1), sample(s.strided(3, 4), 0, -1), sample(s.f32(2, 0, 3), 1, 2),
                     sample(s.i64(2, 3), 1, 0), sample(s.mask(2, 2), -2, -1)])
def flatten(a, start, end):
    start, end = wrap_dim(start, a.ndim), wrap_dim(end, a.ndim)
    if a.ndim == 0:
        return a.reshape(1)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return a.reshape(a.shape[:start] + (math.prod(a.shape[start:end + 1]),) + a.shape[end + 1:])


def _unflatten_shape(x, dim, sizes):
    xs = dims_not_0d(x, "unflatten")
    d = wrap(dim, len(xs))
    parts = int_list(sizes, "unflatten sizes")
    if not parts:
        raise ShapeError("unflatten: sizes must be non-empty")
    return xs[:d] + _resolve(parts, xs[d]) + xs[d + 1:]


@op("unflatten", "(Tensor self, int dim, int[] sizes) -> Tensor", shape=_unflatten_shape, dtype=same_dtype,
    lower="shape.lower_reshape",
    samples=lambda: [sample(s.f32(2, 6), 1, [3, -1]), sample(s.f32(2, 3, 4), -1, [2, 2]), sample(s.i64(6), 0, [2, 3]),
                     sample(s.f32(2, 6), 1, [4, -1]), sample(s.f32(0, 4), 0, [0, 5]), sample(s.f32(3, 2), 0, [])])
def unflatten(a, dim, sizes):
    if a.ndim == 0:
        raise IndexError("unflatten: Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, a.ndim)
    sizes = list(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) == 1:
        known = int(np.prod([n for n in sizes if n != -1]))
        sizes[sizes.index(-1)] = a.shape[d] // known if known else 0
    if int(np.prod(sizes)) != a.shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {shape_str(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({a.shape[d]}) in the input tensor")
    return a.reshape(a.shape[:d] + tuple(sizes) + a.shape[d + 1:])


# -- permuting -------------------------------------------------------------------------------------

def _permute_shape(x, order):
    xs = dims(x)
    perm = [wrap(d, len(xs)) for d in int_list(order, "permute dims")]
    if len(perm) != len(xs) or len(set(perm)) != len(perm):
        raise ShapeError(f"permute dims {perm} are not a permutation of the {len(xs)} dims")
    return tuple(xs[d] for d in perm)


@op("permute", "(Tensor self, int[] dims) -> Tensor", shape=_permute_shape, dtype=same_dtype, lower="shape.lower_permute",
    samples=lambda: [sample(s.f32(2, 3, 4), [2, 0, 1]), sample(s.f32(2, 3), [-1, 0]), sample(np.array(1.5), []),
                     sample(s.i64(2, 3), [0, 1]), sample(s.f32(2, 3), [0]), sample(s.f32(2, 3), [1, 1]),
                     sample(s.strided(3, 4), [1, 0])])
def permute(a, dims):
    if len(dims) != a.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {a.ndim} is not equal "
                           f"to len(dims) = {len(dims)}")
    wrapped = [wrap_dim(d, a.ndim) for d in dims]
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return np.transpose(a, wrapped)


def _transpose_shape(x, d0, d1):
    xs = list(dims(x))
    if xs:
        i, j = wrap(d0, len(xs)), wrap(d1, len(xs))
        xs[i], xs[j] = xs[j], xs[i]
    return tuple(xs)


@op("transpose", "(Tensor self, int dim0, int dim1) -> Tensor", shape=_transpose_shape, dtype=same_dtype,
    lower="shape.lower_transpose",
    samples=lambda: [sample(s.f32(2, 3, 4), -1, 0), sample(s.f32(2, 3), 1, 1), sample(np.array(1.5), 0, -1),
                     sample(s.mask(2, 3), 0, 1), sample(s.f32(2, 3), 0, 2), sample(s.f32(0, 3), 0, 1)], aten="transpose swapaxes swapdims")
def transpose(a, d0, d1):
    if a.ndim == 0:
        wrap_dim(d0, 0), wrap_dim(d1, 0)
        return a.view()
    return np.swapaxes(a, wrap_dim(d0, a.ndim), wrap_dim(d1, a.ndim))


def _t_shape(x):
    xs = dims(x)
    if len(xs) > 2:
        raise ShapeError(f"t() expects a tensor with <= 2 dimensions, but self is {len(xs)}D")
    return tuple(reversed(xs))


@op("t", "(Tensor self) -> Tensor", shape=_t_shape, dtype=same_dtype, verify=chk.rank_in(0, (0, 1, 2), "t() input"),
    lower="shape.lower_transpose",
    samples=lambda: [sample(s.f32(2, 3)), sample(s.f32(3)), sample(np.array(1.5)), sample(s.i64(2, 3)),
                     sample(s.f32(2, 3, 4)), sample(s.strided(3, 4))])
def t(a):
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    return a.T


def _movedim_order(rank, source, destination) -> list[int]:
    """The permutation movedim is: the moved dims at their destinations, the others in order."""
    src = [wrap(d, rank) for d in int_list(source, "movedim source")]
    dst = [wrap(d, rank) for d in int_list(destination, "movedim destination")]
    if len(src) != len(dst) or len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ShapeError("movedim: invalid source or destination dims")
    if not rank:
        return []
    order = [d for d in range(rank) if d not in src]
    for to, frm in sorted(zip(dst, src)):
        order.insert(to, frm)
    return order


def _movedim_shape(x, source, destination):
    xs = dims(x)
    return tuple(xs[d] for d in _movedim_order(len(xs), source, destination))


def _movedim(g, x, source, destination):
    try:
        order = _movedim_order(g.dim(x), g.value(source), g.value(destination))
    except ShapeError as e:
        raise reject(g, RuntimeError(str(e))) from None
    return g.permute(x, order)


@op("movedim", "(Tensor self, int[] source, int[] destination) -> Tensor", shape=_movedim_shape, dtype=same_dtype,
    decompose=_movedim,
    samples=lambda: [sample(s.f32(2, 3, 4), [0], [2]), sample(s.f32(2, 3, 4, 5), [0, -1], [-1, 1]),
                     sample(s.i64(2, 3), [], []), sample(s.f32(2, 3), [0, 1], [1]),
                     sample(s.f32(2, 3), [0, 0], [0, 1]), sample(np.array(1.5), [0], [-1]),
                     sample(s.strided(3, 4), [-1], [0]), sample(s.mask(2, 3, 4), [2, 0], [0, 1])],
    api="torch Tensor", aten="movedim moveaxis")
def movedim(a, source, destination):
    source, destination = list(source), list(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({source} dims) should contain "
                           f"the same number of dims as destination ({destination} dims)")
    for name, ds in (("source", source), ("destination", destination)):
        if len({wrap_dim(d, a.ndim) for d in ds}) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({ds})")
    if a.ndim == 0:
        return a.view()
    return np.moveaxis(a, [wrap_dim(d, a.ndim) for d in source], [wrap_dim(d, a.ndim) for d in destination])


# -- squeezing and expanding -----------------------------------------------------------------------

def _squeeze_shape(x, dim):
    xs = dims(x)
    if dim is None:
        if D in xs:
            raise ShapeError("squeeze() of a tensor with unknown dims has an unknown rank")
        return tuple(n for n in xs if n != 1)
    if not xs:
        return xs
    d = wrap(dim, len(xs))
    if xs[d] == D:
        raise ShapeError("squeeze(dim) of an unknown dim has an unknown rank")
    return xs[:d] + xs[d + 1:] if xs[d] == 1 else xs


_NO_DIM = {"torch": False, "note": "torch.ops.aten.squeeze has no overload taking dim=None (aten::squeeze(self))"}


@op("squeeze", "(Tensor self, int? dim=None) -> Tensor", shape=_squeeze_shape, dtype=same_dtype,
    lower="shape.lower_reshape",
    samples=lambda: [sample(s.f32(2, 1, 3), 1), sample(s.f32(2, 1, 3, 1), None, **_NO_DIM), sample(s.f32(2, 1, 3), 0),
                     sample(s.f32(2, 1, 3), -2), sample(np.array(1.5), 0), sample(np.array(1.5), None, **_NO_DIM),
                     sample(s.f32(1, 0), None, **_NO_DIM), sample(s.i64(1, 3), 3)])
def squeeze(a, dim=None):
    if dim is None:
        return np.squeeze(a)
    dim = wrap_dim(dim, a.ndim)
    return np.squeeze(a, dim) if a.ndim and a.shape[dim] == 1 else a.view()


def _unsqueeze_shape(x, dim):
    xs = dims(x)
    d = wrap(dim, len(xs) + 1)
    return xs[:d] + (1,) + xs[d:]


@op("unsqueeze", "(Tensor self, int dim) -> Tensor", shape=_unsqueeze_shape, dtype=same_dtype, lower="shape.lower_reshape",
    samples=lambda: [sample(s.f32(2, 3), -1), sample(s.f32(2, 3), 0), sample(np.array(1.5), 0),
                     sample(s.i64(3), 1), sample(s.f32(2, 3), 3), sample(s.f32(0), -2)])
def unsqueeze(a, dim):
    return np.expand_dims(a, wrap_dim(dim, a.ndim + 1))


def _expand_shape(x, size, implicit=False):
    xs, sizes = dims(x), int_list(size, "the expand size")
    lead = len(sizes) - len(xs)
    if lead < 0 or any(n < 0 and n != D for n in sizes[:lead]):
        raise ShapeError(f"expand: sizes {sizes} for a tensor of rank {len(xs)}")
    out = tuple(sizes[:lead]) + tuple(have if n == -1 else n for have, n in zip(xs, sizes[lead:]))
    if any(have not in (1, n, D) and n != D for have, n in zip(xs, out[lead:])):
        raise ShapeError(f"cannot expand {list(xs)} to {list(out)}")
    return out


@op("expand", "(Tensor self, int[] size, *, bool implicit=False) -> Tensor", shape=_expand_shape, dtype=same_dtype,
    lower="shape.lower_expand",
    samples=lambda: [sample(s.f32(3, 1), [2, -1, 4], False), sample(s.f32(3, 1), [-1, 5], False),
                     sample(np.array(1.5), [2, 3], False), sample(s.i64(3), [0, 3], False),
                     sample(s.f32(3, 1), [4, 5], False), sample(s.f32(3, 1), [1], False),
                     sample(s.f32(3), [-1, 3], False), sample(s.mask(2, 1), [2, 2], True)])
def expand(a, size, implicit=False):
    size = list(size)
    if len(size) < a.ndim:
        raise RuntimeError(f"expand({shape_str(a.shape)}, size={len(size)}): the number of sizes provided "
                           f"({len(size)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({a.ndim})")
    lead = len(size) - a.ndim
    target = []
    for i, n in enumerate(size):
        if i < lead:
            if n < 0:
                raise RuntimeError(f"The expanded size of the tensor ({n}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            target.append(n)
            continue
        have = a.shape[i - lead]
        if n == -1:
            n = have
        if have != n and have != 1:
            raise RuntimeError(f"The expanded size of the tensor ({n}) must match the existing size ({have}) at "
                               f"non-singleton dimension {i}.  Target sizes: {shape_str(size)}.  "
                               f"Tensor sizes: {shape_str(a.shape)}")
        target.append(n)
    return np.broadcast_to(a, tuple(target))


defop("expand_as", "(Tensor self, Tensor other) -> Tensor", lambda a, other: expand(a, other.shape),
      shape=lambda x, other: dims(other) if x.sizes is None else _expand_shape(x, dims(other)), dtype=same_dtype,
      lower="shape.lower_expand",
      samples=lambda: [sample(s.f32(3, 1), s.f32(3, 5)), sample(np.array(1.5), s.i64(2, 3)),
                       sample(s.i64(3), s.f32(2, 3)), sample(s.f32(3, 2), s.f32(3, 5))])


# -- copies ----------------------------------------------------------------------------------------

def _copy_samples():
    return [sample(s.f32(2, 3)), sample(s.strided(3, 4)), sample(np.array(1.5)), sample(s.f32(0, 3)),
            sample(s.special()), sample(s.i64(2, 3)), sample(s.mask(4)), sample(s.f64(3))]


def contiguous(a):
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


_IDENTITY = "elementwise.lower_identity"
defop("contiguous", "(Tensor self) -> Tensor", contiguous, shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
      lower=_IDENTITY, samples=_copy_samples)
defop("clone", "(Tensor self) -> Tensor", lambda a: a.copy(order="K"), shape=same, dtype=same_dtype,
      verify=chk.SAME_SHAPE, lower=_IDENTITY, samples=_copy_samples, aten="clone lift_fresh_copy")
defop("detach", "(Tensor self) -> Tensor", lambda a: a.view(), shape=same, dtype=same_dtype, verify=chk.SAME_SHAPE,
      lower=_IDENTITY, samples=_copy_samples)
