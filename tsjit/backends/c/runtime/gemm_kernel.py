"""C run-time float32 GEMM with B in NR-column panels: `tsjit_sgemm_packed` and tsjit_sgemm's
own-kernel path

    void tsjit_sgemm_packed(const float *A, const float *Bp, float *C, int64_t offA, int64_t offB, int64_t offC,
                            int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                            int64_t transA, int64_t transB, float beta);

tsjit_sgemm's signature; `Bp` holds B (K x N) prepacked at compile time in the layout of
tsjit/lowering/packed_weights.py (ldb and transB are ignored; a transposed A is copied first).
No packing per call: A is read in place (MR rows at a time, its row stride lda; the next block's
rows prefetched), each kc x NR panel of B streams (prefetched four rows ahead, into L1) through an
MR x NR register block (AVX-512: 12 x 32, 24 accumulators, on x86-64 the assembly kernels of
gemm_asm.py; up to 6 rows take 2 or 4 panels at once), C is written once per KC
block of depth.
`tsjit_sgk_direct` runs the same loops for tsjit_sgemm on AVX-512 when A is not transposed
(M >= DIRECT_MIN_ROWS, and with OpenBLAS at least BLAS_SMALL multiply-adds), reading B's panels in
place (its row stride ldb; the last partial panel is copied), or a transposed B packed first.

`tsjit_sgemm_ep` / `tsjit_sgemm_packed_ep` take four memrefs (A, B, C, a bias) and, after the
transposes, the bias's offset, whether it is per row (else per column), beta, lo and hi: each tile
of C becomes clamp(C + bias, lo, hi) right after its last depth block, while in L1 (a folded batch
norm's bias and ReLU/ReLU6 after a 1x1 convolution, a linear's bias and ReLU); where the
micro-kernel does not run, after the GEMM.

Fixed blocking, fixed summation order per element (depth in order, one FMA chain per element),
so results do not depend on the thread count. Threads: tsjit_gemm_threads' count, split over
whole panels of columns (or rows when M > N).
"""
from __future__ import annotations

from tsjit.backends.c.runtime import gemm_asm
from tsjit.lowering.packed_weights import KC, NR

DIRECT_MIN_ROWS = 4
"""tsjit_sgemm keeps OpenBLAS below this M (the same speed for a row or two, measured)"""
BLAS_SMALL = 1 << 20
"""and below this many multiply-adds (M*N*K), where OpenBLAS (0.3, SkylakeX) switches to its small-matrix
kernel without packing and matched or beat this one (64x64x196: 0.91x; 128x128x64: 1.5x the other way)"""

