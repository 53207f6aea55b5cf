"""Attention and multilinear ops: scaled_dot_product_attention, bilinear, addbmm.

All are decompositions onto matmul/bmm, softmax and elementwise ops (as PyTorch's math
implementations), so they lower wherever those do. A causal mask is a constant of the static
query and key lengths.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import not_implemented, torch_name
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import BY_KERNEL

_I64, _F64 = 4, 7


# -- scaled_dot_product_attention ----------------------------------------------------------------------

def _sdpa(g, q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """softmax(q @ k^T * scale + mask) @ v: a bool mask keeps where True (-inf elsewhere), a float mask
    adds; is_causal keeps the lower triangle; rows with nothing kept give 0 (torch's _safe_softmax)."""
    dtype = g.dtype(q)
    if not is_float(dtype):
        raise not_implemented("scaled_dot_product_attention", dtype)
    for name, t in (("key", k), ("value", v)):
        if g.dtype(t) != dtype:
            raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                               f"{torch_name(dtype)} {name}.dtype: {torch_name(g.dtype(t))} instead.")
    qs, ks, vs = g.shape(q), g.shape(k), g.shape(v)
    if min(len(qs), len(ks), len(vs)) < 2:
        raise RuntimeError("scaled_dot_product_attention: query, key and value must be at least 2-D")
    if g.value(enable_gqa) and len(qs) >= 3 and qs[-3] != ks[-3]:
        heads, kv_heads = qs[-3], ks[-3]
        if kv_heads == 0 or heads % kv_heads:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in query")
        k, v = (_repeat_heads(g, t, heads // kv_heads) for t in (k, v))
    if g.value(is_causal) and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    factor = g.value(scale)
    factor = 1.0 / math.sqrt(qs[-1]) if factor is None else factor
    scores = g.mul(g.matmul(q, g.transpose(k, -2, -1)), factor)
    keep = None
    if g.value(is_causal):
        keep = np.tril(np.ones((qs[-2], ks[-2]), dtype=bool))
    elif attn_mask is not None:
        if g.dtype(attn_mask) == np.bool_:
            keep = attn_mask
        else:
            scores = g.add(scores, attn_mask)
    if keep is not None:
        scores = g.masked_fill(scores, g.logical_not(keep), -math.inf)
    weights = g._safe_softmax(scores, -1, None)
    p = g.value(dropout_p)
    if p > 0:
        weights = g.dropout(weights, p, True)
    return g.matmul(weights, v)


def _repeat_heads(g, t, times):
    """Each head (dim -3) repeated `times` times in a row: repeat_interleave as unsqueeze/expand/reshape."""
    shape = list(g.shape(t))
    wide = g.expand(g.unsqueeze(t, -3), shape[:-2] + [times] + shape[-2:], False)
    return g.reshape(wide, shape[:-3] + [shape[-3] * times] + shape[-2:])


def _sdpa_samples():
    q, k, v = s.f32(2, 3, 4, 8), s.f32(2, 3, 5, 8), s.f32(2, 3, 5, 6)
    rows = s.mask(4, 5)
    rows[1] = False  # a query that sees no key
    return [sample(q, k, v, None, 0.0, False, None, False),
            sample(q, k, v, s.mask(4, 5), 0.0, False, None, False),
            sample(q, k, v, s.f32(2, 1, 4, 5), 0.0, False, 0.5, False),
            sample(q, s.f32(2, 3, 4, 8), s.f32(2, 3, 4, 6), None, 0.0, True, None, False),
            sample(q, k, v, rows, 0.0, False, None, False),
            sample(s.f64(3, 4), s.f64(5, 4), s.f64(5, 2), None, 0.0, False, None, False),
            sample(s.f32(1, 4, 3, 8), s.f32(1, 2, 5, 8), s.f32(1, 2, 5, 8), None, 0.0, False, None, True),
            sample(s.f32(0, 3, 8), s.f32(0, 5, 8), s.f32(0, 5, 2), None, 0.0, False, None, False),
            sample(q, k, v, s.mask(4, 5), 0.0, True, None, False),
            sample(s.i64(2, 3, 4), s.i64(2, 3, 4), s.i64(2, 3, 4), None, 0.0, False, None, False),
            sample(q, k.astype(np.float64), v, None, 0.0, False, None, False),
            sample(q, s.f32(2, 3, 5, 7), v, None, 0.0, False, None, False)]


defop("scaled_dot_product_attention", "(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, "
      "float dropout_p=0.0, bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor",
      decompose=_sdpa, shape=BY_KERNEL, dtype=BY_KERNEL, api="F", samples=_sdpa_samples)


# -- bilinear and addbmm --------------------------------------------------------------------------

def _bilinear(g, x1, x2, weight, bias):
    """y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o]: (x1 @ W.view(I, O*J)) as [..., O, J]
    times x2, summed over J."""
    s1, s2, ws = g.shape(x1), g.shape(x2), g.shape(weight)
    if len(ws) != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {len(ws)} dimensions")
    if len(s1) != len(s2) or s1[:-1] != s2[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(s1[:-1])} and "
                           f"{list(s2[:-1])}")
    out, i, j = ws
    if not s1 or s1[-1] != i:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {s1[-1] if s1 else 0} "
                           f"but expected {i}")
    if s2[-1] != j:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {s2[-1]} but expected {j}")
    if bias is not None and tuple(g.shape(bias)) != (out,):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {list(g.shape(bias))} but "
                           f"expected {[out]}")
    flat = g.reshape(g.permute(weight, [1, 0, 2]), [i, out * j])
    left = g.reshape(g.matmul(x1, flat), list(s1[:-1]) + [out, j])
    y = g.sum(g.mul(left, g.unsqueeze(x2, -2)), [-1], False, None)
    return y if bias is None else g.add(y, bias)


