"""Python operators -> ts ops, chosen by operand types (tensor ops, scalar ops, str/list ops).

Constants fold at compile time, as TorchScript's constant propagation would.
"""
from __future__ import annotations

import ast
import operator
import re
from typing import Any

from xdsl.ir import SSAValue

from tsjit.dialects.ts.types import (
    BoolType,
    ClassType,
    DeviceType,
    DictType,
    FloatType,
    IntType,
    ListType,
    NoneType,
    NumberType,
    StrType,
    TensorType,
    TupleType,
)
from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.dialects.ts.scalar_ops import int64, scalar_pow
from tsjit.frontend.script.values import PyConst

#: ast operator -> (tensor op, scalar op, python function for folding)
BINARY: dict[type, tuple[str, str | None, Any]] = {
    ast.Add: ("add", "scalar.add", operator.add),
    ast.Sub: ("sub", "scalar.sub", operator.sub),
    ast.Mult: ("mul", "scalar.mul", operator.mul),
    ast.Div: ("div", "scalar.div", operator.truediv),
    ast.FloorDiv: ("floor_divide", "scalar.floordiv", operator.floordiv),
    ast.Mod: ("remainder", "scalar.mod", operator.mod),
    ast.Pow: ("pow", "scalar.pow", lambda a, b: scalar_pow(float(a), float(b))),  # a float, as in TorchScript
    ast.MatMult: ("matmul", None, None),
    ast.BitAnd: ("bitwise_and", "scalar.and", operator.and_),
    ast.BitOr: ("bitwise_or", "scalar.or", operator.or_),
    ast.LShift: ("bitwise_left_shift", None, operator.lshift),
    ast.RShift: ("bitwise_right_shift", None, operator.rshift),
    ast.BitXor: ("bitwise_xor", "scalar.bitxor", operator.xor),
}
#: the scalar op of a bit operator when both operands are ints (bools keep and/or)
INT_BITS = {ast.BitAnd: "scalar.bitand", ast.BitOr: "scalar.bitor", ast.BitXor: "scalar.bitxor",
            ast.LShift: "scalar.lshift", ast.RShift: "scalar.rshift"}
#: the method a script class defines for an operator (`a + b` calls a.__add__(b))
DUNDERS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__",
           ast.FloorDiv: "__floordiv__", ast.Mod: "__mod__", ast.Pow: "__pow__", ast.MatMult: "__matmul__",
           ast.BitAnd: "__and__", ast.BitOr: "__or__", ast.BitXor: "__xor__", ast.LShift: "__lshift__",
           ast.RShift: "__rshift__"}
INPLACE = {ast.Add: "add_", ast.Sub: "sub_", ast.Mult: "mul_", ast.Div: "div_"}
COMPARE: dict[type, tuple[str, str, Any]] = {
    ast.Eq: ("eq", "scalar.eq", operator.eq),
    ast.NotEq: ("ne", "scalar.ne", operator.ne),
    ast.Lt: ("lt", "scalar.lt", operator.lt),
    ast.LtE: ("le", "scalar.le", operator.le),
    ast.Gt: ("gt", "scalar.gt", operator.gt),
    ast.GtE: ("ge", "scalar.ge", operator.ge),
}
_SCALAR = (IntType, FloatType, BoolType, NumberType)
_PERCENT = re.compile(r"%(?P<flags>[-+ #0]*)(?P<width>\d*)(?:\.(?P<precision>\d+))?(?P<conv>[diouxXeEfFgGcrs%])")
_ALPHA = ("add", "sub", "add_", "sub_", "rsub")


def scalar_result(op_name: str, a, b):
    """int op int -> int, any float -> float, `/` -> float, unknown number -> number."""
    if op_name == "scalar.div":
        return FloatType()
    kinds = {type(a), type(b)}
    if NumberType in kinds:
        return NumberType()
    if FloatType in kinds:
        return FloatType()
    if op_name in ("scalar.and", "scalar.or") and kinds == {BoolType}:
        return BoolType()
    return IntType()


