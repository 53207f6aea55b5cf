"""`python -m pytest` with no arguments runs the whole suite in two processes, so that it uses two
cores: this session runs most unit tests, while a second process runs the lit + FileCheck tests
of test/lit and then the unit tests of SIDE (a pytest of its own). The second run's result joins
this session's: its failures are printed at the end and fail the run.

Given paths (`python -m pytest test/unit/ops`) run here alone, as usual. `TSJIT_SPLIT=0` runs
the whole suite in this process (lit is then left out: `lit -q test/lit` runs it).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each test compiles afresh (test_compile_disk_cache.py turns the disk cache on for itself): what a
# test checks must not depend on what an earlier run left in the cache.
os.environ.setdefault("TSJIT_COMPILE_CACHE", "0")
#: directories the second process runs after lit (lit + these take about the CPU time of the rest)
SIDE = ("test/unit/ops", "test/unit/nn", "test/unit/importers", "test/unit/compile")
_side: dict = {}


def _lit() -> str | None:
    beside = Path(sys.executable).with_name("lit")
    return str(beside) if beside.exists() else shutil.which("lit")


def _run_side(lit: str) -> None:
    env = {**os.environ, "TSJIT_SPLIT": "0"}
    results = []
    for name, command in (("lit -q test/lit", [lit, "-q", "test/lit"]),
                          (f"pytest {' '.join(SIDE)}", [sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                                                         *SIDE])):
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        results.append((name, done.returncode, done.stdout.decode(errors="replace")))
    _side["results"] = results


def pytest_configure(config: pytest.Config) -> None:
    whole = config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.option.keyword \
        and not config.option.markexpr and not config.option.collectonly
    lit = _lit()
    if not whole or os.environ.get("TSJIT_SPLIT") == "0" or lit is None:
        return
    # Both processes run OpenMP code on the machine's cores: spinning idle workers would take the
    # cores the other process needs (tests time nothing, so waiting passively costs nothing).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    _side["thread"] = threading.Thread(target=_run_side, args=(lit,), daemon=True)
    _side["thread"].start()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if "thread" in _side and any(collection_path == ROOT / d for d in SIDE):
        return True
    return None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    thread = _side.get("thread")
    if thread is None:
        return
    thread.join()
    if any(code != 0 for _, code, _ in _side.get("results", [("", 1, "")])) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    for name, code, output in _side.get("results", []):
        lines = [line.strip() for line in output.splitlines()
                 if re.search(r"^\d+ (passed|failed)|^Total Discovered Tests", line.strip())]
        if code == 0:
            terminalreporter.write_line(f"{name} (second process): {lines[-1] if lines else 'passed'}")
        else:
            terminalreporter.section(f"{name} (second process) failed", red=True)
            terminalreporter.write(output)
