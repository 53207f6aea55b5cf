"""Per-call latency of models compiled with `tsjit.compile(..., backend="c")`, against tsjit eager
(numpy) and PyTorch eager, plus the C compile time, cold and warm.

Models (the reference models of bench/README.md; smaller shapes under --quick), each written
once against `lib` (tsjit or torch) and built for both with the same weights:

    mlp          : batch 64, 784-512-512-10, ReLU
    lenet        : batch 32, 1x28x28 (conv 6@5, pool, conv 16@5, pool, 120, 84, 10)
    relu_sigmoid : relu(x*1.5+0.25)*sigmoid(x) on 4Mi float32
    gelu_expanded: 0.5*x*(1+tanh(0.7978845608*(x+0.044715*x*x*x))) on 4Mi float32
    resnet_block : basic block (conv3x3-bn-relu-conv3x3-bn + x, relu) at 1x64x56x56; skipped (and
                   said so) when lowering and compiling it takes longer than --compile-timeout

Compile time: "cold" is the first `tsjit.compile` into an empty temporary XDG_CACHE_HOME (Python
lowering + the C compiler), "warm" the same call again (lowering + a cache hit). Every variant is
checked against tsjit eager first (exit status 1 on a mismatch); then variants are timed in
interleaved rounds (random order per round) and the script prints median per-call latencies and
ratios measured in this run. One thread everywhere (BLAS, OpenMP, torch), process CPU time.

    python bench/c_backend.py [--quick] [--rounds N] [--no-torch] [--models ...] [--compile-timeout S]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

import tsjit  # noqa: E402
import tsjit.nn  # noqa: E402
import tsjit.nn.functional  # noqa: E402
from tsjit.backends.c import find_compiler  # noqa: E402

CLOCK = time.process_time
BATCH_SECONDS = 0.004  # one timed batch of calls of one variant lasts about this long


def define_models(lib) -> dict[str, Callable[..., object]]:
    """The model classes of bench/c_models.py (the reference bench), written once against `lib`."""
    from c_models import define_models as c_models_define

    return c_models_define(lib)


#: name -> (description, constructor args, input shape) for a full run and for --quick
FULL = {
    "mlp": ("MLP b64 784-512-512-10 relu", (784, 512, 10), (64, 784)),
    "lenet": ("LeNet-5 b32 1x28x28", (), (32, 1, 28, 28)),
    "relu_sigmoid": ("relu(x*1.5+0.25)*sigmoid(x), 4Mi f32", (), (1024, 4096)),
    "gelu_expanded": ("GELU tanh expanded, 4Mi f32", (), (1024, 4096)),
    "resnet_block": ("ResNet basic block 1x64x56x56", (64,), (1, 64, 56, 56)),
}
QUICK = {
    "mlp": ("MLP b8 64-32-32-10 relu (quick)", (64, 32, 10), (8, 64)),
    "lenet": ("LeNet-5 b2 1x28x28 (quick)", (), (2, 1, 28, 28)),
    "relu_sigmoid": ("relu(x*1.5+0.25)*sigmoid(x), 16Ki f32 (quick)", (), (64, 256)),
    "gelu_expanded": ("GELU tanh expanded, 16Ki f32 (quick)", (), (64, 256)),
    "resnet_block": ("ResNet basic block 1x4x8x8 (quick)", (4,), (1, 4, 8, 8)),
}


class CompileTimeout(Exception):
    pass


def timed_compile(model, x, timeout: float) -> tuple[object, float]:
    """tsjit.compile(model, backend="c") and its wall seconds; CompileTimeout after `timeout` s."""
    def expire(*_):
        raise CompileTimeout(f"lowering + C compile took more than {timeout:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        start = time.perf_counter()
        compiled = tsjit.compile(model, backend="c", example_inputs=(x,))
        return compiled, time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def variants(spec, name: str, pytorch, timeout: float) -> tuple[dict[str, Callable[[], np.ndarray]], tuple[float, float]]:
    """label -> fn() returning the output as an ndarray, and the (cold, warm) compile seconds."""
    _, ctor_args, shape = spec
    tsjit.manual_seed(0)
    eager = define_models(tsjit)[name](*ctor_args).eval()
    x_np = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x = tsjit.from_numpy(x_np)
    compiled, cold = timed_compile(eager, x, timeout)
    compiled, warm = timed_compile(eager, x, timeout)
    out = {
        "tsjit c": lambda: compiled(x_np),
        "tsjit eager": lambda: eager(x).numpy(),
    }
    if pytorch is not None:
        t_eager = define_models(pytorch)[name](*ctor_args).eval()
        t_eager.load_state_dict({k: pytorch.from_numpy(v.numpy().copy()) for k, v in eager.state_dict().items()})
        t_x = pytorch.from_numpy(x_np)
        out["torch eager"] = lambda: t_eager(t_x).numpy()
    return out, (cold, warm)


def check(name: str, fns: dict[str, Callable[[], np.ndarray]]) -> list[str]:
    expected = fns["tsjit eager"]()
    problems = []
    for label, fn in fns.items():
        got = fn()
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
            diff = np.max(np.abs(got - expected)) if got.shape == expected.shape else f"shape {got.shape}"
            problems.append(f"{name}: {label} output differs from tsjit eager (max abs diff {diff})")
    return problems


def calibrate(fns: list[Callable], warmup: int) -> int:
    """Warm every fn up; the batch size that makes the slowest fn's batch ~BATCH_SECONDS."""
    slowest = 0.0
    for fn in fns:
        for _ in range(warmup):
            fn()
        start = CLOCK()
        fn()
        slowest = max(slowest, CLOCK() - start)
    return max(1, round(BATCH_SECONDS / max(slowest, 1e-9)))


