"""The TorchScript type of an nn.Module instance or a script class, and its `ts.class_type` op.

A module's type lists its parameters, buffers, submodules and other attributes (their types
inferred from the values, or from class annotations), keeps Final / `__constants__` values
aside to inline them, and names the methods compiled so far. Instances whose types would be
identical share one ModuleInfo, so ten equal Linear layers compile `forward` once.
"""
from __future__ import annotations

import inspect
import typing
from typing import Any

from xdsl.ir import Attribute, Block, Region

from tsjit.dialects.ts.module_ops import AttrDeclOp, ClassTypeOp, MethodOp
from tsjit.dialects.ts.types import BoolType, ClassType, NoneType, TensorType
from tsjit.frontend.script.errors import CompileError
from tsjit.frontend.script.type_annotations import NotAType, is_final, resolve_annotation, type_of_value

_NN_INTERNALS = {"training", "_parameters", "_buffers", "_modules", "_non_persistent_buffers_set",
                 "_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_state_dict_hooks",
                 "_load_state_dict_pre_hooks", "_version", "dump_patches", "call_super_init"}


def class_name_of(cls: type) -> str:
    module = cls.__module__
    return f"__torch__.{cls.__qualname__}" if module in ("__main__", "builtins") else \
        f"__torch__.{module}.{cls.__qualname__}"


class ClassInfo:
    """A script class: attributes found while compiling `__init__`, methods compiled on use."""

    is_module = False
    is_container = False

    def __init__(self, cls: type, class_name: str):
        self.python_class, self.class_name = cls, class_name
        self.attrs: dict[str, tuple[str, Attribute]] = {}  # name -> (kind, type)
        self.methods: dict[str, Any] = {}  # name -> CompiledFunction
        self.defining = False  # inside __init__: assignments declare attributes
        for name, ann in getattr(cls, "__annotations__", {}).items():
            try:
                self.attrs[name] = ("attr", resolve_annotation(ann))
            except NotAType:
                pass

    def has_method(self, name: str) -> bool:
        fn = getattr(self.python_class, name, None)
        return inspect.isfunction(fn)  # any method written in Python, operator dunders (__add__, __eq__) too

    def python_method(self, name: str):
        return getattr(self.python_class, name)

    def attribute_type(self, name: str) -> Attribute | None:
        return self.attrs[name][1] if name in self.attrs else None

    def define(self, name: str, t: Attribute) -> None:
        self.attrs[name] = ("attr", t)

    def class_type_op(self) -> ClassTypeOp:
        body = [AttrDeclOp.create(properties=self.attr_properties(n, k, t)) for n, (k, t) in self.attrs.items()]
        body += [MethodOp.create(properties=self.method_properties(n, f)) for n, f in self.methods.items()]
        return ClassTypeOp(self.class_name, Region([Block(body)]), is_module=self.is_module)

    @staticmethod
    def attr_properties(name: str, kind: str, t: Attribute) -> dict:
        from xdsl.dialects.builtin import StringAttr, UnitAttr

        props = {"attr_name": StringAttr(name), "attr_type": t}
        if kind in ("parameter", "buffer"):
            props[kind] = UnitAttr()
        return props

    @staticmethod
    def method_properties(name: str, compiled) -> dict:
        from xdsl.dialects.builtin import StringAttr, SymbolRefAttr

        return {"method_name": StringAttr(name), "function": SymbolRefAttr(compiled.name)}


