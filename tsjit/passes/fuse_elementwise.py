"""`ts-fuse-elementwise`: one `linalg.generic` per chain of elementwise ops, and contraction epilogues.

Elementwise fusion (producer into consumer): a consumer generic with only parallel iterators
absorbs a producer generic (only parallel iterators, one result, a permutation as output map,
a body that does not read its `outs`) whose result is used by that consumer alone. The
producer's body is cloned into the consumer's once per operand it feeds, and its input maps are
composed with the consumer's: `producer_in ∘ producer_out⁻¹ ∘ consumer_in`, which also fuses
broadcasting producers (the producer is recomputed per consumer point, as MLIR's
elementwise fusion does). Inputs that end up identical (same value, same map) are merged, so
`relu(x*1.5+0.25)*sigmoid(x)` becomes one generic reading `x` once.

Epilogue fusion (design choice): a contraction (`linalg.matmul`, a conv or pooling op) and the
elementwise op after it cannot be one `linalg.generic`, because a generic's body runs at every
point of the iteration space including the reduction dims, and the epilogue must run once per
output point after the reduction. Instead of inventing an op that only tsjit understands, the
contraction stays named and the elementwise consumer becomes its *epilogue*:

    %mm = linalg.matmul ins(%a, %b) outs(%init)
    %y  = linalg.generic {ts.epilogue} ins(%bias) outs(%mm) { ^bb0(%b, %acc): ... }

The consumer reads the contraction's result through its `outs` operand (destination passing),
so bufferization (`ts-bufferize`) writes it in place into the contraction's buffer, and the
loop stage (`ts-lower-to-loops`) places its body inside the contraction's loop nest, right after
the reduction loops, giving one loop nest. Both ops keep upstream MLIR semantics: a backend
or tool that ignores `ts.epilogue` still computes the same values.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import tensor
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.builtin import AffineMapAttr, ModuleOp, UnitAttr
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from tsjit.lowering.loops import EPILOGUE


#: named ops whose elementwise consumers become their epilogue
CONTRACTIONS = (
    linalg.MatmulOp,
    linalg.Conv2DNchwFchwOp,
    linalg.PoolingNchwMaxOp,
)


def is_elementwise(op: Operation) -> bool:
    return isinstance(op, linalg.GenericOp) and all(
        it.data == linalg.IteratorType.PARALLEL for it in op.iterator_types
    )


def _maps(op: linalg.GenericOp) -> list[AffineMap]:
    return [m.data for m in op.indexing_maps]


def _fusable_producer(consumer: linalg.GenericOp, value: SSAValue) -> linalg.GenericOp | None:
    """The elementwise generic defining `value`, if it can be fused into `consumer`."""
    producer = value.owner
    if not is_elementwise(producer) or len(producer.results) != 1:
        return None
    assert isinstance(producer, linalg.GenericOp)
    if any(use.operation is not consumer for use in value.uses):
        return None
    if any(use.index >= len(consumer.inputs) for use in value.uses):
        return None  # read through `outs`: the consumer's own init, not fused
    if _maps(producer)[-1].inverse_permutation() is None:
        return None
    if producer.body.block.args[-1].uses:
        return None  # the producer reads its init
    return producer


def fuse_into(consumer: linalg.GenericOp, producer: linalg.GenericOp) -> linalg.GenericOp:
    """A generic computing `consumer` with every use of `producer`'s result inlined."""
    cmaps = _maps(consumer)
    pmaps = _maps(producer)
    p_out_inv = pmaps[-1].inverse_permutation()
    assert p_out_inv is not None
    inputs: list[SSAValue] = []
    maps: list[AffineMap] = []
    types: list[Attribute] = []
    # plan: per consumer input, either itself or the producer's inputs with composed maps
    for value, cmap, carg in zip(consumer.inputs, cmaps, consumer.body.block.args):
        if value is producer.results[0]:
            for pin, pmap, parg in zip(producer.inputs, pmaps, producer.body.block.args):
                inputs.append(pin)
                maps.append(pmap.compose(p_out_inv).compose(cmap))
                types.append(parg.type)
        else:
            inputs.append(value)
            maps.append(cmap)
            types.append(carg.type)
    inputs, maps, arg_of = _dedupe(inputs, maps)
    in_types = [types[arg_of.index(k)] for k in range(len(inputs))]
    maps += cmaps[len(consumer.inputs):]
    out_types = [a.type for a in consumer.body.block.args[len(consumer.inputs):]]
    block = Block(arg_types=[*in_types, *out_types])
    mapping: dict[SSAValue, SSAValue] = {}
    slot = 0
    for cvalue, carg in zip(consumer.inputs, consumer.body.block.args):
        if cvalue is producer.results[0]:
            pargs = producer.body.block.args
            pmap = {pargs[k]: block.args[arg_of[slot + k]] for k in range(len(producer.inputs))}
            slot += len(producer.inputs)
            mapping[carg] = _clone_body(producer.body.block, block, pmap)[0]
        else:
            mapping[carg] = block.args[arg_of[slot]]
            slot += 1
    for carg, narg in zip(consumer.body.block.args[len(consumer.inputs):],
                          block.args[len(inputs):]):
        mapping[carg] = narg
    for op in consumer.body.block.ops:
        block.add_op(op.clone(mapping))
    fused = linalg.GenericOp(
        inputs, consumer.outputs, Region(block), [AffineMapAttr(m) for m in maps],
        consumer.iterator_types, [r.type for r in consumer.results],
    )
    fused.attributes.update(consumer.attributes)
    return fused


