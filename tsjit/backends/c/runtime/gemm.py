"""C run-time GEMM: `tsjit_sgemm` / `tsjit_dgemm`, row-major

    C[M,N] = op(A)[M,K] @ op(B)[K,N] + beta * C        (op = transpose when transA/transB != 0)

    void tsjit_sgemm(const float *A, const float *B, float *C, int64_t offA, int64_t offB, int64_t offC,
                     int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                     int64_t transA, int64_t transB, float beta);

A, B and C point at flat storage; `off*` are element offsets into it and `ld*` the row strides of
the stored (untransposed) matrices, as in CBLAS. With `-DTSJIT_USE_CBLAS` (build.py adds it, with
the include and link flags, when scipy-openblas32 is installed) the call goes to
`scipy_cblas_sgemm`; otherwise to a portable blocked GEMM (BLIS-style: B packed into NR-column
panels, A into MR-row panels, an MR x NR register-blocked kernel written with GCC vector
extensions where available, plain loops elsewhere). beta == 0 never reads C (NaN-safe, like BLAS).
On AVX-512, a float32 GEMM with A not transposed, at least 4 rows and (with OpenBLAS) at
least 2^20 multiply-adds takes the micro-kernel of gemm_kernel.py instead, B read in place (faster
than OpenBLAS on the model zoo's shapes: bench/README.md).

Threads: one pool, OpenMP's. A GEMM big enough (GEMM_WORK_PER_THREAD multiply-adds per thread)
and not already inside a parallel region is split into column (or row) panels, one per thread,
each a single-threaded GEMM; OpenBLAS is kept at one thread. Its own thread pool would compete
with OpenMP's for the cores: at 2 threads on 2 cores, spinning workers of both pools made a
LeNet 4x slower than at 1 thread.
"""
from __future__ import annotations

GEMM_WORK_PER_THREAD = 1 << 17
"""Multiply-adds a thread gets at least before a GEMM is split (about 4 us of one core's work,
several times OpenMP's fork-join cost)."""

#: includes, vector width, thread split and per-thread packing buffers, shared by both precisions
COMMON = r"""
/* ---- tsjit gemm run-time (TSJIT_USE_CBLAS: link scipy-openblas32) ---- */
#if defined(TSJIT_USE_CBLAS)
#include <cblas.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif
/* How many threads share a GEMM of M x N x K multiply-adds (1 inside a parallel region). */
static int tsjit_gemm_threads(int64_t M, int64_t N, int64_t K) {
#if defined(TSJIT_USE_CBLAS)
    if (scipy_openblas_get_num_threads() != 1) scipy_openblas_set_num_threads(1);
#endif
#ifdef _OPENMP
    int64_t n = M * N * K / GEMM_WORK_PER_THREAD, m = omp_in_parallel() ? 1 : ts_threads();
    return (int)(n < 1 ? 1 : n < m ? n : m);
#else
    (void)M; (void)N; (void)K;
    return 1;
#endif
}
#if defined(__AVX512F__)
#define TSJIT_VBYTES 64
#elif defined(__AVX__)
#define TSJIT_VBYTES 32
#else
#define TSJIT_VBYTES 16
#endif
#if defined(__GNUC__)
#define TSJIT_TLS __thread
#else
#define TSJIT_TLS
#endif
/* A growing 64-byte aligned buffer per thread and slot (0, 1: GEMM packing; 2, 3: Winograd; 4: im2col),
   kept between calls (no page faults per call). */
static void *tsjit_scratch(int slot, size_t bytes) {
    static TSJIT_TLS void *buf[5];
    static TSJIT_TLS size_t cap[5];
    if (cap[slot] < bytes) {
        free(buf[slot]);
        buf[slot] = aligned_alloc(64, (bytes + 63) / 64 * 64);
        cap[slot] = bytes;
    }
    return buf[slot];
}
"""

