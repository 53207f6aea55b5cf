"""torch.einsum: its dtype rules, a numpy kernel, and a decomposition into products of the ts ops.

PyTorch's einsum (and so tsjit's) takes diagonals of labels repeated in one operand, sums labels
found in one operand only (and not in the output) first, then combines the operands left to right:
a matrix product (`mm`/`bmm` after permuting and reshaping) where two share labels summed away, an
elementwise `mul` (dtypes promote) where they share none. A size-1 dim broadcasts against its label.
"""
from __future__ import annotations

import numpy as np

from tsjit.kernels.promotion import BOOL, INT64, as_array, cast, not_implemented, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import BY_KERNEL, promote_types


def _einsum_dtype(equation: str, tensors) -> np.dtype:
    """The dtype torch's einsum gives, and its errors: labels found in one operand only are summed
    first (integers and bools then become int64, as torch.sum does); operands then combine left to
    right, by a batched matmul (same dtypes, no bool) where they share summed labels, else by an
    elementwise product (dtypes promote)."""
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    terms = [t.replace("...", ".") for t in lhs.split(",")]
    if len(terms) != len(tensors):
        raise RuntimeError(f"einsum(): {'more' if len(terms) < len(tensors) else 'fewer'} operands were provided "
                           f"than specified in the equation")
    every = "".join(terms)
    out = set(rhs.replace("...", ".")) if arrow else {lab for lab in every if every.count(lab) == 1} | {"."}
    counts = {lab: sum(lab in t for t in terms) for lab in set(every)}
    dtypes = []
    for t, x in zip(terms, tensors):
        summed = any(counts[lab] == 1 and lab not in out for lab in t)
        dtypes.append(INT64 if summed and x.dtype.kind in "biu" else x.dtype)
    acc, labels = dtypes[0], set(terms[0])
    for i in range(1, len(terms)):
        later = set("".join(terms[i + 1:]))
        contracted = (labels & set(terms[i])) - out - later
        if contracted:
            if acc != dtypes[i]:
                raise RuntimeError(f"expected scalar type {torch_name(acc)} but found {torch_name(dtypes[i])}")
            if acc == BOOL:
                raise not_implemented("bmm", acc)
        else:
            acc = promote_types(acc, dtypes[i])
        labels = (labels | set(terms[i])) - contracted
    return acc


def _parse(g, equation: str, tensors) -> tuple[list[list[str]], list[str]]:
    """Each operand's labels and the output's, "..." spelled out as one label per broadcast dim
    (digits, right-aligned as the dims broadcast); the implicit output is "..." then the labels
    used once, in order."""
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) != len(tensors):
        raise reject(g, RuntimeError("einsum(): the equation and the operands do not match"))
    ellipsis = max((g.dim(x) - len(t) + 3 for t, x in zip(terms, tensors) if "..." in t), default=0)
    if ellipsis > 10:
        raise reject(g, RuntimeError("einsum(): more broadcast dims than the decomposition names"))
    names = [str(i) for i in range(ellipsis)]
    labels = []
    for t, x in zip(terms, tensors):
        before, dots, after = t.partition("...")
        ls = [*before, *(names[ellipsis - (g.dim(x) - len(before) - len(after)):] if dots else ()), *after]
        if len(ls) != g.dim(x) or not all(c.isalpha() or c.isdigit() for c in ls):
            raise reject(g, RuntimeError(f"einsum(): the subscript {t} does not fit an operand of rank {g.dim(x)}"))
        labels.append(ls)
    if arrow:
        before, dots, after = rhs.partition("...")
        out = [*before, *(names if dots else ()), *after]
    else:
        every = [c for ls in labels for c in ls if not c.isdigit()]
        out = names + sorted(c for c in set(every) if every.count(c) == 1)
    if len(set(out)) != len(out) or any(c not in {c for ls in labels for c in ls} for c in out):
        raise reject(g, RuntimeError(f"einsum(): invalid output subscripts in {equation}"))
    return labels, out


def _permuted(g, x, labels: list[str], order: list[str]):
    perm = [labels.index(c) for c in order]
    return x if perm == list(range(len(perm))) else g.permute(x, perm)


def _reshaped(g, x, shape: list[int]):
    return x if list(g.shape(x)) == list(shape) else g.reshape(x, list(shape))


def _summed(g, x, labels: list[str], gone: set[str]):
    dims = [i for i, c in enumerate(labels) if c in gone]
    if not dims:
        return x, labels
    return g.sum(x, dims, False), [c for c in labels if c not in gone]