KERNEL = r"""
/* ---- tsjit float32 GEMM micro-kernel: B in NR-column panels (prepacked, or read in place) ---- */
#if TSJIT_VBYTES == 64
enum { TSJIT_SGK_MR = 12 };
#elif TSJIT_VBYTES == 32
enum { TSJIT_SGK_MR = 4 };
#else
enum { TSJIT_SGK_MR = 2 };
#endif
enum { TSJIT_SGK_NR = @NR@, TSJIT_SGK_KC = @KC@, TSJIT_SGK_NC = 1024, TSJIT_SGK_MIN_ROWS = @MIN_ROWS@ };
#define TSJIT_SGK_BLAS_SMALL INT64_C(@BLAS_SMALL@)

/* C[R x cols] (+= when acc) = A[R x kc] (row stride lda) @ P panels of B side by side, panel q at
   b + q * ps, each kc x NR (row stride bs); cols <= P * NR. Few rows take several panels at once
   (independent FMA chains); every element is one chain over the depth in order, in every variant. */
#if defined(__GNUC__)
typedef float tsjit_v16 __attribute__((vector_size(64), aligned(4)));
#define TSJIT_SGK_KERNEL(R, P)                                                                               \
static void tsjit_sgk_##R##_##P(int64_t kc, const float *restrict a, int64_t lda, const float *restrict b,   \
                                int64_t bs, int64_t ps, float *restrict c, int64_t ldc, int acc, int64_t cols) { \
    tsjit_v16 v[R][2 * P];                                                                                   \
    for (int r = 0; r < R; ++r)                                                                              \
        for (int q = 0; q < 2 * P; ++q) v[r][q] = (tsjit_v16){0};                                            \
    for (int64_t p = 0; p < kc; ++p) {                                                                       \
        tsjit_v16 w[2 * P];                                                                                  \
        for (int q = 0; q < 2 * P; ++q) w[q] = *(const tsjit_v16 *)(b + (q / 2) * ps + p * bs + (q % 2) * 16); \
        for (int q = 0; q < P; ++q) {  /* B four rows ahead, into L1 */                                      \
            __builtin_prefetch(b + q * ps + (p + 4) * bs, 0, 3);                                             \
            __builtin_prefetch(b + q * ps + (p + 4) * bs + 16, 0, 3);                                        \
        }                                                                                                    \
        for (int r = 0; r < R; ++r) {                                                                        \
            float x = a[r * lda + p];                                                                        \
            for (int q = 0; q < 2 * P; ++q) v[r][q] += x * w[q];                                             \
        }                                                                                                    \
    }                                                                                                        \
    for (int r = 0; r < R; ++r)                                                                              \
        for (int q = 0; q < P; ++q) {                                                                        \
            float *d = c + r * ldc + q * TSJIT_SGK_NR;                                                       \
            int64_t n = cols - q * TSJIT_SGK_NR;                                                             \
            if (n >= TSJIT_SGK_NR) {                                                                         \
                tsjit_v16 *d0 = (tsjit_v16 *)d, *d1 = (tsjit_v16 *)(d + 16);                                 \
                if (acc) { *d0 += v[r][2 * q]; *d1 += v[r][2 * q + 1]; }                                     \
                else { *d0 = v[r][2 * q]; *d1 = v[r][2 * q + 1]; }                                           \
            } else if (n > 0) {                                                                              \
                float t[TSJIT_SGK_NR];                                                                       \
                memcpy(t, &v[r][2 * q], 64);                                                                 \
                memcpy(t + 16, &v[r][2 * q + 1], 64);                                                        \
                for (int64_t j = 0; j < n; ++j) d[j] = acc ? d[j] + t[j] : t[j];                             \
            }                                                                                                \
        }                                                                                                    \
}
#else
#define TSJIT_SGK_KERNEL(R, P)                                                                               \
static void tsjit_sgk_##R##_##P(int64_t kc, const float *a, int64_t lda, const float *b, int64_t bs,        \
                                int64_t ps, float *c, int64_t ldc, int acc, int64_t cols) {                  \
    for (int r = 0; r < R; ++r)                                                                              \
        for (int64_t j = 0; j < cols; ++j) {                                                                 \
            float s = 0;                                                                                     \
            for (int64_t p = 0; p < kc; ++p)                                                                 \
                s += a[r * lda + p] * b[(j / TSJIT_SGK_NR) * ps + p * bs + j % TSJIT_SGK_NR];                \
            c[r * ldc + j] = acc ? c[r * ldc + j] + s : s;                                                   \
        }                                                                                                    \
}
#endif
#if TSJIT_VBYTES == 64 && defined(__GNUC__) && defined(__x86_64__)
@ASM@
#else
#define TSJIT_SGK_ROWS(R) TSJIT_SGK_KERNEL(R, 1)
#endif
TSJIT_SGK_ROWS(1) TSJIT_SGK_ROWS(2) TSJIT_SGK_ROWS(3) TSJIT_SGK_ROWS(4) TSJIT_SGK_ROWS(5) TSJIT_SGK_ROWS(6)
TSJIT_SGK_ROWS(7) TSJIT_SGK_ROWS(8) TSJIT_SGK_ROWS(9) TSJIT_SGK_ROWS(10) TSJIT_SGK_ROWS(11) TSJIT_SGK_ROWS(12)
TSJIT_SGK_KERNEL(1, 4) TSJIT_SGK_KERNEL(2, 4) TSJIT_SGK_KERNEL(3, 4)
TSJIT_SGK_KERNEL(4, 2) TSJIT_SGK_KERNEL(5, 2) TSJIT_SGK_KERNEL(6, 2)
typedef void (*tsjit_sgk_fn)(int64_t, const float *, int64_t, const float *, int64_t, int64_t, float *, int64_t, int,
                             int64_t);
static const tsjit_sgk_fn tsjit_sgk_table[13] = {0, tsjit_sgk_1_1, tsjit_sgk_2_1, tsjit_sgk_3_1, tsjit_sgk_4_1,
    tsjit_sgk_5_1, tsjit_sgk_6_1, tsjit_sgk_7_1, tsjit_sgk_8_1, tsjit_sgk_9_1, tsjit_sgk_10_1, tsjit_sgk_11_1,
    tsjit_sgk_12_1};
#if TSJIT_VBYTES == 64
/* the wide variant of R rows, and its panel count */
static const tsjit_sgk_fn tsjit_sgk_wide[7] = {0, tsjit_sgk_1_4, tsjit_sgk_2_4, tsjit_sgk_3_4, tsjit_sgk_4_2,
    tsjit_sgk_5_2, tsjit_sgk_6_2};
static const int tsjit_sgk_wide_panels[7] = {1, 4, 4, 4, 2, 2, 2};
#else
static const tsjit_sgk_fn tsjit_sgk_wide[7] = {0, tsjit_sgk_1_1, tsjit_sgk_2_1, tsjit_sgk_3_1, tsjit_sgk_4_1,
    tsjit_sgk_5_1, tsjit_sgk_6_1};
static const int tsjit_sgk_wide_panels[7] = {1, 1, 1, 1, 1, 1, 1};
#endif

/* An epilogue applied to each tile of C right after its last depth block, while it is in L1:
   C = clamp(C + bias, lo, hi), the bias per row (per_row) or per column, NaN propagating as
   arith.maximumf / minimumf do (tsjit/lowering/bias_activation.py). */
typedef struct { const float *bias; int64_t per_row; float lo, hi; } tsjit_sgk_ep;
static void tsjit_sgk_apply_ep(const tsjit_sgk_ep *ep, float *c, int64_t ldc, int64_t rows, int64_t cols, int64_t i0,
                               int64_t j0) {
    float lo = ep->lo, hi = ep->hi;
    for (int64_t r = 0; r < rows; ++r) {
        float *restrict d = c + r * ldc;
        if (ep->per_row) {
            float b = ep->bias[i0 + r];
            #pragma omp simd
            for (int64_t j = 0; j < cols; ++j) d[j] = tsjit_clampf(d[j] + b, lo, hi);
        } else {
            const float *restrict b = ep->bias + j0;
            #pragma omp simd
            for (int64_t j = 0; j < cols; ++j) d[j] = tsjit_clampf(d[j] + b[j], lo, hi);
        }
    }
}

/* ep's bias for the part of C from row i0, column j0 on */
static tsjit_sgk_ep tsjit_sgk_ep_at(const tsjit_sgk_ep *ep, int64_t i0, int64_t j0) {
    tsjit_sgk_ep part = *ep;
    part.bias += ep->per_row ? i0 : j0;
    return part;
}

/* One thread: C[M x N] = A @ B + beta * C, then ep (when not NULL). B is packed (`bp`: panels of a matrix np_all panels wide,
   this call's columns from panel jp0 on) or, when bp is NULL, read in place (`b`, row stride ldb). */
static void tsjit_sgk_run(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *b,
                          int64_t ldb, const float *bp, int64_t np_all, int64_t jp0, float beta, float *C,
                          int64_t ldc, const tsjit_sgk_ep *ep) {
    enum { MR = TSJIT_SGK_MR, NR = TSJIT_SGK_NR, KC = TSJIT_SGK_KC, NC = TSJIT_SGK_NC };
    if (K <= 0 || (beta != 0 && beta != 1)) {
        for (int64_t i = 0; i < M; ++i)
            for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == 0 ? 0.0f : beta * C[i * ldc + j];
        if (K <= 0) {
            if (ep) tsjit_sgk_apply_ep(ep, C, ldc, M, N, 0, 0);
            return;
        }
        beta = 1;
    }
    float tail[KC * NR] __attribute__((aligned(64)));
    int64_t nb = (M + MR - 1) / MR;  /* blocks of MR rows, then the rest (up to 6 rows: several panels at once) */
    for (int64_t jc = 0; jc < N; jc += NC) {
        int64_t nc = N - jc < NC ? N - jc : NC, nfull = nc / NR, t = nc - nfull * NR;
        for (int64_t pc = 0; pc < K; pc += KC) {
            int64_t kc = K - pc < KC ? K - pc : KC;
            int acc = pc > 0 || beta != 0;
            if (!bp && t)
                for (int64_t p = 0; p < kc; ++p)
                    for (int64_t c = 0; c < NR; ++c)
                        tail[p * NR + c] = c < t ? b[(pc + p) * ldb + jc + nfull * NR + c] : 0.0f;
            const float *block = bp ? bp + pc * np_all * NR + (jp0 + jc / NR) * kc * NR : NULL;
            for (int64_t blk = 0, i = 0; blk < nb; ++blk) {
                int64_t rows = M - i < MR ? M - i : MR;
                const float *a = A + i * lda + pc;
                float *c = C + i * ldc + jc;
#if defined(__GNUC__)
                for (int64_t r = i + rows; r < i + 2 * rows && r < M; ++r)  /* the next block's A, toward L2 */
                    for (int64_t p = 0; p < kc; p += 16) __builtin_prefetch(A + r * lda + pc + p, 0, 2);
#endif
                int wide = rows <= 6 ? tsjit_sgk_wide_panels[rows] : 1;
                for (int64_t jp = 0, np = nfull + (t > 0); jp < np;) {
                    /* wide over whole panels (packed: the zero-padded last one too), else one panel */
                    int step = wide > 1 && jp + wide <= (bp ? np : nfull) ? wide : 1;
                    const float *panel = bp ? block + jp * kc * NR : jp < nfull ? b + pc * ldb + jc + jp * NR : tail;
                    int64_t cols = nc - jp * NR < step * NR ? nc - jp * NR : step * NR;
                    (step > 1 ? tsjit_sgk_wide : tsjit_sgk_table)[rows](kc, a, lda, panel,
                        bp || jp == nfull ? NR : ldb, bp ? kc * NR : NR, c + jp * NR, ldc, acc, cols);
                    if (ep && pc + kc >= K) tsjit_sgk_apply_ep(ep, c + jp * NR, ldc, rows, cols, i, jc + jp * NR);
                    jp += step;
                }
                i += rows;
            }
        }
    }
}

/* tsjit_sgk_run split across tsjit_gemm_threads' threads: whole panels of columns, or blocks of rows. */
static void tsjit_sgk_gemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *b,
                           int64_t ldb, const float *bp, float beta, float *C, int64_t ldc, const tsjit_sgk_ep *ep) {
    int64_t np_all = (N + TSJIT_SGK_NR - 1) / TSJIT_SGK_NR;
    int nt = tsjit_gemm_threads(M, N, K);
    if (nt == 1) {
        tsjit_sgk_run(M, N, K, A, lda, b, ldb, bp, np_all, 0, beta, C, ldc, ep);
        return;
    }
    /* whole panels of columns, or whole blocks of MR rows: the split whose busiest thread has a share
       at least 5% smaller (96 x 196: 4 + 3 panels of 32 columns left one thread 65% of the work; rows,
       50%), else columns when N >= M (each thread then streams only its part of the larger operand) */
    int64_t nb = (M + TSJIT_SGK_MR - 1) / TSJIT_SGK_MR, pc_max = (np_all + nt - 1) / nt, rb_max = (nb + nt - 1) / nt;
    int64_t cols_share = pc_max * nb, rows_share = rb_max * np_all;  /* busiest / total, cross-multiplied */
    int by_cols = np_all >= nt && (20 * cols_share < 19 * rows_share
                                   || (20 * rows_share >= 19 * cols_share && N >= M));
    int64_t chunk = by_cols ? pc_max * TSJIT_SGK_NR : rb_max * TSJIT_SGK_MR;
    #pragma omp parallel for schedule(static) num_threads(nt)
    for (int t = 0; t < nt; ++t) {
        int64_t lo = t * chunk, hi = lo + chunk, extent = by_cols ? N : M;
        if (hi > extent) hi = extent;
        if (lo >= hi) continue;
        tsjit_sgk_ep part = ep ? tsjit_sgk_ep_at(ep, by_cols ? 0 : lo, by_cols ? lo : 0) : (tsjit_sgk_ep){0};
        if (by_cols)
            tsjit_sgk_run(M, hi - lo, K, A, lda, b ? b + lo : NULL, ldb, bp, np_all, lo / TSJIT_SGK_NR, beta,
                          C + lo, ldc, ep ? &part : NULL);
        else
            tsjit_sgk_run(hi - lo, N, K, A + lo * lda, lda, b, ldb, bp, np_all, 0, beta, C + lo * ldc, ldc,
                          ep ? &part : NULL);
    }
}

/* op(B) (K x N) packed into `bp` in the layout of packed_weights.py, read from B stored N x K (B^T) */
static void tsjit_sgk_pack_transposed(const float *B, int64_t ldb, int64_t K, int64_t N, float *bp) {
    int64_t np_all = (N + TSJIT_SGK_NR - 1) / TSJIT_SGK_NR;
    for (int64_t pc = 0; pc < K; pc += TSJIT_SGK_KC) {
        int64_t kc = K - pc < TSJIT_SGK_KC ? K - pc : TSJIT_SGK_KC;
        for (int64_t j = 0; j < np_all; ++j)
            for (int64_t c = 0; c < TSJIT_SGK_NR; ++c) {
                int64_t n = j * TSJIT_SGK_NR + c;
                float *d = bp + pc * np_all * TSJIT_SGK_NR + j * kc * TSJIT_SGK_NR + c;
                if (n < N)
                    for (int64_t p = 0; p < kc; ++p) d[p * TSJIT_SGK_NR] = B[n * ldb + pc + p];
                else
                    for (int64_t p = 0; p < kc; ++p) d[p * TSJIT_SGK_NR] = 0.0f;  /* the last panel's padding */
            }
    }
}

/* tsjit_sgemm's own-kernel path, taken (returns 1) on AVX-512 for an untransposed A, M >= MIN_ROWS
   and, with OpenBLAS, at least BLAS_SMALL multiply-adds; a transposed B (attention's q @ k^T) is
   packed into the thread's scratch first. */
static int tsjit_sgk_direct(int64_t ta, int64_t tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                            const float *B, int64_t ldb, float beta, float *C, int64_t ldc, const tsjit_sgk_ep *ep) {
#if TSJIT_VBYTES == 64 && defined(__GNUC__)
    if (ta || M < TSJIT_SGK_MIN_ROWS) return 0;
#if defined(TSJIT_USE_CBLAS)
    if (M * N * K < TSJIT_SGK_BLAS_SMALL) return 0;
#endif
    if (tb) {
        float *bp = tsjit_scratch(0, sizeof(float) * (size_t)(K * ((N + TSJIT_SGK_NR - 1) / TSJIT_SGK_NR) * TSJIT_SGK_NR));
        tsjit_sgk_pack_transposed(B, ldb, K, N, bp);
        tsjit_sgk_gemm(M, N, K, A, lda, NULL, 0, bp, beta, C, ldc, ep);
        return 1;
    }
    tsjit_sgk_gemm(M, N, K, A, lda, B, ldb, NULL, beta, C, ldc, ep);
    return 1;
#else
    (void)ta, (void)tb, (void)M, (void)N, (void)K, (void)A, (void)lda, (void)B, (void)ldb, (void)beta, (void)C;
    (void)ldc, (void)ep;
    return 0;
#endif
}
"""

