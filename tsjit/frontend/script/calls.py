"""Calls: what the callee is decides what is emitted.

Python builtins and `math` have a handler each (BUILTINS); a few calls are compiled from their
syntax (special_forms: annotate takes a type, fork a callee: forks.py); torch / Tensor /
nn.functional functions go to tensor_calls; user functions are compiled and called; methods of
lists, dicts and strings are container_methods.py's.
"""
from __future__ import annotations

import ast
import builtins
import math
import warnings
from functools import cache
from typing import Any

from tsjit.dialects.ts.types import (
    AnyType,
    BoolType,
    ClassType,
    DictType,
    FloatType,
    FutureType,
    IntType,
    ListType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
    UnionType,
    is_subtype,
)
from tsjit.frontend.script.forks import compile_fork, compile_wait, wait_value
from tsjit.frontend.script.operators import scalar_result
from tsjit.frontend.script.tensor_calls import eager_key
from tsjit.frontend.script.values import (
    BoundMethod,
    Iteration,
    ModuleRef,
    NullContext,
    PyConst,
    PyObj,
    SugaredTuple,
    TypeValue,
    is_ir,
)

def _scalar_conv(op: str, result, tensor_op: str):
    def handler(c, node, args, kwargs):
        if not args:
            return PyConst({"scalar.int": 0, "scalar.float": 0.0, "scalar.bool": False}[op])
        (x,) = args
        if isinstance(x, PyConst):
            return PyConst({"scalar.int": int, "scalar.float": float, "scalar.bool": bool}[op](x.value))
        v = c.as_value(x, node)
        if isinstance(v.type, TensorType):
            return c.builder.value(tensor_op, v, type=result)
        if isinstance(v.type, StrType) and op != "scalar.bool":
            c.error(node, f"{op[7:]}() of a str is not supported")
        return c.builder.value(op, v, type=result)

    return handler


def _math(name: str, result=FloatType()):
    def handler(c, node, args, kwargs):
        if all(isinstance(a, PyConst) for a in args):
            return PyConst(getattr(math, name)(*(a.value for a in args)))
        return c.builder.value(f"math.{name}", *(c.as_value(a, node) for a in args), type=result)

    return handler


def _scalar_call(c, node, op: str, fold, args, result):
    if all(isinstance(a, PyConst) for a in args):
        return PyConst(fold(*(a.value for a in args)))
    return c.builder.value(op, *(c.as_value(a, node) for a in args), type=result)


def _to_str(name: str):
    return lambda c, node, args, kwargs: _scalar_call(c, node, f"str.{name}", getattr(builtins, name), args, StrType())


def _len(c, node, args, kwargs):
    (x,) = args
    if isinstance(x, ModuleRef):
        return PyConst(len(x.module))
    if isinstance(x, SugaredTuple):
        return PyConst(len(x.items))
    if isinstance(x, PyConst):
        return PyConst(len(x.value))
    v = c.as_value(x, node)
    if isinstance(v.type, TupleType):
        return PyConst(len(v.type.types.data))
    if isinstance(v.type, ClassType):  # a script class's __len__
        return c.call_object_method(node, v, "__len__", [], {})
    return c.builder.value("len", v, type=IntType())


def _extremum(name: str):
    def handler(c, node, args, kwargs):
        if len(args) == 1:
            v = c.as_value(args[0], node)
            if isinstance(v.type, TensorType):
                return c.builder.value(name, v)
            return c.reduce_list(node, v, f"scalar.{name}")
        if all(isinstance(a, PyConst) for a in args):
            return PyConst(getattr(builtins, name)(a.value for a in args))
        values = [c.as_value(a, node) for a in args]
        if any(isinstance(v.type, TensorType) for v in values):
            return c.builder.value("maximum" if name == "max" else "minimum", *values)
        out = values[0]
        for v in values[1:]:
            out = c.builder.value(f"scalar.{name}", out, v, type=scalar_result("", out.type, v.type))
        return out

    return handler


def _abs(c, node, args, kwargs):
    (x,) = args
    if isinstance(x, PyConst):
        return PyConst(abs(x.value))
    v = c.as_value(x, node)
    return c.builder.value("abs", v) if isinstance(v.type, TensorType) else c.builder.value("scalar.abs", v, type=v.type)


def _str(c, node, args, kwargs):
    (x,) = args
    if isinstance(x, PyConst) and isinstance(x.value, str | int | bool):
        return PyConst(str(x.value))
    return c.builder.value("str.of", c.as_value(x, node), type=StrType())


def _print(c, node, args, kwargs):
    if kwargs:
        c.error(node, "print() keyword arguments are not supported")
    values = [c.as_value(a, node) for a in args]
    c.builder.op("print", values, [])
    return PyConst(None)


