"""`ts-peephole`: TorchScript's PeepholeOptimize rewrites that apply to ts IR, one small pattern each.

Identity arithmetic is rewritten only when the result provably has the operand's dtype and
shape: the other operand is a scalar constant (so nothing broadcasts), the tensor's dtype is
known, and the scalar does not promote it (`x + 0` on an int tensor stays int, `x + 0.0` needs a
floating tensor, `x / 1` needs a floating tensor because int / int is float, bool tensors are
never rewritten since bool + 0 is int64). The operand's type must also fit the result's type.
As in TorchScript, `x + 0.0` -> `x` ignores that -0.0 + 0.0 is +0.0.
List idioms (`len`, `list.get` of a `list.construct`) only fire when the list is never mutated.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import ReturnOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriter, PatternRewriteWalker, RewritePattern

from tsjit.dialects.ts.canonicalize import LAYOUT_QUERIES, DropNoOpCast, StaticTensorMetadata
from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.misc_ops import UncheckedCastOp
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.passes.static_strides import StaticLayout
from tsjit.dialects.ts.types import (
    DYNAMIC,
    SCALAR_TYPE_CODES,
    FloatType,
    IntType,
    TensorType,
    dtype_name,
    is_float_dtype,
    is_subtype,
)
from tsjit.passes.cse import MutationInfo


def _const(value: SSAValue) -> Any:
    try:
        return constant_of(value)
    except NotConstant:
        return NotConstant


def _scalar(value: SSAValue) -> Any:
    """The value of an int or float constant operand (not bool, not a tensor), else NotConstant."""
    return _const(value) if isinstance(value.type, IntType | FloatType) else NotConstant


def _forward(op: Operation, value: SSAValue, rewriter: PatternRewriter) -> None:
    """Replace the op's single result by `value` if its type fits where the result was used.

    A more precise type is fine for ts ops, but func.return wants the declared type: then the
    value goes through a (run-time free) ts.unchecked_cast."""
    result = op.results[0]
    if value.type == result.type:
        rewriter.replace(op, [], [value])
    elif is_subtype(value.type, result.type):
        if any(isinstance(u.operation, ReturnOp) for u in result.uses):
            cast = UncheckedCastOp.create(operands=[value], result_types=[result.type])
            rewriter.replace(op, [cast], [cast.results[0]])
        else:
            rewriter.replace(op, [], [value])


def _keeps_dtype(x: SSAValue, scalar: SSAValue, true_div: bool = False) -> bool:
    """Whether `x <op> scalar` has x's dtype (and shape: a scalar never broadcasts x)."""
    t = x.type
    if not isinstance(t, TensorType) or t.element_type is None:
        return False
    floating = is_float_dtype(t.element_type)
    if true_div or isinstance(scalar.type, FloatType):
        return floating
    return isinstance(scalar.type, IntType) and dtype_name(t.element_type) != "bool"


class AddSubZero(RewritePattern):
    """x + 0, x - 0 (any alpha) is x."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name in ("ts.add", "ts.sub") and _scalar(op.operands[1]) == 0 \
                and _keeps_dtype(op.operands[0], op.operands[1]):
            _forward(op, op.operands[0], rewriter)


class MulDivOne(RewritePattern):
    """x * 1 and x / 1 are x."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name in ("ts.mul", "ts.div") and _scalar(op.operands[1]) == 1 \
                and _keeps_dtype(op.operands[0], op.operands[1], true_div=op.name == "ts.div"):
            _forward(op, op.operands[0], rewriter)


class NoOpReshape(RewritePattern):
    """view/reshape to the static shape the tensor already has."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name not in ("ts.view", "ts.reshape"):
            return
        sizes, target = op.operands[0].type.sizes, _const(op.operands[1])
        if sizes is not None and DYNAMIC not in sizes and isinstance(target, list) and tuple(target) == sizes:
            _forward(op, op.operands[0], rewriter)


class NoOpTo(RewritePattern):
    """to(dtype) of a tensor already of that dtype (or to(None)) returns the tensor itself."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "ts.to":
            return
        elt, code = op.operands[0].type.element_type, _const(op.operands[1])
        if code is None or (elt is not None and code == SCALAR_TYPE_CODES.get(dtype_name(elt))):
            _forward(op, op.operands[0], rewriter)


