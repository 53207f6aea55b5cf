"""The table of tsjit's own passes: CLI name -> factory returning the pass class.

Factories import lazily so that `ts-opt --help` stays fast.
"""
from collections.abc import Callable

from xdsl.passes import ModulePass


def _lazy(module: str, cls: str) -> Callable[[], type[ModulePass]]:
    def factory() -> type[ModulePass]:
        import importlib

        return getattr(importlib.import_module(module), cls)

    return factory


def _ts_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    return {
        "ts-inline": _lazy("tsjit.passes.inline", "TsInlinePass"),
        "ts-dce": _lazy("tsjit.passes.dce", "TsDcePass"),
        "ts-cse": _lazy("tsjit.passes.cse", "TsCsePass"),
        "ts-constant-propagation": _lazy("tsjit.passes.constant_propagation", "TsConstantPropagationPass"),
        "ts-constant-pooling": _lazy("tsjit.passes.constant_pooling", "TsConstantPoolingPass"),
        "ts-peephole": _lazy("tsjit.passes.peephole", "TsPeepholePass"),
        "ts-unroll-loops": _lazy("tsjit.passes.unroll_loops", "TsUnrollLoopsPass"),
        "ts-cleanup": _lazy("tsjit.passes.cleanup", "TsCleanupPass"),
    }


def tsjit_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """tsjit's passes, by CLI name."""
    return _ts_passes()
