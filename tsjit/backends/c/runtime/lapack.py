"""C run-time LAPACK factorizations over scipy-openblas32's LAPACKE (its symbols are prefixed
`scipy_`), for `ts.runtime_call`s that tsjit/lowering/lapack_calls.py emits. @P@ is s (float) or d
(double); every matrix is row-major and contiguous, `batch` of them one after the other:

    void tsjit_@P@qr(const T *a, T *q, T *r, int64_t *info, int64_t batch, int64_t m, int64_t n, int64_t mode);
        /* geqrf + orgqr; mode 0 reduced (Q m x k, R k x n), 1 complete (Q m x m, R m x n), 2 R only */
    void tsjit_@P@svd(const T *a, T *u, T *s, T *vh, int64_t *info, int64_t batch, int64_t m, int64_t n,
                      int64_t full);     /* gesdd, jobz 'A' (full) or 'S' */
    void tsjit_@P@eigh(const T *a, T *w, T *v, int64_t *info, int64_t batch, int64_t n, int64_t upper,
                       int64_t vectors);  /* syevd from the lower (upper) triangle, ascending */
    void tsjit_@P@lstsq(const T *a, const T *b, double rcond, T *x, int64_t *rank, int64_t *info,
                        int64_t batch, int64_t m, int64_t n, int64_t nrhs);  /* gelsy */
    void tsjit_@P@lu(const T *a, T *lu, int32_t *pivots, int64_t *info, int64_t batch, int64_t m, int64_t n);
        /* getrf: the packed factors and the 1-based row exchanges */
    void tsjit_@P@plu(const T *a, T *p, T *l, T *u, int64_t *info, int64_t batch, int64_t m, int64_t n);
        /* getrf unpacked: A = P L U */
    void tsjit_@P@inv(const T *a, T *x, int64_t *info, int64_t batch, int64_t n);
        /* getrf + getrs of the identity (inf / NaN where singular, info the first zero pivot) */
    void tsjit_@P@lu_solve(const T *lu, const int32_t *pivots, const T *b, T *x, int64_t *info, int64_t batch,
                           int64_t n, int64_t nrhs, int64_t trans);  /* getrs; pivots outside 1..n: info -2 */

These are PyTorch's CPU routines (linalg.qr, svd's default gesdd, eigh, lstsq's default gelsy, the LU family's getrf),
so results agree with PyTorch up to rounding; the signs of singular vectors and eigenvectors are
those of OpenBLAS's LAPACK, which can differ from the MKL that PyTorch's wheels call.
`info[b]` is LAPACKE's return value for matrix b (> 0: no convergence, < 0: a bad argument, or
-1010 out of memory); an SVD of a matrix with a NaN or an infinity is not attempted: info -1 and
NaN results, as PyTorch reports "contained non-finite values". LAPACKE's own NaN checks are off
(LAPACK then runs on NaNs as PyTorch's does). OpenBLAS is kept at one thread, as for the GEMM.

Without scipy-openblas32 the source refuses to compile (#error): the C backend does not render
these calls then (tsjit/backends/c/render.py), so compiled models fall back with that reason.
"""
from __future__ import annotations

#: in every source that calls LAPACK (an export's Makefile then requires BLAS)
LAPACK_MARKER = "tsjit LAPACK run-time"

COMMON = r"""
/* ---- tsjit LAPACK run-time (needs scipy-openblas32: TSJIT_USE_CBLAS) ---- */
#if !defined(TSJIT_USE_CBLAS)
#error "tsjit: the LAPACK run-time functions need scipy-openblas32 (build with -DTSJIT_USE_CBLAS and link it)"
#endif
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
static void tsjit_lapack_setup(void) {
    if (scipy_openblas_get_num_threads() != 1) scipy_openblas_set_num_threads(1);
    scipy_LAPACKE_set_nancheck(0);
}
"""

QR = r"""
void tsjit_@P@qr(const @T@ *a, @T@ *q, @T@ *r, int64_t *info, int64_t batch, int64_t m, int64_t n, int64_t mode) {
    tsjit_lapack_setup();
    int64_t k = m < n ? m : n, qc = mode == 1 ? m : k, rr = mode == 1 ? m : k, c = n > qc ? n : qc;
    if (c < 1) c = 1;
    @T@ *w = malloc(sizeof(@T@) * (size_t)(m * c + k + 1)), *tau = w + m * c;
    for (int64_t b = 0; b < batch; ++b) {
        if (!w) { info[b] = -1010; continue; }
        const @T@ *ab = a + b * m * n;
        for (int64_t i = 0; i < m; ++i) {
            memcpy(w + i * c, ab + i * n, sizeof(@T@) * (size_t)n);
            for (int64_t j = n; j < c; ++j) w[i * c + j] = 0;
        }
        lapack_int st = scipy_LAPACKE_@P@geqrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n, w, (lapack_int)c, tau);
        @T@ *rb = r + b * rr * n;
        for (int64_t i = 0; i < rr; ++i)
            for (int64_t j = 0; j < n; ++j) rb[i * n + j] = j >= i ? w[i * c + j] : 0;
        if (mode != 2) {
            if (st == 0)
                st = scipy_LAPACKE_@P@orgqr(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)qc, (lapack_int)k, w,
                                            (lapack_int)c, tau);
            @T@ *qb = q + b * m * qc;
            for (int64_t i = 0; i < m; ++i) memcpy(qb + i * qc, w + i * c, sizeof(@T@) * (size_t)qc);
        }
        info[b] = st;
    }
    free(w);
}
"""

