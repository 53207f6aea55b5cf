"""`ScriptModule`: a scripted nn.Module whose state lives in a run-time ScriptObject.

Its attribute slots hold what compiled code reads and writes (ndarrays for tensors), shared
with the original module's parameters and buffers (same arrays, as scripting shares storage
in TorchScript). Reading and setting attributes, submodules, state_dict and train/eval work
as on the eager module; methods run compiled on the numpy backend.
"""
from __future__ import annotations

import inspect
import weakref
from collections import OrderedDict
from typing import Any

from tsjit.dialects.ts.types import ClassType
from tsjit.frontend.decorators import Attribute
from tsjit.frontend.script import ignored_methods
from tsjit.jit.script_function import ScriptMethod
from tsjit.jit.values import from_runtime, to_runtime
from tsjit.nn.modules.module import Module
from tsjit.runtime import ScriptObject


def _submodule(cu, info, sub: Module | None, memo: dict) -> ScriptModule | None:
    """A submodule's ScriptModule: itself when it already is one (e.g. traced), so state is shared;
    one ScriptModule per module reachable through several attributes."""
    if sub is None or isinstance(sub, ScriptModule):
        return sub
    if id(sub) not in memo:
        memo[id(sub)] = ScriptModule(cu, info, sub, memo)
    return memo[id(sub)]


#: id(run-time object) -> the ScriptModule around it, for Python code compiled code calls back into
_BY_OBJECT: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def script_module_of(cu, obj: ScriptObject) -> ScriptModule:
    """The ScriptModule whose state is `obj` (an @ignore'd method's `self`)."""
    found = _BY_OBJECT.get(id(obj))
    if found is None or found.__dict__["_c"] is not obj:
        found = ScriptModule._from_object(cu, obj)
    return found


ignored_methods.python_self = lambda cu, obj: script_module_of(cu, obj)


