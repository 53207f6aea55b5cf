"""C run-time depthwise convolution: output channels o0..o0+no-1 of one image, computed directly
(no im2col, no GEMM: a channel's output is a KH*KW-tap stencil of one input channel, far too little
work per channel for a GEMM call).

    void tsjit_dwconv_f32(const float *X, const float *Wt, float *O, int64_t offX, int64_t offO,
                          int64_t M, int64_t H, int64_t W, int64_t PH, int64_t PW, int64_t KH, int64_t KW,
                          int64_t SH, int64_t SW, int64_t DH, int64_t DW, int64_t OH, int64_t OW,
                          int64_t o0, int64_t no);

X + offX is the image (C x H x W, unpadded: PH/PW zeros are implied on each side, or 0 when the
caller padded), Wt the weights (C*M x KH x KW), O + offO the image's output (C*M x OH x OW),
written (never read). Output channel o reads input channel o / M (M: the channel multiplier):

    O[o][oh][ow] = sum_{i,j} Wt[o][i][j] * X[o / M][oh*SH + i*DH - PH][ow*SW + j*DW - PW]

Columns whose taps all fall inside the row take a branch-free SIMD loop along the row; the few
border columns check each tap. Always inlined, like im2col: at a call site KH, KW, strides and
dilations are constants, so the tap loops unroll and the strided loads become shuffles.
"""
from __future__ import annotations

DWCONV = r"""
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void @NAME@(const @T@ *X, const @T@ *Wt, @T@ *restrict O, int64_t offX, int64_t offO, int64_t M,
                   int64_t H, int64_t W, int64_t PH, int64_t PW, int64_t KH, int64_t KW, int64_t SH, int64_t SW,
                   int64_t DH, int64_t DW, int64_t OH, int64_t OW, int64_t o0, int64_t no) {
    /* interior columns lo..hi-1: every tap inside 0..W-1 */
    int64_t lo = (PW + SW - 1) / SW, last = W - 1 + PW - (KW - 1) * DW;
    int64_t hi = last < 0 ? 0 : last / SW + 1;
    if (hi > OW) hi = OW;
    if (lo > OW) lo = OW;
    if (hi < lo) hi = lo;
    for (int64_t o = o0; o < o0 + no; ++o) {
        const @T@ *x = X + offX + (o / M) * H * W, *w = Wt + o * KH * KW;
        @T@ *out = O + offO + o * OH * OW;
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
    }
}
extern void @NAME@(const @T@ *X, const @T@ *Wt, @T@ *restrict O, int64_t offX, int64_t offO, int64_t M,
                   int64_t H, int64_t W, int64_t PH, int64_t PW, int64_t KH, int64_t KW, int64_t SH, int64_t SW,
                   int64_t DH, int64_t DW, int64_t OH, int64_t OW, int64_t o0, int64_t no);
"""

SOURCES = {
    name: (DWCONV.replace("@NAME@", name).replace("@T@", t), ())
    for name, t in (("tsjit_dwconv_f32", "float"), ("tsjit_dwconv_f64", "double"))
}
