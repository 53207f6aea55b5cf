"""One lock per key, so that N threads after the same costly result (a C build, a fused kernel)
produce it once: the first holds the key's lock while it works, the others wait and then find
the result. `file_lock` does the same across processes through a lock file."""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Hashable, Iterator

try:
    import fcntl
except ImportError:  # not POSIX: only threads are serialised
    fcntl = None


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def __call__(self, key: Hashable) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())


@contextlib.contextmanager
def file_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive advisory lock on `path` (created if missing) for the block."""
    if fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
