"""`@torch.jit.interface` classes: a type given by method signatures, held by any class that has them.

An interface is never compiled: its methods are signatures (the body must be `pass`, after an
optional docstring, as TorchScript requires). Its `ts.class_type` is marked `interface`
(tsjit/dialects/ts/module_ir.py) and names, for each method, a bodiless `func.func` declaring the
signature, so a module whose code or state holds interface values can be frozen and saved. A call
on an interface value is a `ts.call_method` that the run time dispatches on the object's class. A
script class object becomes an interface value where an interface type is expected (annotated
variable, argument, list element, return): its class must have every method with the same
signature; those methods are compiled then, and the value is cast (through Any, as a static
`unchecked_cast` may only refine). Module interfaces (an `nn.Module` attribute annotated with one)
need nothing here: submodule calls already dispatch on the object, so implementations can be swapped.
"""
from __future__ import annotations

import ast
from typing import Any

from xdsl.dialects import func
from xdsl.dialects.builtin import UnitAttr
from xdsl.ir import Attribute

from tsjit.dialects.ts.module_ir import INTERFACE
from tsjit.dialects.ts.types import AnyType, ClassType, OptionalType, is_subtype
from tsjit.frontend.script.errors import CompileError, located
from tsjit.frontend.script.module_types import ClassInfo
from tsjit.frontend.script.source import parse_object
from tsjit.frontend.script.values import is_ir


def is_interface(cls: Any) -> bool:
    return isinstance(cls, type) and cls.__dict__.get("_tsjit_interface", False)


def check_interface_body(cls: type) -> None:
    """Every method body is `pass` (after an optional docstring), as TorchScript checks when decorating."""
    for fn in vars(cls).values():
        if not callable(fn) or not hasattr(fn, "__code__"):
            continue
        parsed = parse_object(fn)
        body = whole = parsed.node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
                isinstance(body[0].value.value, str):
            body = body[1:]
        if len(body) != 1 or not isinstance(body[0], ast.Pass):
            culprit = body[0] if body else whole[0]
            raise located(CompileError, "interfaces declarations should contain 'pass' statement.",
                          parsed.range(culprit), [])


def interface(obj: type) -> type:
    """torch.jit.interface: mark a class (or nn.Module subclass) as an interface, checking its bodies."""
    from tsjit.frontend import decorators

    check_interface_body(obj)
    return decorators.interface(obj)


class InterfaceInfo(ClassInfo):
    """An interface type: method signatures (CompiledFunctions without IR), no attributes."""

    def __init__(self, cls: type, class_name: str):
        self.python_class, self.class_name = cls, class_name
        self.attrs, self.methods, self.defining = {}, {}, False
        self.signatures: dict[str, Any] = {}

    def has_method(self, name: str) -> bool:
        fn = self.python_class.__dict__.get(name)
        return callable(fn) and hasattr(fn, "__code__")

    def method_names(self) -> list[str]:
        return [n for n in self.python_class.__dict__ if self.has_method(n) and not n.startswith("__")]

    def declare(self, cu) -> None:
        """Add a bodiless func.func per method to `cu`'s module: the signatures `class_type_op` names."""
        for name in self.method_names():
            compiled = self.signature(cu, name)
            if compiled.func_op is None:
                compiled.name = cu.unique_symbol(compiled.name)
                inputs = [ClassType(self.class_name), *(p.type for p in compiled.params)]
                compiled.func_op = func.FuncOp.external(compiled.name, inputs, [compiled.return_type])
                cu.add(compiled.func_op)

    def class_type_op(self):
        """`ts.class_type @__torch__.Shape attributes {interface} { ts.method "area" = @... }` (after `declare`)."""
        saved, self.methods = self.methods, {n: f for n, f in self.signatures.items() if f.func_op is not None}
        try:
            op = super().class_type_op()
        finally:
            self.methods = saved
        op.attributes[INTERFACE] = UnitAttr()
        return op

    def signature(self, cu, name: str):
        """The method's parameters and return type, read from its annotations (never compiled)."""
        if name not in self.signatures:
            from tsjit.frontend.script.function_compiler import (
                CompiledFunction,
                FunctionCompiler,
            )

            fn = self.python_class.__dict__[name]
            compiler = FunctionCompiler(cu, parse_object(fn), f"{self.class_name}.{name}",
                                        f"{self.python_class.__qualname__}.{name}", fn.__globals__, {},
                                        self_info=self)
            params, declared = compiler.signature(fn.__defaults__ or ())
            self.signatures[name] = CompiledFunction(f"{self.class_name}.{name}", compiler.qualname, params,
                                                     declared if declared is not None else cu.return_type_of(fn),
                                                     method_of=self.class_name)
        return self.signatures[name]


class InterfaceCompiler:
    """Mixin of FunctionCompiler: an object where an interface is expected becomes an interface value."""

    def as_value(self, value: Any, node: ast.AST, hint: Attribute | None = None):
        v = super().as_value(value, node, hint)
        if isinstance(hint, OptionalType):  # Optional[Shape]: an object becomes a Shape
            hint = hint.element_type
        if isinstance(hint, ClassType) and is_ir(v) and isinstance(v.type, ClassType) and v.type != hint:
            target = self.cu.class_info(hint.class_name.data)
            if isinstance(target, InterfaceInfo):
                self.check_conforms(node, v.type, target)
                v = self.builder.op("unchecked_cast", [v], [AnyType()]).results[0]
                return self.builder.op("unchecked_cast", [v], [hint]).results[0]
        return v

    def check_conforms(self, node: ast.AST, t: ClassType, interface: InterfaceInfo) -> None:
        info = self.cu.class_info(t.class_name.data)
        if info is None or info.is_module:
            return
        for name in interface.method_names():
            wanted = interface.signature(self.cu, name)
            if not info.has_method(name):
                self.error(node, f"{self.type_name(t)} is not compatible with interface "
                                 f"{interface.class_name}: method '{name}' is not defined")
            got = self.cu.compile_method(info, name, caller=(self.qualname, self.src.range(node)))
            same = len(got.params) == len(wanted.params) and all(
                is_subtype(w.type, g.type) for w, g in zip(wanted.params, got.params)) and \
                is_subtype(got.return_type, wanted.return_type)
            if not same:
                self.error(node, f"{self.type_name(t)} is not compatible with interface {interface.class_name}: "
                                 f"method '{name}' has a different signature")
