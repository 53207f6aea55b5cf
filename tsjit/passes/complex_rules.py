"""ts-complex-to-real's rules: each op on complex tensors written with real ops on their pairs.

A rule gets `p` (complex_to_real.Pairs: the builder `p.g`, `p.re`/`p.im`/`p.pack`, `p.is_pair`) and
the op's operands in schema order, a complex tensor given as its pair (shape S + (2,)); it returns
the op's results, a complex one as a pair (`p.pack`, `p.mark`). Dims of a complex tensor are made
non-negative (`p.dim`) so that they never name the pair's last dim. Ops that move or place
elements are in complex_part_rules.py, the FFT family in fft_rules.py.
"""
from __future__ import annotations

import math

from tsjit.passes.complex_to_real import NotConvertible, Pairs
from tsjit.passes.complex_part_rules import PART_RULES
from tsjit.passes.fft_rules import FFT_RULES


def _combine(p: Pairs, a, b, scale: float):
    """a + scale * b, each a pair, a real tensor or a real scalar (at least one of them a pair)."""
    ref = a if p.is_pair(a) else b
    sa = None if p.is_pair(a) else p.scalar(a)
    sb = None if p.is_pair(b) else p.scalar(b)
    pa = a if p.is_pair(a) else p.as_pair(a, ref) if sa is None else None
    pb = b if p.is_pair(b) else p.as_pair(b, ref) if sb is None else None
    if pa is not None and pb is not None:
        return p.mark(p.g.add(pa, pb, scale))
    if pb is None:  # a pair and a scalar: the scalar adds to the real part
        return p.pack(p.g.add(p.re(pa), sb * scale, 1), p.im(pa))
    scaled = p.g.mul(pb, scale)
    return p.pack(p.g.add(p.re(scaled), sa, 1), p.im(scaled))


def _add(sign):
    return lambda p, a, b, alpha: _combine(p, a, b, sign * p.scalar(alpha))


def _rsub(p: Pairs, a, b, alpha):
    """other - alpha * input."""
    return _combine(p, b, a, -p.scalar(alpha))


def _product(p: Pairs, a, b, matmul=False):
    """(a_r + i a_i)(b_r + i b_i), elementwise or as matrix products."""
    f = p.g.matmul if matmul else p.g.mul
    ar, ai, br, bi = p.re(a), p.im(a), p.re(b), p.im(b)
    return p.pack(p.g.sub(f(ar, br), f(ai, bi), 1), p.g.add(f(ar, bi), f(ai, br), 1))


def _mul(p: Pairs, a, b):
    if p.is_pair(a) and p.is_pair(b):
        return _product(p, a, b)
    pair, other = (a, b) if p.is_pair(a) else (b, a)
    s = p.scalar(other)
    if s is not None:
        return p.mark(p.g.mul(pair, s))
    return p.mark(p.g.mul(pair, p.g.unsqueeze(p.like(other, pair), -1)))


def _div(p: Pairs, a, b):
    if not p.is_pair(b):
        s = p.scalar(b)
        if s is not None:
            return p.mark(p.g.div(a, s))
        return p.mark(p.g.div(a, p.g.unsqueeze(p.like(b, a), -1)))
    if not p.is_pair(a):
        if p.scalar(a) is not None:
            return p.mark(p.g.mul(_reciprocal(p, b), p.scalar(a)))
        a = p.as_pair(a, b)
    ar, ai, br, bi = p.re(a), p.im(a), p.re(b), p.im(b)
    d = p.g.add(p.g.mul(br, br), p.g.mul(bi, bi), 1)
    re = p.g.div(p.g.add(p.g.mul(ar, br), p.g.mul(ai, bi), 1), d)
    im = p.g.div(p.g.sub(p.g.mul(ai, br), p.g.mul(ar, bi), 1), d)
    return p.pack(re, im)


def _matmul(p: Pairs, a, b):
    if not (p.is_pair(a) and p.is_pair(b)):
        raise NotConvertible("a matrix product of a complex and a real tensor")  # PyTorch refuses it
    return _product(p, a, b, matmul=True)