SVD = r"""
void tsjit_@P@svd(const @T@ *a, @T@ *u, @T@ *s, @T@ *vh, int64_t *info, int64_t batch, int64_t m, int64_t n,
                  int64_t full) {
    tsjit_lapack_setup();
    int64_t k = m < n ? m : n, uc = full ? m : k, vr = full ? n : k;
    @T@ *w = malloc(sizeof(@T@) * (size_t)(m * n + 1));
    for (int64_t b = 0; b < batch; ++b) {
        @T@ *ub = u + b * m * uc, *sb = s + b * k, *vb = vh + b * vr * n;
        int finite = w != NULL;
        for (int64_t i = 0; finite && i < m * n; ++i) finite = isfinite(a[b * m * n + i]);
        if (!finite) {
            info[b] = w ? -1 : -1010;
            for (int64_t i = 0; i < m * uc; ++i) ub[i] = NAN;
            for (int64_t i = 0; i < k; ++i) sb[i] = NAN;
            for (int64_t i = 0; i < vr * n; ++i) vb[i] = NAN;
            continue;
        }
        memcpy(w, a + b * m * n, sizeof(@T@) * (size_t)(m * n));
        info[b] = scipy_LAPACKE_@P@gesdd(LAPACK_ROW_MAJOR, full ? 'A' : 'S', (lapack_int)m, (lapack_int)n, w,
                                         (lapack_int)n, sb, ub, (lapack_int)(uc > 0 ? uc : 1), vb, (lapack_int)n);
    }
    free(w);
}
"""

EIGH = r"""
void tsjit_@P@eigh(const @T@ *a, @T@ *w, @T@ *v, int64_t *info, int64_t batch, int64_t n, int64_t upper,
                   int64_t vectors) {
    tsjit_lapack_setup();
    for (int64_t b = 0; b < batch; ++b) {
        @T@ *vb = v + b * n * n;
        memcpy(vb, a + b * n * n, sizeof(@T@) * (size_t)(n * n));
        info[b] = scipy_LAPACKE_@P@syevd(LAPACK_ROW_MAJOR, vectors ? 'V' : 'N', upper ? 'U' : 'L', (lapack_int)n,
                                         vb, (lapack_int)n, w + b * n);
    }
}
"""

LSTSQ = r"""
void tsjit_@P@lstsq(const @T@ *a, const @T@ *rhs, double rcond, @T@ *x, int64_t *rank, int64_t *info, int64_t batch,
                    int64_t m, int64_t n, int64_t nrhs) {
    tsjit_lapack_setup();
    int64_t big = m > n ? m : n;
    @T@ *w = malloc(sizeof(@T@) * (size_t)(m * n + big * nrhs + 1)), *bw = w + m * n;
    lapack_int *jpvt = malloc(sizeof(lapack_int) * (size_t)(n + 1));
    for (int64_t b = 0; b < batch; ++b) {
        if (!w || !jpvt) { info[b] = -1010; rank[b] = 0; continue; }
        memcpy(w, a + b * m * n, sizeof(@T@) * (size_t)(m * n));
        memcpy(bw, rhs + b * m * nrhs, sizeof(@T@) * (size_t)(m * nrhs));
        for (int64_t i = m * nrhs; i < big * nrhs; ++i) bw[i] = 0;
        memset(jpvt, 0, sizeof(lapack_int) * (size_t)n);
        lapack_int got = 0;
        info[b] = scipy_LAPACKE_@P@gelsy(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n, (lapack_int)nrhs, w,
                                         (lapack_int)n, bw, (lapack_int)nrhs, jpvt, (@T@)rcond, &got);
        rank[b] = got;
        memcpy(x + b * n * nrhs, bw, sizeof(@T@) * (size_t)(n * nrhs));
    }
    free(w);
    free(jpvt);
}
"""

LU = r"""
void tsjit_@P@lu(const @T@ *a, @T@ *lu, int32_t *piv, int64_t *info, int64_t batch, int64_t m, int64_t n) {
    tsjit_lapack_setup();
    int64_t k = m < n ? m : n;
    for (int64_t b = 0; b < batch; ++b) {
        @T@ *lb = lu + b * m * n;
        memcpy(lb, a + b * m * n, sizeof(@T@) * (size_t)(m * n));
        info[b] = scipy_LAPACKE_@P@getrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n, lb, (lapack_int)n,
                                         (lapack_int *)(piv + b * k));
    }
}
"""

