"""Peak memory of a compiled zoo model's call, against its weights plus its two largest activations.

    python bench/memory.py [--models resnet18,mobilenet_v2] [--quick] [--threads 1]

Each model is exported with `tsjit.export_c` (the generated C with no Python around it), built with
`make demo`, and its demo run for a few calls; the peak resident set the demo reports (getrusage)
is the measurement. The budget
is the weights (the data in weights.bin) plus the two largest tensors the specialized model computes
(the IR's ts op results), and the ratio peak / budget is printed (the issue's target: <= 1.5x). The
floor, the peak of the same demo for a one-op model, shows what the process itself costs (libc,
OpenBLAS, OpenMP).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zoo import ZOO, build_pair

import tsjit
from tsjit.backends.c.export import read_weights


def largest_activations(model, xs, count: int = 2) -> list[int]:
    """Byte sizes of the `count` largest tensors the specialized model computes."""
    from tsjit.compiler import to_module
    from tsjit.dialects.ts.types import TensorType

    module = to_module(model, [tsjit.from_numpy(x) for x in xs])
    sizes = []
    for op in module.walk():
        if op.name == "ts.constant":
            continue
        for r in op.results:
            t = r.type
            if isinstance(t, TensorType) and t.has_static_shape and t.element_type is not None:
                sizes.append(int(np.prod(t.sizes, dtype=np.int64)) * t.element_type.bitwidth // 8)
    return sorted(sizes, reverse=True)[:count]


def peak_rss_of_demo(model, xs, workdir: str, threads: int, reps: int = 3) -> tuple[int, int]:
    """(peak RSS bytes of the exported demo's process, weight bytes)."""
    out = os.path.join(workdir, "export")
    tsjit.export_c(model, out, example_inputs=tuple(tsjit.from_numpy(x) for x in xs))
    subprocess.run(["make", "-s", "demo"], cwd=out, check=True, stdout=subprocess.DEVNULL)
    inputs = []
    for i, x in enumerate(xs):
        path = os.path.join(workdir, f"in{i}.npy")
        np.save(path, np.ascontiguousarray(x))
        inputs.append(path)
    # the demo prints its own peak (getrusage). It runs as a shell's child: Linux carries a peak
    # across execve, so a process spawned straight from this Python would report Python's size
    done = subprocess.run(["sh", "-c", '"$@"; exit $?', "sh", os.path.join(out, "demo"), "-w",
                           os.path.join(out, "weights.bin"), "-r", str(reps), "-t", str(threads), "-o",
                           os.path.join(workdir, "out"), *inputs], check=True, capture_output=True, text=True)
    peak = int(done.stdout.split("peak resident set:")[1].split()[0])
    weights = sum(int(np.asarray(a).nbytes) for _, a in read_weights(os.path.join(out, "weights.bin")))
    return peak * 1024, weights


def measure_one(name: str, quick: bool, threads: int) -> dict:
    model, _ = build_pair(name, quick)
    xs = ZOO[name].inputs(np.random.default_rng(0), quick)
    with tempfile.TemporaryDirectory() as workdir:
        peak, weights = peak_rss_of_demo(model, xs, workdir, threads)
    acts = largest_activations(model, xs)
    return {"peak": peak, "weights": weights, "activations": sum(acts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="resnet18")
    parser.add_argument("--quick", action="store_true", help="the zoo's small test sizes")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one model per process, so ru_maxrss of children is that model's demo alone
        r = measure_one(args.child, args.quick, args.threads)
        print(r["peak"], r["weights"], r["activations"])
        return
    mb = 1 / 2 ** 20
    print(f"{'model':16} {'peak RSS':>10} {'weights':>10} {'2 largest':>10} {'budget':>10} {'ratio':>6}")
    for name in ["relu_sigmoid", *args.models.split(",")]:
        cmd = [sys.executable, os.path.abspath(__file__), "--child", name, "--threads", str(args.threads)]
        done = subprocess.run(cmd + (["--quick"] if args.quick or name == "relu_sigmoid" else []),
                              capture_output=True, text=True)
        if done.returncode:
            print(f"{name:16} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
            continue
        peak, weights, acts = (int(v) for v in done.stdout.split()[-3:])
        budget = weights + acts
        label = "floor (1 op)" if name == "relu_sigmoid" else name
        print(f"{label:16} {peak * mb:9.1f}M {weights * mb:9.1f}M {acts * mb:9.1f}M {budget * mb:9.1f}M "
              f"{peak / budget:6.2f}")


if __name__ == "__main__":
    main()
