"""A ScriptModule as one self-contained IR module, and back: what ts-opt, freeze and save work on.

    ts.class_type module @__torch__.Net { ... }           the class types the module reaches,
    func.func @__torch__.Net.forward(%self: ..., ...)      their methods and what those call,
    %self.fc.weight = ts.constant dense<...> : tensor<..>  and the instance: its tensors and
    %self = ts.object "__torch__.Net"(...) {root}          values, one ts.object per object.

The instance's ops sit in the module body after the functions; the object the module stands
for is marked `root`. A tensor or an object referenced from two places is emitted once, so
tied weights and shared submodules stay shared through passes and save/load.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, UnitAttr
from xdsl.ir import Attribute, Block, Region, SSAValue

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.module_ops import ClassTypeOp, ObjectOp
from tsjit.dialects.ts.types import (
    AnyType, ClassType, DictType, ListType, NoneType, OptionalType, TensorType, TupleType,
)  # fmt: skip
from tsjit.dialects.ts.module_ir import ROOT, ModuleIRError, reachable, root_object
from tsjit.frontend.script.compilation_unit import CompilationUnit
from tsjit.frontend.script.function_compiler import CompiledFunction, Param
from tsjit.frontend.script.ir_builder import IRBuilder
from tsjit.frontend.script.module_types import ClassInfo
from tsjit.runtime import EnumObject, ScriptObject

# -- ScriptModule -> IR ----------------------------------------------------------------------------
def definitions(module: Any) -> tuple[list[ClassTypeOp], list[func.FuncOp]]:
    """The class types and functions of its compilation unit that ScriptModule `module` uses."""
    symbols = {op.sym_name.data: op for op in module._cu.module.ops if isinstance(op, ClassTypeOp | func.FuncOp)}
    # the classes of the objects the state holds too: an attribute typed with an interface holds an
    # object of another class, whose methods its calls run
    classes, functions = reachable(symbols, *_object_classes(module._c))
    return [symbols[name] for name in classes], [symbols[name] for name in functions]


def to_ir(module: Any) -> ModuleOp:
    """The classes, functions and state of ScriptModule `module`, copied into a new IR module."""
    classes, functions = definitions(module)
    body = [op.clone() for op in classes] + [op.clone() for op in functions]
    block = Block(body)
    _StateWriter(block, {op.sym_name.data: op for op in classes}).object(module._c, "self").owner.attributes[ROOT] = \
        UnitAttr()
    return ModuleOp(Region([block]))


def _object_classes(root: ScriptObject) -> list[str]:
    """The class names of `root` and of every object its slots hold (in containers too)."""
    names: dict[str, None] = {}
    seen: set[int] = set()
    work: list[Any] = [root]
    while work:
        x = work.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, ScriptObject):
            names[x._class_name] = None
            work += list(x.slots.values())
        elif isinstance(x, list | tuple):
            work += list(x)
        elif isinstance(x, dict):
            work += [*x.keys(), *x.values()]
    return list(names)


class _StateWriter:
    """Emits the ops that rebuild run-time values, sharing what is shared."""

    def __init__(self, block: Block, classes: dict[str, ClassTypeOp]):
        self.builder = IRBuilder(block)
        self.classes = classes
        self.memo: dict[int, SSAValue] = {}

    def object(self, obj: ScriptObject, name: str) -> SSAValue:
        if id(obj) in self.memo:
            return self.memo[id(obj)]
        declared = self.classes[obj._class_name].attribute_types()
        slots = {n: self.value(getattr(obj, n), t, f"{name}.{n}") for n, t in declared.items() if hasattr(obj, n)}
        value = self.builder.add(ObjectOp(obj._class_name, slots)).results[0]
        value.name_hint = name
        self.memo[id(obj)] = value
        return value

    def value(self, x: Any, t: Attribute, name: str) -> SSAValue:
        b = self.builder
        if isinstance(x, EnumObject):  # a member is a constant (`#ts.enum<...>`), as in TorchScript
            return b.const(x)
        if isinstance(x, ScriptObject):
            return self.object(x, name)
        if isinstance(x, np.ndarray):
            if id(x) not in self.memo:
                v = b.const(x)
                v.name_hint = name
                self.memo[id(x)] = v
            return self.memo[id(x)]
        if isinstance(t, OptionalType):
            return b.none() if x is None else self.value(x, t.element_type, name)
        if x is None:
            return b.none()
        if isinstance(x, list) and isinstance(t, ListType):
            elt = t.element_type
            if all(isinstance(e, bool | int | float | str) for e in x) and not isinstance(elt, TensorType):
                return b.const(list(x), t)
            items = [self.element(e, elt, f"{name}.{i}") for i, e in enumerate(x)]
            return b.op("list.construct", items, [t]).results[0]
        if isinstance(x, tuple) and isinstance(t, TupleType):
            items = [self.element(e, et, f"{name}.{i}") for i, (e, et) in enumerate(zip(x, t.types.data))]
            return b.op("tuple.construct", items, [t]).results[0]
        if isinstance(x, dict) and isinstance(t, DictType):
            operands = []
            for k, v in x.items():
                operands += [self.element(k, t.key_type, name), self.element(v, t.value_type, f"{name}.{k}")]
            return b.op("dict.construct", operands, [t]).results[0]
        if isinstance(x, bool | int | float | str):
            return b.const(x, t if not isinstance(t, NoneType) else None)
        raise ModuleIRError(f"cannot write attribute '{name}' of type {type(x).__name__} into IR")

    def element(self, x: Any, t: Attribute, name: str) -> SSAValue:
        """A container element: an object where an interface is expected is cast to it (through Any,
        as script converts it), since containers want elements of their element type."""
        v = self.value(x, t, name)
        target = t.element_type if isinstance(t, OptionalType) and isinstance(v.type, ClassType) else t
        if isinstance(v.type, ClassType) and isinstance(target, ClassType) and v.type != target:
            erased = self.builder.op("unchecked_cast", [v], [AnyType()]).results[0]
            v = self.builder.op("unchecked_cast", [erased], [target]).results[0]
        return v


# -- IR -> ScriptModule ----------------------------------------------------------------------------
def from_ir(module_op: ModuleOp) -> Any:
    """A ScriptModule running `module_op` (which it takes over: its state ops are removed)."""
    root = root_object(module_op)
    try:
        module_op.verify()
    except Exception as e:  # VerifyException, or a diagnostic raised through it
        raise ModuleIRError(f"the module's IR does not verify: {e}") from None
    values = _evaluate_state(module_op)
    unit = CompilationUnit()
    unit.module = module_op
    classes = {op.sym_name.data: op for op in module_op.ops if isinstance(op, ClassTypeOp)}
    functions = {op.sym_name.data: op for op in module_op.ops if isinstance(op, func.FuncOp)}
    unit.symbols |= set(classes) | set(functions)
    for name, op in classes.items():
        unit.classes[name] = IRClassInfo(op, classes, functions, unit)
    from tsjit.jit.script_module import ScriptModule

    return ScriptModule._from_object(unit, values[root.results[0]])


def _evaluate_state(module_op: ModuleOp) -> dict[SSAValue, Any]:
    """Run the instance's ops (constants, objects, containers) and take them out of the module."""
    values: dict[SSAValue, Any] = {}
    for op in list(module_op.ops):
        if isinstance(op, ClassTypeOp | func.FuncOp):
            continue
        args = [values[v] for v in op.operands]
        if isinstance(op, ConstantOp):
            result = op.py_value
        elif isinstance(op, ObjectOp):
            result = ScriptObject(op.results[0].type.class_name.data, dict(zip(op.slot_values(), args)))
        elif op.name == "ts.unchecked_cast":  # an object as an interface value (_StateWriter.element)
            result = args[0]
        elif op.name == "ts.list.construct":
            result = args
        elif op.name == "ts.tuple.construct":
            result = tuple(args)
        elif op.name == "ts.dict.construct":
            result = dict(zip(args[::2], args[1::2]))
        else:
            raise ModuleIRError(f"unexpected {op.name} among the module's state")
        if op.results:
            values[op.results[0]] = result
    for op in reversed(list(module_op.ops)):
        if not isinstance(op, ClassTypeOp | func.FuncOp):
            op.detach()
            op.erase(safe_erase=False)
    return values


