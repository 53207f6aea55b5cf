"""`tsjit.script` (= tsjit.jit.script) and `CompilationUnit(source)`."""
from __future__ import annotations

import inspect
import itertools
import linecache
import sys
import os
from typing import Any

from tsjit.backends.numpy.ops.misc import GENERIC_PREFIXES
from tsjit.frontend.script.compilation_unit import CompilationUnit as _Unit
from tsjit.jit import runtime_ops  # noqa: F401 - registers the tsjit:: run-time ops
from tsjit.jit.script_function import ScriptFunction, ScriptMethod
from tsjit.jit.script_module import ScriptModule
from tsjit.jit.values import from_runtime, to_runtime
from tsjit.runtime import ScriptObject

#: Everything scripted in this process shares one unit, as TorchScript's global CU.
GLOBAL_UNIT = _Unit()


def _python_call(op_name: str):
    """Run an @ignore'd Python function from compiled code, with eager values."""
    from tsjit.frontend.script.compilation_unit import PYTHON_FUNCTIONS
    from tsjit.jit.values import from_runtime, to_runtime

    fn = PYTHON_FUNCTIONS[op_name.split("::", 1)[1]]
    return lambda *args: to_runtime(fn(*(from_runtime(a) for a in args)))


GENERIC_PREFIXES["python::"] = _python_call


def disabled() -> bool:
    """TSJIT_DISABLE=1 (our PYTORCH_JIT=0): script and trace return their argument unchanged."""
    return os.environ.get("TSJIT_DISABLE", "0").lower() in ("1", "true", "yes", "1v")


def script(obj: Any, optimize: Any = None, _frames_up: int = 0, _rcb: Any = None, example_inputs: Any = None):
    """Compile a function, an nn.Module (forward, @export methods and all they reach) or a class."""
    if disabled():
        return obj
    if isinstance(obj, ScriptModule | ScriptFunction | ScriptClass):
        return obj
    import tsjit.nn as nn

    unit = GLOBAL_UNIT
    if isinstance(obj, nn.Module):
        if hasattr(obj, "__prepare_scriptable__"):
            obj = obj.__prepare_scriptable__()
        info = unit.module_info(obj)
        _compile_roots(unit, obj, info)
        unit.finalize()
        unit.program.invalidate()
        return ScriptModule(unit, info, obj)
    if isinstance(obj, type):
        if issubclass(obj, nn.Module):
            raise RuntimeError(f"Type '{obj.__name__}' cannot be compiled since it inherits from nn.Module, pass an "
                               "instance instead")
        info = unit.script_class(obj)
        for name in dir(obj):
            if info.has_method(name) and not name.startswith("__"):
                unit.compile_method(info, name)
        unit.finalize()
        unit.program.invalidate()
        return ScriptClass(unit, info)
    if isinstance(obj, dict | list):
        return obj
    if not callable(obj):
        raise RuntimeError(f"Cannot script an object of type {type(obj).__name__}")
    cached = getattr(obj, "_tsjit_script_function", None)
    if cached is not None:
        return cached
    compiled = unit.compile_callable(obj)
    if compiled is None:
        raise RuntimeError(f"Cannot script {obj!r}: not a Python function")
    unit.finalize()
    unit.program.invalidate()
    fn = ScriptFunction(unit, compiled, obj)
    try:
        obj._tsjit_script_function = fn
    except AttributeError:
        pass
    return fn


def _compile_roots(unit: _Unit, module: Any, info) -> None:
    """forward and @export methods of the module and, recursively, of its submodules."""
    for name, sub in module._modules.items():
        if sub is not None and "_cu" not in sub.__dict__:  # ScriptModules come compiled
            _compile_roots(unit, sub, info.submodules[name])
    for name in ["forward", *info.exported]:
        if info.has_method(name) and name not in info.methods:
            unit.compile_method(info, name)


class ScriptClass:
    """A scripted class: calling it constructs an object whose methods run compiled."""

    def __init__(self, unit: _Unit, info):
        self._unit, self._info = unit, info
        self.__name__ = info.python_class.__name__
        self.__wrapped__ = info.python_class  # what script code naming the class (annotations, calls) means

    def __call__(self, *args: Any, **kwargs: Any):
        obj = ScriptObject(self._info.class_name)
        if "__init__" in self._info.methods:
            ScriptMethod(self._unit, self._info.methods["__init__"], obj)(*args, **kwargs)
        return ScriptClassObject(self, obj)


class ScriptClassObject:
    """An object of a scripted class: attributes live in its ScriptObject, methods run compiled."""

    def __init__(self, cls: ScriptClass, obj: ScriptObject):
        self.__dict__.update(_cls=cls, _c=obj)

    def __getattr__(self, name: str):
        info = self._cls._info
        if name in info.methods:
            return ScriptMethod(self._cls._unit, info.methods[name], self._c)
        if hasattr(self._c, name):
            return from_runtime(getattr(self._c, name))
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._c, name, to_runtime(value))


_SOURCE_IDS = itertools.count()


class CompilationUnit:
    """Compiles TorchScript source text; its functions become attributes (`cu.foo(x)`)."""

    def __init__(self, lang: str | None = None, _frames_up: int = 0):
        self._unit = _Unit()
        self._functions: dict[str, ScriptFunction] = {}
        if lang is not None:
            self.define(lang)

    def define(self, src: str) -> None:
        import math
        import typing

        torch = sys.modules["tsjit"]  # the torch namespace the source refers to: the package (always loaded)
        filename = f"<tsjit-compilation-unit-{next(_SOURCE_IDS)}>"
        linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
        namespace: dict[str, Any] = {"torch": torch, "tsjit": torch, "Tensor": torch.Tensor, "math": math,
                                     **{n: getattr(typing, n) for n in ("List", "Dict", "Tuple", "Optional",
                                                                        "Union", "Any", "Final", "NamedTuple")}}
        exec(compile(src, filename, "exec"), namespace)  # noqa: S102 - TorchScript source is code by definition
        for name, value in list(namespace.items()):
            if inspect.isfunction(value) and value.__code__.co_filename == filename:
                compiled = self._unit.compile_callable(value)
                self._functions[name] = ScriptFunction(self._unit, compiled, value)
        self._unit.finalize()
        self._unit.program.invalidate()

    def __getattr__(self, name: str) -> ScriptFunction:
        functions = self.__dict__.get("_functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(f"CompilationUnit has no function '{name}'")

    def find_function(self, name: str) -> ScriptFunction | None:
        return self._functions.get(name)
