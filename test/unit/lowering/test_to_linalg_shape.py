"""ts-to-linalg on shape and layout ops: the lowered function gives the ts level's (and eager) results."""
import pytest

import tsjit as torch
from lowering_check import MLIR_OPT, check_lowering, upstream_verifies

torch.manual_seed(0)
K = torch.rand(2, 4)

CASES = {
    "view_collapse": (lambda x: x.view(6, 4), [(2, 3, 4)], "ts.view"),
    "view_expand": (lambda x: x.view(2, 3, 2, 2), [(6, 4)], "ts.view"),
    "view_collapse_then_expand": (lambda x: x.view(6, 2, 2), [(2, 3, 4)], "ts.view"),
    "reshape_not_a_grouping": (lambda x: x.reshape(3, 8), [(6, 4)], "ts.reshape"),
    "reshape_infer": (lambda x: x.reshape(-1), [(2, 3, 4)], "ts.reshape"),
    "flatten": (lambda x: torch.flatten(x, 1), [(2, 3, 4)], "ts.flatten"),
    "squeeze_all": (lambda x: x.squeeze(), [(1, 3, 1, 4)], "ts.squeeze"),
    "squeeze_dim": (lambda x: x.squeeze(2), [(1, 3, 1, 4)], "ts.squeeze"),
    "unsqueeze": (lambda x: x.unsqueeze(-1), [(3, 4)], "ts.unsqueeze"),
    "unsqueeze_scalar": (lambda x: x.sum().unsqueeze(0), [(3, 4)], "ts.unsqueeze"),
    "permute": (lambda x: x.permute(2, 0, 1), [(2, 3, 4)], "ts.permute"),
    "transpose": (lambda x: x.transpose(0, -1), [(2, 3, 4)], "ts.transpose"),
    "t": (lambda x: x.t(), [(2, 3)], "ts.t"),
    "cat": (lambda x, y: torch.cat([x, y, K], 0), [(3, 4), (1, 4)], "ts.cat"),
    "cat_last_dim": (lambda x, y: torch.cat([x, y], -1), [(2, 3), (2, 5)], "ts.cat"),
    "stack": (lambda x, y: torch.stack([x, y], 1), [(2, 3), (2, 3)], "ts.stack"),
    "slice_step": (lambda x: x[1::2], [(7, 3)], "ts.slice"),
    "slice_negative": (lambda x: x[:, -3:-1], [(2, 5)], "ts.slice"),
    "select": (lambda x: x[:, 2], [(3, 4, 2)], "ts.select"),
    "select_negative": (lambda x: x.select(0, -1), [(3, 4)], "ts.select"),
    "narrow": (lambda x: x.narrow(1, 1, 2), [(3, 4)], "ts.narrow"),
    "expand": (lambda x: x.expand(2, 3, 4), [(3, 1)], "ts.expand"),
    "expand_keep": (lambda x: x.expand(-1, 4), [(3, 1)], "ts.expand"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lowered_matches_ts_level(name):
    fn, shapes, op = CASES[name]
    inputs = [torch.rand(*s) for s in shapes]
    module = check_lowering(fn, *inputs, ops=(op,))
    if MLIR_OPT:
        upstream_verifies(module)


def _names(module):
    return [op.name for op in module.walk()]


def test_groupings_are_collapse_and_expand():
    assert "tensor.collapse_shape" in _names(check_lowering(lambda x: x.view(6, 4), torch.rand(2, 3, 4),
                                                            ops=("ts.view",)))
    names = _names(check_lowering(lambda x: x.view(6, 2, 2), torch.rand(2, 3, 4), ops=("ts.view",)))
    assert "tensor.collapse_shape" in names and "tensor.expand_shape" in names and "tensor.reshape" not in names
    assert "tensor.reshape" in _names(check_lowering(lambda x: x.view(3, 8), torch.rand(6, 4), ops=("ts.view",)))


def test_integer_and_bool_tensors():
    check_lowering(lambda x: x.t().reshape(-1)[1:5], torch.randint(0, 9, (3, 4)), ops=("ts.t", "ts.reshape", "ts.slice"))
    check_lowering(lambda x: (x > 0.5).permute(1, 0), torch.rand(3, 4), ops=("ts.permute",))
