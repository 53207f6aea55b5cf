"""TorchScript's control flow (`ts.loop`, `ts.if`) -> `scf.for` / `scf.if` on builtin values.

- `ts.loop` in for-loop form (`for i in range(n)`: the start and body conditions constant true)
  becomes `scf.for %iv = 0 to n` whose iter_args are the carried values: builtin tensors of
  static shapes and scalars (`!ts.int` -> i64, `!ts.float` -> f64, `!ts.bool` -> i1); the
  iteration number is `index_cast %iv` to i64. The loop is not unrolled. A `while` loop (a
  condition computed in the body) becomes `scf.while` (tsjit/lowering/while_loops.py).
- `ts.if` on a scalar condition known only at run time becomes `scf.if` with both branches
  lowered (a constant condition has been folded by ts-specialize / canonicalize already).
- A body is lowered op by op with the same table as a function body (table.lower_block) plus
  run-time scalar arithmetic (`ts.scalar.*` -> arith) and tuple forwarding. It lowers whole or
  not at all: if any ts value is left in it, the new scf op is erased and the ts op stays, with
  the reason, so the numpy backend still runs it.
- `ts.to_bool` / `to_int` / `to_float` / `item` of a one-element tensor (`if x.sum() > 0:`) read
  its element with `tensor.extract` and convert it as Python does; scalar ops on such run-time
  values (`int(x.argmax().item())`) lower at a function's top level too.

- `ts.uninitialized` (an early return's value before it is set) is an empty tensor or a zero.

These lowerings build ops before the ts op as every lowering does (tsjit/lowering/table.py).
"""
from __future__ import annotations

from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import IndexType, IntegerType, UnrealizedConversionCastOp, f64, i1, i64
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import is_side_effect_free

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import BoolType, FloatType, IntType, TensorType
from tsjit.lowering.generic_builder import constant, convert
from tsjit.lowering.table import Lower, NotLowerable, builtin_type

SCALAR_TYPES = {IntType: i64, FloatType: f64, BoolType: i1}


def scalar_type(t: Attribute) -> Attribute:
    """The builtin type of a ts scalar type (NotLowerable for `number`, str, lists, ...)."""
    try:
        return SCALAR_TYPES[type(t)]
    except KeyError:
        raise NotLowerable(f"no run-time lowering of a {t} value") from None


def builtin_of(t: Attribute) -> Attribute:
    return builtin_type(t) if isinstance(t, TensorType) else scalar_type(t)


def scalar_value(v: SSAValue, mapping: dict[SSAValue, SSAValue], b) -> SSAValue:
    """A ts scalar as its builtin value: the lowered one, or an `arith.constant` of a constant."""
    if v in mapping:
        return mapping[v]
    t = scalar_type(v.type)
    try:
        value = constant_of(v)
    except NotConstant:
        raise NotLowerable(f"a {v.type} known only at run time, computed by an op that was not lowered") from None
    if value is None or isinstance(value, (list, str)):
        raise NotLowerable(f"the constant {value!r} is not a scalar")
    return constant(b, value, t)


def _is_ts(t: Attribute) -> bool:
    return type(t).__module__.startswith("tsjit.")


def _is_ts_value_op(op: Operation) -> bool:
    return any(_is_ts(v.type) for v in (*op.operands, *op.results))


# -- regions ---------------------------------------------------------------------------------