def interleaved(fns: list[Callable], rounds: int, batch: int) -> list[list[float]]:
    """Per-call seconds of each fn per round; a fresh random order each round."""
    samples: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    shuffle = random.Random(0).shuffle
    for _ in range(rounds):
        shuffle(order)
        for i in order:
            start = CLOCK()
            for _ in range(batch):
                fns[i]()
            samples[i].append((CLOCK() - start) / batch)
    return samples


def paired(samples: list[list[float]], labels: list[str], num: str, den: str) -> float:
    """Median over rounds of time(num) / time(den) in the same round."""
    a, b = samples[labels.index(num)], samples[labels.index(den)]
    return statistics.median(x / y for x, y in zip(a, b))


def report(name: str, description: str, labels: list[str], samples: list[list[float]], batch: int,
           compile_s: tuple[float, float]) -> None:
    medians = [statistics.median(s) for s in samples]
    eager = medians[labels.index("tsjit eager")]
    print(f"=== {name}: {description}  (median of {len(samples[0])} rounds x {batch} calls)")
    print(f"  {'variant':<12} {'median ms':>10} {'/ tsjit eager':>14}")
    for label, med in zip(labels, medians):
        print(f"  {label:<12} {med * 1e3:>10.3f} {med / eager:>13.2f}x")
    print(f"  {name} speedup c vs tsjit eager: {paired(samples, labels, 'tsjit eager', 'tsjit c'):.2f}x")
    if "torch eager" in labels:
        print(f"  {name} speedup c vs torch eager: {paired(samples, labels, 'torch eager', 'tsjit c'):.2f}x")
    print(f"  {name} compile s: cold {compile_s[0]:.2f} warm {compile_s[1]:.2f}")


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes, few rounds")
    parser.add_argument("--rounds", type=int, help="timed rounds per model (default 50, --quick 5)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch baseline")
    parser.add_argument("--models", nargs="+", choices=list(FULL), default=list(FULL))
    parser.add_argument("--compile-timeout", type=float, default=60.0,
                        help="skip a model whose lowering + C compile takes longer (s, default 60)")
    args = parser.parse_args()
    if find_compiler() is None:
        print("skipped: no C compiler (set CC or put cc/gcc/clang on PATH)")
        return 0
    specs = QUICK if args.quick else FULL
    rounds = args.rounds or (5 if args.quick else 50)
    pytorch = None if args.no_torch else import_torch()
    print(f"numpy {np.__version__}; C compiler {find_compiler()}; 1 thread (BLAS, OpenMP, torch); "
          f"process CPU time; " + (f"torch {pytorch.__version__}" if pytorch else "torch not used"))
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache  # cold compiles start from an empty cache
        for name in args.models:
            with pytorch.no_grad() if pytorch is not None else contextlib.nullcontext():
                try:
                    fns, compile_s = variants(specs[name], name, pytorch, args.compile_timeout)
                except CompileTimeout as why:
                    print(f"=== {name}: {specs[name][0]}\n  skipped: {why}")
                    continue
                problems = check(name, fns)
                if problems:
                    print("\n".join(problems), file=sys.stderr)
                    return 1
                calls = list(fns.values())
                batch = calibrate(calls, 1 if args.quick else 3)
                samples = interleaved(calls, rounds, batch)
            report(name, specs[name][0], list(fns), samples, batch, compile_s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
