"""`ts-lower-to-loops`: the named pipeline from a ts function to `scf.for` loops over memrefs.

Stages: `ts-specialize` (only when `shapes` is given), `ts-to-linalg`, `ts-fuse-elementwise`,
`ts-bufferize`, with `library-calls=true` `ts-contractions-to-calls` (matmul/conv as calls of
the C run-time GEMM, epilogues per block), `loops` (memref linalg -> scf.for + memref.load/store, epilogues fused into
their contraction's nest: tsjit/passes/linalg_to_loops.py) and `cleanup` (xDSL's canonicalize,
cse, dce). tsjit passes are chained by CLI name through the registry, so a stage whose pass is
not registered is skipped with a warning. The IR is verified after every stage; a failure
names the stage.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.transforms.canonicalize import CanonicalizePass
from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination
from xdsl.transforms.dead_code_elimination import DeadCodeElimination
from xdsl.utils.exceptions import DiagnosticException, PassFailedException

from tsjit.passes.linalg_to_loops import lower_linalg_to_loops


def _cleanup(ctx: Context, module: ModuleOp) -> None:
    for p in (CanonicalizePass(), CommonSubexpressionElimination(), DeadCodeElimination()):
        p.apply(ctx, module)


def stages(shapes: tuple[str, ...], library_calls: bool = False
           ) -> list[tuple[str, Callable[[Context, ModuleOp], None] | None]]:
    """(name, runner) pairs; runner None means: the registered tsjit pass of that name."""
    named = [("ts-specialize", {"shapes": tuple(shapes)})] if shapes else []
    named += [("ts-to-linalg", {}), ("ts-fuse-elementwise", {}), ("ts-bufferize", {})]
    named += [("ts-contractions-to-calls", {})] if library_calls else []
    return [(n, _registered(n, opts)) for n, opts in named] + [
        ("loops", lambda ctx, m: lower_linalg_to_loops(m)),
        ("cleanup", _cleanup),
    ]


def _registered(name: str, options: dict) -> Callable[[Context, ModuleOp], None] | None:
    from tsjit.passes.registry import tsjit_passes

    factory = tsjit_passes().get(name)
    if factory is None:
        return None
    return lambda ctx, module: factory()(**options).apply(ctx, module)


@dataclass(frozen=True)
class TsLowerToLoopsPass(ModulePass):
    """ts function -> linalg -> fused -> memref -> scf loops, verified after every stage."""

    name = "ts-lower-to-loops"

    shapes: tuple[str, ...] = ()
    """input shapes for ts-specialize (its syntax: 2x3xf32,4xi64); without them ts-specialize is skipped"""

    library_calls: bool = False
    """after ts-bufferize, run ts-contractions-to-calls (matmul/conv as C run-time GEMM calls)"""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from tsjit.passes.to_linalg import LAST_REMAINING

        unlowered: list[tuple[str, str, str]] = []
        for stage, run in stages(self.shapes, self.library_calls):
            if run is None:
                warnings.warn(f"ts-lower-to-loops: skipping stage '{stage}': pass not registered")
                continue
            try:
                run(ctx, op)
            except Exception as e:
                if unlowered:  # the real cause: a later stage meets ts ops it cannot handle
                    raise PassFailedException(_not_lowered(stage, unlowered)) from e
                if isinstance(e, (DiagnosticException, PassFailedException)):
                    raise PassFailedException(f"ts-lower-to-loops: stage '{stage}' failed: {e}") from e
                raise
            if stage == "ts-to-linalg":
                unlowered = list(LAST_REMAINING)
            try:
                op.verify()
            except DiagnosticException as e:
                raise PassFailedException(_not_lowered(stage, unlowered) if unlowered else
                                          f"ts-lower-to-loops: the IR does not verify after stage '{stage}': {e}") from e


def _not_lowered(stage: str, unlowered: list[tuple[str, str, str]]) -> str:
    ops = "; ".join(f"{name}{f' ({where})' if where else ''}: {why}" for name, where, why in unlowered)
    return (f"ts-lower-to-loops: stage '{stage}' failed because ts-to-linalg left ops at the ts level "
            f"({ops}); run the function on the numpy backend, or through tsjit.compile(..., backend='c'), "
            f"which compiles the lowerable parts as fusion groups")
