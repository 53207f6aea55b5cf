"""ts-to-linalg on matrix products: the lowered function gives the ts level's (and eager) results."""
import pytest

import tsjit as torch
import tsjit.nn.functional as F
from lowering_check import MLIR_OPT, check_lowering, upstream_verifies

torch.manual_seed(0)
W, B = torch.rand(4, 3), torch.rand(4)
C = torch.rand(1, 5)

CASES = {
    "mm": (lambda x, y: torch.mm(x, y), [(2, 3), (3, 5)], "ts.mm"),
    "matmul_2d": (lambda x, y: torch.matmul(x, y), [(2, 3), (3, 5)], "ts.matmul"),
    "matmul_vec_mat": (lambda x, y: torch.matmul(x, y), [(3,), (3, 5)], "ts.matmul"),
    "matmul_mat_vec": (lambda x, y: torch.matmul(x, y), [(2, 3), (3,)], "ts.matmul"),
    "matmul_broadcast_batch": (lambda x, y: torch.matmul(x, y), [(2, 1, 4, 3), (5, 3, 2)], "ts.matmul"),
    "bmm": (lambda x, y: torch.bmm(x, y), [(2, 4, 3), (2, 3, 5)], "ts.bmm"),
    "dot": (lambda x, y: torch.dot(x, y), [(6,), (6,)], "ts.dot"),
    "linear_bias": (lambda x: F.linear(x, W, B), [(2, 3)], "ts.linear"),
    "linear_3d_no_bias": (lambda x: F.linear(x, W), [(2, 5, 3)], "ts.linear"),
    "linear_1d": (lambda x: F.linear(x, W, B), [(3,)], "ts.linear"),
    "addmm": (lambda x, y: torch.addmm(C, x, y, beta=0.5, alpha=2.0), [(2, 3), (3, 5)], "ts.addmm"),
    "addmm_default": (lambda x, y: torch.addmm(C, x, y), [(2, 3), (3, 5)], "ts.addmm"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lowered_matches_ts_level(name):
    fn, shapes, op = CASES[name]
    inputs = [torch.rand(*s) - 0.5 for s in shapes]
    module = check_lowering(fn, *inputs, ops=(op,))
    if MLIR_OPT:
        upstream_verifies(module)


def test_2d_products_use_the_named_matmul():
    x, y = torch.rand(2, 3), torch.rand(3, 5)
    module = check_lowering(lambda a, b: torch.mm(a, b), x, y, ops=("ts.mm",))
    names = [op.name for op in module.walk()]
    assert "linalg.matmul" in names and "linalg.fill" in names and "linalg.generic" not in names


def test_bmm_is_a_reduction_generic():
    module = check_lowering(lambda a, b: torch.bmm(a, b), torch.rand(2, 4, 3), torch.rand(2, 3, 5), ops=("ts.bmm",))
    (g,) = [op for op in module.walk() if op.name == "linalg.generic"]
    assert [t.data for t in g.iterator_types] == ["parallel"] * 3 + ["reduction"]


def test_integer_matmul():
    x = torch.randint(-5, 5, (2, 3))
    y = torch.randint(-5, 5, (3, 4))
    check_lowering(lambda a, b: torch.mm(a, b), x, y, ops=("ts.mm",))
