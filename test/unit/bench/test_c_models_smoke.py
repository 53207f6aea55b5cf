"""Smoke test of bench/c_models.py: a --quick run checks every variant against the numpy backend and
prints the table and the targets section. No assertions on timings (bench/README.md)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench"


def test_quick_run_prints_the_table_and_the_targets():
    result = subprocess.run([sys.executable, str(BENCH / "c_models.py"), "--quick", "--no-torch",
                             "--models", "mlp,relu_sigmoid", "--rounds", "3"],
                            cwd=BENCH.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    if "skipped: no C compiler" in result.stdout:
        return
    number = r"\d+\.\d+"
    for model in ("mlp", "relu_sigmoid"):
        assert re.search(rf"^=== {model}: .*\(c compile: cold {number} s, cached {number} s\)$", result.stdout, re.M), \
            result.stdout
    for label in ("tsjit c", "numpy eager", "tsjit eager"):
        row = rf"^{label}\s+\|\s+{number} \[{number},{number}\]\s+{number}\s+-\s+\|\s+{number} \[{number},{number}\]"
        assert len(re.findall(row, result.stdout, re.M)) == 2, result.stdout
    targets = result.stdout.split("=== targets")[1]
    assert re.search(rf"relu_sigmoid: speed-up vs numpy eager >= 5x\s+T=1 {number}, T=2 {number}\s+(met|NOT met)$",
                     targets, re.M), targets
    assert re.search(rf"mlp: time / torch eager <= 1.1\s+T=1 not measured, T=2 not measured\s+not measured$",
                     targets, re.M), targets
    assert re.search(r"resnet_block: compile cold < 10.0 s\s+not measured", targets)


def test_unknown_model_is_a_usage_error():
    result = subprocess.run([sys.executable, str(BENCH / "c_models.py"), "--models", "nope"],
                            cwd=BENCH.parent, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "unknown model(s) nope" in result.stderr


WRONG_NUMPY = """
import sys
sys.path.insert(0, "bench")
import c_models

right = c_models.NUMPY["relu_sigmoid"]
c_models.NUMPY["relu_sigmoid"] = lambda p, x: right(p, x) + 1e-2
sys.exit(c_models.main(["--quick", "--no-torch", "--models", "relu_sigmoid", "--rounds", "1"]))
"""


def test_exits_non_zero_when_a_variant_differs_from_the_numpy_backend():
    result = subprocess.run([sys.executable, "-c", WRONG_NUMPY], cwd=BENCH.parent, capture_output=True, text=True,
                            timeout=300)
    if "skipped: no C compiler" in result.stdout:
        return
    assert result.returncode == 1
    assert "relu_sigmoid: numpy eager differs from the numpy backend" in result.stderr
    assert "relu_sigmoid: tsjit c differs" not in result.stderr