def _round(c, node, args, kwargs):
    v = c.as_value(args[0], node, hint=FloatType())
    if len(args) == 2:  # round(x, n): a float, as TorchScript's aten::round.float_int gives
        return c.builder.value("scalar.round_digits", c.builder.value("scalar.float", v, type=FloatType())
                               if not isinstance(v.type, FloatType) else v, c.as_value(args[1], node), type=FloatType())
    return c.builder.value("scalar.round", v, type=FloatType())


def _divmod(c, node, args, kwargs):
    a, b = (c.as_value(x, node) for x in args)
    t = scalar_result("", a.type, b.type)
    q = c.builder.value("scalar.floordiv", a, b, type=t)
    r = c.builder.value("scalar.mod", a, b, type=t)
    return c.builder.op("tuple.construct", [q, r], [TupleType([t, t])]).results[0]


def _sorted(c, node, args, kwargs):
    if kwargs:
        c.error(node, f"Arguments for call are not valid: Keyword argument {next(iter(kwargs))} unknown.")
    v = c.as_value(args[0], node)
    copy = c.builder.value("list.copy", v, type=v.type)
    c.builder.op("list.sort", [copy], [])
    return copy


def _reversed(c, node, args, kwargs):
    v = c.list_of(node.args[0]) if isinstance(args[0], Iteration) else c.as_value(args[0], node)
    if not isinstance(v.type, ListType):
        c.error(node, f"reversed() of {c.type_name(v.type)} is not supported")
    copy = c.builder.value("list.copy", v, type=v.type)
    c.builder.op("list.reverse", [copy], [])
    return copy


def _list(c, node, args, kwargs):
    if not args:
        return c.builder.op("list.construct", [], [ListType(TensorType())]).results[0]
    if isinstance(args[0], Iteration):
        return c.list_of(node.args[0])
    v = c.as_value(args[0], node)
    if isinstance(v.type, ListType):
        return c.builder.value("list.copy", v, type=v.type)
    if isinstance(v.type, DictType):
        return c.builder.value("dict.keys", v, type=ListType(v.type.key_type))
    c.error(node, f"list() of {c.type_name(v.type)} is not supported")


def _sum_any_all(kind: str):
    def handler(c, node, args, kwargs):
        v = c.as_value(args[0], node)
        if isinstance(v.type, TensorType):
            return c.builder.value({"sum": "sum", "any": "any", "all": "all"}[kind], v, *(
                [c.builder.none(), c.builder.const(False), c.builder.none()] if kind == "sum"
                else [c.builder.none(), c.builder.const(False)]))
        op = {"sum": "scalar.add", "any": "scalar.or", "all": "scalar.and"}[kind]
        return c.reduce_list(node, v, op, start=PyConst({"sum": 0, "any": False, "all": True}[kind]))

    return handler


def _iteration(kind: str):
    def handler(c, node, args, kwargs):
        return Iteration(kind, list(args) + ([kwargs["start"]] if "start" in kwargs else []))

    return handler


def _isinstance(c, node, args, kwargs):
    return c.isinstance_value(node, args[0], args[1])


def _getattr(c, node, args, kwargs):
    obj, name = args[0], args[1]
    if not isinstance(name, PyConst) or not isinstance(name.value, str):
        c.error(node, "getattr's name must be a string literal")
    return c.attribute(node, obj, name.value)


def _warn(c, node, args, kwargs):
    c.builder.op("warn", [c.as_value(args[0], node)], [])
    return PyConst(None)


def _hasattr(c, node, args, kwargs):
    obj, name = args
    if isinstance(obj, ModuleRef):
        return PyConst(c.module_has(obj, name.value))
    return PyConst(False)


