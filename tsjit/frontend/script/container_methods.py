"""Methods of lists, dicts and strs, `dict(...)`, `lst * n` and the checks TorchScript makes on them.

Each method binds its arguments by the names and defaults of the TorchScript schema
(`xs.pop(idx=0)`, `s.center(9, fillchar="*")`), converts a `number` argument to the int or float
the schema wants (as TorchScript's implicit conversions do for `x.item()`), and fails with
TorchScript's first message line when the call does not match ("Arguments for call are not
valid."). The str methods are string_ops.py's ops; the list and dict ones container_ops.py's.
"""
from __future__ import annotations

import ast
import builtins
from typing import Any

from xdsl.ir import Block, Region

from tsjit.dialects.ts.types import (
    BoolType,
    DictType,
    FloatType,
    IntType,
    ListType,
    NumberType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
    is_subtype,
)
from tsjit.frontend.script.values import BoundMethod, PyConst, PyObj, is_ir

_REQUIRED = object()
_SPACES = " \n\t\f\v"
_RANGE = [("substr", StrType(), _REQUIRED), ("start", IntType(), 0), ("end", IntType(), -1)]
_FILL = [("width", IntType(), _REQUIRED), ("fillchar", StrType(), " ")]

#: str method -> (op, parameters after self: (name, type, default), result type)
STR_METHODS: dict[str, tuple[str, list, Any]] = {
    **{m: (f"str.{m}", [], StrType()) for m in ("lower", "upper", "title", "capitalize", "swapcase")},
    **{m: (f"str.{m}", [], BoolType()) for m in (
        "isdigit", "isalpha", "isspace", "isalnum", "islower", "isupper", "istitle", "isdecimal", "isnumeric",
        "isidentifier", "isprintable")},
    "strip": ("str.strip_chars", [("chars", StrType(), _SPACES)], StrType()),
    "lstrip": ("str.lstrip", [("chars", StrType(), _SPACES)], StrType()),
    "rstrip": ("str.rstrip", [("chars", StrType(), _SPACES)], StrType()),
    "zfill": ("str.zfill", [("width", IntType(), _REQUIRED)], StrType()),
    "center": ("str.center", _FILL, StrType()),
    "ljust": ("str.ljust", _FILL, StrType()),
    "rjust": ("str.rjust", _FILL, StrType()),
    "expandtabs": ("str.expandtabs", [("tabsize", IntType(), 8)], StrType()),
    "find": ("str.find_range", _RANGE, IntType()),
    "rfind": ("str.rfind", _RANGE, IntType()),
    "index": ("str.index", _RANGE, IntType()),
    "rindex": ("str.rindex", _RANGE, IntType()),
    "count": ("str.count", _RANGE, IntType()),
    "startswith": ("str.startswith_range", _RANGE, BoolType()),
    "endswith": ("str.endswith_range", _RANGE, BoolType()),
    "splitlines": ("str.splitlines", [("keepends", BoolType(), False)], ListType(StrType())),
    "partition": ("str.partition", [("separator", StrType(), _REQUIRED)], TupleType([StrType()] * 3)),
    "rpartition": ("str.rpartition", [("separator", StrType(), _REQUIRED)], TupleType([StrType()] * 3)),
    "replace": ("str.replace_max", [("old", StrType(), _REQUIRED), ("new", StrType(), _REQUIRED),
                                    ("max", IntType(), -1)], StrType()),
    "split": ("str.split_max", [("separator", OptionalType(StrType()), None), ("max", IntType(), -1)],
              ListType(StrType())),
    "rsplit": ("str.rsplit", [("separator", StrType(), " "), ("max", IntType(), -1)], ListType(StrType())),
    "join": ("str.join", [("values", ListType(StrType()), _REQUIRED)], StrType()),
}
#: the short op when the trailing arguments are left at their defaults (s.strip(), s.find(sub))
_SHORT = {"strip": ("str.strip", 0), "find": ("str.find", 1), "startswith": ("str.startswith", 1),
          "endswith": ("str.endswith", 1), "replace": ("str.replace", 2), "split": ("str.split", 1)}
