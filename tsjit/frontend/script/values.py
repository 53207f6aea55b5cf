"""What a Python name or expression stands for while compiling (TorchScript's SugaredValue).

Most expressions become IR values (xDSL SSAValues). The rest are known at compile time and
only become IR when used: constants (Final attributes, globals, `math.pi`), Python objects
(modules like `torch`, functions, classes), submodules of the module being compiled, bound
methods, and tuples holding any of these (e.g. `self.layers` items, `zip(...)`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xdsl.ir import SSAValue


@dataclass(frozen=True)
class PyConst:
    """A compile-time constant: int, float, bool, str, None, a dtype, a device, or a tuple of them."""

    value: Any


@dataclass(frozen=True)
class PyObj:
    """A Python object used by name: a module namespace, a function, a class, a builtin."""

    obj: Any


@dataclass
class ModuleRef:
    """A submodule: the Python module, its IR value, and what was compiled for its class."""

    module: Any
    value: SSAValue
    info: Any  # module_compiler.ModuleInfo

    def rebind(self, value: SSAValue) -> ModuleRef:
        return ModuleRef(self.module, value, self.info)


@dataclass
class ObjectSelf:
    """`self` inside a method of a script class: an IR value of the class type."""

    value: SSAValue

    def rebind(self, value: SSAValue) -> SSAValue:
        return value


@dataclass
class BoundMethod:
    """`receiver.name` before the call: a method of a tensor, list, str, dict, module or object."""

    receiver: Any
    name: str


@dataclass
class SugaredTuple:
    """A tuple with compile-time items (modules, functions), iterated by unrolling."""

    items: list = field(default_factory=list)


@dataclass
class Iteration:
    """`range(...)`, `enumerate(xs)`, `zip(a, b)`, `d.items()`...: something only `for` consumes."""

    kind: str
    args: list


@dataclass(frozen=True)
class TypeValue:
    """A ts type where a Python type is expected (the target of `torch.jit.isinstance`)."""

    type: Any


class NullContext:
    """What `torch.no_grad()` and friends are in compiled code: a `with` that changes nothing.
    `strict`: it is `torch.jit.strict_fusion()`, whose ops must all be fused (ts-fusion-groups)."""

    def __init__(self, strict: bool = False):
        self.strict = strict


def is_ir(value: Any) -> bool:
    return isinstance(value, SSAValue)