def _compare(name, join):
    def rule(p: Pairs, a, b):
        if not (p.is_pair(a) and p.is_pair(b)):
            raise NotConvertible(f"{name} of a complex and a real value")
        return getattr(p.g, join)(getattr(p.g, name)(p.re(a), p.re(b)), getattr(p.g, name)(p.im(a), p.im(b)))
    return rule


def _exp(p: Pairs, a):
    e = p.g.exp(p.re(a))
    return p.pack(p.g.mul(e, p.g.cos(p.im(a))), p.g.mul(e, p.g.sin(p.im(a))))


def _log(p: Pairs, a):
    return p.pack(p.g.log(p.g.hypot(p.re(a), p.im(a))), p.g.atan2(p.im(a), p.re(a)))


def _sqrt(p: Pairs, a):
    """sqrt(|z|) e^{i arg(z)/2}, from |z| and the real part (the imaginary part keeps z's sign)."""
    re, im = p.re(a), p.im(a)
    r = p.g.hypot(re, im)
    return p.pack(p.g.sqrt(p.g.mul(p.g.add(r, re, 1), 0.5)),
                  p.g.copysign(p.g.sqrt(p.g.mul(p.g.sub(r, re, 1), 0.5)), im))


def _reciprocal(p: Pairs, a):
    re, im = p.re(a), p.im(a)
    d = p.g.add(p.g.mul(re, re), p.g.mul(im, im), 1)
    return p.pack(p.g.div(re, d), p.g.div(p.g.neg(im), d))


def _sin_cos(name):
    """sin(x + iy) = sin x cosh y + i cos x sinh y; cos(x + iy) = cos x cosh y - i sin x sinh y."""
    def rule(p: Pairs, a):
        x, y = p.re(a), p.im(a)
        if name == "sin":
            return p.pack(p.g.mul(p.g.sin(x), p.g.cosh(y)), p.g.mul(p.g.cos(x), p.g.sinh(y)))
        return p.pack(p.g.mul(p.g.cos(x), p.g.cosh(y)), p.g.neg(p.g.mul(p.g.sin(x), p.g.sinh(y))))
    return rule


def _tanh(p: Pairs, a):
    """tanh(x + iy) = (sinh 2x + i sin 2y) / (cosh 2x + cos 2y), times 2e/2e with e = exp(-2|x|) <= 1 so
    that nothing overflows: re = sign(x) m (1 + e) / d, im = 4 e sin y cos y / d, with m = 1 - e (expm1:
    exact for small x) and d = m^2 + 4 e cos^2 y (no cancellation). The edges as C99's ctanh (and
    PyTorch): +-1 + 0i for x = +-inf whatever y, x kept where x = 0 and y kept where y = 0."""
    x, y = p.re(a), p.im(a)
    t = p.g.mul(p.g.abs(x), -2.0)
    e, m = p.g.exp(t), p.g.neg(p.g.expm1(t))
    c = p.g.cos(y)
    d = p.g.add(p.g.mul(m, m), p.g.mul(p.g.mul(e, 4.0), p.g.mul(c, c)), 1)
    re = p.g.copysign(p.g.div(p.g.mul(m, p.g.add(e, 1.0, 1)), d), x)
    im = p.g.div(p.g.mul(p.g.mul(e, 4.0), p.g.mul(p.g.sin(y), c)), d)
    infinite = p.g.isinf(x)
    re = p.g.where(p.g.eq(x, 0.0), x, p.g.where(infinite, p.g.copysign(p.g.ones_like(x, None), x), re))
    im = p.g.where(p.g.eq(y, 0.0), y, p.g.masked_fill(im, infinite, 0.0))
    return p.pack(re, im)


def _sigmoid(p: Pairs, a):
    """1 / (1 + exp(-z)) for Re z >= 0, and exp(z) / (1 + exp(z)) otherwise: the exponential u has
    |u| <= 1 and never overflows (PyTorch's 1 / (1 + exp(-z)) gives NaN where exp(-z) does, e.g.
    at -100 + 1i; here the small value it tends to). u is 0 where |u| is (x = +-inf, y not finite)."""
    x, y = p.re(a), p.im(a)
    right = p.g.ge(x, 0.0)
    mag = p.g.exp(p.g.neg(p.g.abs(x)))
    t = p.g.where(right, p.g.neg(y), y)
    zero = p.g.eq(mag, 0.0)
    u = p.pack(p.g.masked_fill(p.g.mul(mag, p.g.cos(t)), zero, 0.0), p.g.masked_fill(p.g.mul(mag, p.g.sin(t)), zero, 0.0))
    q = _reciprocal(p, p.pack(p.g.add(p.re(u), 1.0, 1), p.im(u)))
    left = _product(p, u, q)
    return p.pack(p.g.where(right, p.re(q), p.re(left)), p.g.where(right, p.im(q), p.im(left)))


