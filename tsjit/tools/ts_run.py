"""`ts-run`: run one function of an IR file on a backend, print or save its outputs, time it.

    ts-run model.mlir --fn forward --shapes 4x1x28x28xf32 --backend c --bench 100
    ts-run model.mlir --fn forward --inputs x.npy -o y.npy      # --output-dir out/: one .npy per output

Why: the shortest path from a `.mlir` file (written by `ts-opt`, by an exporter, by hand) to
numbers, on any registered backend, without writing Python.  The steps are the public API's:
parse (errors located as `file:line:col`), pick the function, make the inputs, specialize a
ts-level function to the inputs' shapes when the backend lowers it (`ts-specialize`), then
`tsjit.compile(module, backend=...)` and call.

Random inputs (`--shapes`) are drawn with `numpy.random.default_rng(--seed)` (default seed 0),
one array per shape in order: floating dtypes from the standard normal N(0, 1), integer dtypes
uniformly from [0, 10), bool uniformly.  Without --shapes/--inputs, a ts function whose tensor
arguments all have static types gets random inputs of those types.

As in MLIR's tools, `-o FILE` is the output file (`-`: stdout, as .npy bytes), written through a
temporary file so that a failed run leaves an existing FILE as it was; the input `-` is stdin.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import warnings
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp, SymbolRefAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute, Operation

from tsjit.dtypes import is_float
from tsjit.ir.diagnostics import DiagError, ToolError, emit_error, parse_located, run_tool, verify_located
from tsjit.tools import cli

TOOL = "ts-run"
SUMMARY_THRESHOLD = 64  # arrays with more elements print summarised (numpy's `...`)
PROGRESS_AFTER = 1.0  # seconds: a benchmark expected to run longer shows a progress bar


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    from tsjit.backends.registry import available

    p = cli.ArgumentParser(prog=TOOL, description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    p.add_argument("input_file", metavar="FILE.mlir", nargs="?", default=cli.STDIO,
                   help="IR to run ('-', the default, for stdin)")
    p.add_argument("--fn", metavar="NAME", help="function to run (default: the only, or last, public one)")
    given = p.add_mutually_exclusive_group()
    given.add_argument("--inputs", metavar="A.npy,B.npy", help="input arrays, one .npy file per argument")
    given.add_argument("--shapes", metavar="2x3xf32,...",
                       help="random inputs of these shapes/dtypes (ts-specialize syntax; see --seed)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    p.add_argument("--backend", default="numpy", help=f"one of: {', '.join(available())} (default numpy)")
    p.add_argument("--bench", type=int, default=0, metavar="N",
                   help="time N calls after a warm-up call; report median, p10, p90, min")
    p.add_argument("--no-progress", action="store_true", help="never show the --bench progress bar")
    p.add_argument("--no-fallback", action="store_true",
                   help="fail (exit 1) if any op would run on numpy instead of the chosen backend")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="save the (single) output as .npy to FILE "
                     "('-': stdout); replaced only if the run succeeds")
    out.add_argument("--output-dir", metavar="DIR", help="save output i as DIR/output_i.npy")
    p.add_argument("--traceback", action="store_true", help="show the Python traceback of an error")
    cli.add_version(p, TOOL)
    argv = list(sys.argv[1:] if argv is None else argv)
    args = p.parse_args(cli.one_dash_long_options(argv, cli.long_option_names(p)))
    if args.bench < 0:
        p.error("--bench takes a count >= 0")
    return args


# --------------------------------------------------------------------------------- the IR


def load(path: str) -> ModuleOp:
    """Parse and verify; a problem becomes a located one-line error."""
    from tsjit.dialects import context

    text = cli.read_text(path)
    if cli.is_blank(text):  # xDSL's parser would say "Could not parse entire input!"
        raise ToolError(f"input file '{cli.display_name(path)}' is empty: it defines no function")
    module = parse_located(context(), text, cli.display_name(path))
    verify_located(module)
    return module


def is_public(fn: FuncOp) -> bool:
    return fn.sym_visibility is None or fn.sym_visibility.data == "public"


def pick_function(module: ModuleOp, name: str | None) -> FuncOp:
    """`name`, or else the only (or last) public function defined in the module."""
    defined = [op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks]
    names = ", ".join(f.sym_name.data for f in defined) or "none"
    if name is not None:
        for fn in defined:
            if fn.sym_name.data == name:
                return fn
        raise emit_error(module, f"no function '{name}' in the module; available: {names}")
    public = [fn for fn in defined if is_public(fn)]
    if not public:
        raise emit_error(module, f"the module defines no public function (functions: {names}); use --fn")
    return public[-1]


def without_self(fn: FuncOp) -> None:
    """A frozen module's method keeps its `%self` argument, unused (the weights are constants
    now): drop it, as ts-run passes tensors only. A used one is a module that is not frozen,
    which ts-run cannot make: an error, at the first use, that says how to get a function."""
    from xdsl.dialects.builtin import ArrayAttr, FunctionType

    from tsjit.dialects.ts.types import ClassType

    for arg in [a for a in fn.args if isinstance(a.type, ClassType)]:
        if arg.uses:
            user = next(iter(arg.uses)).operation
            raise emit_error(user, f"@{fn.sym_name.data} uses %{arg.name_hint or arg.index} ({arg.type}), a module "
                                   "instance, which ts-run cannot make: freeze the module first (ts-opt -p ts-freeze; "
                                   "in Python, torch.jit.freeze, or torch.jit.specialize for a function of tensors)")
        kept = [i for i in range(len(fn.args)) if i != arg.index]
        outputs = fn.function_type.outputs.data
        fn.body.blocks[0].erase_arg(arg)
        fn.properties["function_type"] = FunctionType.from_lists([a.type for a in fn.args], outputs)
        if fn.arg_attrs is not None:
            fn.arg_attrs = ArrayAttr([fn.arg_attrs.data[i] for i in kept])


def called_functions(module: ModuleOp, root: FuncOp) -> set[str]:
    """The symbols `root` reaches through symbol references (calls), itself included."""
    by_name = {op.sym_name.data: op for op in module.ops if isinstance(op, FuncOp)}
    seen, todo = set[str](), [root.sym_name.data]
    while todo:
        name = todo.pop()
        if name in seen or name not in by_name:
            continue
        seen.add(name)
        for op in by_name[name].walk():
            for attr in [*op.attributes.values(), *op.properties.values()]:
                if isinstance(attr, SymbolRefAttr):
                    todo.append(attr.root_reference.data)
    return seen


def keep_only(module: ModuleOp, fn: FuncOp) -> None:
    """Drop the functions `fn` does not call, so a backend lowers only what runs."""
    keep = called_functions(module, fn)
    for op in list(module.ops):
        if isinstance(op, FuncOp) and op.sym_name.data not in keep:
            module.body.block.erase_op(op)


# ----------------------------------------------------------------------------- the inputs


def shape_token(array: np.ndarray) -> str:
    """`4x3xf32`: the ts-specialize spelling of an array's type."""
    from tsjit.dialects.ts.types import DTYPES

    if array.dtype.name not in DTYPES:
        raise ToolError(f"unsupported input dtype {array.dtype} (one of {', '.join(DTYPES)})")
    return "x".join([*map(str, array.shape), str(DTYPES[array.dtype.name])])


