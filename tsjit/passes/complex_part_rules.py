"""ts-complex-to-real's rules for ops that move, select or place elements, and for ops that are
linear in their complex data (cumsum, trace, index_add): the same op on the real parts and on the
imaginary parts, the two packed into a pair (complex_rules.py says what a rule gets).

In each of the two runs a complex operand is its part; a real tensor or scalar in a data position
(what the result's values come from) is itself in the real run and 0 in the imaginary one; every
other operand (indices, masks, sizes, a tensor whose shape is read) is passed as it is.
"""
from __future__ import annotations

import math

from xdsl.ir import SSAValue

from tsjit.dialects.ts.types import TensorType
from tsjit.passes.complex_to_real import NotConvertible, Pairs


def _part(p: Pairs, v, part: int, data: bool):
    if p.is_pair(v):
        return p.re(v) if part == 0 else p.im(v)
    if isinstance(v, SSAValue) and v.owner is not None and getattr(v.owner, "name", "") == "ts.list.construct" \
            and any(p.is_pair(i) for i in v.owner.operands):
        return [_part(p, i, part, data) for i in v.owner.operands]
    if not data:
        return v
    if isinstance(v, SSAValue) and isinstance(v.type, TensorType):
        return v if part == 0 else p.g.zeros_like(v, None)
    value = p.g.value(v) if isinstance(v, SSAValue) else v
    if value is None:
        return None
    if not isinstance(value, int | float | complex) or isinstance(value, bool):
        raise NotConvertible(f"a {type(value).__name__} in a complex op")
    return complex(value).real if part == 0 else complex(value).imag


def each(name: str, data: tuple[int, ...] = (0,)):
    """`name` on the real parts, then on the imaginary parts; `data` the operands' data positions."""
    def rule(p: Pairs, *args):
        parts = [getattr(p.g, name)(*(_part(p, a, part, i in data) for i, a in enumerate(args))) for part in (0, 1)]
        return p.pack(*parts)
    return rule


def _is(test: str, join: str):
    """isnan / isinf: either part; isfinite: both parts."""
    return lambda p, a: getattr(p.g, join)(getattr(p.g, test)(p.re(a)), getattr(p.g, test)(p.im(a)))


def _like(fill):
    def rule(p: Pairs, a, *args):
        *value, dtype = args
        if p.g.value(dtype) is not None:
            raise NotConvertible("a *_like with a dtype")
        v = complex(p.g.value(value[0])) if value else complex(fill)
        re = p.re(a)
        return p.pack(p.g.full_like(re, v.real, None), p.g.full_like(re, v.imag, None))
    return rule


def _bilinear(name: str):
    """dot / mv / outer of two complex operands: (a_r b_r - a_i b_i) + i (a_r b_i + a_i b_r)."""
    def rule(p: Pairs, a, b):
        if not (p.is_pair(a) and p.is_pair(b)):
            raise NotConvertible(f"{name} of a complex and a real tensor")  # PyTorch refuses the mix
        f = getattr(p.g, name)
        ar, ai, br, bi = p.re(a), p.im(a), p.re(b), p.im(b)
        return p.pack(p.g.sub(f(ar, br), f(ai, bi), 1), p.g.add(f(ar, bi), f(ai, br), 1))
    return rule


def _pow(p: Pairs, a, exponent):
    """z ** e = |z|^e (cos e arg z + i sin e arg z) for a real scalar e (z * z for 2); a complex
    exponent as exp(e log z)."""
    from tsjit.passes.complex_rules import RULES

    if not p.is_pair(a):
        raise NotConvertible("a real base with a complex exponent")
    if p.is_pair(exponent) or isinstance(getattr(exponent, "type", None), TensorType):
        e = exponent if p.is_pair(exponent) else p.as_pair(exponent, a)
        return RULES["ts.exp"](p, RULES["ts.mul"](p, e, RULES["ts.log"](p, a)))
    e = p.scalar(exponent)
    if e == 2:
        return RULES["ts.square"](p, a)
    r = p.g.pow(p.g.hypot(p.re(a), p.im(a)), e)
    t = p.g.mul(p.g.atan2(p.im(a), p.re(a)), e)
    return p.pack(p.g.mul(r, p.g.cos(t)), p.g.mul(r, p.g.sin(t)))


