"""Assigning another module to a ScriptModule attribute annotated with a module interface.

TorchScript types such an attribute with the interface and dispatches its calls when they run.
tsjit's module types name the concrete class of each submodule (so freezing, inlining and saving
see real code), so a swap re-specializes the holder: the new implementation is checked against
the interface (same methods, parameter names and types, results), then the holder's compiled
methods are compiled again for a new class type (`___torch_mangle_N`) whose attribute has the
new submodule's type, and the holder's object takes that class. Without an interface
annotation a swap to another class is refused with TorchScript's message.
"""
from __future__ import annotations

import re
import typing
from typing import Any

from tsjit.dialects.ts.types import ClassType, is_subtype


def _interface_of(module: Any, name: str) -> Any:
    from tsjit.frontend.script.interfaces import is_interface

    cls = module._info.python_class
    for klass in getattr(cls, "__mro__", ()):
        ann = getattr(klass, "__annotations__", {}).get(name)
        if ann is not None:
            if isinstance(ann, str):
                ann = typing.get_type_hints(klass).get(name)
            return ann if is_interface(ann) else None
    return None


def _check_conforms(unit: Any, interface: type, sub_info: Any, new_name: str) -> None:
    iface = unit.script_class(interface)
    for method in iface.method_names():
        wanted = iface.signature(unit, method)
        got = unit.compile_method(sub_info, method) if sub_info.has_method(method) else None
        if got is None or [(p.name, p.type) for p in got.params] != [(p.name, p.type) for p in wanted.params] or \
                not is_subtype(got.return_type, wanted.return_type):
            raise RuntimeError(f"Object of type {new_name} is not compatible with interface {iface.class_name}\n"
                               f"Method '{method}' is missing or has a different signature")


def swap_submodule(module: Any, name: str, value: Any) -> None:
    """`module.name = value` for a submodule `value` of another class (see the module docstring)."""
    d = module.__dict__
    info, unit = d["_info"], d["_cu"]
    sub_info = value._info if value._cu is unit else unit.adopt_class(value._cu, value._info.class_name)
    old_name = info.attrs[name][1].class_name.data if isinstance(info.attrs[name][1], ClassType) else "None"
    interface = _interface_of(module, name)
    if interface is None:
        raise RuntimeError(f"Expected a value of type '{old_name}' for field '{name}', but found "
                           f"'{sub_info.class_name}'")
    _check_conforms(unit, interface, sub_info, sub_info.class_name)
    new = object.__new__(type(info))
    new.__dict__.update(info.__dict__)
    new.attrs, new.submodules, new.methods = dict(info.attrs), dict(info.submodules), {}
    new.attrs[name], new.submodules[name] = ("module", ClassType(sub_info.class_name)), sub_info
    base = re.sub(r"___torch_mangle_\d+$", "", info.class_name)
    n = 1
    while f"{base}___torch_mangle_{n}" in unit.classes:
        n += 1
    new.class_name = f"{base}___torch_mangle_{n}"
    unit.classes[new.class_name] = new
    for method in [m for m in info.methods if info.methods[m].func_op is not None]:
        unit.compile_method(new, method)
    unit.finalize()
    unit.program.invalidate()
    d["_info"], d["_methods"] = new, {}
    d["_c"]._class_name = new.class_name
