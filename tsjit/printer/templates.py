"""How each op reads as code: op name -> renderer(op, operand expressions) -> expression.

The table follows tinygrad's renderer: one entry per op, built from a few helpers (a call,
an infix operator with its precedence, a method call). Tensor ops print as TorchScript
prints ATen calls (`torch.relu(x)`, trailing defaults dropped, keyword-only arguments
named); scalar, string and container ops print as the Python operators and methods the
user wrote (`a + b`, `s.lower()`, `l[i]`), where TorchScript would print `torch.add(a, b)`.
Ops missing from the table print as `ops.<dialect>.<name>(operands)`, so printing never fails.
"""
from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Operation

from tsjit.dialects.ts.scalar_ops import SCALAR_OPS
from tsjit.dialects.ts.string_ops import METHOD_NAMES, STRING_OPS
from tsjit.ops import REGISTRY
from tsjit.printer import aten_defaults as ad
from tsjit.printer.expr import (ADD, AND, ATOM, BAND, BOR, BXOR, CMP, MUL, NOT, OR, POW, SHIFT, UNARY, Expr,
                                constant_value, quote)
from tsjit.printer.type_names import type_name

Renderer = Callable[[Operation, list[Expr]], Expr]


def _args(args: list[Expr]) -> str:
    return ", ".join(a.text for a in args)


def call(fn: str) -> Renderer:
    """`fn(a, b)`."""
    return lambda op, args: Expr(f"{fn}({_args(args)})")


def binary(symbol: str, prec: int) -> Renderer:
    """A left-associative infix operator: `a - (b - c)`, `(a - b) - c` prints `a - b - c`."""
    return lambda op, a: Expr(f"{a[0].at(prec)} {symbol} {a[1].at(prec + 1)}", prec)


def compare(symbol: str) -> Renderer:
    """Comparisons chain in Python (`a < b < c`), so both sides bind tighter than a comparison."""
    return lambda op, a: Expr(f"{a[0].at(CMP + 1)} {symbol} {a[1].at(CMP + 1)}", CMP)


def power(op: Operation, a: list[Expr]) -> Expr:
    """`**` is right-associative and binds tighter than unary minus on its left: `(-a) ** b ** c`."""
    return Expr(f"{a[0].at(POW + 1)} ** {a[1].at(POW)}", POW)


def prefix(symbol: str, prec: int) -> Renderer:
    return lambda op, a: Expr(f"{symbol}{a[0].at(prec)}", prec)


def method(name: str) -> Renderer:
    """`receiver.name(rest)`: the first operand is the receiver."""
    return lambda op, a: Expr(f"{a[0].at(ATOM)}.{name}({_args(a[1:])})")


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


def _list_slice(op, a):
    """`l[start:end:step]`, leaving out None bounds and a step of 1."""
    bounds = ["" if constant_value(v) == (True, None) else e.text for v, e in zip(op.operands[1:3], a[1:3])]
    step = "" if constant_value(op.operands[3]) == (True, 1) else f":{a[3].text}"
    return Expr(f"{a[0].at(ATOM)}[{bounds[0]}:{bounds[1]}{step}]")


def _str_split(op, a):
    return Expr(f"{a[0].at(ATOM)}.split()") if constant_value(op.operands[1]) == (True, None) else method("split")(op, a)


def _format(op, a):
    return Expr(f"{a[0].at(ATOM)}.format({_args(a[1:])})")


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


def _statement(fmt: str) -> Renderer:
    """A statement form such as `l[i] = v`; only valid for ops without results."""
    return lambda op, a: Expr(fmt.format(*(e.at(ATOM) if i == 0 else e.text for i, e in enumerate(a))))


