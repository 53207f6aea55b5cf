"""Per-call cost of `tsjit.jit.script` models on the numpy backend, as a ratio to the same eager model.

Two models, one definition each (`define_models`) built for tsjit and, when it is installed, for
PyTorch with the same weights:

    mlp   : batch 64, 784-512-512-10, ReLU between layers
    lenet : batch 32, 1x28x28: conv 6@5x5, relu, maxpool 2, conv 16@5x5, relu, maxpool 2, flatten,
            linear 120, relu, linear 84, relu, linear 10

For each model it checks that every variant computes the eager outputs (exit status 1 if not),
then times them interleaved (each round runs a batch of calls of every variant, in a random order,
so drift and other load hit all alike) and prints the median per-call latency of each, and
`ratio scripted/eager`: the median over rounds of the scripted
batch time over the eager batch time of the same round. Target: mlp <= 1.3x.

Everything runs on `--threads` BLAS/OpenMP threads (default 1): the benchmark is about per-call
overhead, and on a shared machine idle BLAS threads that spin and get preempted make multi-threaded
timings swing by several x. The thread count has to be set before numpy is imported.

    python bench/script_overhead.py [--quick] [--rounds N] [--threads T] [--no-torch]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import time
from collections.abc import Callable


def _threads_from_argv() -> int:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--threads", type=int, default=1)
    return pre.parse_known_args()[0].threads


THREADS = _threads_from_argv()
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

import tsjit  # noqa: E402
import tsjit.nn  # noqa: E402
import tsjit.nn.functional  # noqa: E402

MLP_TARGET = 1.3
#: single-threaded, the process's CPU time is the call's cost without the time other processes
#: took the core away (wall time would count it); with several threads CPU time adds up threads
CLOCK = time.process_time if THREADS == 1 else time.perf_counter
BATCH_SECONDS = 0.004  # one timed batch of calls of one variant lasts about this long


def define_models(lib) -> dict[str, type]:
    """The benchmark models written once against `lib` (tsjit or torch): nn and F come from it."""
    nn, F = lib.nn, lib.nn.functional

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 512)
            self.fc2 = nn.Linear(512, 512)
            self.fc3 = nn.Linear(512, 10)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 4 * 4, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.flatten(1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return {"mlp": MLP, "lenet": LeNet}


# -- the same math by hand in numpy (the floor for any numpy-backed execution) -----------------
def numpy_mlp(p: dict, x: np.ndarray) -> np.ndarray:
    x = np.maximum(x @ p["fc1.weight"].T + p["fc1.bias"], 0)
    x = np.maximum(x @ p["fc2.weight"].T + p["fc2.bias"], 0)
    return x @ p["fc3.weight"].T + p["fc3.bias"]


def _conv_relu_pool(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Valid 2-D convolution by im2col + matmul, ReLU, 2x2 max pooling (max of 4 strided views)."""
    n, c, _, _ = x.shape
    o, _, kh, kw = w.shape
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))  # N, C, OH, OW, kh, kw
    oh, ow = win.shape[2:4]
    cols = win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)
    y = np.maximum(w.reshape(o, -1) @ cols + b[:, None], 0).reshape(n, o, oh, ow)
    return np.maximum(np.maximum(y[:, :, 0::2, 0::2], y[:, :, 0::2, 1::2]),
                      np.maximum(y[:, :, 1::2, 0::2], y[:, :, 1::2, 1::2]))


def numpy_lenet(p: dict, x: np.ndarray) -> np.ndarray:
    x = _conv_relu_pool(x, p["conv1.weight"], p["conv1.bias"])
    x = _conv_relu_pool(x, p["conv2.weight"], p["conv2.bias"])
    x = x.reshape(x.shape[0], -1)
    x = np.maximum(x @ p["fc1.weight"].T + p["fc1.bias"], 0)
    x = np.maximum(x @ p["fc2.weight"].T + p["fc2.bias"], 0)
    return x @ p["fc3.weight"].T + p["fc3.bias"]


#: name -> (description, input shape, hand-written numpy version)
MODELS = {
    "mlp": ("MLP b64 784-512-512-10 relu", (64, 784), numpy_mlp),
    "lenet": ("LeNet-5 b32 1x28x28", (32, 1, 28, 28), numpy_lenet),
}


# -- the variants of one model: label -> fn() returning the output as an ndarray ----------------
def variants(name: str, pytorch) -> dict[str, Callable[[], np.ndarray]]:
    _, shape, by_hand = MODELS[name]
    tsjit.manual_seed(0)
    eager = define_models(tsjit)[name]().eval()
    scripted = tsjit.jit.script(eager)
    params = {k: v.numpy() for k, v in eager.state_dict().items()}
    x_np = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x = tsjit.from_numpy(x_np)
    out = {
        "tsjit eager": lambda: eager(x).numpy(),
        "tsjit script": lambda: scripted(x).numpy(),
        "numpy by hand": lambda: by_hand(params, x_np),
    }
    if pytorch is not None:
        t_eager = define_models(pytorch)[name]().eval()
        t_eager.load_state_dict({k: pytorch.from_numpy(v.copy()) for k, v in params.items()})
        t_script = pytorch.jit.script(t_eager)
        t_x = pytorch.from_numpy(x_np)
        out["torch eager"] = lambda: t_eager(t_x).numpy()
        out["torch.jit.script"] = lambda: t_script(t_x).numpy()
    return out