PLU = r"""
void tsjit_@P@plu(const @T@ *a, @T@ *p, @T@ *l, @T@ *u, int64_t *info, int64_t batch, int64_t m, int64_t n) {
    tsjit_lapack_setup();
    int64_t k = m < n ? m : n;
    @T@ *w = malloc(sizeof(@T@) * (size_t)(m * n + 1));
    lapack_int *piv = malloc(sizeof(lapack_int) * (size_t)(k + 1));
    int64_t *perm = malloc(sizeof(int64_t) * (size_t)(m + 1));
    for (int64_t b = 0; b < batch; ++b) {
        if (!w || !piv || !perm) { info[b] = -1010; continue; }
        memcpy(w, a + b * m * n, sizeof(@T@) * (size_t)(m * n));
        info[b] = scipy_LAPACKE_@P@getrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n, w, (lapack_int)n, piv);
        @T@ *pb = p + b * m * m, *lb = l + b * m * k, *ub = u + b * k * n;
        for (int64_t i = 0; i < m; ++i) {
            perm[i] = i;
            for (int64_t j = 0; j < k; ++j) lb[i * k + j] = j < i ? w[i * n + j] : j == i;
        }
        for (int64_t i = 0; i < k; ++i)
            for (int64_t j = 0; j < n; ++j) ub[i * n + j] = j >= i ? w[i * n + j] : 0;
        for (int64_t j = 0; j < k; ++j) {  /* row j and row piv[j] - 1 exchanged, in order */
            int64_t q = piv[j] - 1, t = perm[j];
            perm[j] = perm[q];
            perm[q] = t;
        }
        /* A = P L U: row i of L U is row perm[i] of A, so P[perm[i], i] = 1 */
        for (int64_t i = 0; i < m * m; ++i) pb[i] = 0;
        for (int64_t i = 0; i < m; ++i) pb[perm[i] * m + i] = 1;
    }
    free(w);
    free(piv);
    free(perm);
}
"""

INV = r"""
void tsjit_@P@inv(const @T@ *a, @T@ *x, int64_t *info, int64_t batch, int64_t n) {
    tsjit_lapack_setup();
    @T@ *w = malloc(sizeof(@T@) * (size_t)(n * n + 1));
    lapack_int *piv = malloc(sizeof(lapack_int) * (size_t)(n + 1));
    for (int64_t b = 0; b < batch; ++b) {
        if (!w || !piv) { info[b] = -1010; continue; }
        memcpy(w, a + b * n * n, sizeof(@T@) * (size_t)(n * n));
        info[b] = scipy_LAPACKE_@P@getrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)n, w, (lapack_int)n, piv);
        @T@ *xb = x + b * n * n;  /* the identity solved through the factors (inf / NaN where singular) */
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < n; ++j) xb[i * n + j] = i == j;
        scipy_LAPACKE_@P@getrs(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, (lapack_int)n, w, (lapack_int)n, piv, xb,
                               (lapack_int)n);
    }
    free(w);
    free(piv);
}
"""

LU_SOLVE = r"""
void tsjit_@P@lu_solve(const @T@ *lu, const int32_t *piv, const @T@ *rhs, @T@ *x, int64_t *info, int64_t batch,
                       int64_t n, int64_t nrhs, int64_t trans) {
    tsjit_lapack_setup();
    for (int64_t b = 0; b < batch; ++b) {
        const int32_t *pb = piv + b * n;
        @T@ *xb = x + b * n * nrhs;
        int64_t bad = 0;  /* a pivot outside 1..n would make LAPACK read and write out of bounds */
        for (int64_t i = 0; i < n; ++i) bad = bad || pb[i] < 1 || pb[i] > n;
        if (bad) {
            info[b] = -2;
            for (int64_t i = 0; i < n * nrhs; ++i) xb[i] = NAN;
            continue;
        }
        memcpy(xb, rhs + b * n * nrhs, sizeof(@T@) * (size_t)(n * nrhs));
        info[b] = scipy_LAPACKE_@P@getrs(LAPACK_ROW_MAJOR, trans ? 'T' : 'N', (lapack_int)n, (lapack_int)nrhs,
                                         lu + b * n * n, (lapack_int)n, (const lapack_int *)pb, xb, (lapack_int)nrhs);
    }
}
"""

_KINDS = {"qr": QR, "svd": SVD, "eigh": EIGH, "lstsq": LSTSQ, "lu": LU, "plu": PLU, "inv": INV, "lu_solve": LU_SOLVE}


def _sources() -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {"tsjit_lapack_common": (COMMON, ())}
    for kind, text in _KINDS.items():
        for p, t in (("s", "float"), ("d", "double")):
            out[f"tsjit_{p}{kind}"] = (text.replace("@P@", p).replace("@T@", t), ("tsjit_lapack_common",))
    return out


SOURCES = _sources()
#: the run-time functions that need LAPACK (the C backend renders their calls only with scipy-openblas32)
LAPACK_FUNCTIONS = frozenset(name for name in SOURCES if name != "tsjit_lapack_common")
