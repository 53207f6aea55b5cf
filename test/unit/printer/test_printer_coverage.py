"""Every op of the ts dialect has a rendering; unknown ops still print."""
from __future__ import annotations

import pytest
from xdsl.dialects.builtin import ArrayAttr, StringAttr, SymbolRefAttr
from xdsl.dialects.test import TestOp as _TestOp
from xdsl.irdl import VarOperandDef
from xdsl.ir import Block

from tsjit.dialects import ts
from tsjit.dialects.ts import types as t
from tsjit.ops import REGISTRY as TENSOR_OPS
from tsjit.printer import aten_defaults
from tsjit.printer.expr import Expr
from tsjit.printer.templates import RENDERERS, render

#: Printed by code.py's statement printer (or, for declarations, by module_code), not by a template.
STRUCTURAL = {ts.ConstantOp, ts.IfOp, ts.LoopOp, ts.YieldOp, ts.ConditionOp, ts.ForkOp,
              ts.ClassTypeOp, ts.AttrDeclOp, ts.MethodOp}

#: operand counts of ops with variadic operands (default 2), so templates see what they index
VARIADIC = {"ts.list.set": 3, "ts.list.insert": 3, "ts.dict.set": 3, "ts.dict.get_default": 3, "ts.list.slice": 4,
         **{f"ts.{n}": 1 for n in ("list.clear", "list.sort", "list.reverse", "list.copy", "list.unpack", "len",
                                    "tuple.unpack", "dict.keys", "dict.values", "dict.items")}}
CLS = t.ClassType("__torch__.M")
PROPERTIES = {
    "ts.get_attr": {"attr_name": StringAttr("w")}, "ts.set_attr": {"attr_name": StringAttr("w")},
    "ts.call_method": {"method_name": StringAttr("forward")}, "ts.call_function": {"callee": SymbolRefAttr("f")},
    "ts.raise": {"exception": StringAttr("builtins.ValueError")}, "ts.isinstance": {"types": ArrayAttr([t.IntType()])},
    "ts.generic": {"op_name": StringAttr("aten::foo")}, "ts.object": {"slot_names": ArrayAttr([StringAttr("w"), StringAttr("b")])},
}


def _instance(cls):
    """A minimal (unverified) op of `cls` whose operands are block arguments."""
    schema = getattr(cls, "SCHEMA", None)  # schema ops: one operand and result per schema entry
    defs = [d for _, d in cls.get_irdl_definition().operands]
    n_in = sum(VARIADIC.get(cls.name, 2) if isinstance(d, VarOperandDef) else 1 for d in defs)
    n_out = len(schema.results) if schema else min(1, len(cls.get_irdl_definition().results))
    block = Block(arg_types=[t.TensorType()] * n_in)
    result = CLS if cls.name in ("ts.object", "ts.create_object") else t.TensorType()
    return cls.create(operands=list(block.args), result_types=[result] * n_out,
                      properties=PROPERTIES.get(cls.name, {}))


#: Made by lowering (ts-to-linalg's LAPACK calls) for bufferization: never in a TorchScript program.
LOWERING_ONLY = {"ts.runtime_call"}

RENDERED = [cls for cls in ts.ALL_OPS if cls not in STRUCTURAL and cls.name not in LOWERING_ONLY]


def test_table_covers_every_op():
    missing = sorted(cls.name for cls in RENDERED if cls.name not in RENDERERS)
    assert not missing


@pytest.mark.parametrize("cls", RENDERED, ids=[cls.name for cls in RENDERED])
def test_every_op_renders(cls):
    op = _instance(cls)
    args = [Expr(f"v{i}") for i in range(len(op.operands))]
    text = render(op, args).text
    assert not text.startswith("ops.ts."), text
    for i in range(len(args)):  # no operand is lost (none is a constant, so no default is dropped)
        assert f"v{i}" in text


@pytest.mark.parametrize("name", sorted(TENSOR_OPS))
def test_tensor_ops_print_as_torch_calls(name):
    op = _instance(ts.OPS_BY_NAME[f"ts.{name}"])
    text = render(op, [Expr(f"v{i}") for i in range(len(op.operands))]).text
    assert text.startswith(aten_defaults.CALL_NAMES.get(name, f"torch.{name}") + "(")


def test_unknown_ops_print_generically():
    block = Block(arg_types=[t.IntType()])
    op = _TestOp(operands=[block.args[0]], result_types=[t.IntType()])
    assert render(op, [Expr("a")]).text == "ops.test.op(a)"
