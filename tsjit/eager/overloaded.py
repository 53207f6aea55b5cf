"""Eager functions and Tensor methods that pick one of two ops by their arguments, as PyTorch's
overloads do: quantile / nanquantile of a number q (ts.quantile) or of a tensor q
(ts.quantile_tensor); scatter with or without a reduce (ts.scatter_with_reduce / ts.scatter), and
the in-place scatter_ and put_, which write the op's result into the tensor. Each calls the generated
binding of the op it picks (tsjit/eager/generated.py). unique_consecutive returns the results asked for
(ts.unique_consecutive gives all three), as torch.unique_consecutive does.
"""
from __future__ import annotations

from tsjit.eager.core import Methods, TensorCore, _write
from tsjit.eager.generated import binding
from tsjit.ops import REGISTRY

method = Methods()


def _quantile(name: str):
    by_number, by_tensor = binding(REGISTRY[name], "torch"), binding(REGISTRY[f"{name}_tensor"], "torch")

    def function(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002 - torch's names
        pick = by_tensor if isinstance(q, TensorCore) else by_number
        return pick(input, q, dim, keepdim, interpolation=interpolation)

    def tensor_method(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return function(self, q, dim, keepdim, interpolation=interpolation)

    function.__name__ = tensor_method.__name__ = name
    method(tensor_method)
    return function


quantile = _quantile("quantile")
nanquantile = _quantile("nanquantile")

_unique_consecutive = binding(REGISTRY["unique_consecutive"], "torch")


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002 - torch's names
    output, inverse, counts = _unique_consecutive(input, return_inverse, return_counts, dim)
    chosen = (output,) + (inverse,) * bool(return_inverse) + (counts,) * bool(return_counts)
    return chosen[0] if len(chosen) == 1 else chosen


def _unique_consecutive_method(self, return_inverse=False, return_counts=False, dim=None):
    return unique_consecutive(self, return_inverse, return_counts, dim)


_unique_consecutive_method.__name__ = "unique_consecutive"
method(_unique_consecutive_method)

_scatter = binding(REGISTRY["scatter"], "torch")
_scatter_with_reduce = binding(REGISTRY["scatter_with_reduce"], "torch")
_put = binding(REGISTRY["put"], "torch")


def scatter(input, dim, index, src=None, *, value=None, reduce=None):  # noqa: A002 - torch's names
    """scatter(input, dim, index, src | value, *, reduce=None): reduce is 'add' or 'multiply'."""
    if (src is None) == (value is None):
        raise TypeError("scatter() expects exactly one of src (a tensor) or value (a number)")
    src = value if src is None else src
    if reduce is None:
        return _scatter(input, dim, index, src)
    return _scatter_with_reduce(input, dim, index, src, reduce=reduce)


@method
def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    return _write(self, scatter(self, dim, index, src, value=value, reduce=reduce)._data)


@method
def put_(self, index, source, accumulate=False):
    return _write(self, _put(self, index, source, accumulate)._data)


def _scatter_method(self, dim, index, src=None, *, value=None, reduce=None):
    return scatter(self, dim, index, src, value=value, reduce=reduce)


_scatter_method.__name__ = "scatter"
method(_scatter_method)
TensorOverloaded = method.mixin("TensorOverloaded", "Tensor methods of two ops chosen by argument type "
                                "(tsjit/eager/overloaded.py).")
