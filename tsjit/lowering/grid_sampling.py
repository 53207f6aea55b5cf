"""`ts.grid_sampler` (F.grid_sample, 2-d and 3-d) -> one all-parallel `linalg.generic` over the result.

The sampling positions are data: the generic reads the grid's coordinates at each output point
through affine maps (grid[n, *p, j], j a constant), and the batch and channel positions from
constant tables (as the gather lowerings, tsjit/lowering/gather.py, so fusion may compose the
maps); its body computes the source coordinates as tsjit/ops/patches.py's kernel does (unnormalize,
reflect, clip, in the input's float type, the same operations in the same order) and reads the
input with `tensor.extract` at each tap. A tap's index is clamped into the input before the read,
and the value replaced by 0 where the unclamped index is outside (zeros padding), so no coordinate,
NaN or huge, reads outside the buffer.
"""
from __future__ import annotations

import itertools

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import IndexType, f64, i32, i64
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr

from tsjit.lowering.contractions import PARALLEL, filled, generic, is_float, shape_of
from tsjit.lowering.elementwise import Kit
from tsjit.lowering.generic_builder import convert
from tsjit.lowering.pooling import _table
from tsjit.lowering.table import Lower, NotLowerable


def _unnormalize(k: Kit, c: SSAValue, size: int, align: bool, vec: bool) -> SSAValue:
    """-1..1 -> pixel coordinates, in the order of operations of PyTorch's 2-d (`vec`) or 3-d kernel."""
    one = k.c(1)
    if vec:
        scaled = k.mul(k.add(c, one), k.c((size - 1) / 2 if align else size / 2))
        return scaled if align else k.sub(scaled, k.c(0.5))
    if align:
        return k.mul(k.div(k.add(c, one), k.c(2)), k.c(size - 1))
    return k.div(k.sub(k.mul(k.add(c, one), k.c(size)), one), k.c(2))


def _fmod(k: Kit, a: SSAValue, span: float) -> SSAValue:
    """fmod(a, span) for a >= 0 (arith has no remf): a - q*span with q = floor(a / span), in f64,
    corrected once where the rounded quotient crossed an integer. Exact while a / span < 2^53; beyond
    (3-d reflection of a coordinate near 1e16 or more) the tap stays inside the input but may not be
    PyTorch's."""
    wa, ws = convert(k.b, a, f64), k.c(span, f64)
    w = Kit(k.b, f64)
    r = w.sub(wa, w.mul(w.floor(w.div(wa, ws)), ws))
    r = w.select(w.cmp("lt", r, w.c(0)), w.add(r, ws), r)
    r = w.select(w.cmp("ge", r, ws), w.sub(r, ws), r)
    return convert(k.b, r, k.dtype)


def _reflect(k: Kit, c: SSAValue, size: int, align: bool, vec: bool) -> SSAValue:
    """c mirrored at the borders until inside, as the kernel's _reflect (2-d: truncated quotient and a
    minimum; 3-d: fmod and the parity of the flips)."""
    if vec:
        if align and size <= 1:
            return k.c(0)
        low, twice = (k.c(0), k.c(2 * (size - 1))) if align else (k.c(-0.5), k.c(2 * size))
        a = k.absf(k.sub(c, low))
        extra = k.sub(a, k.mul(k.trunc(k.div(a, twice)), twice))
        return k.add(k.min(extra, k.sub(twice, extra)), low)
    low2, high2 = (0, 2 * (size - 1)) if align else (-1, 2 * size - 1)
    if low2 == high2:
        return k.c(0)
    lo, span = k.c(low2 / 2), k.c((high2 - low2) / 2)
    a = k.absf(k.sub(c, lo))
    extra, flips = _fmod(k, a, (high2 - low2) / 2), k.floor(k.div(a, span))
    half = k.mul(flips, k.c(0.5))
    even = k.cmp("eq", k.floor(half), half)
    return k.select(even, k.add(extra, lo), k.add(k.sub(span, extra), lo))


