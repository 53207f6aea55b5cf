"""Elementwise ts ops → one all-parallel `linalg.generic` each, with an arith/math body.

Every op is a row of BODIES: which operands are values (tensors, broadcast through the
indexing maps as PyTorch broadcasts, or constant Python scalars, which become `arith.constant`s
in the body), which are constant parameters (alpha, slopes, bounds), and a function building
the scalar computation from a `Kit`. The body computes in the result's element type (PyTorch's
type promotion is already in the specialized result type), except comparisons, which compute
in the promoted operand type and give i1. In-place variants (`add_`, ...) are not lowered: they
mutate an operand that later ops may read.
"""
from __future__ import annotations

import math as pymath
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.builder import Builder
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import IntegerType, Signedness, i1
from xdsl.ir import Attribute, Operation, SSAValue

from tsjit.dialects.ts.constant import numpy_dtype
from tsjit.dialects.ts.types import DTYPES, TensorType, is_float_dtype
from tsjit.kernels.promotion import result_dtype
from tsjit.lowering.generic_builder import constant, convert, elementwise
from tsjit.lowering.table import Lower, NotLowerable, lowers
from tsjit.ops.registry import Pointwise


class Kit:
    """Scalar arithmetic in one element type: picks the float, signed-int or bool form of each op."""

    def __init__(self, b: Builder, dtype: Attribute, params: Sequence[Any] = (), consts: Sequence[Any] = ()):
        self.b, self.dtype, self.params, self.consts = b, dtype, params, consts
        self.float = is_float_dtype(dtype)

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
    def div(self, x, y): return self._pick(x, y, arith.DivfOp, arith.DivSIOp)
    def max(self, x, y): return self._pick(x, y, arith.MaximumfOp, arith.MaxSIOp, arith.OrIOp)
    def min(self, x, y): return self._pick(x, y, arith.MinimumfOp, arith.MinSIOp, arith.AndIOp)

    def neg(self, x):
        return self.op(arith.NegfOp(x)) if self.float else self.sub(self.c(0), x)

    def cmp(self, pred: str, x, y) -> SSAValue:
        """pred in eq, ne, lt, le, gt, ge; NaN compares unequal (and `ne` true) as in PyTorch."""
        if self.float:
            return self.op(arith.CmpfOp(x, y, "une" if pred == "ne" else "o" + pred))
        signed = pred if pred in ("eq", "ne") else ("u" if x.type == i1 else "s") + pred
        return self.op(arith.CmpiOp(x, y, signed))

    def select(self, cond, x, y): return self.op(arith.SelectOp(cond, x, y))
    def math(self, cls: type, x): return self.op(cls(x))
    def recip(self, x): return self.div(self.c(1), x)
    def clamp(self, x, lo, hi): return self.min(self.max(x, self.c(lo)), self.c(hi))

    def __getattr__(self, name: str) -> Callable[..., SSAValue]:
        """`k.exp(x)`, `k.tanh(x)`, `k.atan2(y, x)`, ...: the math (and bitwise arith) op of that name."""
        cls = _NAMED.get(name)
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


Spec = Pointwise  # the lowering rows below predate the op registry's Pointwise


def _sigmoid(s, x): return s.recip(s.add(s.c(1), s.math(math.ExpOp, s.neg(x))))
def _hardsigmoid(s, x): return s.div(s.clamp(s.add(x, s.c(3)), 0, 6), s.c(6))


def _softplus(s, x, beta=1.0, threshold=20.0):
    bx = s.mul(x, s.c(beta))
    soft = s.div(s.math(math.Log1pOp, s.math(math.ExpOp, bx)), s.c(beta))
    return s.select(s.cmp("gt", bx, s.c(threshold)), x, soft)


def _gelu(s, x):
    approximate = s.params[0]
    if approximate == "tanh":  # 0.5 x (1 + tanh(z)) = x sigmoid(2z) = x / (1 + exp(-2z)): no tanh
        # (a polynomial, an exp and a division, selected), and no cancellation in 1 + tanh(z) for z << 0
        cube = s.mul(s.mul(x, x), x)
        minus_2z = s.mul(s.c(-2 * pymath.sqrt(2 / pymath.pi)), s.add(x, s.mul(s.c(0.044715), cube)))
        return s.div(x, s.add(s.c(1), s.math(math.ExpOp, minus_2z)))
    if approximate != "none":
        raise NotLowerable(f"gelu approximate={approximate!r}")
    erf = s.math(math.ErfOp, s.mul(x, s.c(pymath.sqrt(0.5))))
    return s.mul(s.mul(s.c(0.5), x), s.add(s.c(1), erf))


def _elu(s, x):
    alpha, scale, input_scale = s.params
    neg = s.math(math.ExpM1Op, s.mul(s.min(x, s.c(0)), s.c(input_scale)))
    return s.select(s.cmp("gt", x, s.c(0)), s.mul(x, s.c(scale)), s.mul(neg, s.c(alpha * scale)))


def _scaled(s, y, alpha):
    return y if alpha == 1 else s.mul(y, s.c(alpha))


