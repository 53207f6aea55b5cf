"""Which OpenMP pragmas a loop nest gets, from the `tsjit.parallel` marks of linalg-to-loops
(iterations independent: no dependence analysis here) and constant trip counts.

- `#pragma omp parallel for` on the outermost loop of a top-level nest when it is marked and the
  nest's work (iterations of the innermost bodies; a loop around a run-time call says what an
  iteration is worth with a `tsjit.work` mark, and gets no `simd`) gives every thread at least
  MIN_WORK_PER_THREAD (Inductor's `cpp.min_chunk_size`); perfectly nested marked loops below it
  are collapsed into it until there are PARALLEL_CHUNKS iterations to share, the innermost loop
  excepted (it stays for SIMD). The thread count is min(OMP threads, work / MIN_WORK_PER_THREAD).
- `#pragma omp simd` on an innermost marked loop whose stores are contiguous (unit stride) and
  whose loads have constant strides; `simdlen(k)` when its trip count is short and a multiple of
  k = 4 or 8 but not of 16, so gcc runs whole vectors of k instead of leaving a scalar remainder
  (a 2x2 max-pool's 12-wide rows: 8 lanes + 4 branchy scalar iterations before).
"""
from __future__ import annotations

from xdsl.dialects import scf
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineBinaryOpExpr, AffineBinaryOpKind, AffineConstantExpr, AffineDimExpr

from tsjit.lowering.loops import PARALLEL, WORK

MIN_WORK_PER_THREAD = 4096
"""A thread is only started for at least this many innermost iterations (Inductor: 512; with that,
the many small loops of a DLRM-like model cost more to start and join on two threads than they
saved, and it ran slower than on one: bench/README.md)."""

PARALLEL_CHUNKS = 64
"""Collapse parallel loops until the shared loop has this many iterations (load balance)."""

SHORT_TRIP = 32
"""Below this trip count a SIMD loop's vector length is chosen to divide it (see simd_pragma)."""


def constant_int(value: SSAValue) -> int | None:
    op = value.owner
    if isinstance(op, Operation) and op.name == "arith.constant" and hasattr(op.value, "value"):
        return int(op.value.value.data)
    return None


