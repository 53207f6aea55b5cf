"""The reference models (bench/README.md) through `tsjit.compile(model, backend="c")`, side by side
in one run with numpy eager (the same computation written in numpy), tsjit eager and, when PyTorch
is installed, torch eager, TorchScript (script + freeze + optimize_for_inference) and torch.compile,
at 1 and 2 threads; then the performance targets, each with its measured ratio.

    python bench/c_models.py [--quick] [--models mlp,lenet,...] [--rounds N] [--no-torch] [--no-torch-compile]

Threads are set per measurement: torch.set_num_threads; for the C library, its exported
`ts_set_num_threads` (OpenMP's count: the run-time GEMM keeps OpenBLAS at one thread and splits
big GEMMs across OpenMP's threads); numpy's bundled OpenBLAS through its
`scipy_openblas_set_num_threads64_`; one-thread runs are pinned to one CPU. Wall time (perf_counter) in blocks per variant, the blocks in
3 passes of random order; each sample is the mean of a batch of calls lasting ~BATCH_SECONDS; the table shows the
median [p10, p90] per call. "x numpy" / "x torch" = that baseline's median / the row's median (higher
is faster). Compile time: cold = first tsjit.compile into an empty XDG_CACHE_HOME, cached = again.
Max abs err is against the numpy backend running the same model's IR (exit 1 beyond 1e-4 + 1e-4*|ref|).
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import glob
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import tsjit
import tsjit.nn
import tsjit.nn.functional
from tsjit.backends.c import find_compiler

BATCH_SECONDS = 0.01
PASSES = 3
PAUSE_SECONDS = 0.05  # libgomp workers spin ~ms after a parallel region before they sleep
THREADS = (1, 2)
K_GELU = 0.7978845608028654


def define_models(lib) -> dict[str, type]:
    """Model classes written once against `lib` (tsjit or torch)."""
    nn, F = lib.nn, lib.nn.functional

    class MLP(nn.Module):
        def __init__(self, d_in, hidden, d_out):
            super().__init__()
            self.fc1, self.fc2, self.fc3 = nn.Linear(d_in, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, d_out)

        def forward(self, x):
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(16 * 4 * 4, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.flatten(1))))))

    class BasicBlock(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
            self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            return F.relu(self.bn2(self.conv2(out)) + x)

    class ReluSigmoid(nn.Module):
        def forward(self, x):
            return F.relu(x * 1.5 + 0.25) * lib.sigmoid(x)

    class GeluTorch(nn.Module):
        def forward(self, x):
            return F.gelu(x, approximate="tanh")

    class GeluExpanded(nn.Module):
        def forward(self, x):
            return 0.5 * x * (1 + lib.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))

    class MatMul(nn.Module):
        def forward(self, a, b):
            return lib.matmul(a, b)

    return {"mlp": MLP, "lenet": LeNet, "resnet_block": BasicBlock, "relu_sigmoid": ReluSigmoid,
            "gelu_torch": GeluTorch, "gelu_expanded": GeluExpanded, "matmul512": MatMul, "matmul1024": MatMul}


# -- the same computations written in numpy (numpy eager) ------------------------------------------
def _conv(x, w, b=None, pad=0):
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(x, w.shape[2:], axis=(2, 3))  # N, C, OH, OW, kh, kw
    y = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    return y if b is None else y + b[None, :, None, None]


def _pool2(x):
    n, c, h, w = x.shape
    return x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def _bn(x, p, name):
    scale = p[f"{name}.weight"] / np.sqrt(p[f"{name}.running_var"] + 1e-5)
    shift = p[f"{name}.bias"] - p[f"{name}.running_mean"] * scale
    return x * scale[None, :, None, None] + shift[None, :, None, None]


def _lin(x, p, name):
    return x @ p[f"{name}.weight"].T + p[f"{name}.bias"]


NUMPY: dict[str, Callable] = {
    "mlp": lambda p, x: _lin(np.maximum(_lin(np.maximum(_lin(x, p, "fc1"), 0), p, "fc2"), 0), p, "fc3"),
    "lenet": lambda p, x: _lin(np.maximum(_lin(np.maximum(_lin(
        _pool2(np.maximum(_conv(_pool2(np.maximum(_conv(x, p["conv1.weight"], p["conv1.bias"]), 0)),
                                p["conv2.weight"], p["conv2.bias"]), 0)).reshape(x.shape[0], -1),
        p, "fc1"), 0), p, "fc2"), 0), p, "fc3"),
    "resnet_block": lambda p, x: np.maximum(_bn(_conv(np.maximum(_bn(_conv(x, p["conv1.weight"], pad=1), p, "bn1"), 0),
                                                      p["conv2.weight"], pad=1), p, "bn2") + x, 0),
    "relu_sigmoid": lambda p, x: np.maximum(x * np.float32(1.5) + np.float32(0.25), 0) / (1 + np.exp(-x)),
    "gelu_torch": lambda p, x: 0.5 * x * (1 + np.tanh(np.float32(K_GELU) * (x + np.float32(0.044715) * x * x * x))),
    "gelu_expanded": lambda p, x: 0.5 * x * (1 + np.tanh(np.float32(K_GELU) * (x + np.float32(0.044715) * x * x * x))),
    "matmul512": lambda p, a, b: a @ b,
    "matmul1024": lambda p, a, b: a @ b,
}

_EW = (1024, 4096)  # 4Mi float32
#: name -> (description, constructor args, input shapes); QUICK: small sizes for smoke tests
FULL = {
    "mlp": ("MLP b64 784-512-512-10 relu", (784, 512, 10), [(64, 784)]),
    "lenet": ("LeNet-5 b32 1x28x28", (), [(32, 1, 28, 28)]),
    "resnet_block": ("ResNet basic block b1 64ch 56x56", (64,), [(1, 64, 56, 56)]),
    "relu_sigmoid": ("relu(x*1.5+0.25)*sigmoid(x), 4Mi f32", (), [_EW]),
    "gelu_torch": ("GELU tanh, F.gelu(approximate='tanh'), 4Mi f32", (), [_EW]),
    "gelu_expanded": ("GELU tanh written out, 4Mi f32", (), [_EW]),
    "matmul512": ("matmul 512x512 @ 512x512", (), [(512, 512), (512, 512)]),
    "matmul1024": ("matmul 1024x1024 @ 1024x1024", (), [(1024, 1024), (1024, 1024)]),
}
QUICK = {
    "mlp": ("MLP b8 64-32-10 relu (quick)", (64, 32, 10), [(8, 64)]),
    "lenet": ("LeNet-5 b2 (quick)", (), [(2, 1, 28, 28)]),
    "resnet_block": ("ResNet basic block b1 4ch 8x8 (quick)", (4,), [(1, 4, 8, 8)]),
    "relu_sigmoid": ("relu(x*1.5+0.25)*sigmoid(x), 16Ki f32 (quick)", (), [(64, 256)]),
    "gelu_torch": ("GELU tanh F.gelu, 16Ki f32 (quick)", (), [(64, 256)]),
    "gelu_expanded": ("GELU tanh written out, 16Ki f32 (quick)", (), [(64, 256)]),
    "matmul512": ("matmul 32 (quick)", (), [(32, 32), (32, 32)]),
    "matmul1024": ("matmul 64 (quick)", (), [(64, 64), (64, 64)]),
}


# -- thread control --------------------------------------------------------------------------------
def _numpy_blas_setter() -> Callable[[int], None] | None:
    """numpy's bundled OpenBLAS thread setter (numpy.libs/libscipy_openblas*), if found."""
    root = os.path.dirname(os.path.dirname(np.__file__))
    for path in glob.glob(os.path.join(root, "numpy.libs", "*openblas*.so*")):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads"):
            if hasattr(lib, name):
                return getattr(lib, name)
    return None


