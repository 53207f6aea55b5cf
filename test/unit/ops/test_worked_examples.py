"""The two worked examples of docs/adding-an-op.md: `logit` (an elementwise op: one definition in
tsjit/ops/math.py) and `rms_norm` (a decomposition: tsjit/ops/normalization.py). Each appears in the
eager library, in `script`, through the importer and in C from its definition alone. (The op-info
test checks both on their samples against PyTorch; this shows the surfaces end to end.)"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn.functional as F

HAS_TORCH = importlib.util.find_spec("torch") is not None


def logit_and_norm(x, w):
    return torch.logit(x, 0.01) + F.rms_norm(x, [4], w) + x.logit()


def expected(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    clamped = np.clip(x, 0.01, 0.99)
    rms = x / np.sqrt((x * x).mean(-1, keepdims=True) + np.finfo(np.float32).eps) * w
    return np.log(clamped / (1 - clamped)) + rms + np.log(x / (1 - x))


def inputs():
    rng = np.random.default_rng(0)
    return rng.uniform(0.05, 0.95, (3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)


def test_eager():
    x, w = inputs()
    got = logit_and_norm(torch.from_numpy(x), torch.from_numpy(w))
    np.testing.assert_allclose(got.numpy(), expected(x, w), rtol=1e-5, atol=1e-6)


def test_script_and_c():
    x, w = inputs()
    scripted = torch.jit.script(logit_and_norm)
    assert "torch.logit(x, 0.01" in scripted.code and "torch.rms_norm(" in scripted.code
    np.testing.assert_allclose(scripted(torch.from_numpy(x), torch.from_numpy(w)).numpy(), expected(x, w),
                               rtol=1e-5, atol=1e-6)
    compiled = torch.compile(scripted, backend="c", example_inputs=[torch.from_numpy(x), torch.from_numpy(w)])
    assert compiled.backend == "c"  # logit lowers itself; rms_norm lowers through its decomposition
    np.testing.assert_allclose(compiled(x, w), expected(x, w), rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
def test_imported_from_pytorch():
    import torch as real

    from tsjit.frontend import from_torch

    class Model(real.nn.Module):
        def forward(self, x, w):
            return real.logit(x, 0.01) + real.rms_norm(x, [4], w, None) + x.logit()

    x, w = inputs()
    imported = from_torch(Model(), (real.from_numpy(x), real.from_numpy(w)))
    assert "ts.logit" in imported.graph and "ts.rms_norm" in imported.graph
    want = Model()(real.from_numpy(x), real.from_numpy(w)).numpy()
    np.testing.assert_allclose(imported(torch.from_numpy(x), torch.from_numpy(w)).numpy(), want, rtol=1e-5, atol=1e-6)


def test_the_walkthrough_shows_the_code_as_it_is():
    """The definitions docs/adding-an-op.md shows are excerpts of the family files, line for line."""
    root = Path(__file__).resolve().parents[3]
    text = (root / "docs" / "adding-an-op.md").read_text()
    sources = (root / "tsjit" / "ops" / "math.py").read_text() + (root / "tsjit" / "ops" / "normalization.py").read_text()
    blocks = re.findall(r"^```python from [^\n]*\n(.*?)^```", text, re.M | re.S)
    assert len(blocks) == 3
    for block in blocks:
        assert block in sources, f"docs/adding-an-op.md shows code that is not in the source:\n{block}"