def trip_count(loop: scf.ForOp) -> int | None:
    lb, ub, step = (constant_int(v) for v in (loop.lb, loop.ub, loop.step))
    if None in (lb, ub, step) or step <= 0:
        return None
    return max(0, -(-(ub - lb) // step))


def _inner_loops(loop: scf.ForOp) -> list[scf.ForOp]:
    return [op for op in loop.body.block.walk() if isinstance(op, scf.ForOp) and op is not loop
            and enclosing_loop(op) is loop]


def enclosing_loop(op: Operation) -> scf.ForOp | None:
    """The innermost scf.for around `op` (None at a function's top level)."""
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, scf.ForOp):
        parent = parent.parent_op()
    return parent


def work(loop: scf.ForOp) -> int | None:
    """Iterations of the innermost bodies of the nest at `loop`, or what its `tsjit.work` mark says
    an iteration (a run-time call and loops over its block) is worth (None: a bound is not constant)."""
    trips = trip_count(loop)
    if WORK in loop.attributes and trips is not None:
        return trips * max(1, loop.attributes[WORK].value.data)
    inner = [work(child) for child in _inner_loops(loop)]
    if trips is None or None in inner:
        return None
    return trips * max(1, sum(inner))


def is_parallel(loop: Operation) -> bool:
    return isinstance(loop, scf.ForOp) and PARALLEL in loop.attributes and not loop.iter_args


def _only_loop(loop: scf.ForOp) -> scf.ForOp | None:
    """The loop directly nested in `loop` when it is all its body holds (a perfect nest)."""
    ops = [op for op in loop.body.block.ops if not isinstance(op, scf.YieldOp)]
    if len(ops) == 1 and isinstance(ops[0], scf.ForOp):
        return ops[0]
    return None


def _coefficient(index: SSAValue, iv: SSAValue, loop: scf.ForOp) -> int | None:
    """d index / d iv, when `index` is affine in `iv` (None: unknown)."""
    if index is iv:
        return 1
    op = index.owner
    if not isinstance(op, Operation) or not loop.is_ancestor(op):
        return 0  # defined outside the loop: invariant
    if op.name == "arith.constant":
        return 0
    if op.name == "affine.apply":
        amap = op.map.data
        coefs = [_coefficient(o, iv, loop) for o in op.mapOperands]
        if None in coefs or len(amap.results) != 1:
            return None
        return _affine_coefficient(amap.results[0], coefs[:amap.num_dims])
    return None


def _affine_coefficient(expr, dims: list[int]) -> int | None:
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return 0
    if isinstance(expr, AffineBinaryOpExpr):
        lhs, rhs = _affine_coefficient(expr.lhs, dims), _affine_coefficient(expr.rhs, dims)
        if expr.kind == AffineBinaryOpKind.Add and None not in (lhs, rhs):
            return lhs + rhs
        if expr.kind == AffineBinaryOpKind.Mul and isinstance(expr.rhs, AffineConstantExpr) and lhs is not None:
            return lhs * expr.rhs.value
        return None if (lhs, rhs) != (0, 0) else 0
    return None


def _stride(access: Operation, iv: SSAValue, loop: scf.ForOp) -> int | None:
    strides = access.memref.type.get_strides()
    coefs = [_coefficient(i, iv, loop) for i in access.indices]
    if strides is None or None in coefs or any(s is None for s in strides):
        return None
    return sum(c * s for c, s in zip(coefs, strides))


def contiguous(loop: scf.ForOp) -> bool:
    """Every store of the body at unit stride in the loop's iv, every load at a constant stride
    (pooling's stride-2 windows vectorise with shuffles)."""
    iv = loop.body.block.args[0]
    for op in loop.body.block.walk():
        if op.name == "memref.store" and _stride(op, iv, loop) != 1:
            return False
        if op.name == "memref.load" and _stride(op, iv, loop) is None:
            return False
    return True


def simd_pragma(trips: int | None) -> str:
    """`#pragma omp simd`, with simdlen(k) for a short trip count whose largest power-of-two divisor
    k is 4 or 8: whole vectors of k lanes beat a wider vector plus a scalar remainder."""
    k = trips & -trips if trips else 0
    return f"#pragma omp simd simdlen({k})" if k in (4, 8) and trips < SHORT_TRIP else "#pragma omp simd"


def plan(root: scf.ForOp) -> dict[scf.ForOp, str]:
    """The pragma line of each loop of the top-level nest at `root` that gets one."""
    pragmas: dict[scf.ForOp, str] = {}
    for loop in [root, *(op for op in root.body.block.walk() if isinstance(op, scf.ForOp))]:
        if is_parallel(loop) and WORK not in loop.attributes and not _inner_loops(loop) and contiguous(loop):
            pragmas[loop] = simd_pragma(trip_count(loop))
    total = work(root)
    if is_parallel(root) and total is not None and total >= 2 * MIN_WORK_PER_THREAD:
        collapsed, shared = 1, trip_count(root)
        inner = _only_loop(root)
        while (shared < PARALLEL_CHUNKS and inner is not None and is_parallel(inner) and _inner_loops(inner)
               and trip_count(inner) is not None):
            collapsed, shared = collapsed + 1, shared * trip_count(inner)
            inner = _only_loop(inner)
        simd = " simd" if pragmas.get(root) else ""
        collapse = f" collapse({collapsed})" if collapsed > 1 else ""
        pragmas[root] = (f"#pragma omp parallel for{simd} schedule(static){collapse} "
                         f"num_threads(ts_num_threads(INT64_C({total})))")
    return pragmas


def top_level_loops(func: Operation) -> list[scf.ForOp]:
    return [op for op in func.walk() if isinstance(op, scf.ForOp) and enclosing_loop(op) is None]