def _lower_region(src: Block, dst: Block, args: list[SSAValue], mapping: dict[SSAValue, SSAValue],
                  skip: int = 0) -> None:
    """Clone `src` (block arguments bound to the builtin `args`) into `dst`, lower it, and end it
    with an `scf.yield` of its terminator's values after the first `skip` (the loop condition)."""
    from tsjit.lowering.table import lower_block, lowerings

    values: dict[SSAValue, SSAValue] = {}
    for old, new in zip(src.args, args, strict=True):
        cast = UnrealizedConversionCastOp.get([new], [old.type])
        dst.add_op(cast)
        values[old] = cast.results[0]
        mapping[cast.results[0]] = new
    for op in src.ops:
        dst.add_op(op.clone(values))
    remaining = lower_block(dst, mapping, {**lowerings(), **NESTED})
    if remaining:
        name, where, why = remaining[0]
        raise NotLowerable(f"{name}{f' at {where}' if where else ''} inside it: {why}")
    term = dst.last_op
    yielded = [Lower(term, mapping).value(v) for v in list(term.operands)[skip:]]
    Rewriter.insert_op(scf.YieldOp(*yielded), InsertPoint.before(term))
    Rewriter.erase_op(term)
    _drop_dead(dst)
    left = next((op for op in dst.walk() if _is_ts_value_op(op)), None)
    if left is not None:
        raise NotLowerable(f"{left.name} inside it keeps ts values")


def _drop_dead(block: Block) -> None:
    """Unused casts and side-effect-free ts ops (scalar constants, folded checks) of `block`."""
    changed = True
    while changed:
        changed = False
        for op in reversed(list(block.walk())):
            if op.parent_block() is None or op.regions or any(r.uses for r in op.results):
                continue
            if isinstance(op, UnrealizedConversionCastOp) or op.name.startswith("ts.") and is_side_effect_free(op):
                Rewriter.erase_op(op)
                changed = True


def _abandon(op: Operation) -> None:
    """Erase a half-built scf op (its body may still use values from outside). It is detached
    first: dropping an op's references forgets its parent, not the block's link to it."""
    if op.parent is not None:  # the builder may not have placed it yet
        op.detach()
    for inner in reversed(list(op.walk())):
        inner.drop_all_references()
    op.erase(safe_erase=False)


def _constant_bool(v: SSAValue) -> bool | None:
    try:
        value = constant_of(v)
    except NotConstant:
        return None
    return value if isinstance(value, bool) else None


def _is_static_tensor(t: Attribute) -> bool:
    return isinstance(t, TensorType) and t.has_static_shape and t.element_type is not None


def lower_loop(op, lower: Lower):
    """`ts.loop` of a for loop -> `scf.for` with iter_args (see the module docstring)."""
    body = op.body.block
    for k, (init, res) in enumerate(zip(op.init, op.output)):
        if _is_static_tensor(init.type) and isinstance(res.type, TensorType) and not _is_static_tensor(res.type):
            what = "shape" if not res.type.has_static_shape else "dtype"
            raise NotLowerable(f"carried tensor #{k} changes {what} between iterations ({init.type} becomes "
                               f"{res.type}): only a static shape and dtype lower")
    if _constant_bool(op.start_cond) is not True or _constant_bool(body.last_op.cond) is not True:
        from tsjit.lowering.while_loops import lower_while

        return lower_while(op, lower)
    try:  # a static trip count (after ts-specialize) is an index constant: C sees its loop's length
        trip = int(constant_of(op.max_trip_count))
    except (NotConstant, TypeError):
        trip = lower.scalar(0)
    inits = [lower.value(v) for v in op.init]
    types = [builtin_of(r.type) for r in op.output]
    if [v.type for v in inits] != types:
        raise NotLowerable("a carried value changes type between iterations")
    b = lower.builder
    zero = b.insert(arith.ConstantOp.from_int_and_width(0, IndexType())).result
    one = b.insert(arith.ConstantOp.from_int_and_width(1, IndexType())).result
    ub = b.insert(arith.ConstantOp.from_int_and_width(max(trip, 0), IndexType()) if isinstance(trip, int)
                  else arith.IndexCastOp(trip, IndexType())).result
    block = Block(arg_types=[IndexType(), *types])
    loop = b.insert(scf.ForOp(zero, ub, one, inits, Region(block)))
    iteration = arith.IndexCastOp(block.args[0], i64)
    block.add_op(iteration)
    try:
        _lower_region(body, block, [iteration.result, *block.args[1:]], lower.mapping, skip=1)
    except NotLowerable as e:
        _abandon(loop)
        raise NotLowerable(f"loop body: {e}") from None
    return list(loop.results)


