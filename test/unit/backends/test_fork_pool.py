"""The numpy backend's fork executors and tsjit.runtime.Future: concurrency on the inter-op pool,
a task runs exactly once, waiting never deadlocks, errors surface at wait, the pool's size."""
import concurrent.futures
import os
import queue
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import Executor

import pytest

from backend_ir import program
from tsjit.backends.numpy.fork import (
    get_num_interop_threads,
    run_inline,
    run_on_interop_pool,
    thread_pool_executor,
)
from tsjit.runtime import Error, Future


def within(seconds, fn):
    """fn() in a daemon thread: a test that would block forever fails instead of hanging."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001
            out["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still blocked after {seconds} s"
    if "error" in out:
        raise out["error"]
    return out["value"]


# -- Future ------------------------------------------------------------------------------------


def test_a_deferred_future_runs_its_task_once_whoever_runs_it():
    calls = []
    fut = Future.deferred(lambda: calls.append(1) or 42)
    assert not fut.done()
    assert within(10, fut.wait) == 42 and fut.done()
    fut.run()  # the pool's run after a waiter stole the task: nothing happens
    assert fut.wait() == 42 and calls == [1]


def test_many_threads_racing_to_run_one_task_run_it_once():
    calls = []
    start = threading.Barrier(8, timeout=10)
    fut = Future.deferred(lambda: calls.append(1) or "done")

    def race():
        start.wait()
        fut.run()
        assert fut.wait() == "done"

    threads = [threading.Thread(target=race) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert calls == [1]


def test_wait_blocks_until_a_running_task_finishes_in_another_thread():
    release = threading.Event()
    fut = Future.deferred(lambda: release.wait(10) and "released")
    worker = threading.Thread(target=fut.run)
    worker.start()
    threading.Timer(0.05, release.set).start()
    assert within(10, fut.wait) == "released"
    worker.join(timeout=10)


def test_an_error_is_raised_by_every_wait():
    fut = Future.deferred(lambda: 1 // 0)
    fut.run()  # a pool thread: the error is kept, not raised here
    for _ in range(2):
        with pytest.raises(ZeroDivisionError):
            within(10, fut.wait)


def test_completed_futures():
    assert Future(3).done() and Future(3).wait() == 3
    with pytest.raises(ValueError, match="bad"):
        Future(error=ValueError("bad")).wait()
    assert run_inline(lambda: 5).wait() == 5
    assert isinstance(run_inline(lambda: 1 // 0)._error, ZeroDivisionError)


# -- the executors on IR -----------------------------------------------------------------------

NESTED = """
func.func @leaf(%x: !ts.int) -> !ts.int {
  %y = ts.scalar.mul %x, %x : (!ts.int, !ts.int) -> !ts.int
  func.return %y : !ts.int
}
func.func @pair(%x: !ts.int) -> !ts.int {
  %a = ts.fork -> !ts.future<!ts.int> {
    %r = ts.call_function @leaf(%x) : (!ts.int) -> !ts.int
    ts.yield %r : !ts.int
  }
  %b = ts.fork -> !ts.future<!ts.int> {
    %one = ts.constant 1
    %x1 = ts.scalar.add %x, %one : (!ts.int, !ts.int) -> !ts.int
    %r = ts.call_function @leaf(%x1) : (!ts.int) -> !ts.int
    ts.yield %r : !ts.int
  }
  %ra = ts.wait %a : !ts.future<!ts.int>
  %rb = ts.wait %b : !ts.future<!ts.int>
  %s = ts.scalar.add %ra, %rb : (!ts.int, !ts.int) -> !ts.int
  func.return %s : !ts.int
}
func.func @tree(%x: !ts.int) -> !ts.int {
  %a = ts.fork -> !ts.future<!ts.int> {
    %r = ts.call_function @pair(%x) : (!ts.int) -> !ts.int
    ts.yield %r : !ts.int
  }
  %b = ts.fork -> !ts.future<!ts.int> {
    %r = ts.call_function @pair(%x) : (!ts.int) -> !ts.int
    ts.yield %r : !ts.int
  }
  %ra = ts.wait %a : !ts.future<!ts.int>
  %rb = ts.wait %b : !ts.future<!ts.int>
  %s = ts.scalar.add %ra, %rb : (!ts.int, !ts.int) -> !ts.int
  func.return %s : !ts.int
}
func.func @failing(%x: !ts.int) -> !ts.future<!ts.int> {
  %fut = ts.fork -> !ts.future<!ts.int> {
    %zero = ts.constant 0
    %r = ts.scalar.floordiv %x, %zero : (!ts.int, !ts.int) -> !ts.int
    ts.yield %r : !ts.int
  }
  func.return %fut : !ts.future<!ts.int>
}
"""


def tree(x):
    return 2 * (x * x + (x + 1) * (x + 1))


def test_the_default_executor_is_the_interop_pool():
    prog = program(NESTED)
    assert prog.fork_executor is run_on_interop_pool
    assert within(20, lambda: [prog.call("tree", x) for x in range(10)]) == [tree(x) for x in range(10)]


class DaemonPool(Executor):
    """A pool of daemon threads: if they deadlock, the test fails at its timeout and the process
    still exits (ThreadPoolExecutor's threads are joined at exit)."""

    def __init__(self, threads: int):
        self.tasks = queue.SimpleQueue()
        for _ in range(threads):
            threading.Thread(target=self._work, daemon=True).start()

    def submit(self, fn, *args):
        future = concurrent.futures.Future()
        self.tasks.put((future, fn, args))
        return future

    def _work(self):
        while True:
            future, fn, args = self.tasks.get()
            try:
                future.set_result(fn(*args))
            except BaseException as e:  # noqa: BLE001
                future.set_exception(e)


@pytest.mark.parametrize("threads", [1, 2])
def test_nested_forks_on_a_pool_smaller_than_the_fork_tree_do_not_deadlock(threads):
    """Every pool thread waits inside `tree` for `pair`s no thread has started: waiters run them."""
    pool = DaemonPool(threads)
    prog = program(NESTED, fork_executor=thread_pool_executor(pool))
    outer = [pool.submit(prog.call, "tree", x) for x in range(4 * threads)]
    assert [f.result(timeout=20) for f in outer] == [tree(x) for x in range(4 * threads)]


def test_a_body_error_surfaces_at_wait_and_an_unwaited_one_is_harmless():
    prog = program(NESTED)
    fut = prog.call("failing", 1)  # fork does not raise
    with pytest.raises(Error, match="^ts.scalar.floordiv: integer division or modulo by zero$"):
        within(20, fut.wait)
    prog.call("failing", 2)  # never waited for
    assert within(20, lambda: prog.call("tree", 3)) == tree(3)


def test_run_inline_is_still_available():
    prog = program(NESTED, fork_executor=run_inline)
    fut = prog.call("failing", 1)
    assert fut.done()
    assert prog.call("tree", 2) == tree(2)


def test_interop_pool_bodies_run_concurrently():
    barrier = threading.Barrier(2, timeout=10)
    a = run_on_interop_pool(lambda: barrier.wait() is not None)
    b = run_on_interop_pool(lambda: barrier.wait() is not None)
    assert within(20, a.wait) and within(20, b.wait)  # one thread at a time would break the barrier


def test_interop_thread_count_defaults_to_the_cpu_count():
    assert get_num_interop_threads() == (os.cpu_count() or 1)


SET_THREADS = """
import tsjit
from tsjit.backends.numpy import fork

def error(fn, *args):
    try:
        fn(*args)
    except RuntimeError as e:
        return str(e)

assert error(tsjit.set_num_interop_threads, 0) == "set_num_interop_threads expects a positive integer"
assert error(tsjit.set_num_interop_threads, "2") == "set_num_interop_threads expects an int, but got str"
{body}
print("ok")
"""
ONCE = "cannot set number of interop threads after parallel work has started or set_num_interop_threads called"


@pytest.mark.parametrize("body", [
    # set once, before any fork: the pool gets that many threads; a second set fails
    f"""tsjit.set_num_interop_threads(3)
assert tsjit.get_num_interop_threads() == 3
fork.run_on_interop_pool(lambda: 1).wait()
assert fork._pool._max_workers == 3
assert error(tsjit.set_num_interop_threads, 4).endswith("{ONCE}")""",
    # after the pool started, setting fails and the size stays
    f"""n = tsjit.get_num_interop_threads()
fork.run_on_interop_pool(lambda: 1).wait()
assert error(tsjit.set_num_interop_threads, 1) == "Error: {ONCE}"
assert tsjit.get_num_interop_threads() == n""",
])
def test_set_num_interop_threads_as_pytorch(body):
    """In a fresh process: the setting is process-wide and can be made once."""
    code = SET_THREADS.replace("{body}", body)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_pytorch_interop_settings_behave_alike():
    pytest.importorskip("torch")
    code = """
import torch
torch.set_num_interop_threads(3)
assert torch.get_num_interop_threads() == 3
try:
    torch.set_num_interop_threads(4)
except RuntimeError as e:
    print(str(e))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == f"Error: {ONCE}"
