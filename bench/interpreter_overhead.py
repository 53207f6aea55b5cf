"""Per-op interpreter overhead of the numpy backend.

Runs a chain of N cheap tensor ops on tiny tensors (`ts.add %x, %c, %one` then `ts.mul %x, %c`,
alternating) through `Program.function`, and the same kernel calls written out in Python, and
prints the CPU time per call of each (process time: stable on a loaded machine) and the
difference per op: what the interpreter adds.

    python bench/interpreter_overhead.py [--ops 100] [--rounds 200]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, builtin, func
from xdsl.parser import Parser

from tsjit.backends.numpy import Program
from tsjit.dialects import ts

T = "!ts.tensor<[4], f32>"


def chain_ir(n: int) -> str:
    lines = [f"func.func @chain(%x0: {T}, %c: {T}) -> {T} {{", "  %one = ts.constant 1"]
    for i in range(n):
        if i % 2 == 0:
            lines.append(f"  %x{i + 1} = ts.add %x{i}, %c, %one : ({T}, {T}, !ts.int) -> {T}")
        else:
            lines.append(f"  %x{i + 1} = ts.mul %x{i}, %c : ({T}, {T}) -> {T}")
    lines += [f"  func.return %x{n} : {T}", "}"]
    return "\n".join(lines)


def kernels() -> dict:
    try:
        from tsjit.ops import KERNELS

        return KERNELS
    except ModuleNotFoundError:  # the kernels package is not there yet: numpy stand-ins
        return {"add": lambda a, b, alpha: np.add(a, b * alpha if alpha != 1 else b),
                "mul": lambda a, b: np.multiply(a, b)}


def direct(table: dict, n: int):
    """The same chain as straight-line Python calling the kernels (the fastest Python can do)."""
    body = "".join("    x = add(x, c, 1)\n" if i % 2 == 0 else "    x = mul(x, c)\n" for i in range(n))
    namespace = {"add": table["add"], "mul": table["mul"]}
    exec(f"def run(x, c):\n{body}    return x\n", namespace)
    return namespace["run"]


def interleaved_times(fns, args, rounds: int, batch: int = 20) -> list[float]:
    """Per-call time of each fn: batches alternate between the fns (so drift and other load on
    the machine hit both alike); each fn's time is the median over rounds of its batch mean."""
    samples = [[] for _ in fns]
    for _ in range(rounds):
        for fn, out in zip(fns, samples):
            start = time.process_time()
            for _ in range(batch):
                fn(*args)
            out.append((time.process_time() - start) / batch)
    return [statistics.median(s) for s in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    ctx = Context()
    for dialect in (builtin.Builtin, func.Func, arith.Arith, ts.TS):
        ctx.load_dialect(dialect)
    table = kernels()
    program = Program(Parser(ctx, chain_ir(args.ops)).parse_module(), kernels=table)
    interpreted = program.function("chain")
    python = direct(table, args.ops)
    x, c = np.ones(4, np.float32), np.full(4, 0.5, np.float32)
    np.testing.assert_allclose(interpreted(x, c), python(x, c))
    t_interp, t_python = interleaved_times([interpreted, python], (x, c), args.rounds)
    print(f"chain of {args.ops} ops on float32[4], median of {args.rounds} rounds")
    print(f"  numpy backend  : {t_interp * 1e6:9.1f} us/call")
    print(f"  direct kernels : {t_python * 1e6:9.1f} us/call")
    print(f"  interpreter overhead: {(t_interp - t_python) / args.ops * 1e9:7.0f} ns/op "
          f"(ratio {t_interp / t_python:.2f}x)")


if __name__ == "__main__":
    main()
