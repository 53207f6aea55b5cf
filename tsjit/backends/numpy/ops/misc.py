"""Exceptions, printing, warnings, type tests, casts, identity tests, strings, generic ops."""
from __future__ import annotations

from typing import Any

from tsjit.backends.numpy.printing import format_string, ts_str
from tsjit.backends.numpy.table import register, register_fn
from tsjit.backends.numpy.typecheck import matcher
from tsjit.runtime import Error
from tsjit.user_warnings import warn


@register("ts.raise")
def _raise(op, planner):
    exception = op.exception.data

    def raise_(message: str) -> None:
        raise Error(f"{exception}: {message}")

    return raise_


def _print(*values: Any) -> None:
    print(" ".join(ts_str(v) for v in values), flush=True)


def _warn(message: str) -> None:
    warn(message, UserWarning)  # against the user's call of the program


def _is(a: Any, b: Any) -> bool:
    """aten::__is__: identity, except that equal scalars and strings are the same value."""
    if a is b:
        return True
    if isinstance(a, bool | int | float | str) and type(a) is type(b):
        return a == b
    return False


def _identity(value: Any) -> Any:
    return value


def _uninitialized() -> None:
    return None


register_fn("ts.print", _print)
register_fn("ts.warn", _warn)
register_fn("ts.is", _is)
register_fn("ts.isnot", lambda a, b: not _is(a, b))
register_fn("ts.unchecked_cast", _identity)
register_fn("ts.uninitialized", _uninitialized)
register_fn("ts.str.format", format_string)
register_fn("ts.str.of", ts_str)


@register("ts.isinstance")
def _isinstance(op, planner):
    checks = tuple(matcher(t) for t in op.types.data)
    if len(checks) == 1:
        return checks[0]
    return lambda value: any(check(value) for check in checks)


#: ts.generic op-name prefix -> prepare(op name) -> fn. The frontend registers "python::" for
#: calls back into @ignore'd Python functions (TorchScript's prim::PythonOp).
GENERIC_PREFIXES: dict[str, Any] = {}


@register("ts.generic")
def _generic(op, planner):
    for prefix, prepare in GENERIC_PREFIXES.items():
        if op.op_name.data.startswith(prefix):
            return prepare(op.op_name.data)
    from tsjit.backends.numpy.plan import location

    where, reason = location(op), op.attributes.get("reason")
    message = (f'ts.generic "{op.op_name.data}"{f" ({where})" if where else ""} has no numpy implementation'
               + (f": {reason.data}" if reason is not None else ""))

    def generic(*args: Any) -> Any:
        raise Error(message)

    return generic
