"""`@ignore`d module methods: never compiled; a call from compiled code runs the Python method.

TorchScript's prim::PythonOp for a method: the Python method runs with `self` being the
ScriptModule whose compiled code called it (its attributes read from the compiled state), and
the arguments and result cross the boundary as they do for an @ignore'd function.
(`@unused` and `ignore(drop=True)` module methods are handled where methods are compiled: a call
raises. Script classes' @unused methods raise here, with TorchScript's message for classes.)
"""
from __future__ import annotations

import ast
import inspect
from typing import Any


def modifier_of(info: Any, name: str) -> str | None:
    cls = getattr(info, "python_class", None)
    fn = inspect.getattr_static(cls, name, None) if cls is not None else None
    return getattr(fn, "_tsjit_modifier", None) if inspect.isfunction(fn) else None


def python_self(cu: Any, obj: Any) -> Any:
    """The `self` an @ignore'd method gets for run-time object `obj`; tsjit.jit makes it the
    ScriptModule around `obj` (it sets this when imported: jit sits above the frontend)."""
    return obj


def _bridge(fn: Any, cu: Any):
    """`fn` called with the ScriptModule of the run-time object compiled code passes as self."""
    def method(obj: Any, *args: Any) -> Any:
        return fn(python_self(cu, obj), *args)

    method.__module__, method.__qualname__ = fn.__module__, fn.__qualname__
    return method


class IgnoredMethodCompiler:
    """Mixin of FunctionCompiler (ahead of ModuleAccessCompiler): `self.helper(x)` for @ignore'd helpers."""

    def call_module(self, node: ast.AST, ref: Any, name: str, args: list, kwargs: dict):
        if modifier_of(ref.info, name) != "ignore":
            return super().call_module(node, ref, name, args, kwargs)
        if kwargs:
            self.error(node, "keyword arguments to @ignore'd methods are not supported")
        fn = inspect.getattr_static(ref.info.python_class, name)
        values = [ref.value, *(self.as_value(a, node) for a in args)]
        key = self.cu.register_python_function(_bridge(fn, self.cu))
        return self.builder.op("generic", values, [self.cu.return_type_of(fn)],
                               op_name=self.str_attr(f"python::{key}")).results[0]

    def call_object_method(self, node: ast.AST, obj: Any, name: str, args: list, kwargs: dict):
        info = self.cu.class_info(obj.type.class_name.data)
        if modifier_of(info, name) == "unused":  # a script class's @unused method: raises when called
            message = self.builder.const("Cannot call @unused methods")  # TorchScript's words for classes
            self.builder.op("raise", [message], [], exception=self.str_attr("builtins.RuntimeError"))
            return self.builder.uninitialized(self.cu.return_type_of(inspect.getattr_static(info.python_class, name)))
        return super().call_object_method(node, obj, name, args, kwargs)
