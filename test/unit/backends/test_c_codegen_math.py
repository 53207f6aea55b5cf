"""The C backend's branch-free float32 math (render_math.py) against numpy in float64 on ~1e6
points: wide magnitudes of both signs, subnormals, zeros, infinities and NaN; the loops carry
`tsjit.parallel`, so they are compiled under `#pragma omp simd` as in generated models."""
import math
import re

import numpy as np
import pytest

from tsjit.backends.c import CBackend, find_compiler, render
from tsjit.dialects import parse_module

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")

N = 1 << 20
#: math op -> (float64 reference, max error in ulp of the float32 result)
OPS = {
    "exp": (np.exp, 2), "log": (np.log, 2), "tanh": (np.tanh, 3), "erf": (np.vectorize(math.erf), 4),
    "expm1": (np.expm1, 3), "log1p": (np.log1p, 3), "log2": (np.log2, 3), "log10": (np.log10, 3),
}


def _function(op: str) -> str:
    return f"""
func.func @{op}(%a: memref<{N}xf32>, %b: memref<{N}xf32>) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant {N} : index
  scf.for %i = %c0 to %n step %c1 {{
    %x = memref.load %a[%i] : memref<{N}xf32>
    %y = math.{op} %x : f32
    memref.store %y, %b[%i] : memref<{N}xf32>
  }} {{tsjit.parallel}}
  func.return
}}"""


@pytest.fixture(scope="module")
def library():
    module = parse_module("\n".join(_function(op) for op in OPS))
    return module, CBackend().compile(module)


def _points() -> np.ndarray:
    rng = np.random.default_rng(0)
    mags = np.concatenate([np.logspace(-45, 38.5, N // 4), rng.uniform(0, 12, N // 8),
                           np.linspace(0, 110, N // 8 - 16)])
    special = [0.0, np.inf, np.nan, 1e-45, 1.1754942e-38, 1.0, 0.5, 0.625, 88.72, 89.0, 103.9, 1e-7, 0.25, 4.0,
               10.0, 3.4028235e38]
    x = np.concatenate([mags, -mags, special, np.negative(special)]).astype(np.float32)
    return x[:N]


def test_the_float_functions_replace_libm_calls(library):
    module, _ = library
    source = render(module)[0]
    for fn in ("ts_expf", "ts_logf", "ts_tanhf", "ts_erff", "ts_expm1f", "ts_log1pf"):
        assert f"= {fn}(" in source
    assert "#pragma omp parallel for simd" in source


@pytest.mark.parametrize("op", sorted(OPS))
def test_float_math_matches_numpy_within_a_few_ulp(library, op):
    _, lib = library
    reference, max_ulp = OPS[op]
    x = _points()
    out = np.full_like(x, 7.0)
    lib.call(op, x, out)
    with np.errstate(all="ignore"):
        expected = reference(x.astype(np.float64)).astype(np.float64)
        expected32 = expected.astype(np.float32)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(expected32), err_msg=f"{op}: NaN positions")
    inf = np.isinf(expected32)
    np.testing.assert_array_equal(out[inf], expected32[inf], err_msg=f"{op}: infinities")
    finite = np.isfinite(expected32)
    ulp = np.maximum(np.spacing(np.abs(expected32[finite])).astype(np.float64), 2.0 ** -149)
    err = np.abs(out[finite].astype(np.float64) - expected[finite]) / ulp
    worst = int(np.argmax(err))
    assert err[worst] <= max_ulp, (f"{op}: {err[worst]:.2f} ulp at x={x[finite][worst]!r}: "
                                   f"{out[finite][worst]!r} vs {expected[finite][worst]!r}")
    np.testing.assert_allclose(out, expected32, rtol=1e-5, atol=1e-6)


def _exp_plus(name: str, c: str, keep_exp: bool) -> str:
    """`out = c + exp(x)`; with keep_exp the exp is also stored (a second use: the full-range exp)."""
    store = f"memref.store %e, %k[%i] : memref<{N}xf32>" if keep_exp else ""
    return f"""
func.func @{name}(%a: memref<{N}xf32>, %b: memref<{N}xf32>, %k: memref<{N}xf32>) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant {N} : index
  %c = arith.constant {c} : f32
  scf.for %i = %c0 to %n step %c1 {{
    %x = memref.load %a[%i] : memref<{N}xf32>
    %e = math.exp %x : f32
    %y = arith.addf %c, %e : f32
    memref.store %y, %b[%i] : memref<{N}xf32>
    {store}
  }} {{tsjit.parallel}}
  func.return
}}"""


@pytest.mark.parametrize("c", ["1.0", "-3.0", "8.27180613e-25"])  # the last: 2^-80
def test_exp_added_to_a_constant_skips_subnormals_with_the_same_sums(c):
    """`c + exp(x)` renders a cheaper exp without subnormal results (ts_expf_normal); the sums are
    bit-identical to those of the full-range exp, subnormal and overflowing x included."""
    module = parse_module(_exp_plus("normal", c, False) + _exp_plus("full", c, True))
    source = render(module)[0]
    assert len(re.findall(r"v\d+ = ts_expf_normal\(", source)) == 1
    assert len(re.findall(r"v\d+ = ts_expf\(", source)) == 1
    lib = CBackend().compile(module)
    x = _points()
    got, want, scratch = (np.full_like(x, 7.0) for _ in range(3))
    lib.call("normal", x, got, scratch)
    lib.call("full", x, want, scratch)
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))
