"""`python -m tsjit opt|run|translate ...`: the ts-* tools without their console scripts.

Why: in a checkout that is not installed (or a venv whose scripts are not on PATH) the tools are
still one command away, and `python -m tsjit` names the interpreter, so the tool runs with the
tsjit that interpreter imports. Each subcommand is the tool's own `main`, flags unchanged.
"""
from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

#: subcommand -> (module, console script it stands for)
COMMANDS = {
    "opt": ("tsjit.tools.ts_opt", "ts-opt"),
    "run": ("tsjit.tools.ts_run", "ts-run"),
    "translate": ("tsjit.tools.ts_translate", "ts-translate"),
}
USAGE = "usage: python -m tsjit {opt,run,translate} [ARGS...]   (`python -m tsjit opt --help`: a tool's flags)"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        for name, (_, script) in COMMANDS.items():
            print(f"  {name:<10} {script}")
        return 0 if args else 1
    if args[0] == "--version":
        from tsjit.tools.cli import version_text

        print(version_text("tsjit"))
        return 0
    if args[0] not in COMMANDS:
        print(f"tsjit: error: unknown command '{args[0]}'; choose one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 1
    module, _ = COMMANDS[args[0]]
    return importlib.import_module(module).main(args[1:])


if __name__ == "__main__":
    sys.exit(main())
