"""`tsjit.Tensor`: TensorCore composed with its operator, math, in-place and shape mixins.

An eager tensor holding a numpy array, with PyTorch's Python API; each mixin module defines one
group of methods (operators.py, math_methods.py, inplace_methods.py, shape_methods.py, overloaded.py), and
generated.py the methods made from op definitions (hand-written ones of the same name win). The class
is registered with the core so that every method's results are Tensors.
"""
from __future__ import annotations

from tsjit.eager.core import TensorCore, set_tensor_class
from tsjit.eager.generated import GeneratedMethods
from tsjit.eager.inplace_methods import TensorInPlace
from tsjit.eager.math_methods import TensorMath
from tsjit.eager.operators import TensorOperators
from tsjit.eager.overloaded import TensorOverloaded
from tsjit.eager.shape_methods import TensorShape


class Tensor(TensorOperators, TensorMath, TensorInPlace, TensorShape, TensorOverloaded, GeneratedMethods, TensorCore):
    """A multi-dimensional array of one dtype on the cpu, with PyTorch's methods and operators."""

    __slots__ = ()


set_tensor_class(Tensor)