def _bounded(k: Kit, c: SSAValue, size: int, padding: int, align: bool, vec: bool) -> SSAValue:
    """PyTorch's compute_coordinates: reflected (padding 2) and clipped (1, 2) into [0, size - 1], NaN
    to 0 (2-d) or to size - 1 (3-d), as the kernel's _bounded."""
    if padding == 2:
        c = _reflect(k, c, size, align, vec)
    if padding in (1, 2):
        low, high = k.c(0), k.c(size - 1)
        c = k.select(k.cmp_raw("ogt", c, low), c, low) if vec else k.select(k.cmp_raw("olt", c, low), low, c)
        c = k.select(k.cmp_raw("olt", c, high), c, high)
    return c


class _Reader:
    """Reads input[n, ch, *taps] (0 outside) for integral float tap coordinates."""

    def __init__(self, k: Kit, x: SSAValue, n: SSAValue, ch: SSAValue, sizes):
        self.k, self.x, self.n, self.ch, self.sizes = k, x, n, ch, sizes

    def index(self, c: SSAValue, size: int) -> tuple[SSAValue, SSAValue]:
        """(inside, clamped index): c (NaN taken as -1) held in [-1, size] before its conversion to an
        integer (truncating, as the kernel's astype), then compared and clamped into the dim."""
        k, b = self.k, self.k.b
        low, high = k.c(-1), k.c(size)
        c = k.select(k.cmp_raw("ogt", c, low), c, low)
        c = k.select(k.cmp_raw("olt", c, high), c, high)
        i = b.insert(arith.FPToSIOp(c, i64)).results[0]
        zero, top = k.c(0, i64), k.c(size - 1, i64)
        inside = b.insert(arith.AndIOp(b.insert(arith.CmpiOp(i, zero, "sge")).results[0],
                                       b.insert(arith.CmpiOp(i, top, "sle")).results[0])).results[0]
        i = b.insert(arith.MinSIOp(b.insert(arith.MaxSIOp(i, zero)).results[0], top)).results[0]
        return inside, b.insert(arith.IndexCastOp(i, IndexType())).results[0]

    def read(self, indices) -> tuple[SSAValue, SSAValue]:
        """(value, inside) at indices: per spatial dim, an (inside, index) pair of `index`."""
        k = self.k
        inside = indices[0][0]
        for ok, _ in indices[1:]:
            inside = k.op(arith.AndIOp(inside, ok))
        v = k.op(tensor.ExtractOp(self.x, [self.n, self.ch, *(i for _, i in indices)], self.x.type.element_type))
        return k.select(inside, v, k.c(0)), inside


def _cubic_weights(k: Kit, f: SSAValue) -> list[SSAValue]:
    """As tsjit/ops/patches.py cubic_weights: taps at -1, 0, 1, 2, A = -0.75."""
    a = k.c(-0.75)

    def near(x):
        return k.add(k.mul(k.mul(k.sub(k.mul(k.add(a, k.c(2)), x), k.add(a, k.c(3))), x), x), k.c(1))

    def far(x):
        inner = k.add(k.mul(k.sub(k.mul(a, x), k.mul(k.c(5), a)), x), k.mul(k.c(8), a))
        return k.sub(k.mul(inner, x), k.mul(k.c(4), a))
    return [far(k.add(f, k.c(1))), near(f), near(k.sub(k.c(1), f)), far(k.sub(k.c(2), f))]


def _total(k: Kit, terms: list[SSAValue]) -> SSAValue:
    out = terms[0]
    for term in terms[1:]:
        out = k.add(out, term)
    return out


