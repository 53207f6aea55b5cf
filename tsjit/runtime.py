"""How TorchScript values look at run time, shared by the eager library, script and backends.

The numpy backend, the kernels and the frontend agree on one representation:

    ts type              Python value at run time
    -------------------  ---------------------------------------------------------------
    !ts.tensor           numpy.ndarray (always an ndarray, 0-d included; never a numpy scalar)
    !ts.int/float/bool   int / float / bool
    !ts.str, !ts.none    str / None
    !ts.device           str, e.g. "cpu"
    ScalarType operands  int codes of torch.dtype (types.SCALAR_TYPE_CODES: float32=6, ...)
    !ts.list<T>          list (mutable, shared by reference as in TorchScript)
    !ts.tuple<..>        tuple
    !ts.dict<K, V>       dict (insertion ordered)
    !ts.optional<T>      None or a value of T
    !ts.class<"C">       ScriptObject (below)
    !ts.future<T>        Future (below)

Eager `tsjit.Tensor` objects wrap ndarrays; they are unwrapped when they enter compiled code
and wrapped again when they leave it.
"""
from __future__ import annotations

import threading
import types
from collections.abc import Callable
from typing import Any


class Error(Exception):
    """An exception raised inside compiled code (TorchScript's torch.jit.Error; as torch 2.13's
    JITException it derives from Exception, not RuntimeError).

    Its message is `"<exception class>: <message>"`, e.g. `"builtins.ValueError: bad input"`.
    """


class ScriptObject:
    """An instance of a TorchScript class or module: a class name and named attribute slots."""

    def __init__(self, class_name: str, slots: dict[str, Any] | None = None):
        self._class_name = class_name
        if slots:
            self.__dict__.update(slots)

    @property
    def slots(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_class_name"}

    def __repr__(self) -> str:
        return f"<ScriptObject {self._class_name}>"


class EnumObject(ScriptObject):
    """A member of a TorchScript Enum (`Enum<__torch__.Color>`): attributes `name` and `value`.

    Members are equal (`aten::eq.enum`) when their class and value are; `is` still compares objects.
    """

    def __init__(self, class_name: str, name: str, value: Any):
        super().__init__(class_name, {"name": name, "value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EnumObject) and other._class_name == self._class_name and other.value == self.value

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self._class_name, self.value))

    def __deepcopy__(self, memo: dict) -> EnumObject:
        return self  # immutable: a constant member needs no fresh copy per run


class Future:
    """The result of `fork`: `wait()` returns the forked call's value, or raises its error.

    A future is either completed when made (`Future(value)`, `Future(error=e)`: eager fork, inline
    execution) or `Future.deferred(task)`: not started until a pool thread calls `run()`. A waiter
    that finds its task not yet started runs it itself instead of blocking, so waiting never
    deadlocks, however many forks are outstanding or nested: a thread only ever blocks on a task
    that is running in another thread. The lock makes sure each task runs exactly once.
    `Future[T]` is an annotation (TorchScript's Future type).
    """

    __class_getitem__ = classmethod(types.GenericAlias)

    def __init__(self, value: Any = None, error: BaseException | None = None):
        self._value, self._error = value, error
        self._state, self._task = _DONE, None

    @classmethod
    def deferred(cls, task: Callable[[], Any]) -> Future:
        """The future of `task()`, which runs when someone first calls `run()` or `wait()`."""
        fut = cls()
        fut._state, fut._task = _PENDING, task
        fut._lock, fut._finished = threading.Lock(), threading.Event()
        return fut

    def run(self) -> None:
        """Run the task in this thread unless it has started already (then do nothing)."""
        with self._lock:
            if self._state is not _PENDING:
                return
            self._state, task, self._task = _RUNNING, self._task, None
        try:
            self._value = task()
        except BaseException as e:  # noqa: BLE001 - kept for wait(); a pool thread must not die silently
            self._error = e
        finally:
            self._state = _DONE
            self._finished.set()

    def wait(self) -> Any:
        if self._state is not _DONE:
            self.run()  # steal it if no thread has started it
            self._finished.wait()
        if self._error is not None:
            raise self._error
        return self._value

    def done(self) -> bool:
        return self._state is _DONE

    def __repr__(self) -> str:
        return f"<Future {self._state}>"


_PENDING, _RUNNING, _DONE = "pending", "running", "done"