def check(name: str, fns: dict[str, Callable[[], np.ndarray]]) -> list[str]:
    """Problems: the scripted output must equal the eager one; baselines must compute the same math."""
    expected = fns["tsjit eager"]()
    problems = []
    for label, fn in fns.items():
        got = fn()
        same_kernels = label == "tsjit script"  # baselines may sum in another order: looser tolerance
        ok = got.shape == expected.shape and (np.allclose(got, expected) if same_kernels else
                                              np.allclose(got, expected, rtol=1e-4, atol=1e-5))
        if not ok:
            diff = np.max(np.abs(got - expected)) if got.shape == expected.shape else f"shape {got.shape}"
            problems.append(f"{name}: {label} output differs from tsjit eager (max abs diff {diff})")
    return problems


# -- timing ------------------------------------------------------------------------------------
def interleaved(fns: list[Callable], rounds: int, batch: int, clock: Callable[[], float]) -> list[list[float]]:
    """Per-call seconds of each fn in each round: a round runs `batch` calls of every fn, in a
    fresh random order each round, so no fn always runs right after the same neighbour (which
    would leave it the same cache state every time: e.g. PyTorch's own copy of the weights)."""
    samples: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    shuffle = random.Random(0).shuffle
    for _ in range(rounds):
        shuffle(order)
        for i in order:
            fn = fns[i]
            start = clock()
            for _ in range(batch):
                fn()
            samples[i].append((clock() - start) / batch)
    return samples


def calibrate(fns: list[Callable], warmup: int) -> int:
    """Warm every fn up, then pick the batch size that makes the slowest fn's batch ~BATCH_SECONDS."""
    slowest = 0.0
    for fn in fns:
        for _ in range(warmup):
            fn()
        start = CLOCK()
        fn()
        slowest = max(slowest, CLOCK() - start)
    return max(1, round(BATCH_SECONDS / max(slowest, 1e-9)))


def report(name: str, labels: list[str], samples: list[list[float]], batch: int) -> float:
    """Print the table of one model; return the paired ratio scripted/eager."""
    description = MODELS[name][0]
    rounds = len(samples[0])
    medians = [statistics.median(s) for s in samples]
    eager = medians[labels.index("tsjit eager")]
    print(f"=== {name}: {description}  (float32, median of {rounds} rounds x {batch} calls)")
    print(f"  {'variant':<18} {'median ms':>10} {'[p25, p75] ms':>18} {'/ tsjit eager':>14}")
    for label, s, med in zip(labels, samples, medians):
        q = statistics.quantiles(s, n=4) if len(s) > 1 else [med, med, med]
        print(f"  {label:<18} {med * 1e3:>10.3f} {f'[{q[0] * 1e3:.3f}, {q[2] * 1e3:.3f}]':>18} {med / eager:>13.2f}x")
    script, eager_s = samples[labels.index("tsjit script")], samples[labels.index("tsjit eager")]
    ratio = statistics.median(s / e for s, e in zip(script, eager_s))
    target = f"  (target <= {MLP_TARGET:.1f}x: {'met' if ratio <= MLP_TARGET else 'NOT met'})" if name == "mlp" else ""
    print(f"  {name} ratio scripted/eager: {ratio:.3f}x{target}")
    return ratio


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(THREADS)
    return torch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (few rounds)")
    parser.add_argument("--rounds", type=int, help="timed rounds per model (default 300, --quick 10)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS and PyTorch threads (default 1)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch baselines")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    args = parser.parse_args()
    rounds = args.rounds or (10 if args.quick else 300)
    warmup = 3 if args.quick else 20
    pytorch = None if args.no_torch else import_torch()
    clock = "process CPU time" if CLOCK is time.process_time else "wall time"
    header = f"numpy {np.__version__}; {THREADS} thread(s) for BLAS and torch; latencies in {clock}"
    header += f"; torch {pytorch.__version__}" if pytorch else "; torch not used"
    print(header)
    for name in args.models:
        # inference: no autograd tape for the PyTorch variants (tsjit's no_grad only sets a flag)
        with pytorch.no_grad() if pytorch is not None else contextlib.nullcontext():
            fns = variants(name, pytorch)
            problems = check(name, fns)
            if problems:
                print("\n".join(problems), file=sys.stderr)
                return 1
            calls = list(fns.values())
            batch = calibrate(calls, warmup)
            samples = interleaved(calls, rounds, batch, CLOCK)
        report(name, list(fns), samples, batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