def random_array(token: str, rng: np.random.Generator) -> np.ndarray:
    """An array of the shape/dtype `token` (`2x3xf32`), drawn as the module docstring says."""
    from tsjit.backends.numpy.ops.upstream_common import np_dtype
    from tsjit.dialects.ts.types import DYNAMIC
    from tsjit.passes.specialize import parse_shape

    try:
        t = parse_shape(token)
    except Exception as e:
        raise ToolError(f"--shapes: {e}".replace("ts-specialize: ", "")) from None
    if DYNAMIC in t.sizes:
        raise ToolError(f"--shapes: '{token}' has an unknown dim; random inputs need every size")
    dtype = np_dtype(t.element_type)
    if is_float(dtype):
        return rng.standard_normal(t.sizes).astype(dtype)
    if dtype.kind == "b":
        return rng.random(t.sizes) < 0.5
    return rng.integers(0, 10, size=t.sizes).astype(dtype)


def load_npy(path: str) -> np.ndarray:
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise ToolError(f"cannot read input '{path}': {e}") from None
    if not isinstance(array, np.ndarray):
        raise ToolError(f"input '{path}' is an .npz archive; give one .npy file per argument")
    return np.ascontiguousarray(array)


def static_token(t: Attribute) -> str | None:
    """The spelling of a fully static ts tensor type, else None."""
    from tsjit.dialects.ts.types import TensorType

    if isinstance(t, TensorType) and t.has_static_shape and t.element_type is not None:
        return "x".join([*map(str, t.sizes), str(t.element_type)])
    return None