_SEARCHABLE = (IntType, FloatType, BoolType, StrType, TensorType)  # remove/index/count exist for these
_INVALID = "Arguments for call are not valid."
_VARIANTS = "The following variants are available:"


def _default(value: Any) -> str:
    """A default as a TorchScript schema prints it: strings in double quotes, \\f and \\v escaped."""
    if isinstance(value, str):
        return '"' + value.replace("\n", "\\n").replace("\t", "\\t").replace("\f", "\\f").replace(
            "\v", "\\v") + '"'
    return repr(value)


def _escape_format(fmt: str) -> str:
    """A str.format string that formats as TorchScript's aten::format does: each `{}` takes the
    next argument and everything else, `{:.2f}` and `{0}` included, is kept as written."""
    return fmt.replace("{", "{{").replace("}", "}}").replace("{{}}", "{}")


class ContainerMethodCompiler:
    """Mixin of FunctionCompiler, ahead of CallCompiler, OperatorCompiler and TargetCompiler."""

    def implicit_number(self, value, hint):
        """TorchScript's implicit conversion of a `number` (x.item()) to the int or float wanted."""
        if isinstance(hint, OptionalType) and is_ir(value) and not isinstance(value.type, OptionalType):
            hint = hint.element_type
        if is_ir(value) and isinstance(value.type, NumberType) and isinstance(hint, IntType | FloatType):
            return self.builder.value("scalar.int" if isinstance(hint, IntType) else "scalar.float", value, type=hint)
        if is_ir(value) and isinstance(value.type, TupleType) and isinstance(hint, TupleType) and \
                len(value.type.types.data) == len(hint.types.data) and not is_subtype(value.type, hint):
            items = [self.implicit_number(v, h) for v, h in zip(self.unpack_tuple(value), hint.types.data)]
            return self.builder.op("tuple.construct", items, [TupleType([v.type for v in items])]).results[0]
        return value

    def implicit_tensor_to_number(self, value, hint):
        """A Tensor passed to a user function's int/float parameter converts as TorchScript's
        aten::IntImplicit/FloatImplicit do: when the call runs, and only from a 0-d tensor (so
        `nn.Sequential` of a module taking an int scripts, and a wrong input fails at call time)."""
        if is_ir(value) and isinstance(value.type, TensorType) and isinstance(hint, IntType | FloatType):
            name = "int_implicit" if isinstance(hint, IntType) else "float_implicit"
            return self.builder.value(name, value, type=hint)
        return value

    def bind_method_args(self, node, params: list, args: list, kwargs: dict, schema: str | None = None) -> list:
        """The argument values for `params`, type-checked; schema names the call in errors."""
        def fail(reason: str):
            self.error(node, f"{schema}:\n{reason}" if schema else f"{_INVALID}\n{_VARIANTS}\n  {reason}")

        if len(args) > len(params):
            fail(f"Expected at most {len(params) + 1} arguments but found {len(args) + 1} positional arguments.")
        for k in kwargs:
            if k not in [p[0] for p in params[len(args):]]:
                fail(f"Keyword argument {k} unknown.")
        values = []
        for i, (name, t, default) in enumerate(params):
            given = args[i] if i < len(args) else kwargs.get(name, _REQUIRED)
            if given is _REQUIRED:
                if default is _REQUIRED:
                    fail(f"Argument {name} not provided.")
                given = PyConst(default)
            v = self.implicit_number(self.as_value(given, node, hint=t), t)
            if not is_subtype(v.type, t):
                fail(f"Expected a value of type '{self.type_name(t)}' for argument '{name}' but instead found type "
                     f"'{self.type_name(v.type)}'.")
            values.append(v)
        return values

    # -- method calls ---------------------------------------------------------------------------
    def call_method(self, node: ast.AST, method: BoundMethod, args: list, kwargs: dict):
        receiver, name = method.receiver, method.name
        t = getattr(receiver, "type", None)
        if isinstance(t, StrType) and name == "format":
            return self.format_call(node, receiver, args)
        if isinstance(t, StrType) and name in STR_METHODS:
            return self.str_method(node, receiver, name, args, kwargs)
        if isinstance(t, ListType) and name in _LIST_PARAMS:
            return self.list_method(node, receiver, name, args, kwargs)
        if isinstance(t, DictType):
            return self.dict_method(node, receiver, name, args, kwargs)
        if isinstance(t, StrType | ListType):
            self.error(node, f"'{self.type_name(t)}' object has no attribute or method '{name}'.")
        return super().call_method(node, method, args, kwargs)

    def format_call(self, node, fmt, args):
        from tsjit.dialects.ts.constant import ConstantOp

        owner = fmt.owner
        if isinstance(owner, ConstantOp) and isinstance(getattr(owner.value, "data", None), str):
            fmt = self.builder.const(_escape_format(owner.value.data))
        else:  # escape at run time: { -> {{, } -> }}, {{}} -> {}
            for old, new in (("{", "{{"), ("}", "}}"), ("{{}}", "{}")):
                fmt = self.builder.value("str.replace", fmt, self.builder.const(old), self.builder.const(new),
                                         type=StrType())
        return self.builder.op("str.format", [fmt, *(self.as_value(a, node) for a in args)], [StrType()]).results[0]

    def str_method(self, node, s, name, args, kwargs):
        op, params, result = STR_METHODS[name]
        sig = ", ".join(["str self", *(f"{self.type_name(t)} {p}" + ("" if d is _REQUIRED else f"={_default(d)}")
                                       for p, t, d in params)])
        values = self.bind_method_args(node, params, args, kwargs, f"aten::{name}({sig}) -> {self.type_name(result)}")
        if name in _SHORT and len(args) + len(kwargs) <= _SHORT[name][1]:
            op, values = _SHORT[name][0], values[:_SHORT[name][1]]
        if name == "partition" or name == "rpartition":
            return self.builder.op(op, [s, *values], [result]).results[0]
        return self.builder.value(op, s, *values, type=result)

    def list_method(self, node, lst, name, args, kwargs):
        t = lst.type
        elem = t.element_type
        if name in ("remove", "index", "count") and not isinstance(elem, _SEARCHABLE):
            self.error(node, f"'{self.type_name(t)}' object has no attribute or method '{name}'.")
        params = [(p, {"el": elem, "other": t, "idx": IntType(), "reverse": BoolType()}[p], d)
                  for p, d in _LIST_PARAMS[name]]
        if name == "append" and len(args) == 1 and not kwargs:
            v = self.implicit_number(self.as_value(args[0], node, hint=elem), elem)
            if not is_subtype(v.type, elem):
                self.error(node, f"aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!): Could not match type "
                                 f"{self.type_name(v.type)} to t in argument 'el': Type variable 't' previously "
                                 f"matched to type {self.type_name(elem)} is matched to type "
                                 f"{self.type_name(v.type)}.")
            self.builder.op("list.append", [lst, v], [])
            return PyConst(None)
        if name == "extend" and len(args) == 1 and is_ir(args[0]) and not is_subtype(args[0].type, t):
            other = args[0].type
            found = self.type_name(other.element_type) if isinstance(other, ListType) else self.type_name(other)
            self.error(node, f"aten::extend.t(t[](a!) self, t[] other) -> ():\nCould not match type "
                             f"{self.type_name(other)} to List[t] in argument 'other': Type variable 't' previously "
                             f"matched to type {self.type_name(elem)} is matched to type {found}.")
        values = self.bind_method_args(node, params, args, kwargs)
        if name == "sort":
            self.builder.op("list.sort", [lst], [])
            self.reverse_if(lst, values[0])
            return PyConst(None)
        if name in ("copy", "pop", "index", "count"):
            rtype = {"copy": t, "pop": elem}.get(name, IntType())
            return self.builder.value(f"list.{name}", lst, *values, type=rtype)
        self.builder.op(f"list.{name}", [lst, *values], [])
        return PyConst(None)

    def reverse_if(self, lst, flag) -> None:
        from tsjit.dialects.ts.constant import ConstantOp
        from tsjit.dialects.ts.control_flow import IfOp, YieldOp

        if isinstance(flag.owner, ConstantOp):
            if flag.owner.value.value.data:
                self.builder.op("list.reverse", [lst], [])
            return
        then, other = Block(), Block()
        outer, self.builder.block = self.builder.block, then
        self.builder.op("list.reverse", [lst], [])
        then.add_op(YieldOp())
        other.add_op(YieldOp())
        self.builder.block = outer
        self.builder.add(IfOp(flag, [], Region([then]), Region([other])))

    def dict_method(self, node, d, name, args, kwargs):
        t = d.type
        views = {"keys": ListType(t.key_type), "values": ListType(t.value_type),
                 "items": ListType(TupleType([t.key_type, t.value_type]))}
        params = {"get": [("key", t.key_type, _REQUIRED), ("default_value", t.value_type, None)],
                  "pop": [("key", t.key_type, _REQUIRED), ("default_value", t.value_type, _REQUIRED)],
                  "setdefault": [("key", t.key_type, _REQUIRED), ("default_value", t.value_type, _REQUIRED)],
                  "update": [("to_add", t, _REQUIRED)], **{m: [] for m in ("copy", "clear", "popitem", *views)}}
        if name not in params:
            self.error(node, f"'{self.type_name(t)}' object has no attribute or method '{name}'.")
        if name == "get" and len(args) + len(kwargs) < 2:
            key = self.bind_method_args(node, params[name][:1], args, kwargs)[0]
            return self.builder.value("dict.get_default", d, key, self.builder.none(), type=OptionalType(t.value_type))
        if name == "pop" and len(args) + len(kwargs) < 2:
            key = self.bind_method_args(node, params[name][:1], args, kwargs)[0]
            return self.builder.value("dict.pop", d, key, type=t.value_type)
        values = self.bind_method_args(node, params[name], args, kwargs)
        if name in views:
            return self.builder.value(f"dict.{name}", d, type=views[name])
        if name in ("clear", "update"):
            self.builder.op(f"dict.{name}", [d, *values], [])
            return PyConst(None)
        op = {"get": "dict.get_default", "pop": "dict.pop_default"}.get(name, f"dict.{name}")
        rtype = {"copy": t, "popitem": TupleType([t.key_type, t.value_type])}.get(name, t.value_type)
        return self.builder.value(op, d, *values, type=rtype)

    # -- dict(...) -------------------------------------------------------------------------------
    def expr_Call(self, node: ast.Call, hint=None):
        if isinstance(node.func, ast.Name) and node.func.id == "dict":
            callee = self.expr(node.func)
            if isinstance(callee, PyObj) and callee.obj is builtins.dict:
                return self.dict_call(node, hint)
        return super().expr_Call(node, hint)

    def dict_call(self, node: ast.Call, hint):
        """dict(), dict(d) (a copy), dict(pairs) (zip(...), d.items(), a list of 2-tuples), dict(k=v)."""
        if len(node.args) > 1 or (node.args and node.keywords):
            self.error(node, f"{_INVALID}\n{_VARIANTS}\n  dict() takes one argument or keywords")
        if not node.args:
            if not node.keywords:
                t = hint if isinstance(hint, DictType) else DictType(StrType(), TensorType())
                return self.builder.op("dict.construct", [], [t]).results[0]
            return self.expr(ast.copy_location(ast.Dict(
                keys=[ast.copy_location(ast.Constant(k.arg), k.value) for k in node.keywords],
                values=[k.value for k in node.keywords]), node), hint=hint)
        source = self.expr(node.args[0])
        if is_ir(source) and isinstance(source.type, DictType):
            return self.builder.value("dict.copy", source, type=source.type)
        self.scope.set("__dict_items", source)
        names = [ast.Name("__dict_key", ast.Load()), ast.Name("__dict_value", ast.Load())]
        stores = ast.Tuple([ast.Name(n.id, ast.Store()) for n in names], ast.Store())
        comp = ast.DictComp(names[0], names[1], [ast.comprehension(stores, ast.Name("__dict_items", ast.Load()), [], 0)])
        for n in ast.walk(comp):
            ast.copy_location(n, node)
        return self.expr(comp, hint=hint)

    # -- operators ---------------------------------------------------------------------------------
    def binop(self, node: ast.AST, op: ast.operator, lhs: Any, rhs: Any):
        kinds = [v.type if is_ir(v) else StrType() if isinstance(v, PyConst) and isinstance(v.value, str) else None
                 for v in (lhs, rhs)]
        if isinstance(op, ast.Mult) and any(isinstance(k, ListType | StrType) for k in kinds):
            a, b = self.as_value(lhs, node), self.as_value(rhs, node)
            if isinstance(b.type, ListType):
                a, b = b, a
            if isinstance(a.type, ListType) and isinstance(b.type, IntType):
                return self.builder.value("list.mul", a, b, type=a.type)
            self.error(node, f"{_INVALID}\n{_VARIANTS}\n  (aten::mul takes a list and an int)")
        return super().binop(node, op, lhs, rhs)

    def stmt_AugAssign(self, stmt: ast.AugAssign) -> None:
        """`xs += ys` and `xs *= n` change the list in place (aten::add_.t, aten::mul_.t)."""
        if isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.Add | ast.Mult):
            current = self.expr(ast.copy_location(ast.Name(stmt.target.id, ast.Load()), stmt.target))
            if is_ir(current) and isinstance(current.type, ListType):
                rhs = self.expr(stmt.value)
                if isinstance(stmt.op, ast.Add):
                    added = self.as_value(rhs, stmt.value, hint=current.type)
                    if not is_subtype(added.type, current.type):
                        self.binop(stmt, stmt.op, current, added)  # its error
                else:
                    added = self.binop(stmt, stmt.op, current, rhs)
                    self.builder.op("list.clear", [current], [])
                self.builder.op("list.extend", [current, added], [])
                return
        super().stmt_AugAssign(stmt)

    def compare(self, node: ast.AST, op: ast.cmpop, lhs: Any, rhs: Any):
        if isinstance(op, ast.In | ast.NotIn) and is_ir(rhs) and isinstance(rhs.type, ListType) and \
                isinstance(rhs.type.element_type, TensorType):
            self.error(node, f"{_INVALID}\n{_VARIANTS}\n  (no aten::__contains__ for a list of tensors)")
        if isinstance(op, ast.Eq | ast.NotEq) and any(is_ir(v) and isinstance(v.type, DictType) for v in (lhs, rhs)):
            self.error(node, f"{_INVALID}\n{_VARIANTS}\n  (no aten::eq for dicts)")
        return super().compare(node, op, lhs, rhs)

    # -- assignments and del ------------------------------------------------------------------------
    def assign_item(self, target: ast.Subscript, value: Any, node: ast.AST) -> None:
        if isinstance(target.slice, ast.Slice):
            container = self.expr(target.value)
            if not (is_ir(container) and isinstance(container.type, TensorType)):
                self.error(target, "Sliced expression not yet supported for subscripted assignment. File a bug if "
                                   "you want this")
        return super().assign_item(target, value, node)

    def delete_item(self, node, container, key: Any) -> None:
        if isinstance(container.type, ListType):  # aten::Delete.t
            self.builder.op("list.delete", [container, self.as_value(key, node)], [])
            return
        super().delete_item(node, container, key)

    def stmt_Delete(self, stmt: ast.Delete) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                self.error(target, "del statements only support deletion at a single index, slicing is not "
                                   "supported (see https://github.com/pytorch/pytorch/issues/31430)")
        return super().stmt_Delete(stmt)


#: list method -> (parameter, default) after self, as the schema names them
_LIST_PARAMS: dict[str, list] = {
    "append": [("el", _REQUIRED)], "insert": [("idx", _REQUIRED), ("el", _REQUIRED)], "extend": [("other", _REQUIRED)],
    "remove": [("el", _REQUIRED)], "index": [("el", _REQUIRED)], "count": [("el", _REQUIRED)],
    "pop": [("idx", -1)], "sort": [("reverse", False)], "clear": [], "reverse": [], "copy": [],
}
