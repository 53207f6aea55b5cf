"""F functions script onto their ops: the channel and alpha dropouts (eval: the identity; train:
the same shape) and the margin losses, compared with eager and, when installed, torch."""
from __future__ import annotations

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn.functional as F


def dropouts(x: torch.Tensor, training: bool):
    return (F.dropout1d(x, 0.3, training), F.dropout3d(x.unsqueeze(-1).unsqueeze(-1), 0.3, training),
            F.alpha_dropout(x, 0.2, training), F.feature_alpha_dropout(x, 0.1, training))


def margins(a, p, n, t, labels):
    return (F.triplet_margin_loss(a, p, n), F.triplet_margin_loss(a, p, n, margin=0.5, p=1.0, swap=True,
                                                                   reduction="sum"),
            F.multi_margin_loss(a, t), F.multi_margin_loss(a, t, p=2, margin=0.5, reduction="none"),
            F.multilabel_margin_loss(a, labels, reduction="none"))


def test_dropouts_script():
    scripted = torch.jit.script(dropouts)
    x = torch.randn(2, 3, 4)
    for got, want in zip(scripted(x, False), dropouts(x, False)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert [tuple(v.shape) for v in scripted(x, True)] == [(2, 3, 4), (2, 3, 4, 1, 1), (2, 3, 4), (2, 3, 4)]


def test_margin_losses_script_and_match_torch():
    torch.manual_seed(0)
    a, p, n = torch.randn(4, 5), torch.randn(4, 5), torch.randn(4, 5)
    t = torch.tensor([0, 4, 2, 2])
    labels = torch.tensor([[3, 3, -1, 0, 1], [1, 0, 2, 3, -1], [0, -1, 0, 0, 0], [4, 2, -1, 0, 0]])
    got = torch.jit.script(margins)(a, p, n, t, labels)
    for g, w in zip(got, margins(a, p, n, t, labels)):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)
    real = pytest.importorskip("torch")
    import torch.nn.functional as TF

    ta, tp, tn, tt, tl = (real.from_numpy(v.numpy()) for v in (a, p, n, t, labels))
    want = (TF.triplet_margin_loss(ta, tp, tn), TF.triplet_margin_loss(ta, tp, tn, margin=0.5, p=1.0, swap=True,
                                                                           reduction="sum"),
                TF.multi_margin_loss(ta, tt), TF.multi_margin_loss(ta, tt, p=2, margin=0.5, reduction="none"),
                TF.multilabel_margin_loss(ta, tl, reduction="none"))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-5, atol=1e-6)