def make_inputs(args: argparse.Namespace, fn: FuncOp) -> list[np.ndarray]:
    """From --inputs, from --shapes, or from the static argument types of `fn`."""
    if args.inputs:
        return [load_npy(p.strip()) for p in args.inputs.split(",") if p.strip()]
    rng = np.random.default_rng(args.seed)
    if args.shapes:
        return [random_array(s.strip(), rng) for s in args.shapes.split(",") if s.strip()]
    tokens = [static_token(t) for t in fn.function_type.inputs.data]
    if not tokens or None in tokens:
        raise emit_error(fn, f"@{fn.sym_name.data} does not have static argument types; "
                             "give --shapes or --inputs")
    return [random_array(s, rng) for s in tokens]


def check_inputs(fn: FuncOp, inputs: list[np.ndarray]) -> bool:
    """Check the inputs against a ts function's argument types; True if it needs specializing.
    Lowered (memref) functions are checked by the backend, which also allocates their outputs."""
    from tsjit.dialects.ts.types import DYNAMIC, TensorType

    types = fn.function_type.inputs.data
    if not any(isinstance(t, TensorType) for t in types):
        return False
    name = fn.sym_name.data
    if len(inputs) != len(types):
        raise emit_error(fn, f"@{name} takes {len(types)} arguments, {len(inputs)} inputs given")
    needs = False
    for i, (t, array) in enumerate(zip(types, inputs)):
        if not isinstance(t, TensorType):
            raise emit_error(fn, f"argument {i} of @{name} is {t}; ts-run passes tensors only")
        got = shape_token(array)
        if t.sizes is not None and (len(t.sizes) != array.ndim or any(
                d not in (DYNAMIC, n) for d, n in zip(t.sizes, array.shape))) \
                or t.element_type is not None and str(t.element_type) != got.split("x")[-1]:
            raise emit_error(fn, f"input {i} is {got} but argument {i} of @{name} is {t}")
        needs |= static_token(t) != got
    return needs


# ------------------------------------------------------------------------------ the run


@contextlib.contextmanager
def stage(what: str, at: Operation | None = None) -> Iterator[None]:
    """Turn any failure inside into `<where>: error: <what>: <first line of the message>`,
    where is the location of the op `at` (the function, the module), else the tool's name."""
    try:
        yield
    except ToolError:
        raise
    except DiagError as e:
        if e.diag.loc is None and at is not None:
            raise emit_error(at, f"{what}: {e.diag.message}") from None
        raise
    except Exception as e:
        lines = [ln for ln in str(e).splitlines() if ln.strip()]
        msg = lines[0] if lines else type(e).__name__
        kind = "" if type(e).__name__ in ("Error", "SpecializeError") else f"{type(e).__name__}: "
        if at is not None:
            raise emit_error(at, f"{what}: {kind}{msg}") from e
        raise ToolError(f"{what}: {kind}{msg}") from e


