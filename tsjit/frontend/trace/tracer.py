"""`Tracer`: records the kernels eager code runs as ts ops in one func.func block.

Run-time objects are matched to the SSA values that compute them by identity: a kernel's
ndarray operands are looked up (an input, a result recorded earlier, a module parameter read
through `ts.get_attr`, else a constant), its results bound. Everything bound stays referenced
until the trace ends, so an id is never reused for another object. Inside a region (a fork
body) bindings are journaled and undone on leaving it, so no value escapes its region.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
from xdsl.ir import Block, Operation, SSAValue

from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.dialects.ts.constant import ConstantOp, DeviceAttr
from tsjit.dialects.ts.types import (
    BoolType,
    DeviceType,
    DictType,
    FloatType,
    IntType,
    ListType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
)
from tsjit.frontend.script.ir_builder import IRBuilder
from tsjit.frontend.trace.traced_int import TracedInt
from tsjit.frontend.trace.user_frame import location

#: Schema kinds of scalar operands -> the constant's type (Scalar follows the Python value).
_SCALAR_TYPES = {"int": IntType(), "float": FloatType(), "bool": BoolType(), "str": StrType(),
                 "ScalarType": IntType()}
_PYTHON_TYPES = {bool: BoolType(), int: IntType(), float: FloatType(), str: StrType()}
#: Ops whose results differ from run to run (TorchScript's isNondeterministic()).
NONDETERMINISTIC = frozenset({"rand", "randn", "randint", "rand_like", "randn_like", "dropout"})


class TracingError(RuntimeError):
    """Something the tracer cannot record (an unsupported input or output, ...)."""


class Tracer:
    """Appends one recorded op per kernel call to `block`; `self_value` is the traced module."""

    def __init__(self, unit: Any, block: Block, self_value: SSAValue | None = None,
                 attributes: dict[int, tuple[Any, list]] | None = None):
        self.unit = unit
        self.builder = IRBuilder(block)
        self.thread = threading.get_ident()
        self.paused = False
        self.self_value = self_value
        self.attributes = attributes or {}  # id(ndarray or object) -> (it, get_attr path)
        self.values: dict[int, tuple[Any, SSAValue]] = {}
        self.journal: list | None = None
        self.nondeterministic: list[Operation] = []

    # -- objects <-> values ----------------------------------------------------------------------
    def bind(self, obj: Any, value: SSAValue) -> None:
        key = id(obj)
        if self.journal is not None:
            self.journal.append((key, self.values.get(key)))
        self.values[key] = (obj, value)

    def lookup(self, obj: Any) -> SSAValue | None:
        entry = self.values.get(id(obj))
        return entry[1] if entry is not None and entry[0] is obj else None

    def tensor(self, array: np.ndarray) -> SSAValue:
        """The value of an ndarray: recorded, a module attribute, or else a constant."""
        value = self.lookup(array)
        if value is None:
            value = self.attribute(array)
            if value is None:
                value = self.builder.const(np.array(array), TensorType())
            self.bind(array, value)
        return value

    def attribute(self, obj: Any) -> SSAValue | None:
        """`self.a.b` read through get_attr when `obj` is an attribute of the traced module."""
        entry = self.attributes.get(id(obj))
        if entry is None or entry[0] is not obj or self.self_value is None:
            return None
        value = self.self_value
        for name, t, module in entry[1]:
            known = self.lookup(module) if module is not None else None
            if known is None:
                known = self.builder.op("get_attr", [value], [t], attr_name=_str(name)).results[0]
                if module is not None:
                    self.bind(module, known)
            value = known
        return value

    def object(self, obj: Any) -> SSAValue | None:
        value = self.lookup(obj)
        if value is None:
            value = self.attribute(obj)
            if value is not None:
                self.bind(obj, value)
        return value

    def scalar(self, x: Any, kind: str = "Scalar") -> SSAValue:
        if isinstance(x, TracedInt):
            value = self.lookup(x)
            if value is None:
                value = x.emit(self)
                self.bind(x, value)
            return value
        if x is None:
            return self.builder.none()
        if kind == "Device":
            return self.builder.add(ConstantOp(DeviceAttr(str(x)), DeviceType())).results[0]
        if kind == "float":
            x = float(x)
        t = _SCALAR_TYPES.get(kind) or _PYTHON_TYPES.get(type(x))
        if t is None:
            raise TracingError(f"cannot record a {type(x).__name__} operand")
        return self.builder.const(x, t)

    def operand(self, kind: str, x: Any) -> SSAValue:
        """The value for one kernel argument of schema kind `kind`."""
        if x is None:
            return self.builder.none()
        if isinstance(x, np.ndarray):
            return self.tensor(x)
        base = kind.removesuffix("?")
        if base in ("Tensor[]", "Tensor?[]"):
            items = [self.operand("Tensor?", e) for e in x]
            elt = TensorType() if base == "Tensor[]" else OptionalType(TensorType())
            return self.builder.op("list.construct", items, [ListType(elt)]).results[0]
        if base.endswith("[]"):
            elt = base[:-2]
            t = ListType(_SCALAR_TYPES[elt])
            if any(isinstance(e, TracedInt) for e in x):
                return self.builder.op("list.construct", [self.scalar(e, elt) for e in x], [t]).results[0]
            return self.builder.const([float(e) if elt == "float" else e for e in x], t)
        return self.scalar(x, base.removeprefix("Tensor|"))

    # -- recording -------------------------------------------------------------------------------
    def begin(self, name: str, args: tuple) -> Operation:
        """Record kernel `name` applied to `args` as `ts.<name>`, before the kernel runs."""
        schema = OPS_BY_NAME[f"ts.{name}"].SCHEMA
        if len(args) != len(schema.args):
            raise TracingError(f"ts.{name} takes {len(schema.args)} operands, the kernel got {len(args)}")
        self.builder.location = location()
        operands = [self.operand(a.kind, v) for a, v in zip(schema.args, args)]
        return self.builder.op(name, operands)

    def finish(self, name: str, op: Operation, args: tuple, result: Any) -> None:
        """Bind the kernel's results to the op's."""
        if name in NONDETERMINISTIC and (name != "dropout" or args[2]):
            self.nondeterministic.append(op)
        if op.SCHEMA.results[0].kind == "Tensor[]":
            items = self.builder.op("list.unpack", [op.results[0]], [TensorType()] * len(result)).results
            for array, value in zip(result, items):
                self.bind(array, value)
        elif len(op.results) > 1:
            for array, value in zip(result, op.results):
                self.bind(array, value)
        else:
            self.bind(result, op.results[0])

    def cancel(self, op: Operation) -> None:
        """The kernel raised: forget its op."""
        op.detach()
        op.erase()

    @contextlib.contextmanager
    def region(self, block: Block) -> Iterator[None]:
        """Record into `block` (a nested region); bindings made inside are undone on exit."""
        saved = self.builder.block, self.journal
        self.builder.block, self.journal = block, []
        try:
            yield
        finally:
            for key, previous in reversed(self.journal):
                if previous is None:
                    del self.values[key]
                else:
                    self.values[key] = previous
            self.builder.block, self.journal = saved

    @contextlib.contextmanager
    def pause(self) -> Iterator[None]:
        """Run code without recording it (compiled code calling back into Python, checks)."""
        saved, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = saved

    # -- structured values (inputs, outputs, calls) ----------------------------------------------
    def value_of(self, obj: Any, strict: bool = True) -> SSAValue:
        """An output: a tensor, or tuples (lists and dicts when not strict) of them."""
        from tsjit.eager.tensor_class import Tensor

        if isinstance(obj, Tensor):
            return self.tensor(obj._data)
        if isinstance(obj, np.ndarray):
            return self.tensor(obj)
        if isinstance(obj, tuple):
            items = [self.value_of(o, strict) for o in obj]
            return self.builder.op("tuple.construct", items, [TupleType([v.type for v in items])]).results[0]
        if isinstance(obj, list):
            items = [self.value_of(o, strict) for o in obj]
            elt = items[0].type if items and all(v.type == items[0].type for v in items) else TensorType()
            return self.builder.op("list.construct", items, [ListType(elt)]).results[0]
        if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
            operands = []
            for k, v in obj.items():
                operands += [self.builder.const(k, StrType()), self.value_of(v, strict)]
            types = {v.type for v in operands[1::2]}
            t = DictType(StrType(), types.pop() if len(types) == 1 else TensorType())
            return self.builder.op("dict.construct", operands, [t]).results[0]
        raise TracingError("Only tensors, lists, tuples of tensors, or dictionary of tensors can be output from "
                           "traced functions")

    def bind_structure(self, obj: Any, value: SSAValue) -> None:
        """Bind the tensors inside an input (or a call's result) to the parts of `value`."""
        from tsjit.eager.tensor_class import Tensor

        t = value.type
        if isinstance(obj, Tensor):
            self.bind(obj._data, value)
        elif isinstance(obj, np.ndarray):
            self.bind(obj, value)
        elif isinstance(obj, tuple) and isinstance(t, TupleType):
            parts = self.builder.op("tuple.unpack", [value], list(t.types.data)).results
            for o, v in zip(obj, parts):
                self.bind_structure(o, v)
        elif isinstance(obj, list) and isinstance(t, ListType):
            parts = self.builder.op("list.unpack", [value], [t.element_type] * len(obj)).results
            for o, v in zip(obj, parts):
                self.bind_structure(o, v)
        elif isinstance(obj, dict) and isinstance(t, DictType):
            for k, o in obj.items():
                v = self.builder.op("dict.get", [value, self.builder.const(k, StrType())], [t.value_type]).results[0]
                self.bind_structure(o, v)


def input_type(obj: Any) -> Any:
    """The ts type of a traced input (tensors and nested tuples, lists and dicts of them), else None."""
    from tsjit.eager.tensor_class import Tensor

    if isinstance(obj, Tensor):
        return TensorType()
    if isinstance(obj, tuple):
        types = [input_type(o) for o in obj]
        return None if None in types else TupleType(types)
    if isinstance(obj, list) and obj:
        types = {input_type(o) for o in obj}
        return ListType(types.pop()) if len(types) == 1 and None not in types else None
    if isinstance(obj, dict) and obj and all(isinstance(k, str) for k in obj):
        types = {input_type(o) for o in obj.values()}
        return DictType(StrType(), types.pop()) if len(types) == 1 and None not in types else None
    return None


def input_types(inputs: tuple) -> list:
    types = [input_type(x) for x in inputs]
    if None in types:
        raise TracingError(f"Type '{python_type_name(inputs)}' cannot be traced. Only Tensors and (possibly nested) "
                           "Lists, Dicts, and Tuples of Tensors can be traced")
    return types


def python_type_name(obj: Any) -> str:
    """`Tuple[int]`, `List[Tensor]`, ...: how TorchScript names the type of a Python value."""
    from tsjit.eager.tensor_class import Tensor

    if isinstance(obj, Tensor):
        return "Tensor"
    if isinstance(obj, tuple):
        return f"Tuple[{', '.join(python_type_name(o) for o in obj)}]"
    if isinstance(obj, list):
        return f"List[{python_type_name(obj[0]) if obj else 'Tensor'}]"
    if isinstance(obj, dict):
        k, v = next(iter(obj.items()), ("", None))
        return f"Dict[{python_type_name(k)}, {python_type_name(v)}]"
    return type(obj).__name__


def _str(name: str):
    from xdsl.dialects.builtin import StringAttr

    return StringAttr(name)
