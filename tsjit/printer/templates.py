"""How each op reads as code: op name -> renderer(op, operand expressions) -> expression.

The table follows tinygrad's renderer: one entry per op, built from a few helpers (a call,
an infix operator with its precedence, a method call). Everything prints as TorchScript
prints it: tensor ops as ATen calls (`torch.relu(x)`, trailing defaults dropped, keyword-only
arguments named), and scalar, string and container ops as TorchScript's builtins
(`torch.add(a, b)`, `torch.eq(n, 1)`, `torch.len(xs)`, `torch.append(xs, x)`, `ops.prim.min(a, b)`);
only indexing (`l[i]`) and the conversions `int(...)`, `float(...)`, `str(...)` stay Python.
Ops missing from the table print as `ops.<dialect>.<name>(operands)`, so printing never fails.
"""
from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Operation

from tsjit.dialects.ts.scalar_ops import SCALAR_OPS
from tsjit.dialects.ts.string_ops import METHOD_NAMES, STRING_OPS
from tsjit.ops import REGISTRY
from tsjit.printer import aten_defaults as ad
from tsjit.printer.expr import (ATOM, Expr,
                                constant_value, quote)
from tsjit.dialects.ts.module_ir import ENUM
from tsjit.dialects.ts.types import ClassType
from tsjit.printer.type_names import KindOf, no_kinds, type_name

Renderer = Callable[[Operation, list[Expr]], Expr]


def _args(args: list[Expr]) -> str:
    return ", ".join(a.text for a in args)


def call(fn: str) -> Renderer:
    """`fn(a, b)`."""
    return lambda op, args: Expr(f"{fn}({_args(args)})")


def subscript(op: Operation, a: list[Expr]) -> Expr:
    return Expr(f"{a[0].at(ATOM)}[{a[1].text}]")


def aten(name: str) -> Renderer:
    """A tensor op as TorchScript prints it: `torch.<name>(...)`, trailing defaults dropped."""
    fn = ad.CALL_NAMES.get(name, f"torch.{name}")
    defaults = ad.DEFAULTS.get(name, {})

    def render(op: Operation, args: list[Expr]) -> Expr:
        names = [a.name for a in op.SCHEMA.args] if hasattr(op, "SCHEMA") else []
        n = len(args)
        while n and n <= len(names) and names[n - 1] in defaults and _is_constant(op, n - 1, defaults[names[n - 1]]):
            n -= 1
        kw = ad.first_keyword(name, names)
        parts = [(f"{names[i]}=" if kw <= i < len(names) else "") + args[i].text for i in range(n)]
        return Expr(f"{fn}({', '.join(parts)})")

    return render


def _is_constant(op: Operation, index: int, default: object) -> bool:
    """Whether operand `index` is a constant equal to `default` (bool, int and float kept apart)."""
    known, value = constant_value(op.operands[index])
    return known and type(value) is type(default) and value == default


def _trailing_comma_call(callee: str, args: list[Expr]) -> str:
    """TorchScript prints calls of methods and functions with `, ` after each argument."""
    return f"{callee}(" + "".join(f"{a.text}, " for a in args) + ")"


def _call_method(op, a):
    return Expr(_trailing_comma_call(f"({a[0].text}).{op.method_name.data}", a[1:]))


def _call_function(op, a):
    return Expr(_trailing_comma_call(op.callee.string_value(), a))


def _get_attr(op, a):
    name = op.attr_name.data
    if name.isidentifier():
        return Expr(f"{a[0].at(ATOM)}.{name}")
    return Expr(f"getattr({a[0].text}, {quote(name)})")  # e.g. Sequential's "0"


def _enum_property(op, a):
    """prim::EnumName / prim::EnumValue print as a property of the parenthesised member: `(c).value`."""
    return Expr(f"({a[0].text}).{op.attr_name.data}")


def _set_attr(op, a):
    name = op.attr_name.data
    if name.isidentifier():
        return Expr(f"{a[0].at(ATOM)}.{name} = {a[1].text}")
    return Expr(f"setattr({a[0].text}, {quote(name)}, {a[1].text})")


def _raise(op, a):
    """`raise ValueError(msg)`: the `builtins.` of TorchScript's exception class names is dropped."""
    exc = op.exception.data.removeprefix("builtins.")
    return Expr(f"raise {exc}({a[0].text})")


def _isinstance(op, a):
    types = [type_name(t) for t in op.types.data]
    spelled = types[0] if len(types) == 1 else f"({', '.join(types)})"
    return Expr(f"isinstance({a[0].text}, {spelled})")


def _generic(op, a):
    """`ts.generic "aten::foo.overload"` -> `ops.aten.foo(...)` (the overload name is dropped)."""
    namespace, _, name = op.op_name.data.rpartition("::")
    return Expr(f"ops.{namespace or 'prim'}.{name.split('.')[0]}({_args(a)})")


def _list_construct(op, a):
    if not a:
        return Expr(f"annotate({type_name(op.results[0].type)}, [])")
    return Expr(f"[{_args(a)}]")


def _tuple_construct(op, a):
    return Expr(f"({a[0].text},)" if len(a) == 1 else f"({_args(a)})")


def _dict_construct(op, a):
    if not a:
        return Expr(f"annotate({type_name(op.results[0].type)}, {{}})")
    pairs = [f"{a[i].text}: {a[i + 1].text}" for i in range(0, len(a), 2)]
    return Expr("{" + ", ".join(pairs) + "}")


def _object(op, a):
    """Not TorchScript syntax (objects are made by `__new__` and `setattr`): a readable debug form."""
    slots = ", ".join(f"{n.data}={e.text}" for n, e in zip(op.slot_names.data, a))
    return Expr(f"{op.result.type.class_name.data}({slots})")


