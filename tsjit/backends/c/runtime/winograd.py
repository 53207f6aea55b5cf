"""C run-time Winograd F(2x2, 3x3) convolution: a block of output rows of a stride-1, undilated
3x3 convolution of one (pre-padded) image, with 2.25x fewer multiplications than im2col + GEMM.

    void tsjit_winograd_f32(const float *X, const float *U, float *O, const float *B, int64_t offX,
                            int64_t offO, int64_t C, int64_t H, int64_t W, int64_t F, int64_t OH, int64_t OW,
                            int64_t th0, int64_t nth, int64_t ep, float lo, float hi);

X + offX is the image (C x H x W, padding applied, H >= OH + 2, W >= OW + 2), U the transformed
weights [16][F][C] (`U[4a+b][f][c] = (G g_fc G^T)[a][b]`, computed once at compile time by
ts-contractions-to-calls: lowering/winograd.py), O + offO the output (F x OH x OW,
OH and OW even). Output rows 2*th0 .. 2*(th0+nth)-1 are written (never read): each 2x2 output
tile is A^T [U (x) B^T d B] A of its 4x4 input patch d (Lavin & Gray, 2015), or with `ep` = 1
clamp(that + B[f], lo, hi) (a folded batch norm's bias and ReLU, tsjit/lowering/bias_activation.py;
B is not read otherwise):

    B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]     A^T = [1 1 1 0; 0 1 -1 -1]

The input transform writes V[16][C][tiles], the 16 GEMMs `M[k] = U[k] (F x C) @ V[k]` go through
tsjit_sgemm (OpenBLAS or the C fallback), shared whole among threads, the output transform reads
M[16][F][tiles]; both transforms run along a row of tiles, so they vectorise, and share their
channels / filters among OpenMP threads (`ts_num_threads` of the prelude). Float32 only:
the transforms add a few ulp of rounding to each output, well inside float32 model tolerances.
"""
from __future__ import annotations

WINOGRAD = r"""
void tsjit_winograd_f32(const float *X, const float *U, float *O, const float *B, int64_t offX, int64_t offO,
                        int64_t C, int64_t H, int64_t W, int64_t F, int64_t OH, int64_t OW, int64_t th0, int64_t nth,
                        int64_t ep, float lo, float hi) {
    const int64_t TW = OW / 2, T = nth * TW, SV = C * T, SM = F * T;
    const float *x = X + offX + 2 * th0 * W;
    float *o = O + offO + 2 * th0 * OW;
    float *V = tsjit_scratch(2, sizeof(float) * 16 * (size_t)SV);
    float *M = tsjit_scratch(3, sizeof(float) * 16 * (size_t)SM);
    #pragma omp parallel for schedule(static) num_threads(ts_num_threads(C * T))
    for (int64_t c = 0; c < C; ++c)
        for (int64_t th = 0; th < nth; ++th) {
            const float *d0 = x + (c * H + 2 * th) * W, *d1 = d0 + W, *d2 = d1 + W, *d3 = d2 + W;
            float *v = V + c * T + th * TW;
            #pragma omp simd
            for (int64_t tw = 0; tw < TW; ++tw) {
                float s[4][4];
                for (int j = 0; j < 4; ++j) {  /* s = B^T d */
                    float e0 = d0[2 * tw + j], e1 = d1[2 * tw + j], e2 = d2[2 * tw + j], e3 = d3[2 * tw + j];
                    s[0][j] = e0 - e2; s[1][j] = e1 + e2; s[2][j] = e2 - e1; s[3][j] = e1 - e3;
                }
                for (int i = 0; i < 4; ++i) {  /* (B^T d) B */
                    v[(i * 4 + 0) * SV + tw] = s[i][0] - s[i][2];
                    v[(i * 4 + 1) * SV + tw] = s[i][1] + s[i][2];
                    v[(i * 4 + 2) * SV + tw] = s[i][2] - s[i][1];
                    v[(i * 4 + 3) * SV + tw] = s[i][1] - s[i][3];
                }
            }
        }
    /* the 16 GEMMs shared among threads whole (each then runs on one) */
    #pragma omp parallel for schedule(static) num_threads(tsjit_gemm_threads(16 * F, T, C))
    for (int64_t k = 0; k < 16; ++k)
        tsjit_sgemm(U, V, M, k * F * C, k * SV, k * SM, F, T, C, C, T, T, 0, 0, 0.0f);
    #pragma omp parallel for schedule(static) num_threads(ts_num_threads(F * T))
    for (int64_t f = 0; f < F; ++f)
        for (int64_t th = 0; th < nth; ++th) {
            const float *m = M + f * T + th * TW;
            float *o0 = o + (f * OH + 2 * th) * OW, *o1 = o0 + OW, b = ep ? B[f] : 0.0f;
            #pragma omp simd
            for (int64_t tw = 0; tw < TW; ++tw) {
                float r[2][4];
                for (int j = 0; j < 4; ++j) {  /* A^T m */
                    float m0 = m[j * SM + tw], m1 = m[(4 + j) * SM + tw], m2 = m[(8 + j) * SM + tw],
                          m3 = m[(12 + j) * SM + tw];
                    r[0][j] = m0 + m1 + m2; r[1][j] = m1 - m2 - m3;
                }
                o0[2 * tw] = r[0][0] + r[0][1] + r[0][2]; o0[2 * tw + 1] = r[0][1] - r[0][2] - r[0][3];
                o1[2 * tw] = r[1][0] + r[1][1] + r[1][2]; o1[2 * tw + 1] = r[1][1] - r[1][2] - r[1][3];
            }
            if (ep) {  /* the two rows, still in L1: a loop of its own keeps both vectorized */
                #pragma omp simd
                for (int64_t j = 0; j < 2 * OW; ++j) o0[j] = tsjit_clampf(o0[j] + b, lo, hi);
            }
        }
}
"""

SOURCES = {"tsjit_winograd_f32": (WINOGRAD, ("tsjit_sgemm", "tsjit_clamp"))}
