"""`ts-freeze{preserved-attrs=...}`: fold a module instance's unchanging state into its code.

Works on module IR (tsjit/jit/module_ir.py: class types, methods, and the instance as
`ts.object`s with the root marked `root`), as TorchScript's freeze_module does (reference
§2.1): check the module, inline every call in forward and the preserved methods, find the
attributes the code mutates (`ts.set_attr`, in-place ops and list/dict mutation on anything
read from them, calls it cannot see into), turn every `get_attr` chain from `self` to any
other attribute into a constant named after its path (`%self.conv.weight`), clean up (so
`if self.training:` branches fold away), then drop the attributes, submodules, methods and
functions nothing uses any more. Preserved attributes (dotted paths like `sub.attr`) and
methods stay.

Interfaces (freeze_module's inlineInterfaceCalls): a call on an attribute typed with an
interface runs the method of the object the attribute holds, so the receiver is cast to that
object's class and the call inlined like any other; a method that replaces such an attribute
(`set_attr`) makes freezing fail, as in TorchScript. Calls on other interface values (objects
made in the code, container elements) stay calls; the objects an interface attribute or a
container holds keep their class, attributes and methods, which those calls may run.

Deliberate difference: the frozen class keeps its name (TorchScript clones it under a
mangled name); the Python API builds a new compilation unit, so the names cannot clash.

Extension (`snapshot`, not in TorchScript): freeze a module in training mode, with tensor
attributes written in place (a BatchNorm's running statistics and batch count) folded too, each
into one fresh copy per call: the frozen code computes from the state at freezing time and keeps
its writes to itself. This is how `tsjit.compile` runs a model in training mode (outputs as the
model's; its state is not updated). Attributes replaced by `set_attr` still stay attributes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import MemoryWriteEffect
from xdsl.utils.exceptions import PassFailedException

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.misc_ops import UncheckedCastOp
from tsjit.dialects.ts.module_ops import AttrDeclOp, ClassTypeOp, MethodOp, ObjectOp
from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.dialects.ts.types import (
    AnyType, BoolType, ClassType, FloatType, IntType, NoneType, StrType, TensorType,
)
from tsjit.ir.diagnostics import emit_error
from tsjit.passes.remove_mutation import may_alias

Path = tuple[str, ...]


@dataclass(frozen=True)
class TsFreezePass(ModulePass):
    name = "ts-freeze"

    preserved_attrs: tuple[str, ...] = ()
    snapshot: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from tsjit.dialects.ts.module_ir import ModuleIRError, root_object
        from tsjit.passes import apply_pass
        from tsjit.passes.cleanup import run_cleanup_once

        try:
            root = root_object(op)
        except ModuleIRError as e:
            raise PassFailedException(f"ts-freeze: {e}") from None
        module = _Module(op, root)
        if module.slot_constant((), "training") is True and not self.snapshot:
            raise PassFailedException("Freezing is currently only implemented for modules in eval mode. Please call "
                                      ".eval() on your module before freezing.")
        methods, preserved = module.split_preserved(self.preserved_attrs)
        funcs = [module.method_func(root.results[0].type.class_name.data, m) for m in methods]
        names = tuple(f.sym_name.data for f in funcs)
        apply_pass("ts-inline", op, functions=names)
        _check_no_interface_set_attr(funcs, module)
        while _resolve_interface_calls(funcs, module):  # the inlined methods may read more interface attributes
            apply_pass("ts-inline", op, functions=names)
        for f in funcs:
            _check_does_not_return_self(f)
        while True:  # folding `training` can make batch_norm stop writing its running stats: fold again
            mutable, assigned = set(preserved), set(preserved)
            for f in funcs:
                mutable |= _mutated_paths(f)
                assigned |= _assigned_paths(f)
            copied = mutable - assigned if self.snapshot else set()
            folded = sum(_fold_attributes(f, module, mutable - copied, copied) for f in funcs)
            run_cleanup_once(op, funcs)  # the methods kept; the others (inlined submodules') go below
            if not folded:
                break
        module.remove_unused(funcs, methods, preserved)


class _Module:
    """The classes, functions and instance state of one module IR."""

    def __init__(self, op: ModuleOp, root: ObjectOp):
        self.op, self.root = op, root
        self.classes = {c.sym_name.data: c for c in op.ops if isinstance(c, ClassTypeOp)}
        self.funcs = {f.sym_name.data: f for f in op.ops if isinstance(f, func.FuncOp)}
        self._check_complete()

    def _check_complete(self) -> None:
        """Every object's class and every method's function is in the module (freezing reads them)."""
        for obj in self.op.walk():
            if isinstance(obj, ObjectOp) and obj.results[0].type.class_name.data not in self.classes:
                raise emit_error(obj, f"ts-freeze: class {obj.results[0].type.class_name.data} is not declared "
                                      "in the module")
        for cls in self.classes.values():
            for method in cls.walk():
                if isinstance(method, MethodOp) and method.function.string_value() not in self.funcs:
                    raise emit_error(method, f"ts-freeze: method '{method.method_name.data}' of "
                                             f"{cls.sym_name.data} is @{method.function.string_value()}, "
                                             "which the module does not define")

    def class_of(self, obj: ObjectOp) -> ClassTypeOp:
        return self.classes[obj.results[0].type.class_name.data]

    def is_interface(self, t: Attribute | None) -> bool:
        from tsjit.dialects.ts.module_ir import INTERFACE

        cls = self.classes.get(t.class_name.data) if isinstance(t, ClassType) else None
        return cls is not None and INTERFACE in cls.attributes

    def slot(self, path: Path) -> SSAValue | None:
        """The state value at `path` from the root object (None if some step is not an object slot)."""
        value: SSAValue = self.root.results[0]
        for name in path:
            owner = value.owner
            if not isinstance(owner, ObjectOp):
                return None
            value = owner.slot_values().get(name)
            if value is None:
                return None
        return value

    def slot_constant(self, path: Path, name: str) -> Any:
        value = self.slot((*path, name))
        try:
            return constant_of(value) if value is not None else None
        except NotConstant:
            return None

    def method_func(self, class_name: str, method: str) -> func.FuncOp:
        return self.funcs[self.classes[class_name].methods()[method].string_value()]

    def split_preserved(self, names: tuple[str, ...]) -> tuple[list[str], set[Path]]:
        """forward + preserved methods of the root; preserved attribute paths."""
        root_class = self.class_of(self.root)
        methods = ["forward"] if "forward" in root_class.methods() else []
        paths: set[Path] = set()
        for name in names:
            if name in root_class.methods():
                if name not in methods:
                    methods.append(name)
            elif self.slot(tuple(name.split("."))) is not None:
                paths.add(tuple(name.split(".")))
            else:
                raise PassFailedException(f"ts-freeze: preserved attribute or method '{name}' does not exist")
        return methods, paths

    def remove_unused(self, funcs: list[func.FuncOp], methods: list[str], preserved: set[Path]) -> None:
        """Drop attributes, objects, methods and functions the kept methods no longer reach."""
        used: set[Path] = set(preserved)
        for f in funcs:
            used |= {p for p in _attribute_paths(f).values() if p}
        keep: dict[str, set[str]] = {}  # class -> attributes some instance still needs
        # classes of objects held by interface attributes or in containers: the code may call their
        # methods (on interface values) or read them (elements), so they keep everything
        whole: set[str] = set()
        seen: set[ObjectOp] = set()

        def keep_whole(value: SSAValue) -> None:
            for obj in _objects_in(value):
                if obj in seen:
                    continue
                seen.add(obj)
                whole.add(obj.results[0].type.class_name.data)
                keep.setdefault(obj.results[0].type.class_name.data, set()).update(obj.slot_values())
                for slot in obj.slot_values().values():
                    keep_whole(slot)

        def visit(obj: ObjectOp, path: Path) -> None:
            names = keep.setdefault(obj.results[0].type.class_name.data, set())
            declared = self.class_of(obj).attribute_types()
            for name, value in obj.slot_values().items():
                if any(u[:len(path) + 1] == (*path, name) for u in used):
                    names.add(name)
                    if isinstance(value.owner, ObjectOp) and not self.is_interface(declared.get(name)):
                        visit(value.owner, (*path, name))
                    else:
                        keep_whole(value)

        visit(self.root, ())
        root_class = self.class_of(self.root).sym_name.data
        for name, cls in list(self.classes.items()):
            if name not in keep:
                continue
            for decl in list(cls.body.block.ops):
                if isinstance(decl, AttrDeclOp) and decl.attr_name.data not in keep[name]:
                    Rewriter.erase_op(decl)
                elif isinstance(decl, MethodOp) and name not in whole and \
                        (name != root_class or decl.method_name.data not in methods):
                    Rewriter.erase_op(decl)
        for obj in [o for o in self.op.ops if isinstance(o, ObjectOp)]:
            names = keep.get(obj.results[0].type.class_name.data)
            if names is not None and set(obj.slot_values()) - names:
                slots = {n: v for n, v in obj.slot_values().items() if n in names}
                new = ObjectOp(obj.results[0].type.class_name.data, slots)
                new.attributes |= obj.attributes
                new.results[0].name_hint = obj.results[0].name_hint
                Rewriter.replace_op(obj, new)
        self._erase_unreachable()

    def _erase_unreachable(self) -> None:
        """Classes, functions and state ops that nothing kept refers to."""
        from tsjit.dialects.ts.module_ir import reachable

        for o in reversed(list(self.op.ops)):
            if not isinstance(o, ClassTypeOp | func.FuncOp) and "root" not in o.attributes and \
                    all(not r.uses for r in o.results):
                Rewriter.erase_op(o)
        # the classes of the objects left count too: an interface attribute's object is of another class
        symbols = {o.sym_name.data: o for o in self.op.ops if isinstance(o, ClassTypeOp | func.FuncOp)}
        objects = [o.results[0].type.class_name.data for o in self.op.ops if isinstance(o, ObjectOp)]
        classes, functions = reachable(symbols, self.root.results[0].type.class_name.data, *objects)
        for name, o in symbols.items():
            if name not in classes and name not in functions:
                Rewriter.erase_op(o)


def _objects_in(value: SSAValue) -> list[ObjectOp]:
    """The state objects `value` is or holds (in containers, through casts)."""
    owner = value.owner
    if isinstance(owner, ObjectOp):
        return [owner]
    if isinstance(owner, Operation) and owner.name in ("ts.list.construct", "ts.tuple.construct",
                                                       "ts.dict.construct", "ts.unchecked_cast"):
        return [o for v in owner.operands for o in _objects_in(v)]
    return []


def _check_does_not_return_self(f: func.FuncOp) -> None:
    self_arg = f.body.block.args[0]
    ret = f.body.block.last_op
    if any(v is self_arg or (isinstance(v.type, ClassType) and v.type == self_arg.type) for v in ret.operands):
        raise PassFailedException("attempted to freeze a module that return itself")


def _attribute_paths(f: func.FuncOp) -> dict[SSAValue, Path]:
    """Each value read through get_attr chains from `self` (the first argument), with its path
    (a `ts.unchecked_cast` keeps its operand's: an interface attribute cast to its object's class)."""
    paths: dict[SSAValue, Path] = {f.body.block.args[0]: ()}
    for op in f.walk():
        if op.name == "ts.get_attr" and op.operands[0] in paths:
            paths[op.results[0]] = (*paths[op.operands[0]], op.attr_name.data)
        elif op.name == "ts.unchecked_cast" and op.operands[0] in paths and paths[op.operands[0]]:
            paths[op.results[0]] = paths[op.operands[0]]
    return paths


def _check_no_interface_set_attr(funcs: list[func.FuncOp], module: _Module) -> None:
    """TorchScript's freeze refuses a method replacing an interface attribute (freeze_module.cpp)."""
    for f in funcs:
        for op in f.walk():
            if op.name == "ts.set_attr" and isinstance(t := op.operands[0].type, ClassType) and \
                    t.class_name.data in module.classes and \
                    module.is_interface(module.classes[t.class_name.data].attribute_types().get(op.attr_name.data)):
                raise PassFailedException(f"Freezing does not support SetAttr on an interface type. SetAttr is "
                                          f"attempted on '{op.attr_name.data}'")


