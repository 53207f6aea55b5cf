"""C run-time functions that generated code calls (declared as body-less `func.func private` in
the IR, called with `func.call`): their C source, included once in every generated file that
uses them, so generated sources stay self-contained.

`RUNTIME` maps a function's symbol name to (its C source, the names it depends on); which pointer
arguments each writes is tsjit/lowering/runtime_functions.py's `WRITES`.
"""
from __future__ import annotations

RUNTIME: dict[str, tuple[str, tuple[str, ...]]] = {}


def source_for(names: set[str]) -> str:
    """The C source defining `names` (and what they use), in dependency order."""
    done: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name not in RUNTIME:
            from tsjit.backends.c.render import UnsupportedOp

            raise UnsupportedOp(f"C backend: no run-time function '{name}'")
        for dep in RUNTIME[name][1]:
            visit(dep)
        done.append(name)

    for name in sorted(names):
        visit(name)
    return "\n".join(RUNTIME[n][0] for n in done)


def _register() -> None:
    """The run-time functions of this package (one module per family), into RUNTIME."""
    from tsjit.backends.c.runtime import (
        clamp, depthwise, errors, gemm, gemm_kernel, im2col, lapack, random, winograd,
    )

    for family in (clamp, depthwise, errors, gemm, gemm_kernel, im2col, lapack, random, winograd):
        RUNTIME.update(family.SOURCES)


_register()
