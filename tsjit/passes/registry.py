"""The table of tsjit's own passes: CLI name -> factory returning the pass class.

Factories import lazily so that `ts-opt --help` stays fast.
"""
from collections.abc import Callable

from xdsl.passes import ModulePass


def _ts_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    return {}


def tsjit_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """tsjit's passes, by CLI name."""
    return _ts_passes()