def _resolve_interface_calls(funcs: list[func.FuncOp], module: _Module) -> int:
    """Cast each interface attribute that methods are called on to the class of the object it holds
    (through Any, as casts between classes must), unless some `set_attr` may replace it; how many."""
    from tsjit.passes.inline import is_interface_call

    replaced: set[Path] = set()
    for f in funcs:
        paths = _attribute_paths(f)
        replaced |= {(*paths[op.operands[0]], op.attr_name.data) for op in f.walk()
                     if op.name == "ts.set_attr" and op.operands[0] in paths}
    count = 0
    for f in funcs:
        for value, path in _attribute_paths(f).items():
            receivers = [u for u in value.uses if u.index == 0 and is_interface_call(u.operation, module.op)]
            state = module.slot(path) if path and receivers else None
            if state is None or not isinstance(state.owner, ObjectOp) or state.type == value.type or \
                    any(path[:i] in replaced for i in range(1, len(path) + 1)):
                continue
            erased = UncheckedCastOp.create(operands=[value], result_types=[AnyType()])
            cast = UncheckedCastOp.create(operands=[erased.results[0]], result_types=[state.type])
            Rewriter.insert_op([erased, cast], InsertPoint.after(value.owner))
            for use in receivers:
                use.operation.operands[0] = cast.results[0]
            count += 1
    return count


