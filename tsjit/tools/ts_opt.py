"""`ts-opt`: tsjit's `*-opt` driver, xdsl-opt with the MLIR surface users expect.

Why a subclass of xDSLOptMain: we keep every upstream dialect, pass, target and
flag (-p, -t, -o, --split-input-file, ...) and add what xdsl-opt lacks:
`--pass-pipeline` with MLIR's nested syntax, pass plugins, MLIR-style IR dumps and
timing, a real `--verify-diagnostics`, and readable errors instead of tracebacks.
It also takes mlir-opt's spellings: every pass as a flag (`--cse`, pass_flags.py), long
options with one dash (`-pass-pipeline=...`), `--mlir-print-op-generic` and the other `--mlir-*`
names, `-` for stdin and stdout; `-o FILE` is replaced only by a run that succeeds (cli.py).
The pieces live in tsjit/ir (pipeline.py, diagnostics.py, statistics.py), plugins.py, targets.py
and cli.py; this file wires them to the command line and runs the input chunk by chunk.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
import traceback
from collections.abc import Sequence

from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute
from xdsl.utils.arg_spec import parse_spec
from xdsl.utils.diagnostic import Diagnostic
from xdsl.utils.exceptions import ShrinkException
from xdsl.xdsl_opt_main import _empty_post_init, xDSLOptMain

from tsjit.version import __version__
from tsjit.passes import tsjit_passes
from tsjit.ir import pipeline as pp
from tsjit.ir.diagnostics import (
    Diag, DiagError, SourceText, ToolError, check_expected, collecting, internal_error,
    parse_expected, parse_located, render, verify_located,
)  # fmt: skip
from tsjit.ir.statistics import DISPLAYS, Statistics
from tsjit.tools import cli, pass_flags, targets
from tsjit.tools.cli import is_blank
from tsjit.tools.plugins import entry_point_passes, load_pass_file

TOOL = "ts-opt"

_LIST = {"action": "append", "default": [], "metavar": "PASS[,PASS...]"}
_FLAG = {"action": "store_true", "default": False}

# (option strings, argparse keywords): the flags ts-opt adds to xdsl-opt's.
ARGUMENTS: list[tuple[tuple[str, ...], dict]] = [
    (("--pass-pipeline",), {"default": None, "metavar": "PIPELINE",
        "help": "MLIR textual pipeline, e.g. 'builtin.module(func.func(cse),dce)'"}),
    (("--load-pass-plugin",), {"action": "append", "default": [], "metavar": "FILE.py",
        "help": "register every ModulePass subclass defined in FILE.py (repeatable)"}),
    (("--print-ir-before", "--mlir-print-ir-before"), {**_LIST,
        "help": "print the IR to stderr before these passes (repeatable)"}),
    (("--print-ir-after", "--mlir-print-ir-after"), {**_LIST,
        "help": "print the IR to stderr after these passes (repeatable)"}),
    (("--print-ir-before-all", "--mlir-print-ir-before-all"), {**_FLAG,
        "help": "print the IR to stderr before every pass"}),
    (("--print-ir-after-all", "--mlir-print-ir-after-all"), {**_FLAG,
        "help": "print the IR to stderr after every pass"}),
    (("--timing", "--mlir-timing"), {**_FLAG,
        "help": "print MLIR's per-pass execution time report to stderr"}),
    (("--dump-pass-pipeline",), {**_FLAG,
        "help": "print the pipeline in canonical nested form to stderr"}),
    (("--list-passes",), {**_FLAG, "help": "list the available passes and exit"}),
    (("--show-dialects",), {**_FLAG, "help": "print the registered dialects and exit (mlir-opt's flag)"}),
    (("--mlir-pass-statistics",), {**_FLAG, "dest": "pass_statistics",
        "help": "print how many operations each pass erased and created to stderr"}),
    (("--mlir-pass-statistics-display",), {"choices": DISPLAYS, "default": "pipeline",
        "dest": "pass_statistics_display", "help": "the statistics' layout: nested as the pipeline, or per pass"}),
    (("--mlir-print-op-generic",), {**_FLAG, "dest": "print_op_generic", "help": "alias of --print-op-generic"}),
    (("--mlir-print-debuginfo",), {**_FLAG, "dest": "print_debuginfo",
        "help": "alias of --print-debuginfo: print each op's location, loc(\"file\":line:col)"}),
    (("--output",), {"dest": "output_file", "metavar": "FILE", "help": "alias of -o, as in ts-run and ts-translate"}),
    (("--traceback",), {**_FLAG, "help": "show the Python traceback of an internal error"}),
]  # fmt: skip

EPILOG = """Every pass is also a flag, as in mlir-opt: `ts-opt in.mlir --canonicalize --cse`, with options
`--ts-lower-to-loops="shapes=2x3xf32 library-calls=true"` (see --list-passes). Long options may
be written with one dash (`-pass-pipeline=...`); `-` is stdin (input) or stdout (-o)."""

# xdsl-opt flags whose meaning ts-opt changes (MLIR's), by argparse dest.
NEW_HELP = {
    "verify_diagnostics": "check the diagnostics against `// expected-error {{...}}` "
    "(-warning, -remark, -note; @+N, @-N, @above, @below) comments; exit 1 on mismatch",
    "time_passes": "alias of --timing",
    "print_between_passes": "alias of --print-ir-after-all",
    "parsing_diagnostics": "print the errors of failing chunks on stdout and exit 0",
    "split_input_file": "process the parts between `// -----` lines separately",
    "output_file": "the output file ('-', the default, for stdout); replaced only if the run succeeds",
    "input_file": "the input file ('-', the default, for stdin)",
}

_SPLIT = re.compile(r"^[ \t]*// -----[ \t]*$", re.M)


def split_chunks(text: str) -> list[tuple[str, int]]:
    """Split on lines that are exactly `// -----` (not inside CHECK lines, unlike
    xdsl-opt's raw byte split); each chunk comes with its line offset in the file."""
    chunks, start, offset = [], 0, 0
    for m in _SPLIT.finditer(text):
        chunks.append((text[start : m.start()], offset))
        offset += text.count("\n", start, m.start())
        start = m.end()
    return [*chunks, (text[start:], offset)]


class TsOptMain(xDSLOptMain):
    """xdsl-opt plus the `ts` dialect, tsjit's passes, plugins and MLIR's flags."""

    version_format = f"ts-opt {__version__} (xdsl {{xdsl_version}})"

    def __init__(self, args: Sequence[str] | None = None):
        """xDSLOptMain.__init__ with MLIR's command line: one-line usage errors (exit 1), long
        options with one dash, passes as flags, and only the -t targets that work here."""
        self.available_frontends, self.available_passes, self.available_targets = {}, {}, {}
        self.ctx = Context()
        self.register_all_dialects()
        self.register_all_frontends()
        self.register_all_passes()
        self.register_all_targets()
        parser = cli.ArgumentParser(prog=TOOL, description="tsjit modular optimizer driver", epilog=EPILOG)
        self.register_all_arguments(parser)
        self.args = self.parse(parser, list(sys.argv[1:] if args is None else args))
        targets.check(self.args.target, self.available_targets)
        self.ctx.allow_unregistered = self.args.allow_unregistered_dialect
        if self.args.disable_verify:
            Attribute.__post_init__ = _empty_post_init
        if self.args.syntax_highlight:
            Diagnostic.colored = True
        self.setup_pipeline()

    def parse(self, parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
        """Parse twice: plugins (--load-pass-plugin) add passes, and so flags, for the second time."""
        options = cli.long_option_names(parser)
        args, _ = parser.parse_known_args(cli.one_dash_long_options(argv, options | set(self.available_passes)))
        for path in args.load_pass_plugin:
            self._add_passes(load_pass_file(path), f"pass plugin '{path}'")
        args, extra = parser.parse_known_args(cli.one_dash_long_options(argv, options | set(self.available_passes)))
        args.pass_flags = pass_flags.parse(extra, self.available_passes, options)
        return args

    def register_all_dialects(self) -> None:
        super().register_all_dialects()
        self.ctx.register_dialect(
            "ts", lambda: __import__("tsjit.dialects.ts", fromlist=["TS"]).TS
        )

    def register_all_passes(self) -> None:
        super().register_all_passes()  # every upstream xDSL pass, via Universe
        self._add_passes(tsjit_passes(), "tsjit")
        self._add_passes(entry_point_passes(self.warn), "entry point", strict=False)

    def _add_passes(self, table: dict, origin: str, strict: bool = True) -> None:
        for name, factory in table.items():
            if name in self.available_passes:
                if strict:
                    raise ToolError(f"{origin}: pass '{name}' is already registered")
                self.warn(f"{origin}: pass '{name}' is already registered; ignored")
                continue
            self.register_pass(name, factory)

    @staticmethod
    def warn(msg: str) -> None:
        print(f"ts-opt: warning: {msg}", file=sys.stderr)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        for action in arg_parser._actions:
            action.help = NEW_HELP.get(action.dest, action.help)
            if action.dest == "passes":  # do not list 130+ names in --help
                action.help = "xdsl-opt pass list 'a,b{opt=v}' (or a nested MLIR pipeline)"
        for flags, kwargs in ARGUMENTS:
            arg_parser.add_argument(*flags, **kwargs)
        target = next(a for a in arg_parser._actions if a.dest == "target")

        def list_targets() -> None:  # only for --help: it imports every target's module
            target.help = f"output format: {', '.join(targets.usable(self.available_targets))} (default mlir)"

        if isinstance(arg_parser, cli.ArgumentParser):
            arg_parser.before_help.append(list_targets)

    def setup_pipeline(self) -> None:
        """Runs after argument parsing: parse and build the pipeline (-p, --pass-pipeline, either
        in MLIR's `builtin.module(...)` form or as a plain list, or pass flags), set up the hooks."""
        a = self.args
        given = [f for f, v in (("-p", a.passes), ("--pass-pipeline", a.pass_pipeline is not None),
                                ("pass flags", a.pass_flags)) if v]
        if len(given) > 1:
            raise ToolError(f"use one of -p, --pass-pipeline and pass flags (--cse ...), not {' and '.join(given)}")
        if a.pass_flags:
            tree = pp.Nest(pp.ROOT, list(a.pass_flags))
        else:
            tree = pp.parse_any(a.pass_pipeline if a.pass_pipeline is not None else a.passes)
        self.nest = pp.build(tree, self.available_passes, self.ctx)
        if a.dump_pass_pipeline:
            print(pp.spell(self.nest), file=sys.stderr)
        names = {"before": set[str](), "after": set[str]()}
        for when in names:
            for item in getattr(a, f"print_ir_{when}"):
                names[when].update(n.strip() for n in item.split(",") if n.strip())
            for n in names[when] - set(self.available_passes):
                raise pp.unknown_pass(n, list(self.available_passes))
        self.timer = pp.Timer() if a.timing or a.time_passes else None
        after_all = a.print_ir_after_all or a.print_between_passes
        self.hooks: list[pp.Instrumentation] = [
            pp.IRPrinter(names["before"], names["after"], a.print_ir_before_all, after_all,
                         a.print_op_generic)  # fmt: skip
        ]
        if not a.disable_verify:
            self.hooks.append(pp.Verifier(self.verify))
        if self.timer:
            self.hooks.append(self.timer)
        self.statistics = Statistics(a.pass_statistics_display) if a.pass_statistics else None
        if self.statistics:
            self.hooks.append(self.statistics)

    # ------------------------------------------------------------------ running

    def timed(self, row: str, start: float) -> None:
        if self.timer:
            self.timer.timed((row,), time.perf_counter() - start)

    def verify(self, module: ModuleOp) -> None:
        start = time.perf_counter()
        verify_located(module)
        self.timed("Verifier", start)

    def apply_passes(self, prog: ModuleOp) -> None:
        pp.run(self.nest, self.ctx, prog, self.hooks)

    def read_input(self) -> tuple[str, str]:
        """(name, text) of the input file; none or `-` is stdin."""
        path = self.args.input_file
        return cli.display_name(path), cli.read_text(path)

    def output_resulting_program(self, prog: ModuleOp) -> str:
        """The module in the -t format; a target's failure is an error at the module."""
        name = parse_spec(self.args.target).name
        return targets.emit(name, prog, super().output_resulting_program)

    def process(self, chunk: str, offset: int, name: str) -> str | None:
        """Parse, verify, transform and print one chunk; None if it failed."""
        start = time.perf_counter()
        if is_blank(chunk):
            loc = FileLineColLoc(StringAttr(name), IntAttr(offset + 1), IntAttr(1))
            module = ModuleOp([])
            module.location = loc
        else:
            implicit = not self.args.no_implicit_module
            module = parse_located(self.ctx, chunk, name, offset, implicit)
        self.timed("Parser", start)
        if not self.args.disable_verify:
            self.verify(module)
        self.apply_passes(module)
        start = time.perf_counter()
        output = self.output_resulting_program(module)
        self.timed("Output", start)
        return output

    def run(self) -> int:  # type: ignore[override]
        """Process each chunk; report diagnostics; 1 if any error (or mismatch)."""
        if self.args.list_passes:
            for name in sorted(self.available_passes):
                options = pp.option_list(self.available_passes[name]())
                print(f"{name}{{{options}}}" if options else name)
            return 0
        if self.args.show_dialects:
            print(f"Available Dialects: {','.join(sorted(self.ctx.registered_dialect_names))}")
            return 0
        name, text = self.read_input()
        with cli.OutputFile(self.args.output_file or cli.STDIO) as out:
            return self.process_all(name, text, out)

    def process_all(self, name: str, text: str, out: cli.OutputFile) -> int:
        """Every chunk; stdout gets each as it is done, an -o file all of them if none failed."""
        source = SourceText(name, text)
        split = self.args.split_input_file
        check = self.args.verify_diagnostics
        output_stream = sys.stdout if out.is_stdout else io.StringIO()
        failed, printed = False, 0
        try:
            for chunk, offset in split_chunks(text) if split else [(text, 0)]:
                expected = parse_expected(chunk, name, offset) if check else []
                if split and is_blank(chunk) and not expected:
                    continue  # e.g. after a trailing `// -----`
                diags: list[Diag] = []
                with collecting(diags):
                    try:
                        output = self.process(chunk, offset, name)
                    except DiagError as e:
                        diags.append(e.diag)
                        output = None
                if output is not None:
                    output_stream.write("// -----\n" if printed else "")
                    output_stream.write(output)
                    output_stream.flush()
                    printed += 1
                problems = check_expected(expected, diags) if check else diags
                if self.args.parsing_diagnostics and output is None and not check:
                    print("\n".join(render(d, source) for d in problems))
                    continue  # xdsl-opt's flag: errors go to stdout, exit 0
                for diag in problems:
                    print(render(diag, source), file=sys.stderr)
                failed |= any(d.severity == "error" for d in problems)
        except ShrinkException:
            print("Success, can shrink")
            return 0
        if not out.is_stdout and not failed and not self.args.shrink:
            out.keep(output_stream.getvalue())
        if self.statistics:
            print(self.statistics.report(), file=sys.stderr)
        if self.timer:
            print(self.timer.report(), file=sys.stderr)
        if self.args.shrink:
            print("Failure, can't shrink")
        return 1 if failed or self.args.shrink else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: one readable message and exit code 1 on bad input. A pass that
    crashes is a bug in it: its traceback is kept; any other crash is one line (--traceback)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return TsOptMain(args=argv).run()
    except ToolError as e:
        print(f"{TOOL}: error: {e}", file=sys.stderr)
    except pp.PassCrash as e:
        traceback.print_exception(e.__cause__)
        print(f"{TOOL}: error: {e}", file=sys.stderr)
    except BrokenPipeError:  # e.g. `ts-opt --list-passes | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:
        print(f"{TOOL}: interrupted", file=sys.stderr)
    except Exception as e:
        if "--traceback" in argv or "-traceback" in argv:
            traceback.print_exception(e)
        print(f"{TOOL}: error: {internal_error(e)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
