"""How `ts.fork` runs its body: a pluggable executor taking a no-argument callable.

The default runs the body at once and returns a completed Future, as eager PyTorch does;
`thread_pool_executor(pool)` runs bodies on a concurrent.futures pool instead. Either way an
exception from the body is raised by `wait()`, not by `fork`.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from tsjit.runtime import Future

ForkExecutor = Callable[[Callable[[], Any]], Future]


def run_inline(body: Callable[[], Any]) -> Future:
    try:
        return Future(body())
    except Exception as e:
        return Future(error=e)


def thread_pool_executor(pool: Executor) -> ForkExecutor:
    def submit(body: Callable[[], Any]) -> Future:
        return Future(pending=pool.submit(body))

    return submit
