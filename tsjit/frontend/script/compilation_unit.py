"""A CompilationUnit owns one IR module: every function, method and class type compiled into it.

It compiles Python functions, module methods and script classes on first use (so a function
called from several places is compiled once), detects recursion, keeps the call chain for
error messages, and hands the module to the numpy backend.
"""
from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
from typing import Any

from xdsl.dialects.builtin import ModuleOp, StringAttr, SymbolRefAttr
from xdsl.ir import Attribute

from tsjit.dialects.ts.module_ops import ClassTypeOp
from tsjit.dialects.ts.types import ClassType, TensorType, TupleType, is_subtype
from tsjit.dialects.ts.module_ir import class_names_in
from tsjit.frontend.script.enums import EnumTypeError, enum_info, register_enums
from tsjit.frontend.script.interfaces import InterfaceInfo, is_interface
from tsjit.frontend.script.errors import UNSUPPORTED_NODES, CompileError, located
from tsjit.frontend.script.function_compiler import CompiledFunction, FunctionCompiler
from tsjit.frontend.script.module_types import (
    ClassInfo, ModuleInfo, class_name_of, named_tuple_type, script_object_type,
)  # fmt: skip
from tsjit.frontend.script.namedtuples import ATTR as NT_ATTR, encode_text, python_return_of
from tsjit.frontend.script.source import parse_object
from tsjit.frontend.script.type_annotations import NotAType, resolve_annotation

_MAX_MIN_FIELDS = ["values", "indices"]


def _class_key(info: ClassInfo) -> tuple:
    """What a class's `ts.class_type` op is built from: equal keys, equal ops."""
    signatures = getattr(info, "signatures", {})
    return (type(info), info.class_name, info.is_module, tuple(info.attrs.items()),
            tuple((n, f.name) for n, f in info.methods.items()),
            tuple((n, f.name, f.func_op is not None) for n, f in signatures.items()))


def short_name(qualname: str) -> str:
    """`test.<locals>.M.helper` -> `M.helper`, as TorchScript names functions in messages."""
    return qualname.rsplit(".<locals>.", 1)[-1]


