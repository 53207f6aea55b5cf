"""Run-time errors in lowered code: a condition only the data decides (a singular matrix) for which
PyTorch raises an error.

`fail_if(b, at, cond, message)` emits `scf.if cond { func.call @tsjit_fail(code) {message} }`. The C
run time keeps the first code a call reports (tsjit/backends/c/runtime/errors.py); the caller reads
it after the call and raises the message (CLibrary) or prints it (an exported demo). The numpy
backend raises at the call itself. A message's code is a hash of its text, so the same message
has the same code in every module and the table is rebuilt from the calls' `message` attributes.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, func, scf
from xdsl.dialects.builtin import ModuleOp, StringAttr, i64
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint

FAIL = "tsjit_fail"


def declare(at: Operation, name: str, inputs: Sequence[Attribute], outputs: Sequence[Attribute]) -> None:
    """Declare run-time function `name` (a body-less private func.func) in `at`'s module, once."""
    module = at
    while not isinstance(module, ModuleOp):
        module = module.parent_op()
    if not any(isinstance(f, func.FuncOp) and f.sym_name.data == name for f in module.ops):
        decl = func.FuncOp.external(name, list(inputs), list(outputs))
        decl.sym_visibility = StringAttr("private")
        module.body.block.insert_op_before(decl, module.body.block.first_op)


def code_of(message: str) -> int:
    """A message's code: positive, below 2^31."""
    return zlib.crc32(message.encode()) % 2147483647 + 1


def fail_if(b: Builder, at: Operation, cond: SSAValue, message: str) -> None:
    """Report `message` when the i1 `cond` holds (at run time)."""
    declare(at, FAIL, [i64], [])
    then = Block()
    inner = Builder(InsertPoint.at_end(then))
    code = inner.insert(arith.ConstantOp.from_int_and_width(code_of(message), i64)).results[0]
    call = inner.insert(func.CallOp(FAIL, [code], []))
    call.attributes["message"] = StringAttr(message)
    inner.insert(scf.YieldOp())
    b.insert(scf.IfOp(cond, [], Region(then), Region(Block([scf.YieldOp()]))))


def messages(module: Operation) -> dict[int, str]:
    """code -> message of every reported error in a (lowered) module."""
    return {code_of(op.attributes["message"].data): op.attributes["message"].data for op in module.walk()
            if isinstance(op, func.CallOp) and op.callee.string_value() == FAIL and "message" in op.attributes}