def _written_operands(op: Operation) -> list[SSAValue]:
    """The operands an op may write through (in-place ops and mutations write their first)."""
    if op.name == "ts.batch_norm":
        try:
            training = constant_of(op.operands[5])
        except NotConstant:
            training = True
        return [op.operands[3], op.operands[4]] if training else []
    if op.name in ("ts.generic", "ts.call_method", "ts.call_function", "ts.fork"):
        return list(op.operands)
    if op.has_trait(MemoryWriteEffect) and op.operands and op.name != "ts.set_attr":
        return [op.operands[0]]
    return []


def _mutated_paths(f: func.FuncOp) -> set[Path]:
    """Attributes the function may change: set, or written through a value that may alias them."""
    paths = _attribute_paths(f)
    origin: dict[SSAValue, Path] = {v: p for v, p in paths.items() if p}
    mutated: set[Path] = set()
    for op in f.walk():
        if op.name == "ts.set_attr" and op.operands[0] in paths:
            mutated.add((*paths[op.operands[0]], op.attr_name.data))
            continue
        sources = [origin[v] for v in op.operands if v in origin]
        if sources and op.name != "ts.get_attr" and may_alias(op):  # views (and unknown ops) may alias; other results are new
            for r in op.results:  # a view, an element, or the written value itself may alias the attribute
                if not isinstance(r.type, ClassType | BoolType | IntType | FloatType | StrType | NoneType):
                    origin[r] = sources[0]
        for v in _written_operands(op):
            if v in origin:
                mutated.add(origin[v])
    return mutated


