"""Passes as flags, as mlir-opt takes them: `ts-opt --canonicalize --cse in.mlir`.

Every registered pass (xDSL's, tsjit's, entry points' and plugins') is a flag `--<name>`, or
`-<name>` as LLVM's command line also allows; its options follow mlir-opt's spelling, one quoted
string with the same `opt=value` items, space-separated, as between the braces of a pipeline:
`--canonicalize="max-iterations=2 test-convergence"` is `canonicalize{max-iterations=2
test-convergence}`. The flags run in command-line order.

Why not argparse options: there are 150 passes and plugins add more after parsing; argparse
leaves the flags it does not know to this module, which also says what an unknown one may mean.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from xdsl.utils.arg_spec import ArgSpec

from tsjit.ir import pipeline as pp
from tsjit.ir.diagnostics import ToolError


def parse(extra: Iterable[str], passes: Mapping[str, object], options: Iterable[str]) -> list[ArgSpec]:
    """The pass specs of the command-line words argparse did not recognise, in order.
    `options` are the tool's long option names (for the suggestion of an unknown flag)."""
    specs = []
    for word in extra:
        if not word.startswith("-") or word in ("-", "--"):
            raise ToolError(f"unexpected argument '{word}' (one input file at most)")
        name, has_options, text = word.lstrip("-").partition("=")
        if name not in passes:
            raise unknown_flag(word, name, [*passes, *options])
        specs.append(_spec(word, name, text) if has_options else ArgSpec(name, {}))
    return specs


def _spec(word: str, name: str, text: str) -> ArgSpec:
    """`name{text}` through the pipeline parser, so options read exactly as in `-p`."""
    try:
        (spec,) = pp.parse_nested(f"{pp.ROOT}({name}{{{text}}})").items
    except ToolError as e:
        reason = str(e).split("\n")[0].split(": ", 1)[-1]
        raise ToolError(f"malformed options in '{word}': {reason}; "
                        f"write them as --{name}=\"opt=value opt2=value\"") from None
    assert isinstance(spec, ArgSpec)
    return spec


def unknown_flag(word: str, name: str, known: list[str]) -> ToolError:
    """`unknown option or pass '--canonicalise'; did you mean '--canonicalize'?`."""
    dash = word[: len(word) - len(word.lstrip("-"))]
    near = difflib.get_close_matches(name, known, n=2, cutoff=0.75)
    hint = " or ".join(f"'{dash}{n}'" for n in near)
    return ToolError(f"unknown option or pass '{word.split('=', 1)[0]}'"
                     + (f"; did you mean {hint}?" if hint else " (see --help and --list-passes)"))
