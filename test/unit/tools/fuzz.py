"""A mutation fuzzer for the tools: mutated IR through ts-opt (several pipelines), ts-run and
ts-translate, and damaged archives through `tsjit.load`.

Each input runs in a worker process, so a hang (even inside a regex, which no signal
interrupts) is caught by the timeout and the worker replaced. A run fails if it
- raises or prints a Python traceback (a pass's "this is a bug" crash included),
- exits with anything but 0 or 1, or 1 without one readable error line that names the file
  (`file:line:col: error: ...`, or `tool: error: ... 'file' ...` for file-level errors),
- takes longer than the timeout.

    python test/unit/tools/fuzz.py [N] [SEED]      # a long run; prints every failure
"""
from __future__ import annotations

import contextlib
import io
import multiprocessing
import pickle
import random
import re
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORPUS_DIRS = [ROOT / "test" / "lit", ROOT / "examples"]

SHAPES = ["2x3xf32", "3xf32", "f32", "2x3x4xf32", "1x2x5x5xf32", "4xi64", "2x2xf64", "3x3xi1"]

PIPELINES = [
    [],
    ["-p", "canonicalize,cse,dce"],
    ["-p", "ts-inline,ts-freeze,ts-optimize-for-inference"],
    ["-p", "ts-inline,ts-optimize-for-inference,ts-constant-pooling"],
    ["-p", "ts-specialize{shapes=%s}"],
    ["-p", "ts-decompose,ts-to-linalg"],
    ["-p", "ts-lower-to-loops"],
    ["-p", "ts-contractions-to-calls"],
    ["-p", "ts-unroll-loops,ts-constant-propagation"],
    ["--split-input-file", "-p", "ts-bufferize,ts-linalg-to-loops"],
]

TOKENS = ['%', '"', '{', '}', '(', ')', '<', '>', '[', ']', ':', ',', '=', '->', '0', '-1', '1e999',
          '0x', '?', 'x', '!ts.tensor', 'tensor<', 'memref<', 'f32', 'i64', 'index', '^bb0', '@', '#',
          'dense<', '"\\', '\x01', '\t', '\n', '// -----\n', 'loc(', 'ts.', 'func.func', '...']

ERROR_LINE = re.compile(r"^(?P<file>[^\n:]+):\d+:\d+: error: |^ts-(opt|run|translate): error: ", re.M)


def corpus() -> list[str]:
    """The chunks of the lit tests and examples that are valid IR (no expected errors)."""
    texts = []
    for d in CORPUS_DIRS:
        for path in sorted(d.rglob("*.mlir")):
            text = path.read_text(encoding="utf-8")
            for chunk in re.split(r"^// -----$", text, flags=re.M):
                lines = [ln for ln in chunk.split("\n") if "RUN:" not in ln and "CHECK" not in ln]
                if "expected-" not in chunk and any(ln.strip() for ln in lines):
                    texts.append("\n".join(lines))
    return texts


def mutate(text: str, rng: random.Random, donors: list[str]) -> bytes:
    """One to four edits: delete, duplicate, insert a token, splice a donor's line, truncate,
    swap two lines, change a digit; sometimes bytes that are not UTF-8."""
    for _ in range(1 if rng.random() < 0.6 else rng.randint(2, 4)):
        n = len(text)
        i, j = sorted(rng.randrange(n + 1) for _ in range(2)) if n else (0, 0)
        # half the edits keep the text well-formed more often than not: they reach the passes
        kind = rng.randrange(10) if rng.random() < 0.5 else rng.choice([6, 7, 7, 8, 9])
        if kind == 0:
            text = text[:i] + text[min(n, i + rng.randint(1, 30)):]
        elif kind == 1:
            text = text[:j] + text[i:j][:200] + text[j:]
        elif kind == 2:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif kind == 3:
            lines = rng.choice(donors).split("\n")
            text = text[:i] + rng.choice(lines) + "\n" + text[i:]
        elif kind == 4:
            text = text[:i]
        elif kind == 5:
            lines = text.split("\n")
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif kind in (7, 8, 9):  # one SSA name, op name or type for another of the file's
            pattern = [r"%[\w.$-]+", r"\b[a-z_]+\.[a-z_.0-9]+\b", r"!ts\.[a-z_]+(<[^<>]*>)?|(memref|tensor)<[^<>]*>"][kind - 7]
            found = list(re.finditer(pattern, text))
            if found:
                m, other = rng.choice(found), rng.choice(found).group()
                text = text[:m.start()] + other + text[m.end():]
        else:
            digits = [m.start() for m in re.finditer(r"\d", text)]
            if digits:
                k = rng.choice(digits)
                text = text[:k] + rng.choice(["0", "9", "99999999999999999999", "-1", "2"]) + text[k + 1:]
    data = text.encode("utf-8")
    if rng.random() < 0.02:
        k = rng.randrange(len(data) + 1)
        data = data[:k] + b"\xff\xfe" + data[k:]
    return data


@dataclass
class Outcome:
    tool: str
    args: list[str]
    rc: int | None  # None: timed out
    seconds: float
    out: str
    err: str
    problem: str | None
    data: bytes


