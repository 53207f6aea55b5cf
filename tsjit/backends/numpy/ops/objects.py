"""Objects of TorchScript classes and modules: `ts.object`, `ts.create_object`, `ts.get_attr`,
`ts.set_attr`. Slots live in the ScriptObject's `__dict__` (read directly, so an attribute
named like a ScriptObject property, e.g. `slots`, still reads the slot).
"""
from __future__ import annotations

from typing import Any

from tsjit.backends.numpy.table import register
from tsjit.runtime import ScriptObject


@register("ts.object")
def _object(op, planner):
    class_name = op.result.type.class_name.data
    names = tuple(n.data for n in op.slot_names.data)

    def make_object(*values: Any) -> ScriptObject:
        return ScriptObject(class_name, dict(zip(names, values)))

    return make_object


@register("ts.create_object")
def _create_object(op, planner):
    class_name = op.result.type.class_name.data
    return lambda: ScriptObject(class_name)


@register("ts.get_attr")
def _get_attr(op, planner):
    name = op.attr_name.data

    def get_attr(obj: Any) -> Any:
        try:
            return obj.__dict__[name]
        except (KeyError, AttributeError):
            raise AttributeError(f"{_describe(obj)} has no attribute '{name}'") from None

    return get_attr


@register("ts.set_attr")
def _set_attr(op, planner):
    name = op.attr_name.data

    def set_attr(obj: Any, value: Any) -> None:
        if not isinstance(obj, ScriptObject):
            raise AttributeError(f"cannot set attribute '{name}' of {_describe(obj)}")
        obj.__dict__[name] = value

    return set_attr


def _describe(obj: Any) -> str:
    if isinstance(obj, ScriptObject):
        return f"object of class {obj._class_name}"
    return f"a {type(obj).__name__} value"
