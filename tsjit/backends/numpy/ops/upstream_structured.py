"""Running a linalg structured op (indexing maps + iterator types + scalar body) on ndarrays.

The body is planned once as an ordinary block and evaluated on *whole arrays*: every input
block argument is the operand viewed over the iteration space (a transposed/broadcast view for
projected permutations, a gather through the evaluated affine map otherwise), so each arith/
math op of the body runs once as a numpy ufunc.

- No reduction loops: one evaluation over the full iteration space, written through the
  output maps.
- Reductions whose body is `yield (x <op> out)` with `out` used nowhere else (addf, mulf,
  maximumf, ...): the body runs once with `out` set to the identity of <op>, the result is
  reduced with the ufunc over the reduction axes and combined into the output.
- Anything else: the reduction points are visited in order (lexicographically, as the loops
  would) and the body is evaluated vectorised over the parallel dims at each point.

`linalg.index` reads the index arrays of the current evaluation from a hidden frame slot.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from xdsl.ir import Block
from xdsl.ir.affine import AffineDimExpr, AffineMap

from tsjit.backends.numpy.ops.upstream_common import eval_expr

#: planner -> {structured op -> frame slot of its index arrays} (read by linalg.index)
INDEX_SLOTS: WeakKeyDictionary = WeakKeyDictionary()

#: combining op of a recognised reduction body -> (ufunc, identity for a dtype)
REDUCERS: dict[str, tuple[np.ufunc, Callable[[np.dtype], Any]]] = {
    "arith.addf": (np.add, lambda dt: 0), "arith.addi": (np.add, lambda dt: 0),
    "arith.mulf": (np.multiply, lambda dt: 1), "arith.muli": (np.multiply, lambda dt: 1),
    "arith.maximumf": (np.maximum, lambda dt: -np.inf), "arith.minimumf": (np.minimum, lambda dt: np.inf),
    "arith.maxnumf": (np.fmax, lambda dt: -np.inf), "arith.minnumf": (np.fmin, lambda dt: np.inf),
    "arith.maxsi": (np.maximum, lambda dt: np.iinfo(dt).min), "arith.minsi": (np.minimum, lambda dt: np.iinfo(dt).max),
    "arith.ori": (np.bitwise_or, lambda dt: 0), "arith.andi": (np.bitwise_and, lambda dt: -1),
}


def reducers(block: Block, n_in: int) -> list | None:
    """Per output, the (ufunc, identity) of a recognised `yield x <op> out` body, or None."""
    term = block.last_op
    found = []
    for k, out_arg in enumerate(block.args[n_in:]):
        value = term.operands[k]
        owner = getattr(value, "op", None)
        if owner is None or owner.name not in REDUCERS or owner.parent_block() is not block:
            return None
        uses = [u.operation for u in out_arg.uses]
        if uses != [owner] or out_arg not in owner.operands or list(owner.operands).count(out_arg) != 1:
            return None
        if any(u.operation is not term for u in value.uses):
            return None
        found.append(REDUCERS[owner.name])
    return found


def _dims(amap: AffineMap) -> list[int] | None:
    """The loop dims of a projected-permutation map's results, else None."""
    if not all(isinstance(e, AffineDimExpr) for e in amap.results):
        return None
    dims = [e.position for e in amap.results]
    return dims if len(set(dims)) == len(dims) else None


def loop_shape(maps: list[AffineMap], operands: list, n_loops: int) -> list[int]:
    shape: list[int | None] = [None] * n_loops
    for amap, value in zip(maps, operands):
        if isinstance(value, np.ndarray):
            for size, e in zip(value.shape, amap.results):
                if isinstance(e, AffineDimExpr) and shape[e.position] is None:
                    shape[e.position] = size
    if None in shape:
        raise ValueError(f"cannot infer the range of loop d{shape.index(None)} from the operand shapes")
    return shape  # type: ignore[return-value]


def grid(shape: list[int]) -> list[np.ndarray]:
    """Index arrays, one per loop, broadcastable to `shape`."""
    n = len(shape)
    return [np.arange(s).reshape([1] * d + [s] + [1] * (n - d - 1)) for d, s in enumerate(shape)]


