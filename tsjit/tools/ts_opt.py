"""`ts-opt`: tsjit's `*-opt` driver, xdsl-opt with the MLIR surface users expect.

Why a subclass of xDSLOptMain: we keep every upstream dialect, pass, target and
flag (-p, -t, -o, --split-input-file, ...) and add what xdsl-opt lacks:
`--pass-pipeline` with MLIR's nested syntax, pass plugins, MLIR-style IR dumps and
timing, a real `--verify-diagnostics`, and readable errors instead of tracebacks.
The pieces live in tsjit/ir (pipeline.py, diagnostics.py) and plugins.py; this file wires
them to the command line and runs the input chunk by chunk.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import traceback
from collections.abc import Sequence

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr
from xdsl.utils.exceptions import ShrinkException
from xdsl.xdsl_opt_main import xDSLOptMain

from tsjit.version import __version__
from tsjit.passes import tsjit_passes
from tsjit.ir import pipeline as pp
from tsjit.ir.diagnostics import (
    Diag, DiagError, SourceText, ToolError, check_expected, collecting,
    parse_expected, parse_located, render, verify_located,
)  # fmt: skip
from tsjit.tools.plugins import entry_point_passes, load_pass_file

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
]  # fmt: skip

# xdsl-opt flags whose meaning ts-opt changes (MLIR's), by argparse dest.
NEW_HELP = {
    "verify_diagnostics": "check the diagnostics against `// expected-error {{...}}` "
    "(-warning, -remark, -note; @+N, @-N, @above, @below) comments; exit 1 on mismatch",
    "time_passes": "alias of --timing",
    "print_between_passes": "alias of --print-ir-after-all",
    "parsing_diagnostics": "print the errors of failing chunks on stdout and exit 0",
    "split_input_file": "process the parts between `// -----` lines separately",
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


def is_blank(text: str) -> bool:
    """Nothing but whitespace and comments: MLIR treats it as an empty module."""
    return all(not ln.strip() or ln.strip().startswith("//") for ln in text.split("\n"))


class TsOptMain(xDSLOptMain):
    """xdsl-opt plus the `ts` dialect, tsjit's passes, plugins and MLIR's flags."""

    version_format = f"ts-opt {__version__} (xdsl {{xdsl_version}})"

    def __init__(self, args: Sequence[str] | None = None):
        super().__init__(description="tsjit modular optimizer driver", args=args)

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

    def setup_pipeline(self) -> None:
        """Runs after argument parsing: load plugins, then parse and build the pipeline."""
        a = self.args
        for path in a.load_pass_plugin:
            self._add_passes(load_pass_file(path), f"pass plugin '{path}'")
        if a.passes and a.pass_pipeline is not None:
            raise ToolError("use either -p or --pass-pipeline, not both")
        if a.pass_pipeline is not None and a.pass_pipeline.strip():
            tree = pp.parse_nested(a.pass_pipeline)
        else:
            tree = pp.parse_any(a.passes)
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
        name = self.args.input_file or "<stdin>"
        try:
            stream, _ = self.get_input_stream()
            with stream:
                return name, stream.read().decode("utf-8")
        except OSError as e:
            raise ToolError(f"cannot open input file '{name}': {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise ToolError(f"input file '{name}' is not UTF-8: {e.reason}") from None

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
        name, text = self.read_input()
        source = SourceText(name, text)
        split = self.args.split_input_file
        check = self.args.verify_diagnostics
        output_stream = self.prepare_output()
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
        finally:
            if output_stream is not sys.stdout:
                output_stream.close()
        if self.timer:
            print(self.timer.report(), file=sys.stderr)
        if self.args.shrink:
            print("Failure, can't shrink")
        return 1 if failed or self.args.shrink else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: one readable message and exit code 1 on bad input."""
    try:
        return TsOptMain(args=argv).run()
    except ToolError as e:
        print(f"ts-opt: error: {e}", file=sys.stderr)
    except pp.PassCrash as e:
        traceback.print_exception(e.__cause__)
        print(f"ts-opt: error: {e}", file=sys.stderr)
    except BrokenPipeError:  # e.g. `ts-opt --list-passes | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


if __name__ == "__main__":
    sys.exit(main())
