"""Constant folding of ts tensor ops runs their kernels; effectful ops are never folded."""
from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.parser import Parser
from xdsl.transforms.canonicalize import CanonicalizePass

from tsjit.dialects import ts
from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.ops import KERNELS

X = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]], dtype=np.float32)


@pytest.fixture(scope="module")
def ctx() -> Context:
    c = Context()
    for d in (builtin.Builtin, func.Func, ts.TS):
        c.load_dialect(d)
    return c


def canonicalize(ctx, body: str, ret: str = "!ts.tensor") -> builtin.ModuleOp:
    module = Parser(ctx, f"func.func @f() -> {ret} {{\n{body}\n}}").parse_module()
    CanonicalizePass().apply(ctx, module)
    module.verify()
    return module


def returned(module):
    return module.body.block.first_op.body.block.last_op.operands[0].owner


def test_pure_op_folds_to_its_kernel_result(ctx):
    module = canonicalize(ctx, f"""
  %x = ts.constant {ts.ConstantOp.of(X).value}
  %d = ts.constant 1
  %n = ts.constant none
  %s = ts.softmax %x, %d, %n : (!ts.tensor<[2,3], f32>, !ts.int, !ts.none) -> !ts.tensor
  %t = ts.t %s : (!ts.tensor) -> !ts.tensor
  func.return %t : !ts.tensor""")
    owner = returned(module)
    assert isinstance(owner, ts.ConstantOp)
    e = np.exp(X - X.max(axis=1, keepdims=True))
    np.testing.assert_allclose(owner.py_value, (e / e.sum(axis=1, keepdims=True)).T, rtol=1e-6)


@pytest.mark.parametrize("op, body", [
    ("ts.rand", "%r = ts.rand %l, %n : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor"),
    ("ts.empty", "%r = ts.empty %l, %n : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor"),
    ("ts.matmul", "%z = ts.zeros %l, %n : (!ts.list<!ts.int>, !ts.none) -> !ts.tensor\n"
                  "  %r = ts.matmul %z, %z : (!ts.tensor, !ts.tensor) -> !ts.tensor"),  # 2x3 @ 2x3 raises
])
def test_random_uninitialised_and_failing_ops_stay(ctx, op, body):
    module = canonicalize(ctx, f"""
  %l = ts.constant [2, 3] : !ts.list<!ts.int>
  %n = ts.constant none
  {body}
  func.return %r : !ts.tensor""")
    assert f"{op} " in str(module)
    assert "ts.zeros" not in str(module)  # its operands were constants: only `op` had reason to stay


def test_effectful_ops_have_no_folder():
    from tsjit.ops import PURE, REGISTRY

    for name, cls in TENSOR_OP_CLASSES.items():
        foldable = hasattr(cls, "FOLD_FN")
        effectful = name.endswith("_") or REGISTRY[name].effects != PURE or name.startswith(("empty", "new_empty")) \
            or name in ("manual_seed", "batch_norm")
        assert foldable != effectful, name
        assert name in KERNELS
