"""No input makes a tool print a traceback, hang or fail without saying where (fuzz.py).

A small seeded run is part of the suite; `TSJIT_FUZZ=N` (and `TSJIT_FUZZ_SEED`) runs N inputs."""
import os

import pytest

import fuzz


def _report(failures) -> str:
    return "\n".join(f"{o.tool} {' '.join(o.args)}: {o.problem}\n--- input:\n{o.data[:600]!r}\n--- stderr:\n"
                     f"{o.err[-800:]}" for o in failures[:5])


def test_mutated_inputs_fail_cleanly():
    failures = fuzz.fuzz(300, seed=1)
    assert not failures, _report(failures)


@pytest.mark.skipif("TSJIT_FUZZ" not in os.environ, reason="set TSJIT_FUZZ=N for a long fuzz run")
def test_long_fuzz_run():
    failures = fuzz.fuzz(int(os.environ["TSJIT_FUZZ"]), seed=int(os.environ.get("TSJIT_FUZZ_SEED", "0")))
    assert not failures, f"{len(failures)} failures:\n" + _report(failures)
