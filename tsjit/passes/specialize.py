"""`ts-specialize{shapes=2x3xf32,4xi64 function=...}`: give every tensor a static type.

The given shapes become the types of a function's tensor arguments (in order; `f32` alone
is a 0-d tensor, `?` an unknown dim); every op's result type then follows from its shape
function (tsjit/dialects/ts/shape_functions.py), through `ts.if` (the join of both
branches, or the taken one when the current types decide the condition: `if h.dim() == 2`
in a loop body) and `ts.loop` (carried values iterate to a fixed point: a dim that changes
between iterations becomes `?`; tuples built and unpacked in the body keep their element
types; the `ts.uninitialized` value an early return carries until it is set joins with nothing
and takes the type it is set to), and the signature takes the new result types. Then
canonicalize folds `dim`/`size`/`size_dim`/`numel` of the now static tensors, so shape checks such
as BatchNorm's rank test fold away, and ts-constant-propagation the list work canonicalize leaves
(the size products of GroupNorm's batch check); propagation and folding repeat until nothing changes.
Each round also decides `a is b` where it can (identity_tests.py: from the example inputs when
tsjit.jit.specialize gives them) and sees through the list work of torch's attention code
(container_folds.py).

TorchScript's counterpart is shape propagation on a graph specialized to example inputs
(the profiling executor's `TensorType` refinement); unlike it, a shape the program needs
but cannot know (a non-constant view size, a boolean-mask index) is an error naming the
op and its `loc`, because the lowering to linalg needs static shapes. Where an op does not
need the shape, an unknown dim stays `?` and `specialize_function` reports it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass

from tsjit.dialects.ts import shape_functions as sf
from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.control_flow import ConditionOp, IfOp, LoopOp
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.shape_functions import T, Unknown
from tsjit.dialects.ts.types import (
    DTYPES,
    DYNAMIC,
    BoolType,
    FloatType,
    IntType,
    ListType,
    NoneType,
    OptionalType,
    TensorType,
    TupleType,
    format_dims,
)
from tsjit.ir.diagnostics import Diag, DiagError, op_loc
from tsjit.passes.constant_propagation import constant_propagation
from tsjit.passes.count_loops import count_loops
from tsjit.passes.container_folds import fold_lengths, forward_appended_unpacks, forward_dict_items
from tsjit.passes.identity_tests import fold_identity_tests, record_identity_tests
from tsjit.passes.list_appends import fold_list_appends
from tsjit.passes.split_unpacks import split_unpacks
from tsjit.passes.static_conditions import known_condition
from tsjit.passes.unroll_loops import must_unroll, unknown_length_hint, unroll_loops

_KIND = {IntType: "int", FloatType: "float", BoolType: "bool"}
_ELEMENT = {str(t): t for t in DTYPES.values()}
MAX_ROUNDS = 64


class SpecializeError(DiagError):
    """A shape the program needs cannot be known; located at `op` when one is to blame."""

    def __init__(self, message: str, op: Operation | None = None):
        super().__init__(Diag("error", message, op_loc(op)))


def parse_shape(text: str) -> TensorType:
    """`2x3xf32` -> !ts.tensor<[2,3], f32>; `?x4xi64` has an unknown dim; `f32` is 0-d."""
    *sizes, elt = text.strip().split("x")
    if elt not in _ELEMENT:
        raise SpecializeError(f"ts-specialize: unknown element type {elt!r} in {text!r} "
                              f"(one of {', '.join(_ELEMENT)})")
    try:
        dims = [DYNAMIC if s == "?" else int(s) for s in sizes]
    except ValueError:
        raise SpecializeError(f"ts-specialize: bad shape {text!r} (expected e.g. 2x3xf32)") from None
    return TensorType(dims, _ELEMENT[elt])


def location(op: Operation) -> str:
    """` at file.py:line:col` for an op from Python source (its `loc` attribute), else ''."""
    loc = op.attributes.get("loc")
    return f" at {loc.data}" if isinstance(loc, StringAttr) else ""


class _Propagation:
    """One forward walk over a function body, setting result types from shape functions."""

    def __init__(self) -> None:
        self.pieces: dict[SSAValue, list[T]] = {}  # tensor lists whose elements are known one by one
        self.errors: list[SpecializeError] = []
        self.unset: set[SSAValue] = set()  # never read where they flow (an early return's value): no type to join

    def abstract(self, value: SSAValue) -> Any:
        t = value.type
        if isinstance(t, TensorType):
            if isinstance(value.owner, ConstantOp) and (not t.has_static_shape or t.element_type is None):
                return sf.of_array(value.owner.py_value)
            return sf.from_type(t)
        if isinstance(t, ListType) and isinstance(_strip(t.element_type), TensorType):
            if value in self.pieces:
                return self.pieces[value]
            if isinstance(value.owner, ConstantOp) and isinstance(value.owner.py_value, list):  # folded x[idx]
                return [None if a is None else sf.of_array(np.asarray(a)) for a in value.owner.py_value]
            return Unknown()
        try:
            return constant_of(value)
        except NotConstant:
            pass
        if isinstance(t, ListType) and getattr(value.owner, "name", "") == "ts.list.construct":
            return [self.abstract(v) for v in value.owner.operands]
        return Unknown(_KIND.get(type(t)))

    def block(self, block: Block) -> None:
        for op in block.ops:
            self.op(op)

    def op(self, op: Operation) -> None:
        if isinstance(op, ConstantOp):
            t = op.result.type  # a folded 0-d constant may know its shape but not its dtype
            if isinstance(t, TensorType) and (not t.has_static_shape or t.element_type is None):
                _set(op.result, sf.to_type(sf.of_array(op.py_value)))
        elif isinstance(op, IfOp):
            self.block(op.then_region.block)
            self.block(op.else_region.block)
            taken = known_condition(op.cond)  # `if x.dim() == 2` inside a loop: known once x's type is
            for i, res in enumerate(op.results):
                then_v, else_v = (r.block.last_op.operands[i] for r in (op.then_region, op.else_region))
                if taken is None:
                    self._set_joined(res, then_v, else_v)
                else:
                    self._set_or_unset(res, None if (v := then_v if taken else else_v) in self.unset else v.type)
        elif isinstance(op, LoopOp):
            self.loop(op)
        elif op.name == "ts.uninitialized":
            self.unset.add(op.results[0])
        elif op.name.startswith("ts.") and sf.has_rules(op.name[3:]):
            self.tensor_op(op)
        elif op.name == "ts.list.construct" and op.operands and all(
                isinstance(v.type, TensorType) for v in op.operands):
            self.pieces[op.results[0]] = [sf.from_type(v.type) for v in op.operands]
            _set(op.results[0], ListType(_join_all([v.type for v in op.operands])))
        elif op.name == "ts.list.construct" and any(isinstance(v.type, TensorType) for v in op.operands) and all(
                isinstance(v.type, TensorType | NoneType) for v in op.operands):  # a Tensor?[] (x[:, i])
            self.pieces[op.results[0]] = [sf.from_type(v.type) if isinstance(v.type, TensorType) else None
                                          for v in op.operands]
        elif op.name == "ts.unchecked_cast" and isinstance(op.operands[0].type, TensorType) \
                and isinstance(op.results[0].type, TensorType):  # `mask` after `if mask is not None:`
            _set(op.results[0], op.operands[0].type)
        elif op.name == "ts.tuple.construct":  # `return h1, c1` then `h, c = ...` (in a loop body too)
            _set(op.results[0], TupleType([v.type for v in op.operands]))
        elif op.name == "ts.tuple.unpack" and isinstance(op.operands[0].type, TupleType):
            for res, t in zip(op.results, op.operands[0].type.types.data):
                _set(res, t)
        elif op.name == "ts.tuple.index" and isinstance(op.operands[0].type, TupleType):  # `self.attn(x, x, x)[0]`
            types, i = op.operands[0].type.types.data, self.abstract(op.operands[1])
            if isinstance(i, int) and not isinstance(i, bool) and -len(types) <= i < len(types):
                _set(op.results[0], types[i])
        elif op.name in ("ts.list.get", "ts.list.pop", "ts.list.unpack"):
            lst = op.operands[0]
            if isinstance(lst.type, ListType) and isinstance(lst.type.element_type, TensorType):
                for i, res in enumerate(op.results):
                    pieces = self.pieces.get(lst)
                    exact = pieces[i] if op.name == "ts.list.unpack" and pieces and i < len(pieces) else None
                    _set(res, sf.to_type(exact) if exact else lst.type.element_type)
        else:
            for region in op.regions:
                for block in region.blocks:
                    self.block(block)

    def tensor_op(self, op: Operation) -> None:
        try:
            results = sf.infer(op.name[3:], [self.abstract(v) for v in op.operands], len(op.results))
        except sf.ShapeError as e:
            self.errors.append(SpecializeError(
                f"ts-specialize: cannot infer the result shape of {op.name}{location(op)}: {e}{unknown_length_hint(op)}", op))
            return
        for res, t in zip(op.results, results):
            if isinstance(t, T) and isinstance(res.type, ListType):  # a Tensor[] of pieces not known
                _set(res, ListType(sf.to_type(t)))
            elif isinstance(t, T):
                _set(res, sf.to_type(t))
            elif isinstance(t, list) and isinstance(res.type, ListType):
                self.pieces[res] = t
                if t:
                    _set(res, ListType(_join_all([sf.to_type(p) for p in t])))

    def loop(self, op: LoopOp) -> None:
        """Carried types to a fixed point; an unset initial value (an early return's, None here)
        takes the type of the values the body gives it."""
        block = op.body.block
        current = [None if v in self.unset else v.type for v in op.init]
        for _ in range(MAX_ROUNDS):
            for arg, t in zip(block.args[1:], current):
                self._set_or_unset(arg, t)
            self.block(block)
            cond = block.last_op
            assert isinstance(cond, ConditionOp)
            new = [c if y in self.unset else y.type if c is None else _join_types(c, y.type, c)
                   for c, y in zip(current, cond.operands[1:])]
            if new == current:
                break
            current = new
        for res, init, t in zip(op.results, op.init, current):
            self._set_or_unset(res, t)
            self._type_placeholder(init, t)

    def _set_joined(self, res: SSAValue, a: SSAValue, b: SSAValue) -> None:
        """`res` is `a` or `b`: their join, or the one that is set."""
        if a in self.unset and b in self.unset:
            self.unset.add(res)
            return
        self.unset.discard(res)
        if a in self.unset or b in self.unset:
            known, placeholder = (b, a) if a in self.unset else (a, b)
            _set(res, known.type)
            self._type_placeholder(placeholder, known.type)
        else:
            _set(res, _join_types(a.type, b.type, res.type))

    def _set_or_unset(self, value: SSAValue, t: Attribute | None) -> None:
        if t is None:
            self.unset.add(value)
        else:
            self.unset.discard(value)
            _set(value, t)

    @staticmethod
    def _type_placeholder(value: SSAValue, t: Attribute | None) -> None:
        """A `ts.uninitialized` flowing only into `value`'s one place takes its type (it lowers to an
        empty buffer of that shape)."""
        if t is not None and getattr(value.owner, "name", "") == "ts.uninitialized" and value.has_one_use():
            _set(value, t)


def _strip(t: Attribute) -> Attribute:
    return t.element_type if isinstance(t, OptionalType) else t


def _set(value: SSAValue, t: Attribute) -> None:
    """Retype a value in place (xDSL 0.74 has no public setter; a rewrite would make a new value)."""
    if value.type != t:
        value._type = t


def _join_types(a: Attribute, b: Attribute, fallback: Attribute) -> Attribute:
    if isinstance(a, TensorType) and isinstance(b, TensorType):
        return sf.to_type(sf.join(sf.from_type(a), sf.from_type(b)))
    return a if a == b else fallback


def _join_all(types: list[Attribute]) -> Attribute:
    out = types[0]
    for t in types[1:]:
        out = _join_types(out, t, TensorType())
    return out


def _update_signature(func: FuncOp) -> None:
    ret = func.body.block.last_op
    outputs = [v.type for v in ret.operands] if isinstance(ret, ReturnOp) else list(func.function_type.outputs)
    func.function_type = FunctionType.from_lists([a.type for a in func.body.block.args], outputs)


def not_static(func: FuncOp) -> list[str]:
    """Where a tensor type is still not static after specializing: one line per value, except the
    values whose sizes the data decides (nonzero, x[mask], ..., and what is computed from them)."""
    from tsjit.passes.padded_results import data_sized

    notes, by_data = [], set()
    for op in func.walk():
        if data_sized(op) or any(v in by_data for v in op.operands):
            by_data.update(op.results)
            continue
        for res in op.results:
            if isinstance(res.type, TensorType) and not res.type.has_static_shape:
                shape = "*" if res.type.sizes is None else format_dims(res.type.sizes)
                notes.append(f"{op.name}{location(op)}: shape {shape} is not static")
    return notes


def specialize_function(ctx: Context, module: ModuleOp, func: FuncOp, arg_types: list[TensorType],
                        identity: dict[SSAValue, tuple[int, int]] | None = None) -> list[str]:
    """Specialize `func` (inside `module`) to `arg_types`; the notes name tensors left non-static.
    `identity` gives tensor arguments' (input position, position of the first input that is the same
    object) for `query is key` tests (fold_identity_tests)."""
    from xdsl.transforms.canonicalize import CanonicalizePass

    args = [a for a in func.body.block.args if isinstance(a.type, TensorType)]
    if len(args) != len(arg_types):
        raise SpecializeError(f"ts-specialize: @{func.sym_name.data} has {len(args)} tensor arguments, "
                              f"{len(arg_types)} shapes given", func)
    for arg, t in zip(args, arg_types):
        _set(arg, t)
    tested: dict[tuple[int, int], bool] = {}  # (input i, input j) -> the same object: `is` tests folded
    for _ in range(MAX_ROUNDS):  # each round may make sizes known that the next one needs (a layer each)
        before = _fingerprint(func)
        fold_identity_tests(func, identity or {}, tested)
        walk = _Propagation()
        walk.block(func.body.block)
        _fold_constant_unpacks(func)
        forward_appended_unpacks(func)
        forward_dict_items(func)
        fold_lengths(func, walk.pieces)
        split_unpacks(func)
        count_loops(func)  # `while i < n:`, a `break` on the iteration number: for-loops of a known length
        unroll_loops(func, only=must_unroll)  # range(x.dim() - 2) known now: its scalar work unrolls
        fold_list_appends(func)  # ... and the list it appended to becomes one list.construct
        _update_signature(func)
        CanonicalizePass().apply(ctx, module)
        if _fingerprint(func) == before:
            constant_propagation(func)  # list work canonicalize leaves: functional.py's size checks
            if _fingerprint(func) == before:
                break
    if walk.errors:
        raise walk.errors[0]
    record_identity_tests(func, tested)
    return not_static(func)


def _fingerprint(func: FuncOp) -> list:
    """What a round can change: the ops, their operands and result types (cheaper than printing
    the function with its weights)."""
    return [(op, tuple(op.operands), tuple(r.type for r in op.results)) for op in func.walk()]


def _fold_constant_unpacks(func: FuncOp) -> None:
    """`b, t, d = x.shape` once the shape is a constant list: each result becomes a constant, so
    sizes computed from them (`view(b, t, h, d // h)`) are known too; so do the tensors of a
    constant list (`w_q, w_k, w_v = in_proj_weight.chunk(3)` folded). A list something may write
    keeps its unpack."""
    from xdsl.traits import MemoryWriteEffect

    for op in list(func.walk()):
        if op.name != "ts.list.unpack" or not isinstance(op.operands[0].owner, ConstantOp):
            continue
        items = op.operands[0].owner.py_value
        if not isinstance(items, list) or len(items) != len(op.results) \
                or not all(isinstance(v, int | float | bool | np.ndarray) for v in items) \
                or any(use.operation.has_trait(MemoryWriteEffect) for use in op.operands[0].uses):
            continue
        for res, value in zip(op.results, items):
            const = ConstantOp.of(value, None if isinstance(value, np.ndarray) else res.type)
            op.parent_block().insert_op_before(const, op)
            const.results[0].name_hint = res.name_hint
            res.replace_all_uses_with(const.results[0])


@dataclass(frozen=True)
class TsSpecializePass(ModulePass):
    name = "ts-specialize"

    shapes: tuple[str, ...] = ()
    function: str = ""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arg_types = [parse_shape(s) for s in self.shapes]
        funcs = [f for f in op.walk() if isinstance(f, FuncOp) and not f.is_declaration]
        if self.function:
            funcs = [f for f in funcs if f.sym_name.data == self.function]
            if not funcs:
                names = ", ".join(f"@{f.sym_name.data}" for f in
                                  (f for f in op.walk() if isinstance(f, FuncOp) and not f.is_declaration))
                raise SpecializeError(f"ts-specialize: no function @{self.function} (functions: {names or 'none'})")
        else:
            funcs = [f for f in funcs if sum(isinstance(t, TensorType) for t in f.function_type.inputs)
                     == len(arg_types)]
            if not funcs:
                raise SpecializeError(
                    f"ts-specialize: no function takes {len(arg_types)} tensor arguments; give one shape per "
                    "tensor argument (shapes=2x3xf32,4xi64) and pick the function with function=NAME")
        for f in funcs:
            specialize_function(ctx, op, f, arg_types)
