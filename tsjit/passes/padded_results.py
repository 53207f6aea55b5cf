"""Results whose size depends on the data, computed in C into buffers of their largest size.

nonzero, masked_select, `x[mask]` (one bool mask over adjacent dims: `x[:, mask]` too), unique and
unique_consecutive (with or without dim) give results whose length only the values decide, so a C
function with caller-allocated outputs cannot have them. `pad_data_dependent_results` writes such
an op with `ts.compact` (tsjit/ops/compaction.py): the rows it keeps at the front of a buffer as
long as its input, and their count. That serves where the result goes, through ops that work row by
row (elementwise ops, `select`/`slice` of other dims, reductions over other dims, copies, reshapes
of the other dims: `(x > 0).nonzero().view(-1)`), to
- the function's results: the function returns the buffer, then each count as an extra result
  after all others, and records `{"cut": [[result, count result, dim], ...], "extra": n}` in its
  `ts.padded_results` attribute; Compiled (tsjit/compiled.py) cuts each buffer to its count along
  the dim it is padded along (0, or the dim of `unique(dim=d)` and `x[:, mask]`, whose results are
  returned only);
- a sum, mean, prod, any or all over dim 0 (`x[mask].sum()`, `(a[m] - b[m]).pow(2).mean()`: the
  ops of one mask over one shape keep the same places, so their rows align, `_alignment`): of the
  rows below the count, a value of static shape that any op may use;
- its sizes (`len`, `x.nonzero().size(0)`, `numel`): from the count, ints known at run time.

export_c pads only what stays inside the function (`returned=False`): a C caller would not know to
cut a returned buffer. A data-dependent result used any other way (a max, a matmul) stays as it is,
and its op runs on numpy (the op's definition says so). `nonzero(as_tuple=True)` becomes the
columns of `nonzero` first (`split_nonzero_tuples`, before the results are flattened). bincount is
not here: its length is the input's maximum plus one, which no input size bounds.
"""
from __future__ import annotations

import json
from math import prod
from typing import Any

import numpy as np
from xdsl.dialects.builtin import FunctionType, StringAttr, i1
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.transforms.dead_code_elimination import region_dce

from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.dialects.ts.constant import numpy_dtype
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import DYNAMIC, TensorType
from tsjit.dtypes import is_float
from tsjit.kernels.promotion import CODE_OF_DTYPE, INT64
from tsjit.ops import REGISTRY, Pointwise
from tsjit.ops.compaction import PADDED
from tsjit.ops.decomposition import NotDecomposable
from tsjit.passes.decompose import IRBuilder, _tensors

ATTRIBUTE = "ts.padded_results"
_I64 = CODE_OF_DTYPE[INT64]

_DATA_SIZED = {"ts.nonzero", "ts.nonzero_numpy", "ts.masked_select", "ts.unique", "ts.unique_consecutive",
               "ts.unique_dim", "ts.bincount"}


def data_sized(op: Operation) -> bool:
    """Whether the values of op's inputs decide its results' sizes (x[mask] with a bool mask too)."""
    if op.name == "ts.index":
        items = _tensors(op.operands[1]) or []
        return any(i is not None and i.type.element_type == i1 for i in items)
    return op.name in _DATA_SIZED


# -- which uses a padded result may have -------------------------------------------------------------

def _rank(v: SSAValue) -> int | None:
    t = v.type
    return len(t.sizes) if isinstance(t, TensorType) and t.sizes is not None else None


def _reduced_dims(user: Operation) -> list[int] | None:
    """The dims a sum or mean reduces (all of them for None or []), or None if they are not constant."""
    try:
        dims = constant_of(user.operands[1])
    except NotConstant:
        return None
    rank = _rank(user.operands[0])
    dims = [dims] if isinstance(dims, int) else dims
    return list(range(rank)) if not dims else [d % max(rank, 1) for d in dims]


