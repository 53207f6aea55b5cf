"""Where a compiled zoo model's time goes, statement by statement of its generated C.

    python bench/statement_profile.py MODEL [--threads N] [--seconds S] [--top K] [--quick]

Compiles the model (bench/zoo.py) to C with a timer before every top-level statement of its
forward function (each parallel loop, run-time call or loop nest), runs it for S seconds and prints
the statements by time per call, each named by its line in the uninstrumented source and the
run-time call it makes with three of its shape arguments. `perf` names OpenMP's outlined functions
(`_omp_fn.17`); this names the layer. The timers cost about 2% of a call.
"""
from __future__ import annotations

import argparse
import ctypes
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

TIMER = r"""
#include <time.h>
double ts_profile_seconds[4096];
static inline double ts_profile_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
"""
STATEMENT = re.compile(r"^    (#pragma omp parallel|tsjit_\w+\(|for \()")


def instrument(source: str, labels: dict[int, str]) -> str:
    """`source` with a timer switch before each top-level statement of the forward function; fills
    `labels` (timer -> where it starts)."""
    lines, out, inside = source.split("\n"), [], False
    for i, line in enumerate(lines):
        if re.match(r"^void \w+_forward\(", line):
            inside = True
            out += [line, "    double ts_t = ts_profile_now(); int ts_k = 0;"]
            continue
        if inside and line == "}":
            out.append("    ts_profile_seconds[ts_k] += ts_profile_now() - ts_t;")
            inside = False
        elif inside and STATEMENT.match(line) and not lines[i - 1].startswith("    #pragma"):
            k = len(labels) + 1
            first = i + 2 if line.lstrip().startswith("#pragma") else i + 1  # the loop a pragma marks
            end = next((j for j in range(first, len(lines)) if STATEMENT.match(lines[j]) or lines[j] == "}"), first)
            ahead = " ".join(s.strip() for s in lines[i:max(end, i + 1)])
            call = re.search(r"(tsjit_\w+)\(([^;]*)\);", ahead)
            args = re.sub(r"INT64_C\((-?\d+)\)", r"\1", call.group(2)).replace(" ", "") if call else ""
            labels[k] = f"line {i + 1}: " + (f"{call.group(1)}({args})"[:90] if call else ahead[:70])
            out.append(f"    {{ double ts_n = ts_profile_now(); ts_profile_seconds[ts_k] += ts_n - ts_t; "
                       f"ts_t = ts_n; ts_k = {k}; }}")
        out.append(line)
    return TIMER + "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="the zoo's small test size")
    args = parser.parse_args()

    import tsjit
    import tsjit.backends.c as c_backend
    from zoo import ZOO, build_pair

    labels: dict[int, str] = {}
    built: list = []
    plain_build = c_backend.build

    def build(source: str):
        library = plain_build(instrument(source, labels))
        built.append(library)
        return library

    c_backend.build = build
    model, _ = build_pair(args.model, args.quick)
    xs = ZOO[args.model].inputs(np.random.default_rng(0), args.quick)
    compiled = tsjit.compile(model, backend="c", example_inputs=[tsjit.from_numpy(x) for x in xs], fallback=False)
    c_backend.build = plain_build
    tsjit.set_num_threads(args.threads)
    for _ in range(3):
        compiled(*xs)
    seconds = (ctypes.c_double * 4096).in_dll(built[-1], "ts_profile_seconds")
    ctypes.memset(seconds, 0, ctypes.sizeof(seconds))
    calls, start = 0, time.perf_counter()
    while calls == 0 or time.perf_counter() - start < args.seconds:
        compiled(*xs)
        calls += 1
    per_call = (time.perf_counter() - start) / calls * 1e6
    times = sorted(((seconds[k] / calls * 1e6, k) for k in range(len(labels) + 1)), reverse=True)
    inside = sum(t for t, _ in times)
    print(f"{args.model} at {args.threads} thread(s): {per_call:.0f} us per call, {inside:.0f} us in the forward")
    for t, k in times[:args.top]:
        print(f"{t:9.1f} us {100 * t / inside:5.1f}%  {labels.get(k, 'entry')}")


if __name__ == "__main__":
    main()