def read(value: Any, amap: AffineMap, index: list, full: bool) -> Any:
    """The operand seen over the iteration space (a view where the map allows it)."""
    if not isinstance(value, np.ndarray):
        return value
    if not amap.results:
        return value[()]
    dims = _dims(amap)
    if full and dims is not None:
        n = len(index)
        order = sorted(range(len(dims)), key=dims.__getitem__)
        shape = [1] * n
        for axis, d in enumerate(dims):
            shape[d] = value.shape[axis]
        return value.transpose(order).reshape(shape)
    return value[tuple(eval_expr(e, index, []) for e in amap.results)]


def write(target: np.ndarray, amap: AffineMap, value: Any, index: list, shape: list[int], full: bool) -> None:
    """Store values computed over the iteration space through the output map."""
    if not amap.results:  # a 0-d output: the (fully reduced, keepdims) value has one element
        target[()] = np.reshape(value, ()) if np.ndim(value) else value
        return
    dims = _dims(amap)
    if full and dims is not None:
        keep = [shape[d] if d in dims else 1 for d in range(len(shape))]
        value = np.broadcast_to(value, keep).reshape([shape[d] for d in sorted(dims)])
        ordered = sorted(dims)
        target[...] = value.transpose([ordered.index(d) for d in dims])
        return
    key = tuple(eval_expr(e, index, []) for e in amap.results)
    if np.ndim(value) and np.size(value) == np.size(target[key]):  # e.g. a keepdims (1, 1) into one element
        value = np.reshape(value, np.shape(target[key]))
    target[key] = value


def structured(op, planner, maps: list[AffineMap], reduction: list[bool], block: Block, n_in: int) -> Callable:
    """fn(env, *ins, *outs): tensors give new result arrays, memrefs are written in place."""
    index_slot = len(planner.template)
    planner.template.append(None)
    INDEX_SLOTS.setdefault(planner, {})[op] = index_slot
    body = planner.block(block)
    arg_slots = [planner.slot(a) for a in block.args]
    n_out, n_loops = len(block.args) - n_in, len(reduction)
    red_dims = tuple(d for d, r in enumerate(reduction) if r)
    combine = reducers(block, n_in) if red_dims else None
    on_tensors = len(op.results) > 0

    def run(env: list, *operands: Any) -> Any:
        outs = [np.array(o) if on_tensors else o for o in operands[n_in:]]
        shape = loop_shape(maps, list(operands), n_loops)
        with np.errstate(all="ignore"):
            if not red_dims or combine is not None:
                _run_full(env, operands[:n_in], outs, shape)
            else:
                _run_points(env, operands[:n_in], outs, shape)
        if not on_tensors:
            return None
        return outs[0] if n_out == 1 else tuple(outs)

    def _evaluate(env, index, ins, outs_now) -> list:
        for s, v in zip(arg_slots, [*ins, *outs_now]):
            env[s] = v
        env[index_slot] = index
        values = body(env)
        env[index_slot] = None
        return [values] if n_out == 1 else list(values)

    def _run_full(env, ins, outs, shape):
        index = grid(shape)
        views = [read(v, m, index, True) for v, m in zip(ins, maps)]
        if combine is None:
            now = [read(o, m, index, True) for o, m in zip(outs, maps[n_in:])]
        else:
            now = [ident(o.dtype) for o, (ufunc, ident) in zip(outs, combine)]
        values = _evaluate(env, index, views, now)
        for k, (out, amap) in enumerate(zip(outs, maps[n_in:])):
            value = values[k]
            if combine is not None:
                ufunc = combine[k][0]
                reduced = ufunc.reduce(np.broadcast_to(value, shape), axis=red_dims, keepdims=True)
                value = ufunc(read(out, amap, index, True), reduced)
            write(out, amap, value, index, shape, True)

    def _run_points(env, ins, outs, shape):
        parallel = grid([1 if r else s for s, r in zip(shape, reduction)])
        for point in itertools.product(*(range(shape[d]) for d in red_dims)):
            index = list(parallel)
            for d, i in zip(red_dims, point):
                index[d] = i
            views = [read(v, m, index, False) for v, m in zip(ins, maps)]
            now = [read(o, m, index, False) for o, m in zip(outs, maps[n_in:])]
            values = _evaluate(env, index, views, now)
            for k, (out, amap) in enumerate(zip(outs, maps[n_in:])):
                write(out, amap, values[k], index, shape, False)

    return run
