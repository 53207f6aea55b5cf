"""The clamp run-time calls apply as an epilogue (tsjit/lowering/bias_activation.py): arith.maximumf
with lo, then minimumf with hi, for bounds that are not NaN, written as one compare and select each
(`v < lo ? lo : v`), the form gcc vectorizes under -fno-trapping-math. NaN propagates; on a tie
(+0 against -0) v is kept, as torch.relu(-0.0) gives -0.0.
"""
from __future__ import annotations

CLAMP = r"""
static inline float tsjit_clampf(float v, float lo, float hi) {
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}
static inline double tsjit_clamp(double v, double lo, double hi) {
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}
"""

SOURCES = {"tsjit_clamp": (CLAMP, ())}