_SCALAR: dict[str, Renderer] = {
    "scalar.add": binary("+", ADD), "scalar.sub": binary("-", ADD), "scalar.mul": binary("*", MUL),
    "scalar.floordiv": binary("//", MUL), "scalar.mod": binary("%", MUL), "scalar.div": binary("/", MUL),
    "scalar.pow": power, "scalar.neg": prefix("-", UNARY), "scalar.abs": call("abs"),
    "scalar.min": call("min"), "scalar.max": call("max"),
    "scalar.eq": compare("=="), "scalar.ne": compare("!="), "scalar.lt": compare("<"),
    "scalar.le": compare("<="), "scalar.gt": compare(">"), "scalar.ge": compare(">="),
    "scalar.not": prefix("not ", NOT), "scalar.and": binary("and", AND), "scalar.or": binary("or", OR),
    "scalar.int": call("int"), "scalar.float": call("float"), "scalar.bool": call("bool"),
    "scalar.round": call("round"), "scalar.round_digits": call("round"),
    "scalar.bitand": binary("&", BAND), "scalar.bitor": binary("|", BOR), "scalar.bitxor": binary("^", BXOR),
    "scalar.lshift": binary("<<", SHIFT), "scalar.rshift": binary(">>", SHIFT), "scalar.invert": prefix("~", UNARY),
    **{f"str.{name}": call(name) for name in ("hex", "oct", "bin", "ord", "chr")},
    **{name: call(name) for name in SCALAR_OPS if name.startswith("math.")},
    "str.concat": binary("+", ADD), "str.eq": compare("=="), "str.ne": compare("!="),
    "value.eq": compare("=="), "value.ne": compare("!="),
    **{f"str.{m}": method(m) for m in ("lower", "upper", "strip", "startswith", "endswith", "replace", "find",
                                       "join")},
    "str.split": _str_split, "str.from_int": call("str"), "str.getitem": subscript,
}

_CONTAINER: dict[str, Renderer] = {
    "list.construct": _list_construct,
    "list.unpack": lambda op, a: a[0],
    "list.get": subscript,
    "list.set": _statement("{0}[{1}] = {2}"),
    **{f"list.{m}": method(m) for m in ("append", "insert", "pop", "extend", "clear", "sort", "reverse", "copy")},
    "list.concat": binary("+", ADD),
    "list.slice": _list_slice,
    "contains": lambda op, a: Expr(f"{a[1].at(CMP + 1)} in {a[0].at(CMP + 1)}", CMP),
    "len": call("len"),
    "tuple.construct": _tuple_construct,
    "tuple.unpack": lambda op, a: a[0],
    "tuple.index": subscript,
    "dict.construct": _dict_construct,
    "dict.get": subscript,
    "dict.get_default": method("get"),
    "dict.set": _statement("{0}[{1}] = {2}"),
    "dict.pop": method("pop"),
    "dict.delete": _statement("del {0}[{1}]"),
    **{f"dict.{m}": method(m) for m in ("keys", "values", "items")},
    **{f"list.{m}": method(m) for m in ("remove", "index", "count")}, "list.mul": binary("*", MUL),
    **{f"dict.{m}": method(m) for m in ("copy", "update", "setdefault", "clear", "popitem")},
    "dict.pop_default": method("pop"), "str.slice": _list_slice, "list.delete": _statement("del {0}[{1}]"),
    **{name: method(METHOD_NAMES.get(name, name[4:])) for name in STRING_OPS if name != "str.slice"},
}

_MISC: dict[str, Renderer] = {
    "get_attr": _get_attr, "set_attr": _set_attr, "call_method": _call_method, "call_function": _call_function,
    "object": _object, "create_object": _create_object,
    "raise": _raise, "print": call("print"), "warn": call("warnings.warn"), "isinstance": _isinstance,
    "unchecked_cast": _unchecked_cast, "uninitialized": _uninitialized,
    "is": compare("is"), "isnot": compare("is not"),
    "str.format": _format, "str.of": call("str"), "generic": _generic,
    "wait": call("torch.wait"),
    "fusion_group": call("prim.FusionGroup"), "fusion_yield": call("prim.FusionYield"),  # tsjit/jit/fusion.py
}

#: op name (`ts.add`) -> renderer.
RENDERERS: dict[str, Renderer] = {
    f"ts.{name}": r for name, r in [*((n, aten(n)) for n in REGISTRY), *_SCALAR.items(), *_CONTAINER.items(),
                                    *_MISC.items()]
}


def render(op: Operation, args: list[Expr]) -> Expr:
    """The expression (or, for ops without results, the statement) that `op` prints as."""
    renderer = RENDERERS.get(op.name)
    if renderer is None:
        dialect, _, name = op.name.partition(".")
        return Expr(f"ops.{dialect}.{name or dialect}({_args(args)})")
    return renderer(op, args)
