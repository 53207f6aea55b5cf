"""What every ts-* tool shares with MLIR's tools: `-` for stdin and stdout, `-o FILE` written
atomically, one-line usage errors with exit code 1, `--version`, `-long-option` with one dash.

Why one file: mlir-opt, mlir-translate and mlir-runner behave alike because they share LLVM's
command-line library and its ToolOutputFile; this is that shared part for ts-opt, ts-run and
ts-translate, so a convention is written (and fixed) once.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tsjit.atomic_files import temp_sibling
from tsjit.ir.diagnostics import ToolError
from tsjit.version import __version__

STDIO = "-"
ZIP_MAGIC = b"PK\x03\x04"


class ArgumentParser(argparse.ArgumentParser):
    """argparse with MLIR's conventions: a usage error is one line `tool: error: ...` and exit
    code 1 (argparse prints the usage and exits 2); no abbreviated long options (LLVM's
    command line has none, and `--canon` must not silently mean some other flag)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.before_help: list[Callable[[], None]] = []  # fill in help texts that are costly to compute

    def format_help(self) -> str:
        for hook in self.before_help:
            hook()
        return super().format_help()

    def error(self, message: str):  # type: ignore[override]
        self.exit(1, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def version_text(tool: str) -> str:
    """`ts-run 0.1.0 (xdsl 0.74.0)`: the tool, tsjit's version and the xDSL it runs on."""
    try:
        xdsl = version("xdsl")
    except PackageNotFoundError:  # pragma: no cover - xdsl imported from a checkout
        xdsl = "unknown"
    return f"{tool} {__version__} (xdsl {xdsl})"


def add_version(parser: argparse.ArgumentParser, tool: str) -> None:
    parser.add_argument("--version", action="version", version=version_text(tool),
                        help="print the version and exit")


def long_option_names(parser: argparse.ArgumentParser) -> set[str]:
    """`output-dir` for `--output-dir`: the names one_dash_long_options accepts with one dash."""
    return {s[2:] for action in parser._actions for s in action.option_strings if s.startswith("--")}


def one_dash_long_options(argv: Sequence[str], names: Iterable[str]) -> list[str]:
    """`-split-input-file` -> `--split-input-file`, as LLVM's command line takes both; without it
    argparse reads `-pass-pipeline=x` as `-p ass-pipeline=x`. Only `-name` and `-name=value`
    whose name is in `names` (long options, pass names) change; `-o`, `-pcse` and values stay."""
    known, out = set(names), []
    for i, arg in enumerate(argv):
        if arg == "--":
            return [*out, *argv[i:]]
        if arg.startswith("-") and not arg.startswith("--") and arg.split("=", 1)[0][1:] in known:
            arg = "-" + arg
        out.append(arg)
    return out


def display_name(path: str | None) -> str:
    return "<stdin>" if path in (None, STDIO) else str(path)


def read_bytes(path: str | None) -> bytes:
    """The input file's bytes; `-` (or no file) is stdin. Errors are one ToolError line."""
    try:
        if path in (None, STDIO):
            return sys.stdin.buffer.read()
        return Path(path).read_bytes()
    except OSError as e:
        raise ToolError(f"cannot open input file '{path}': {e.strerror}") from None


def decode(data: bytes, path: str | None) -> str:
    """UTF-8 text, or a one-line error that says what the file seems to be instead."""
    if data.startswith(ZIP_MAGIC):
        raise ToolError(f"input file '{display_name(path)}' is a zip archive (a saved model?), not text; "
                        "tsjit.load reads archives")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ToolError(f"input file '{display_name(path)}' is not UTF-8: {e.reason} at byte {e.start}") from None


def read_text(path: str | None) -> str:
    return decode(read_bytes(path), path)


def is_blank(text: str) -> bool:
    """Nothing but whitespace and comments: MLIR treats it as an empty module."""
    return all(not ln.strip() or ln.strip().startswith("//") for ln in text.split("\n"))


class OutputFile:
    """`-o PATH`, as LLVM's ToolOutputFile: opened before the work, so that an unwritable path
    fails first; written to a temporary sibling and renamed over PATH by `keep`, so a run that
    fails, or is killed, leaves an existing PATH as it was. `-` is stdout; a PATH that exists
    and is not a regular file (/dev/null, a pipe) is written in place, never replaced.

    Use as a context manager: leaving it without `keep` removes the temporary."""

    def __init__(self, path: str, hint: str = ""):
        self.path, self.tmp, self.special = path, None, False
        if path == STDIO:
            return
        if os.path.isdir(path) or path.endswith(os.sep):
            raise ToolError(f"cannot open output file '{path}': it is a directory (-o names a file)"
                            + (f"; {hint}" if hint else ""))
        self.target = Path(path)
        if os.path.exists(path) and not os.path.isfile(path):  # a device, a pipe: never replace it
            self.special = True
            if not os.access(path, os.W_OK):
                raise ToolError(f"cannot open output file '{path}': Permission denied")
            return
        target = self.target = Path(os.path.realpath(path))  # a symlink's file is replaced, not the link
        try:
            self.tmp = temp_sibling(target)
        except OSError as e:
            raise ToolError(f"cannot open output file '{path}': {e.strerror}") from None

    @property
    def is_stdout(self) -> bool:
        return self.path == STDIO

    def keep(self, data: str | bytes) -> None:
        """Write `data` and put it in place (or on stdout)."""
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        if self.is_stdout:
            if isinstance(data, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(data)
                sys.stdout.flush()
            return
        if self.special:
            try:
                with open(self.target, "wb") as f:
                    f.write(raw)
            except OSError as e:
                raise ToolError(f"cannot write output file '{self.path}': {e.strerror}") from None
            return
        assert self.tmp is not None, "keep() writes once"
        try:
            with open(self.tmp, "wb") as f:
                f.write(raw)
            os.chmod(self.tmp, _mode_for(self.target))
            os.replace(self.tmp, self.target)
            self.tmp = None
        except OSError as e:
            self.discard()
            raise ToolError(f"cannot write output file '{self.path}': {e.strerror}") from None

    def discard(self) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def _mode_for(target: Path) -> int:
    """The replaced file's mode, else what open() would give a new file (mkstemp makes 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