def _sample(k: Kit, rd: _Reader, coords, mode: int, padding: int, align: bool) -> SSAValue:
    """The output value at unnormalized coordinates `coords` (one per spatial dim, in dim order), as
    the kernel computes it (tsjit/ops/patches.py grid_sampler)."""
    sizes = rd.sizes
    vec = len(sizes) == 2
    if mode == 2:  # bicubic (2-d): taps floor - 1 .. floor + 2, each bounded on its own
        lows = [k.floor(c) for c in coords]
        wy, wx = (_cubic_weights(k, k.sub(c, lo)) for c, lo in zip(coords, lows))
        taps = [[rd.index(_bounded(k, k.add(lo, k.c(t - 1)), m, padding, align, vec), m) for t in range(4)]
                for lo, m in zip(lows, sizes)]
        rows = [_total(k, [k.mul(rd.read([taps[0][i], taps[1][j]])[0], wx[j]) for j in range(4)])
                for i in range(4)]
        return _total(k, [k.mul(rows[i], wy[i]) for i in range(4)])
    coords = [_bounded(k, c, m, padding, align, vec) for c, m in zip(coords, sizes)]
    if mode == 1:
        return rd.read([rd.index(k.round_even(c), m) for c, m in zip(coords, sizes)])[0]
    lows = [k.floor(c) for c in coords]
    fracs = [k.sub(c, lo) for c, lo in zip(coords, lows)]
    ends = [(rd.index(lo, m), rd.index(k.add(lo, k.c(1)), m)) for lo, m in zip(lows, sizes)]
    terms = []
    for corner in itertools.product((0, 1), repeat=len(sizes)):  # the last dim fastest, as the kernel
        wt = None
        for d in reversed(range(len(sizes))):  # weights multiplied x first, then y, then z
            if corner[d]:
                f = fracs[d]
            else:
                f = k.sub(k.c(1), fracs[d]) if vec else k.sub(k.add(lows[d], k.c(1)), coords[d])
            wt = f if wt is None else k.mul(wt, f)
        v, inside = rd.read([ends[d][c] for d, c in enumerate(corner)])
        term = k.mul(v, wt)
        # 2-d adds every corner (0 outside, times its weight); 3-d only the corners inside
        terms.append(term if vec else k.select(inside, term, k.c(0)))
    return _total(k, terms)


def lower_grid_sampler(op, lower: Lower):
    x, grid, out = lower.tensor(0), lower.tensor(1), lower.result_type()
    mode, padding, align = lower.constant(2), lower.constant(3), bool(lower.constant(4))
    xs, gs, os = shape_of(x), shape_of(grid), tuple(out.get_shape())
    elt, k_dims = x.type.element_type, len(xs) - 2
    if (len(xs) not in (4, 5) or len(gs) != len(xs) or gs[0] != xs[0] or gs[-1] != k_dims or 0 in xs[2:]
            or grid.type.element_type != elt or not is_float(elt) or mode not in (0, 1, 2)
            or padding not in (0, 1, 2) or mode == 2 and k_dims != 2):
        raise NotLowerable("grid_sampler refuses these operands (the kernel raises)")
    if 0 in os:
        return [filled(lower, out, 0)]
    rank = len(os)
    # loops (n, *p, c): the channel innermost, so the coordinates (of n and p only) are computed once
    # for all channels (the C compiler hoists them out of the channel loop)
    d = [AffineDimExpr(i) for i in range(rank)]
    n_at, c_at, p_at = d[0], d[-1], d[1:-1]
    tables = [_table(lower, np.arange(os[i], dtype=np.int32), i32) for i in (0, 1)]
    # spatial dim j's coordinate is grid[..., k - 1 - j] (the grid lists x, y[, z])
    maps = [[n_at, *p_at, AffineExpr.constant(k_dims - 1 - j)] for j in range(k_dims)]
    maps += [[n_at], [c_at], [n_at, c_at, *p_at]]

    def body(b, args):
        k = Kit(b, elt)
        n, ch = (b.insert(arith.IndexCastOp(a, IndexType())).results[0] for a in args[k_dims:k_dims + 2])
        rd = _Reader(k, x, n, ch, xs[2:])
        coords = [_unnormalize(k, args[j], xs[2 + j], align, k_dims == 2) for j in range(k_dims)]
        return _sample(k, rd, coords, mode, padding, align)
    return [generic(lower, [grid] * k_dims + tables, maps, lower.empty(out), [PARALLEL] * rank, body)]
