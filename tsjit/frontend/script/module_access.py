"""Using modules, script-class objects and user functions from compiled code.

`self.fc1` becomes ts.get_attr, `self.fc1(x)` ts.call_method of the submodule's compiled
forward, a Final attribute its value, a ModuleList loop one copy of the body per item; calls
of plain Python functions compile them (once) and emit ts.call_function.
"""
from __future__ import annotations

import ast
import inspect
from typing import Any

from tsjit.dialects.ts.types import ClassType, NoneType, TupleType, is_subtype
from tsjit.frontend.script.values import BoundMethod, Iteration, ModuleRef, PyConst, SugaredTuple, is_ir


class ModuleAccessCompiler:
    """Mixin of FunctionCompiler."""

    # -- modules -------------------------------------------------------------------------------
    def module_attribute(self, node: ast.AST, ref: ModuleRef, name: str):
        info = ref.info
        if name in info.constants:
            return self.python_value(node, info.constants[name]) if not isinstance(info.constants[name], list) \
                else PyConst(info.constants[name])
        if name in info.submodules:
            sub = info.submodules[name]
            if sub is None:
                return PyConst(None)
            value = self.builder.op("get_attr", [ref.value], [ClassType(sub.class_name)],
                                    attr_name=self.str_attr(name)).results[0]
            self.name_value(value, name)
            return ModuleRef(getattr(ref.module, name), value, sub)
        if name in info.attrs:
            t = info.attrs[name][1]
            if isinstance(t, NoneType):
                return PyConst(None)
            value = self.builder.op("get_attr", [ref.value], [t], attr_name=self.str_attr(name)).results[0]
            self.name_value(value, name)
            return value
        if info.has_method(name):
            return BoundMethod(ref, name)
        if name in info.failed:
            self.error(node, f"Module '{info.python_class.__name__}' has no attribute '{name}' (This attribute exists "
                             f"on the Python module, but we failed to convert Python type: "
                             f"'{type(getattr(ref.module, name)).__name__}' to a TorchScript type. Its type was "
                             "inferred; try adding a type annotation for the attribute.)")
        self.error(node, f"Module '{info.python_class.__name__}' has no attribute '{name}' ")

    def module_has(self, ref: ModuleRef, name: str) -> bool:
        info = ref.info
        return name in info.constants or name in info.submodules or name in info.attrs or info.has_method(name)

    def module_items(self, node: ast.AST, ref: ModuleRef) -> list:
        info = ref.info
        if not info.is_container:
            self.error(node, f"'{info.python_class.__name__}' object is not iterable")
        return [self.module_attribute(node, ref, name) for name in info.submodules]

    def sugared_index(self, node: ast.Subscript, base: Any, index: ast.expr):
        key = self.expr(index)
        if isinstance(base, SugaredTuple):
            if not isinstance(key, PyConst) or not isinstance(key.value, int):
                self.error(node, "Cannot index into a tuple of modules with a non-integer literal")
            return base.items[key.value]
        if isinstance(base, ModuleRef):
            if not isinstance(key, PyConst) or not isinstance(key.value, int | str):
                self.error(node, "Expected integer literal for index but got a variable or non-integer. "
                                 "ModuleList/Sequential indexing is only supported with integer literals. For example, "
                                 "'i = 4; self.layers[i](x)' will fail because i is not a literal. Enumeration is "
                                 "supported, e.g. 'for index, v in enumerate(self): out = v(inp)'")
            names = list(base.info.submodules)
            k = key.value
            if isinstance(k, int):
                if not -len(names) <= k < len(names):
                    self.error(node, f"Index {k} is out of range for a container of {len(names)} modules")
                k = names[k]
            return self.module_attribute(node, base, k)
        self.error(node, "this value cannot be indexed")

    def assign_attribute(self, target: ast.Attribute, base: Any, name: str, value: Any, node: ast.AST) -> None:
        if isinstance(base, ModuleRef):
            info = base.info
            if name in info.constants:
                self.error(target, f"Tried to set nonexistent attribute: {name}. Did you forget to initialize it in "
                                   "__init__()?")
            if name not in info.attrs:
                self.error(target, f"Tried to set nonexistent attribute: {name}. Did you forget to initialize it in "
                                   "__init__()?")
            t = info.attrs[name][1]
            v = self.as_value(value, node, hint=t)
            if not is_subtype(v.type, t):
                self.error(target, f"Wrong type for attribute assignment. Expected {self.type_name(t)} but got "
                                   f"{self.type_name(v.type)}")
            self.builder.op("set_attr", [base.value, v], [], attr_name=self.str_attr(name))
            return
        if is_ir(base) and isinstance(base.type, ClassType):
            info = self.cu.class_info(base.type.class_name.data)
            v = self.as_value(value, node)
            t = info.attribute_type(name)
            if t is None:
                if not info.defining:
                    self.error(target, f"Tried to set nonexistent attribute: {name}. Did you forget to initialize "
                                       "it in __init__()?")
                info.define(name, v.type)
                t = v.type
            elif not is_subtype(v.type, t):
                self.error(target, f"Wrong type for attribute assignment. Expected {self.type_name(t)} but got "
                                   f"{self.type_name(v.type)}")
            self.builder.op("set_attr", [base, v], [], attr_name=self.str_attr(name))
            return
        self.error(target, "attributes can only be assigned on modules and script class objects")

    def call_module(self, node: ast.AST, ref: ModuleRef, name: str, args: list, kwargs: dict):
        info = ref.info
        if info.is_container and name in ("items", "keys", "values"):
            items = [(PyConst(k), self.module_attribute(node, ref, k)) for k in info.submodules]
            picked = {"items": lambda kv: SugaredTuple(list(kv)), "keys": lambda kv: kv[0],
                      "values": lambda kv: kv[1]}[name]
            return Iteration("items_of_module", [picked(kv) for kv in items])
        if not info.has_method(name):
            self.error(node, f"Module '{info.python_class.__name__}' has no attribute '{name}' ")
        compiled = self.cu.compile_method(info, name, caller=(self.qualname, self.src.range(node)))
        if compiled.extra.get("unused"):
            return self.raise_unused(node, compiled.return_type)
        values = self.bind_call(node, compiled, args, kwargs)
        results = self.builder.op("call_method", [ref.value, *values], [compiled.return_type],
                                  method_name=self.str_attr(name)).results
        return results[0]

    def call_object_method(self, node: ast.AST, obj, name: str, args: list, kwargs: dict):
        info = self.cu.class_info(obj.type.class_name.data)
        if not info.has_method(name):
            self.error(node, f"'{info.python_class.__name__}' object has no attribute or method '{name}'")
        compiled = self.cu.compile_method(info, name, caller=(self.qualname, self.src.range(node)))
        values = self.bind_call(node, compiled, args, kwargs)
        return self.builder.op("call_method", [obj, *values], [compiled.return_type],
                               method_name=self.str_attr(name)).results[0]

    def object_attribute(self, node: ast.AST, obj, name: str):
        info = self.cu.class_info(obj.type.class_name.data)
        if info is None:
            self.error(node, f"unknown class {obj.type.class_name.data}")
        t = info.attribute_type(name)
        if t is not None:
            value = self.builder.op("get_attr", [obj], [t], attr_name=self.str_attr(name)).results[0]
            self.name_value(value, name)
            return value
        if info.has_method(name):
            return BoundMethod(obj, name)
        self.error(node, f"Tried to access nonexistent attribute or method '{name}' of type "
                         f"'{info.class_name}'. Did you forget to initialize an attribute in __init__()?")

    # -- user functions and classes ------------------------------------------------------------
    def call_user(self, node: ast.AST, obj: Any, args: list, kwargs: dict):
        modifier = getattr(obj, "_tsjit_modifier", None)
        if modifier == "unused":
            return self.raise_unused(node, self.cu.return_type_of(obj))
        if modifier == "ignore":
            return self.call_ignored(node, obj, args, kwargs)
        if isinstance(obj, type):
            if hasattr(obj, "_fields") and issubclass(obj, tuple):
                return self.construct_namedtuple(node, obj, args, kwargs)
            return self.construct_object(node, obj, args, kwargs)
        compiled = self.cu.compile_callable(obj, caller=(self.qualname, self.src.range(node)))
        if compiled is None:
            self.error(node, f"Python builtin {obj} is currently not supported in Torchscript")
        values = self.bind_call(node, compiled, args, kwargs)
        return self.builder.op("call_function", values, [compiled.return_type],
                               callee=self.cu.symbol_ref(compiled.name)).results[0]

    def construct_object(self, node: ast.AST, cls: type, args: list, kwargs: dict):
        info = self.cu.script_class(cls, caller=(self.qualname, self.src.range(node)))
        obj = self.builder.op("create_object", [], [ClassType(info.class_name)]).results[0]
        if info.has_method("__init__"):
            compiled = self.cu.compile_method(info, "__init__", caller=(self.qualname, self.src.range(node)))
            values = self.bind_call(node, compiled, args, kwargs)
            self.builder.op("call_method", [obj, *values], [compiled.return_type],
                            method_name=self.str_attr("__init__"))
        return obj

    def construct_namedtuple(self, node: ast.AST, cls: type, args: list, kwargs: dict):
        t = self.cu.class_type_for(cls)
        fields = list(cls._fields)
        values = list(args) + [None] * (len(fields) - len(args))
        for k, v in kwargs.items():
            values[fields.index(k)] = v
        defaults = getattr(cls, "_field_defaults", {})
        items = []
        for name, v, ft in zip(fields, values, t.types.data):
            if v is None:
                if name not in defaults:
                    self.error(node, f"{cls.__name__}() missing required argument '{name}'")
                v = PyConst(defaults[name])
            items.append(self.as_value(v, node, hint=ft))
        return self.builder.op("tuple.construct", items, [t]).results[0]

    def namedtuple_field(self, node: ast.AST, t: TupleType, name: str) -> int | None:
        for fields in self.cu.namedtuple_fields(t):
            if name in fields:
                return fields.index(name)
        return None

    def tuple_slice(self, node, value, sl: ast.Slice):
        items = self.unpack_tuple(value)
        bounds = [None if b is None else self.expr(b) for b in (sl.lower, sl.upper, sl.step)]
        if any(b is not None and not isinstance(b, PyConst) for b in bounds):
            self.error(node, "tuple slices must have constant bounds")
        picked = items[slice(*(None if b is None else b.value for b in bounds))]
        return self.builder.op("tuple.construct", picked, [TupleType([v.type for v in picked])]).results[0]

    def bind_call(self, node: ast.AST, compiled, args: list, kwargs: dict) -> list:
        params = compiled.params
        if len(args) > len(params):
            self.error(node, f"{compiled.qualname}() expected at most {len(params)} argument(s) but received "
                             f"{len(args)} argument(s)")
        values: dict[str, Any] = dict(zip((p.name for p in params), args))
        for k, v in kwargs.items():
            if k not in {p.name for p in params}:
                self.error(node, f"{compiled.qualname}() got an unexpected keyword argument '{k}'")
            values[k] = v
        out = []
        for p in params:
            if p.name not in values:
                if p.default is inspect.Parameter.empty:
                    self.error(node, f"{compiled.qualname}() is missing value for argument '{p.name}'")
                values[p.name] = PyConst(p.default)
            v = self.implicit_number(self.as_value(values[p.name], node, hint=p.type), p.type)
            v = self.implicit_tensor_to_number(v, p.type)
            if not is_subtype(v.type, p.type):
                self.error(node, f"Expected a value of type '{self.type_name(p.type)}' for argument '{p.name}' but "
                                 f"instead found type '{self.type_name(v.type)}'.")
            out.append(v)
        return out

    def raise_unused(self, node: ast.AST, result_type):
        msg = self.builder.const("This Python function is annotated to be ignored and cannot be run")
        self.builder.op("raise", [msg], [], exception=self.str_attr("builtins.RuntimeError"))
        return self.builder.uninitialized(result_type)

    def call_ignored(self, node: ast.AST, fn: Any, args: list, kwargs: dict):
        """@ignore: the call stays a call into Python (TorchScript's prim::PythonOp)."""
        if kwargs:
            self.error(node, "keyword arguments to @ignore'd functions are not supported")
        values = [self.as_value(a, node) for a in args]
        key = self.cu.register_python_function(fn)
        rtype = self.cu.return_type_of(fn)
        return self.builder.op("generic", values, [rtype], op_name=self.str_attr(f"python::{key}")).results[0]

