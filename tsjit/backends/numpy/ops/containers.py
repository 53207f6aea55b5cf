"""Lists, tuples and dicts with TorchScript's (Python's) semantics.

Lists and dicts are Python lists and dicts shared by reference, so a mutation through one
alias is seen through every other, as in TorchScript.
"""
from __future__ import annotations

from typing import Any

from tsjit.backends.numpy.table import register, register_fn


def _construct_list(*items: Any) -> list:
    return list(items)


def _set(lst: list, index: int, value: Any) -> None:
    lst[index] = value


def _insert(lst: list, index: int, value: Any) -> None:
    lst.insert(index, value)


def _slice(lst: list, start: int | None, end: int | None, step: int) -> list:
    if step == 0:
        raise ValueError("slice step cannot be zero")
    return lst[start:end:step]


def _construct_dict(*pairs: Any) -> dict:
    return dict(zip(pairs[0::2], pairs[1::2]))


def _dict_get(d: dict, key: Any) -> Any:
    return d[key]


def _dict_set(d: dict, key: Any, value: Any) -> None:
    d[key] = value


def _dict_delete(d: dict, key: Any) -> None:
    del d[key]


def _contains(container: Any, item: Any) -> bool:
    return item in container


def _items(d: dict) -> list:
    return list(d.items())


def _tuple(*items: Any) -> tuple:
    return items


def _identity(value: Any) -> Any:
    return value


def _equal(a: Any, b: Any) -> bool:
    """== as TorchScript's list search does it: no identity shortcut (nan is never found), a
    tensor compared by its one value."""
    result = a == b
    return bool(result.item()) if hasattr(result, "item") and not isinstance(result, bool) else bool(result)


def _delete(lst: list, index: int) -> None:
    if not -len(lst) <= index < len(lst):
        raise IndexError("list index out of range")
    del lst[index]


def _remove(lst: list, value: Any) -> None:
    for i, item in enumerate(lst):
        if _equal(item, value):
            del lst[i]
            return
    raise ValueError("list.remove(x): x not in list")


def _index(lst: list, value: Any) -> int:
    for i, item in enumerate(lst):
        if _equal(item, value):
            return i
    raise ValueError(f"'{value}' is not in list")


def _count(lst: list, value: Any) -> int:
    return sum(1 for item in lst if _equal(item, value))


def _repeat(lst: list, n: int) -> list:
    if len(lst) * n < 0:
        raise RuntimeError("vector::reserve")  # TorchScript reserves len * n (unsigned) elements
    return lst * n


def _pop_default(d: dict, key: Any, default: Any) -> Any:
    return d.pop(key, default)


def _popitem(d: dict) -> tuple:
    if not d:
        raise RuntimeError("popitem(): dictionary is empty")
    key = next(iter(d))  # TorchScript removes the first item, not the last
    return key, d.pop(key)


def _len(value: Any) -> int:
    """len(); a str's length counts its UTF-8 bytes, as in TorchScript."""
    return len(value.encode("utf-8", "surrogateescape")) if isinstance(value, str) else len(value)

FUNCTIONS = {
    "list.construct": _construct_list,
    "list.get": list.__getitem__,
    "list.set": _set,
    "list.append": list.append,
    "list.insert": _insert,
    "list.pop": list.pop,
    "list.extend": list.extend,
    "list.clear": list.clear,
    "list.sort": list.sort,
    "list.reverse": list.reverse,
    "list.copy": list.copy,
    "list.concat": list.__add__,
    "list.slice": _slice,
    "list.delete": _delete,
    "list.remove": _remove,
    "list.index": _index,
    "list.count": _count,
    "list.mul": _repeat,
    "contains": _contains,
    "len": _len,
    "tuple.construct": _tuple,
    "tuple.index": tuple.__getitem__,
    "dict.construct": _construct_dict,
    "dict.get": _dict_get,
    "dict.get_default": dict.get,
    "dict.set": _dict_set,
    "dict.pop": dict.pop,
    "dict.delete": _dict_delete,
    "dict.keys": lambda d: list(d.keys()),
    "dict.values": lambda d: list(d.values()),
    "dict.items": _items,
    "dict.pop_default": _pop_default,
    "dict.setdefault": dict.setdefault,
    "dict.popitem": _popitem,
    "dict.copy": dict.copy,
    "dict.clear": dict.clear,
    "dict.update": dict.update,
}
for _name, _fn in FUNCTIONS.items():
    register_fn(f"ts.{_name}", _fn)


@register("ts.list.unpack", "ts.tuple.unpack")
def _unpack(op, planner):
    """Check the length; the step then stores the elements in the results (one result: the element)."""
    n = len(op.results)
    kind = "list" if op.name == "ts.list.unpack" else "tuple"

    def unpack(seq):
        if len(seq) != n:
            raise ValueError(f"expected {n} elements in a {kind} but found {len(seq)}")
        return seq if n != 1 else seq[0]

    return unpack