def _c_setter(compiled) -> Callable[[int], None]:
    """Thread setter of a compiled C library: its exported ts_set_num_threads (OpenMP's count; the
    run-time GEMM keeps OpenBLAS at one thread and splits across OpenMP's)."""
    library = getattr(compiled.executable, "library", None)
    return getattr(library, "ts_set_num_threads", lambda n: None)


class Runner:
    """A variant: fn() -> output ndarray, and set_threads(n)."""

    def __init__(self, fn, set_threads=lambda n: None, prep_s: float | None = None):
        self.fn, self.set_threads, self.prep_s = fn, set_threads, prep_s


def build_variants(name, spec, torch, use_compile: bool) -> tuple[dict[str, Runner], dict[str, str], Callable]:
    """label -> Runner, notes (compile times, failures), and the numpy backend's reference fn."""
    _, ctor_args, shapes = spec
    tsjit.manual_seed(0)
    model = define_models(tsjit)[name](*ctor_args).eval()
    if name == "resnet_block":  # non-trivial batch-norm statistics
        for bn in (model.bn1, model.bn2):
            bn.load_state_dict({**bn.state_dict(), "running_mean": tsjit.rand(ctor_args[0]) * 0.1,
                                "running_var": tsjit.rand(ctor_args[0]) + 0.5})
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    ts_xs = [tsjit.from_numpy(x) for x in xs]
    params = {k: v.numpy() for k, v in model.state_dict().items()}
    np_blas = _numpy_blas_setter() or (lambda n: None)
    notes, out = {}, {}
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        try:
            start = time.perf_counter()
            compiled = tsjit.compile(model, backend="c", example_inputs=ts_xs)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            compiled = tsjit.compile(model, backend="c", example_inputs=ts_xs)
            notes["compile"] = (cold, time.perf_counter() - start)
            out["tsjit c"] = Runner(lambda: compiled(*xs), _c_setter(compiled))
        except Exception as e:  # reported, and the target then reads "not met"
            notes["c failed"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    out["numpy eager"] = Runner(lambda: NUMPY[name](params, *xs), np_blas)
    out["tsjit eager"] = Runner(lambda: model(*ts_xs).numpy(), np_blas)
    if torch is not None:
        t_model = define_models(torch)[name](*ctor_args).eval()
        t_model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in params.items()})
        t_xs = [torch.from_numpy(x) for x in xs]
        set_t = torch.set_num_threads
        out["torch eager"] = Runner(lambda: t_model(*t_xs).numpy(), set_t)
        start = time.perf_counter()
        ofi = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(t_model)))
        out["torchscript ofi"] = Runner(lambda: ofi(*t_xs).numpy(), set_t, time.perf_counter() - start)
        if use_compile:
            tc = torch.compile(t_model)
            start = time.perf_counter()
            tc(*t_xs)
            out["torch.compile"] = Runner(lambda: tc(*t_xs).numpy(), set_t, time.perf_counter() - start)
    reference = tsjit.compile(model, backend="numpy", example_inputs=ts_xs)
    return out, notes, lambda: np.asarray(reference(*xs))


