"""Batched matmuls read head-split / unbound / transposed operands in place (strided_operands):
the copies go, results stay eager's on the numpy backend (which runs the GEMM calls) and in C,
for causal, masked and plain attention, batch > 1 and sizes that are not powers of two; a source
written between the copy and the matmul keeps its copy."""
import numpy as np
import pytest
from xdsl.dialects import func, memref
from xdsl.dialects.linalg import ops as linalg

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.lowering.library_calls import root
from tsjit.passes import apply_pass
from tsjit.passes.remove_mutation import remove_mutation

from test_lowering_end_to_end import run

STAGES = ["ts-decompose", "ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize", "ts-contractions-to-calls"]


class HeadSplit(nn.Module):
    """The hand-written block's attention: view, transpose, q @ k^T, softmax, @ v, merge heads."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q = self.q(x).view(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = self.k(x).view(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = self.v(x).view(b, t, self.heads, d // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        return (att @ v).transpose(1, 2).contiguous().view(b, t, d)


class FusedQkv(nn.Module):
    """One qkv linear, permute + unbind, scaled_dot_product_attention (causal, or a mask)."""

    def __init__(self, d, heads, mask=None, causal=False):
        super().__init__()
        self.heads, self.mask, self.causal = heads, mask, causal
        self.qkv = nn.Linear(d, 3 * d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask, is_causal=self.causal)
        return y.transpose(1, 2).reshape(b, t, d)


class WrittenAfterCopy(nn.Module):
    """A transposed copy of `a`, then `a`'s buffer reused in place (a is dead), then a matmul of the copy."""

    def forward(self, x):
        a = x * 1.0
        b = a.transpose(-2, -1).contiguous()
        c = a * 2.0
        return torch.matmul(b, c)


def _bool_mask(t):
    rng = np.random.default_rng(3)
    m = rng.random((t, t)) < 0.7
    m[:, 0] = True
    return torch.from_numpy(m)


CASES = {
    "head_split": (lambda: HeadSplit(12, 3), (2, 5, 12)),
    "causal": (lambda: FusedQkv(12, 3, causal=True), (2, 7, 12)),
    "bool_mask": (lambda: FusedQkv(8, 2, mask=_bool_mask(6)), (3, 6, 8)),
    "float_mask": (lambda: FusedQkv(8, 2, mask=torch.rand(6, 6)), (1, 6, 8)),
    "written_after_copy": (lambda: WrittenAfterCopy(), (2, 3, 3)),
}


def _model(name):
    make, shape = CASES[name]
    torch.manual_seed(0)
    return make().eval(), torch.rand(*shape)


def _lowered(name):
    model, x = _model(name)
    module = torch.jit.specialize(torch.jit.freeze(torch.jit.script(model)), (x,))
    expected = model(x).numpy()
    remove_mutation(module)  # as tsjit.compile does before lowering
    for stage in STAGES:
        apply_pass(stage, module)
    module.verify()
    return module, x, expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_results_stay_eagers_on_numpy_and_in_c(name):
    module, x, expected = _lowered(name)
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)
    model, x = _model(name)
    compiled = torch.compile(model, backend="c", example_inputs=(x,), fallback=False)
    np.testing.assert_allclose(np.asarray(compiled(x).numpy()), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["head_split", "causal"])
def test_attention_operands_are_read_in_place(name):
    """Only the head merge after the last matmul is still a copy; q, k, v are read from the linears'
    outputs (k transposed through the GEMM's flag)."""
    module, _, _ = _lowered(name)
    copies = [op for op in module.walk() if isinstance(op, linalg.TransposeOp)
              or isinstance(op, memref.CopyOp) and isinstance(root(op.destination).owner, memref.AllocOp)]
    assert len(copies) == 1, [op.name for op in copies]
    gemms = [op for op in module.walk() if isinstance(op, func.CallOp) and op.callee.string_value() == "tsjit_sgemm"]
    trans_b = [op.operands[13].owner.value.value.data for op in gemms]
    assert 1 in trans_b


def test_a_source_written_before_the_matmul_keeps_its_copy():
    module, _, _ = _lowered("written_after_copy")
    assert any(isinstance(op, linalg.TransposeOp | memref.CopyOp) for op in module.walk())
