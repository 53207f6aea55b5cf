"""TorchScript's first API: `class M(torch.jit.ScriptModule)` with `@torch.jit.script_method`s.

Such a class is an eager nn.Module while its `__init__` runs (parameters, submodules and
`torch.jit.Attribute(value, type)` attributes are set as usual); when the outermost `__init__`
returns, the instance is compiled like `script(module)` (forward, every script_method and what
they call) and becomes the ScriptModule in place: `isinstance(m, ScriptModule)`, `m.code`,
methods run compiled. `script_method` marks a compilation root; on the compiled object it gives
the compiled method.
"""
from __future__ import annotations

import functools
import types
from typing import Any


class script_method:
    """A method of a ScriptModule subclass that is compiled when an instance is constructed."""

    def __init__(self, fn: Any):
        from tsjit.jit.script import disabled

        fn._tsjit_modifier = "export"
        self.fn, self.eager = fn, disabled()
        functools.update_wrapper(self, fn)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.fn  # what the compiler reads (source, annotations)
        if "_cu" in obj.__dict__:
            method = obj._method(self.name)
            if method is not None:
                return method
        return self.fn.__get__(obj, owner)


def eager_init(module: Any) -> None:
    """nn.Module's state on a ScriptModule subclass instance whose __init__ is running."""
    from collections import OrderedDict

    module.__dict__.update(training=True, _parameters=OrderedDict(), _buffers=OrderedDict(),
                           _non_persistent_buffers_set=set(), _forward_pre_hooks=OrderedDict(),
                           _forward_hooks=OrderedDict(), _modules=OrderedDict())


def compile_on_init(cls: type) -> None:
    """Make `cls.__init__` compile the instance when the outermost __init__ returns."""
    init = cls.__dict__.get("__init__")
    if getattr(init, "_tsjit_compiles", False):
        return
    if init is None:
        def init(self, *args: Any, **kwargs: Any) -> None:
            super(cls, self).__init__(*args, **kwargs)

    @functools.wraps(init)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        d = self.__dict__
        d["_tsjit_init_depth"] = d.get("_tsjit_init_depth", 0) + 1
        init(self, *args, **kwargs)
        d["_tsjit_init_depth"] -= 1
        if d["_tsjit_init_depth"] == 0:
            del d["_tsjit_init_depth"]
            _compile_instance(self)

    __init__._tsjit_compiles = True
    cls.__init__ = __init__


def _compile_instance(module: Any) -> None:
    from tsjit.jit.script import GLOBAL_UNIT, _compile_roots, disabled
    from tsjit.jit.script_module import ScriptModule

    if disabled():  # TSJIT_DISABLE=1: the module stays eager, as with PYTORCH_JIT=0
        return
    unit = GLOBAL_UNIT
    info = unit.module_info(module)
    _compile_roots(unit, module, info)
    unit.finalize()
    unit.program.invalidate()
    state = types.SimpleNamespace(**module.__dict__)
    module.__dict__.clear()
    ScriptModule.__init__(module, unit, info, state)
    module.__dict__["original_name"] = type(module).__name__