def lower_if(op, lower: Lower):
    """`ts.if` on a run-time condition -> `scf.if` (see the module docstring)."""
    cond = lower.scalar(0)
    types = [builtin_of(r.type) for r in op.output]
    then_block, else_block = Block(), Block()
    new = lower.builder.insert(scf.IfOp(cond, types, Region(then_block), Region(else_block)))
    try:
        _lower_region(op.then_region.block, then_block, [], lower.mapping)
        _lower_region(op.else_region.block, else_block, [], lower.mapping)
    except NotLowerable as e:
        _abandon(new)
        raise NotLowerable(f"branch: {e}") from None
    if any(a.type != t for a, t in zip(then_block.last_op.operands, types)) or \
            any(a.type != t for a, t in zip(else_block.last_op.operands, types)):
        _abandon(new)
        raise NotLowerable("the branches yield values of different types")
    return list(new.results)


# -- scalars ---------------------------------------------------------------------------------


def lower_to_scalar(op, lower: Lower):
    """`bool(t)`, `int(t)`, `float(t)` and `t.item()` of a one-element tensor: its element, converted
    (by item to the Python type of the tensor's dtype: bool, int or float)."""
    x = lower.tensor(0)
    shape = x.type.get_shape()
    if any(d != 1 for d in shape):
        raise NotLowerable("the tensor must have one element")
    b = lower.builder
    zero = [b.insert(arith.ConstantOp.from_int_and_width(0, IndexType())).result for _ in shape]
    element = b.insert(tensor.ExtractOp(x, zero, x.type.element_type)).result
    if op.name == "ts.item":
        e = x.type.element_type
        t = (i1 if e.width.data == 1 else i64) if isinstance(e, IntegerType) else f64
    else:
        t = scalar_type(op.results[0].type)
    return [convert(b, element, t)]


def _binary(f_op, i_op, b_op=None):
    """int/float (promoted to the result's type) arithmetic of two scalars."""
    def lower(op, lower: Lower):
        t = scalar_type(op.results[0].type)
        xs = [convert(lower.builder, lower.scalar(i), t) for i in range(2)]
        cls = f_op if t == f64 else b_op if t == i1 else i_op
        if cls is None:
            raise NotLowerable(f"{op.name} of {op.results[0].type}")
        return [lower.builder.insert(cls(*xs)).result]
    return lower


def _compare(pred: str):
    def lower(op, lower: Lower):
        xs = [lower.scalar(i) for i in range(2)]
        b = lower.builder
        if any(x.type == f64 for x in xs):
            xs = [convert(b, x, f64) for x in xs]
            return [b.insert(arith.CmpfOp(*xs, "une" if pred == "ne" else "o" + pred)).result]
        if xs[0].type != xs[1].type:
            xs = [convert(b, x, i64) for x in xs]
        signed = pred if pred in ("eq", "ne") else ("u" if xs[0].type == i1 else "s") + pred
        return [b.insert(arith.CmpiOp(*xs, signed)).result]
    return lower


def _int_floordiv_mod(want_mod: bool):
    """Python's // and % of ints (rounding toward -inf; the remainder takes the divisor's sign)."""
    def lower(op, lower: Lower):
        if scalar_type(op.results[0].type) != i64:
            raise NotLowerable(f"{op.name} of floats")
        b = lower.builder
        x, y = (convert(b, lower.scalar(i), i64) for i in range(2))
        if not want_mod:
            return [b.insert(arith.FloorDivSIOp(x, y)).result]
        r = b.insert(arith.RemSIOp(x, y)).result
        zero = constant(b, 0, i64)
        nonzero = b.insert(arith.CmpiOp(r, zero, "ne")).result
        signs = b.insert(arith.XOrIOp(b.insert(arith.CmpiOp(r, zero, "slt")).result,
                                      b.insert(arith.CmpiOp(y, zero, "slt")).result)).result
        fix = b.insert(arith.AndIOp(nonzero, signs)).result
        return [b.insert(arith.SelectOp(fix, b.insert(arith.AddiOp(r, y)).result, r)).result]
    return lower


