"""Fusion switches and state: `fuser`, `set_fusion_strategy`, `enable_onednn_fusion`, statistics.

How fusion is turned on (docs/fusion.md): `with tsjit.jit.fuser("c"):` (or
`set_fuser_enabled(True)`, like `torch._C._jit_set_texpr_fuser_enabled`) makes calls of
ScriptFunctions and ScriptModules run a copy of their IR in which `ts-fusion-groups` outlined the
lowerable subgraphs; each group is compiled by the C backend for the shapes it meets. And
`tsjit.compile(model, backend="c")` of a model the C backend cannot lower whole does the same
(`tsjit.compiler.compile_with_fusion_groups`). The strategy bounds how many shapes a group compiles for;
`enable_onednn_fusion(True)` lets contractions (matmul/linear/conv) join groups.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

DEFAULT_STRATEGY = [("STATIC", 2), ("DYNAMIC", 10)]


@dataclass
class FusionStats:
    """Process-wide counters (tests and users can see that kernels were built and used)."""

    compiled: int = 0      # kernels built (one per group and shape signature)
    kernel_calls: int = 0  # group runs that called a compiled kernel
    unfused_calls: int = 0  # group runs on the numpy backend (strategy exhausted, or compile failed)
    failures: int = 0      # groups whose compilation failed (they then run unfused)


@dataclass
class FuserState:
    enabled: bool = False
    onednn: bool = False
    strategy: list[tuple[str, int]] = field(default_factory=lambda: list(DEFAULT_STRATEGY))
    stats: FusionStats = field(default_factory=FusionStats)
    lock: threading.Lock = field(default_factory=threading.Lock)


FUSER = FuserState()

#: fuser names as torch.jit.fuser takes them -> (fusion on, contractions fused)
FUSER_NAMES = {"c": (True, False), "fuser0": (True, False), "fuser1": (True, False),
               "fuser3": (True, True), "fuser2": (False, False), "none": (False, False)}


def set_fusion_strategy(strategy: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Set the (kind, depth) entries bounding the shape specialisations a fusion group compiles,
    used in order; returns the previous strategy. STATIC: a kernel compiled for one exact shape
    signature and kept. DYNAMIC: we have no dynamic-shape kernels, so each DYNAMIC unit compiles a
    kernel for the new shape signature into one re-specialised slot (replacing the previous
    dynamic kernel). When every entry is used up, new shapes run the group's body unfused."""
    if isinstance(strategy, str | bytes) or not isinstance(strategy, Sequence) or not all(
            isinstance(e, tuple | list) and len(e) == 2 and isinstance(e[0], str)
            and isinstance(e[1], int) and not isinstance(e[1], bool) and e[1] >= 0 for e in strategy):
        raise TypeError("_jit_set_fusion_strategy(): incompatible function arguments. The following argument "
                        "types are supported:\n    1. (arg0: collections.abc.Sequence[tuple[str, typing.SupportsInt"
                        f" | typing.SupportsIndex]]) -> list[tuple[str, int]]\n\nInvoked with: {strategy!r}")
    for kind, _ in strategy:
        if kind not in ("STATIC", "DYNAMIC"):
            raise ValueError(f"FusionBehavior only supported 'STATIC' or 'DYNAMIC', got: {kind}")
    with FUSER.lock:
        previous, FUSER.strategy = FUSER.strategy, [(k, int(n)) for k, n in strategy]
    return previous


def fusion_strategy() -> list[tuple[str, int]]:
    return list(FUSER.strategy)


def enable_onednn_fusion(enabled: bool) -> None:
    """There is no oneDNN here: enabling it lets contractions and convolutions (what oneDNN Graph
    fuses) join fusion groups, so they compile into the group's C kernel with their neighbours."""
    if not isinstance(enabled, bool):
        raise TypeError("_jit_set_llga_enabled(): incompatible function arguments. The following argument "
                        f"types are supported:\n    1. (arg0: bool) -> bool\n\nInvoked with: {enabled!r}")
    FUSER.onednn = enabled