def _clamp(s, x):
    lo, hi = s.params
    if lo is None and hi is None:
        raise NotLowerable("clamp without bounds")
    x = x if lo is None else s.max(x, s.c(lo))
    return x if hi is None else s.min(x, s.c(hi))


def _floor_divide(s, x, y):
    if s.float:
        return s.math(math.FloorOp, s.div(x, y))
    return s.op(arith.FloorDivSIOp(x, y))


def _remainder(s, x, y):
    """Python's modulo (the divisor's sign)."""
    if s.float:
        return s.sub(x, s.mul(s.math(math.FloorOp, s.div(x, y)), y))
    r = s.op(arith.RemSIOp(x, y))
    wrong_sign = s.op(arith.AndIOp(s.cmp("ne", r, s.c(0)), s.cmp("ne", s.cmp("lt", r, s.c(0)), s.cmp("lt", y, s.c(0)))))
    return s.select(wrong_sign, s.add(r, y), r)


def _pow(s, x, y):
    n = s.consts[1]
    if isinstance(n, int | float) and not isinstance(n, bool) and float(n).is_integer() and abs(n) <= 16:
        n = int(n)
        if n == 0:
            return s.c(1)
        if n > 0:
            return s.ipow(x, n)
        if s.float:
            return s.recip(s.ipow(x, -n))
    if n == 0.5 and s.float:
        return s.math(math.SqrtOp, x)
    if s.float:
        return s.op(math.PowFOp(x, y))
    if x.type == i1:
        raise NotLowerable("pow of bool tensors")
    return s.op(math.IPowIOp(x, y))


def _sign(s, x):
    if x.type == i1:
        return x
    one, zero = s.c(1), s.c(0)
    return s.select(s.cmp("gt", x, zero), one, s.select(s.cmp("lt", x, zero), s.neg(one), x))


def _keep_int(cls: type) -> Callable:
    """floor/ceil/round/trunc: integers are already whole."""
    return lambda s, x: s.math(cls, x) if s.float else x


def _math(cls: type) -> Callable:
    return lambda s, x: s.math(cls, x)


def _lerp(s, a, end):
    (w,) = s.params
    diff = s.sub(end, a)
    if abs(w) < 0.5:
        return s.add(a, s.mul(s.c(w), diff))
    return s.sub(end, s.mul(diff, s.c(1 - w)))


def _compare(pred: str) -> Spec:
    return Spec(lambda s, x, y: s.cmp(pred, x, y), values=(0, 1), compute="promoted")


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
    "and_": arith.AndIOp, "or_": arith.OrIOp, "xor": arith.XOrIOp,
}

