"""The LAPACK run-time functions (tsjit/backends/c/runtime/lapack.py) on the numpy backend, and
`ts.runtime_call`, the tensor-level call of any run-time function.

The twins take what the C takes: flat arrays (a memref<?xT> each), then the sizes, and write the
results in place. They run numpy's LAPACK (the same routines, except lstsq: numpy's gelsd where C
calls gelsy; both give the minimum-norm least-squares solution), so the signs of singular vectors
and eigenvectors are numpy's OpenBLAS's.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.backends.numpy.ops.upstream_common import np_dtype, uninitialized
from tsjit.backends.numpy.table import register


def _matrices(flat: np.ndarray, *shape: int) -> np.ndarray:
    """The first prod(shape) elements of a flat buffer, shaped (a view)."""
    size = math.prod(shape)
    if flat.ndim != 1 or flat.size < size:
        raise IndexError(f"run-time function: {shape} does not fit in a buffer of {flat.size} elements")
    return flat[:size].reshape(shape)


def qr(a, q, r, info, batch, m, n, mode) -> None:
    """geqrf + orgqr: mode 0 reduced, 1 complete, 2 R only (as tsjit_sqr / tsjit_dqr)."""
    k = min(m, n)
    qc = rr = m if mode == 1 else k
    got_q, got_r = np.linalg.qr(_matrices(a, batch, m, n), mode="complete" if mode == 1 else "reduced")
    _matrices(r, batch, rr, n)[...] = got_r
    if mode != 2:
        _matrices(q, batch, m, qc)[...] = got_q
    info[:batch] = 0


def svd(a, u, s, vh, info, batch, m, n, full) -> None:
    """gesdd (full: U m x m, Vh n x n); a matrix with a non-finite element: info -1 and NaNs."""
    k = min(m, n)
    uc, vr = (m, n) if full else (k, k)
    x = _matrices(a, batch, m, n)
    outs = _matrices(u, batch, m, uc), _matrices(s, batch, k), _matrices(vh, batch, vr, n)
    for b in range(batch):
        if not np.isfinite(x[b]).all():
            info[b] = -1
            for o in outs:
                o[b] = np.nan
            continue
        got = np.linalg.svd(x[b], full_matrices=bool(full))
        for o, g in zip(outs, got):
            o[b] = g
        info[b] = 0


def eigh(a, w, v, info, batch, n, upper, vectors) -> None:
    """syevd from the lower (upper) triangle: eigenvalues ascending, eigenvectors as columns."""
    x = _matrices(a, batch, n, n)
    uplo = "U" if upper else "L"
    if vectors:
        got_w, got_v = np.linalg.eigh(x, UPLO=uplo)
        _matrices(v, batch, n, n)[...] = got_v
    else:
        got_w = np.linalg.eigvalsh(x, UPLO=uplo)
        _matrices(v, batch, n, n)[...] = x
    _matrices(w, batch, n)[...] = got_w
    info[:batch] = 0


def lstsq(a, rhs, rcond, x, rank, info, batch, m, n, nrhs) -> None:
    """The minimum-norm least-squares solution and the rank (singular values above rcond * the largest)."""
    am, bm, out = _matrices(a, batch, m, n), _matrices(rhs, batch, m, nrhs), _matrices(x, batch, n, nrhs)
    for b in range(batch):
        out[b], _, rank[b], _ = np.linalg.lstsq(am[b], bm[b], rcond=rcond)
    info[:batch] = 0


def lu(a, out, pivots, info, batch, m, n) -> None:
    """getrf: the packed factors, the 1-based row exchanges (int32), the first zero pivot."""
    from tsjit.ops.linalg_status import _getrf

    got, piv, status = _getrf(_matrices(a, batch, m, n))
    _matrices(out, batch, m, n)[...] = got
    _matrices(pivots, batch, min(m, n))[...] = piv
    info[:batch] = status


def plu(a, p, lower, upper, info, batch, m, n) -> None:
    """getrf unpacked: A = P L U."""
    from tsjit.ops.linalg_status import _getrf, _unpack

    k = min(m, n)
    got, piv, status = _getrf(_matrices(a, batch, m, n))
    for out, value in zip((_matrices(p, batch, m, m), _matrices(lower, batch, m, k), _matrices(upper, batch, k, n)),
                          _unpack(got, piv)):
        out[...] = value
    info[:batch] = status


def inv(a, x, info, batch, n) -> None:
    """getrf, then the identity solved through the factors (inf / NaN where singular)."""
    from tsjit.ops.linalg_status import _getrf, _lu_solve_left

    got, piv, status = _getrf(_matrices(a, batch, n, n))
    eye = np.broadcast_to(np.eye(n, dtype=got.dtype), got.shape)
    _matrices(x, batch, n, n)[...] = _lu_solve_left(got, piv, eye, False)
    info[:batch] = status


def lu_solve(factors, pivots, rhs, x, info, batch, n, nrhs, trans) -> None:
    """getrs: A X = B (A^T X = B with trans) for A = P L U from getrf; pivots outside 1..n: info -2, NaNs."""
    from tsjit.ops.linalg_status import _lu_solve_left

    piv = _matrices(pivots, batch, n)
    bad = ((piv < 1) | (piv > n)).any(axis=-1)
    safe = np.where(bad[:, None], np.arange(1, n + 1, dtype=piv.dtype), piv)
    got = _lu_solve_left(_matrices(factors, batch, n, n), safe, _matrices(rhs, batch, n, nrhs), bool(trans))
    got[bad] = np.nan
    _matrices(x, batch, n, nrhs)[...] = got
    info[:batch] = np.where(bad, -2, 0)


LAPACK_TWINS = {f"tsjit_{p}{name}": fn for p in "sd" for name, fn in
                (("qr", qr), ("svd", svd), ("eigh", eigh), ("lstsq", lstsq), ("lu", lu), ("plu", plu), ("inv", inv),
                 ("lu_solve", lu_solve))}


@register("ts.runtime_call")
def _runtime_call(op, planner):
    from tsjit.backends.numpy.ops.upstream_runtime import RUNTIME_FUNCTIONS

    fn = RUNTIME_FUNCTIONS[op.callee.data]
    results = [(tuple(r.type.get_shape()), np_dtype(r.type)) for r in op.outputs]
    sizes = op.size_values()

    def call(*inputs):
        flat = [np.ascontiguousarray(v).reshape(-1) if isinstance(v, np.ndarray) else v for v in inputs]
        outs = [uninitialized(shape, dtype) for shape, dtype in results]
        fn(*flat, *(o.reshape(-1) for o in outs), *sizes)
        return tuple(outs) if len(outs) != 1 else outs[0]

    return call
