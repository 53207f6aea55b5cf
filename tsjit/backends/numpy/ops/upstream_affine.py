"""Upstream `affine` ops: maps are evaluated on their dim and symbol operands at run time
(affine.for bounds: the max of the lower map's results, the min of the upper map's)."""
from __future__ import annotations

from typing import Any

from tsjit.backends.numpy.ops.upstream_common import eval_map
from tsjit.backends.numpy.table import TERMINATORS, register

TERMINATORS.add("affine.yield")


def _map_of(op):
    """The op's access map, or None: then the indices are used as they are."""
    amap = getattr(op, "map", None)
    return amap.data if amap is not None else None


@register("affine.for", env=True)
def _for(op, planner):
    block = op.body.block
    body = planner.block(block)
    iv = planner.slot(block.args[0])
    carried = [planner.slot(a) for a in block.args[1:]]
    lower, upper = op.lowerBoundMap.data, op.upperBoundMap.data
    n_lower, n_upper = len(op.lowerBoundOperands), len(op.upperBoundOperands)
    step = op.step.value.data
    n = len(carried)

    def run_for(env: list, *operands: Any) -> Any:
        lb = max(eval_map(lower, operands[:n_lower]))
        ub = min(eval_map(upper, operands[n_lower:n_lower + n_upper]))
        values = list(operands[n_lower + n_upper:])
        for i in range(lb, ub, step):
            env[iv] = i
            for s, v in zip(carried, values):
                env[s] = v
            result = body(env)
            values = [] if n == 0 else [result] if n == 1 else list(result)
        return None if n == 0 else values[0] if n == 1 else tuple(values)

    return run_for


@register("affine.load")
def _load(op, planner):
    amap = _map_of(op)
    if amap is None:
        return lambda memref, *indices: memref[tuple(indices)]
    return lambda memref, *indices: memref[tuple(eval_map(amap, indices))]


@register("affine.store")
def _store(op, planner):
    amap = _map_of(op)

    def store(value, memref, *indices):
        memref[tuple(eval_map(amap, indices) if amap is not None else indices)] = value

    return store


@register("affine.apply")
def _apply(op, planner):
    amap = op.map.data
    return lambda *operands: eval_map(amap, operands)[0]


@register("affine.min")
def _min(op, planner):
    amap = op.map.data
    return lambda *operands: min(eval_map(amap, operands))
