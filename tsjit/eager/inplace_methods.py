"""Tensor's in-place methods (add_, mul_, clamp_, fill_, copy_, index_put_, ...).

They mutate the tensor's array, so every view of it sees the change, and return the tensor
itself. Ops with an in-place kernel use it; the rest compute out of place and write the result
back, rejecting results the tensor's dtype can't hold, as PyTorch does ("result type Float
can't be cast to the desired output type Long").
"""
from __future__ import annotations

import numpy as np

from tsjit.ops import EAGER as K
from tsjit.eager.core import Methods, _arg, _array, _write
from tsjit.eager.math_methods import NO_INPLACE, UNARY, _bound, _divide

method = Methods()


def _unary_(name: str):
    """The in-place form `name_` of a unary op: its kernel if there is one, else write back."""
    def op(self):
        inplace = K.get(name + "_")
        if inplace is not None:
            inplace(self._data)
            return self
        return _write(self, K[name](self._data))
    op.__name__ = name + "_"
    return op


for _name in UNARY:
    if _name not in NO_INPLACE:
        method(_unary_(_name))


def _inplace_call(self, name: str, *args):
    inplace = K.get(name + "_")
    if inplace is not None:
        inplace(self._data, *args)
        return self
    return _write(self, K[name](self._data, *args))


@method
def add_(self, other, *, alpha=1):
    return _inplace_call(self, "add", _arg(other, "other"), alpha)


@method
def sub_(self, other, *, alpha=1):
    return _inplace_call(self, "sub", _arg(other, "other"), alpha)


@method
def mul_(self, other):
    return _inplace_call(self, "mul", _arg(other, "other"))


@method
def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return _inplace_call(self, "div", _arg(other, "other"))
    return _write(self, _divide(self._data, _arg(other, "other"), rounding_mode))


@method
def pow_(self, exponent):
    return _inplace_call(self, "pow", _arg(exponent, "exponent"))


@method
def clamp_(self, min=None, max=None):  # noqa: A002
    return _inplace_call(self, "clamp", _bound(min), _bound(max))


method.alias("clip_", "clamp_")


@method
def masked_fill_(self, mask, value):
    return _inplace_call(self, "masked_fill", _array(mask, "mask"), _arg(value, "value"))


@method
def fill_(self, value):
    K["fill_"](self._data, _arg(value, "value"))
    return self


@method
def zero_(self):
    K["zero_"](self._data)
    return self


@method
def copy_(self, src, non_blocking=False):
    K["copy_"](self._data, _array(src, "src"))
    return self


@method
def index_put_(self, indices, values, accumulate=False):
    idx = [None if i is None else _array(i, "index") for i in indices]
    K["index_put_"](self._data, idx, _array(values, "values"), accumulate)
    return self


@method
def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    """torch's first parameter is `from`, which a Python function cannot name."""
    return _write(self, K["uniform"](self._data, float(from_), float(to)))


@method
def exponential_(self, lambd=1.0, *, generator=None):
    return _write(self, K["exponential"](self._data, float(lambd)))


@method
def bernoulli_(self, p=0.5, *, generator=None):
    probability = _array(p, "p") if hasattr(p, "_data") else np.full(self.shape, p, np.float64)
    return _write(self, K["bernoulli"](np.broadcast_to(probability, self.shape).astype(np.float64)))


TensorInPlace = method.mixin("TensorInPlace", "Tensor's in-place methods: they write the tensor and return it.")
