"""Module IR conventions: how an IR module describes a ScriptModule instance.

    ts.class_type module @__torch__.Net { ... }           the class types the module reaches,
    func.func @__torch__.Net.forward(%self: ..., ...)      their methods and what those call,
    %self.fc.weight = ts.constant dense<...> : tensor<..>  and the instance: its tensors and
    %self = ts.object "__torch__.Net"(...) {root}          values, one ts.object per object.

The object the module stands for is marked `root`. Passes (freeze, optimize_for_inference) and
the jit (tsjit/jit/module_ir.py, which converts ScriptModules to and from this form) share these.
"""
from __future__ import annotations

from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp
from xdsl.ir import Attribute, Operation, ParametrizedAttribute

from tsjit.dialects.ts.module_ops import ClassTypeOp, ObjectOp
from tsjit.dialects.ts.types import ClassType

#: The attribute marking the ts.object the module stands for.
ROOT = "root"

#: Attributes marking what a `ts.class_type` declares, besides a script class or a module type:
#: an Enum (`ts.class_type @__torch__.Color attributes {enum}`: attributes `name` and `value`; its
#: members are `#ts.enum` constants), or an interface (`attributes {interface}`: its `ts.method`s
#: name bodiless declarations, the signatures; a call on an interface value runs the method of the
#: object's own class, so nothing may inline it without knowing that class).
ENUM, INTERFACE = "enum", "interface"


def class_kind(cls: ClassTypeOp | None) -> str | None:
    """ENUM, INTERFACE, or None for a script class or module type (or no declaration)."""
    if cls is None:
        return None
    return ENUM if ENUM in cls.attributes else INTERFACE if INTERFACE in cls.attributes else None


class ModuleIRError(RuntimeError):
    """The IR does not describe a module instance (no root object, an unknown class, ...)."""


def own_module(unit: ModuleOp, *roots: str) -> ModuleOp:
    """A copy of the classes and functions of `unit` that `roots` (class or function names)
    reach: a compilation unit holds everything its process scripted, a pass wants one program."""
    symbols = {op.sym_name.data: op for op in unit.ops if isinstance(op, ClassTypeOp | func.FuncOp)}
    classes, functions = reachable(symbols, *roots)
    return ModuleOp([symbols[n].clone() for n in (*classes, *functions)])


def reachable(symbols: dict[str, Operation], *roots: str) -> tuple[list[str], list[str]]:
    """Class types and functions reachable from the named classes and functions, in their module order."""
    seen: set[str] = set()
    work = list(roots)
    while work:
        name = work.pop()
        if name in seen:
            continue
        op = symbols.get(name)
        if op is None:
            raise ModuleIRError(f"'{name}' is used but not defined in the module's compilation unit")
        seen.add(name)
        if isinstance(op, ClassTypeOp):
            work += [cn for t in op.attribute_types().values() for cn in class_names_in(t)]
            work += [ref.string_value() for ref in op.methods().values()]
            continue
        for inner in op.walk():
            if inner.name == "ts.call_function":
                work.append(inner.callee.string_value())
            types = [*inner.result_types, *(a.type for r in inner.regions for b in r.blocks for a in b.args)]
            work += [cn for t in types for cn in class_names_in(t)]
    order = [n for n in symbols if n in seen]
    return [n for n in order if isinstance(symbols[n], ClassTypeOp)], [n for n in order
                                                                       if isinstance(symbols[n], func.FuncOp)]


def root_object(module_op: ModuleOp) -> ObjectOp:
    roots = [op for op in module_op.ops if isinstance(op, ObjectOp) and ROOT in op.attributes]
    if len(roots) != 1:
        raise ModuleIRError(f"expected one `ts.object ... {{{ROOT}}}` (the module instance) in the IR, found "
                            f"{len(roots)}; the IR of a scripted module (tsjit.script(module), ts-translate "
                            "--import-torchscript) has one")
    return roots[0]


def class_names_in(t: Attribute):
    """The class types a type mentions (inside lists, tuples, optionals, ...)."""
    if isinstance(t, ClassType):
        yield t.class_name.data
    elif isinstance(t, ParametrizedAttribute):
        for p in t.parameters:
            yield from class_names_in(p)
    elif isinstance(t, ArrayAttr):
        for p in t.data:
            yield from class_names_in(p)
