"""`tsjit.set_num_threads(n)` / `tsjit.get_num_threads()`: the intra-op threads of every backend,
as torch.set_num_threads sets PyTorch's.

The count lives here; what runs work in parallel follows it: each loaded C library (its OpenMP
loops and GEMMs, which also keep OpenBLAS single-threaded inside them) is told on load and on
every change, and the numpy backend's fork pool is sized by it unless set_num_interop_threads
chose its own size. The default is OpenMP's: OMP_NUM_THREADS, else the CPUs this process may use.
"""
from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

_count: int | None = None
_lock = threading.Lock()
_libraries: weakref.WeakSet = weakref.WeakSet()  # loaded ctypes libraries with ts_set_num_threads
_listeners: list[Callable[[int], None]] = []


def default_threads() -> int:
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def get_num_threads() -> int:
    return _count if _count is not None else default_threads()


def set_num_threads(n: int) -> None:
    """Use n threads for intra-op parallelism in every backend (torch.set_num_threads)."""
    global _count
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    with _lock:
        _count = n
        libraries, listeners = list(_libraries), list(_listeners)
    for library in libraries:
        library.ts_set_num_threads(n)
    for listener in listeners:
        listener(n)


def adopt_library(library: Any) -> None:
    """Keep a loaded C library's thread count in step (it exports `ts_set_num_threads(int)`)."""
    if not hasattr(library, "ts_set_num_threads"):
        return
    with _lock:
        _libraries.add(library)
        count = _count
    if count is not None:  # else OpenMP's own default stands
        library.ts_set_num_threads(count)


def on_change(listener: Callable[[int], None]) -> None:
    """Call listener(n) on every set_num_threads(n)."""
    with _lock:
        _listeners.append(listener)
