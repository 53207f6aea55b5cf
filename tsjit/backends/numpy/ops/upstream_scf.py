"""Upstream `scf` control flow: for (with iter_args), while, if, parallel (with scf.reduce),
execute_region, index_switch. Region ops run their nested block plans in the caller's frame,
like ts.if/ts.loop (ops/control.py)."""
from __future__ import annotations

import itertools
from typing import Any

from tsjit.backends.numpy.table import TERMINATORS, register

TERMINATORS.update({"scf.yield", "scf.condition", "scf.reduce", "scf.reduce.return"})


def _pack(values: list) -> Any:
    return None if not values else values[0] if len(values) == 1 else tuple(values)


def _unpack(value: Any, n: int) -> list:
    return [] if n == 0 else [value] if n == 1 else list(value)


@register("scf.for", env=True)
def _for(op, planner):
    block = op.body.block
    body = planner.block(block)
    iv = planner.slot(block.args[0])
    carried = [planner.slot(a) for a in block.args[1:]]
    n = len(carried)

    def run_for(env: list, lb: int, ub: int, step: int, *init: Any) -> Any:
        values = list(init)
        for i in range(lb, ub, step):
            env[iv] = i
            for s, v in zip(carried, values):
                env[s] = v
            values = _unpack(body(env), n)
        return _pack(values)

    return run_for


@register("scf.if", env=True)
def _if(op, planner):
    then_block = planner.block(op.true_region.block)
    else_block = planner.block(op.false_region.block) if op.false_region.blocks else None

    def run_if(env: list, cond: bool) -> Any:
        if cond:
            return then_block(env)
        return else_block(env) if else_block is not None else None

    return run_if


@register("scf.while", env=True)
def _while(op, planner):
    before, after = op.before_region.block, op.after_region.block
    run_before, run_after = planner.block(before), planner.block(after)
    before_slots = [planner.slot(a) for a in before.args]
    after_slots = [planner.slot(a) for a in after.args]
    n_before, n_results = len(before_slots), len(op.results)

    def run_while(env: list, *init: Any) -> Any:
        values = list(init)
        while True:
            for s, v in zip(before_slots, values):
                env[s] = v
            cond, *forwarded = _unpack(run_before(env), n_results + 1)
            if not cond:
                return _pack(forwarded)
            for s, v in zip(after_slots, forwarded):
                env[s] = v
            values = _unpack(run_after(env), n_before)

    return run_while


@register("scf.parallel", env=True)
def _parallel(op, planner):
    """The iterations run in order; each scf.reduce operand is combined into its accumulator
    with its region (init values first, as scf.parallel starts from initVals)."""
    block = op.body.block
    body = planner.block(block)
    ivs = [planner.slot(a) for a in block.args]
    reduce_op = block.last_op
    combiners = []
    for region in reduce_op.regions:
        rblock = region.block
        combiners.append((planner.block(rblock), [planner.slot(a) for a in rblock.args]))
    n_dims, n = len(ivs), len(combiners)

    def run_parallel(env: list, *operands: Any) -> Any:
        lbs, ubs, steps = operands[:n_dims], operands[n_dims:2 * n_dims], operands[2 * n_dims:3 * n_dims]
        acc = list(operands[3 * n_dims:])
        for point in itertools.product(*(range(lb, ub, st) for lb, ub, st in zip(lbs, ubs, steps))):
            for s, i in zip(ivs, point):
                env[s] = i
            values = _unpack(body(env), n)
            for k, ((combine, (lhs, rhs)), value) in enumerate(zip(combiners, values)):
                env[lhs], env[rhs] = acc[k], value
                acc[k] = combine(env)
        return _pack(acc)

    return run_parallel


@register("scf.execute_region", env=True)
def _execute_region(op, planner):
    block = planner.block(op.region.block)
    return lambda env: block(env)


@register("scf.index_switch", env=True)
def _index_switch(op, planner):
    cases = dict(zip((int(c) for c in op.cases.get_values()), (planner.block(r.block) for r in op.case_regions)))
    default = planner.block(op.default_region.block)

    def run_switch(env: list, arg: int) -> Any:
        return cases.get(arg, default)(env)

    return run_switch
