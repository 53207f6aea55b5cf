"""Tensor's Python operators (+, -, @, ==, +=, ~, ...), mapped to ts ops as torch/_tensor.py does.

`number op tensor` for non-commutative ops turns the number into a 0-d tensor of the dtype
PyTorch computes in; `x op= y` uses the in-place kernel when there is one, else writes the
result back with PyTorch's casting check. Unsupported operand types give NotImplemented, so
`t == None` is False and `t + "a"` a TypeError, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from tsjit.ops import EAGER as K
from tsjit.kernels.promotion import result_dtype
from tsjit.eager.core import _NOT_AN_OPERAND, _operand, _wrap, _write


def _bitwise_xor(a, b):
    """(a | b) & ~(a & b): xor from the bitwise kernels the ts dialect has."""
    return K["bitwise_and"](K["bitwise_or"](a, b), K["bitwise_not"](K["bitwise_and"](a, b)))


def _logical_xor(a, b):
    return K["ne"](K["ne"](a, 0), K["ne"](b, 0))


#: Ops without a ts op of their own, composed from kernels.
COMPOSED = {"bitwise_xor": _bitwise_xor, "logical_xor": _logical_xor}


def kernel(name: str):
    """The kernel of ts op `name`, or its composition from other kernels."""
    k = K.get(name)
    return k if k is not None else COMPOSED[name]


def _scalar_as_tensor(value, like: np.ndarray) -> np.ndarray:
    """A Python number as a 0-d array of the dtype PyTorch computes `number op tensor` in."""
    return np.asarray(value, dtype=result_dtype(like, value))


def _binary(name: str):
    def op(self, other):
        o = _operand(other)
        if o is _NOT_AN_OPERAND:
            return NotImplemented
        return _wrap(kernel(name)(self._data, o))
    return op


def _reflected(name: str):
    """`number op tensor` for non-commutative ops: the number becomes a 0-d tensor first."""
    def op(self, other):
        o = _operand(other)
        if o is _NOT_AN_OPERAND:
            return NotImplemented
        if not isinstance(o, np.ndarray):
            o = _scalar_as_tensor(o, self._data)
        return _wrap(K[name](o, self._data))
    return op


def _inplace(name: str):
    """`x op= y`: an in-place kernel when there is one, else the result written back."""
    def op(self, other):
        o = _operand(other)
        if o is _NOT_AN_OPERAND:
            return NotImplemented
        inplace = K.get(name + "_")
        if inplace is not None:
            inplace(self._data, o)
            return self
        return _write(self, kernel(name)(self._data, o))
    return op


def _rsub(self, other):
    o = _operand(other)
    return NotImplemented if o is _NOT_AN_OPERAND else _wrap(K["rsub"](self._data, o, 1))


def _rtruediv(self, other):
    """`number / tensor` is reciprocal(tensor) * number, as in torch/_tensor.py."""
    o = _operand(other)
    return NotImplemented if o is _NOT_AN_OPERAND else _wrap(K["mul"](K["reciprocal"](self._data), o))


def _unary(name: str):
    def op(self):
        return _wrap(K[name](self._data))
    return op


def _pos(self):
    return self


#: Python operator -> its implementation.
OPERATORS = {
    **{f"__{py}__": _binary(op) for py, op in (
        ("add", "add"), ("radd", "add"), ("sub", "sub"), ("mul", "mul"), ("rmul", "mul"), ("truediv", "div"),
        ("floordiv", "floor_divide"), ("mod", "remainder"), ("pow", "pow"), ("matmul", "matmul"),
        ("and", "bitwise_and"), ("rand", "bitwise_and"), ("or", "bitwise_or"), ("ror", "bitwise_or"),
        ("xor", "bitwise_xor"), ("rxor", "bitwise_xor"), ("lshift", "bitwise_left_shift"),
        ("rshift", "bitwise_right_shift"),
        ("eq", "eq"), ("ne", "ne"), ("lt", "lt"), ("le", "le"), ("gt", "gt"), ("ge", "ge"))},
    **{f"__r{py}__": _reflected(op) for py, op in (
        ("floordiv", "floor_divide"), ("mod", "remainder"), ("pow", "pow"), ("matmul", "matmul"))},
    **{f"__i{py}__": _inplace(op) for py, op in (
        ("add", "add"), ("sub", "sub"), ("mul", "mul"), ("truediv", "div"), ("floordiv", "floor_divide"),
        ("mod", "remainder"), ("pow", "pow"), ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"))},
    **{f"__{py}__": _unary(op) for py, op in (("neg", "neg"), ("abs", "abs"), ("invert", "bitwise_not"))},
    "__rsub__": _rsub, "__rtruediv__": _rtruediv, "__pos__": _pos,
}
for _name, _fn in OPERATORS.items():
    _fn.__name__, _fn.__qualname__ = _name, f"Tensor.{_name}"

#: `__eq__` is elementwise, yet tensors hash by identity (a class defining __eq__ would lose __hash__).
TensorOperators = type("TensorOperators", (), {"__slots__": (), "__doc__": "Tensor's Python operators.",
                                               "__hash__": object.__hash__, **OPERATORS})
