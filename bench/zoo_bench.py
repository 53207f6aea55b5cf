"""The model zoo (bench/zoo.py) through tsjit's C backend beside PyTorch eager, TorchScript (script +
freeze + optimize_for_inference), torch.compile and ONNX Runtime, in one process, interleaved, at
1 and 2 threads; prints each model's median latencies and the ratio tsjit C / best other.

    python bench/zoo_bench.py [--quick] [--models a,b] [--rounds N] [--no-torch-compile] [--no-ort]

Every model is compiled with `fallback=False` (wholly in C, or the model is reported as failed).
Every variant's output is checked against PyTorch eager first (exit 1 on a mismatch beyond
rtol 1e-3 / atol 1e-4). Compile time: cold = the first tsjit.compile into an empty XDG_CACHE_HOME,
cached = the same call again (tsjit's compile cache), a copy = the call on a deep copy of the model
(loaded from the disk cache, as another process would: the lowered IR parsed, the library found). ONNX Runtime: `torch.onnx.export(..., dynamo=False)`, one session per
thread count with `intra_op_num_threads` set. Timing as bench/c_models.py (`measure`: blocks of
calls in random order, pauses between blocks, one-thread runs pinned to one CPU).
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from c_models import THREADS, Runner, import_torch, measure
from zoo import ZOO, build_pair

import tsjit
from tsjit.backends.c import find_compiler

BASELINES = ("torch eager", "torchscript ofi", "torch.compile", "onnxruntime")


def compile_c(model, xs) -> tuple[object, float, float]:
    """The model compiled wholly to C, and its compile seconds: cold, the same model again (the
    compile cache), and a copy of it (another object: loaded from the disk cache)."""
    ts_xs = [tsjit.from_numpy(x) for x in xs]
    saved = os.environ.get("XDG_CACHE_HOME")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        try:
            start = time.perf_counter()
            tsjit.compile(model, backend="c", example_inputs=ts_xs, fallback=False)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            compiled = tsjit.compile(model, backend="c", example_inputs=ts_xs, fallback=False)
            cached = time.perf_counter() - start
            twin = copy.deepcopy(model)  # another instance: loaded from compile_disk_cache
            start = time.perf_counter()
            tsjit.compile(twin, backend="c", example_inputs=ts_xs, fallback=False)
            rebuilt = time.perf_counter() - start
        finally:
            if saved is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = saved
    return compiled, cold, cached, rebuilt


def ort_runners(twin, xs, torch, tmp: str) -> dict[str, Runner]:
    """ONNX Runtime sessions of the torch model, one per thread count (threads are fixed per session)."""
    import onnxruntime as ort

    path = os.path.join(tmp, "model.onnx")
    names = [f"in{i}" for i in range(len(xs))]
    with warnings.catch_warnings(), torch.enable_grad():  # no fused fast paths ONNX cannot express
        warnings.simplefilter("ignore")
        torch.onnx.export(twin, tuple(torch.from_numpy(x) for x in xs), path, input_names=names, dynamo=False)
    sessions = {}
    for t in THREADS:
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = t, 1
        sessions[t] = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feed = dict(zip(names, xs))
    current = {"t": THREADS[0]}
    return {"onnxruntime": Runner(lambda: sessions[current["t"]].run(None, feed)[0],
                                  lambda n: current.update(t=n))}


def build(name: str, quick: bool, torch, use_compile: bool, use_ort: bool, tmp: str):
    """label -> Runner for every variant that builds, the notes (compile times, failures), the reference."""
    model, twin = build_pair(name, quick, torch)
    xs = ZOO[name].inputs(np.random.default_rng(0), quick)
    runners, notes = {}, {}
    try:
        compiled, cold, cached, rebuilt = compile_c(model, xs)
        notes["compile"] = (cold, cached, rebuilt)
        runners["tsjit c"] = Runner(lambda: compiled(*xs), tsjit.set_num_threads)
    except Exception as e:  # reported; the model's ratio then reads "failed"
        notes["c failed"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
    t_xs = [torch.from_numpy(x) for x in xs]
    set_t = torch.set_num_threads
    runners["torch eager"] = Runner(lambda: twin(*t_xs).numpy(), set_t)
    for label, make in (("torchscript ofi", lambda: torch.jit.optimize_for_inference(
            torch.jit.freeze(torch.jit.script(twin)))),
                        ("torch.compile", (lambda: torch.compile(twin)) if use_compile else None)):
        if make is None:
            continue
        try:
            start = time.perf_counter()
            fn = make()
            fn(*t_xs)
            notes[label] = time.perf_counter() - start
            runners[label] = Runner(lambda fn=fn: fn(*t_xs).numpy(), set_t)
        except Exception as e:
            notes[f"{label} failed"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:200]
    if use_ort:
        try:
            runners.update(ort_runners(twin, xs, torch, tmp))
        except Exception as e:
            notes["onnxruntime failed"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:200]
    return runners, notes, runners["torch eager"].fn


def best_other(results: dict[str, list[float]]) -> tuple[str, float] | None:
    found = [(statistics.median(results[b]), b) for b in BASELINES if b in results]
    return (min(found)[1], min(found)[0]) if found else None


def report(name: str, notes: dict, results: dict, errors: dict) -> None:
    compile_note = (f"C compile cold {notes['compile'][0]:.2f} s, cached {notes['compile'][1]:.2f} s, "
                    f"a copy {notes['compile'][2]:.2f} s"
                    if "compile" in notes else f"C FAILED: {notes.get('c failed')}")
    print(f"\n=== {name}: {ZOO[name].description}  ({compile_note})")
    for key, value in notes.items():
        if key.endswith("failed") and key != "c failed":
            print(f"  {key}: {value}")
    head = "".join(f" | T={t} median ms [p10,p90]      " for t in THREADS)
    print(f"{'variant':<16}{head} | max abs err vs torch eager")
    for label in results[THREADS[0]]:
        row = f"{label:<16}"
        for t in THREADS:
            s = results[t][label]
            row += (f" | {statistics.median(s) * 1e3:9.3f} [{np.percentile(s, 10) * 1e3:.3f},"
                    f"{np.percentile(s, 90) * 1e3:.3f}]").ljust(35)
        print(f"{row} | {errors[label]:.1e}")
    for t in THREADS:
        best = best_other(results[t])
        if "tsjit c" in results[t] and best:
            ratio = statistics.median(results[t]["tsjit c"]) / best[1]
            print(f"{name} T={t}: tsjit c / best other ({best[0]}) = {ratio:.2f}  "
                  f"{'(target <= 1.0: met)' if ratio <= 1.0 else '(target <= 1.0: NOT met)'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds (smoke test)")
    parser.add_argument("--models", default=",".join(ZOO), help=f"comma-separated subset of {','.join(ZOO)}")
    parser.add_argument("--rounds", type=int, help="timed samples per variant and thread count (default 15, --quick 3)")
    parser.add_argument("--no-torch-compile", action="store_true", help="skip torch.compile (~20 s per model)")
    parser.add_argument("--no-ort", action="store_true", help="skip ONNX Runtime")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = [n for n in names if n not in ZOO]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(ZOO)}")
    torch = import_torch(True)
    if torch is None or find_compiler() is None:
        print("skipped: the zoo bench needs PyTorch (the oracle and baselines) and a C compiler")
        return 0
    use_ort = not args.no_ort
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        use_ort = False
        print("onnxruntime not installed (pip install onnxruntime onnx): its column is left out")
    rounds = args.rounds or (3 if args.quick else 15)
    print(f"tsjit {tsjit.__version__}; torch {torch.__version__}; {os.cpu_count()} cpus; wall time; "
          f"threads {', '.join(map(str, THREADS))}")
    failed = False
    summary = []
    with torch.no_grad(), tempfile.TemporaryDirectory() as tmp:
        for name in names:
            runners, notes, reference = build(name, args.quick, torch, not args.no_torch_compile, use_ort, tmp)
            expected = reference()
            errors = {}
            for label, r in list(runners.items()):
                got = np.asarray(r.fn())
                errors[label] = float(np.max(np.abs(got - expected))) if got.shape == expected.shape else np.inf
                if not np.allclose(got, expected, rtol=1e-3, atol=1e-4):
                    print(f"{name}: {label} differs from torch eager (max abs err {errors[label]:.2e})",
                          file=sys.stderr)
                    failed = True
            results = {t: measure(runners, t, rounds) for t in THREADS}
            report(name, notes, results, errors)
            for t in THREADS:
                best = best_other(results[t])
                value = (statistics.median(results[t]["tsjit c"]) / best[1]) if "tsjit c" in results[t] and best \
                    else None
                summary.append((name, t, value, best[0] if best else "-"))
            failed |= "c failed" in notes
    print("\n=== summary: tsjit c time / best other (target <= 1.0)")
    for name, t, value, who in summary:
        shown = "C failed" if value is None else f"{value:.2f}  vs {who}"
        print(f"  {name:<22} T={t}  {shown}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
