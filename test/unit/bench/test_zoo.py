"""Every model of the zoo (bench/zoo.py, at its small test sizes) compiles wholly to C with fallback
disallowed and matches tsjit eager and, when installed, PyTorch with the same weights; the scripted
cell loop stays one loop in C (the five models of bench/c_models.py are checked by its smoke test).
bench/zoo_bench.py's smoke run checks the table it prints."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tsjit
from tsjit.backends.c import find_compiler

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))
from zoo import ZOO, build_pair

try:
    import torch
except ImportError:
    torch = None

needs_cc = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


@needs_cc
@pytest.mark.parametrize("name", [n for n in ZOO if not ZOO[n].description.endswith("(bench/c_models.py)")])
def test_zoo_model_compiles_wholly_to_c_and_matches(name):
    model, twin = build_pair(name, quick=True, torch=torch)
    xs = ZOO[name].inputs(np.random.default_rng(0), True)
    compiled = tsjit.compile(model, backend="c", example_inputs=[tsjit.from_numpy(x) for x in xs], fallback=False)
    assert compiled.backend == "c" and compiled.fallback == []
    got = compiled(*[tsjit.from_numpy(x) for x in xs]).numpy()
    eager = model(*[tsjit.from_numpy(x) for x in xs]).numpy()
    np.testing.assert_allclose(got, eager, rtol=1e-4, atol=1e-5)
    if twin is not None:
        with torch.no_grad():
            expected = twin(*[torch.from_numpy(x) for x in xs]).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-5)
    if name == "lstm_cell_loop":  # a loop over time, not unrolled
        ops = [op.name for op in compiled.module.walk()]
        assert ops.count("scf.for") >= 1 and ops.count("func.call") < 10 * len(xs[0])


@needs_cc
@pytest.mark.skipif(torch is None, reason="the zoo bench needs PyTorch")
def test_zoo_bench_prints_each_ratio():
    result = subprocess.run([sys.executable, str(BENCH / "zoo_bench.py"), "--quick", "--no-torch-compile", "--no-ort",
                             "--models", "lstm_cell_loop", "--rounds", "1"],
                            cwd=BENCH.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for model in ("lstm_cell_loop",):
        assert re.search(rf"^=== {model}: .*\(C compile cold \d+\.\d+ s, cached \d+\.\d+ s, a copy \d+\.\d+ s\)$",
                         result.stdout, re.MULTILINE)
        for t in (1, 2):
            assert re.search(rf"^  {model}\s+T={t}  \d+\.\d+  vs (torch eager|torchscript ofi)$", result.stdout, re.MULTILINE), \
                result.stdout
