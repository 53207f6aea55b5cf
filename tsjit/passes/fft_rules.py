"""ts-complex-to-real's rules for torch.fft: each 1-D transform a product with a DFT matrix.

A transform of length N along a dim is the dim moved last, then a matrix product with the
transform's matrix (cos and sin of 2 pi jk / N, the norm's scale folded in; complex inputs take
four real products, real inputs two), then the dim moved back. The length `n` crops the input (a
zero-padded input adds nothing, so padding is fewer matrix rows). An n-D transform is 1-D ones,
one dim at a time, in the order numpy's rfftn/irfftn use. The products run through the GEMM a
linear layer uses: O(N^2) work, which for the signal lengths of a model is quick; a matrix of
more than MAX_ENTRIES entries is not made (the FFT then runs on numpy).
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dialects.ts.constant import ConstantOp, numpy_dtype
from tsjit.passes.complex_to_real import NotConvertible, Pairs

MAX_ENTRIES = 1 << 22

#: name -> (kind: c2c / r2c / c2r, sign of the exponent, forward-type scaling)
_KINDS = {"fft": ("c2c", -1, True), "ifft": ("c2c", 1, False), "rfft": ("r2c", -1, True),
          "ihfft": ("r2c", 1, False), "irfft": ("c2r", 1, False), "hfft": ("c2r", -1, True)}


def _scale(norm, n: int, forward: bool) -> float:
    if norm == "ortho":
        return 1.0 / math.sqrt(n)
    if norm in (None, "backward"):
        return 1.0 if forward else 1.0 / n
    if norm == "forward":
        return 1.0 / n if forward else 1.0
    raise NotConvertible(f"norm {norm!r}")


def _parts(p: Pairs, x):
    """(real part, imaginary part or None) of an FFT's input, promoted as PyTorch promotes it."""
    if p.is_pair(x):
        return p.re(x), p.im(x)
    dtype = numpy_dtype(x.type.element_type)
    if dtype.kind in "biu":
        return p.g.to(x, 6), None
    if dtype not in (np.float32, np.float64):
        raise NotConvertible(f"an FFT of {dtype}")  # half types: PyTorch's CPU FFT refuses them
    return x, None


def _constant(p: Pairs, array: np.ndarray, like) -> object:
    array = np.ascontiguousarray(array.astype(numpy_dtype(like.type.element_type)))
    return p.g._insert(ConstantOp.of(array)).results[0]


def _last(p: Pairs, x, d: int, rank: int):
    return x if x is None or d == rank - 1 else p.g.transpose(x, d, rank - 1)


def _transform(p: Pairs, re, im, d: int, n, name: str, norm):
    """One 1-D transform of (re, im) along dim d: the result's (re, im), im None for a real result."""
    kind, sign, forward = _KINDS[name]
    rank = len(re.type.sizes)
    if rank == 0:
        raise NotConvertible("an FFT of a 0-d tensor")
    length = re.type.sizes[d]
    if kind == "r2c" and im is not None:
        raise NotConvertible(f"{name} of a complex input")  # the kernel raises PyTorch's error
    size = n if n is not None else (2 * (length - 1) if kind == "c2r" else length)
    if size < 1:
        raise NotConvertible("an FFT of no points")
    cols = size // 2 + 1 if kind == "r2c" else size
    rows = min(length, size // 2 + 1 if kind == "c2r" else size)
    if rows * cols > MAX_ENTRIES or rows == 0:
        raise NotConvertible(f"a DFT matrix of {rows} x {cols}")
    re, im = _last(p, re, d, rank), _last(p, im, d, rank)
    if length > rows:
        re = p.g.slice(re, rank - 1, 0, rows, 1)
        im = None if im is None else p.g.slice(im, rank - 1, 0, rows, 1)
    j, k = np.arange(rows)[:, None], np.arange(cols)[None, :]
    theta = 2 * np.pi * ((j * k) % size) / size
    scale = _scale(norm, size, forward)
    if kind == "c2r":  # sum over bins k of c_k Re(X_k e^{sign i theta}), c_k = 2 but for 0 and N/2
        weight = np.where((j == 0) | ((size % 2 == 0) & (j == size // 2)), 1.0, 2.0) * scale
        a_re = _constant(p, weight * np.cos(theta), re)
        a_im = _constant(p, -sign * weight * np.sin(theta), re)
        out = p.g.matmul(re, a_re)
        if im is not None:
            out = p.g.add(out, p.g.matmul(im, a_im), 1)
        return _last(p, out, d, rank), None
    w_re, w_im = _constant(p, scale * np.cos(theta), re), _constant(p, sign * scale * np.sin(theta), re)
    out_re, out_im = p.g.matmul(re, w_re), p.g.matmul(re, w_im)
    if im is not None:
        out_re = p.g.sub(out_re, p.g.matmul(im, w_im), 1)
        out_im = p.g.add(out_im, p.g.matmul(im, w_re), 1)
    return _last(p, out_re, d, rank), _last(p, out_im, d, rank)


def _result(p: Pairs, re, im):
    return re if im is None else p.pack(re, im)


def _one_d(name):
    def rule(p: Pairs, x, n, dim, norm):
        re, im = _parts(p, x)
        rank = len(re.type.sizes)
        d = p.g.value(dim)
        if not -max(rank, 1) <= d < max(rank, 1):
            raise NotConvertible("dim out of range")
        return _result(p, *_transform(p, re, im, d % max(rank, 1), p.g.value(n), name, p.g.value(norm)))
    return rule


def _n_d(name, two_d):
    def rule(p: Pairs, x, s, dim, norm):
        re, im = _parts(p, x)
        rank = len(re.type.sizes)
        sizes, dims, norm = p.g.value(s), p.g.value(dim), p.g.value(norm)
        if dims is None:
            dims = list(range(rank - len(sizes), rank)) if sizes is not None else list(range(rank))
        if rank == 0 or not dims or any(not -rank <= d < rank for d in dims):
            raise NotConvertible("dims out of range")
        dims = [d % rank for d in dims]
        sizes = [None] * len(dims) if sizes is None else [None if v == -1 else v for v in sizes]
        if len(set(dims)) != len(dims) or len(sizes) != len(dims):
            raise NotConvertible("dims and sizes that do not match")  # the kernel raises PyTorch's error
        steps = list(zip(dims, sizes))
        if name == "rfft":  # the last dim real-to-complex first, then the others
            order = [(*steps[-1], "rfft")] + [(d, n, "fft") for d, n in steps[:-1]]
        elif name == "irfft":  # the others inverse first, then the last dim complex-to-real
            order = [(d, n, "ifft") for d, n in steps[:-1]] + [(*steps[-1], "irfft")]
        else:
            order = [(d, n, name) for d, n in steps]
        for d, n, step in order:
            re, im = _transform(p, re, im, d, n, step, norm)
        return _result(p, re, im)
    return rule


FFT_RULES: dict = {
    **{f"ts.fft_{name}": _one_d(name) for name in _KINDS},
    **{f"ts.fft_{name}{suffix}": _n_d(name, suffix == "2") for name in ("fft", "ifft", "rfft", "irfft")
       for suffix in ("2", "n")},
}