class ModuleInfo(ClassInfo):
    """The type of one nn.Module instance (shared by instances with the same type)."""

    is_module = True

    def __init__(self, module: Any, class_name: str, submodules: dict[str, ModuleInfo | None], resolve_class=None):
        """`resolve_class`: the class type a Python class annotation names (a script class, an interface)."""
        super().__init__(type(module), class_name)
        self.attrs = {}
        self.submodules = submodules
        self.constants: dict[str, Any] = {}
        self.failed: dict[str, str] = {}
        self.exported: list[str] = []
        import tsjit.nn as nn

        self.is_container = isinstance(module, nn.ModuleList | nn.Sequential | nn.ModuleDict)
        cls = type(module)
        annotations: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            annotations.update({n: _evaluated(a, klass) for n, a in getattr(klass, "__annotations__", {}).items()})
        constant_names = set(getattr(cls, "__constants__", ())) | {n for n, a in annotations.items() if is_final(a)}
        for name, p in module._parameters.items():
            self.attrs[name] = ("parameter", TensorType() if p is not None else NoneType())
        for name, b in module._buffers.items():
            self.attrs[name] = ("buffer", TensorType() if b is not None else NoneType())
        for name, sub in submodules.items():
            self.attrs[name] = ("module", ClassType(sub.class_name) if sub is not None else NoneType())
        self.attrs["training"] = ("attr", BoolType())
        for name, value in vars(module).items():
            if name in _NN_INTERNALS or name in self.attrs or name.startswith("__"):
                continue
            if name in constant_names:
                self.constants[name] = value
                continue
            ann = annotations.get(name)
            if type(value).__name__ == "Attribute" and hasattr(value, "type") and hasattr(value, "value"):  # jit.Attribute
                ann, value = value.type, value.value
            try:
                t = resolve_annotation(unwrap_class(ann), resolve_class) if ann is not None else \
                    script_object_type(value) or type_of_value(value)
            except (NotAType, CompileError) as e:  # reported where compiled code uses the attribute
                self.failed[name] = str(e)
                continue
            self.attrs[name] = ("attr", t)
        for name in constant_names:
            if name not in self.constants and hasattr(module, name) and name not in self.attrs:
                self.constants[name] = getattr(module, name)
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            if getattr(fn, "_tsjit_modifier", None) == "export":
                self.exported.append(name)

    def has_method(self, name: str) -> bool:
        fn = getattr(self.python_class, name, None)
        if not inspect.isfunction(fn) or name.startswith("__") and name != "__len__":
            return False
        import tsjit.nn as nn

        base = getattr(nn.Module, name, None)
        return fn is not base or name != "forward"

    def type_key(self) -> tuple:
        """Instances with equal keys get one class type."""
        attrs = tuple(sorted((n, k, str(t)) for n, (k, t) in self.attrs.items()))
        consts = tuple(sorted((n, repr(v)) for n, v in self.constants.items()))
        return (self.python_class, attrs, consts, tuple(sorted(self.failed)))


def _evaluated(ann: Any, klass: type) -> Any:
    """A string annotation (`from __future__ import annotations`) evaluated in its class's module."""
    if not isinstance(ann, str):
        return ann
    import sys

    scope = dict(vars(sys.modules[klass.__module__])) if klass.__module__ in sys.modules else {}
    try:
        return eval(ann, scope, dict(vars(klass)))  # annotations are code
    except Exception:  # noqa: BLE001 - left a string: reported as an unknown annotation where it is used
        return ann


def unwrap_class(obj: Any) -> Any:
    """A class `torch.jit.script` wrapped (tsjit.jit.ScriptClass) stands for the class itself."""
    wrapped = getattr(obj, "__wrapped__", None)
    return wrapped if isinstance(wrapped, type) and not isinstance(obj, type) else obj


def script_object_type(value: Any) -> ClassType | None:
    """The class type of an object of a scripted class (tsjit.jit.ScriptClassObject), else None."""
    from tsjit.runtime import ScriptObject

    obj = value.__dict__.get("_c") if hasattr(value, "__dict__") and "_cls" in value.__dict__ else None
    return ClassType(obj._class_name) if isinstance(obj, ScriptObject) else None


def named_tuple_type(cls: type, resolve) -> Attribute:
    from tsjit.dialects.ts.types import TupleType

    hints = typing.get_type_hints(cls)
    return TupleType([resolve(hints[f]) if f in hints else TensorType() for f in cls._fields])