defop("bilinear", "(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None) -> Tensor",
      decompose=_bilinear, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch F",
      samples=lambda: [sample(s.f32(4, 3), s.f32(4, 5), s.f32(2, 3, 5), s.f32(2)),
                       sample(s.f32(2, 4, 3), s.f32(2, 4, 5), s.f32(6, 3, 5), None),
                       sample(s.f64(3), s.f64(2), s.f64(4, 3, 2), s.f64(4)),
                       sample(s.f32(0, 3), s.f32(0, 2), s.f32(4, 3, 2), None),
                       sample(s.f32(4, 3), s.f32(5, 5), s.f32(2, 3, 5), None),
                       sample(s.f32(4, 3), s.f32(4, 4), s.f32(2, 3, 5), None),
                       sample(s.f32(4, 3), s.f32(4, 5), s.f32(2, 3, 5), s.f32(3))], aten="bilinear")


def _addbmm(g, c, b1, b2, beta, alpha):
    """beta * self + alpha * sum_b (batch1[b] @ batch2[b]); beta 0 ignores self's values (NaN too)."""
    total = g.sum(g.bmm(b1, b2), [0], False, None)
    scaled = total if alpha == 1 else g.mul(total, alpha)
    wide = g.expand(c, list(g.shape(scaled)), False)  # self broadcasts to the product, as torch checks
    if beta == 0:
        return scaled
    return g.add(wide if beta == 1 else g.mul(wide, beta), scaled)


defop("addbmm", "(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
      decompose=_addbmm, shape=BY_KERNEL, dtype=BY_KERNEL, api="torch Tensor",
      samples=lambda: [sample(s.f32(3, 4), s.f32(2, 3, 5), s.f32(2, 5, 4), 0.5, 2.0),
                       sample(s.f32(4), s.f32(2, 3, 5), s.f32(2, 5, 4), 1, 1),
                       sample(s.i64(3, 2), s.i64(2, 3, 2), s.i64(2, 2, 2), 2, 3),
                       sample(s.f64(2, 2), s.f64(0, 2, 3), s.f64(0, 3, 2), 1, 1),
                       sample(s.f32(3, 4), s.f32(2, 3, 5), s.f32(3, 5, 4), 1, 1),
                       sample(s.f32(3, 4), s.f32(2, 3, 5), s.f32(2, 5, 4).astype(np.float64), 1, 1)])
