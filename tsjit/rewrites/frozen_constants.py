"""Reading and replacing the constant parameters of ops in frozen graphs.

The frozen-graph folds (conv+bn, conv+add/sub, conv+mul/div, linear+bn) all follow one
recipe, TorchScript's: check that every operand but the data input is a `ts.constant`,
compute new weight/bias arrays with numpy, and rebuild the producer op (conv/linear) on
the new constants in place of the consumer op (batch_norm/add/...). This module holds
the shared steps so that each pass file only says what it computes.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from tsjit.dialects.ts.constant import ConstantOp, _value_fits, numpy_to_dense
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.misc_ops import UncheckedCastOp
from tsjit.dialects.ts.types import TensorType

#: Convolutions whose weight and bias the folds may rewrite (TorchScript's supportedConvNode).
FOLDABLE_CONVS = frozenset({"ts.conv1d", "ts.conv2d"})

__all__ = [
    "FOLDABLE_CONVS", "NotConstant", "constant_of", "params_constant", "tensor_or_none", "feeding_op",
    "rebuild_with", "new_constant", "forward", "erase_dead_constants", "fold_batch_norm_into",
]  # fmt: skip


def params_constant(op: Operation) -> bool:
    """TorchScript's `!nonConstantParameters(n)`: every operand after the first is a constant."""
    return all(isinstance(v.owner, ConstantOp) for v in op.operands[1:])


def tensor_or_none(value: SSAValue) -> np.ndarray | None:
    """The array of a constant tensor operand, None for a `ts.constant none`."""
    result = constant_of(value)
    if result is not None and not isinstance(result, np.ndarray):
        raise NotConstant
    return result


def feeding_op(value: SSAValue, names: Iterable[str]) -> Operation | None:
    """The op producing `value` if its name is one of `names`."""
    owner = value.owner
    return owner if isinstance(owner, Operation) and owner.name in names else None


def new_constant(rewriter: PatternRewriter, array: np.ndarray, like: SSAValue, role: str, suffix: str,
                 before: Operation) -> SSAValue:
    """Insert a constant holding `array` before `before`.

    It keeps the type of the value it replaces (`like`) when the new array fits it (so a
    `!ts.tensor`-typed weight stays `!ts.tensor`), and is named `<like>_<suffix>`, as
    TorchScript names `%self.conv.weight_fused_bn` (`<role>_<suffix>` if `like` has no name).
    """
    attr = numpy_to_dense(np.asarray(array))
    op = ConstantOp(attr, like.type if _value_fits(attr, like.type) else None)
    if isinstance(like.owner, ConstantOp):
        op.attributes |= like.owner.attributes  # e.g. the source location
    rewriter.insert(op, InsertPoint.before(before))
    op.result.name_hint = f"{like.name_hint or role}_{suffix}"
    return op.result


def rebuild_with(rewriter: PatternRewriter, producer: Operation, consumer: Operation,
                 replacements: dict[int, SSAValue]) -> None:
    """Replace `consumer` by a copy of `producer` whose operand #i is `replacements[i]`.

    The copy takes the consumer's result type (the fold keeps the shape and dtype), and the
    producer and any constants left without uses are erased (TorchScript runs DCE after
    each fold). A producer with other uses stays for them.
    """
    operands = [replacements.get(i, v) for i, v in enumerate(producer.operands)]
    copy = type(producer).create(operands=operands, result_types=[consumer.results[0].type],
                                 attributes=dict(producer.attributes), properties=dict(producer.properties))
    rewriter.insert(copy, InsertPoint.before(consumer))
    copy.results[0].name_hint = consumer.results[0].name_hint or producer.results[0].name_hint
    dropped = [*consumer.operands, *producer.operands]
    rewriter.replace(consumer, [], copy.results)
    if not producer.results[0].uses:
        rewriter.erase(producer)
    erase_dead_constants(rewriter, dropped)


def fold_batch_norm_into(rewriter: PatternRewriter, producer: Operation, bn: Operation, fuse,
                         weight_ok=lambda w: True) -> None:
    """Rebuild `producer` (conv or linear, weight operand 1, bias operand 2) on the weight and bias
    `fuse(w, b, mean, var, eps, gamma, beta)` computes, in place of inference-mode batch_norm `bn`.
    Nothing changes unless the statistics are constant tensors, `training` is a constant false,
    `weight_ok(w)` holds and every per-channel tensor has the weight's output-channel count."""
    try:
        w, b = tensor_or_none(producer.operands[1]), tensor_or_none(producer.operands[2])
        gamma, beta, mean, var = (tensor_or_none(v) for v in bn.operands[1:5])
        training, eps = constant_of(bn.operands[5]), constant_of(bn.operands[7])
    except NotConstant:
        return
    if mean is None or var is None or training is not False or w is None or not weight_ok(w):
        return
    channels = (w.shape[0],)
    if any(t is not None and t.shape != channels for t in (b, gamma, beta, mean, var)):
        return
    new_w, new_b = fuse(w, b, mean, var, eps, gamma, beta)
    fused_w = new_constant(rewriter, new_w, producer.operands[1], "weight", "fused_bn", producer)
    fused_b = new_constant(rewriter, new_b, producer.operands[2], "bias", "fused_bn", producer)
    rebuild_with(rewriter, producer, bn, {1: fused_w, 2: fused_b})


def forward(rewriter: PatternRewriter, op: Operation, value: SSAValue) -> None:
    """Replace `op` (one result) by `value`, through a `ts.unchecked_cast` if their types differ."""
    result = op.results[0]
    if value.type != result.type:
        cast = UncheckedCastOp.create(operands=[value], result_types=[result.type])
        rewriter.insert(cast, InsertPoint.before(op))
        value = cast.result
    operands = list(op.operands)
    rewriter.replace(op, [], [value])
    erase_dead_constants(rewriter, operands)


def erase_dead_constants(rewriter: PatternRewriter, values: Sequence[SSAValue]) -> None:
    for value in values:
        owner = value.owner
        if isinstance(owner, ConstantOp) and not owner.result.uses and owner.parent is not None:
            rewriter.erase(owner)


def known_rank(value: SSAValue) -> int | None:
    t = value.type
    return t.rank if isinstance(t, TensorType) else None
