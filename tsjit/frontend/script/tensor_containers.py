"""`Tensor.tolist()` and dicts keyed by tensors: tensors turned into, or used as, container parts.

`tolist()` needs its result type from the context (an annotated assignment, `annotate`, a
declared return type), as in TorchScript; the list depth and element type are checked against
the tensor when it runs. `Dict[Tensor, V]` compares keys by identity; its construction and the
dict ops that would hash a key directly become `tsjit::` run-time ops (tsjit/jit/runtime_ops.py).
"""
from __future__ import annotations

import ast

from xdsl.dialects.builtin import StringAttr
from xdsl.rewriter import Rewriter

from tsjit.dialects.ts.misc_ops import GenericOp
from tsjit.dialects.ts.types import (
    BoolType,
    DictType,
    FloatType,
    IntType,
    ListType,
    TensorType,
)
from tsjit.frontend.script.values import is_ir

#: names of the `ts.generic` ops whose run-time side is tsjit/jit/runtime_ops.py
PREFIX = "tsjit::"
_ELEMENTS = {IntType: "int", FloatType: "float", BoolType: "bool"}
#: dict ops that hash their key with the dict's own C code, and their run-time replacements
_TENSOR_DICT_OPS = {"ts.dict.construct": "tensor_dict", "ts.dict.get_default": "tensor_dict_get",
                    "ts.dict.pop": "tensor_dict_pop"}


class TensorContainerCompiler:
    """Mixin of FunctionCompiler (ahead of CallCompiler): tolist() and Dict[Tensor, V]."""

    def expr_Call(self, node: ast.Call, hint=None):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "tolist":
            self.__dict__.setdefault("_tolist_hints", {})[id(node)] = hint
        return super().expr_Call(node, hint)

    def call_method(self, node, method, args, kwargs):
        receiver = method.receiver
        if method.name == "tolist" and is_ir(receiver) and isinstance(receiver.type, TensorType):
            return self.tolist(node, receiver, self.__dict__.get("_tolist_hints", {}).get(id(node)), args, kwargs)
        return super().call_method(node, method, args, kwargs)

    def tolist(self, node, tensor, hint, args, kwargs):
        if args or kwargs:
            self.error(node, "tolist() takes no arguments")
        if hint is None:
            self.error(node, "Expected type hint for result of tolist()")
        depth, element = 0, hint
        while isinstance(element, ListType):
            depth, element = depth + 1, element.element_type
        if type(element) not in _ELEMENTS:
            self.error(node, f"Output annotation element type must be int, float or bool for tolist(), not "
                             f"{self.type_name(element)}")
        return self.builder.op("generic", [tensor], [hint],
                               op_name=StringAttr(tolist_name(depth, _ELEMENTS[type(element)]))).results[0]


def tolist_name(depth: int, element: str) -> str:
    return f"{PREFIX}tolist.{depth}.{element}"


def tensor_key_dicts(func_op) -> None:
    """Dict ops on Dict[Tensor, V] -> `tsjit::tensor_dict...` ops (keys by identity, not by hash)."""
    for op in list(func_op.walk()):
        if op.name not in _TENSOR_DICT_OPS:
            continue
        dict_type = op.results[0].type if op.name == "ts.dict.construct" else op.operands[0].type
        if not (isinstance(dict_type, DictType) and isinstance(dict_type.key_type, TensorType)):
            continue
        new = GenericOp.create(operands=list(op.operands), result_types=[r.type for r in op.results],
                               properties={"op_name": StringAttr(PREFIX + _TENSOR_DICT_OPS[op.name])},
                               attributes=dict(op.attributes))
        Rewriter.replace_op(op, new)
