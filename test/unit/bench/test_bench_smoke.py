"""Smoke tests of bench/script_overhead.py, bench/fork_speedup.py and bench/c_backend.py: they run,
check outputs and print their ratios.

Subprocesses, because the script sets BLAS thread counts in os.environ before importing numpy.
No assertions on timings (bench/README.md).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=BENCH.parent, capture_output=True, text=True, timeout=180)


def test_quick_run_prints_ratios():
    result = run(str(BENCH / "script_overhead.py"), "--quick")
    assert result.returncode == 0, result.stderr
    for model in ("mlp", "lenet"):
        assert re.search(rf"^\s*{model} ratio scripted/eager: \d+\.\d+x", result.stdout, re.M), result.stdout
        assert re.search(r"^\s*tsjit script\s+\d+\.\d+ ", result.stdout, re.M)
        assert re.search(r"^\s*numpy by hand\s+\d+\.\d+ ", result.stdout, re.M)
    assert re.search(r"target <= 1\.3x: (met|NOT met)", result.stdout)


CHECK_CATCHES_MISMATCH = """
import sys
sys.argv = ["script_overhead.py"]
sys.path.insert(0, "bench")
import script_overhead as so

fns = so.variants("mlp", None)
assert so.check("mlp", fns) == [], "the real variants agree"
right = fns["tsjit script"]
fns["tsjit script"] = lambda: right() + 1e-3
problems = so.check("mlp", fns)
assert len(problems) == 1 and "tsjit script" in problems[0], problems
print("ok")
"""


def test_check_reports_a_scripted_output_that_differs():
    result = run("-c", CHECK_CATCHES_MISMATCH)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


MAIN_FAILS_ON_MISMATCH = """
import sys
sys.argv = ["script_overhead.py", "--quick", "--no-torch", "--models", "mlp"]
sys.path.insert(0, "bench")
import script_overhead as so

real = so.variants

def broken(name, pytorch):
    fns = real(name, pytorch)
    right = fns["tsjit script"]
    fns["tsjit script"] = lambda: right() * 2
    return fns

so.variants = broken
sys.exit(so.main())
"""


def test_exits_non_zero_when_scripted_output_differs():
    result = run("-c", MAIN_FAILS_ON_MISMATCH)
    assert result.returncode == 1
    assert "mlp: tsjit script output differs from tsjit eager" in result.stderr
    assert "ratio scripted/eager" not in result.stdout


def test_fork_speedup_quick_run_prints_the_speedup():
    result = run(str(BENCH / "fork_speedup.py"), "--quick", "--no-torch")
    assert result.returncode == 0, result.stderr
    for label in ("tsjit script fork", "tsjit script seq", "numpy eager seq"):
        assert re.search(rf"^\s*{label}\s+\d+\.\d+\s+\d+\.\d+x$", result.stdout, re.M), result.stdout
    assert re.search(r"fork speedup \(script seq / script fork\): \d+\.\d+x on \d+ core", result.stdout)


def test_c_backend_quick_run_prints_latencies_ratios_and_compile_times():
    result = run(str(BENCH / "c_backend.py"), "--quick", "--no-torch", "--models", "mlp", "relu_sigmoid")
    assert result.returncode == 0, result.stderr
    if "skipped: no C compiler" in result.stdout:
        return
    for model in ("mlp", "relu_sigmoid"):
        for label in ("tsjit c", "tsjit eager"):
            assert re.search(rf"^\s*{label}\s+\d+\.\d+\s+\d+\.\d+x$", result.stdout, re.M), result.stdout
        assert re.search(rf"^\s*{model} speedup c vs tsjit eager: \d+\.\d+x$", result.stdout, re.M)
        assert re.search(rf"^\s*{model} compile s: cold \d+\.\d+ warm \d+\.\d+$", result.stdout, re.M)


def test_c_backend_skips_cleanly_without_a_c_compiler():
    env = {k: v for k, v in os.environ.items() if k != "CC"}
    env["PATH"] = "/nonexistent"
    result = subprocess.run([sys.executable, str(BENCH / "c_backend.py"), "--quick"], cwd=BENCH.parent,
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "skipped: no C compiler (set CC or put cc/gcc/clang on PATH)"


def test_startup_prints_both_ratios():
    result = run(str(BENCH / "startup.py"), "--runs", "1")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^ratio ts-opt/xdsl-opt\s+\d+\.\d+\s+\(target <= 1\.3\)", result.stdout, re.M), result.stdout
    assert re.search(r"^import tsjit\s+median", result.stdout, re.M)


def test_statement_profile_names_the_calls():
    """bench/statement_profile.py times each top-level statement of a compiled model's C forward."""
    from tsjit.backends.c import find_compiler

    if find_compiler() is None:
        return
    result = run(str(BENCH / "statement_profile.py"), "lenet", "--quick", "--seconds", "0.2", "--top", "50")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(r"lenet at 1 thread\(s\): \d+ us per call, \d+ us in the forward", lines[0]), result.stdout
    assert any(re.search(r"line \d+: tsjit_\w+\(", line) for line in lines[1:]), result.stdout
    shares = [float(m.group(1)) for line in lines[1:] if (m := re.search(r"us\s+([\d.]+)%", line))]
    assert len(shares) >= 3 and abs(sum(shares) - 100) < 1.0, result.stdout