def _pair(g, a, la: list[str], b, lb: list[str], kept: set[str]):
    """The product of two operands over their shared labels not in `kept` (summed away)."""
    size = {**dict(zip(lb, g.shape(b))), **dict(zip(la, g.shape(a)))}
    for c in set(la) & set(lb):  # a size-1 dim broadcasts: its operand drops it
        na, nb = g.shape(a)[la.index(c)], g.shape(b)[lb.index(c)]
        if na != nb:
            if 1 not in (na, nb):
                raise reject(g, RuntimeError(f"einsum(): operands do not broadcast at subscript {c} ({na} vs {nb})"))
            if na == 1:
                a, la = g.reshape(a, [n for n, l in zip(g.shape(a), la) if l != c]), [l for l in la if l != c]
            else:
                b, lb = g.reshape(b, [n for n, l in zip(g.shape(b), lb) if l != c]), [l for l in lb if l != c]
            size[c] = max(na, nb)
    a, la = _summed(g, a, la, set(la) - set(lb) - kept)
    b, lb = _summed(g, b, lb, set(lb) - set(la) - kept)
    contracted = [c for c in la if c in lb and c not in kept]
    if not contracted:
        out = la + [c for c in lb if c not in la]
        a = _reshaped(g, a, [size[c] for c in la] + [1] * (len(out) - len(la)))
        b = _permuted(g, b, lb, [c for c in out if c in lb])
        b = _reshaped(g, b, [size[c] if c in lb else 1 for c in out])
        return g.mul(a, b), out
    batch = [c for c in la if c in lb]
    batch = [c for c in batch if c not in contracted]
    left, right = [c for c in la if c not in lb], [c for c in lb if c not in la]

    def prod(cs):
        return int(np.prod([size[c] for c in cs], dtype=np.int64))

    a = _reshaped(g, _permuted(g, a, la, batch + left + contracted),
                  ([prod(batch)] if batch else []) + [prod(left), prod(contracted)])
    b = _reshaped(g, _permuted(g, b, lb, batch + contracted + right),
                  ([prod(batch)] if batch else []) + [prod(contracted), prod(right)])
    out = batch + left + right
    return _reshaped(g, g.bmm(a, b) if batch else g.mm(a, b), [size[c] for c in out]), out


def _einsum(g, equation, tensors):
    """Diagonals, then sums of labels used once, then the operands' products left to right, then
    the output's order (see the module docstring)."""
    equation = g.value(equation)
    try:
        _einsum_dtype(equation, [np.empty(0, g.dtype(x)) for x in tensors])
    except (RuntimeError, NotImplementedError) as e:
        raise reject(g, e) from None
    labels, out = _parse(g, equation, tensors)
    operands = []
    for x, ls in zip(tensors, labels):
        while len(set(ls)) < len(ls):  # a repeated label: its diagonal, laid last
            c = next(c for c in ls if ls.count(c) > 1)
            i, j = ls.index(c), ls.index(c, ls.index(c) + 1)
            if g.shape(x)[i] != g.shape(x)[j]:
                raise reject(g, RuntimeError(f"einsum(): subscript {c} is repeated with different sizes"))
            x, ls = g.diagonal(x, 0, i, j), [l for k, l in enumerate(ls) if k not in (i, j)] + [c]
        operands.append((x, ls))
    every = [c for _, ls in operands for c in set(ls)]
    operands = [_summed(g, x, ls, {c for c in ls if every.count(c) == 1 and c not in out}) for x, ls in operands]
    acc, la = operands[0]
    for i in range(1, len(operands)):
        kept = set(out) | {c for _, ls in operands[i + 1:] for c in ls}
        acc, la = _pair(g, acc, la, *operands[i], kept)
    acc, la = _summed(g, acc, la, set(la) - set(out))
    return _permuted(g, acc, la, out)


@op("einsum", "(str equation, Tensor[] tensors) -> Tensor", shape=BY_KERNEL, dtype=BY_KERNEL, decompose=_einsum,
    samples=lambda: [sample("bij,bjk->bik", [s.f32(2, 3, 4), s.f32(2, 4, 5)]), sample("ii->i", [s.f32(3, 3)]),
                     sample("ij,jk,kl->il", [s.f32(2, 3), s.f32(3, 4), s.f32(4, 2)]),
                     sample("...ij,...jk", [s.strided(2, 3), s.f32(2, 3, 4)]), sample("i,j->ij", [s.f32(0), s.f32(3)]),
                     sample("ij->i", [s.mask(3, 2)]), sample("i,i->", [s.mask(3), s.mask(3)]),
                     sample("i,j->ij", [s.i64(3), s.f64(2)]), sample("ij,kj->ik", [s.f32(4, 5), s.f32(3, 5)]),
                     sample("ii", [s.f32(4, 4)]), sample("bhqd,bhkd->bhqk", [s.f32(2, 3, 4, 5), s.f32(2, 3, 6, 5)]),
                     sample("ij->ji", [s.i64(2, 3).astype(np.int32)]), sample("i j , j -> i", [s.f32(2, 3), s.f32(3)]),
                     sample("bij,jk", [s.f32(1, 3, 4), s.f32(4, 2)]), sample("iij->j", [s.f32(3, 3, 2)]),
                     sample("ij,ij->i", [s.f32(3, 4), s.f32(1, 4)]), sample("ab,bc->", [s.f32(2, 0), s.f32(0, 3)]),
                     sample("...i,...i->...", [s.f32(2, 1, 4), s.f32(3, 4)]), sample("i,i", [s.f32(3), s.f32(4)]),
                     sample("ij,jk->ik", [s.i64(2, 3), s.f32(3, 2)]), sample("i,j,k->ijk", [s.f32(2), s.f32(3), s.f32(2)])])
def einsum(equation, tensors):
    dtype = _einsum_dtype(equation, tensors)
    compute = INT64 if dtype.kind in "iu" else dtype  # integers wrap the same whether computed wide or narrow
    out = np.einsum(equation.replace(" ", ""), *(cast(t, compute) for t in tensors), optimize=len(tensors) > 2)
    return as_array(np.asarray(out).astype(dtype, copy=False))