def _use_kind(user: Operation, dynamic: set[SSAValue]) -> str | None:
    """"row" if `user` computes row i of its result from row i of its padded operands (dim 0): an
    elementwise op whose other tensors do not vary along that dim, select/slice of another dim, one
    of the _IDENTITY reductions over other dims, a copy, a reshape of the other dims; "total" for
    one over dim 0 (of the rows below the count);
    "size" for its sizes (len, size(0), size()) or its numel (from the count); else None."""
    if user.name == "ts.len" or user.name == "ts.size" and len(user.operands) == 1:
        return "size"
    defn = REGISTRY.get(user.name.removeprefix("ts."))
    if defn is not None and defn.name in ("size_dim", "numel") and user.operands[0] in dynamic:
        try:
            whole = defn.name == "numel" or constant_of(user.operands[1]) % _rank(user.operands[0]) == 0
        except NotConstant:
            return None
        return "size" if whole else None
    if defn is None or defn.effects != "pure" or len(user.results) != 1 or not isinstance(
            user.results[0].type, TensorType):
        return None
    rank = _rank(user.results[0])
    if isinstance(defn.lower, Pointwise) and rank:
        for w in user.operands:
            if w in dynamic:
                if _rank(w) != rank:
                    return None
            elif isinstance(w.type, TensorType):
                if not w.type.has_static_shape or (len(w.type.sizes) == rank and w.type.sizes[0] != 1):
                    return None
        return "row"
    if user.operands[0] not in dynamic or any(w in dynamic for w in user.operands[1:]):
        return None
    if defn.name in ("contiguous", "clone", "detach"):
        return "row"
    if defn.name in ("squeeze", "unsqueeze", "flatten", "view", "reshape"):
        return "row" if _keeps_rows(user) else None
    if defn.name in _IDENTITY:
        dims = _reduced_dims(user)
        if dims is None or (defn.name == "mean" and not is_float(_dtype(user.results[0]))):
            return None
        return "total" if 0 in dims else "row"
    if defn.name in ("select", "slice") and rank:
        try:
            dim, *rest = (constant_of(w) for w in user.operands[1:])
        except NotConstant:
            return None
        whole = defn.name == "slice" and rest[0] in (None, 0) and (rest[1] is None or rest[1] >= 2**62) \
            and rest[2] == 1  # `idx[:, 0]`: all of dim 0
        return "row" if isinstance(dim, int) and (dim % _rank(user.operands[0]) != 0 or whole) else None
    return None


def _keeps_rows(user: Operation) -> bool:
    """Whether a reshape keeps dim 0 (the rows) as it is: the other dims hold as many elements
    before as after, and squeeze names a dim other than 0 (squeezing a dim of one row is the data's
    choice)."""
    before, after = user.operands[0].type.sizes, user.results[0].type.sizes
    if after is None or not after or after[0] != DYNAMIC or any(d == DYNAMIC for d in (*before[1:], *after[1:])):
        return False
    if user.name == "ts.squeeze":
        try:
            dim = constant_of(user.operands[1])
        except NotConstant:
            return False
        if dim is None or dim % len(before) == 0:
            return False
    return prod(before[1:]) == prod(after[1:])


def _dtype(v: SSAValue) -> np.dtype | None:
    return numpy_dtype(v.type.element_type) if v.type.element_type is not None else None


def _followers(padded: list[SSAValue], ret: ReturnOp) -> dict[Operation, str] | None:
    """The ops using the padded results up to the return or a total, in block order, with their
    kind (`_use_kind`); None if one is neither."""
    block, seen, work, found = ret.parent_block(), set(padded), list(padded), {}
    while work:
        for use in list(work.pop().uses):
            user = use.operation
            if user is ret or user in found:
                continue
            kind = _use_kind(user, seen) if user.parent_block() is block else None
            if kind is None:
                return None
            found[user] = kind
            if kind == "row":
                seen.add(user.results[0])
                work.append(user.results[0])
    order = {op: i for i, op in enumerate(block.ops)}
    return {op: found[op] for op in sorted(found, key=order.__getitem__)}


# -- the rewrite -------------------------------------------------------------------------------------

def _undo(builders: list[IRBuilder]) -> None:
    for g in reversed(builders):
        for created in reversed(g.created):
            Rewriter.erase_op(created, safe_erase=False)


def _static(v: SSAValue) -> bool:
    return isinstance(v, SSAValue) and isinstance(v.type, TensorType) and v.type.has_static_shape


#: the reductions a padded value may feed over dim 0, and the value padding rows take for them (a
#: mean sums, then divides by the count)
_IDENTITY = {"sum": 0, "mean": 0, "prod": 1, "any": False, "all": True}


