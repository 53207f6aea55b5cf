"""EmbeddingBag (torch.nn.modules.sparse): sums, means or maxima of bags of embedding rows.

tsjit has no embedding_bag op; the forward is written with ops that lower to C. A 2-D input (fixed-size
bags, DLRM's case) gathers its rows (ts.embedding) as (bags, length, dim) and reduces over length. A
1-D input with offsets builds a (bags, indices) membership mask from the offsets (index j is in bag b
when offsets[b] <= j < offsets[b + 1]); sum and mean are a matmul of that mask with the rows (times
per_sample_weights), max a masked amax. Entries equal to padding_idx leave their bag; empty bags give
zeros, as in PyTorch.
"""
from __future__ import annotations

from typing import Any, Optional

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import functional as F
from tsjit.nn import init
from tsjit.nn.modules.module import Module
from tsjit.nn.parameter import Parameter

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Module):
    __constants__ = ["num_embeddings", "embedding_dim", "max_norm", "norm_type", "scale_grad_by_freq", "mode",
                     "sparse", "include_last_offset", "padding_idx"]
    num_embeddings: int
    embedding_dim: int
    max_norm: Optional[float]
    norm_type: float
    scale_grad_by_freq: bool
    weight: Tensor
    mode: str
    sparse: bool
    include_last_offset: bool
    padding_idx: Optional[int]

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: Optional[float] = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Optional[Tensor] = None, include_last_offset: bool = False,
                 padding_idx: Optional[int] = None, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if max_norm is not None:
            raise NotImplementedError("tsjit: EmbeddingBag with max_norm (it renormalises weight rows in place)")
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"mode has to be one of sum, mean or max, got {mode}")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if padding_idx is not None:
            if padding_idx > 0:
                assert padding_idx < self.num_embeddings, "padding_idx must be within num_embeddings"
            elif padding_idx < 0:
                assert padding_idx >= -self.num_embeddings, "padding_idx must be within num_embeddings"
                padding_idx = self.num_embeddings + padding_idx
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(eager.empty((num_embeddings, embedding_dim), dtype=dtype))
            self.reset_parameters()
        else:
            assert list(_weight.shape) == [num_embeddings, embedding_dim], \
                "Shape of weight does not match num_embeddings and embedding_dim"
            self.weight = Parameter(_weight)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight[self.padding_idx].fill_(0)

    def _reduce(self, rows: Tensor, keep: Optional[Tensor], weights: Optional[Tensor], dim: int) -> Tensor:
        """Bags of `rows` along `dim` (the bag's entries) where `keep` (bool, rows' shape without the
        embedding dim) says which entries count, scaled by `weights` (mode sum)."""
        if self.mode == "max":
            if keep is None:
                return rows.amax(dim)
            picked = rows.masked_fill(keep.logical_not().unsqueeze(-1), float("-inf")).amax(dim)
            return picked.masked_fill(keep.sum(dim).eq(0).unsqueeze(-1), 0.0)
        if keep is not None:
            kept = keep.type_as(rows)
            weights = kept if weights is None else weights * kept
        if weights is not None:
            rows = rows * weights.unsqueeze(-1)
        summed = rows.sum(dim)
        if self.mode == "sum":
            return summed
        if keep is None:
            return summed / max(rows.size(dim), 1)
        return summed / keep.sum(dim).unsqueeze(-1).type_as(rows).clamp(min=1.0)

    def _fixed_bags(self, input: Tensor, per_sample_weights: Optional[Tensor]) -> Tensor:
        """(bags, length) indices: the rows gathered as (bags, length, dim) and reduced over length."""
        if input.size(1) == 0:  # empty bags: zeros
            return F.embedding(input, self.weight).sum(1)
        keep: Optional[Tensor] = None
        if self.padding_idx is not None:
            keep = input.ne(self.padding_idx)
        return self._reduce(F.embedding(input, self.weight), keep, per_sample_weights, 1)

    def _offset_bags(self, input: Tensor, offsets: Tensor, per_sample_weights: Optional[Tensor]) -> Tensor:
        """1-D indices cut into bags by 1-D offsets: entry j is in bag b when offsets[b] <= j <
        offsets[b + 1] (the last bag runs to the end, unless include_last_offset makes the last
        offset its end), a (bags, entries) membership mask."""
        bags = offsets.size(0) - 1 if self.include_last_offset else offsets.size(0)
        n = input.size(0)
        positions = eager.arange(n)
        bag_of = positions.unsqueeze(0).ge(offsets.unsqueeze(1)).sum(0) - 1
        member = bag_of.unsqueeze(0).eq(eager.arange(bags).unsqueeze(1))
        if self.padding_idx is not None:
            member = member.logical_and(input.ne(self.padding_idx).unsqueeze(0))
        rows = F.embedding(input, self.weight)
        if self.mode == "max":
            return self._reduce(rows.unsqueeze(0).expand(member.size(0), n, self.embedding_dim), member, None, 1)
        weights = member.type_as(rows)
        if per_sample_weights is not None:
            weights = weights * per_sample_weights.unsqueeze(0)
        summed = eager.matmul(weights, rows)
        if self.mode == "sum":
            return summed
        return summed / member.sum(1, keepdim=True).type_as(rows).clamp(min=1.0)

    def forward(self, input: Tensor, offsets: Optional[Tensor] = None,
                per_sample_weights: Optional[Tensor] = None) -> Tensor:
        if per_sample_weights is not None and self.mode != "sum":
            raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{self.mode}'). Please open a feature "
                                      "request on GitHub.")
        if input.dim() == 2:
            if offsets is not None:
                raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a "
                                 "mini-batch of fixed length sequences.")
            return self._fixed_bags(input, per_sample_weights)
        if input.dim() != 1:
            raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        return self._offset_bags(input, offsets, per_sample_weights)

    def extra_repr(self) -> str:
        s = "{num_embeddings}, {embedding_dim}"
        if self.max_norm is not None:
            s += ", max_norm={max_norm}"
        if self.norm_type != 2:
            s += ", norm_type={norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq={scale_grad_by_freq}"
        s += ", mode={mode}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        return s.format(**{k: repr(v) for k, v in self.__dict__.items()})

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, max_norm: Optional[float] = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: Optional[int] = None) -> "EmbeddingBag":
        assert embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional"
        rows, cols = embeddings.shape
        bag = cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings, max_norm=max_norm,
                  norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq, mode=mode, sparse=sparse,
                  include_last_offset=include_last_offset, padding_idx=padding_idx)
        bag.weight.requires_grad = not freeze
        return bag