class CompilationUnit:
    def __init__(self):
        self.module = ModuleOp([])
        self.functions: dict[Any, CompiledFunction] = {}
        self.symbols: set[str] = set()
        self.module_infos: dict[tuple, ModuleInfo] = {}
        self.classes: dict[str, ClassInfo] = {}
        self.script_classes: dict[type, ClassInfo] = {}
        self.namedtuples: dict[type, TupleType] = {}
        self.call_chain: list[tuple[str, str, Any]] = []
        self.compiling: list[Any] = []
        self.python_functions: dict[str, Any] = {}
        self.by_symbol: dict[str, CompiledFunction] = {}  # every function and method, by its func.func symbol
        self.adopted: dict[tuple[int, str], CompiledFunction] = {}
        self._class_ops: dict[str, tuple[ClassTypeOp, tuple]] = {}  # finalize's ops, and what they were built from
        self._program = None

    # -- the IR --------------------------------------------------------------------------------
    @property
    def program(self):
        if self._program is None:
            from tsjit.backends.numpy import Program

            self._program = Program(self.module)
        return self._program

    def add(self, op) -> None:
        self.module.body.block.add_op(op)

    def add_function(self, compiled: CompiledFunction) -> None:
        """Add a compiled (or traced) function's func.func to the module."""
        self.by_symbol[compiled.name] = compiled
        self.add(compiled.func_op)

    def unique_symbol(self, base: str) -> str:
        name = base
        for n in itertools.count(1):
            if name not in self.symbols:
                break
            name = f"{base}___{n}"
        self.symbols.add(name)
        return name

    @staticmethod
    def symbol_ref(name: str) -> SymbolRefAttr:
        return SymbolRefAttr(name)

    def finalize(self) -> None:
        """(Re)write the class type ops from what was compiled, ahead of the functions.

        A class whose attributes and methods are unchanged since the last call keeps its op: the
        unit lives as long as the process, so rebuilding every class on every `script` call
        would make each call slower than the last."""
        block = self.module.body.block
        for info in list(self.classes.values()):
            if isinstance(info, InterfaceInfo):
                info.declare(self)  # its methods' signatures, which its class type names
        old = [op for op in block.ops if isinstance(op, ClassTypeOp)]
        for op in old:
            block.detach_op(op)
        kept = {id(op) for op in old}
        ops = []
        for name, info in self.classes.items():
            key = _class_key(info)
            op, seen = self._class_ops.get(name, (None, None))
            if op is None or seen != key or id(op) not in kept:
                op = info.class_type_op()
                self._class_ops[name] = (op, key)
            ops.append(op)
        used = {id(op) for op in ops}
        for op in old:
            if id(op) not in used:
                op.erase()
        first = block.first_op
        for op in ops:
            if first is None:
                block.add_op(op)
            else:
                block.insert_op_before(op, first)

    # -- compiling -----------------------------------------------------------------------------
    def compile_function(self, python_fn: Any, symbol: str, qualname: str, caller, self_info=None) -> CompiledFunction:
        """Compile a Python function (a method when `self_info` is given) into a func.func."""
        if python_fn in self.compiling:
            raise located(CompileError, f"function '{qualname.rsplit('.', 1)[-1]}' is called recursively. Recursive "
                                        "calls are not supported", caller[1] if caller else None, self.call_chain)
        parsed = parse_object(python_fn)
        closure = dict(inspect.getclosurevars(python_fn).nonlocals) if python_fn.__closure__ else {}
        if caller is not None:
            self.call_chain.append((short_name(qualname), short_name(caller[0]), caller[1]))
        self.compiling.append(python_fn)
        try:
            if isinstance(parsed.node, ast.AsyncFunctionDef):  # TorchScript compiles no coroutines
                error_class, message = UNSUPPORTED_NODES[ast.AsyncFunctionDef]
                raise located(error_class, message, parsed.range(parsed.node), self.call_chain)
            compiler = FunctionCompiler(self, parsed, self.unique_symbol(symbol), qualname, python_fn.__globals__,
                                        closure, self_info=self_info, self_module=getattr(self_info, "module", None))
            params, declared = compiler.signature(python_fn.__defaults__ or ())
            symbol = compiler.symbol
            compiled = CompiledFunction(symbol, qualname, params, declared or TensorType(),
                                        python_return=python_return_of(python_fn),
                                        method_of=self_info.class_name if self_info is not None else None)
            if self_info is not None:
                self_info.methods[qualname.rsplit(".", 1)[-1]] = compiled
            compiled.func_op = compiler.compile(params, declared)
            compiled.return_type = compiled.func_op.function_type.outputs.data[0]
            compiled.python_return = compiled.python_return or compiler.inferred_python_return
            if (kept := encode_text(compiled.python_return)) is not None:
                compiled.func_op.attributes[NT_ATTR] = StringAttr(kept)
            self.add_function(compiled)
            return compiled
        except BaseException:
            if self_info is not None:
                self_info.methods.pop(qualname.rsplit(".", 1)[-1], None)
            raise
        finally:
            self.compiling.pop()
            if caller is not None:
                self.call_chain.pop()

    def compile_callable(self, fn: Any, caller=None) -> CompiledFunction | None:
        """A Python function (or a ScriptFunction) compiled into this unit."""
        if getattr(fn, "_compiled", None) is not None and getattr(fn, "_obj", True) is None:  # a ScriptFunction
            return self.adopt(fn._cu, fn._compiled)
        script_fn = getattr(fn, "_tsjit_compiled", None)
        if script_fn is not None and script_fn.name in self.symbols:
            return script_fn
        if fn in self.functions:
            return self.functions[fn]
        if not inspect.isfunction(fn):
            return None
        compiled = self.compile_function(fn, self.function_symbol(fn), fn.__qualname__, caller)
        self.functions[fn] = compiled
        return compiled

    @staticmethod
    def function_symbol(fn: Any) -> str:
        module = fn.__module__
        return f"__torch__.{fn.__qualname__}" if module in ("__main__", None) else f"__torch__.{module}.{fn.__qualname__}"

    def compile_method(self, info: ClassInfo, name: str, caller=None) -> CompiledFunction:
        if name in info.methods and info.methods[name].func_op is not None:
            return info.methods[name]
        if isinstance(info, InterfaceInfo):
            return info.signature(self, name)
        fn = info.python_method(name)
        if getattr(fn, "_tsjit_modifier", None) == "unused":
            compiled = CompiledFunction(f"{info.class_name}.{name}", name, [], self.return_type_of(fn))
            compiled.extra["unused"] = True
            return compiled
        info.defining = name == "__init__" and not info.is_module
        try:
            return self.compile_function(fn, f"{info.class_name}.{name}", f"{info.python_class.__qualname__}.{name}",
                                         caller, self_info=info)
        finally:
            info.defining = False

    # -- functions and types compiled elsewhere ---------------------------------------------------
    def adopt(self, other: CompilationUnit, compiled: CompiledFunction) -> CompiledFunction:
        """`compiled` from unit `other`, copied into this one with what it calls (e.g. a traced
        function called from script); class types keep their names (objects know them)."""
        if other is self:
            return compiled
        key = (id(other), compiled.name)
        if key in self.adopted:
            return self.adopted[key]
        func_op = compiled.func_op.clone()
        new = dataclasses.replace(compiled, name=self.unique_symbol(compiled.name), func_op=func_op)
        func_op.sym_name = StringAttr(new.name)
        self.adopted[key] = new
        self.add_function(new)
        for op in func_op.walk():
            if op.name == "ts.call_function":
                callee = self.adopt(other, other.by_symbol[op.callee.string_value()])
                op.callee = SymbolRefAttr(callee.name)
            for t in [*op.result_types, *(a.type for r in op.regions for b in r.blocks for a in b.args)]:
                for name in class_names_in(t):
                    self.adopt_class(other, name)
        return new

    def adopt_class(self, other: CompilationUnit, class_name: str) -> ClassInfo:
        if class_name not in self.classes:
            info = other.classes[class_name]
            copy = self.classes[class_name] = _shallow_copy(info)
            copy.methods = {}
            if isinstance(copy, InterfaceInfo):
                copy.signatures = {}  # declared again in this unit's module
            for _, t in info.attrs.values():
                for name in class_names_in(t):
                    self.adopt_class(other, name)
            copy.methods = {name: self.adopt(other, m) for name, m in info.methods.items() if m.func_op is not None}
        return self.classes[class_name]

    # -- types ---------------------------------------------------------------------------------
    def module_info(self, module: Any) -> ModuleInfo:
        if "_cu" in module.__dict__:  # already a ScriptModule (scripted or traced): keep its type
            return self.adopt_class(module._cu, module._info.class_name)
        subs = {name: (self.module_info(m) if m is not None else None) for name, m in module._modules.items()}
        info = ModuleInfo(module, class_name_of(type(module)), subs, self.class_type_for)
        key = info.type_key() + tuple((n, s.class_name if s else None) for n, s in subs.items())
        if key in self.module_infos:
            return self.module_infos[key]
        base = info.class_name
        for n in itertools.count(1):
            if info.class_name not in self.classes:
                break
            info.class_name = f"{base}___torch_mangle_{n}"
        info.module = module
        for name, (_, t) in list(info.attrs.items()):
            try:
                register_enums(self.classes, t)
            except EnumTypeError as e:  # reported, located, where compiled code uses the attribute
                info.failed[name] = str(e)
                del info.attrs[name]
            if isinstance(t, ClassType) and isinstance(interface := self.classes.get(t.class_name.data), InterfaceInfo):
                self.check_holds(interface, name, getattr(module, name, None))
        self.module_infos[key] = info
        self.classes[info.class_name] = info
        return info

    def check_holds(self, interface: InterfaceInfo, name: str, value: Any) -> None:
        """A module attribute annotated with a class interface holds an object whose class has its
        methods (TorchScript checks when it scripts the module)."""
        t = script_object_type(value)
        info = self.classes.get(t.class_name.data) if t is not None else None
        if info is None:
            return
        for method in interface.method_names():
            wanted = interface.signature(self, method)
            got = self.compile_method(info, method) if info.has_method(method) else None
            if got is None or len(got.params) != len(wanted.params) or not all(
                    is_subtype(w.type, g.type) for w, g in zip(wanted.params, got.params)) or \
                    not is_subtype(got.return_type, wanted.return_type):
                problem = f"does not have method '{method}'" if got is None else \
                    f"has method '{method}' with a different signature"
                raise RuntimeError(f"Could not cast attribute '{name}' to type {interface.class_name}: Object of "
                                   f"type {info.class_name} is not compatible with interface "
                                   f"{interface.class_name}\nClass '{info.class_name}' {problem} but "
                                   f"'{interface.class_name}' does.")

    def script_class(self, cls: type, caller=None) -> ClassInfo:
        if cls in self.script_classes:
            return self.script_classes[cls]
        if cls.__bases__ != (object,) and not is_interface(cls):
            raise located(CompileError, "TorchScript classes does not support inheritance yet. Please directly "
                                        "inherit from 'object'.", caller[1] if caller else None, self.call_chain)
        info = (InterfaceInfo if is_interface(cls) else ClassInfo)(cls, class_name_of(cls))
        self.script_classes[cls] = info
        self.classes[info.class_name] = info
        if info.has_method("__init__"):
            self.compile_method(info, "__init__", caller)
        return info

    def class_info(self, class_name: str) -> ClassInfo | None:
        return self.classes.get(class_name) or enum_info(self.classes, class_name)

    def class_type_for(self, cls: type) -> Attribute | None:
        """The ts type an annotation naming a Python class means (script class, NamedTuple)."""
        if issubclass(cls, tuple) and hasattr(cls, "_fields"):
            if cls not in self.namedtuples:
                self.namedtuples[cls] = named_tuple_type(cls, lambda a: resolve_annotation(a, self.class_type_for))
            return self.namedtuples[cls]
        if cls in self.script_classes:
            return ClassType(self.script_classes[cls].class_name)
        import tsjit.nn as nn

        if isinstance(cls, type) and not issubclass(cls, nn.Module) and cls.__module__ not in ("builtins", "typing"):
            try:
                return ClassType(self.script_class(cls).class_name)
            except OSError:
                return None
        return None

    def namedtuple_fields(self, t: TupleType) -> list[list[str]]:
        fields = [list(cls._fields) for cls, tt in self.namedtuples.items() if tt == t]
        if len(t.types.data) == 2:
            fields.append(_MAX_MIN_FIELDS)
        return fields

    def return_type_of(self, fn: Any) -> Attribute:
        ann = getattr(fn, "__annotations__", {}).get("return", inspect.Parameter.empty)
        if ann is inspect.Parameter.empty:
            return TensorType()
        try:
            return resolve_annotation(ann, self.class_type_for)
        except NotAType:
            return TensorType()

    def register_python_function(self, fn: Any) -> str:
        key = f"{fn.__module__}.{fn.__qualname__}"
        self.python_functions[key] = fn
        PYTHON_FUNCTIONS[key] = fn
        return key


def _shallow_copy(info: ClassInfo) -> ClassInfo:
    copy = object.__new__(type(info))
    copy.__dict__.update(info.__dict__)
    return copy


#: @ignore'd Python functions called from compiled code, by key (the numpy backend calls them).
PYTHON_FUNCTIONS: dict[str, Any] = {}