def _total(g: IRBuilder, user: Operation, v: SSAValue, count: SSAValue) -> SSAValue:
    """A reduction over dim 0 (and maybe others) of the rows of `v` below `count`."""
    shape = g.shape(v)
    name = user.name.removeprefix("ts.")
    rows = g.reshape(g.arange(0, shape[0], 1, _I64), [shape[0]] + [1] * (len(shape) - 1))
    rest = [g.value(w) for w in user.operands[1:]]
    total = getattr(g, "sum" if name == "mean" else name)(g.where(g.lt(rows, count), v, _IDENTITY[name]), *rest)
    if name != "mean":
        return total
    others = prod(n for d, n in enumerate(shape) if d in _reduced_dims(user) and d != 0)
    return g.div(total, g.mul(count, others))


def _size(g: IRBuilder, user: Operation, v: SSAValue, count: SSAValue) -> SSAValue:
    """len, size(0), numel or the size list of a padded value, from its count."""
    rest = list(g.shape(v)[1:])
    if user.name == "ts.numel":
        return g.to_int(g.mul(count, prod(rest)))
    n = g.to_int(count)
    if user.name != "ts.size":
        return n
    items = [n, *(g._operand(d, "int") for d in rest)]
    made = OPS_BY_NAME["ts.list.construct"].create(operands=items, result_types=[user.results[0].type])
    return g._insert(made).results[0]


def _pad(ops: list[Operation], ret: ReturnOp, counts: dict[SSAValue, SSAValue], returned: bool) -> bool:
    """Write `ops` (one op, or aligned ones: `_alignment`) with compact if every use of their
    data-dependent results is row-wise up to `ret` or a total (or only the latter, unless
    `returned`); `counts` takes each padded value returned to its count."""
    builders, pairs = [], []
    try:
        for op in ops:
            builders.append(g := IRBuilder(op))
            operands = [_tensors(v) if op.name == "ts.index" and k == 1 else v for k, v in enumerate(op.operands)]
            built = [(*b, 0)[:3] for b in PADDED[op.name.removeprefix("ts.")](g, *operands)]
            pairs += list(zip(op.results, built, strict=True))
    except NotDecomposable:
        _undo(builders)
        return False
    if len(ops) > 1:  # aligned: the first one's count is every one's
        first = pairs[0][1][1]
        pairs = [(old, (new, first if count is not None else None, dim)) for old, (new, count, dim) in pairs]
    padded = [old for old, (_, count, dim) in pairs if count is not None and dim == 0]
    later = _followers(padded, ret)
    fits = later is not None and all(_static(new) for _, (new, _, _) in pairs) and all(
        count is not None and dim == 0 or new.type == old.type or all(u.operation is ret for u in old.uses)
        for old, (new, count, dim) in pairs)  # (padded along another dim: returned only)
    reach = {*(old for old, (_, count, _) in pairs if count is not None),
             *(u.results[0] for u, kind in (later or {}).items() if kind == "row")}
    if not fits or not returned and any(v in reach for v in ret.operands):
        _undo(builders)
        return False
    mapping = {old: new for old, (new, _, _) in pairs}
    count_of = {old: (count, dim) for old, (_, count, dim) in pairs if count is not None}
    try:
        for user, kind in later.items():
            builders.append(g := IRBuilder(user))
            operands = [mapping.get(v, v) for v in user.operands]
            count = count_of[next(v for v in user.operands if v in count_of)][0]
            if kind == "size":
                new = _size(g, user, operands[0], count)
            else:
                new = g.apply(user.name.removeprefix("ts."), operands) if kind == "row" else \
                    _total(g, user, operands[0], count)
            if kind == "row" and not _static(new) or kind != "row" and new.type != user.results[0].type:
                raise NotDecomposable(f"{user.name} of a padded value has no static type")
            mapping[user.results[0]] = new
            if kind == "row":
                count_of[user.results[0]] = (count, 0)
    except NotDecomposable:
        _undo(builders)
        return False
    for old, new in mapping.items():
        if old in count_of:
            counts[new] = count_of[old]
        elif old.type == new.type:
            old.replace_all_uses_with(new)
    ret.operands = [mapping.get(v, v) for v in ret.operands]
    for dead in [*reversed(later), *reversed(ops)]:
        Rewriter.erase_op(dead)
    return True


def _alignment(op: Operation) -> tuple | None:
    """What decides which rows a mask op keeps, and where: `x[m]` and `masked_select(y, m)` of one
    mask m over one shape keep the same places, so their rows align and share a count."""
    if op.name == "ts.masked_select":
        x, mask = op.operands
        if not (_static(x) and _static(mask)):
            return None
        return mask, tuple(np.broadcast_shapes(x.type.sizes, mask.type.sizes))
    if op.name == "ts.index":
        items = _tensors(op.operands[1])
        if items and len(items) == 1 and items[0] is not None and _static(items[0]):
            return items[0], tuple(items[0].type.sizes)
    return None