#: the portable blocked GEMM for element type @T@ (names prefixed @P@)
FALLBACK = r"""
enum { @P@_MR = 6, @P@_NR = 2 * TSJIT_VBYTES / (int)sizeof(@T@), @P@_KC = 256, @P@_MC = 96, @P@_NC = 2048 };

/* rows i0..i0+mc, depth p0..p0+kc of op(A) as MR-row panels: panel[p][r], zero-padded */
static void @P@_pack_a(const @T@ *A, int64_t lda, int64_t ta, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
                       @T@ *restrict out) {
    for (int64_t ir = 0; ir < mc; ir += @P@_MR)
        for (int64_t p = 0; p < kc; ++p)
            for (int64_t r = 0; r < @P@_MR; ++r) {
                int64_t i = i0 + ir + r, k = p0 + p;
                *out++ = ir + r < mc ? (ta ? A[k * lda + i] : A[i * lda + k]) : (@T@)0;
            }
}

/* depth p0..p0+kc, columns j0..j0+nc of op(B) as NR-column panels: panel[p][c], zero-padded */
static void @P@_pack_b(const @T@ *B, int64_t ldb, int64_t tb, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
                       @T@ *restrict out) {
    for (int64_t jr = 0; jr < nc; jr += @P@_NR)
        for (int64_t p = 0; p < kc; ++p) {
            int64_t k = p0 + p, n = nc - jr < @P@_NR ? nc - jr : @P@_NR;
            if (!tb && n == @P@_NR) {
                memcpy(out, B + k * ldb + j0 + jr, sizeof(@T@) * @P@_NR);
                out += @P@_NR;
                continue;
            }
            for (int64_t c = 0; c < @P@_NR; ++c) {
                int64_t j = j0 + jr + c;
                *out++ = c < n ? (tb ? B[j * ldb + k] : B[k * ldb + j]) : (@T@)0;
            }
        }
}

/* acc[MR][NR] = a-panel @ b-panel over kc */
static void @P@_kernel(int64_t kc, const @T@ *restrict a, const @T@ *restrict b, @T@ *restrict acc) {
#if defined(__GNUC__)
    typedef @T@ vec __attribute__((vector_size(TSJIT_VBYTES)));
    enum { NV = TSJIT_VBYTES / (int)sizeof(@T@) };
    vec c[@P@_MR][2];
    memset(c, 0, sizeof c);
    for (int64_t p = 0; p < kc; ++p) {
        vec b0 = *(const vec *)(b + p * @P@_NR), b1 = *(const vec *)(b + p * @P@_NR + NV);
        for (int r = 0; r < @P@_MR; ++r) {
            @T@ x = a[p * @P@_MR + r];
            c[r][0] += x * b0;
            c[r][1] += x * b1;
        }
    }
    memcpy(acc, c, sizeof c);
#else
    for (int i = 0; i < @P@_MR * @P@_NR; ++i) acc[i] = 0;
    for (int64_t p = 0; p < kc; ++p)
        for (int r = 0; r < @P@_MR; ++r)
            for (int c = 0; c < @P@_NR; ++c) acc[r * @P@_NR + c] += a[p * @P@_MR + r] * b[p * @P@_NR + c];
#endif
}

static void @P@_fallback(int64_t ta, int64_t tb, int64_t M, int64_t N, int64_t K, const @T@ *A, int64_t lda,
                         const @T@ *B, int64_t ldb, @T@ beta, @T@ *C, int64_t ldc) {
    if (K <= 0) {
        for (int64_t i = 0; i < M; ++i)
            for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == 0 ? (@T@)0 : beta * C[i * ldc + j];
        return;
    }
    @T@ *bp = tsjit_scratch(0, sizeof(@T@) * @P@_KC * (@P@_NC + @P@_NR));
    for (int64_t jc = 0; jc < N; jc += @P@_NC) {
        int64_t nc = N - jc < @P@_NC ? N - jc : @P@_NC;
        for (int64_t pc = 0; pc < K; pc += @P@_KC) {
            int64_t kc = K - pc < @P@_KC ? K - pc : @P@_KC;
            @T@ b_eff = pc == 0 ? beta : (@T@)1;
            @P@_pack_b(B, ldb, tb, pc, kc, jc, nc, bp);
            for (int64_t ic = 0; ic < M; ic += @P@_MC) {
                int64_t mc = M - ic < @P@_MC ? M - ic : @P@_MC;
                @T@ *ap = tsjit_scratch(1, sizeof(@T@) * @P@_KC * (@P@_MC + @P@_MR));
                @T@ acc[@P@_MR * @P@_NR] __attribute__((aligned(64)));
                @P@_pack_a(A, lda, ta, ic, mc, pc, kc, ap);
                for (int64_t jr = 0; jr < nc; jr += @P@_NR)
                    for (int64_t ir = 0; ir < mc; ir += @P@_MR) {
                        @P@_kernel(kc, ap + ir * kc, bp + jr * kc, acc);
                        int64_t rows = mc - ir < @P@_MR ? mc - ir : @P@_MR, cols = nc - jr < @P@_NR ? nc - jr : @P@_NR;
                        for (int64_t r = 0; r < rows; ++r) {
                            @T@ *dst = C + (ic + ir + r) * ldc + jc + jr;
                            if (b_eff == 0)
                                for (int64_t c = 0; c < cols; ++c) dst[c] = acc[r * @P@_NR + c];
                            else
                                for (int64_t c = 0; c < cols; ++c) dst[c] = b_eff * dst[c] + acc[r * @P@_NR + c];
                        }
                    }
            }
        }
    }
}

/* One thread's GEMM. */
static void @P@_serial(int64_t ta, int64_t tb, int64_t M, int64_t N, int64_t K, const @T@ *A, int64_t lda,
                       const @T@ *B, int64_t ldb, @T@ beta, @T@ *C, int64_t ldc) {
#if defined(TSJIT_USE_CBLAS)
    scipy_cblas_@BLAS@(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                       (blasint)M, (blasint)N, (blasint)K, (@T@)1, A, (blasint)lda, B, (blasint)ldb, beta, C,
                       (blasint)ldc);
#else
    @P@_fallback(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
#endif
}

void @NAME@(const @T@ *A, const @T@ *B, @T@ *C, int64_t offA, int64_t offB, int64_t offC, int64_t M, int64_t N,
            int64_t K, int64_t lda, int64_t ldb, int64_t ldc, int64_t transA, int64_t transB, @T@ beta) {
    if (M <= 0 || N <= 0) return;
    A += offA, B += offB, C += offC;
    @OWN@
    int nt = tsjit_gemm_threads(M, N, K);
    if (nt == 1) {
        @P@_serial(transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    /* panels of whole cache lines of C's columns when N is the longer side, else of rows */
    int by_cols = N >= M;
    int64_t extent = by_cols ? N : M, align = by_cols ? 64 / (int64_t)sizeof(@T@) : 1;
    int64_t chunk = ((extent + nt - 1) / nt + align - 1) / align * align;
    #pragma omp parallel for schedule(static) num_threads(nt)
    for (int t = 0; t < nt; ++t) {
        int64_t lo = t * chunk, hi = lo + chunk < extent ? lo + chunk : extent;
        if (lo >= hi) continue;
        if (by_cols)
            @P@_serial(transA, transB, M, hi - lo, K, A, lda, B + (transB ? lo * ldb : lo), ldb, beta, C + lo, ldc);
        else
            @P@_serial(transA, transB, hi - lo, N, K, A + (transA ? lo : lo * lda), lda, B, ldb, beta,
                       C + lo * ldc, ldc);
    }
}
"""


OWN_KERNEL = "if (tsjit_sgk_direct(transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc, NULL)) return;"
"""float32 only: the micro-kernel of gemm_kernel.py where it beats OpenBLAS (AVX-512, A not transposed)"""


def gemm_source(name: str, c_type: str, prefix: str, blas: str, own: str = "") -> str:
    return (FALLBACK.replace("@T@", c_type).replace("@P@", prefix).replace("@NAME@", name)
            .replace("@BLAS@", blas).replace("@OWN@", own))


SOURCES = {
    "tsjit_gemm_common": (COMMON.replace("GEMM_WORK_PER_THREAD", str(GEMM_WORK_PER_THREAD)), ()),
    "tsjit_sgemm": (gemm_source("tsjit_sgemm", "float", "tsjit_sg", "sgemm", OWN_KERNEL), ("tsjit_sgemm_kernel",)),
    "tsjit_dgemm": (gemm_source("tsjit_dgemm", "double", "tsjit_dg", "dgemm"), ("tsjit_gemm_common",)),
}
