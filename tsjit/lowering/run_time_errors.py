"""Run-time errors in lowered code: a condition only the data decides (a singular matrix) for which
PyTorch raises an error.

`fail_if(b, at, cond, message, error)` emits `scf.if cond { func.call @tsjit_fail(code) {message} }`
(`error`: the Python exception, RuntimeError or IndexError, as PyTorch's kernel raises). The C
run time keeps the first code a call reports (tsjit/backends/c/runtime/errors.py); the caller reads
it after the call and raises the message (CLibrary) or prints it (an exported demo). The numpy
backend raises at the call itself. A message's code is a hash of its text, so the same message
has the same code in every module and the table is rebuilt from the calls' `message` attributes.
"""
from __future__ import annotations

import zlib

from xdsl.builder import Builder
from xdsl.dialects import arith, func, scf
from xdsl.dialects.builtin import StringAttr, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint

from tsjit.lowering.runtime_functions import declare

FAIL = "tsjit_fail"
ERRORS = {"RuntimeError": RuntimeError, "IndexError": IndexError}


def code_of(message: str) -> int:
    """A message's code: positive, below 2^31."""
    return zlib.crc32(message.encode()) % 2147483647 + 1


def fail_if(b: Builder, at: Operation, cond: SSAValue, message: str, error: str = "RuntimeError") -> None:
    """Report `message` (raised as `error`) when the i1 `cond` holds at run time."""
    assert error in ERRORS, error
    declare(at, FAIL, [i64], [])
    then = Block()
    inner = Builder(InsertPoint.at_end(then))
    code = inner.insert(arith.ConstantOp.from_int_and_width(code_of(message), i64)).results[0]
    call = inner.insert(func.CallOp(FAIL, [code], []))
    call.attributes["message"] = StringAttr(message)
    if error != "RuntimeError":
        call.attributes["error"] = StringAttr(error)
    inner.insert(scf.YieldOp())
    b.insert(scf.IfOp(cond, [], Region(then), Region(Block([scf.YieldOp()]))))


def reported(call: Operation) -> Exception:
    """The exception a `tsjit_fail` call stands for."""
    error = call.attributes["error"].data if "error" in call.attributes else "RuntimeError"
    return ERRORS.get(error, RuntimeError)(call.attributes["message"].data)


def messages(module: Operation) -> dict[int, Exception]:
    """code -> the exception of every error a (lowered) module reports."""
    return {code_of(op.attributes["message"].data): reported(op) for op in module.walk()
            if isinstance(op, func.CallOp) and op.callee.string_value() == FAIL and "message" in op.attributes}
