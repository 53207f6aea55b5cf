"""Tensor's shape and layout methods: views, splits, gathers and the new_* factories.

Like PyTorch, view/reshape/permute/expand/repeat/flip take their sizes either as varargs or as
one sequence (`x.view(2, 3)` == `x.view((2, 3))`). Results are views exactly where the kernels
(and PyTorch) give views.
"""
from __future__ import annotations

from operator import index

import numpy as np

from tsjit import dtypes
from tsjit.ops import EAGER as K
from tsjit.eager.core import (
    _NOT_AN_OPERAND, Methods, TensorCore, _arg, _array, _check_device, _operand, _wrap, _wrap_all,
)

method = Methods()


def _int_list(args: tuple) -> list[int]:
    """Varargs sizes or one sequence of sizes as a list of ints."""
    if len(args) == 1 and not isinstance(args[0], (int, TensorCore)):
        args = args[0]
    return [d if isinstance(d, int) else index(d) for d in args]  # int subclasses: traced sizes


@method
def view(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        raise RuntimeError("tsjit does not support view(dtype) (reinterpreting memory)")
    return _wrap(K["view"](self._data, _int_list(shape)))


@method
def reshape(self, *shape):
    return _wrap(K["reshape"](self._data, _int_list(shape)))


@method
def view_as(self, other):
    return self.view(_array(other, "other").shape)


@method
def reshape_as(self, other):
    return self.reshape(_array(other, "other").shape)


@method
def permute(self, *dims):
    return _wrap(K["permute"](self._data, _int_list(dims)))


@method
def transpose(self, dim0, dim1):
    return _wrap(K["transpose"](self._data, dim0, dim1))


method.alias("swapaxes", "transpose")
method.alias("swapdims", "transpose")


@method
def t(self):
    return _wrap(K["t"](self._data))


@method
def squeeze(self, dim=None):
    """squeeze(), squeeze(dim) or squeeze((d0, d1)): a tuple squeezes each size-1 dim it names."""
    if isinstance(dim, (tuple, list)):
        ndim = self._data.ndim
        a = self._data
        for d in sorted({d % max(ndim, 1) for d in dim}, reverse=True):
            a = K["squeeze"](a, d)
        return _wrap(a)
    return _wrap(K["squeeze"](self._data, dim))


@method
def unsqueeze(self, dim):
    return _wrap(K["unsqueeze"](self._data, dim))


@method
def flatten(self, start_dim=0, end_dim=-1):
    return _wrap(K["flatten"](self._data, start_dim, end_dim))


@method
def unflatten(self, dim, sizes):
    shape = list(self._data.shape)
    d = dim % len(shape)
    return self.view(shape[:d] + _int_list((sizes,)) + shape[d + 1:])


@method
def expand(self, *sizes):
    return _wrap(K["expand"](self._data, _int_list(sizes), False))


@method
def expand_as(self, other):
    return _wrap(K["expand_as"](self._data, _array(other, "other")))


@method
def repeat(self, *repeats):
    return _wrap(K["repeat"](self._data, _int_list(repeats)))


@method
def flip(self, *dims):
    return _wrap(K["flip"](self._data, _int_list(dims)))


@method
def contiguous(self):
    r = K["contiguous"](self._data)
    return self if r is self._data else _wrap(r)


@method
def resize_(self, *sizes):
    """Give the tensor a new shape in place, keeping its elements in order (new ones are zeros:
    PyTorch leaves them uninitialised). Views of the old data no longer see this tensor."""
    shape = _int_list(sizes)
    n = int(np.prod(shape))
    flat = self._data.reshape(-1)
    if n == flat.size:
        self._data = flat.reshape(shape) if self._data.flags.c_contiguous else flat.copy().reshape(shape)
    else:
        data = np.zeros(n, dtype=self._data.dtype)
        data[:min(n, flat.size)] = flat[:n]
        self._data = data.reshape(shape)
    return self


@method
def clone(self):
    return _wrap(K["clone"](self._data))


@method
def detach(self):
    return _wrap(K["detach"](self._data))


@method
def detach_(self):
    self.requires_grad = False
    return self


@method
def chunk(self, chunks, dim=0):
    return _wrap_all(K["chunk"](self._data, chunks, dim))


@method
def split(self, split_size, dim=0):
    """Pieces of `split_size` along dim (the last may be smaller), or pieces of the listed sizes."""
    if isinstance(split_size, int):
        return _wrap_all(K["split"](self._data, split_size, dim))
    sizes = _int_list((split_size,))
    total = self._data.shape[dim]
    if sum(sizes) != total:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {total} (input tensor's "
                           f"size at dimension {dim}), but got split_sizes={sizes}")
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return tuple(_wrap(K["narrow"](self._data, dim, s, n)) for s, n in zip(starts, sizes))


@method
def unbind(self, dim=0):
    return _wrap_all(K["unbind"](self._data, dim))


@method
def narrow(self, dim, start, length):
    return _wrap(K["narrow"](self._data, dim, index(start), length))


@method
def select(self, dim, index):  # noqa: A002 - torch's parameter name shadows operator.index here
    return _wrap(K["select"](self._data, dim, int(index)))


@method
def index_select(self, dim, index):
    return _wrap(K["index_select"](self._data, dim, _array(index, "index")))


@method
def gather(self, dim, index):
    return _wrap(K["gather"](self._data, dim, _array(index, "index")))


# ---- indexing: PyTorch follows numpy's basic and advanced indexing ----
@method
def __getitem__(self, key) -> "Tensor":
    a = self._data
    if type(key) is not tuple:
        key = (key,)
    key = _index_key(key)
    r = a[key]
    if type(r) is not np.ndarray:  # all-int index: a 0-d view, not a numpy scalar copy
        r = a[key + (Ellipsis,)]
    return _wrap(r)


@method
def __setitem__(self, key, value) -> None:
    if type(key) is not tuple:
        key = (key,)
    o = _operand(value)
    self._data[_index_key(key)] = value if o is _NOT_AN_OPERAND else o


def _index_item(k):
    if isinstance(k, TensorCore):
        a = k._data
        return int(a) if a.ndim == 0 and a.dtype.kind in "iu" else a  # a 0-d int tensor selects, like an int
    if isinstance(k, list) and any(isinstance(x, TensorCore) for x in k):
        return np.array([x._data if isinstance(x, TensorCore) else x for x in k])
    return k


def _index_key(key: tuple) -> tuple:
    """A PyTorch index as a numpy index (PyTorch follows numpy's basic and advanced indexing)."""
    plain = True
    for k in key:
        if type(k) is slice:
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
        elif type(k) is not int:
            plain = False
    return key if plain else tuple(_index_item(k) for k in key)


# ---- new tensors with this tensor's dtype ----
def _new_dtype(self, dtype):
    return (self.dtype if dtype is None else dtype).code


def _finish(t: TensorCore, device, requires_grad) -> TensorCore:
    _check_device(device)
    t.requires_grad = requires_grad
    return t


@method
def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    return _finish(_wrap(K["zeros"](_int_list(size), _new_dtype(self, dtype))), device, requires_grad)


@method
def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    return _finish(_wrap(K["ones"](_int_list(size), _new_dtype(self, dtype))), device, requires_grad)


@method
def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    return _finish(_wrap(K["empty"](_int_list(size), _new_dtype(self, dtype))), device, requires_grad)


@method
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    data = K["full"](_int_list((size,)), _arg(fill_value, "fill_value"), _new_dtype(self, dtype))
    return _finish(_wrap(data), device, requires_grad)


@method
def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    from tsjit.eager.factories import tensor
    return tensor(data, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)


TensorShape = method.mixin("TensorShape", "Tensor's shape and layout methods: views, splits, gathers, new_*.")
