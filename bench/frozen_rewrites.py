"""Do the inference rewrites make the numpy backend faster? Frozen-like graphs, before and after.

Models (traced with captured eval-mode modules, so the weights are `ts.constant`s as after freezing):

    mlp : batch 64, 784-512-512-10, ReLU between layers
    cnn : batch 32, 3x32x32: [conv 3x3, BN, ReLU, maxpool 2] x 2 (16, 32 channels), linear 128, ReLU, linear 10

Variants: `frozen` (ts-frozen-optimizations), then on top of it `+transpose-linear`
(ts-transpose-linear), `+pool-before-relu` (ts-pool-before-relu) and `+both`.
Each variant's output is checked against the frozen one; timings are interleaved rounds of single-
threaded calls (process CPU time), reported as medians and as the ratio to `frozen`.

    python bench/frozen_rewrites.py [--rounds N]
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import tsjit  # noqa: E402
import tsjit.nn as nn  # noqa: E402
from tsjit.backends.numpy import Program  # noqa: E402
from tsjit.passes.frozen_optimizations import optimize_frozen_graph  # noqa: E402
from tsjit.passes.pool_before_relu import pool_before_relu  # noqa: E402
from tsjit.passes.transpose_linear import transpose_linear  # noqa: E402


def models() -> dict[str, tuple[nn.Module, tuple[int, ...]]]:
    tsjit.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    cnn = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 8 * 8, 128), nn.ReLU(), nn.Dropout(), nn.Linear(128, 10))
    return {"mlp": (mlp.eval(), (64, 784)), "cnn": (cnn.eval(), (32, 3, 32, 32))}


#: variant -> rewrites applied after tracing
VARIANTS = {
    "frozen": (optimize_frozen_graph,),
    "+transpose-linear": (optimize_frozen_graph, transpose_linear),
    "+pool-before-relu": (optimize_frozen_graph, pool_before_relu),
    "+both": (optimize_frozen_graph, transpose_linear, pool_before_relu),
}


def compiled(model, x, rewrites):
    function = tsjit.jit.trace(lambda t: model(t), x)
    module = function._cu.module.clone()
    for rewrite in rewrites:
        rewrite(module)
    return Program(module).function(function.qualified_name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    for name, (model, shape) in models().items():
        x = tsjit.randn(*shape)
        x_np = x.numpy()
        fns = {label: compiled(model, x, rewrites) for label, rewrites in VARIANTS.items()}
        reference = fns["frozen"](x_np)
        for label, fn in fns.items():
            np.testing.assert_allclose(fn(x_np), reference, rtol=0, atol=1e-5 * np.abs(reference).max())
        times: dict[str, list[float]] = {label: [] for label in fns}
        for _ in range(args.rounds):
            order = list(fns.items())
            random.shuffle(order)
            for label, fn in order:
                start = time.process_time()
                for _ in range(5):
                    fn(x_np)
                times[label].append((time.process_time() - start) / 5)
        base = statistics.median(times["frozen"])
        for label, ts in times.items():
            med = statistics.median(ts)
            print(f"{name:4s} {label:20s} {med * 1e3:8.3f} ms  x{med / base:.2f}")


if __name__ == "__main__":
    main()