def build(args: argparse.Namespace) -> tuple[Any, FuncOp, list[np.ndarray]]:
    """The compiled module, the function to call (at the backend's level) and its inputs."""
    from tsjit.backends.registry import available, backend as get_backend
    from tsjit.compiler import FallbackWarning, compile
    from tsjit.passes import apply_pass

    module = load(args.input_file)
    fn = pick_function(module, args.fn)
    without_self(fn)
    name = fn.sym_name.data
    inputs = make_inputs(args, fn)
    if args.backend not in available():
        raise ToolError(f"unknown backend '{args.backend}'; available: {', '.join(available())}")
    with stage(f"backend '{args.backend}'"):
        lowers = bool(get_backend(args.backend).pipeline)
    if check_inputs(fn, inputs) and lowers:
        with stage(f"specializing @{name} to {','.join(map(shape_token, inputs))}", fn):
            apply_pass("ts-specialize", module, shapes=tuple(map(shape_token, inputs)), function=name)
    if lowers:
        keep_only(module, fn)
    with stage(f"compiling @{name} for the {args.backend} backend", fn), warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", FallbackWarning)
        compiled = compile(module, backend=args.backend, fallback=not args.no_fallback)
    for w in seen:  # one line, not Python's warning format (file:line and the source line)
        if issubclass(w.category, FallbackWarning):
            print(f"{TOOL}: warning: {str(w.message).removeprefix('tsjit.compile: ').replace('fallback=False', '--no-fallback')}",
                  file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    compiled.main = next(op for op in compiled.module.ops if isinstance(op, FuncOp)
                         and op.sym_name.data == name)
    return compiled, fn, inputs


def as_outputs(result: Any) -> list[Any]:
    return list(result) if isinstance(result, tuple) else [result]


def show(outputs: list[Any]) -> None:
    """numpy's repr, summarised past SUMMARY_THRESHOLD elements."""
    with np.printoptions(threshold=SUMMARY_THRESHOLD, edgeitems=3):
        for i, value in enumerate(outputs):
            if isinstance(value, np.ndarray):
                print(f"output {i}: {value.dtype}{list(value.shape)}")
            else:
                print(f"output {i}: {type(value).__name__}")
            print(repr(value))


def npy_bytes(value: Any, i: int) -> bytes:
    buf = io.BytesIO()
    try:
        np.save(buf, np.asarray(value), allow_pickle=False)
    except (ValueError, TypeError) as e:
        raise ToolError(f"cannot save output {i} as .npy: {e}") from None
    return buf.getvalue()


def save(outputs: list[Any], args: argparse.Namespace, out: cli.OutputFile | None) -> None:
    """-o FILE: the one output; --output-dir DIR: DIR/output_i.npy. Each file is replaced whole."""
    if out is not None:
        if len(outputs) != 1:
            raise ToolError(f"-o takes one output, the function returns {len(outputs)}; use --output-dir DIR")
        out.keep(npy_bytes(outputs[0], 0))
        if args.output != cli.STDIO:
            print(f"wrote {args.output}", file=sys.stderr)
        return
    directory = Path(args.output_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ToolError(f"cannot create output directory '{directory}': {e.strerror}") from None
    for i, value in enumerate(outputs):
        with cli.OutputFile(str(directory / f"output_{i}.npy")) as file:
            file.keep(npy_bytes(value, i))
        print(f"wrote {file.path}", file=sys.stderr)


def format_seconds(s: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3f} {unit}"
    return f"{s / 1e-9:.1f} ns"


def bench(call: Any, n: int, warmup_seconds: float, progress: bool) -> dict[str, float]:
    """Time `n` calls (after the warm-up the caller did); a progress bar when it is long."""
    times = np.empty(n)
    steps = range(n)
    if progress and sys.stderr.isatty() and warmup_seconds * n > PROGRESS_AFTER:
        from tqdm import tqdm

        steps = tqdm(steps, desc="bench", unit="call", file=sys.stderr, leave=False)
    for i in steps:
        start = time.perf_counter()
        call()
        times[i] = time.perf_counter() - start
    p10, median, p90 = np.percentile(times, [10, 50, 90])
    return {"median": median, "p10": p10, "p90": p90, "min": times.min()}


def run(args: argparse.Namespace) -> int:
    """-o FILE is opened first, so that an unwritable path fails before the work."""
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(cli.OutputFile(args.output, hint="use --output-dir DIR for one .npy per output")
                                  ) if args.output else None
        compiled, fn, inputs = build(args)
        name = fn.sym_name.data
        start = time.perf_counter()
        with stage(f"@{name} failed", fn):
            outputs = as_outputs(compiled(*inputs))
        first = time.perf_counter() - start
        if out is not None or args.output_dir:
            save(outputs, args, out)
        else:
            show(outputs)
        if args.bench:
            with stage(f"@{name} failed", fn):
                stats = bench(lambda: compiled(*inputs), args.bench, first, not args.no_progress)
            report = "  ".join(f"{k} {format_seconds(v)}" for k, v in stats.items())
            to_stdout = args.output != cli.STDIO  # else stdout carries the .npy bytes
            print(f"bench @{name} on {args.backend}, {args.bench} calls: {report}",
                  file=sys.stdout if to_stdout else sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: one readable line and exit code 1 on any error."""
    args = parse_args(argv)
    return run_tool(TOOL, lambda: run(args), args.traceback)


if __name__ == "__main__":
    sys.exit(main())
