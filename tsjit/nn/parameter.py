"""`Parameter`: a Tensor that a Module registers as a parameter when it is assigned as an attribute."""
from __future__ import annotations

from typing import Any, Optional

from tsjit import eager
from tsjit.eager import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """Shares the storage of `data` (no copy), as torch.nn.Parameter does; requires_grad defaults to True.

    Results of operations on a Parameter are plain Tensors.
    """

    __slots__ = ()

    def __new__(cls, data: Optional[Tensor] = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = eager.empty(0)
        param = object.__new__(cls)
        param._data = data._data
        param.requires_grad = requires_grad
        return param

    def __init__(self, data: Optional[Tensor] = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__; Tensor.__init__ would reallocate

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce__(self) -> tuple:
        return (_rebuild_parameter, (self._data, self.requires_grad))

    def __deepcopy__(self, memo: dict) -> Parameter:
        if id(self) not in memo:
            memo[id(self)] = Parameter(self.data.clone(), self.requires_grad)
        return memo[id(self)]


def _rebuild_parameter(array: Any, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._wrap(array), requires_grad)
