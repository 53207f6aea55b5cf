"""Marks on Python functions and classes that tell `script` what to do with them.

`@export` adds a compilation root, `@ignore` leaves a function in Python (called from compiled
code), `@unused` replaces a body with an exception, `@interface` declares a type by its
methods. In eager code every mark is transparent.
"""
from __future__ import annotations

import typing
import warnings
from collections import namedtuple
from typing import Any


def _mark(fn: Any, modifier: str) -> Any:
    target = fn.fget if isinstance(fn, property) else fn
    target._tsjit_modifier = modifier
    if isinstance(fn, property) and fn.fset is not None:
        fn.fset._tsjit_modifier = modifier
    return fn


def export(fn):
    """A module method compiled with forward even if forward does not call it."""
    return _mark(fn, "export")


def ignore(drop: Any = False, **kwargs):
    """Keep this function in Python; compiled code calls back into it. `drop=True` means `unused`."""
    if callable(drop):
        return _mark(drop, "ignore")
    if drop or kwargs.get("drop_on_export"):
        warnings.warn("ignore(drop=True) is deprecated; use @tsjit.jit.unused", FutureWarning, stacklevel=2)
        return lambda fn: _mark(fn, "unused")
    return lambda fn: _mark(fn, "ignore")


def unused(fn):
    """Never compile this function; calling it from compiled code raises."""
    return _mark(fn, "unused")


def interface(obj):
    """A class whose methods only declare signatures (TorchScript interfaces)."""
    obj._tsjit_interface = True
    return obj


def annotate(the_type: Any, the_value: Any) -> Any:
    """A type hint for `script`; in Python it returns the value."""
    return the_value


def is_scripting() -> bool:
    """True inside compiled code, False in Python."""
    return False


def is_tracing() -> bool:
    """True while a trace records on this thread (False in script, where it is a constant)."""
    from tsjit.frontend.trace import state

    return state.current() is not None


def isinstance(obj: Any, target_type: Any) -> bool:  # noqa: A001 - torch.jit.isinstance
    """isinstance that understands List[int], Dict[str, Tensor], Optional[...]."""
    import builtins

    origin, args = typing.get_origin(target_type), typing.get_args(target_type)
    if origin in (list, typing.List):
        return builtins.isinstance(obj, list) and all(isinstance(v, args[0]) for v in obj)
    if origin in (dict, typing.Dict):
        return builtins.isinstance(obj, dict) and all(isinstance(k, args[0]) and isinstance(v, args[1])
                                                      for k, v in obj.items())
    if origin in (tuple, typing.Tuple):
        return builtins.isinstance(obj, tuple) and len(obj) == len(args) and all(
            isinstance(v, a) for v, a in zip(obj, args))
    if origin is typing.Union:
        return any(isinstance(obj, a) for a in args)
    if target_type is None or target_type is type(None):
        return obj is None
    return builtins.isinstance(obj, target_type)


Attribute = namedtuple("Attribute", ["value", "type"])
Final = typing.Final


class strict_fusion:  # noqa: N801 - torch's name
    """`with tsjit.jit.strict_fusion():` in compiled code; a no-op in Python."""

    def __init__(self):
        if not is_scripting():
            warnings.warn("Only works in script mode", stacklevel=2)

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False
