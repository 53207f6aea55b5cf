"""How `ts.fork` runs its body: a pluggable executor taking a no-argument callable.

The default, `run_on_interop_pool`, runs bodies concurrently on one process-wide inter-op
thread pool (PyTorch's inter-op pool: numpy releases the GIL in large ops, so two forked
matmul chains use two cores). Its size is `get_num_interop_threads()`: `tsjit.get_num_threads()`
(and it follows `tsjit.set_num_threads`) unless `set_num_interop_threads(n)` was called first; as
in PyTorch that can be done once, before the pool starts. `run_inline` runs the body at once (a completed Future, as eager PyTorch does) and
`thread_pool_executor(pool)` uses a pool of the caller's. An exception from the body is always
raised by `wait()`, never by `fork`; a future nobody waits for just keeps its error.

Pool threads never deadlock on each other: futures are deferred (tsjit.runtime.Future), so a
thread that waits for a body no thread has started yet runs it itself.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from tsjit.threads import get_num_threads, on_change
from tsjit.runtime import Future

ForkExecutor = Callable[[Callable[[], Any]], Future]

_pool: ThreadPoolExecutor | None = None
_num_threads: int | None = None  # set once by set_num_interop_threads
_lock = threading.Lock()


def run_inline(body: Callable[[], Any]) -> Future:
    try:
        return Future(body())
    except Exception as e:
        return Future(error=e)


def thread_pool_executor(pool: Executor) -> ForkExecutor:
    def submit(body: Callable[[], Any]) -> Future:
        future = Future.deferred(body)
        pool.submit(future.run)  # a no-op if a waiter has run the body by then
        return future

    return submit


def run_on_interop_pool(body: Callable[[], Any]) -> Future:
    """The default fork executor: the shared inter-op pool, started on first use."""
    pool = _pool or _start_pool()
    future = Future.deferred(body)
    pool.submit(future.run)
    return future


def get_num_interop_threads() -> int:
    """The inter-op pool's number of threads (torch.get_num_interop_threads)."""
    return _num_threads if _num_threads is not None else get_num_threads()


def set_num_interop_threads(n: int) -> None:
    """Size the inter-op pool; allowed once, before any fork ran on it (torch.set_num_interop_threads)."""
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(f"set_num_interop_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    with _lock:
        if _pool is not None or _num_threads is not None:
            raise RuntimeError("Error: cannot set number of interop threads after parallel work has started "
                               "or set_num_interop_threads called")
        _num_threads = n


def _follow_num_threads(n: int) -> None:
    """tsjit.set_num_threads(n): a started pool not sized by set_num_interop_threads is replaced."""
    global _pool
    with _lock:
        if _pool is None or _num_threads is not None or _pool._max_workers == n:
            return
        old, _pool = _pool, ThreadPoolExecutor(n, thread_name_prefix="tsjit-interop")
    old.shutdown(wait=False)  # its queued bodies still run; deferred futures never wait on it


on_change(_follow_num_threads)


def _start_pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(get_num_interop_threads(), thread_name_prefix="tsjit-interop")
        return _pool