class DoubleTranspose(RewritePattern):
    """t(t(x)) and transpose(transpose(x, a, b), a, b) (or b, a) are x."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        inner = op.operands[0].owner if op.operands else None
        if not isinstance(inner, Operation) or inner.name != op.name:
            return
        if op.name == "ts.t":
            _forward(op, inner.operands[0], rewriter)
        elif op.name == "ts.transpose":
            dims, inner_dims = {_const(v) for v in op.operands[1:]}, {_const(v) for v in inner.operands[1:]}
            if NotConstant not in dims and dims == inner_dims and all(d >= 0 for d in dims):
                _forward(op, inner.operands[0], rewriter)


@dataclass
class _ListIdiom(RewritePattern):
    mutation: MutationInfo

    def construct(self, value: SSAValue) -> Operation | None:
        owner = value.owner
        if isinstance(owner, Operation) and owner.name == "ts.list.construct" and not self.mutation.is_written(value):
            return owner
        return None


class LenOfListConstruct(_ListIdiom):
    """len([a, b, c]) is 3."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name == "ts.len" and (lst := self.construct(op.operands[0])) is not None:
            rewriter.replace(op, ConstantOp.of(len(lst.operands)))


class GetOfListConstruct(_ListIdiom):
    """[a, b, c][1] is b (constant index in range)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "ts.list.get" or (lst := self.construct(op.operands[0])) is None:
            return
        i = _const(op.operands[1])
        if isinstance(i, int) and not isinstance(i, bool) and -len(lst.operands) <= i < len(lst.operands):
            _forward(op, lst.operands[i], rewriter)


class TupleOfTupleConstruct(RewritePattern):
    """(a, b)[1] is b and unpacking (a, b) gives a, b (tuples are immutable)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        tup = op.operands[0].owner if op.operands else None
        if not isinstance(tup, Operation) or tup.name != "ts.tuple.construct":
            return
        if op.name == "ts.tuple.index":
            i = _const(op.operands[1])
            if isinstance(i, int) and -len(tup.operands) <= i < len(tup.operands):
                _forward(op, tup.operands[i], rewriter)
        elif op.name == "ts.tuple.unpack":
            items = list(tup.operands)
            if all(is_subtype(v.type, r.type) for v, r in zip(items, op.results, strict=True)):
                rewriter.replace(op, [], items)


class ScalarRoundTrip(RewritePattern):
    """int(tensor(n)) is n and float(tensor(x)) is x (prim::NumToTensor then aten::Int/Float)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        inner = op.operands[0].owner if op.operands else None
        if op.name in ("ts.to_int", "ts.to_float") and isinstance(inner, Operation) \
                and inner.name == "ts.num_to_tensor" and inner.operands[0].type == op.results[0].type:
            rewriter.replace(op, [], [inner.operands[0]])


def _rank_preserving() -> frozenset[str]:
    """Ops whose result has their first operand's rank: same-shape ops, convolutions, pooling."""
    from tsjit.ops import REGISTRY
    from tsjit.ops.checks import SAME_SHAPE

    same = {defn.op_name for defn in REGISTRY.values() if SAME_SHAPE in defn.verify}
    return frozenset(same | {f"ts.{n}" for n in ("conv1d", "conv2d", "max_pool1d", "max_pool2d", "avg_pool2d",
                                                  "adaptive_avg_pool2d")})


class DimOfRankPreserving(RewritePattern):
    """dim(f(x, ...)) is dim(x) when f keeps the rank (BatchNorm's input-rank check after a conv), so the
    check no longer uses f's result (TorchScript's conv+bn fold needs the conv used once)."""

    RANK_PRESERVING = _rank_preserving()

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "ts.dim":
            return
        inner = op.operands[0].owner
        if isinstance(inner, Operation) and inner.name in self.RANK_PRESERVING \
                and inner.operands and isinstance(inner.operands[0].type, TensorType):
            rewriter.replace(op, type(op).create(
                operands=[inner.operands[0]], result_types=[r.type for r in op.results], attributes=op.attributes))


class _OnlyFor(RewritePattern):
    def __init__(self, names: tuple[str, ...], pattern: RewritePattern):
        self.names, self.pattern = names, pattern

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name in self.names:
            self.pattern.match_and_rewrite(op, rewriter)


def peephole(module: Operation) -> bool:
    mutation = MutationInfo(module)
    return PatternRewriteWalker(GreedyRewritePatternApplier([
        AddSubZero(), MulDivOne(), NoOpReshape(), NoOpTo(), DoubleTranspose(),
        LenOfListConstruct(mutation), GetOfListConstruct(mutation), TupleOfTupleConstruct(), ScalarRoundTrip(),
        DimOfRankPreserving(),
        _OnlyFor(("ts.dim", "ts.size", "ts.size_dim"), StaticTensorMetadata()),
        _OnlyFor(LAYOUT_QUERIES, StaticLayout()),
        _OnlyFor(("ts.unchecked_cast",), DropNoOpCast()),
    ])).rewrite_module(module)


@dataclass(frozen=True)
class TsPeepholePass(ModulePass):
    """Local algebraic and structural simplifications."""

    name = "ts-peephole"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        peephole(op)
