"""ts-to-linalg on convolutions: the lowered function gives the ts level's (and eager) results."""
import pytest

import tsjit as torch
import tsjit.nn.functional as F
from lowering_check import MLIR_OPT, check_lowering, upstream_verifies

torch.manual_seed(0)
W = torch.rand(6, 4, 3, 3) - 0.5
WG = torch.rand(6, 2, 3, 3) - 0.5
W1 = torch.rand(5, 3, 3) - 0.5
B = torch.rand(6)

CASES = {
    "plain": (lambda x: F.conv2d(x, W), (2, 4, 7, 7)),
    "bias_stride_padding": (lambda x: F.conv2d(x, W, B, stride=2, padding=1), (2, 4, 7, 8)),
    "asymmetric_stride_padding_dilation": (lambda x: F.conv2d(x, W, B, stride=(1, 2), padding=(2, 1),
                                                              dilation=(2, 1)), (1, 4, 9, 7)),
    "groups": (lambda x: F.conv2d(x, WG, B, padding=1, groups=2), (2, 4, 6, 6)),
    "depthwise": (lambda x: F.conv2d(x, WG[:4, :1], None, groups=4), (1, 4, 5, 5)),
    "unbatched": (lambda x: F.conv2d(x, W, B, padding=1), (4, 5, 5)),
    "conv1d": (lambda x: F.conv1d(x, W1, None, stride=2, padding=1, dilation=2), (2, 3, 11)),
    "conv1d_unbatched": (lambda x: F.conv1d(x, W1), (3, 8)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lowered_matches_ts_level(name):
    fn, shape = CASES[name]
    op = "ts.conv1d" if name.startswith("conv1d") else "ts.conv2d"
    module = check_lowering(fn, torch.rand(*shape) - 0.5, ops=(op,), rtol=1e-4)
    if MLIR_OPT:
        upstream_verifies(module)


def test_the_named_ops_are_used():
    names = [op.name for op in check_lowering(CASES["bias_stride_padding"][0], torch.rand(2, 4, 7, 8),
                                              ops=("ts.conv2d",)).walk()]
    assert {"tensor.pad", "linalg.conv_2d_nchw_fchw", "linalg.generic"} <= set(names)
    names = [op.name for op in check_lowering(CASES["groups"][0], torch.rand(2, 4, 6, 6), ops=("ts.conv2d",)).walk()]
    assert "linalg.conv_2d_ngchw_gfchw" in names
