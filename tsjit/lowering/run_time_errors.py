"""Run-time errors in lowered code: a condition only the data decides (a singular matrix) for which
PyTorch raises an error.

`fail_if(b, at, cond, message, error)` emits `scf.if cond { func.call @tsjit_fail(code) {message} }`
(`error`: the Python exception, RuntimeError or IndexError, as PyTorch's kernel raises). The C
run time keeps the first code a call reports (tsjit/backends/c/runtime/errors.py); the caller reads
it after the call and raises the message (CLibrary) or prints it (an exported demo). The numpy
backend raises at the call itself. A message's code is a hash of its text, so the same message
has the same code in every module and the table is rebuilt from the calls' `message` attributes.

A message may name up to two i64 values computed at run time (`values`: which batch element, which
leading minor), as `{0}` and `{1}`: the check then calls `tsjit_fail_with(code, v0, v1)` (its
`arguments` attribute: how many), the C run time keeps the values with the first code, and the
message is formatted with them where the error is raised or printed.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, func, scf
from xdsl.dialects.builtin import IntegerAttr, StringAttr, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint

from tsjit.lowering.runtime_functions import declare

FAIL = "tsjit_fail"
FAIL_WITH = "tsjit_fail_with"
ERRORS = {"RuntimeError": RuntimeError, "IndexError": IndexError}


def code_of(message: str) -> int:
    """A message's code: positive, below 2^31."""
    return zlib.crc32(message.encode()) % 2147483647 + 1


def fail_if(b: Builder, at: Operation, cond: SSAValue, message: str, error: str = "RuntimeError",
            values: Sequence[SSAValue] = ()) -> None:
    """Report `message` (raised as `error`) when the i1 `cond` holds at run time; `values` (i64, at
    most two) fill its `{0}` and `{1}`."""
    assert error in ERRORS, error
    assert len(values) <= 2, values
    then = Block()
    inner = Builder(InsertPoint.at_end(then))
    code = inner.insert(arith.ConstantOp.from_int_and_width(code_of(message), i64)).results[0]
    if values:
        declare(at, FAIL_WITH, [i64] * 3, [])
        args = list(values)
        while len(args) < 2:
            args.append(code)
        call = inner.insert(func.CallOp(FAIL_WITH, [code, *args], []))
        call.attributes["arguments"] = IntegerAttr(len(values), i64)
    else:
        declare(at, FAIL, [i64], [])
        call = inner.insert(func.CallOp(FAIL, [code], []))
    call.attributes["message"] = StringAttr(message)
    if error != "RuntimeError":
        call.attributes["error"] = StringAttr(error)
    inner.insert(scf.YieldOp())
    b.insert(scf.IfOp(cond, [], Region(then), Region(Block([scf.YieldOp()]))))


def reported(call: Operation, values: Sequence[int] = ()) -> Exception:
    """The exception a `tsjit_fail` call stands for (a `tsjit_fail_with` call's: formatted with the
    values it reported)."""
    error = call.attributes["error"].data if "error" in call.attributes else "RuntimeError"
    message = call.attributes["message"].data
    if "arguments" in call.attributes and values:
        message = formatted(message, values)
    return ERRORS.get(error, RuntimeError)(message)


def formatted(message: str, values: Sequence[int]) -> str:
    """A message with its `{k}` replaced by values[k]."""
    for k, v in enumerate(values):
        message = message.replace(f"{{{k}}}", str(int(v)))
    return message


def is_fail(op: Operation) -> bool:
    """Whether op is a run-time check's report (a call of tsjit_fail or tsjit_fail_with)."""
    return (isinstance(op, func.CallOp) and op.callee.string_value() in (FAIL, FAIL_WITH)
            and "message" in op.attributes)


def templates(module: Operation) -> dict[int, int]:
    """code -> how many values its message takes, for the checks that report values."""
    return {code_of(op.attributes["message"].data): op.attributes["arguments"].value.data for op in module.walk()
            if is_fail(op) and "arguments" in op.attributes}


def messages(module: Operation) -> dict[int, Exception]:
    """code -> the exception of every error a (lowered) module reports."""
    return {code_of(op.attributes["message"].data): reported(op) for op in module.walk() if is_fail(op)}