def _convert_to(op, lower: Lower):
    return [convert(lower.builder, lower.scalar(0), scalar_type(op.results[0].type))]


def _not(op, lower: Lower):
    b = lower.builder
    return [b.insert(arith.XOrIOp(lower.scalar(0), constant(b, 1, i1))).result]


def _neg(op, lower: Lower):
    x = lower.scalar(0)
    b = lower.builder
    if x.type == f64:
        return [b.insert(arith.NegfOp(x)).result]
    return [b.insert(arith.SubiOp(constant(b, 0, i64), convert(b, x, i64))).result]


def _tuple_unpack(op, lower: Lower):
    """`h, c = (h1, c1)` inside a body: the construct's elements."""
    owner = op.operands[0].owner
    if getattr(owner, "name", None) != "ts.tuple.construct":
        raise NotLowerable("unpacking a tuple not built here")
    return [lower.value(v) for v in owner.operands]


def _uninitialized(op, lower: Lower):
    """The value an early `return` leaves before it is set (never read): an empty tensor of its
    static type (ts-specialize gives it the type of what the loop or branch sets), or a zero."""
    t = op.results[0].type
    if isinstance(t, TensorType):
        return [lower.empty(builtin_type(t))]
    return [constant(lower.builder, 0, scalar_type(t))]


#: Lowerings used everywhere (tsjit/lowering/table.py adds them to the table).
TOP_LEVEL = {
    "ts.loop": lower_loop,
    "ts.if": lower_if,
    "ts.uninitialized": _uninitialized,
}

#: Lowerings of run-time scalars, used inside lowered loop bodies and branches only (at a
#: function's top level scalars are constants that the ops using them read at compile time).
NESTED = {
    "ts.scalar.add": _binary(arith.AddfOp, arith.AddiOp),
    "ts.scalar.sub": _binary(arith.SubfOp, arith.SubiOp),
    "ts.scalar.mul": _binary(arith.MulfOp, arith.MuliOp),
    "ts.scalar.div": _binary(arith.DivfOp, None),
    "ts.scalar.min": _binary(arith.MinimumfOp, arith.MinSIOp),
    "ts.scalar.max": _binary(arith.MaximumfOp, arith.MaxSIOp),
    "ts.scalar.and": _binary(None, None, arith.AndIOp),
    "ts.scalar.or": _binary(None, None, arith.OrIOp),
    "ts.scalar.floordiv": _int_floordiv_mod(False),
    "ts.scalar.mod": _int_floordiv_mod(True),
    "ts.scalar.not": _not,
    "ts.scalar.neg": _neg,
    "ts.scalar.int": _convert_to,
    "ts.scalar.float": _convert_to,
    "ts.scalar.bool": _convert_to,
    "ts.tuple.unpack": _tuple_unpack,
    **{f"ts.scalar.{p}": _compare(p) for p in ("eq", "ne", "lt", "le", "gt", "ge")},
}


def _run_time_only(lowering):
    """A scalar op at a function's top level lowers only when an operand is a run-time value (an
    `item()` read from a tensor); on constants it stays, for the ops reading them at compile time."""
    def lower(op, lower: Lower):
        if not any(v in lower.mapping for v in op.operands):
            raise NotLowerable("a compile-time scalar")
        return lowering(op, lower)
    return lower


TOP_LEVEL.update({name: _run_time_only(f) for name, f in NESTED.items() if name.startswith("ts.scalar.")})