class IRClassInfo(ClassInfo):
    """A class type read back from IR (no Python class behind it)."""

    def __init__(self, op: ClassTypeOp, classes: dict[str, ClassTypeOp], functions: dict[str, func.FuncOp],
                 unit: CompilationUnit):
        self.python_class, self.class_name = None, op.sym_name.data
        self.is_module = op.is_module is not None
        self.defining = False
        self.constants: dict[str, Any] = {}
        self.attrs = {}
        for decl in op.body.block.ops:
            if decl.name != "ts.attr":
                continue
            t = decl.attr_type
            kind = "parameter" if decl.parameter else "buffer" if decl.buffer else "attr"
            if isinstance(t, ClassType) and t.class_name.data in classes and classes[t.class_name.data].is_module:
                kind = "module"
            self.attrs[decl.attr_name.data] = (kind, t)
        self.methods = {}
        for method, ref in op.methods().items():
            f = functions[ref.string_value()]
            if f.body.blocks:
                params = [Param(a.name_hint or f"arg{i}", a.type) for i, a in enumerate(f.body.block.args[1:])]
            else:  # an interface's method: a declaration, its signature only
                params = [Param(f"arg{i}", t) for i, t in enumerate(f.function_type.inputs.data[1:])]
            compiled = CompiledFunction(ref.string_value(), f"{short_class_name(self.class_name)}.{method}", params,
                                        f.function_type.outputs.data[0], func_op=f, method_of=self.class_name,
                                        python_return=_python_return(f))
            unit.by_symbol[compiled.name] = compiled
            self.methods[method] = compiled

    def has_method(self, name: str) -> bool:
        return name in self.methods


def _python_return(f: func.FuncOp) -> Any:
    """The NamedTuples a saved method's result holds (tsjit/frontend/script/namedtuples.py)."""
    from tsjit.frontend.script.namedtuples import ATTR, decode_text

    attr = f.attributes.get(ATTR)
    return None if attr is None else decode_text(attr.data)


def short_class_name(class_name: str) -> str:
    """`__torch__.pkg.mod.Net___torch_mangle_3` -> `Net`: the Python class name TorchScript shows."""
    return re.sub(r"___torch_mangle_\d+$", "", class_name).rsplit(".", 1)[-1]


__all__ = ["from_ir", "short_class_name", "to_ir"]