def _dedupe(inputs, maps):
    """Merge identical (value, map) inputs; `arg_of[i]` is the merged slot of planned input i."""
    seen: dict[tuple[SSAValue, AffineMap], int] = {}
    new_inputs, new_maps, arg_of = [], [], []
    for value, amap in zip(inputs, maps):
        key = (value, amap)
        if key not in seen:
            seen[key] = len(new_inputs)
            new_inputs.append(value)
            new_maps.append(amap)
        arg_of.append(seen[key])
    return new_inputs, new_maps, arg_of


def _clone_body(source: Block, dest: Block, mapping: dict[SSAValue, SSAValue]) -> list[SSAValue]:
    """Clone `source`'s ops (not its yield) to the end of `dest`; return the yielded values."""
    for op in source.ops:
        if isinstance(op, linalg.YieldOp):
            return [mapping.get(v, v) for v in op.operands]
        dest.add_op(op.clone(mapping))
    raise AssertionError("linalg body without a yield")


def _erase_dead_empty(init: SSAValue, rewriter: PatternRewriter) -> None:
    """The `tensor.empty` a replaced generic wrote into, once nothing uses it."""
    if isinstance(init.owner, tensor.EmptyOp) and not init.uses:
        rewriter.erase(init.owner)


class FuseProducerIntoConsumer(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: linalg.GenericOp, rewriter: PatternRewriter) -> None:
        if not is_elementwise(op):
            return
        for value in op.inputs:
            producer = _fusable_producer(op, value)
            if producer is None:
                continue
            rewriter.replace(op, fuse_into(op, producer))
            inits = list(producer.outputs)
            rewriter.erase(producer)
            for init in inits:
                _erase_dead_empty(init, rewriter)
            return