BUILTINS: dict[Any, Any] = {
    builtins.len: _len,
    builtins.int: _scalar_conv("scalar.int", IntType(), "to_int"),
    builtins.float: _scalar_conv("scalar.float", FloatType(), "to_float"),
    builtins.bool: _scalar_conv("scalar.bool", BoolType(), "to_bool"),
    builtins.str: _str,
    builtins.abs: _abs,
    builtins.min: _extremum("min"),
    builtins.max: _extremum("max"),
    builtins.print: _print,
    builtins.round: _round,
    builtins.divmod: _divmod,
    builtins.sorted: _sorted,
    builtins.reversed: _reversed,
    builtins.list: _list,
    builtins.sum: _sum_any_all("sum"),
    builtins.any: _sum_any_all("any"),
    builtins.all: _sum_any_all("all"),
    builtins.range: _iteration("range"),
    builtins.enumerate: _iteration("enumerate"),
    builtins.zip: _iteration("zip"),
    builtins.isinstance: _isinstance,
    builtins.getattr: _getattr,
    builtins.hasattr: _hasattr,
    warnings.warn: _warn,
    **{getattr(math, n): _math(n) for n in ("sqrt", "exp", "log", "log10", "sin", "cos", "tanh", "fabs", "pow")},
    **{getattr(math, n): _math(n) for n in (
        "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc", "expm1", "log1p",
        "log2", "gamma", "lgamma", "degrees", "radians", "atan2", "copysign", "fmod", "hypot", "remainder", "ldexp")},
    **{getattr(math, n): _math(n, IntType()) for n in ("factorial", "gcd", "trunc")},
    math.isfinite: _math("isfinite", BoolType()),
    builtins.hex: _to_str("hex"),
    builtins.oct: _to_str("oct"),
    builtins.bin: _to_str("bin"),
    builtins.chr: _to_str("chr"),
    builtins.ord: lambda c, node, args, kwargs: _scalar_call(c, node, "str.ord", ord, args, IntType()),
    builtins.pow: lambda c, node, args, kwargs: c.binop(node, ast.Pow(), args[0], args[1]),
    math.floor: _math("floor", IntType()),
    math.ceil: _math("ceil", IntType()),
    math.isnan: _math("isnan", BoolType()),
    math.isinf: _math("isinf", BoolType()),
}

def _annotate(c, node, hint):
    t = c.annotation(node.args[0])
    return c.as_value(c.expr(node.args[1], hint=t), node.args[1], hint=t)


def _jit_isinstance(c, node, hint):
    return c.isinstance_value(node, c.expr(node.args[0]), PyObj(TypeValue(c.annotation(node.args[1]))))


def _null_context(c, node, hint):
    return PyObj(NullContext())


@cache
def special_forms() -> dict:
    """Calls compiled from their syntax rather than their argument values: fn(compiler, node, hint)."""
    from tsjit.eager import grad_mode
    from tsjit.frontend import decorators as jit
    from tsjit.frontend.futures import fork, wait

    forms = {
        jit.annotate: _annotate,
        jit.isinstance: _jit_isinstance,
        jit.is_scripting: lambda c, node, hint: PyConst(True),
        jit.is_tracing: lambda c, node, hint: PyConst(False),
        fork: compile_fork,
        wait: compile_wait,
    }
    for context in (grad_mode.no_grad, grad_mode.enable_grad, grad_mode.inference_mode, grad_mode.set_grad_enabled):
        forms[context] = _null_context
    forms[jit.strict_fusion] = lambda c, node, hint: PyObj(NullContext(strict=True))
    return forms


