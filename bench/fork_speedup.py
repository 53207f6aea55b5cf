"""Speedup of `torch.jit.fork` on the numpy backend: two independent matmul-heavy branches.

    branch(x, w) : STEPS times x = tanh(x @ w)        (x, w: 512x512 float32)
    forked       : a = fork(branch, x, w1); b = fork(branch, x, w2); wait(a) + wait(b)
    sequential   : branch(x, w1) + branch(x, w2)

Variants, all checked against numpy first (exit status 1 if one differs): tsjit script with fork,
tsjit script sequential, the same math in numpy (eager, sequential) and, when PyTorch is
installed, torch.jit.script with fork. BLAS runs single-threaded (set before numpy loads), so the
only parallelism is the inter-op pool's (`tsjit.get_num_interop_threads()`, os.cpu_count() by
default): numpy releases the GIL inside matmul and tanh, so the two forked branches can use two
cores. Timings are wall time (threads), interleaved in rounds of random order; it prints each
median latency and `fork speedup`: the median over rounds of sequential time / forked time.
Wall time counts time other processes take the cores: run it on an idle machine.

    python bench/fork_speedup.py [--quick] [--rounds N] [--no-torch]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

import tsjit  # noqa: E402

N, STEPS = 512, 3


def define(lib) -> tuple[Callable, Callable, Callable]:
    """branch, forked and sequential written once against `lib` (tsjit or torch); parameters
    without annotations are Tensors in script."""

    def branch(x, w):  # STEPS (3) steps, unrolled: TorchScript cannot read a global int
        x = lib.tanh(lib.matmul(x, w))
        x = lib.tanh(lib.matmul(x, w))
        return lib.tanh(lib.matmul(x, w))

    def forked(x, w1, w2):
        a = lib.jit.fork(branch, x, w1)
        b = lib.jit.fork(branch, x, w2)
        return lib.jit.wait(a) + lib.jit.wait(b)

    def sequential(x, w1, w2):
        return branch(x, w1) + branch(x, w2)

    return branch, forked, sequential


def numpy_branch(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    for _ in range(STEPS):
        x = np.tanh(x @ w)
    return x


def variants(pytorch) -> dict[str, Callable[[], np.ndarray]]:
    rng = np.random.default_rng(0)
    x, w1, w2 = (rng.standard_normal((N, N)).astype(np.float32) / np.sqrt(N) for _ in range(3))
    _, forked, sequential = define(tsjit)
    s_forked, s_sequential = tsjit.jit.script(forked), tsjit.jit.script(sequential)
    args = [tsjit.from_numpy(a) for a in (x, w1, w2)]
    out = {
        "tsjit script fork": lambda: s_forked(*args).numpy(),
        "tsjit script seq": lambda: s_sequential(*args).numpy(),
        "numpy eager seq": lambda: numpy_branch(x, w1) + numpy_branch(x, w2),
    }
    if pytorch is not None:
        t_forked = pytorch.jit.script(define(pytorch)[1])
        t_args = [pytorch.from_numpy(a) for a in (x, w1, w2)]
        out["torch.jit.script fork"] = lambda: t_forked(*t_args).numpy()
    return out


def check(fns: dict[str, Callable[[], np.ndarray]]) -> list[str]:
    expected = fns["numpy eager seq"]()
    return [f"{label} output differs from numpy eager (max abs diff {np.max(np.abs(got - expected))})"
            for label, got in ((label, fn()) for label, fn in fns.items())
            if not np.allclose(got, expected, rtol=1e-4, atol=1e-5)]


def interleaved(fns: list[Callable], rounds: int) -> list[list[float]]:
    """Wall seconds of one call of each fn per round, in a fresh random order each round."""
    samples: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    shuffle = random.Random(0).shuffle
    for _ in range(rounds):
        shuffle(order)
        for i in order:
            start = time.perf_counter()
            fns[i]()
            samples[i].append(time.perf_counter() - start)
    return samples


def report(labels: list[str], samples: list[list[float]]) -> float:
    medians = dict(zip(labels, (statistics.median(s) for s in samples)))
    base = medians["tsjit script seq"]
    print(f"=== two branches of {STEPS}x tanh(x @ w), {N}x{N} float32 (median of {len(samples[0])} rounds)")
    print(f"  {'variant':<22} {'median ms':>10} {'/ script seq':>13}")
    for label, med in medians.items():
        print(f"  {label:<22} {med * 1e3:>10.3f} {med / base:>12.2f}x")
    seq, fork = samples[labels.index("tsjit script seq")], samples[labels.index("tsjit script fork")]
    speedup = statistics.median(s / f for s, f in zip(seq, fork))
    print(f"  fork speedup (script seq / script fork): {speedup:.2f}x on {os.cpu_count()} core(s), "
          f"{tsjit.get_num_interop_threads()} inter-op thread(s)")
    return speedup


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (few rounds)")
    parser.add_argument("--rounds", type=int, help="timed rounds (default 100, --quick 5)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch baseline")
    args = parser.parse_args()
    rounds = args.rounds or (5 if args.quick else 100)
    pytorch = None if args.no_torch else import_torch()
    print(f"numpy {np.__version__}; 1 BLAS thread; wall time; "
          + (f"torch {pytorch.__version__}" if pytorch else "torch not used"))
    fns = variants(pytorch)
    problems = check(fns)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    calls = list(fns.values())
    for fn in calls:  # warm up: plans, pool threads, caches
        fn()
    report(list(fns), interleaved(calls, rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
