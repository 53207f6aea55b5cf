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

from typing import Any


class Error(RuntimeError):
    """An exception raised inside compiled code (TorchScript's torch.jit.Error).

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


class Future:
    """The result of `fork`: `wait()` returns the forked call's value (or raises its error)."""

    def __init__(self, value: Any = None, error: BaseException | None = None, pending: Any = None):
        self._value, self._error, self._pending = value, error, pending

    def wait(self) -> Any:
        if self._pending is not None:  # a concurrent.futures.Future from a thread pool
            self._value, self._pending = self._pending.result(), None
        if self._error is not None:
            raise self._error
        return self._value

    def done(self) -> bool:
        return self._pending is None or self._pending.done()