@contextlib.contextmanager
def pinned(threads: int):
    """The calling thread (and threads it starts) on the first `threads` allowed CPUs, when fewer
    than all: one-thread runs unpinned were bimodal here (the scheduler moving the thread between
    vCPUs: the same LeNet library took 0.83 or 1.39 ms per process), pinned they were not."""
    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not 0 < threads < len(allowed):
        yield
        return
    os.sched_setaffinity(0, allowed[:threads])
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


def measure(runners: dict[str, Runner], threads: int, rounds: int) -> dict[str, list[float]]:
    """Per-call seconds of every variant, `rounds` samples each at `threads` threads (on that many
    CPUs, see `pinned`). Variants run in blocks (a pause before each, so no other library's OpenMP
    workers are still spinning on the two cores) and the blocks in PASSES passes of random order,
    so slow drifts hit every variant alike."""
    with pinned(threads):
        return _measure(runners, threads, rounds)


def _measure(runners: dict[str, Runner], threads: int, rounds: int) -> dict[str, list[float]]:
    batch = {}
    for label, r in runners.items():
        r.set_threads(threads)
        r.fn()
        start = time.perf_counter()
        r.fn()
        batch[label] = max(1, round(BATCH_SECONDS / max(time.perf_counter() - start, 1e-7)))
    samples: dict[str, list[float]] = {label: [] for label in runners}
    order = list(runners)
    for k in range(PASSES):
        random.Random(k).shuffle(order)
        for label in order:
            r = runners[label]
            time.sleep(PAUSE_SECONDS)
            r.set_threads(threads)
            r.fn()
            for _ in range(-(-rounds // PASSES)):
                start = time.perf_counter()
                for _ in range(batch[label]):
                    r.fn()
                samples[label].append((time.perf_counter() - start) / batch[label])
    return samples


def _pct(values, q):
    return float(np.percentile(values, q))


def report(name, description, notes, results, errors) -> None:
    compile_note = (f"c compile: cold {notes['compile'][0]:.2f} s, cached {notes['compile'][1]:.2f} s"
                    if "compile" in notes else f"c FAILED: {notes.get('c failed')}")
    print(f"\n=== {name}: {description}  ({compile_note})")
    head = "".join(f" | T={t} median ms [p10,p90]       x numpy x torch" for t in THREADS)
    print(f"{'variant':<16}{head} | max abs err")
    for label in results[THREADS[0]]:
        row = f"{label:<16}"
        for t in THREADS:
            s = results[t][label]
            med = statistics.median(s)
            x_np = statistics.median(results[t]["numpy eager"]) / med
            x_t = (f"{statistics.median(results[t]['torch eager']) / med:7.2f}" if "torch eager" in results[t]
                   else "      -")
            row += f" | {med * 1e3:9.3f} [{_pct(s, 10) * 1e3:.3f},{_pct(s, 90) * 1e3:.3f}]".ljust(32) + \
                f"{x_np:7.2f} {x_t}"
        print(f"{row} | {errors[label]:.1e}")


def ratio(results, name, t, num, den) -> float | None:
    """median time of `num` / median time of `den` for model `name` at t threads (None if missing)."""
    r = results.get(name, {}).get(t, {})
    if num not in r or den not in r:
        return None
    return statistics.median(r[num]) / statistics.median(r[den])


def targets(results, notes) -> None:
    print("\n=== targets (T=1 decides, T=2 shown)")

    def line(what, values, ok):
        shown = ", ".join(f"T={t} {v:.2f}" if v is not None else f"T={t} not measured" for t, v in values)
        verdict = "not measured" if ok is None else ("met" if ok else "NOT met")
        print(f"  {what:<58} {shown:<34} {verdict}")

    for name in ("relu_sigmoid", "gelu_torch", "gelu_expanded"):
        speed = [(t, (lambda r: 1 / r if r else None)(ratio(results, name, t, "tsjit c", "numpy eager")))
                 for t in THREADS]
        line(f"{name}: speed-up vs numpy eager >= 5x", speed, None if speed[0][1] is None else speed[0][1] >= 5)
        vs_tc = [(t, ratio(results, name, t, "tsjit c", "torch.compile")) for t in THREADS]
        line(f"{name}: time / torch.compile <= 1", vs_tc, None if vs_tc[0][1] is None else vs_tc[0][1] <= 1)
    for name in ("mlp", "resnet_block"):
        vs = [(t, ratio(results, name, t, "tsjit c", "torch eager")) for t in THREADS]
        line(f"{name}: time / torch eager <= 1.1", vs, None if vs[0][1] is None else vs[0][1] <= 1.1)
    vs = [(t, ratio(results, "lenet", t, "tsjit c", "torchscript ofi")) for t in THREADS]
    line("lenet: time / TorchScript optimize_for_inference <= 1", vs, None if vs[0][1] is None else vs[0][1] <= 1)
    compile_s = notes.get("resnet_block", {}).get("compile")
    for i, (what, limit) in enumerate((("cold", 10.0), ("cached", 0.5))):
        value = compile_s[i] if compile_s else None
        shown = f"{value:.2f} s" if value is not None else "not measured"
        ok = None if value is None else value < limit
        print(f"  {'resnet_block: compile ' + what + f' < {limit} s':<58} {shown:<34} "
              f"{'not measured' if ok is None else ('met' if ok else 'NOT met')}")
    missing = [n for n in results if "tsjit c" not in results[n][THREADS[0]]]
    if missing:
        print(f"  (C backend failed for: {', '.join(missing)}: their targets read 'not measured')")


def import_torch(enabled: bool):
    if not enabled:
        return None
    try:
        import torch
    except ImportError:
        return None
    return torch


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds (smoke test)")
    parser.add_argument("--models", default=",".join(FULL), help=f"comma-separated subset of {','.join(FULL)}")
    parser.add_argument("--rounds", type=int, help="timed rounds per thread count (default 30, --quick 3)")
    parser.add_argument("--no-torch", action="store_true", help="skip every PyTorch variant")
    parser.add_argument("--no-torch-compile", action="store_true", help="skip torch.compile (~20 s per model)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = [n for n in names if n not in FULL]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(FULL)}")
    if find_compiler() is None:
        print("skipped: no C compiler (set CC or put cc/gcc/clang on PATH)")
        return 0
    specs, rounds = (QUICK, args.rounds or 3) if args.quick else (FULL, args.rounds or 30)
    torch = import_torch(not args.no_torch)
    print(f"numpy {np.__version__}; C compiler {find_compiler()}; "
          f"{'torch ' + torch.__version__ if torch else 'torch not used'}; {os.cpu_count()} cpus; wall time; "
          f"threads {', '.join(map(str, THREADS))}")
    results, notes, failed = {}, {}, False
    saved_cache = os.environ.get("XDG_CACHE_HOME")
    try:
        for name in names:
            with torch.no_grad() if torch is not None else contextlib.nullcontext():
                runners, notes[name], reference = build_variants(name, specs[name], torch,
                                                                 not args.no_torch_compile)
                expected = reference()
                errors = {}
                for label, r in runners.items():
                    got = r.fn()
                    errors[label] = float(np.max(np.abs(got - expected))) if got.shape == expected.shape else np.inf
                    if not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
                        print(f"{name}: {label} differs from the numpy backend (max abs err {errors[label]:.2e})",
                              file=sys.stderr)
                        failed = True
                results[name] = {t: measure(runners, t, rounds) for t in THREADS}
            report(name, specs[name][0], notes[name], results[name], errors)
    finally:
        if saved_cache is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = saved_cache
    targets(results, notes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
