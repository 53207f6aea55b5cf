"""`ts-translate`: translations between tsjit's IR and other formats, as mlir-translate.

    ts-translate --emit-c model.mlir                         # model.c (+ loader glue) on stdout
    ts-translate --emit-c model.mlir -o model.c              # ... in model.c
    ts-translate --emit-c model.mlir --output-dir out/       # the standalone export (tsjit.export_c)
    ts-translate --emit-c generic.mlir --shapes 2x3xf32 --fn forward --output-dir out/
    ts-translate --import-torchscript graph.txt [-o model.mlir]

Why a separate tool: ts-opt maps IR to IR; these map IR to something else (C, a directory) or
something else to IR. Each translation is one row of TRANSLATIONS: its flag, what it reads,
and a handler. As in mlir-translate, `-o FILE` is the output file (`-`, the default, stdout),
replaced only when the translation succeeds, and the input `-` is stdin. Errors print one
readable line (`file:line:col: error: ...` for IR problems, `ts-translate: error: ...`
otherwise) and exit 1.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tsjit.ir.diagnostics import ToolError, emit_error, run_tool
from tsjit.tools import cli

TOOL = "ts-translate"


@dataclass(frozen=True)
class Translation:
    help: str
    handler: Callable[[argparse.Namespace], int]


def emit_c(args: argparse.Namespace) -> int:
    """ts-level (static shapes, or --shapes) or loop-level IR -> C: model.c in -o FILE (default
    stdout), or the standalone export in --output-dir DIR."""
    with cli.OutputFile(args.output, hint="use --output-dir DIR for the standalone C export") as out:
        return _emit_c(args, out)


def _emit_c(args: argparse.Namespace, out: cli.OutputFile) -> int:
    from tsjit.backends.c.export import ExportError, OutputInTheWay, export_module, prepare
    from tsjit.passes import apply_pass
    from tsjit.tools.ts_run import keep_only, load, pick_function, stage

    module = load(args.input_file)
    if args.fn or args.shapes:
        fn = pick_function(module, args.fn)
        name = fn.sym_name.data
        if args.shapes:
            shapes = tuple(s.strip() for s in args.shapes.split(",") if s.strip())
            check_shapes(shapes)
            with stage(f"specializing @{name} to {','.join(shapes)}", fn):
                apply_pass("ts-specialize", module, shapes=shapes, function=name)
        keep_only(module, fn)
    require_static_arguments(module)
    with stage("emitting C", module):
        try:
            if args.output_dir:
                exported = export_module(module, args.output_dir, main=args.fn)
            else:
                exported = prepare(module, main=args.fn)
        except OutputInTheWay as e:
            raise ToolError(str(e)) from None
        except ExportError as e:
            raise emit_error(module, str(e)) from None
    if args.output_dir:
        print(f"{TOOL}: wrote {exported.out_dir}/ (model.c, model.h, weights.bin, demo.c, Makefile, README.md); "
              f"build with `make -C {exported.out_dir}`", file=sys.stderr)
    else:
        out.keep(exported.files["model.c"])
    return 0


def check_shapes(shapes: tuple[str, ...]) -> None:
    from tsjit.passes.specialize import SpecializeError, parse_shape

    for token in shapes:
        try:
            parse_shape(token)
        except SpecializeError as e:
            raise ToolError(f"--shapes: {e.diag.message.removeprefix('ts-specialize: ')}") from None


def require_static_arguments(module) -> None:
    """C needs static shapes: name the first function whose tensor arguments lack them."""
    from xdsl.dialects.func import FuncOp

    from tsjit.dialects.ts.types import TensorType
    from tsjit.tools.ts_run import static_token

    for fn in module.ops:
        if not isinstance(fn, FuncOp) or not fn.body.blocks:
            continue
        for i, t in enumerate(fn.function_type.inputs.data):
            if isinstance(t, TensorType) and static_token(t) is None:
                raise emit_error(fn, f"@{fn.sym_name.data}: argument {i} has no static shape ({t}); "
                                     f"give --shapes (e.g. --shapes 2x3xf32) or ts-specialize it first")


def import_torchscript(args: argparse.Namespace) -> int:
    """A TorchScript graph dump (`print(scripted.graph)`) -> ts IR, on stdout or in -o FILE."""
    from tsjit.tools.ts_run import stage

    for flag in ("shapes", "fn", "output_dir"):
        if getattr(args, flag):
            raise ToolError(f"--{flag.replace('_', '-')} applies to --emit-c only")
    with cli.OutputFile(args.output) as out:
        text = cli.read_text(args.input_file)
        try:
            from tsjit.frontend import import_graph
        except ImportError:
            raise ToolError("the TorchScript importer (tsjit.frontend.import_graph) is not available") from None
        name = cli.display_name(args.input_file)
        with stage(f"importing {name}"):
            module = import_graph(text, filename=name)
        out.keep(str(module) + "\n")  # str(), the IR text: format() (f"{module}") gives `ModuleOp(...)`
    return 0


#: flag (without --) -> translation; --help lists them in this order
TRANSLATIONS: dict[str, Translation] = {
    "emit-c": Translation("IR (ts level with static shapes, or loop level) -> C: model.c in -o FILE "
                          "(default stdout), or with --output-dir DIR the standalone export "
                          "(model.c/.h, weights.bin, demo.c, Makefile)",
                          emit_c),
    "import-torchscript": Translation("TorchScript graph text (print(m.graph)) -> ts IR on stdout or -o FILE",
                                      import_torchscript),
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = cli.ArgumentParser(prog=TOOL, description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    p.add_argument("input_file", metavar="INPUT", nargs="?", default=cli.STDIO,
                   help="the file to translate ('-', the default, for stdin)")
    group = p.add_argument_group("translations (choose one)").add_mutually_exclusive_group(required=True)
    for flag, t in TRANSLATIONS.items():
        group.add_argument(f"--{flag}", dest="translation", action="store_const", const=flag, help=t.help)
    p.add_argument("-o", "--output", metavar="FILE", default=cli.STDIO,
                   help="the output file ('-', the default, for stdout); replaced only if the translation succeeds")
    p.add_argument("--output-dir", metavar="DIR", help="--emit-c: write the standalone C export "
                   "(model.c/.h, weights.bin, demo.c, Makefile) to DIR")
    p.add_argument("--shapes", metavar="2x3xf32,...", help="--emit-c: specialize the function to these "
                   "argument shapes first (ts-specialize syntax)")
    p.add_argument("--fn", metavar="NAME", help="--emit-c: the function to export (default: every public one; "
                   "the last is the demo's)")
    p.add_argument("--traceback", action="store_true", help="show the Python traceback of an error")
    cli.add_version(p, TOOL)
    argv = list(sys.argv[1:] if argv is None else argv)
    args = p.parse_args(cli.one_dash_long_options(argv, cli.long_option_names(p)))
    if args.output_dir and args.output != cli.STDIO:
        p.error("use -o FILE (model.c) or --output-dir DIR (the export), not both")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: one readable line and exit code 1 on any error."""
    args = parse_args(argv)
    return run_tool(TOOL, lambda: TRANSLATIONS[args.translation].handler(args), args.traceback)


if __name__ == "__main__":
    sys.exit(main())
