"""C run-time depthwise convolution: output channels o0..o0+no-1 of one image, computed directly
(no im2col, no GEMM: a channel's output is a KH*KW-tap stencil of one input channel, far too little
work per channel for a GEMM call).

    void tsjit_dwconv_f32(const float *X, const float *Wt, float *O, const float *B, int64_t offX, int64_t offO,
                          int64_t M, int64_t H, int64_t W, int64_t PH, int64_t PW, int64_t KH, int64_t KW,
                          int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t OH, int64_t OW,
                          int64_t o0, int64_t no, int64_t ep, float ep_lo, float ep_hi);

X + offX is the image (C x H x W, unpadded: PH/PW zeros are implied on each side, or 0 when the
caller padded), Wt the weights (C*M x KH x KW), O + offO the image's output (C*M x OH x OW),
written (never read). Output channel o reads input channel o / M (M: the channel multiplier):

    O[o][oh][ow] = sum_{i,j} Wt[o][i][j] * X[o / M][oh*SH + i*DH - PH][ow*SW + j*DW - PW]

With `ep` = 1 each output is written as clamp(sum + B[o], ep_lo, ep_hi) instead (a folded batch norm's
bias and ReLU/ReLU6, tsjit/lowering/bias_activation.py: NaN propagates); with 0, B is not read.

Columns whose taps all fall inside the row take a branch-free SIMD loop along the row; the few
border columns check each tap. Always inlined, like im2col: at a call site KH, KW, strides and
dilations are constants, so the tap loops unroll and the strided loads become shuffles.
"""
from __future__ import annotations

