"""Eager functions and Tensor methods that pick one of two ops by an argument's type, as PyTorch's
overloads do: quantile / nanquantile of a number q (ts.quantile) or of a tensor q
(ts.quantile_tensor). Each calls the generated binding of the op it picks (tsjit/eager/generated.py).
"""
from __future__ import annotations

from tsjit.eager.core import Methods, TensorCore
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

TensorOverloaded = method.mixin("TensorOverloaded", "Tensor methods of two ops chosen by argument type "
                                "(tsjit/eager/overloaded.py).")
