"""The class types of a traced module tree, and where its tensors live in it.

Each traced module gets a type of its own (TorchScript's tracer also makes one per
instance): its parameters, buffers, submodules and `training`, and the methods that were
traced. A submodule that is already a ScriptModule (scripted or traced) keeps its type and
is called, not traced through.
"""
from __future__ import annotations

import itertools
from typing import Any

from tsjit.dialects.ts.types import BoolType, ClassType, NoneType, TensorType
from tsjit.frontend.script.module_types import ClassInfo, class_name_of


class TracedModuleInfo(ClassInfo):
    is_module = True

    def __init__(self, unit: Any, module: Any, _memo: dict | None = None):
        super().__init__(type(module), _unique_class_name(unit, type(module)))
        memo = {} if _memo is None else _memo  # a module reachable twice has one type
        memo[id(module)] = self
        self.attrs = {}
        self.constants: dict[str, Any] = {}
        self.failed: dict[str, str] = {}
        self.exported: list[str] = []
        self.submodules: dict[str, Any] = {}
        for name, p in module._parameters.items():
            self.attrs[name] = ("parameter", TensorType() if p is not None else NoneType())
        for name, b in module._buffers.items():
            self.attrs[name] = ("buffer", TensorType() if b is not None else NoneType())
        for name, sub in module._modules.items():
            info = None if sub is None else script_info(sub) or memo.get(id(sub)) or TracedModuleInfo(unit, sub, memo)
            self.submodules[name] = info
            self.attrs[name] = ("module", ClassType(info.class_name) if info is not None else NoneType())
        self.attrs["training"] = ("attr", BoolType())
        unit.classes[self.class_name] = self

    def has_method(self, name: str) -> bool:
        return name in self.methods


def script_info(module: Any) -> Any:
    """The type of a ScriptModule (its compiled info), None for a plain nn.Module."""
    return module.__dict__.get("_info") if "_cu" in module.__dict__ else None


def _unique_class_name(unit: Any, cls: type) -> str:
    base = name = class_name_of(cls)
    for n in itertools.count(1):
        if name not in unit.classes:
            return name
        name = f"{base}___torch_mangle_{n}"
    raise AssertionError("unreachable")


def attribute_paths(module: Any, info: Any) -> dict[int, tuple[Any, list]]:
    """id(array or script object) -> (it, get_attr path from the traced module) for every tensor
    and ScriptModule in the tree; the first path found wins for shared tensors. A path is a list
    of (attribute name, type, submodule or None): the tracer reads each submodule once."""
    paths: dict[int, tuple[Any, list]] = {}

    def walk(mod: Any, info: Any, path: list) -> None:
        for name, (kind, _) in info.attrs.items():
            if kind in ("parameter", "buffer"):
                t = (mod._parameters if kind == "parameter" else mod._buffers).get(name)
                if t is not None and id(t._data) not in paths:
                    paths[id(t._data)] = (t._data, path + [(name, TensorType(), None)])
            elif kind == "module" and mod._modules.get(name) is not None:
                sub, sub_info = mod._modules[name], info.submodules[name]
                sub_path = path + [(name, ClassType(sub_info.class_name), sub)]
                if script_info(sub) is not None:
                    paths.setdefault(id(sub._c), (sub._c, sub_path))
                else:
                    walk(sub, sub_info, sub_path)

    walk(module, info, [])
    return paths
