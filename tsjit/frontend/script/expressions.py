"""Expressions -> ts IR values (or compile-time values), assignment targets and conditions."""
from __future__ import annotations

import ast
import builtins
from typing import Any

from xdsl.ir import Attribute, SSAValue

from tsjit.dialects.ts.types import (
    AnyType,
    BoolType,
    ClassType,
    DictType,
    FloatType,
    IntType,
    ListType,
    NoneType,
    NumberType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
    UnionType,
    is_subtype,
    join_types,
)
from tsjit.frontend.script.errors import NotSupportedError
from tsjit.frontend.script.module_types import unwrap_class
from tsjit.frontend.script.type_annotations import type_of_value
from tsjit.frontend.script.values import BoundMethod, ModuleRef, PyConst, PyObj, SugaredTuple, is_ir

_SCALARS = (IntType, FloatType, BoolType, NumberType)


class ExpressionCompiler:
    """Mixin of FunctionCompiler: `expr(node)` returns an SSAValue or a compile-time value."""

    def expr(self, node: ast.expr, hint: Attribute | None = None) -> Any:
        """`hint` is the type the context expects (an annotation): it types `[]`, `{}` and None."""
        self.at(node)
        method = getattr(self, f"expr_{type(node).__name__}", None)
        if method is None:
            self.unsupported(node)
        return method(node, hint)

    def value(self, node: ast.expr, hint: Attribute | None = None) -> SSAValue:
        return self.as_value(self.expr(node, hint), node, hint)

    # -- atoms ---------------------------------------------------------------------------------
    def expr_Constant(self, node: ast.Constant, hint=None):
        if node.value is Ellipsis or isinstance(node.value, bytes | complex):
            self.unsupported(node, f"{type(node.value).__name__} literals")
        return PyConst(node.value)

    def expr_Name(self, node: ast.Name, hint=None):
        value = self.scope.lookup(node.id)
        if value is not None:
            return value
        why = self.scope.why_undefined(node.id)
        if why is not None:
            self.error(node, why)
        return self.resolve_global(node, node.id)

    def resolve_global(self, node: ast.AST, name: str):
        if name in self.closure:
            return self.python_value(node, self.closure[name])
        if name in self.globals:
            return self.python_value(node, self.globals[name])
        if hasattr(builtins, name):
            return PyObj(getattr(builtins, name))
        self.error(node, f"undefined value {name}")

    def python_value(self, node: ast.AST, obj: Any):
        """A Python object named in the source: constants are inlined, the rest stays symbolic."""
        obj = unwrap_class(obj)
        if obj is None or isinstance(obj, bool | int | float | str):
            return PyConst(obj)
        if isinstance(obj, tuple) and all(isinstance(v, bool | int | float | str) or v is None for v in obj):
            return PyConst(obj)
        if self.is_dtype(obj) or self.is_device(obj):
            return PyConst(obj)
        return PyObj(obj)

    def expr_List(self, node: ast.List, hint: Attribute | None = None):
        elem_hint = hint.element_type if isinstance(hint, ListType) else None
        items = [self.value(e, elem_hint) for e in node.elts]
        if any(isinstance(e, ast.Starred) for e in node.elts):
            self.unsupported(node, "starred expressions")
        if not items:
            return self.builder.op("list.construct", [], [hint if isinstance(hint, ListType) else
                                                           ListType(TensorType())]).results[0]
        elem = elem_hint or self.join_all(node, [v.type for v in items], "list elements")
        return self.builder.op("list.construct", items, [ListType(elem)]).results[0]

    def expr_Tuple(self, node: ast.Tuple, hint=None):
        items = [self.expr(e) for e in node.elts]
        if any(isinstance(v, ModuleRef | PyObj | SugaredTuple) for v in items):
            return SugaredTuple(items)
        if all(isinstance(v, PyConst) for v in items):
            return PyConst(tuple(v.value for v in items))
        values = [self.as_value(v, e) for v, e in zip(items, node.elts)]
        return self.builder.op("tuple.construct", values, [TupleType([v.type for v in values])]).results[0]

    def expr_Dict(self, node: ast.Dict, hint: Attribute | None = None):
        if any(k is None for k in node.keys):
            self.unsupported(node, "dict unpacking")
        kh = hint.key_type if isinstance(hint, DictType) else None
        vh = hint.value_type if isinstance(hint, DictType) else None
        keys = [self.value(k, kh) for k in node.keys]
        values = [self.value(v, vh) for v in node.values]
        if keys:
            ktype = kh or self.join_all(node, [k.type for k in keys], "dict keys")
            vtype = vh or self.join_all(node, [v.type for v in values], "dict values")
        else:
            ktype, vtype = (kh, vh) if kh is not None else (StrType(), TensorType())
        if not isinstance(ktype, IntType | FloatType | StrType | TensorType):
            self.error(node, f"Cannot create dict for key type '{self.type_name(ktype)}', only int, float, complex, "
                             "Tensor, device and string keys are supported")
        operands = [x for kv in zip(keys, values) for x in kv]
        return self.builder.op("dict.construct", operands, [DictType(ktype, vtype)]).results[0]

    def expr_JoinedStr(self, node: ast.JoinedStr, hint=None):
        fmt, args = [], []
        for part in node.values:
            if isinstance(part, ast.Constant):
                fmt.append(str(part.value).replace("{", "{{").replace("}", "}}"))
            else:
                if part.format_spec is not None or part.conversion not in (-1, None):
                    self.error(part, "Don't support formatting in JoinedStr", NotSupportedError)
                fmt.append("{}")
                args.append(self.value(part.value))
        return self.format_string(node, "".join(fmt), args)

    def format_string(self, node, fmt: str, args: list[SSAValue]) -> SSAValue:
        return self.builder.op("str.format", [self.builder.const(fmt), *args], [StrType()]).results[0]

    def expr_IfExp(self, node: ast.IfExp, hint=None):
        cond, refine_true, refine_false = self.condition(node.test)
        if isinstance(cond, PyConst):
            self.apply_refinements(refine_true if cond.value else refine_false)
            return self.expr(node.body if cond.value else node.orelse)

        def branch(sub, refinements):
            return lambda: (self.apply_refinements(refinements), self.scope.set("$ifexp", self.expr(sub)))

        self.emit_if(node, cond, branch(node.body, refine_true), branch(node.orelse, refine_false))
        result = self.scope.lookup("$ifexp")
        self.scope.vars.pop("$ifexp", None)
        return result

    def expr_Starred(self, node: ast.Starred, hint=None):
        self.error(node, "cannot statically infer the expected size of a list in this context")

    # -- attributes ----------------------------------------------------------------------------
    def expr_Attribute(self, node: ast.Attribute, hint=None):
        base = self.expr(node.value)
        return self.attribute(node, base, node.attr)

    def attribute(self, node: ast.AST, base: Any, name: str):
        if isinstance(base, PyObj):
            if not hasattr(base.obj, name):
                self.error(node, f"Python object {getattr(base.obj, '__name__', base.obj)!s} has no attribute '{name}'")
            return self.python_value(node, getattr(base.obj, name))
        if isinstance(base, ModuleRef):
            return self.module_attribute(node, base, name)
        if isinstance(base, PyConst):
            base = self.as_value(base, node)
        if not is_ir(base):
            self.error(node, f"cannot get attribute '{name}' of {base}")
        t = base.type
        if isinstance(t, TensorType):
            return self.tensor_property(node, base, name)
        if isinstance(t, ClassType):
            return self.object_attribute(node, base, name)
        if isinstance(t, TupleType):
            index = self.namedtuple_field(node, t, name)
            if index is not None:
                return self.builder.op("tuple.index", [base, self.builder.const(index)],
                                       [t.types.data[index]]).results[0]
        return BoundMethod(base, name)

    # -- subscripts ----------------------------------------------------------------------------
    def expr_Subscript(self, node: ast.Subscript, hint=None):
        base = self.expr(node.value)
        if isinstance(base, ModuleRef | SugaredTuple | PyObj):
            return self.sugared_index(node, base, node.slice)
        base = self.as_value(base, node.value)
        t = base.type
        if isinstance(t, TensorType):
            return self.tensor_index(node, base, node.slice)
        if isinstance(t, TupleType):
            if isinstance(node.slice, ast.Slice):
                return self.tuple_slice(node, base, node.slice)
            key = self.expr(node.slice)
            if not isinstance(key, PyConst) or not isinstance(key.value, int):
                self.error(node, f"Cannot index into a {self.type_name(t)} with a non-integer literal because we "
                                 "cannot resolve the output type")
            n = len(t.types.data)
            index = key.value + n if key.value < 0 else key.value
            if not 0 <= index < n:
                self.error(node, f"Tuple index out of range: {key.value} for a tuple of {n} elements")
            return self.builder.op("tuple.index", [base, self.builder.const(index)], [t.types.data[index]]).results[0]
        if isinstance(t, ListType | StrType) and isinstance(node.slice, ast.Slice):  # aten::slice.t / slice.str
            lo, hi = (self.optional_int(node, x) for x in (node.slice.lower, node.slice.upper))
            step = self.builder.const(1) if node.slice.step is None else self.int_value(node.slice.step)
            return self.builder.op("list.slice" if isinstance(t, ListType) else "str.slice", [base, lo, hi, step],
                                   [t]).results[0]
        if isinstance(t, ListType):
            return self.builder.op("list.get", [base, self.int_value(node.slice)], [t.element_type]).results[0]
        if isinstance(t, DictType):
            key = self.as_value(self.expr(node.slice, t.key_type), node.slice, t.key_type)
            return self.builder.op("dict.get", [base, key], [t.value_type]).results[0]
        if isinstance(t, StrType):
            return self.builder.value("str.getitem", base, self.int_value(node.slice), type=StrType())
        if isinstance(t, ClassType):  # a script class's __getitem__
            return self.call_object_method(node, base, "__getitem__", [self.expr(node.slice)], {})
        self.error(node, f"'{self.type_name(t)}' object is not subscriptable")

    def optional_int(self, node, sub: ast.expr | None) -> SSAValue:
        return self.builder.none() if sub is None else self.int_value(sub)

    def int_value(self, node: ast.expr) -> SSAValue:
        v = self.value(node)
        if not isinstance(v.type, IntType):
            self.error(node, f"expected an int index, got {self.type_name(v.type)}")
        return v

    # -- conditions ----------------------------------------------------------------------------
    def condition(self, node: ast.expr) -> tuple[Any, dict, dict]:
        """(bool value or PyConst, refinements when true, refinements when false)."""
        self.at(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            cond, t, f = self.condition(node.operand)
            if isinstance(cond, PyConst):
                return PyConst(not cond.value), f, t
            return self.builder.value("scalar.not", cond, type=BoolType()), f, t
        if isinstance(node, ast.BoolOp):
            return self.bool_op(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Is | ast.IsNot):
            return self.none_test(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance":
            return self.isinstance_test(node)
        value = self.expr(node)
        return self.truth(node, value), {}, {}

    def truth(self, node: ast.AST, value: Any):
        if isinstance(value, PyConst):
            return PyConst(bool(value.value))
        if isinstance(value, ModuleRef | PyObj | SugaredTuple):
            return PyConst(True)
        t = value.type
        if isinstance(t, BoolType):
            return value
        if isinstance(t, TensorType):
            return self.builder.value("to_bool", value, type=BoolType())
        if isinstance(t, IntType | FloatType | NumberType):
            return self.builder.value("scalar.bool", value, type=BoolType())
        if isinstance(t, ListType | DictType | StrType):
            n = self.builder.value("len", value, type=IntType())
            return self.builder.value("scalar.ne", n, self.builder.const(0), type=BoolType())
        if isinstance(t, NoneType):
            return PyConst(False)
        self.error(node, f"Could not cast value of type {self.type_name(t)} to bool")

    def bool_op(self, node: ast.BoolOp):
        is_and = isinstance(node.op, ast.And)
        first, t1, f1 = self.condition(node.values[0])
        if len(node.values) > 2:
            rest_node = ast.copy_location(ast.BoolOp(op=node.op, values=node.values[1:]), node.values[1])
        else:
            rest_node = node.values[1]
        if isinstance(first, PyConst):
            if first.value != is_and:  # False and ..., True or ...
                return first, t1, f1
            self.apply_refinements(t1 if is_and else f1)
            second, t2, f2 = self.condition(rest_node)
            return second, {**t1, **t2} if is_and else t2, f2 if is_and else {**f1, **f2}
        holder: dict = {}

        def evaluate_rest():
            self.apply_refinements(t1 if is_and else f1)
            second, t2, f2 = self.condition(rest_node)
            holder.update(t=t2, f=f2)
            self.scope.set("$cond", second)

        short = lambda: self.scope.set("$cond", PyConst(not is_and))  # noqa: E731
        self.emit_if(node, first, *((evaluate_rest, short) if is_and else (short, evaluate_rest)))
        result = self.scope.lookup("$cond")
        self.scope.vars.pop("$cond", None)
        t2, f2 = holder.get("t", {}), holder.get("f", {})
        return result, ({**t1, **t2} if is_and else {}), ({} if is_and else {**f1, **f2})

    def none_test(self, node: ast.Compare):
        is_not = isinstance(node.ops[0], ast.IsNot)
        lhs, rhs = self.expr(node.left), self.expr(node.comparators[0])
        if isinstance(lhs, PyConst) and lhs.value is None:
            lhs, rhs = rhs, lhs
            node_left = node.comparators[0]
        else:
            node_left = node.left
        if not (isinstance(rhs, PyConst) and rhs.value is None):
            a, b = self.as_value(lhs, node), self.as_value(rhs, node)
            return self.builder.value("isnot" if is_not else "is", a, b, type=BoolType()), {}, {}
        if isinstance(lhs, PyConst | ModuleRef | PyObj | SugaredTuple):
            is_none = isinstance(lhs, PyConst) and lhs.value is None
            return PyConst(is_none != is_not), {}, {}
        t = lhs.type
        if isinstance(t, NoneType):
            return PyConst(not is_not), {}, {}
        if not isinstance(t, OptionalType | AnyType | UnionType):
            return PyConst(is_not), {}, {}
        cond = self.builder.value("isnot" if is_not else "is", lhs, self.builder.none(), type=BoolType())
        refined: dict = {}
        if isinstance(node_left, ast.Name):
            inner = self.without_none(t)
            if inner is not None:
                refined = {node_left.id: inner}
        return (cond, refined, {}) if is_not else (cond, {}, refined)

    def without_none(self, t: Attribute) -> Attribute | None:
        if isinstance(t, OptionalType):
            return t.element_type
        if isinstance(t, UnionType):
            rest = [m for m in t.types.data if not isinstance(m, NoneType)]
            return rest[0] if len(rest) == 1 else UnionType(rest)
        return None

    # -- conversions ---------------------------------------------------------------------------
    def as_value(self, value: Any, node: ast.AST, hint: Attribute | None = None) -> SSAValue:
        """An IR value for `value`; compile-time constants become ts.constant ops."""
        if is_ir(value):
            if hint is not None and isinstance(hint, FloatType) and isinstance(value.type, IntType):
                return self.builder.value("scalar.float", value, type=FloatType())
            return value
        if isinstance(value, PyConst):
            return self.constant(node, value.value, hint)
        if isinstance(value, ModuleRef):
            return value.value
        if isinstance(value, SugaredTuple):
            items = [self.as_value(v, node) for v in value.items]
            return self.builder.op("tuple.construct", items, [TupleType([v.type for v in items])]).results[0]
        what = getattr(value, "obj", value)
        self.error(node, f"Python value of type '{type(what).__name__}' cannot be used as a value")

    def constant(self, node: ast.AST, v: Any, hint: Attribute | None = None) -> SSAValue:
        if self.is_dtype(v):
            return self.builder.const(v.code)
        if self.is_device(v):
            return self.builder.const(self.device_attr(str(v)))
        if isinstance(v, tuple):
            items = [self.constant(node, x) for x in v]
            return self.builder.op("tuple.construct", items, [TupleType([i.type for i in items])]).results[0]
        if isinstance(v, int) and not isinstance(v, bool) and isinstance(hint, FloatType):
            v = float(v)
        if v is None and isinstance(hint, OptionalType):
            return self.builder.const(None, hint)
        return self.builder.const(v)

    def value_type(self, value: Any) -> Attribute:
        if is_ir(value):
            return value.type
        if isinstance(value, PyConst):
            return type_of_value(value.value)
        if isinstance(value, ModuleRef):
            return value.value.type
        return AnyType()

    def join_all(self, node: ast.AST, types: list[Attribute], what: str) -> Attribute:
        out = types[0]
        for t in types[1:]:
            joined = join_types(out, t)
            if joined is None:
                if all(isinstance(x, _SCALARS) or isinstance(x, StrType) for x in (out, t)):
                    joined = UnionType([out, t]) if not is_subtype(t, out) else out
                else:
                    self.error(node, f"{what} have different types {self.type_name(out)} and {self.type_name(t)}")
            out = joined
        return out