def _assigned_paths(f: func.FuncOp) -> set[Path]:
    """Attributes the function replaces (`ts.set_attr`)."""
    paths = _attribute_paths(f)
    return {(*paths[op.operands[0]], op.attr_name.data) for op in f.walk()
            if op.name == "ts.set_attr" and op.operands[0] in paths}


def _fold_attributes(f: func.FuncOp, module: _Module, mutable: set[Path], copied: set[Path] = frozenset()) -> int:
    """Replace reads of attributes that never change by constants at the top of `f`, and reads of
    tensor attributes in `copied` by one fresh copy of their value per call; how many."""
    block = f.body.block
    count = 0
    first = block.first_op
    copies: dict[Path, SSAValue] = {}
    for value, path in _attribute_paths(f).items():
        if not path or any(path[:i] in mutable for i in range(1, len(path) + 1)):
            continue
        state = module.slot(path)
        if state is None or not isinstance(state.owner, ConstantOp):
            continue
        t = value.type if isinstance(value.type, TensorType) and isinstance(state.type, TensorType) else state.type
        if path in copied:
            if not isinstance(state.type, TensorType):
                continue
            if path not in copies:
                const = ConstantOp(state.owner.value, t)
                clone = TENSOR_OP_CLASSES["clone"].create(operands=[const.results[0]], result_types=[t])
                block.insert_ops_before([const, clone], first)
                const.results[0].name_hint = clone.results[0].name_hint = "self." + ".".join(path)
                copies[path] = clone.results[0]
            value.replace_all_uses_with(copies[path])
            count += 1
            continue
        if any(path[:i] in copied for i in range(1, len(path))):
            continue
        const = ConstantOp(state.owner.value, t)
        const.results[0].name_hint = "self." + ".".join(path)
        block.insert_op_before(const, first)
        value.replace_all_uses_with(const.results[0])
        count += 1
    return count
