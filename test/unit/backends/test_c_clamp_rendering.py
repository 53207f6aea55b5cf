"""arith.maximumf / minimumf against a constant render as one compare and select (`x < c ? c : x`,
which gcc vectorizes under -fno-trapping-math), exactly as torch.maximum / torch.minimum / relu
compute: NaN propagates, infinities clamp, and a tie of zeros gives the first operand (relu(-0.0)
is -0.0 in PyTorch); checked against torch when it is installed."""
import re

import numpy as np
import pytest

from tsjit.backends.c import CBackend, find_compiler, render_module
from tsjit.dialects import parse_module
from c_helpers import cache_home  # noqa: F401  (an autouse fixture)

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")

SOURCE = """
func.func @clamps(%x: memref<9xf32>, %relu6: memref<9xf32>, %max_neg_zero: memref<9xf32>, %min_zero: memref<9xf32>,
                  %min_first: memref<9xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 9 : index
  %zero = arith.constant 0.0 : f32
  %neg_zero = arith.constant -0.0 : f32
  %six = arith.constant 6.0 : f32
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<9xf32>
    %a = arith.maximumf %v, %zero : f32
    %b = arith.minimumf %a, %six : f32
    memref.store %b, %relu6[%i] : memref<9xf32>
    %c = arith.maximumf %v, %neg_zero : f32
    memref.store %c, %max_neg_zero[%i] : memref<9xf32>
    %d = arith.minimumf %v, %zero : f32
    memref.store %d, %min_zero[%i] : memref<9xf32>
    %e = arith.minimumf %six, %v : f32
    memref.store %e, %min_first[%i] : memref<9xf32>
  }
  func.return
}
"""


def _torch_like(op, a: float, b: float) -> float:
    """torch.maximum / minimum: NaN propagates; equal operands (+0, -0) give the first."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    if a == b:
        return a
    return max(a, b) if op == "max" else min(a, b)


def test_constant_clamps_are_short_and_exact():
    module = parse_module(SOURCE)
    source = render_module(module).source
    body = source[source.index("clamps("):]
    select = r"\(\(v\d+ {} v\d+\) \? v\d+ : v\d+\)"
    assert [len(re.findall(select.format(c), body)) for c in ("<", ">", ">=")] == [2, 2, 1] and " != " not in body
    x = np.array([np.nan, -np.inf, -2.5, -0.0, 0.0, 3.0, 6.0, 7.5, np.inf], np.float32)
    outs = [np.full(9, 7.0, np.float32) for _ in range(4)]
    CBackend().compile(module).call("clamps", x, *outs)
    m, c = _torch_like, np.float32
    expected = [[m("min", m("max", v, c(0.0)), c(6.0)) for v in x], [m("max", v, c(-0.0)) for v in x],
                [m("min", v, c(0.0)) for v in x], [m("min", c(6.0), v) for v in x]]
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        t = torch.from_numpy(x)
        assert np.array_equal(torch.nn.functional.relu6(t).numpy(), expected[0], equal_nan=True)
        for got, want in ((torch.maximum(t, torch.tensor(-0.0)), expected[1]),
                          (torch.minimum(t, torch.tensor(0.0)), expected[2]),
                          (torch.minimum(torch.tensor(6.0), t), expected[3])):
            assert (np.signbit(got.numpy()) == np.signbit(np.array(want, np.float32))).all()
    for got, want in zip(outs, expected):
        want = np.array(want, np.float32)
        np.testing.assert_array_equal(got, want)
        assert (np.signbit(got) == np.signbit(want)).all(), (got, want)