def _tan(p: Pairs, a):
    """tan z = -i tanh(iz), as C99's ctan."""
    t = _tanh(p, p.pack(p.g.neg(p.im(a)), p.re(a)))
    return p.pack(p.im(t), p.g.neg(p.re(t)))


def _silu(p: Pairs, a):
    return _product(p, a, _sigmoid(p, a))


def _to(p: Pairs, a, dtype):
    """A complex tensor to another complex precision, or to a real dtype (its real part, as PyTorch)."""
    from tsjit.kernels.promotion import dtype_of

    code = p.g.value(dtype)
    if code is None:
        return p.mark(a)
    target = dtype_of(code)
    if not p.is_pair(a):  # real -> complex
        real = p.g.to(a, 6 if target.itemsize == 8 else 7)
        return p.pack(real, p.g.zeros_like(real, None))
    if target.kind == "c":
        return p.mark(p.g.to(a, 6 if target.itemsize == 8 else 7))
    return p.g.to(p.re(a), code)


def _sum_mean(name):
    def rule(p: Pairs, a, dim, keepdim, dtype):
        if p.g.value(dtype) is not None:
            raise NotConvertible(f"{name} with a dtype")
        if p.rank(a) == 0:
            return p.mark(a)
        dims = p.g.value(dim)
        dims = list(range(p.rank(a))) if dims is None or dims == [] else [p.dim(a, d) for d in dims]
        return p.mark(getattr(p.g, name)(a, dims, p.g.value(keepdim), None))
    return rule


def _prod_along(p: Pairs, a, d: int, keepdim: bool):
    """The product along dim d, one exact complex product per element in order (a ts.loop from the
    first element, as numpy's reduce: no (1, 0) start that would turn inf into NaN); 1 when empty."""
    n = a.type.sizes[d]
    if n == 0:
        zeros = p.g.sum(a, [d], True, None)
        return p.pack(p.g.add(p.re(zeros), 1.0, 1), p.im(zeros)) if keepdim else \
            p.pack(p.g.squeeze(p.g.add(p.re(zeros), 1.0, 1), d), p.g.squeeze(p.im(zeros), d))
    first = p.g.select(a, d, 0)
    if n > 1:
        rest = p.g.slice(a, d, 1, n, 1)

        def step(g, i, acc):
            inner = Pairs(g, p.op, p.pairs)
            return [_product(inner, inner.mark(acc), g.select(rest, d, i))]
        first = p.g.loop(n - 1, [first], step)[0]
    return p.mark(p.g.unsqueeze(first, d) if keepdim else first)


def _prod(p: Pairs, a, dim, keepdim, dtype):
    if p.g.value(dtype) is not None:
        raise NotConvertible("prod with a dtype")
    rank, keep, d = p.rank(a), p.g.value(keepdim), p.g.value(dim)
    if rank == 0:
        return p.mark(a)
    if d is not None:
        return _prod_along(p, a, p.dim(a, d), keep)
    flat = p.mark(p.g.reshape(a, [math.prod(a.type.sizes[:-1]), 2]))
    whole = _prod_along(p, flat, 0, True)
    return p.mark(p.g.reshape(whole, [1] * rank + [2] if keep else [2]))


def _view(name, *dims):
    """A view or copy that moves elements but not within an element: the same op on the pair, with
    the dim operands (positions `dims`) made non-negative."""
    def rule(p: Pairs, a, *args):
        args = list(args)
        for i in dims:
            v = p.g.value(args[i])
            args[i] = [p.dim(a, d) for d in v] if isinstance(v, list) else p.dim(a, v)
        return p.mark(getattr(p.g, name)(a, *args))
    return rule