DWCONV = r"""

#if defined(__GNUC__)
/* 3x3, stride 1, padding <= 1, planes at most SMALL_W wide and SMALL_H high: from a zero-padded copy
   of the input plane (on the stack), a column of LANES outputs at a time slides down the rows with
   three input rows and the nine weights in registers (3 loads per output vector instead of 9, no
   border branches, no per-row remainder: the last column's vector spills into the rows after it,
   written after it; only a store that would leave the plane is cut). Same taps in the same order
   as the loops below. */
typedef @T@ @NAME@_v __attribute__((vector_size(64), aligned(sizeof(@T@))));
typedef @I@ @NAME@_m __attribute__((vector_size(64)));
enum { @NAME@_LANES = 64 / sizeof(@T@), @NAME@_W = @SMALL_W@, @NAME@_H = @SMALL_H@ };
static inline @NAME@_v @NAME@_vclamp(@NAME@_v v, @NAME@_v lo, @NAME@_v hi) {  /* as tsjit_clampf */
    @NAME@_m low = v < lo;
    v = (@NAME@_v)((low & (@NAME@_m)lo) | (~low & (@NAME@_m)v));
    @NAME@_m high = v > hi;
    return (@NAME@_v)((high & (@NAME@_m)hi) | (~high & (@NAME@_m)v));
}
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void @NAME@_3x3(const @T@ *x, const @T@ *w, @T@ *out, int64_t H, int64_t W, int64_t PH, int64_t PW,
                              int64_t OH, int64_t OW, int64_t ep, @T@ b, @T@ lo, @T@ hi) {
    enum { V = @NAME@_LANES, L = @NAME@_W + 2 * V };
    @T@ P[(@NAME@_H + 2) * L] __attribute__((aligned(64)));
    int64_t R = OH + 2, NV = (OW + V - 1) / V;
    for (int64_t r = 0; r < R; ++r) {
        @T@ *d = P + r * L;
        int64_t ih = r - PH;
        for (int64_t c = 0; c < L; ++c) d[c] = 0;
        if (ih >= 0 && ih < H)
            for (int64_t c = 0; c < W; ++c) d[c + PW] = x[ih * W + c];
    }
    @NAME@_v w0 = (@NAME@_v){0} + w[0], w1 = (@NAME@_v){0} + w[1], w2 = (@NAME@_v){0} + w[2];
    @NAME@_v w3 = (@NAME@_v){0} + w[3], w4 = (@NAME@_v){0} + w[4], w5 = (@NAME@_v){0} + w[5];
    @NAME@_v w6 = (@NAME@_v){0} + w[6], w7 = (@NAME@_v){0} + w[7], w8 = (@NAME@_v){0} + w[8];
    @NAME@_v bv = (@NAME@_v){0} + b, lov = (@NAME@_v){0} + lo, hiv = (@NAME@_v){0} + hi;
    for (int64_t k = 0; k < NV; ++k) {
        int64_t q = (k + NV - 1) % NV;  /* the last (partial) column first: the others overwrite its spill */
        const @T@ *p = P + q * V;
#define TSJIT_DW_ROW(r, a, m, c) (a = *(const @NAME@_v *)(p + (r) * L), m = *(const @NAME@_v *)(p + (r) * L + 1), \
                                  c = *(const @NAME@_v *)(p + (r) * L + 2))
        @NAME@_v a0, b0, c0, a1, b1, c1, a2, b2, c2;
        TSJIT_DW_ROW(0, a0, b0, c0);
        TSJIT_DW_ROW(1, a1, b1, c1);
        for (int64_t oh = 0; oh < OH; ++oh) {
            TSJIT_DW_ROW(oh + 2, a2, b2, c2);
            @NAME@_v acc = w0 * a0;
            acc += w1 * b0; acc += w2 * c0; acc += w3 * a1; acc += w4 * b1; acc += w5 * c1;
            acc += w6 * a2; acc += w7 * b2; acc += w8 * c2;
            if (ep) acc = @NAME@_vclamp(acc + bv, lov, hiv);
            @T@ *o = out + oh * OW + q * V;
            if (oh * OW + (q + 1) * V <= OH * OW)  /* the whole vector inside the plane: spills into later rows */
                *(@NAME@_v *)o = acc;
            else
                for (int64_t j = 0; j < OW - q * V; ++j) o[j] = acc[j];
            a0 = a1; b0 = b1; c0 = c1; a1 = a2; b1 = b2; c1 = c2;
        }
#undef TSJIT_DW_ROW
    }
}
#endif
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void @NAME@(const @T@ *X, const @T@ *Wt, @T@ *restrict O, const @T@ *B, int64_t offX, int64_t offO,
                   int64_t M, int64_t H, int64_t W, int64_t PH, int64_t PW, int64_t KH, int64_t KW, int64_t SH,
                   int64_t SW, int64_t DH, int64_t DW, int64_t OH, int64_t OW, int64_t o0, int64_t no, int64_t ep,
                   @T@ ep_lo, @T@ ep_hi) {
#if defined(__GNUC__)
    if (KH == 3 && KW == 3 && SH == 1 && SW == 1 && DH == 1 && DW == 1 && PH <= 1 && PW <= 1 && W + 2 * PW <= @NAME@_W
        && OW == W + 2 * PW - 2 && OH == H + 2 * PH - 2 && OH <= @NAME@_H) {
        for (int64_t o = o0; o < o0 + no; ++o)
            @NAME@_3x3(X + offX + (o / M) * H * W, Wt + o * 9, O + offO + o * OH * OW, H, W, PH, PW, OH, OW, ep,
                       ep ? B[o] : 0, ep_lo, ep_hi);
        return;
    }
#endif
    /* interior columns lo..hi-1: every tap inside 0..W-1 */
    int64_t lo = (PW + SW - 1) / SW, last = W - 1 + PW - (KW - 1) * DW;
    int64_t hi = last < 0 ? 0 : last / SW + 1;
    if (hi > OW) hi = OW;
    if (lo > OW) lo = OW;
    if (hi < lo) hi = lo;
    for (int64_t o = o0; o < o0 + no; ++o) {
        const @T@ *x = X + offX + (o / M) * H * W, *w = Wt + o * KH * KW;
        @T@ *out = O + offO + o * OH * OW;
        @T@ b = ep ? B[o] : 0;
        for (int64_t oh = 0; oh < OH; ++oh) {
            int64_t ih0 = oh * SH - PH;
            @T@ *orow = out + oh * OW;
            const @T@ *xr = x + ih0 * W - PW;
            if (ih0 >= 0 && ih0 + (KH - 1) * DH < H) {
                #pragma omp simd
                for (int64_t ow = lo; ow < hi; ++ow) {
                    @T@ acc = 0;
                    for (int64_t i = 0; i < KH; ++i)
                        for (int64_t j = 0; j < KW; ++j)
                            acc += w[i * KW + j] * xr[i * DH * W + ow * SW + j * DW];
                    orow[ow] = acc;
                }
            } else {
                int64_t ilo = ih0 < 0 ? (-ih0 + DH - 1) / DH : 0, ihi = H - 1 - ih0 < 0 ? 0 : (H - 1 - ih0) / DH + 1;
                if (ihi > KH) ihi = KH;
                #pragma omp simd
                for (int64_t ow = lo; ow < hi; ++ow) {
                    @T@ acc = 0;
                    for (int64_t i = ilo; i < ihi; ++i)
                        for (int64_t j = 0; j < KW; ++j)
                            acc += w[i * KW + j] * xr[i * DH * W + ow * SW + j * DW];
                    orow[ow] = acc;
                }
            }
            for (int64_t ow = lo > 0 ? 0 : hi; ow < OW; ow = ow + 1 == lo ? hi : ow + 1) {  /* border columns */
                @T@ acc = 0;
                for (int64_t i = 0; i < KH; ++i) {
                    int64_t ih = ih0 + i * DH;
                    if (ih < 0 || ih >= H) continue;
                    for (int64_t j = 0; j < KW; ++j) {
                        int64_t iw = ow * SW + j * DW - PW;
                        if (iw >= 0 && iw < W) acc += w[i * KW + j] * x[ih * W + iw];
                    }
                }
                orow[ow] = acc;
            }
        }
        if (ep) {  /* the channel's plane, still in cache: one loop, whole vectors */
            #pragma omp simd
            for (int64_t p = 0; p < OH * OW; ++p) out[p] = @CLAMP@(out[p] + b, ep_lo, ep_hi);
        }
    }
}
extern void @NAME@(const @T@ *X, const @T@ *Wt, @T@ *restrict O, const @T@ *B, int64_t offX, int64_t offO,
                   int64_t M, int64_t H, int64_t W, int64_t PH, int64_t PW, int64_t KH, int64_t KW, int64_t SH,
                   int64_t SW, int64_t DH, int64_t DW, int64_t OH, int64_t OW, int64_t o0, int64_t no, int64_t ep,
                   @T@ ep_lo, @T@ ep_hi);
"""

SMALL_W, SMALL_H = 34, 64
"""planes up to this padded width and output height take the sliding 3x3 kernel (MobileNet's 28x28 and
smaller: measured faster there; at 56x56 and 112x112 the plane copy costs more than it saves)"""

SOURCES = {
    name: (DWCONV.replace("@NAME@", name).replace("@T@", t).replace("@I@", i).replace("@CLAMP@", clamp)
           .replace("@SMALL_W@", str(SMALL_W)).replace("@SMALL_H@", str(SMALL_H)), ("tsjit_clamp",))
    for name, t, i, clamp in (("tsjit_dwconv_f32", "float", "int32_t", "tsjit_clampf"),
                              ("tsjit_dwconv_f64", "double", "int64_t", "tsjit_clamp"))
}