def _run_in_process(tool: str, args: list[str], path: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            if tool == "load":
                import tsjit

                try:
                    tsjit.load(path)
                    rc = 0
                except (tsjit.jit.serialization.ArchiveError, pickle.UnpicklingError) as e:
                    print(f"ts-opt: error: {e}", file=sys.stderr)  # an exception that names the file
                    rc = 1
            else:
                module = {"ts-opt": "ts_opt", "ts-run": "ts_run", "ts-translate": "ts_translate"}[tool]
                main = __import__(f"tsjit.tools.{module}", fromlist=["main"]).main
                rc = main([path, *args])
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except BaseException:
            traceback.print_exc()
            rc = 99
    return rc, out.getvalue(), err.getvalue()


def _worker(conn) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        while True:
            job = conn.recv()
            if job is None:
                return
            tool, args, data = job
            path = str(Path(tmp) / ("input.pt" if tool == "load" else "input.mlir"))
            Path(path).write_bytes(data)
            conn.send(_run_in_process(tool, [a.replace("{tmp}", tmp) for a in args], path))


def judge(rc: int | None, err: str, path_name: str, seconds: float, limit: float, source: bytes = b"") -> str | None:
    if rc is None:
        return f"timed out after {limit} s"
    # an error quotes the offending input line: words in the input (a lit file's CHECK lines) do not count
    quoted = set(source.decode("utf-8", "replace").splitlines())
    own = "\n".join(line for line in err.splitlines() if line not in quoted)
    if "Traceback (most recent call last)" in own or "this is a bug" in own:
        return "traceback"
    if rc not in (0, 1):
        return f"exit code {rc}"
    if rc == 1:
        m = ERROR_LINE.search(err)
        if not m:
            return "exit 1 without an error line"
        line = err[m.start():].split("\n")[0]
        if m.group("file") is None and path_name not in line:
            return "an error that names no file"
    if seconds > limit:
        return f"took {seconds:.1f} s"
    return None


class Fuzzer:
    """Runs jobs in a worker process, restarting it after a hang."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.ctx = multiprocessing.get_context("spawn")
        self.proc = None

    def _start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()

    def run(self, tool: str, args: list[str], data: bytes) -> Outcome:
        if self.proc is None or not self.proc.is_alive():
            self._start()
        start = time.perf_counter()
        self.conn.send((tool, args, data))
        # the first job also imports tsjit in the fresh worker
        if self.conn.poll(self.timeout + (20 if not hasattr(self, "warm") else 0)):
            self.warm = True
            try:
                rc, out, err = self.conn.recv()
            except (EOFError, OSError):  # the worker died (a crash in native code)
                self.proc.join()
                self.proc, rc, out, err = None, self.proc.exitcode, "", "the process died"
        else:
            self.proc.kill()
            self.proc.join()
            self.proc, rc, out, err = None, None, "", ""
        seconds = time.perf_counter() - start
        name = "input.pt" if tool == "load" else "input.mlir"
        return Outcome(tool, args, rc, seconds, out, err, judge(rc, err, name, seconds, self.timeout, data), data)

    def close(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.conn.send(None)
            self.proc.join(5)


def archives() -> list[bytes]:
    """tsjit.jit.save archives of two scripted modules."""
    import tsjit
    import tsjit.nn as nn

    out = []
    for m in (nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)),
              nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten())):
        buf = io.BytesIO()
        tsjit.jit.save(tsjit.jit.script(m.eval()), buf)
        out.append(buf.getvalue())
    return out


def damage(archive: bytes, rng: random.Random, donors: list[str]) -> bytes:
    """An archive with its IR mutated (rezipped, so the zip is sound), or its bytes damaged."""
    if rng.random() < 0.5:
        src, dst = zipfile.ZipFile(io.BytesIO(archive)), io.BytesIO()
        with zipfile.ZipFile(dst, "w") as z:
            for name in src.namelist():
                data = src.read(name)
                if name.endswith(".mlir") or rng.random() < 0.1:
                    data = mutate(data.decode("utf-8", "replace"), rng, donors)
                z.writestr(name, data)
        return dst.getvalue()
    data = bytearray(archive)
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data[:rng.randint(0, len(data))] if rng.random() < 0.3 else data)


def jobs(n: int, seed: int):
    """(tool, args, input bytes) for n mutated inputs, each through one tool invocation."""
    rng = random.Random(seed)
    texts = corpus()
    saved = None
    for _ in range(n):
        data = mutate(rng.choice(texts), rng, texts)
        roll = rng.random()
        shapes = ",".join(rng.choice(SHAPES) for _ in range(rng.randint(1, 3)))
        if roll < 0.05:
            saved = saved or archives()
            yield "load", [], damage(rng.choice(saved), rng, texts)
        elif roll < 0.8:
            yield "ts-opt", [a.replace("%s", shapes) for a in rng.choice(PIPELINES)], data
        elif roll < 0.9:
            yield "ts-run", ["--backend", rng.choice(["numpy", "numpy", "c"]), "--shapes", shapes], data
        else:
            yield "ts-translate", rng.choice([["--emit-c"], ["--emit-c", "--shapes", shapes]]), data


def fuzz(n: int, seed: int, timeout: float = 10.0) -> list[Outcome]:
    fuzzer = Fuzzer(timeout)
    try:
        return [o for job in jobs(n, seed) if (o := fuzzer.run(*job)).problem]
    finally:
        fuzzer.close()


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    bad = fuzz(n, seed)
    keep = Path(tempfile.mkdtemp(prefix="tsjit-fuzz-"))
    for i, o in enumerate(bad):
        saved = keep / f"failure_{i}.{'pt' if o.tool == 'load' else 'mlir'}"
        saved.write_bytes(o.data)
        print(f"--- {o.tool} {saved} {' '.join(o.args)}: {o.problem} ({o.seconds:.1f} s)\n{o.err[-1500:]}")
    print(f"{len(bad)} of {n} failed")