class ScriptModule(Module):
    """What `tsjit.script(module)` returns (TorchScript's RecursiveScriptModule)."""

    def __init__(self, cu=None, info=None, original: Module | None = None, _memo: dict | None = None):
        if cu is None:  # a subclass's __init__ is running (tsjit/jit/script_methods.py)
            from tsjit.jit.script_methods import eager_init

            eager_init(self)
            return
        d = self.__dict__
        d["_cu"], d["_info"], d["original_name"] = cu, info, type(original).__name__
        d["_parameters"] = OrderedDict(original._parameters)
        d["_buffers"] = OrderedDict(original._buffers)
        d["_non_persistent_buffers_set"] = set(getattr(original, "_non_persistent_buffers_set", ()))
        memo = {} if _memo is None else _memo
        d["_modules"] = OrderedDict((name, _submodule(cu, info.submodules[name], sub, memo))
                                    for name, sub in original._modules.items())
        d["_forward_hooks"], d["_forward_pre_hooks"] = OrderedDict(), OrderedDict()
        d["_methods"] = {}
        slots: dict[str, Any] = {}
        for name, (kind, _) in info.attrs.items():
            if kind in ("parameter", "buffer"):
                t = (d["_parameters"] if kind == "parameter" else d["_buffers"])[name]
                slots[name] = None if t is None else t._data
            elif kind == "module":
                sub = d["_modules"][name]
                slots[name] = None if sub is None else sub._c
            else:
                value = getattr(original, name)
                if isinstance(value, Attribute):  # torch.jit.Attribute(value, type)
                    value = value.value
                slots[name] = to_runtime(value)
        d["_c"] = ScriptObject(info.class_name, slots)
        _BY_OBJECT[id(d["_c"])] = self

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """`class M(torch.jit.ScriptModule)`: instances compile when their __init__ returns."""
        super().__init_subclass__(**kwargs)
        from tsjit.jit.script_methods import compile_on_init

        compile_on_init(cls)

    @classmethod
    def _from_object(cls, cu, obj: ScriptObject, _shared: dict | None = None) -> ScriptModule:
        """A ScriptModule around run-time object `obj` of a class of unit `cu` (e.g. loaded from IR):
        its parameters, buffers and submodules are read from the object's slots."""
        from tsjit.jit.module_ir import short_class_name
        from tsjit.nn import Parameter
        from tsjit.eager.core import _wrap

        shared = {} if _shared is None else _shared  # id(array) -> its tensor: tied weights stay tied
        info = cu.classes[obj._class_name]
        self = object.__new__(cls)
        d = self.__dict__
        d["_cu"], d["_info"], d["original_name"] = cu, info, short_class_name(info.class_name)
        d["_parameters"], d["_buffers"], d["_modules"] = OrderedDict(), OrderedDict(), OrderedDict()
        for name, (kind, _) in info.attrs.items():
            value = getattr(obj, name, None)
            if kind in ("parameter", "buffer") and value is not None and id(value) not in shared:
                shared[id(value)] = Parameter(_wrap(value)) if kind == "parameter" else _wrap(value)
            if kind == "parameter":
                d["_parameters"][name] = None if value is None else shared[id(value)]
            elif kind == "buffer":
                d["_buffers"][name] = None if value is None else shared[id(value)]
            elif kind == "module":
                d["_modules"][name] = None if value is None else cls._from_object(cu, value, shared)
        d["_non_persistent_buffers_set"] = set()
        d["_forward_hooks"], d["_forward_pre_hooks"] = OrderedDict(), OrderedDict()
        d["_methods"], d["_c"] = {}, obj
        _BY_OBJECT.setdefault(id(obj), self)
        return self

    # -- calling -------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def _method(self, name: str) -> ScriptMethod | None:
        methods = self.__dict__["_methods"]
        if name not in methods:
            compiled = self._info.methods.get(name)
            if compiled is None or compiled.func_op is None:
                return None
            methods[name] = ScriptMethod(self._cu, compiled, self._c)
        return methods[name]

    # -- attributes ----------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if "_info" not in d:  # still an eager module: a subclass's __init__ is running
            return super().__getattr__(name)
        info = d["_info"]
        if name in info.methods:
            method = self._method(name)
            if method is not None:
                return method
        if name in info.attrs:
            kind = info.attrs[name][0]
            if kind in ("parameter", "buffer"):
                self._sync(name, kind)
                return (d["_parameters"] if kind == "parameter" else d["_buffers"])[name]
            if kind == "module":
                return d["_modules"][name]
            return from_runtime(getattr(d["_c"], name))
        if name in info.constants:
            return info.constants[name]
        fn = inspect.getattr_static(info.python_class, name, None) if info.python_class is not None else None
        if getattr(fn, "_tsjit_modifier", None) in ("ignore", "unused"):  # stays Python, as in TorchScript
            return fn.__get__(self)
        raise AttributeError(f"'{type(self).__name__}' object (original_name={d['original_name']}) has no attribute "
                             f"'{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if "_info" not in d:
            return super().__setattr__(name, value)
        info = d["_info"]
        if name not in info.attrs:
            if name in info.constants:
                raise AttributeError(f"Cannot set constant attribute '{name}' of a ScriptModule")
            raise AttributeError(f"Cannot add a new attribute '{name}' to a ScriptModule; declare it in __init__ of "
                                 f"{d['original_name']}")
        kind = info.attrs[name][0]
        if kind == "module":
            if not isinstance(value, ScriptModule):
                raise AttributeError(f"submodule '{name}' can only be replaced by a ScriptModule")
            if info.attrs[name][1] != ClassType(value._info.class_name):  # another class: a module interface
                from tsjit.jit.module_interfaces import swap_submodule

                swap_submodule(self, name, value)
            d["_modules"][name] = value
            setattr(d["_c"], name, value._c)
            return
        if kind in ("parameter", "buffer"):
            (d["_parameters"] if kind == "parameter" else d["_buffers"])[name] = value
        setattr(d["_c"], name, to_runtime(value))

    def _sync(self, name: str, kind: str) -> None:
        """Compiled code may have stored a new array in a slot: point the tensor at it."""
        d = self.__dict__
        table = d["_parameters"] if kind == "parameter" else d["_buffers"]
        tensor, slot = table.get(name), getattr(d["_c"], name)
        if tensor is not None and slot is not None and tensor._data is not slot:
            tensor._data = slot

    def _sync_all(self) -> None:
        for name, (kind, _) in self._info.attrs.items():
            if kind in ("parameter", "buffer"):
                self._sync(name, kind)
        for sub in self._modules.values():
            if sub is not None:
                sub._sync_all()

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        self._sync_all()
        return super().named_parameters(prefix, recurse, remove_duplicate)

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        self._sync_all()
        return super().named_buffers(prefix, recurse, remove_duplicate)

    def state_dict(self, *args, **kwargs):
        self._sync_all()
        return super().state_dict(*args, **kwargs)

    def load_state_dict(self, state_dict, strict: bool = True):
        self._sync_all()
        return super().load_state_dict(state_dict, strict)

    @property
    def forward(self) -> ScriptMethod:
        method = self._method("forward")
        if method is None:
            raise AttributeError(f"{self.original_name} has no forward method")
        return method

    @property
    def training(self) -> bool:
        d = self.__dict__
        return bool(d["_c"].training) if "_c" in d else d.get("training", True)  # eager: __init__ running

    @training.setter
    def training(self, mode: bool) -> None:  # reached only while eager (compiled: __setattr__ sets the slot)
        self.__dict__["training"] = mode

    def save(self, f, _extra_files=None) -> None:
        """torch.jit.save(self, f, _extra_files): see tsjit/jit/serialization.py."""
        from tsjit.jit.serialization import save

        save(self, f, _extra_files)

    # -- what TorchScript shows ----------------------------------------------------------------
    @property
    def graph(self) -> str:
        return self.forward.graph

    @property
    def inlined_graph(self) -> str:
        return self.forward.inlined_graph

    @property
    def code(self) -> str:
        return self.forward.code

    def __getitem__(self, index):
        """Sequential / ModuleList items and ModuleDict entries."""
        modules = self._modules
        if isinstance(index, str):
            return modules[index]
        return list(modules.values())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __bool__(self) -> bool:
        return True

    def __iter__(self):
        return iter(self._modules.values())

    def _get_name(self) -> str:
        return "RecursiveScriptModule"

    def extra_repr(self) -> str:
        return f"original_name={self.original_name}"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._info.attrs) | set(self._info.methods))
