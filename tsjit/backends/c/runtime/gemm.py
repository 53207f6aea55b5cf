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
"""
from __future__ import annotations

#: includes, vector width and per-thread packing buffers, shared by both precisions
COMMON = r"""
/* ---- tsjit gemm run-time (TSJIT_USE_CBLAS: link scipy-openblas32) ---- */
#if defined(TSJIT_USE_CBLAS)
#include <cblas.h>
#endif
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
/* A growing 64-byte aligned buffer per thread and slot, kept between calls (no page faults per call). */
static void *tsjit_scratch(int slot, size_t bytes) {
    static TSJIT_TLS void *buf[2];
    static TSJIT_TLS size_t cap[2];
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
            #pragma omp parallel for schedule(static) if (M * nc * kc > (1 << 20))
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

void @NAME@(const @T@ *A, const @T@ *B, @T@ *C, int64_t offA, int64_t offB, int64_t offC, int64_t M, int64_t N,
            int64_t K, int64_t lda, int64_t ldb, int64_t ldc, int64_t transA, int64_t transB, @T@ beta) {
    if (M <= 0 || N <= 0) return;
#if defined(TSJIT_USE_CBLAS)
    scipy_cblas_@BLAS@(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                       (blasint)M, (blasint)N, (blasint)K, (@T@)1, A + offA, (blasint)lda, B + offB, (blasint)ldb,
                       beta, C + offC, (blasint)ldc);
#else
    @P@_fallback(transA, transB, M, N, K, A + offA, lda, B + offB, ldb, beta, C + offC, ldc);
#endif
}
"""


def gemm_source(name: str, c_type: str, prefix: str, blas: str) -> str:
    return (FALLBACK.replace("@T@", c_type).replace("@P@", prefix).replace("@NAME@", name)
            .replace("@BLAS@", blas))


SOURCES = {
    "tsjit_gemm_common": (COMMON, ()),
    "tsjit_sgemm": (gemm_source("tsjit_sgemm", "float", "tsjit_sg", "sgemm"), ("tsjit_gemm_common",)),
    "tsjit_dgemm": (gemm_source("tsjit_dgemm", "double", "tsjit_dg", "dgemm"), ("tsjit_gemm_common",)),
}