#: ts op name (without `ts.`) -> how to lower it.
BODIES: dict[str, Spec] = {
    # arithmetic: result = self op alpha * other, PyTorch's promotion already in the result type
    "add": Spec(lambda s, x, y: s.add(x, _scaled(s, y, s.params[0])), values=(0, 1), params=(2,)),
    "sub": Spec(lambda s, x, y: s.sub(x, _scaled(s, y, s.params[0])), values=(0, 1), params=(2,)),
    "rsub": Spec(lambda s, x, y: s.sub(y, _scaled(s, x, s.params[0])), values=(0, 1), params=(2,)),
    "mul": Spec(lambda s, x, y: s.mul(x, y), values=(0, 1)),
    "div": Spec(lambda s, x, y: s.div(x, y), values=(0, 1)),
    "floor_divide": Spec(_floor_divide, values=(0, 1)),
    "remainder": Spec(_remainder, values=(0, 1)),
    "pow": Spec(_pow, values=(0, 1)),
    "maximum": Spec(lambda s, x, y: s.max(x, y), values=(0, 1)),
    "minimum": Spec(lambda s, x, y: s.min(x, y), values=(0, 1)),
    "atan2": Spec(lambda s, x, y: s.op(math.Atan2Op(x, y)), values=(0, 1), float_only=True),
    "bitwise_and": Spec(lambda s, x, y: s.op(arith.AndIOp(x, y)), values=(0, 1)),
    "bitwise_or": Spec(lambda s, x, y: s.op(arith.OrIOp(x, y)), values=(0, 1)),
    "logical_and": Spec(lambda s, x, y: s.op(arith.AndIOp(x, y)), values=(0, 1), compute="bool"),
    "logical_or": Spec(lambda s, x, y: s.op(arith.OrIOp(x, y)), values=(0, 1), compute="bool"),
    "logical_not": Spec(lambda s, x: s.op(arith.XOrIOp(x, s.c(True))), compute="bool"),
    "where": Spec(lambda s, c, x, y: s.select(c, x, y), values=(0, 1, 2), bools=(0,)),
    "masked_fill": Spec(lambda s, x, m: s.select(m, s.c(s.params[0]), x), values=(0, 1), params=(2,), bools=(1,)),
    "clamp": Spec(_clamp, params=(1, 2)),
    "lerp": Spec(_lerp, values=(0, 1), params=(2,), float_only=True),
    **{name: _compare(name) for name in ("eq", "ne", "lt", "le", "gt", "ge")},
    "isnan": Spec(lambda s, x: s.op(arith.CmpfOp(x, x, "uno")) if s.float else s.c(False, i1), compute="input"),
    # unary math
    "neg": Spec(lambda s, x: s.neg(x)),
    "abs": Spec(lambda s, x: s.math(math.AbsFOp, x) if s.float else s.math(math.AbsIOp, x)),
    "sign": Spec(_sign),
    "reciprocal": Spec(lambda s, x: s.recip(x)),
    "bitwise_not": Spec(lambda s, x: s.op(arith.XOrIOp(x, s.c(-1 if x.type != i1 else True)))),
    "floor": Spec(_keep_int(math.FloorOp)), "ceil": Spec(_keep_int(math.CeilOp)),
    "trunc": Spec(_keep_int(math.TruncOp)), "round": Spec(_keep_int(math.RoundEvenOp)),
    **{name: Spec(_math(cls)) for name, cls in _FLOAT_MATH.items()},
    # activations
    "relu": Spec(lambda s, x: s.max(x, s.c(0))),
    "relu6": Spec(lambda s, x: s.clamp(x, 0, 6)),
    "hardtanh": Spec(lambda s, x: s.clamp(x, *s.params), params=(1, 2)),
    "sigmoid": Spec(_sigmoid),
    "silu": Spec(lambda s, x: s.mul(x, _sigmoid(s, x)), float_only=True),
    "gelu": Spec(_gelu, params=(1,), float_only=True),
    "elu": Spec(_elu, params=(1, 2, 3), float_only=True),
    "leaky_relu": Spec(lambda s, x: s.select(s.cmp("gt", x, s.c(0)), x, s.mul(x, s.c(s.params[0]))),
                       params=(1,), float_only=True),
    "softplus": Spec(lambda s, x: _softplus(s, x, *s.params), params=(1, 2), float_only=True),
    "threshold": Spec(lambda s, x: s.select(s.cmp("gt", x, s.c(s.params[0])), x, s.c(s.params[1])), params=(1, 2)),
    "hardsigmoid": Spec(_hardsigmoid, float_only=True),
    "hardswish": Spec(lambda s, x: s.mul(x, _hardsigmoid(s, x)), float_only=True),
    "mish": Spec(lambda s, x: s.mul(x, s.math(math.TanhOp, _softplus(s, x))), float_only=True),
    "softsign": Spec(lambda s, x: s.div(x, s.add(s.c(1), s.math(math.AbsFOp, x)))),
    "tanhshrink": Spec(lambda s, x: s.sub(x, s.math(math.TanhOp, x))),
    # casts: the body is the conversion to the result type
    "to": Spec(lambda s, x: x),
    "type_as": Spec(lambda s, x: x),
}


def check_dtype(t: Attribute) -> None:
    """arith needs signless integers, and the numpy backend has no bfloat16."""
    if isinstance(t, IntegerType) and t.signedness.data != Signedness.SIGNLESS or t == DTYPES["bfloat16"]:
        raise NotLowerable(f"unsupported element type {t}")


def _proxy(t: Attribute) -> Any:
    """A stand-in value with t's dtype and rank class, for torch.result_type."""
    if not isinstance(t, TensorType):
        raise ValueError
    return np.zeros((1,) * t.rank, numpy_dtype(t.element_type))


def _compute_type(spec: Spec, op: Operation, consts: list[Any], result: Attribute) -> Attribute:
    if spec.compute == "result":
        return result
    if spec.compute == "bool":
        return i1
    if spec.compute == "input":
        return op.operands[spec.values[0]].type.element_type
    values = [c if c is not None else _proxy(op.operands[i].type) for i, c in zip(spec.values, consts)]
    return DTYPES[result_dtype(*values).name]


def lower_pointwise(spec: Pointwise, op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """One linalg.generic computing `spec.body` per element (see tsjit.ops.registry.Pointwise)."""
    out = lower.result_type()
    tensors, consts = [], []
    for i in spec.values:
        if isinstance(op.operands[i].type, TensorType):
            tensors.append(lower.tensor(i))
            consts.append(None)
        else:
            consts.append(lower.constant(i))
    params = [lower.constant(i) for i in spec.params]
    if op.name in ("ts.to", "ts.type_as") and tensors[0].type == out:
        return [tensors[0]]
    dtype = _compute_type(spec, op, consts, out.element_type)
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


@lowers(*(f"ts.{name}" for name in BODIES))
def lower_elementwise(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    return lower_pointwise(BODIES[op.name.removeprefix("ts.")], op, lower)


@lowers("ts.clone", "ts.contiguous", "ts.detach")
def lower_identity(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """Builtin tensors are values: a copy is the same value."""
    return [lower.tensor(0)]


@lowers("ts.dropout")
def lower_inference_dropout(op: Operation, lower: Lower) -> Sequence[SSAValue]:
    """Dropout outside training (`train` a constant false) is the identity; training draws random
    masks, which compiled code does not do."""
    if lower.constant(2) is not False:
        raise NotLowerable("dropout in training mode (train is not a constant false)")
    return [lower.tensor(0)]
