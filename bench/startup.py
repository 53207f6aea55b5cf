"""Start-up time: `ts-opt` against xDSL's own `xdsl-opt` on the same 10-line file, and `import tsjit`
against `import torch` (when installed), each in fresh processes, interleaved, as ratios.

Targets: ts-opt <= 1.3x xdsl-opt; import tsjit <= 0.5x import torch. Also shown (no target): ts-opt
on a 10-line file of ts ops (which loads the ts dialect), and eager code's first tensor op.

Bytecode is compiled first (`compileall`): with PYTHONDONTWRITEBYTECODE set, an editable install
would otherwise recompile tsjit's sources in every process, which xDSL (installed) never does.

    python bench/startup.py [--runs N]
"""
from __future__ import annotations

import argparse
import compileall
import importlib.util
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UPSTREAM = """func.func @f(%a: i32, %b: i32) -> i32 {
  %c = arith.addi %a, %b : i32
  %d = arith.muli %c, %b : i32
  %e = arith.subi %d, %a : i32
  %f = arith.addi %e, %e : i32
  %g = arith.muli %f, %c : i32
  %h = arith.subi %g, %d : i32
  %i = arith.addi %h, %a : i32
  func.return %i : i32
}
"""
TS = """func.func @f(%x: !ts.tensor<[2,3], f32>, %y: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %one = ts.constant 1
  %a = ts.add %x, %y, %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
  %b = ts.relu %a : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  %c = ts.mul %b, %x : (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  %d = ts.sigmoid %c : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  %e = ts.sub %d, %b, %one : (!ts.tensor<[2,3], f32>, !ts.tensor<[2,3], f32>, !ts.int) -> !ts.tensor<[2,3], f32>
  %f = ts.tanh %e : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  func.return %f : !ts.tensor<[2,3], f32>
}
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per variant (default 15)")
    args = parser.parse_args()
    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "tsjit"), quiet=1)
    tools = {t: shutil.which(t) for t in ("ts-opt", "xdsl-opt")}
    if None in tools.values():
        print("ts-opt and xdsl-opt must be on PATH (pip install -e .)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        upstream, ts = Path(tmp, "upstream.mlir"), Path(tmp, "ts.mlir")
        upstream.write_text(UPSTREAM)
        ts.write_text(TS)
        py = sys.executable
        variants = {
            "xdsl-opt (upstream file)": [tools["xdsl-opt"], str(upstream)],
            "ts-opt (upstream file)": [tools["ts-opt"], str(upstream)],
            "ts-opt (ts file)": [tools["ts-opt"], str(ts)],
            "import tsjit": [py, "-c", "import tsjit"],
            "first eager op": [py, "-c", "import tsjit as torch; torch.ones(2).relu()"],
        }
        if importlib.util.find_spec("torch") is not None:
            variants["import torch"] = [py, "-c", "import torch"]
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name in random.sample(list(variants), len(variants)):
                times[name].append(timed(variants[name]))
    median = {name: statistics.median(ts_) for name, ts_ in times.items()}
    for name, value in median.items():
        print(f"{name:26s} median {value * 1e3:7.1f} ms")
    ratio = median["ts-opt (upstream file)"] / median["xdsl-opt (upstream file)"]
    print(f"ratio ts-opt/xdsl-opt      {ratio:.2f}  (target <= 1.3)")
    if "import torch" in median:
        print(f"ratio import tsjit/torch   {median['import tsjit'] / median['import torch']:.2f}  (target <= 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
