"""Which NamedTuple classes a function's result holds, so results leave compiled code as them.

A NamedTuple is a plain tuple in ts IR (its type is structural), so the Python return annotation
says where NamedTuples sit in a result (`Tuple[P, List[P]]`). The compiled function keeps that
annotation, and its func.func carries it as text (`ts.py_return`) so that a saved and loaded
module rebuilds the same NamedTuples: the class itself when it can still be imported, otherwise a
`collections.namedtuple` with the same name and fields.
"""
from __future__ import annotations

import collections
import importlib
import json
import typing
from typing import Any

ATTR = "ts.py_return"


def is_namedtuple(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")


def _field_hints(cls: type) -> dict:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - a forward reference that does not resolve: fields stay plain
        return {}


def python_return_of(fn: Any) -> Any:
    """The return annotation object of `fn` (string annotations resolved where they can be)."""
    ann = getattr(fn, "__annotations__", {}).get("return")
    if isinstance(ann, str):
        try:
            ann = typing.get_type_hints(fn).get("return")
        except Exception:  # noqa: BLE001 - the compiler reports what does not resolve
            return None
    return ann


def encode(ann: Any) -> Any:
    """A JSON-able description of `ann` where it holds NamedTuples, else None."""
    if is_namedtuple(ann):
        hints = _field_hints(ann)
        return {"nt": ann.__qualname__, "module": ann.__module__, "fields": list(ann._fields),
                "items": [encode(hints.get(f)) for f in ann._fields]}
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (list, tuple, dict) or origin is typing.Union:
        items = [encode(a) for a in args if a is not Ellipsis]
        if any(i is not None for i in items):
            kind = {list: "list", tuple: "tuple", dict: "dict"}.get(origin, "union")
            return {kind: items}
    return None


def encode_text(ann: Any) -> str | None:
    found = encode(ann)
    return None if found is None else json.dumps(found)


def decode(found: Any) -> Any:
    """The annotation `encode` described (a class that still imports, or a new namedtuple)."""
    if found is None:
        return None
    if "nt" in found:
        cls = _importable(found["module"], found["nt"])
        if cls is None or list(getattr(cls, "_fields", ())) != found["fields"]:
            cls = collections.namedtuple(found["nt"].rsplit(".", 1)[-1], found["fields"])
            cls.__annotations__ = {f: decode(i) for f, i in zip(found["fields"], found["items"])}
        return cls
    kind, items = next(iter(found.items()))
    items = tuple(typing.Any if i is None else decode(i) for i in items)
    if kind == "list":
        return typing.List[items[0]]  # noqa: UP006 - a value, not an annotation
    if kind == "dict":
        return typing.Dict[items]  # noqa: UP006
    if kind == "union":
        return typing.Union[items]  # noqa: UP007
    return typing.Tuple[items]  # noqa: UP006


def decode_text(text: str | None) -> Any:
    return None if text is None else decode(json.loads(text))


def _importable(module: str, qualname: str) -> Any:
    if "<locals>" in qualname:
        return None
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    except Exception:  # noqa: BLE001 - not importable here: rebuild it from its fields
        return None


def rebuild(value: Any, ann: Any, convert) -> Any:
    """`value` (a run-time value) converted by `convert`, tuples made the NamedTuples `ann` names."""
    if ann is None:
        return convert(value)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if isinstance(value, tuple):
        if is_namedtuple(ann):
            hints = getattr(ann, "__annotations__", None) or _field_hints(ann)
            return ann(*(rebuild(v, hints.get(f), convert) for v, f in zip(value, ann._fields)))
        if origin is tuple and len(args) == len(value):
            return tuple(rebuild(v, a, convert) for v, a in zip(value, args))
    elif isinstance(value, list) and origin is list and args:
        return [rebuild(v, args[0], convert) for v in value]
    elif isinstance(value, dict) and origin is dict and len(args) == 2:
        return {convert(k): rebuild(v, args[1], convert) for k, v in value.items()}
    if origin is typing.Union:
        for member in args:
            if (isinstance(value, tuple) and (is_namedtuple(member) or typing.get_origin(member) is tuple)) or (
                    isinstance(value, list) and typing.get_origin(member) is list):
                return rebuild(value, member, convert)
    return convert(value)


class NamedTupleCompiler:
    """Mixin of FunctionCompiler: where an unannotated function's result holds NamedTuples.

    TorchScript infers `P` for `return P(x, 1)`; here the tuple ops that built NamedTuples are
    remembered, and the value the function returns is traced back through tuple and list
    constructions (a value merged from branches is not followed: annotate the return then).
    """

    def construct_namedtuple(self, node, cls: type, args: list, kwargs: dict):
        value = super().construct_namedtuple(node, cls, args, kwargs)
        self.__dict__.setdefault("_namedtuple_ops", {})[value.owner] = cls
        return value

    def returned_annotation(self, value) -> Any:
        """An annotation naming the NamedTuples in `value`, or None when it holds none."""
        made = self.__dict__.get("_namedtuple_ops")
        return None if not made else _annotation_of(value, made, 0)


def _annotation_of(value, made: dict, depth: int) -> Any:
    owner = getattr(value, "owner", None)
    if owner in made or depth > 8:
        return made.get(owner)
    name = getattr(owner, "name", None)
    if name == "ts.tuple.construct":
        items = [_annotation_of(v, made, depth + 1) for v in owner.operands]
        if any(i is not None for i in items):
            return typing.Tuple[tuple(i if i is not None else typing.Any for i in items)]  # noqa: UP006
    if name == "ts.list.construct" and owner.operands:
        item = _annotation_of(owner.operands[0], made, depth + 1)
        return None if item is None else typing.List[item]  # noqa: UP006
    return None