class CallCompiler:
    """Mixin of FunctionCompiler: `f(args)` for every kind of callee."""

    def expr_Call(self, node: ast.Call, hint=None):
        callee = self.expr(node.func)
        form = special_forms().get(callee.obj) if isinstance(callee, PyObj) and _hashable(callee.obj) else None
        if form is not None:
            return form(self, node, hint)
        args, kwargs = self.call_arguments(node.args, node.keywords)
        self.at(node)
        return self.call(node, callee, args, kwargs)

    def call_arguments(self, arg_nodes: list[ast.expr], keywords: list[ast.keyword]) -> tuple[list, dict]:
        """The compiled positional and keyword arguments of a call (no *args / **kwargs)."""
        args = []
        for a in arg_nodes:
            if isinstance(a, ast.Starred):
                self.error(a, "Compiled functions can't take variable number of arguments or use keyword-only "
                              "arguments with defaults")
            args.append(self.expr(a))
        kwargs = {}
        for k in keywords:
            if k.arg is None:
                self.error(k.value, "Compiled functions can't take variable number of arguments or use "
                                    "keyword-only arguments with defaults")
            kwargs[k.arg] = self.expr(k.value)
        return args, kwargs

    def call(self, node: ast.AST, callee: Any, args: list, kwargs: dict):
        if isinstance(callee, PyObj):
            return self.call_python(node, callee.obj, args, kwargs)
        if isinstance(callee, BoundMethod):
            return self.call_method(node, callee, args, kwargs)
        if isinstance(callee, ModuleRef):
            return self.call_module(node, callee, "forward", args, kwargs)
        if is_ir(callee) and isinstance(callee.type, ClassType):
            return self.call_object_method(node, callee, "__call__", args, kwargs)
        self.error(node, f"'{self.type_name(self.value_type(callee))}' object is not callable")

    def call_python(self, node: ast.AST, obj: Any, args: list, kwargs: dict):
        handler = BUILTINS.get(obj) if _hashable(obj) else None
        if handler is not None:
            return handler(self, node, args, kwargs)
        if self.is_device_class(obj):  # torch.device("cpu"): a constant, as TorchScript folds it
            if len(args) != 1 or kwargs or not isinstance(args[0], PyConst) or not isinstance(args[0].value, str):
                self.error(node, "torch.device() takes one constant string here, such as torch.device('cpu')")
            try:
                return PyConst(obj(args[0].value))
            except Exception as e:  # noqa: BLE001 - the eager library's own message
                self.error(node, str(e))
        key = eager_key(obj)
        if key is not None:
            return self.call_tensor_op(node, key, obj, args, kwargs)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            self.error(node, "exceptions can only be raised")
        return self.call_user(node, obj, args, kwargs)

    def call_method(self, node: ast.AST, method: BoundMethod, args: list, kwargs: dict):
        receiver, name = method.receiver, method.name
        if isinstance(receiver, ModuleRef):
            return self.call_module(node, receiver, name, args, kwargs)
        t = receiver.type
        if isinstance(t, TensorType):
            from tsjit.eager import Tensor

            fn = getattr(Tensor, name, None)
            if fn is None:
                inferred = " (inferred)" if any(self.scope.lookup(p) is receiver for p in self.inferred) else ""
                self.error(node, f"'Tensor{inferred}' object has no attribute or method '{name}'.")
            return self.call_tensor_op(node, f"Tensor.{name}", fn, args, kwargs, receiver=receiver)
        if isinstance(t, ClassType):
            return self.call_object_method(node, receiver, name, args, kwargs)
        if isinstance(t, FutureType) and name == "wait":
            return wait_value(self, node, receiver)
        self.error(node, f"'{self.type_name(t)}' object has no attribute or method '{name}'")

    def reduce_list(self, node, lst, op: str, start: Any = None):
        """sum/any/all/min/max of a list, as a loop over it."""
        elem = lst.type.element_type if isinstance(lst.type, ListType) else AnyType()
        if start is None:  # min/max: start from the first element
            acc = self.builder.value("list.get", lst, self.builder.const(0), type=elem)
        else:
            acc = self.as_value(start, node, hint=elem)
        from tsjit.dialects.ts.control_flow import ConditionOp, LoopOp
        from xdsl.ir import Block, Region

        n = self.builder.value("len", lst, type=IntType())
        block = Block(arg_types=[IntType(), elem if start is None or not isinstance(elem, BoolType | IntType | FloatType)
                                 else acc.type])
        outer = self.builder.block
        self.builder.block = block
        item = self.builder.value("list.get", lst, block.args[0], type=elem)
        rtype = BoolType() if op in ("scalar.or", "scalar.and") else scalar_result("", block.args[1].type, elem)
        nxt = self.builder.value(op, block.args[1], item, type=rtype)
        block.add_op(ConditionOp(self.builder.const(True), nxt))
        self.builder.block = outer
        loop = self.builder.add(LoopOp(n, self.builder.const(True), [acc], Region([block])))
        return loop.results[0]

    def isinstance_value(self, node, value, target):
        """Decided at compile time when the static type decides it, else ts.isinstance."""
        types = self.isinstance_types(node, target)
        if not is_ir(value):
            value = self.as_value(value, node)
        t = value.type
        if any(is_subtype(t, x) for x in types):
            return PyConst(True)
        if not isinstance(t, AnyType | OptionalType | UnionType) and not any(is_subtype(x, t) for x in types):
            return PyConst(False)
        from xdsl.dialects.builtin import ArrayAttr

        return self.builder.op("isinstance", [value], [BoolType()], types=ArrayAttr(types)).results[0]

    def isinstance_test(self, node: ast.Call):
        value = self.expr(node.args[0])
        result = self.isinstance_value(node, value, self.expr(node.args[1]))
        refined, others = {}, {}
        if is_ir(result) and isinstance(node.args[0], ast.Name):
            types = self.isinstance_types(node, self.expr(node.args[1]))
            refined = {node.args[0].id: types[0] if len(types) == 1 else UnionType(types)}
            t = value.type
            if isinstance(t, UnionType):  # the false branch keeps the other members
                rest = [m for m in t.types.data if not any(is_subtype(m, x) for x in types)]
                if rest:
                    others = {node.args[0].id: rest[0] if len(rest) == 1 else UnionType(rest)}
        return result, refined, others

    def isinstance_types(self, node, target) -> list:
        if isinstance(target, SugaredTuple):
            return [t for item in target.items for t in self.isinstance_types(node, item)]
        if isinstance(target, PyConst) and isinstance(target.value, tuple):
            return [t for item in target.value for t in self.isinstance_types(node, PyObj(item))]
        if isinstance(target, PyObj):
            return [self.resolve_type(node, target.obj)]
        self.error(node, "isinstance's second argument must be a type or a tuple of types")


def _hashable(obj: Any) -> bool:
    try:
        hash(obj)
        return True
    except TypeError:
        return False