def pad_data_dependent_results(func: FuncOp, returned: bool = True) -> bool:
    """Compute `func`'s data-dependent results padded, with their counts as extra results (see the
    module docstring; not those `func` returns unless `returned`); the others stay as they are.
    Whether it changed `func`."""
    if len(func.body.blocks) != 1 or not isinstance(func.body.block.last_op, ReturnOp):
        return False
    ret = func.body.block.last_op
    for op in reversed(list(func.body.block.ops)):  # the list `nonzero(as_tuple=True)[0]` was read from
        if op.name == "ts.list.construct" and not op.results[0].uses:
            Rewriter.erase_op(op)
    region_dce(func.body)
    counts: dict[SSAValue, tuple[SSAValue, int]] = {}
    changed = False
    groups: dict = {}
    for op in func.body.block.ops:
        if op.name.removeprefix("ts.") in PADDED and any(isinstance(r.type, TensorType) and not r.type.has_static_shape
                                                         for r in op.results):
            groups.setdefault(_alignment(op) or op, []).append(op)
    for group in groups.values():
        if _pad(group, ret, counts, returned):
            changed = True
        elif len(group) > 1:  # together they do not fit: maybe some alone
            for op in group:
                changed |= _pad([op], ret, counts, returned)
    if not counts:
        return changed
    results = list(ret.operands)
    extra = list(dict.fromkeys(counts[v][0] for v in results if v in counts))
    cut = [[j, len(results) + extra.index(counts[v][0]), counts[v][1]] for j, v in enumerate(results) if v in counts]
    Rewriter.insert_op(ReturnOp(*results, *extra), InsertPoint.before(ret))
    Rewriter.erase_op(ret)
    func.function_type = FunctionType.from_lists(list(func.function_type.inputs),
                                                 [v.type for v in [*results, *extra]])
    func.attributes[ATTRIBUTE] = StringAttr(json.dumps({"cut": cut, "extra": len(extra)}))
    return True


def split_nonzero_tuples(func: FuncOp) -> bool:
    """`nonzero(x, as_tuple=True)` -> the columns of `nonzero(x)` (of x as 1-d when 0-d), a list built
    in the function that ts-flatten-results can take apart (and ts-peephole index); whether any was."""
    found = False
    for op in [o for o in func.walk() if o.name == "ts.nonzero_numpy"]:
        x = op.operands[0]
        if not isinstance(x.type, TensorType) or x.type.sizes is None:
            continue
        g = IRBuilder(op)
        rank = len(x.type.sizes)
        found = g.nonzero(x if rank else g.reshape(x, [1]))
        items = [g.select(found, 1, d) for d in range(max(rank, 1))]
        for use in [u for u in op.results[0].uses if u.operation.name == "ts.list.unpack"]:  # as traces read it
            unpack = use.operation
            if len(unpack.results) == len(items):
                for r, item in zip(unpack.results, items):
                    r.replace_all_uses_with(item)
                Rewriter.erase_op(unpack)
        columns = g._insert(OPS_BY_NAME["ts.list.construct"].create(operands=items, result_types=[op.results[0].type]))
        op.results[0].replace_all_uses_with(columns.results[0])
        Rewriter.erase_op(op)
        found = True
    return found


def cuts(func: FuncOp) -> tuple[list[tuple[int, int, int]], int]:
    """The recorded (result, count result, dim) of `func`'s padded results and how many counts were added."""
    attr = func.attributes.get(ATTRIBUTE)
    if not isinstance(attr, StringAttr):
        return [], 0
    record = json.loads(attr.data)
    return [tuple(p) for p in record["cut"]], record["extra"]


def cut_results(result: Any, cut: list[tuple[int, int, int]], extra: int) -> Any:
    """A call's result (a tuple) with each padded result cut to its count along its dim, and the counts
    dropped."""
    flat = list(result)
    for j, k, dim in cut:
        flat[j] = flat[j][(slice(None),) * dim + (slice(0, int(flat[k])),)]
    rest = flat[:len(flat) - extra]
    return rest[0] if len(rest) == 1 else tuple(rest) if rest else None