class OperatorCompiler:
    """Mixin of FunctionCompiler for binary, unary and comparison operators."""

    def expr_BinOp(self, node: ast.BinOp, hint=None):
        return self.binop(node, node.op, self.expr(node.left), self.expr(node.right))

    def binop(self, node: ast.AST, op: ast.operator, lhs: Any, rhs: Any):
        if type(op) not in BINARY:
            self.unsupported(node, f"the operator {type(op).__name__}")
        tensor_op, scalar_op, fold = BINARY[type(op)]
        if isinstance(lhs, PyConst) and isinstance(rhs, PyConst) and fold is not None:
            try:
                return PyConst(int64(fold(lhs.value, rhs.value)))
            except Exception as e:  # e.g. division by zero: leave it to run time, as Python would
                if not isinstance(e, ZeroDivisionError):
                    self.error(node, str(e))
        a, b = self.as_value(lhs, node), self.as_value(rhs, node)
        ta, tb = a.type, b.type
        if isinstance(ta, ClassType) and type(op) in DUNDERS:  # a script class's __add__, __mul__, ...
            return self.call_object_method(node, a, DUNDERS[type(op)], [b], {})
        if isinstance(ta, TensorType) or isinstance(tb, TensorType):
            return self.tensor_binop(node, tensor_op, a, b)
        if isinstance(ta, IntType) and isinstance(tb, IntType) and type(op) in INT_BITS:
            return self.builder.value(INT_BITS[type(op)], a, b, type=IntType())
        if isinstance(op, ast.Pow) and isinstance(ta, _SCALAR) and isinstance(tb, _SCALAR):
            a, b = (v if isinstance(v.type, FloatType) else self.builder.value("scalar.float", v, type=FloatType())
                    for v in (a, b))  # aten::pow.int gives a float: 2 ** 3 == 8.0
        if isinstance(ta, _SCALAR) and isinstance(tb, _SCALAR) and scalar_op is not None:
            return self.builder.value(scalar_op, a, b, type=scalar_result(scalar_op, a.type, b.type))
        if isinstance(op, ast.Add):
            if isinstance(ta, StrType) and isinstance(tb, StrType):
                return self.builder.value("str.concat", a, b, type=StrType())
            if isinstance(ta, ListType) and ta == tb:
                return self.builder.value("list.concat", a, b, type=ta)
            if isinstance(ta, TupleType) and isinstance(tb, TupleType):
                items = self.unpack_tuple(a) + self.unpack_tuple(b)
                return self.builder.op("tuple.construct", items, [TupleType([v.type for v in items])]).results[0]
        if isinstance(op, ast.Mod) and isinstance(ta, StrType):
            return self.percent_format(node, lhs, rhs, b)
        self.error(node, f"Arguments for call are not valid: unsupported operand types for "
                         f"{type(op).__name__}: '{self.type_name(ta)}' and '{self.type_name(tb)}'")

    def percent_format(self, node: ast.AST, fmt: Any, rhs: Any, value: SSAValue) -> SSAValue:
        """`"%d items of %s" % (n, name)` (aten::percentFormat): a constant format string becomes a
        str.format one; %d/%i/%x/%o/%c take int(value), as Python's % does."""
        if not isinstance(fmt, PyConst):
            self.error(node, "%-formatting needs a constant format string")
        items = self.unpack_tuple(value) if isinstance(value.type, TupleType) else [value]
        parts, args, used = [], [], 0
        pos = 0
        for m in _PERCENT.finditer(fmt.value):
            parts.append(fmt.value[pos:m.start()].replace("{", "{{").replace("}", "}}"))
            pos = m.end()
            flags, width, precision, conv = m.group("flags", "width", "precision", "conv")
            if conv == "%":
                parts.append("%")
                continue
            if used >= len(items):
                self.error(node, "not enough arguments for format string")
            item = items[used]
            used += 1
            if conv in "diouxXc" and not isinstance(item.type, IntType):
                item = self.builder.value("scalar.int", item, type=IntType())
            spec = flags.replace("#", "#") + width + (f".{precision}" if precision else "")
            spec += {"i": "d", "u": "d", "s": "", "r": ""}.get(conv, conv)
            parts.append("{!r}" if conv == "r" else "{}" if not spec else "{:" + spec + "}")
            args.append(item)
        parts.append(fmt.value[pos:].replace("{", "{{").replace("}", "}}"))
        if used != len(items):
            self.error(node, "not all arguments converted during string formatting")
        return self.builder.op("str.format", [self.builder.const("".join(parts)), *args], [StrType()]).results[0]

    def tensor_binop(self, node: ast.AST, name: str, a: SSAValue, b: SSAValue) -> SSAValue:
        if not isinstance(a.type, TensorType):  # scalar on the left
            if name in ("add", "mul", "bitwise_and", "bitwise_or"):
                a, b = b, a
            elif name == "sub":
                return self.builder.value("rsub", b, a, self.builder.const(1))
            else:
                a = self.builder.value("num_to_tensor", a)
        if not isinstance(b.type, TensorType | IntType | FloatType | BoolType | NumberType):
            cls = OPS_BY_NAME[f"ts.{name}"]
            self.error(node, f"Arguments for call are not valid.\nThe following variants are available:\n  \n  "
                             f"ts.{name}{cls.SCHEMA}:\n  Expected a value of type 'Tensor' for argument 'other' but "
                             f"instead found type '{self.type_name(b.type)}'.\n\nThe original call is")
        if name == "matmul" and not isinstance(b.type, TensorType):
            self.error(node, "matmul expects two tensors")
        if name in _ALPHA:
            return self.builder.value(name, a, b, self.builder.const(1))
        return self.builder.value(name, a, b)

    def inplace_binop(self, node: ast.AST, op: ast.operator, target: SSAValue, rhs: Any) -> SSAValue:
        """`t += x` on a tensor mutates it (aten::add_), as in PyTorch and TorchScript."""
        name = INPLACE.get(type(op))
        if name is None:
            return self.binop(node, op, target, rhs)
        b = self.as_value(rhs, node)
        if name in _ALPHA:
            return self.builder.value(name, target, b, self.builder.const(1))
        return self.builder.value(name, target, b)

    def expr_UnaryOp(self, node: ast.UnaryOp, hint=None):
        if isinstance(node.op, ast.Not):
            cond, _, _ = self.condition(node)
            return cond
        value = self.expr(node.operand)
        if isinstance(value, PyConst):
            fold = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}[type(node.op)]
            return PyConst(int64(fold(value.value)))
        v = self.as_value(value, node)
        if isinstance(node.op, ast.UAdd):
            return v
        if isinstance(v.type, TensorType):
            return self.builder.value("neg" if isinstance(node.op, ast.USub) else "bitwise_not", v)
        if isinstance(node.op, ast.Invert) and isinstance(v.type, IntType):
            return self.builder.value("scalar.invert", v, type=IntType())
        if isinstance(node.op, ast.USub) and isinstance(v.type, _SCALAR):
            return self.builder.value("scalar.neg", v, type=IntType() if isinstance(v.type, BoolType) else v.type)
        self.error(node, f"unsupported operand type for unary {type(node.op).__name__}: '{self.type_name(v.type)}'")

    def expr_BoolOp(self, node: ast.BoolOp, hint=None):
        return self.condition(node)[0]

    def expr_Compare(self, node: ast.Compare, hint=None):
        if len(node.ops) == 1:
            if isinstance(node.ops[0], ast.Is | ast.IsNot):
                return self.condition(node)[0]
            return self.compare(node, node.ops[0], self.expr(node.left), self.expr(node.comparators[0]))
        # a < b < c  ->  a < b and b < c, evaluating b once
        parts, left = [], self.expr(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.expr(right_node)
            if not isinstance(right, PyConst):
                right = self.as_value(right, right_node)
            parts.append(self.compare(node, op, left, right))
            left = right
        result = parts[0]
        for p in parts[1:]:
            if isinstance(result, PyConst) and isinstance(p, PyConst):
                result = PyConst(result.value and p.value)
            else:
                result = self.builder.value("scalar.and", self.as_value(result, node), self.as_value(p, node),
                                            type=BoolType())
        return result

    def compare(self, node: ast.AST, op: ast.cmpop, lhs: Any, rhs: Any):
        if isinstance(op, ast.In | ast.NotIn):
            container = self.as_value(rhs, node)
            if isinstance(container.type, ClassType):  # a script class's __contains__
                found = self.call_object_method(node, container, "__contains__", [lhs], {})
                return self.builder.value("scalar.not", found, type=BoolType()) if isinstance(op, ast.NotIn) else found
            key = self.as_value(lhs, node, hint=getattr(container.type, "key_type", None))
            found = self.builder.value("contains", container, key, type=BoolType())
            return self.builder.value("scalar.not", found, type=BoolType()) if isinstance(op, ast.NotIn) else found
        if isinstance(op, ast.Is | ast.IsNot):
            a, b = self.as_value(lhs, node), self.as_value(rhs, node)
            return self.builder.value("is" if isinstance(op, ast.Is) else "isnot", a, b, type=BoolType())
        tensor_op, scalar_op, fold = COMPARE[type(op)]
        if isinstance(lhs, PyConst) and isinstance(rhs, PyConst):
            return PyConst(fold(lhs.value, rhs.value))
        a, b = self.as_value(lhs, node), self.as_value(rhs, node)
        ta, tb = a.type, b.type
        if isinstance(ta, ClassType) and not self.cu.class_info(ta.class_name.data).is_module:
            return self.call_object_method(node, a, f"__{tensor_op}__", [b], {})
        if isinstance(ta, TensorType) or isinstance(tb, TensorType):
            if not isinstance(ta, TensorType):
                a, b = b, a
                tensor_op = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}.get(tensor_op, tensor_op)
            return self.builder.value(tensor_op, a, b)
        if isinstance(ta, _SCALAR) and isinstance(tb, _SCALAR):
            return self.builder.value(scalar_op, a, b, type=BoolType())
        if isinstance(ta, StrType) and isinstance(tb, StrType) and tensor_op in ("eq", "ne"):
            return self.builder.value(f"str.{tensor_op}", a, b, type=BoolType())
        if isinstance(ta, NoneType) or isinstance(tb, NoneType):
            if tensor_op in ("eq", "ne"):
                return self.builder.value("is" if tensor_op == "eq" else "isnot", a, b, type=BoolType())
        if isinstance(ta, StrType) and isinstance(tb, StrType):
            return self.builder.value(scalar_op, a, b, type=BoolType())
        if isinstance(ta, ListType | TupleType | DictType | DeviceType) and ta == tb and tensor_op in ("eq", "ne"):
            return self.builder.value(f"value.{tensor_op}", a, b, type=BoolType())
        self.error(node, f"Arguments for call are not valid: cannot compare '{self.type_name(ta)}' and "
                         f"'{self.type_name(tb)}' with {type(op).__name__}")

    def unpack_tuple(self, value: SSAValue) -> list[SSAValue]:
        types = list(value.type.types.data)
        return list(self.builder.op("tuple.unpack", [value], types).results)