def onednn_fusion_enabled() -> bool:
    return FUSER.onednn


def set_fuser_enabled(enabled: bool) -> bool:
    """Fusion for ScriptFunction/ScriptModule calls on or off; returns the previous setting."""
    previous, FUSER.enabled = FUSER.enabled, bool(enabled)
    return previous


def fuser_enabled() -> bool:
    return FUSER.enabled


@contextmanager
def fuser(name: str) -> Iterator[None]:
    """`with tsjit.jit.fuser("c"):` as torch.jit.fuser: "c"/"fuser0"/"fuser1" fuse into C kernels,
    "fuser3" (oneDNN) also fuses contractions, "fuser2" (nvFuser) and "none" turn fusion off."""
    if name not in FUSER_NAMES:
        raise Exception(f"unrecognized fuser option (name: {name})")  # noqa: TRY002 - torch's exception
    old = (FUSER.enabled, FUSER.onednn)
    FUSER.enabled, contractions = FUSER_NAMES[name]
    FUSER.onednn = contractions or (old[1] if FUSER.enabled else False)
    try:
        yield
    finally:
        FUSER.enabled, FUSER.onednn = old


def fusion_stats() -> dict[str, int]:
    return asdict(FUSER.stats)


def reset_fusion_stats() -> None:
    FUSER.stats = FusionStats()


# -- fused programs for ScriptFunction / ScriptModule calls -----------------------------------------
_PROGRAMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # cu -> (key, Program)
_CALLABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # ScriptFunction -> (key, fn)
_MAKING = threading.RLock()  # threads first calling one function make its program once


def clear_fusion_cache() -> None:
    """Forget the fused programs of ScriptFunctions/ScriptModules (and so their compiled kernels
    and used-up strategies): the next fused calls outline and compile again."""
    from tsjit.jit.fusion_kernels import clear_kernels

    _PROGRAMS.clear()
    _CALLABLES.clear()
    clear_kernels()


def fuse_module(module: Any, contractions: bool, check_strict: bool = True) -> Any:
    """A copy of an IR module with the fusion groups outlined (and strict_fusion checked)."""
    from tsjit.passes import apply_pass

    fused = module.clone()
    apply_pass("ts-fusion-groups", fused, contractions=contractions, check_strict=check_strict)
    return fused


def _program_key(cu: Any) -> tuple:
    return len(cu.module.body.block.ops), FUSER.onednn


def fused_program(cu: Any) -> Any:
    """The numpy-backend Program of the compilation unit's module with fusion groups (cached)."""
    from tsjit.backends.numpy import Program
    from tsjit.jit.fusion_kernels import group_runner

    key = _program_key(cu)
    cached = _PROGRAMS.get(cu)
    if cached is None or cached[0] != key:
        with _MAKING:
            cached = _PROGRAMS.get(cu)
            if cached is None or cached[0] != key:
                cached = _PROGRAMS[cu] = (key, Program(fuse_module(cu.module, FUSER.onednn, check_strict=False),
                                                       fusion=group_runner))
    return cached[1]


def fused_callable(fn: Any) -> Callable:
    """What a ScriptFunction (or bound ScriptMethod) runs while the fuser is on; raises
    StrictFusionError when one of the function's strict_fusion blocks was not fused."""
    from xdsl.dialects.func import FuncOp

    key = _program_key(fn._cu)
    cached = _CALLABLES.get(fn)
    if cached is None or cached[0] != key:
        from tsjit.passes.fusion_groups import check_strict

        program, compiled = fused_program(fn._cu), fn._compiled
        check_strict(program._lookup(compiled.name, FuncOp, "function"))  # the called function's blocks
        run = program.function(compiled.name) if fn._obj is None else \
            partial(program.method(compiled.method_of, fn.name), fn._obj)
        cached = _CALLABLES[fn] = (key, run)
    return cached[1]
