"""Elementwise ts ops → one all-parallel `linalg.generic` each, with an arith/math body.

An op definition's `Pointwise` (tsjit/ops/registry.py) says which operands are values (tensors,
broadcast through the indexing maps as PyTorch broadcasts, or constant Python scalars, which
become `arith.constant`s in the body), which are constant parameters (alpha, slopes, bounds), and
how to build the scalar computation from a `Kit`. The body computes in the result's element type
(PyTorch's type promotion is already in the specialized result type), except comparisons, which
compute in the promoted operand type and give i1; float16 computes in float32 and rounds the
result once, as PyTorch's CPU kernels do (bfloat16 likewise) (constants in float32 too: pi in digamma's reflection).
In-place variants (`add_`, ...) are not lowered: they mutate an operand that later ops may read.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.builder import Builder
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import BFloat16Type, ComplexType, Float16Type, IntegerType, Signedness, f32, f64, i1
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg import FillOp
from xdsl.ir import Attribute, Operation, SSAValue

from tsjit.dialects.ts.constant import numpy_dtype
from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import BoolType as TsBoolType
from tsjit.dialects.ts.types import DTYPES, TensorType, is_float_dtype
from tsjit.dialects.ts.types import FloatType as TsFloatType
from tsjit.dialects.ts.types import IntType as TsIntType
from tsjit.kernels.promotion import result_dtype
from tsjit.lowering.generic_builder import constant, convert, elementwise, empty, is_unsigned
from tsjit.lowering.table import Lower, NotLowerable
from tsjit.ops.registry import Pointwise


class Kit:
    """Scalar arithmetic in one element type: picks the float, signed-int or bool form of each op."""

    def __init__(self, b: Builder, dtype: Attribute, params: Sequence[Any] = (), consts: Sequence[Any] = ()):
        self.b, self.dtype, self.params, self.consts = b, dtype, params, consts
        self.float = is_float_dtype(dtype)
        self.unsigned = is_unsigned(dtype)

    def c(self, value: Any, dtype: Attribute | None = None) -> SSAValue:
        return constant(self.b, value, dtype or self.dtype)

    def op(self, op: Operation) -> SSAValue:
        return self.b.insert(op).results[0]

    def _pick(self, x, y, f, i, bool_op=None) -> SSAValue:
        if self.float:
            return self.op(f(x, y))
        return self.op((bool_op or i)(x, y) if x.type == i1 else i(x, y))

    def add(self, x, y): return self._pick(x, y, arith.AddfOp, arith.AddiOp, arith.OrIOp)
    def sub(self, x, y): return self._pick(x, y, arith.SubfOp, arith.SubiOp)
    def mul(self, x, y): return self._pick(x, y, arith.MulfOp, arith.MuliOp, arith.AndIOp)
    def div(self, x, y): return self._pick(x, y, arith.DivfOp, arith.DivUIOp if self.unsigned else arith.DivSIOp)
    def max(self, x, y):
        return self._pick(x, y, arith.MaximumfOp, arith.MaxUIOp if self.unsigned else arith.MaxSIOp, arith.OrIOp)

    def min(self, x, y):
        return self._pick(x, y, arith.MinimumfOp, arith.MinUIOp if self.unsigned else arith.MinSIOp, arith.AndIOp)

    def neg(self, x):
        return self.op(arith.NegfOp(x)) if self.float else self.sub(self.c(0), x)

    def cmp(self, pred: str, x, y) -> SSAValue:
        """pred in eq, ne, lt, le, gt, ge; NaN compares unequal (and `ne` true) as in PyTorch."""
        if self.float:
            return self.op(arith.CmpfOp(x, y, "une" if pred == "ne" else "o" + pred))
        signed = pred if pred in ("eq", "ne") else ("u" if x.type == i1 or is_unsigned(x.type) else "s") + pred
        return self.op(arith.CmpiOp(x, y, signed))

    def select(self, cond, x, y): return self.op(arith.SelectOp(cond, x, y))
    def math(self, cls: type, x): return self.op(cls(x))
    def recip(self, x): return self.div(self.c(1), x)
    def clamp(self, x, lo, hi): return self.min(self.max(x, self.c(lo)), self.c(hi))

    i1 = i1

    def cmp_raw(self, predicate: str, x, y) -> SSAValue:
        """arith.cmpf with one of its own predicates ("uno", "oeq", "olt", ...)."""
        return self.op(arith.CmpfOp(x, y, predicate))

    def is_bool(self, x: SSAValue) -> bool:
        return x.type == i1

    def refuse(self, reason: str) -> None:
        """Leave the op unlowered (NotLowerable) for this reason."""
        raise NotLowerable(reason)

    def __getattr__(self, name: str) -> Callable[..., SSAValue]:
        """`k.exp(x)`, `k.tanh(x)`, `k.atan2(y, x)`, ...: the math (and bitwise arith) op of that name."""
        if self.unsigned and name == "absi":
            return lambda x: x
        cls = (self.unsigned and _UNSIGNED.get(name)) or _NAMED.get(name)
        if cls is None:
            raise AttributeError(name)
        return lambda *xs: self.op(cls(*xs))

    def ipow(self, x, n: int) -> SSAValue:
        """x**n for a small n >= 1 by squaring (numpy's float pow is far slower than multiplies)."""
        result, base = None, x
        while n:
            if n & 1:
                result = base if result is None else self.mul(result, base)
            n >>= 1
            if n:
                base = self.mul(base, base)
        return result

    def wide(self, x: SSAValue) -> SSAValue:
        """x as f64 (f32 and f16 values are exact there, and so are their products)."""
        return convert(self.b, x, f64)

    def narrow(self, x: SSAValue) -> SSAValue:
        """An f64 value back in the Kit's float type."""
        return convert(self.b, x, self.dtype)

    def widened(self) -> Kit:
        """A Kit of f64 on the same builder (for `wide` values: bodies that need double precision)."""
        return Kit(self.b, f64, self.params, self.consts)

    def fmodf(self, x, y) -> SSAValue:
        """C's fmod (arith has no remf): |x| - q|y| by one fma with q = trunc(|x| / |y|), corrected
        once when the rounded quotient crossed an integer, with x's sign. Computed in f64, so exact
        for float32 while |x / y| < 2^53 (float64: while q is off by at most one)."""
        a, b = self.absf(self.wide(x)), self.absf(self.wide(y))
        r = self.fma(self.op(arith.NegfOp(self.trunc(self.op(arith.DivfOp(a, b))))), b, a)
        r = self.op(arith.SelectOp(self.op(arith.CmpfOp(r, constant(self.b, 0.0, f64), "olt")),
                                   self.op(arith.AddfOp(r, b)), r))
        r = self.op(arith.SelectOp(self.op(arith.CmpfOp(r, b, "oge")), self.op(arith.SubfOp(r, b)), r))
        r = self.op(arith.SelectOp(self.op(arith.CmpfOp(a, b, "olt")), a, r))  # also |y| = inf
        return self.narrow(self.copysign(r, self.wide(x)))

    def hypotf(self, x, y) -> SSAValue:
        """C's hypot: sqrt(x^2 + y^2) without overflow (in f64 for float32, scaled by the larger
        magnitude for float64), inf when either is infinite even if the other is NaN."""
        a, b = self.absf(x), self.absf(y)
        if self.dtype != f64:
            wa, wb = self.wide(a), self.wide(b)
            h = self.narrow(self.sqrt(self.op(arith.AddfOp(self.op(arith.MulfOp(wa, wa)),
                                                           self.op(arith.MulfOp(wb, wb))))))
        else:
            big, small = self.max(a, b), self.min(a, b)
            ratio = self.div(small, big)
            h = self.mul(big, self.sqrt(self.add(self.c(1.0), self.mul(ratio, ratio))))
            h = self.select(self.cmp("eq", big, self.c(0.0)), self.c(0.0), h)
        inf = self.c(float("inf"))
        return self.select(self.or_(self.cmp("eq", a, inf), self.cmp("eq", b, inf)), inf, h)


_FLOAT_MATH = {"exp": math.ExpOp, "log": math.LogOp, "log2": math.Log2Op, "log1p": math.Log1pOp,
               "expm1": math.ExpM1Op, "sqrt": math.SqrtOp, "rsqrt": math.RsqrtOp, "sin": math.SinOp,
               "cos": math.CosOp, "tan": math.TanOp, "tanh": math.TanhOp, "erf": math.ErfOp}

#: The ops a Kit offers by name: math functions and bitwise/boolean integer ops.
_NAMED: dict[str, type] = {
    **_FLOAT_MATH, "atan2": math.Atan2Op, "absf": math.AbsFOp, "absi": math.AbsIOp, "floor": math.FloorOp,
    "ceil": math.CeilOp, "trunc": math.TruncOp, "round_even": math.RoundEvenOp, "powf": math.PowFOp,
    "asin": math.AsinOp, "acos": math.AcosOp, "atan": math.AtanOp, "sinh": math.SinhOp, "cosh": math.CoshOp,
    "asinh": math.AsinhOp, "acosh": math.AcoshOp, "atanh": math.AtanhOp, "log10": math.Log10Op,
    "exp2": math.Exp2Op, "copysign": math.CopySignOp,
    "and_": arith.AndIOp, "or_": arith.OrIOp, "xor": arith.XOrIOp, "floordivsi": arith.FloorDivSIOp,
    "remsi": arith.RemSIOp, "ipowi": math.IPowIOp, "fma": math.FmaOp,
    "maxnumf": arith.MaxnumfOp, "minnumf": arith.MinnumfOp,
}

#: the unsigned forms of the named integer ops, for uint8 (floor division of unsigned values truncates)
_UNSIGNED: dict[str, type] = {"floordivsi": arith.DivUIOp, "remsi": arith.RemUIOp}


def check_dtype(t: Attribute) -> None:
    """Signless integers, and uint8 (ui8: the Kit picks the unsigned ops for it); no other signedness."""
    if isinstance(t, IntegerType) and t.signedness.data != Signedness.SIGNLESS and not is_unsigned(t):
        raise NotLowerable(f"unsupported element type {t}")


def _proxy(t: Attribute) -> Any:
    """A stand-in value with t's dtype and rank class, for torch.result_type."""
    if not isinstance(t, TensorType):
        raise ValueError
    return np.zeros((1,) * t.rank, numpy_dtype(t.element_type))


#: bodies built from the float format of their dtype (its largest value, its ulp): f16 stays f16
_FORMAT_BODIES = frozenset({"ts.nan_to_num", "ts.nextafter"})


def _item_tensor(v: SSAValue, lower: Lower) -> SSAValue | None:
    """The 0-d tensor whose `ts.item` gives the scalar operand v (None when v is not one), read per
    element like a broadcast tensor operand."""
    owner = v.owner
    if getattr(owner, "name", "") != "ts.item" or v in lower.mapping:
        return None
    t = owner.operands[0].type
    if not isinstance(t, TensorType) or t.sizes != () or isinstance(t.dtype, ComplexType):
        return None
    return lower.value(owner.operands[0])


def _run_time_scalar(op: Operation, i: int, lower: Lower) -> SSAValue | None:
    """Scalar operand i as a 0-d tensor when it is an int, float or bool computed at run time (the
    iteration number of a loop); None for a constant (the body gets its value)."""
    v = op.operands[i]
    if v not in lower.mapping and not isinstance(v.type, TsBoolType | TsIntType | TsFloatType):
        return None  # (a lowered Scalar, `z.item()`, has the builtin type of its value)
    try:
        constant_of(v)
        return None
    except NotConstant:
        pass
    scalar = lower.scalar(i)
    t = BuiltinTensorType(scalar.type, [])
    return lower.builder.insert(FillOp([scalar], [empty(lower.builder, t)], [t])).results[0]


def _scalar_proxy(t: Attribute) -> Any:
    """A Python scalar of an element type's kind, for promotion (a Scalar operand is a wrapped number)."""
    return 0.0 if is_float_dtype(t) else False if t == i1 else 0


def _compute_type(spec: Pointwise, op: Operation, consts: list[Any], result: Attribute,
                  items: dict[int, Attribute]) -> Attribute:
    if spec.compute == "result":
        return result
    if spec.compute == "bool":
        return i1
    if spec.compute == "input":
        if 0 in items:
            raise NotLowerable("a run-time scalar as the input")
        return op.operands[spec.values[0]].type.element_type
    values = [c if c is not None else _scalar_proxy(items[k]) if k in items else _proxy(op.operands[i].type)
              for k, (i, c) in enumerate(zip(spec.values, consts))]
    return DTYPES[result_dtype(*values).name]


def lower_pointwise(spec: Pointwise, op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """One linalg.generic computing `spec.body` per element (see tsjit.ops.registry.Pointwise)."""
    out = lower.result_type()
    tensors, consts, items = [], [], {}
    for k, i in enumerate(spec.values):
        if isinstance(op.operands[i].type, TensorType):
            tensors.append(lower.tensor(i))
            consts.append(None)
        elif (item := _item_tensor(op.operands[i], lower) or _run_time_scalar(op, i, lower)) is not None:
            tensors.append(item)  # a Scalar known at run time: `x.masked_fill(m, z)` of a 0-d tensor z, or
            consts.append(None)   # `y + i` of a loop's iteration number (a 0-d tensor filled with it)
            items[k] = item.type.element_type
        else:
            consts.append(lower.constant(i))
    params = [lower.constant(i) for i in spec.params]
    if op.name in ("ts.to", "ts.type_as") and tensors[0].type == out:
        return [tensors[0]]
    dtype = _compute_type(spec, op, consts, out.element_type, items)
    if isinstance(dtype, Float16Type | BFloat16Type) and op.name not in _FORMAT_BODIES:
        dtype = f32
    for t in [out.element_type, dtype, *(v.type.element_type for v in tensors)]:
        check_dtype(t)
    if spec.float_only and not is_float_dtype(dtype):
        raise NotLowerable(f"{op.name} needs a float tensor, not {dtype}")

    def body(b: Builder, args: Sequence[SSAValue]) -> SSAValue:
        kit = Kit(b, dtype, params, consts)
        it = iter(args)
        xs = [kit.c(c, i1 if k in spec.bools else dtype) if c is not None
              else convert(b, next(it), i1 if k in spec.bools else dtype) for k, c in enumerate(consts)]
        return convert(b, spec.body(kit, *xs), out.element_type)

    return [elementwise(lower.builder, tensors, out, body)]


def lower_identity(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """Builtin tensors are values: a copy is the same value."""
    return [lower.tensor(0)]
