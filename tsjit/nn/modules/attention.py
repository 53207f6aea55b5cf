"""MultiheadAttention (torch.nn.modules.activation) and the out-projection Linear subclass it names.

The forward follows torch.nn.functional.multi_head_attention_forward on its explicit path (in-projection,
heads split as (batch * heads, length, head_dim), scaled scores plus the float form of the masks,
softmax, dropout, out-projection). PyTorch takes scaled_dot_product_attention when the weights are not
needed; the numbers are the same, so one path serves both here.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Tuple

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn import init
from tsjit.nn.modules.linear import Linear
from tsjit.nn.modules.module import Module
from tsjit.nn.parameter import Parameter

__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under another name (PyTorch's out_proj, which its quantisation tools skip)."""


def _float_mask(mask: Tensor, dtype: int) -> Tensor:
    """A boolean mask (True: not attended) as an additive float mask (-inf there, 0 elsewhere)."""
    if mask.dtype == eager.bool:
        return mask.to(dtype).masked_fill(mask, float("-inf"))
    return mask.to(dtype)


class MultiheadAttention(Module):
    __constants__ = ["batch_first", "embed_dim", "kdim", "vdim", "num_heads", "head_dim", "dropout",
                     "_qkv_same_embed_dim"]
    __annotations__ = {"bias_k": Optional[Tensor], "bias_v": Optional[Tensor],
                       "in_proj_weight": Optional[Tensor], "in_proj_bias": Optional[Tensor],
                       "q_proj_weight": Optional[Tensor], "k_proj_weight": Optional[Tensor],
                       "v_proj_weight": Optional[Tensor]}
    embed_dim: int
    kdim: int
    vdim: int
    num_heads: int
    head_dim: int
    dropout: float
    batch_first: bool
    _qkv_same_embed_dim: bool

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: Optional[int] = None,
                 vdim: Optional[int] = None, batch_first: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                             f"and num_heads={num_heads} instead")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("tsjit: MultiheadAttention with add_bias_kv or add_zero_attn")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(eager.empty((embed_dim, embed_dim), dtype=dtype))
            self.k_proj_weight = Parameter(eager.empty((embed_dim, self.kdim), dtype=dtype))
            self.v_proj_weight = Parameter(eager.empty((embed_dim, self.vdim), dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(eager.empty((3 * embed_dim, embed_dim), dtype=dtype))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(eager.empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        self.bias_k = None
        self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def _in_projection(self, query: Tensor, key: Tensor, value: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        e = self.embed_dim
        b = self.in_proj_bias
        b_q: Optional[Tensor] = None
        b_k: Optional[Tensor] = None
        b_v: Optional[Tensor] = None
        if b is not None:
            b_q = b[0:e]
            b_k = b[e:2 * e]
            b_v = b[2 * e:]
        w = self.in_proj_weight
        if w is not None:
            return (F.linear(query, w[0:e], b_q), F.linear(key, w[e:2 * e], b_k),
                    F.linear(value, w[2 * e:], b_v))
        w_q = self.q_proj_weight
        w_k = self.k_proj_weight
        w_v = self.v_proj_weight
        assert w_q is not None and w_k is not None and w_v is not None
        return F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor] = None,
                need_weights: bool = True, attn_mask: Optional[Tensor] = None,
                average_attn_weights: bool = True, is_causal: bool = False) -> Tuple[Tensor, Optional[Tensor]]:
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint")
        is_batched = query.dim() == 3
        if not is_batched:  # unbatched (L, E): a batch of one
            query = query.unsqueeze(1)
            key = key.unsqueeze(1)
            value = value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query = query.transpose(1, 0)
            key = key.transpose(1, 0)
            value = value.transpose(1, 0)
        tgt_len, bsz, embed_dim = query.shape
        src_len = key.size(0)
        heads = self.num_heads
        q, k, v = self._in_projection(query, key, value)
        q = q.reshape(tgt_len, bsz * heads, self.head_dim).transpose(0, 1)
        k = k.reshape(src_len, bsz * heads, self.head_dim).transpose(0, 1)
        v = v.reshape(src_len, bsz * heads, self.head_dim).transpose(0, 1)
        scores = eager.bmm(q * math.sqrt(1.0 / float(self.head_dim)), k.transpose(-2, -1))
        if attn_mask is not None:
            mask = _float_mask(attn_mask, scores.dtype)
            if mask.dim() == 2:
                mask = mask.unsqueeze(0)
            scores = scores + mask
        if key_padding_mask is not None:
            kpm = _float_mask(key_padding_mask, scores.dtype).reshape(bsz, 1, 1, src_len)
            scores = (scores.reshape(bsz, heads, tgt_len, src_len) + kpm).reshape(bsz * heads, tgt_len, src_len)
        weights = F.softmax(scores, dim=-1)
        if self.training and self.dropout > 0.0:
            weights = F.dropout(weights, p=self.dropout)
        out = eager.bmm(weights, v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = F.linear(out, self.out_proj.weight, self.out_proj.bias).reshape(tgt_len, bsz, embed_dim)
        if not is_batched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(1, 0)
        attn_weights: Optional[Tensor] = None
        if need_weights:
            w4 = weights.reshape(bsz, heads, tgt_len, src_len)
            if average_attn_weights:
                w4 = w4.mean(dim=1)
            if not is_batched:
                w4 = w4.squeeze(0)
            attn_weights = w4
        return out, attn_weights