PACKED = r"""
static void tsjit_sgemm_packed_run(const float *A, const float *Bp, float *C, int64_t M, int64_t N, int64_t K,
                                   int64_t lda, int64_t ldc, int64_t transA, float beta, const tsjit_sgk_ep *ep) {
    if (!transA) {
        tsjit_sgk_gemm(M, N, K, A, lda, NULL, 0, Bp, beta, C, ldc, ep);
        return;
    }
    float *a = malloc(sizeof(float) * (size_t)(M * K > 0 ? M * K : 1));  /* op(A) row-major */
    for (int64_t i = 0; i < M; ++i)
        for (int64_t p = 0; p < K; ++p) a[i * K + p] = A[p * lda + i];
    tsjit_sgk_gemm(M, N, K, a, K, NULL, 0, Bp, beta, C, ldc, ep);
    free(a);
}

void tsjit_sgemm_packed(const float *A, const float *Bp, float *C, int64_t offA, int64_t offB, int64_t offC,
                        int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc, int64_t transA,
                        int64_t transB, float beta) {
    (void)ldb, (void)transB;
    if (M <= 0 || N <= 0) return;
    tsjit_sgemm_packed_run(A + offA, Bp + offB, C + offC, M, N, K, lda, ldc, transA, beta, NULL);
}
"""

