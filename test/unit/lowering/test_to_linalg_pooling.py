"""ts-to-linalg on pooling: the lowered function gives the ts level's (and eager) results."""
import pytest

import tsjit as torch
import tsjit.nn.functional as F
from lowering_check import MLIR_OPT, check_lowering, upstream_verifies

CASES = {
    "max": (lambda x: F.max_pool2d(x, 2), (2, 3, 6, 6), "ts.max_pool2d"),
    "max_stride_padding": (lambda x: F.max_pool2d(x, 3, stride=2, padding=1), (2, 3, 7, 8), "ts.max_pool2d"),
    "max_dilation": (lambda x: F.max_pool2d(x, 2, stride=1, dilation=2), (1, 2, 6, 5), "ts.max_pool2d"),
    "max_ceil_mode": (lambda x: F.max_pool2d(x, 3, stride=2, ceil_mode=True), (1, 2, 8, 8), "ts.max_pool2d"),
    "max_unbatched": (lambda x: F.max_pool2d(x, 2), (3, 5, 5), "ts.max_pool2d"),
    "max1d": (lambda x: F.max_pool1d(x, 3, stride=2, padding=1), (2, 3, 9), "ts.max_pool1d"),
    "avg": (lambda x: F.avg_pool2d(x, 2), (2, 3, 6, 6), "ts.avg_pool2d"),
    "avg_padding_include": (lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), (1, 2, 7, 6), "ts.avg_pool2d"),
    "avg_padding_exclude": (lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
                            (1, 2, 7, 6), "ts.avg_pool2d"),
    "avg_ceil_mode": (lambda x: F.avg_pool2d(x, 2, stride=2, ceil_mode=True), (1, 2, 5, 7), "ts.avg_pool2d"),
    "avg_divisor_override": (lambda x: F.avg_pool2d(x, 2, divisor_override=3), (1, 2, 4, 4), "ts.avg_pool2d"),
    "adaptive_divides": (lambda x: F.adaptive_avg_pool2d(x, (2, 3)), (2, 3, 6, 9), "ts.adaptive_avg_pool2d"),
    "adaptive_global": (lambda x: F.adaptive_avg_pool2d(x, 1), (2, 3, 5, 7), "ts.adaptive_avg_pool2d"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lowered_matches_ts_level(name):
    fn, shape, op = CASES[name]
    module = check_lowering(fn, torch.rand(*shape) - 0.5, ops=(op,))
    if MLIR_OPT:
        upstream_verifies(module)


def test_max_pool_is_the_named_op_on_minus_infinity_padding():
    module = check_lowering(CASES["max_stride_padding"][0], torch.rand(2, 3, 7, 8), ops=("ts.max_pool2d",))
    names = [op.name for op in module.walk()]
    assert "linalg.pooling_nchw_max" in names and "tensor.pad" in names
    assert "0xff800000" in str(module)  # -inf


def test_unequal_adaptive_bins_lower():
    """Bins of unequal length (5 -> 3) lower too: each bin read at its constant start, masked."""
    from tsjit.passes import to_linalg
    x = torch.rand(1, 2, 5, 5)
    fn = lambda x: F.adaptive_avg_pool2d(x, 3)  # noqa: E731
    traced = torch.jit.trace(fn, (x,))
    module = torch.jit.specialize(traced, (x,))
    to_linalg.TsToLinalgPass(report=False).apply(None, module)
    assert not any(name == "ts.adaptive_avg_pool2d" for name, _, _ in to_linalg.unlowered(module))
