"""ts-opt's `-t` targets: which of xDSL's work here, and their failures as located errors.

Why: xdsl-opt offers every target it knows, including `llvm`, which needs the llvmlite package,
and `mps`, which xDSL 0.74 does not implement; choosing one, or a target that cannot print the
IR at hand (`-t arm-asm` on ts IR), ended in a Python traceback. Here --help lists the targets
that can work, `-t` names what to install for one that cannot, and a target's failure on the
IR is an error located at the module.
"""
from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping

from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.arg_spec import parse_spec
from xdsl.utils.exceptions import ArgSpecParseError

from tsjit.ir.diagnostics import DiagError, ToolError, emit_error, emit_warning

#: targets xDSL registers but cannot run, and why
NOT_IMPLEMENTED = {"mps": "xDSL 0.74 registers it but does not implement it"}


def problem(name: str, factory: Callable) -> str | None:
    """Why target `name` cannot be used here (a missing package, not implemented), or None."""
    if name in NOT_IMPLEMENTED:
        return NOT_IMPLEMENTED[name]
    if inspect.signature(factory).parameters:  # an old-style emitter function: nothing to load
        return None
    try:
        factory()
    except ImportError as e:
        package = (e.name or "").split(".")[0]
        if package:
            return f"it needs the Python package '{package}', which is not installed (pip install {package})"
        return f"it does not load: {e}"
    return None


def usable(targets: Mapping[str, Callable]) -> list[str]:
    """The names of the targets that can work here (this imports each target's module)."""
    return [name for name, factory in targets.items() if problem(name, factory) is None]


def check(text: str, targets: Mapping[str, Callable]) -> None:
    """A ToolError unless `-t text` names a target that can work here."""
    try:
        name = parse_spec(text).name
    except ArgSpecParseError:
        raise ToolError(f"malformed target '{text}'; expected a name, e.g. -t mlir") from None
    if name not in targets:
        raise ToolError(f"unknown target '{name}'; available: {', '.join(usable(targets))}")
    why = problem(name, targets[name])
    if why is not None:
        raise ToolError(f"target '{name}' cannot be used here: {why}")


def emit(target: str, module: ModuleOp, print_it: Callable[[ModuleOp], str]) -> str:
    """`print_it(module)`, with its failure an error and its Python warnings warnings at the module."""
    located = module if module.location is not None else next(iter(module.ops), module)
    if target.endswith("-asm"):  # assembly printers assert that every op prints as assembly
        from xdsl.backend.assembly_printer import AssemblyPrintable

        op = next((op for op in module.body.walk() if not isinstance(op, AssemblyPrintable)), None)
        if op is not None:
            raise emit_error(op, f"target '{target}' prints assembly-level ops only, and '{op.name}' is not one; "
                                 f"lower the IR to the {target.removesuffix('-asm')} dialects first")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            text = print_it(module)
        except DiagError:
            raise
        except Exception as e:
            first = next((ln for ln in str(e).splitlines() if ln.strip()), "")
            first = "" if first.endswith("(") else first  # an op's dump, not a message
            raise emit_error(located, f"target '{target}' cannot print this IR: "
                                      f"{type(e).__name__}{': ' + first if first else ''}") from None
    for w in caught:
        emit_warning(located, f"target '{target}': {w.message}")
    return text
