"""Masked attention in C: _safe_softmax picks all -inf rows by the max it shifts by (no count of
-inf entries), and bool masks are read as bytes (so their loops vectorise); results stay eager's
for causal, bool-masked rows with nothing kept, NaN and +-inf rows, sizes that are not powers of
two and batch > 1."""
import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.backends.c import find_compiler
from c_helpers import cache_home  # noqa: F401  (an autouse fixture)

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


class Attention(nn.Module):
    def __init__(self, mask=None, causal=False):
        super().__init__()
        self.mask, self.causal = mask, causal

    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask, is_causal=self.causal)


class SafeSoftmax(nn.Module):
    def forward(self, x):
        return torch._safe_softmax(x, -1)


class MaskedFill(nn.Module):
    def __init__(self, mask):
        super().__init__()
        self.mask = mask

    def forward(self, x):
        return x.masked_fill(self.mask, -1.5) * 2.0


def _compiled(model, *xs):
    return torch.compile(model, backend="c", example_inputs=xs, fallback=False)


def _bool_mask(shape, seed=2):
    m = np.random.default_rng(seed).random(shape) < 0.6
    m[..., 1, :] = False  # a query that sees no key: its row is 0
    return torch.from_numpy(m)


@pytest.mark.parametrize("mask, causal", [(None, True), ("bool", False), ("float", False), (None, False)])
def test_attention_matches_eager(mask, causal):
    torch.manual_seed(0)
    q, k, v = torch.randn(2, 3, 7, 12), torch.randn(2, 3, 7, 12), torch.randn(2, 3, 7, 5)
    m = {"bool": _bool_mask((7, 7)), "float": torch.randn(7, 7), None: None}[mask]
    model = Attention(m, causal).eval()
    got = _compiled(model, q, k, v)(q, k, v).numpy()
    np.testing.assert_allclose(got, model(q, k, v).numpy(), rtol=1e-4, atol=1e-5)
    if mask == "bool":
        assert not got[:, :, 1].any()


def test_safe_softmax_special_rows_match_eager():
    x = np.array([[-np.inf] * 4, [1, 2, 3, 4], [-np.inf, 0, -np.inf, 1], [np.nan, 1, 2, 3],
                  [np.nan] * 4, [-np.inf, np.inf, 0, 1], [np.inf, np.inf, 1, 2]], np.float32)
    x = torch.from_numpy(np.stack([x, x[::-1].copy()]))
    model = SafeSoftmax()
    np.testing.assert_allclose(_compiled(model, x)(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-7,
                               equal_nan=True)


def test_bool_masks_are_read_as_bytes():
    mask = _bool_mask((3, 5, 6))
    x = torch.randn(3, 5, 6)
    model = MaskedFill(mask)
    compiled = _compiled(model, x)
    np.testing.assert_allclose(compiled(x).numpy(), model(x).numpy(), rtol=1e-6)
    assert "((const uint8_t *)" in compiled.executable.source