def _sgn(p: Pairs, a):
    """z / |z|, and 0 for 0."""
    r = p.g.hypot(p.re(a), p.im(a))
    safe = p.g.masked_fill(r, p.g.eq(r, 0.0), 1.0)
    return p.mark(p.g.div(a, p.g.unsqueeze(safe, -1)))


def _of_abs(name: str):
    """Norms of a complex tensor: the same norm of |z| (the other operands as they are)."""
    return lambda p, a, *args: getattr(p.g, name)(p.g.hypot(p.re(a), p.im(a)), *args)


def _spread(name: str):
    """var of a complex tensor: var of the real parts plus var of the imaginary parts (std: its root)."""
    def rule(p: Pairs, a, dim, correction, keepdim):
        var = p.g.add(p.g.var(p.re(a), dim, correction, keepdim), p.g.var(p.im(a), dim, correction, keepdim), 1)
        return var if name == "var" else p.g.sqrt(var)
    return rule


def _log_base(base: float):
    return lambda p, a: p.mark(p.g.div(_rule("ts.log")(p, a), math.log(base)))


def _rule(name: str):
    from tsjit.passes.complex_rules import RULES

    return RULES[name]


def _exp2(p: Pairs, a):
    return _rule("ts.exp")(p, p.mark(p.g.mul(a, math.log(2.0))))


def _hyperbolic(name: str):
    """sinh(x + iy) = sinh x cos y + i cosh x sin y; cosh(x + iy) = cosh x cos y + i sinh x sin y."""
    def rule(p: Pairs, a):
        x, y = p.re(a), p.im(a)
        first, second = (p.g.sinh, p.g.cosh) if name == "sinh" else (p.g.cosh, p.g.sinh)
        return p.pack(p.g.mul(first(x), p.g.cos(y)), p.g.mul(second(x), p.g.sin(y)))
    return rule


PART_RULES: dict = {
    **{f"ts.{name}": each(name) for name in (
        "t", "detach", "fliplr", "flipud", "rot90", "unflatten", "reshape_as", "expand_as", "diagonal",
        "repeat_interleave", "gather", "index", "as_strided", "unfold", "take", "tril", "triu", "diag", "diag_embed",
        "tile", "repeat", "cumsum", "trace", "block_diag", "roll")},
    "ts.where": each("where", (1, 2)), "ts.masked_fill": each("masked_fill", (0, 2)),
    "ts.scatter": each("scatter", (0, 3)), "ts.index_put": each("index_put", (0, 2)),
    "ts.masked_scatter": each("masked_scatter", (0, 2)), "ts.index_add": each("index_add", (0, 3)),
    "ts.index_copy": each("index_copy", (0, 3)), "ts.slice_scatter": each("slice_scatter", (0, 1)),
    "ts.select_scatter": each("select_scatter", (0, 1)), "ts.diagonal_scatter": each("diagonal_scatter", (0, 1)),
    "ts.isnan": _is("isnan", "logical_or"), "ts.isinf": _is("isinf", "logical_or"),
    "ts.isfinite": _is("isfinite", "logical_and"),
    "ts.zeros_like": _like(0), "ts.ones_like": _like(1), "ts.full_like": _like(None),
    "ts.dot": _bilinear("dot"), "ts.mv": _bilinear("mv"), "ts.outer": _bilinear("outer"),
    "ts.pow": _pow, "ts.sgn": _sgn,
    "ts.linalg_vector_norm": _of_abs("linalg_vector_norm"), "ts.norm": _of_abs("norm"),
    "ts.var": _spread("var"), "ts.std": _spread("std"),
    "ts.rsqrt": lambda p, a: _rule("ts.reciprocal")(p, _rule("ts.sqrt")(p, a)),
    "ts.log2": _log_base(2.0), "ts.log10": _log_base(10.0), "ts.exp2": _exp2,
    "ts.sinh": _hyperbolic("sinh"), "ts.cosh": _hyperbolic("cosh"),
}