def _shaped(name):
    """reshape / view / expand: the shape with the pair's 2 appended."""
    def rule(p: Pairs, a, shape, *rest):
        return p.mark(getattr(p.g, name)(a, [*p.g.value(shape), 2], *rest))
    return rule


def _unsqueeze(p: Pairs, a, dim):
    return p.mark(p.g.unsqueeze(a, p.dim(a, p.g.value(dim), extra=1)))


def _squeeze(p: Pairs, a, dim):
    d = p.g.value(dim)
    if d is None:
        shape = [s for s in a.type.sizes[:-1] if s != 1]
        return p.mark(p.g.reshape(a, [*shape, 2]))
    return p.mark(p.g.squeeze(a, p.dim(a, d)))


def _flatten(p: Pairs, a, start, end):
    if p.rank(a) == 0:
        return p.mark(p.g.reshape(a, [1, 2]))
    return p.mark(p.g.flatten(a, p.dim(a, p.g.value(start)), p.dim(a, p.g.value(end))))


def _permute(p: Pairs, a, dims):
    return p.mark(p.g.permute(a, [*(p.dim(a, d) for d in p.g.value(dims)), p.rank(a)]))


def _joined(name, extra):
    def rule(p: Pairs, items, dim):
        first = items.owner.operands[0] if items.owner.operands else None
        if first is None:
            raise NotConvertible(f"{name} of no tensors")
        return p.mark(getattr(p.g, name)(items, p.dim(first, p.g.value(dim), extra=extra)))
    return rule


RULES: dict = {
    "ts.add": _add(1), "ts.sub": _add(-1), "ts.rsub": _rsub,
    "ts.mul": _mul, "ts.div": _div,
    "ts.matmul": _matmul, "ts.mm": _matmul, "ts.bmm": _matmul,
    "ts.neg": lambda p, a: p.mark(p.g.neg(a)),
    "ts.clone": lambda p, a: p.mark(p.g.clone(a)),
    "ts.contiguous": lambda p, a: p.mark(a),
    "ts.resolve_neg": lambda p, a: p.mark(a),
    "ts.conj": lambda p, a: p.pack(p.re(a), p.g.neg(p.im(a))),
    "ts.abs": lambda p, a: p.g.hypot(p.re(a), p.im(a)),
    "ts.angle": lambda p, a: p.g.atan2(p.im(a), p.re(a)),
    "ts.real": lambda p, a: p.re(a),
    "ts.imag": lambda p, a: p.im(a),
    "ts.view_as_real": lambda p, a: a,
    "ts.view_as_complex": lambda p, a: p.mark(a),
    "ts.complex": lambda p, re, im: p.pack(re, im),
    "ts.polar": lambda p, r, t: p.pack(p.g.mul(r, p.g.cos(t)), p.g.mul(r, p.g.sin(t))),
    "ts.square": lambda p, a: _product(p, a, a),
    "ts.exp": _exp, "ts.log": _log, "ts.sqrt": _sqrt, "ts.reciprocal": _reciprocal,
    "ts.sin": _sin_cos("sin"), "ts.cos": _sin_cos("cos"), "ts.tanh": _tanh, "ts.sigmoid": _sigmoid,
    "ts.tan": _tan, "ts.silu": _silu,
    "ts.eq": _compare("eq", "logical_and"), "ts.ne": _compare("ne", "logical_or"),
    "ts.to": _to,
    "ts.sum": _sum_mean("sum"), "ts.mean": _sum_mean("mean"), "ts.prod": _prod,
    "ts.select": _view("select", 0), "ts.slice": _view("slice", 0), "ts.narrow": _view("narrow", 0),
    "ts.index_select": _view("index_select", 0), "ts.transpose": _view("transpose", 0, 1),
    "ts.flip": _view("flip", 0), "ts.movedim": _view("movedim", 0, 1),
    "ts.reshape": _shaped("reshape"), "ts.view": _shaped("view"), "ts.expand": _shaped("expand"),
    "ts.unsqueeze": _unsqueeze, "ts.squeeze": _squeeze, "ts.flatten": _flatten, "ts.permute": _permute,
    "ts.cat": _joined("cat", 0), "ts.stack": _joined("stack", 1),
    **PART_RULES, **FFT_RULES,
}
