"""A compile sees exactly the function it was given and what that reaches: nothing else the process
has scripted changes what it compiles to, or its result."""
from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import numpy as np
import pytest

import tsjit as torch

sys.path.insert(0, str(Path(__file__).parent))
import isolation_worker  # noqa: E402
from random_programs import program  # noqa: E402

N = 16


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    """N programs to compile and N decoys that are only scripted, in one importable file."""
    path = tmp_path_factory.mktemp("programs") / "programs.py"
    sources = [program(seed, f"p{seed}") for seed in range(N)] + [program(1000 + s, f"d{s}") for s in range(N)]
    path.write_text("import tsjit as torch\n\n\n" + "\n\n".join(sources))
    return str(path)


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory):
    """One private build cache shared with the fresh processes (their C builds are cache hits)."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(path))
        yield path


def test_busy_process_compiles_as_a_fresh_process_does(programs, cache_home):
    module = isolation_worker.load(programs)
    busy = []
    for k in range(N):  # script a decoy before and after each program: the process-wide unit fills up
        torch.jit.script(getattr(module, f"d{k}"))
        busy.append(isolation_worker.compile_one(programs, f"p{k}", "c"))
        torch.jit.script(getattr(module, f"d{(k + 7) % N}"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tsjit", "isolation_worker"])
    with context.Pool(2, maxtasksperchild=1) as pool:  # every compile in a process of its own
        fresh = pool.starmap(isolation_worker.compile_one, [(programs, f"p{k}", "c") for k in range(N)])
    x, y = isolation_worker.inputs()
    whole_c = 0
    for k, ((text, backend, result), (fresh_text, fresh_backend, fresh_result)) in enumerate(zip(busy, fresh)):
        assert (backend, text) == (fresh_backend, fresh_text), f"program p{k} compiled differently"
        np.testing.assert_array_equal(result, fresh_result)
        eager = getattr(module, f"p{k}")(torch.from_numpy(x), torch.from_numpy(y)).numpy()
        np.testing.assert_allclose(result, eager, rtol=1e-4, atol=1e-5, err_msg=f"p{k}")
        whole_c += backend == "c"
    assert 0 < whole_c < N  # both paths are exercised: whole C, and numpy around C fusion groups