class FuseEpilogue(RewritePattern):
    """elementwise(contraction(...), rest) -> elementwise{ts.epilogue} ins(rest) outs(contraction)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: linalg.GenericOp, rewriter: PatternRewriter) -> None:
        if EPILOGUE in op.attributes or not is_elementwise(op) or len(op.outputs) != 1:
            return
        maps = _maps(op)
        if maps[-1] != AffineMap.identity(maps[-1].num_dims):
            return
        for i, value in enumerate(op.inputs):
            if not (isinstance(value.owner, CONTRACTIONS) and value.has_one_use()
                    and value.type == op.results[0].type and maps[i] == maps[-1]):
                continue
            body = op.body.block
            if body.args[-1].uses:
                return  # the consumer reads its own init
            new_block = Block(arg_types=[a.type for j, a in enumerate(body.args) if j != i])
            mapping = {a: new_block.args[k] for k, a in
                       enumerate(a for j, a in enumerate(body.args) if j != i)}
            mapping[body.args[i]] = new_block.args[-1]
            for inner in body.ops:
                new_block.add_op(inner.clone(mapping))
            fused = linalg.GenericOp(
                [v for j, v in enumerate(op.inputs) if j != i], [value],
                Region(new_block), [AffineMapAttr(m) for j, m in enumerate(maps) if j != i],
                op.iterator_types, [op.results[0].type],
            )
            fused.attributes.update(op.attributes)
            fused.attributes[EPILOGUE] = UnitAttr()
            init = op.outputs[0]
            rewriter.replace(op, fused)
            _erase_dead_empty(init, rewriter)
            return


class FuseIntoEpilogue(RewritePattern):
    """elementwise(epilogue(contraction), rest) -> one epilogue, the consumer's body after the
    epilogue's, still in place in the contraction's buffer: a linear's bias epilogue and the GELU
    after it become one pass over the output instead of two (and one buffer fewer). A consumer of
    the epilogue alone may read it through a reshape (a linear on 3-d input): the reshape then
    moves after the fused epilogue."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: linalg.GenericOp, rewriter: PatternRewriter) -> None:
        if EPILOGUE in op.attributes or not is_elementwise(op) or len(op.outputs) != 1:
            return
        maps = _maps(op)
        body = op.body.block
        if maps[-1] != AffineMap.identity(maps[-1].num_dims) or body.args[-1].uses:
            return
        for i, value in enumerate(op.inputs):
            reshape = None
            if isinstance(value.owner, tensor.ExpandShapeOp | tensor.CollapseShapeOp) and len(op.inputs) == 1 \
                    and value.has_one_use():
                reshape, value = value.owner, value.owner.operands[0]
            epilogue = value.owner
            seen = reshape.results[0] if reshape else value
            if not (isinstance(epilogue, linalg.GenericOp) and EPILOGUE in epilogue.attributes
                    and len(epilogue.results) == 1 and value.has_one_use() and maps[i] == maps[-1]
                    and _maps(epilogue)[-1] == AffineMap.identity(_maps(epilogue)[-1].num_dims)
                    and seen.type == op.results[0].type):
                continue
            fused = self._fused(op, i, epilogue)
            init = op.outputs[0]
            if reshape is None:
                rewriter.replace(op, fused)
            else:
                moved = reshape.clone({value: fused.results[0]})
                rewriter.replace(op, [fused, moved], moved.results)
                rewriter.erase(reshape)
            rewriter.erase(epilogue)
            _erase_dead_empty(init, rewriter)
            return

    @staticmethod
    def _fused(op: linalg.GenericOp, i: int, epilogue: linalg.GenericOp) -> linalg.GenericOp:
        """The epilogue with op's body applied to its value (op's input i), op's other inputs added."""
        body, e_block, n_in = op.body.block, epilogue.body.block, len(epilogue.inputs)
        others = [j for j in range(len(op.inputs)) if j != i]
        block = Block(arg_types=[*(a.type for a in e_block.args[:n_in]), *(body.args[j].type for j in others),
                                 e_block.args[-1].type])
        mapping = {e_block.args[k]: block.args[k] for k in range(n_in)}
        mapping[e_block.args[-1]] = block.args[-1]
        (between,) = _clone_body(e_block, block, mapping)
        inner = {body.args[i]: between, **{body.args[j]: block.args[n_in + k] for k, j in enumerate(others)}}
        for o in body.ops:
            block.add_op(o.clone(inner))
        maps, e_maps = _maps(op), _maps(epilogue)
        fused = linalg.GenericOp(
            [*epilogue.inputs, *(op.inputs[j] for j in others)], list(epilogue.outputs), Region(block),
            [AffineMapAttr(m) for m in [*e_maps[:n_in], *(maps[j] for j in others), e_maps[-1]]],
            epilogue.iterator_types, [r.type for r in epilogue.results],
        )
        fused.attributes.update(epilogue.attributes)
        return fused


@dataclass(frozen=True)
class TsFuseElementwisePass(ModulePass):
    """Fuse elementwise linalg.generic chains, turn them into contraction epilogues, and fold
    elementwise consumers of an epilogue into it."""

    name = "ts-fuse-elementwise"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for pattern in (FuseProducerIntoConsumer(), FuseEpilogue(), FuseIntoEpilogue()):
            PatternRewriteWalker(
                GreedyRewritePatternApplier([pattern], dce_enabled=False),
            ).rewrite_module(op)
