"""C run-time im2col: a block of output rows of a (pre-padded) NCHW convolution input as a GEMM operand.

    void tsjit_im2col_f32(const float *X, float *col, int64_t offX, int64_t C, int64_t H, int64_t W,
                          int64_t KH, int64_t KW, int64_t SH, int64_t SW, int64_t DH, int64_t DW,
                          int64_t oh0, int64_t rows, int64_t OW);

For the image at X + offX (C x H x W, padding already applied), output rows oh0..oh0+rows-1:
col[(c*KH + i)*KW + j][r*OW + ow] = X[c][(oh0+r)*SH + i*DH][ow*SW + j*DW], a (C*KH*KW) x (rows*OW)
row-major matrix, so `weight (F x C*KH*KW) @ col` is that block of the output (F x rows*OW).

    void tsjit_conv_gemm_f32(const float *X, const float *Wt, float *O, int64_t offX, int64_t offW,
                             int64_t offO, int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW,
                             int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t oh0, int64_t rows,
                             int64_t OW, int64_t F, int64_t ldo, float beta);

does both for one block: im2col into the calling thread's scratch buffer, then
`O + offO (F x rows*OW, row stride ldo) = Wt + offW (F x C*KH*KW) @ col + beta * O`. The scratch
being per thread is what lets ts-contractions-to-calls run a convolution's blocks in parallel.
`tsjit_conv_gemm_ep_f32` takes a bias memref after O and, after ldo, the bias offset, then beta, lo
and hi: its GEMM is tsjit_sgemm_ep's, the filters' bias + clamp applied to each tile.
"""
from __future__ import annotations

IM2COL = r"""
/* always inlined: at each call the shape is constant, so gcc turns the row copies (a 5x5 window
   over 24 columns copies 96 bytes at a time) into a few fixed-width vector moves instead of a
   generic loop (LeNet b32: 0.82 -> 0.51 ms); the extern declaration after it keeps an exported
   definition. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void @NAME@(const @T@ *X, @T@ *col, int64_t offX, int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW,
                   int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t oh0, int64_t rows, int64_t OW) {
    const @T@ *x = X + offX;
    int64_t ncol = rows * OW;
    for (int64_t c = 0; c < C; ++c)
        for (int64_t i = 0; i < KH; ++i)
            for (int64_t j = 0; j < KW; ++j) {
                @T@ *dst = col + ((c * KH + i) * KW + j) * ncol;
                for (int64_t r = 0; r < rows; ++r) {
                    const @T@ *src = x + (c * H + (oh0 + r) * SH + i * DH) * W + j * DW;
                    @T@ *d = dst + r * OW;
                    if (SW == 1) {
                        #pragma omp simd
                        for (int64_t ow = 0; ow < OW; ++ow) d[ow] = src[ow];
                    } else {
                        for (int64_t ow = 0; ow < OW; ++ow) d[ow] = src[ow * SW];
                    }
                }
            }
}
extern void @NAME@(const @T@ *X, @T@ *col, int64_t offX, int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW,
                   int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t oh0, int64_t rows, int64_t OW);
"""

CONV_GEMM = r"""
/* always inlined too, so the im2col in it sees each call's constant shape */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void @NAME@(const @T@ *X, const @T@ *Wt, @T@ *O, int64_t offX, int64_t offW, int64_t offO, int64_t C,
                   int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t SH, int64_t SW, int64_t DH, int64_t DW,
                   int64_t oh0, int64_t rows, int64_t OW, int64_t F, int64_t ldo, @T@ beta) {
    int64_t k = C * KH * KW, ncol = rows * OW;
    @T@ *col = tsjit_scratch(4, sizeof(@T@) * (size_t)(k * ncol > 0 ? k * ncol : 1));
    @IM2COL@(X, col, offX, C, H, W, KH, KW, SH, SW, DH, DW, oh0, rows, OW);
    @GEMM@(Wt, col, O, offW, 0, offO, F, ncol, k, k, ncol, ldo, 0, 0, beta);
}
extern void @NAME@(const @T@ *X, const @T@ *Wt, @T@ *O, int64_t offX, int64_t offW, int64_t offO, int64_t C,
                   int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t SH, int64_t SW, int64_t DH, int64_t DW,
                   int64_t oh0, int64_t rows, int64_t OW, int64_t F, int64_t ldo, @T@ beta);
"""

CONV_GEMM_EP = r"""
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void tsjit_conv_gemm_ep_f32(const float *X, const float *Wt, float *O, const float *Bias, int64_t offX,
                                   int64_t offW, int64_t offO, int64_t C, int64_t H, int64_t W, int64_t KH,
                                   int64_t KW, int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t oh0,
                                   int64_t rows, int64_t OW, int64_t F, int64_t ldo, int64_t offBias, float beta,
                                   float lo, float hi) {
    int64_t k = C * KH * KW, ncol = rows * OW;
    float *col = tsjit_scratch(4, sizeof(float) * (size_t)(k * ncol > 0 ? k * ncol : 1));
    tsjit_im2col_f32(X, col, offX, C, H, W, KH, KW, SH, SW, DH, DW, oh0, rows, OW);
    tsjit_sgemm_ep(Wt, col, O, Bias, offW, 0, offO, F, ncol, k, k, ncol, ldo, 0, 0, offBias, 1, beta, lo, hi);
}
extern void tsjit_conv_gemm_ep_f32(const float *X, const float *Wt, float *O, const float *Bias, int64_t offX,
                                   int64_t offW, int64_t offO, int64_t C, int64_t H, int64_t W, int64_t KH,
                                   int64_t KW, int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t oh0,
                                   int64_t rows, int64_t OW, int64_t F, int64_t ldo, int64_t offBias, float beta,
                                   float lo, float hi);
"""

SOURCES = {
    **{name: (IM2COL.replace("@NAME@", name).replace("@T@", t), ())
       for name, t in (("tsjit_im2col_f32", "float"), ("tsjit_im2col_f64", "double"))},
    **{f"tsjit_conv_gemm_{s}": (CONV_GEMM.replace("@NAME@", f"tsjit_conv_gemm_{s}").replace("@T@", t)
                                .replace("@IM2COL@", f"tsjit_im2col_{s}").replace("@GEMM@", gemm),
                                (f"tsjit_im2col_{s}", gemm))
       for s, t, gemm in (("f32", "float", "tsjit_sgemm"), ("f64", "double", "tsjit_dgemm"))},
    "tsjit_conv_gemm_ep_f32": (CONV_GEMM_EP, ("tsjit_im2col_f32", "tsjit_sgemm_ep")),
}