GEMM_EP = r"""
/* tsjit_sgemm, then C = clamp(C + bias, lo, hi) (bias + offBias per row when perRow, else per
   column): tile by tile in the micro-kernel's loop where that runs, else after the GEMM. */
void tsjit_sgemm_ep(const float *A, const float *B, float *C, const float *Bias, int64_t offA, int64_t offB,
                    int64_t offC, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                    int64_t transA, int64_t transB, int64_t offBias, int64_t perRow, float beta, float lo, float hi) {
    if (M <= 0 || N <= 0) return;
    tsjit_sgk_ep ep = {Bias + offBias, perRow, lo, hi};
    if (tsjit_sgk_direct(transA, transB, M, N, K, A + offA, lda, B + offB, ldb, beta, C + offC, ldc, &ep)) return;
    tsjit_sgemm(A, B, C, offA, offB, offC, M, N, K, lda, ldb, ldc, transA, transB, beta);
    tsjit_sgk_apply_ep(&ep, C + offC, ldc, M, N, 0, 0);
}
"""

PACKED_EP = r"""
/* tsjit_sgemm_packed, then the epilogue of tsjit_sgemm_ep, tile by tile */
void tsjit_sgemm_packed_ep(const float *A, const float *Bp, float *C, const float *Bias, int64_t offA, int64_t offB,
                           int64_t offC, int64_t M, int64_t N, int64_t K, int64_t lda, int64_t ldb, int64_t ldc,
                           int64_t transA, int64_t transB, int64_t offBias, int64_t perRow, float beta, float lo,
                           float hi) {
    (void)ldb, (void)transB;
    if (M <= 0 || N <= 0) return;
    tsjit_sgk_ep ep = {Bias + offBias, perRow, lo, hi};
    tsjit_sgemm_packed_run(A + offA, Bp + offB, C + offC, M, N, K, lda, ldc, transA, beta, &ep);
}
"""

SOURCES = {
    "tsjit_sgemm_kernel": (KERNEL.replace("@ASM@", gemm_asm.SOURCE).replace("@NR@", str(NR)).replace("@KC@", str(KC))
                           .replace("@MIN_ROWS@", str(DIRECT_MIN_ROWS))
                           .replace("@BLAS_SMALL@", str(BLAS_SMALL)), ("tsjit_gemm_common", "tsjit_clamp")),
    "tsjit_sgemm_packed": (PACKED, ("tsjit_sgemm_kernel",)),
    "tsjit_sgemm_ep": (GEMM_EP, ("tsjit_sgemm",)),
    "tsjit_sgemm_packed_ep": (PACKED_EP, ("tsjit_sgemm_packed",)),
}