def _create_object(op, a):
    cls = op.result.type.class_name.data
    return Expr(f"{cls}.__new__({cls})")


def _unchecked_cast(op, a):
    return Expr(f"unchecked_cast({type_name(op.result.type)}, {a[0].text})")


def _uninitialized(op, a):
    return Expr(f"uninitialized({type_name(op.result.type)})")


def torch_call(name: str) -> Renderer:
    """TorchScript's builtin spelling `torch.<name>(operands...)` (a method's receiver first)."""
    return call(f"torch.{name}")


def _slice(op, a):
    """`torch.slice(l, start, end, step)`: a step of 1 and trailing None bounds left out."""
    parts = list(a[:4])
    if constant_value(op.operands[3]) == (True, 1):
        parts.pop()
        while len(parts) > 1 and constant_value(op.operands[len(parts) - 1]) == (True, None):
            parts.pop()
    return Expr(f"torch.slice({_args(parts)})")


def _str_split(op, a):
    return Expr(f"torch.split({a[0].text})") if constant_value(op.operands[1]) == (True, None) else \
        torch_call("split")(op, a)


_SCALAR: dict[str, Renderer] = {
    **{f"scalar.{n}": torch_call(n) for n in ("add", "sub", "mul", "floordiv", "div", "pow", "neg", "eq", "ne", "lt",
                                               "le", "gt", "ge", "round")},
    "scalar.mod": torch_call("remainder"), "scalar.abs": call("ops.prim.abs"),
    "scalar.min": call("ops.prim.min"), "scalar.max": call("ops.prim.max"),
    **{f"scalar.{n}": torch_call(f"__{n}__") for n in ("not", "and", "or", "lshift", "rshift", "invert")},
    "scalar.bitand": torch_call("__and__"), "scalar.bitor": torch_call("__or__"), "scalar.bitxor": torch_call("__xor__"),
    "scalar.int": call("int"), "scalar.float": call("float"), "scalar.bool": call("bool"),
    "scalar.round_digits": call("round"),
    **{f"str.{name}": torch_call(name) for name in ("hex", "oct", "bin", "ord", "chr")},
    **{name: torch_call(name.removeprefix("math.")) for name in SCALAR_OPS if name.startswith("math.")},
    "str.concat": torch_call("add"), "str.eq": torch_call("eq"), "str.ne": torch_call("ne"),
    "value.eq": torch_call("eq"), "value.ne": torch_call("ne"),
    **{f"str.{m}": torch_call(m) for m in ("lower", "upper", "strip", "startswith", "endswith", "replace", "find",
                                           "join")},
    "str.split": _str_split, "str.from_int": call("str"), "str.getitem": subscript,
}

_CONTAINER: dict[str, Renderer] = {
    "list.construct": _list_construct,
    "list.unpack": lambda op, a: a[0],
    "list.get": subscript,
    "list.set": torch_call("_set_item"),
    **{f"list.{m}": torch_call(m) for m in ("append", "insert", "pop", "extend", "clear", "sort", "reverse", "copy",
                                            "remove", "index", "count")},
    "list.concat": torch_call("add"), "list.mul": torch_call("mul"),
    "list.slice": _slice, "str.slice": _slice,
    "contains": torch_call("__contains__"),
    "len": torch_call("len"),
    "tuple.construct": _tuple_construct,
    "tuple.unpack": lambda op, a: a[0],
    "tuple.index": subscript,
    "dict.construct": _dict_construct,
    "dict.get": subscript,
    "dict.get_default": torch_call("get"),
    "dict.set": torch_call("_set_item"),
    "dict.pop": torch_call("pop"), "dict.pop_default": torch_call("pop"),
    "dict.delete": torch_call("Delete"), "list.delete": torch_call("Delete"),
    **{f"dict.{m}": torch_call(m) for m in ("keys", "values", "items", "copy", "update", "setdefault", "clear",
                                            "popitem")},
    **{name: torch_call(METHOD_NAMES.get(name, name[4:])) for name in STRING_OPS if name != "str.slice"},
}

_MISC: dict[str, Renderer] = {
    "get_attr": _get_attr, "set_attr": _set_attr, "call_method": _call_method, "call_function": _call_function,
    "object": _object, "create_object": _create_object,
    "raise": _raise, "print": call("print"), "warn": call("warnings.warn"), "isinstance": _isinstance,
    "unchecked_cast": _unchecked_cast, "uninitialized": _uninitialized,
    "is": torch_call("__is__"), "isnot": torch_call("__isnot__"),
    "str.format": torch_call("format"), "str.of": call("str"), "generic": _generic,
    "wait": call("torch.wait"),
    "fusion_group": call("prim.FusionGroup"), "fusion_yield": call("prim.FusionYield"),  # tsjit/jit/fusion.py
}

#: op name (`ts.add`) -> renderer.
RENDERERS: dict[str, Renderer] = {
    f"ts.{name}": r for name, r in [*((n, aten(n)) for n in REGISTRY), *_SCALAR.items(), *_CONTAINER.items(),
                                    *_MISC.items()]
}


def render(op: Operation, args: list[Expr], kind_of: KindOf = no_kinds) -> Expr:
    """The expression (or, for ops without results, the statement) that `op` prints as; `kind_of`
    tells enum classes from others (their `.name`/`.value` are TorchScript's EnumName/EnumValue)."""
    if op.name == "ts.get_attr" and isinstance(t := op.operands[0].type, ClassType) and \
            kind_of(t.class_name.data) == ENUM:
        return _enum_property(op, args)
    renderer = RENDERERS.get(op.name)
    if renderer is None:
        dialect, _, name = op.name.partition(".")
        return Expr(f"ops.{dialect}.{name or dialect}({_args(args)})")
    return renderer(op, args)
