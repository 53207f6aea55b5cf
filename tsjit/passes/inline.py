"""`ts-inline`: replace `ts.call_function` and `ts.call_method` by the callee's body (TorchScript's Inline).

Calls are inlined recursively, also inside `ts.if` / `ts.loop` / `ts.fork` bodies (TorchScript
inlines inside prim::fork subgraphs too). A method call is resolved from the receiver's static
`!ts.class<"...">` type through its `ts.class_type`; a call on an interface value (its class type
is marked `interface`) stays a call, as in TorchScript: the method it runs depends on the
object's class at run time. A receiver whose class is not declared in the module is an error.
Inlined ops keep their `loc` attributes. Callees stay in the module: xDSL 0.74 has no
`symbol-dce`, and which functions are still needed (methods named by `ts.method`, preserved
methods) is the caller's knowledge, e.g. `ts-freeze`'s.

Script rejects recursion; IR that has it anyway makes the pass fail instead of looping.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import PassFailedException

from tsjit.dialects.ts.misc_ops import UncheckedCastOp
from tsjit.dialects.ts.module_ops import CallFunctionOp, CallMethodOp, lookup_class
from tsjit.ir.diagnostics import emit_error


def callee_of(call: Operation, module: Operation) -> FuncOp:
    """The func.func a call runs; an error located at the call says why it cannot be found."""
    if isinstance(call, CallFunctionOp):
        symbol = call.callee
    else:
        assert isinstance(call, CallMethodOp)
        receiver = call.operands[0].type
        cls = lookup_class(module, receiver)
        if cls is None:
            raise emit_error(
                call, f"cannot inline method '{call.method_name.data}': the class of receiver type {receiver} "
                "is not declared in the module (an interface or an external class)")
        symbol = cls.methods().get(call.method_name.data)
        if symbol is None:
            raise emit_error(call, f"class {cls.sym_name.data} has no method '{call.method_name.data}'")
    func = SymbolTable.lookup_symbol(module, symbol)
    if not isinstance(func, FuncOp) or not func.body.blocks:
        raise emit_error(call, f"cannot inline call to {symbol}: no function body in the module")
    if len(func.body.blocks) != 1:
        raise emit_error(call, f"cannot inline {symbol}: the callee has more than one block")
    return func


def is_interface_call(call: Operation, module: Operation) -> bool:
    """A ts.call_method whose receiver is typed with an interface: dispatched when it runs."""
    from tsjit.dialects.ts.module_ir import INTERFACE

    if not isinstance(call, CallMethodOp):
        return False
    cls = lookup_class(module, call.operands[0].type)
    return cls is not None and INTERFACE in cls.attributes


def _calls_in(region: Region, module: Operation) -> list[Operation]:
    return [op for op in region.walk() if isinstance(op, CallFunctionOp | CallMethodOp)
            and not is_interface_call(op, module)]


def inline_calls(region: Region, module: Operation, stack: tuple[str, ...] = ()) -> int:
    """Inline every call in `region` (recursively), looking callees up in `module`.

    `stack` holds the functions being inlined (to reject recursion); returns the number of calls."""
    count = 0
    for call in _calls_in(region, module):
        func = callee_of(call, module)
        name = func.sym_name.data
        if name in stack:
            chain = " -> ".join((*stack, name))
            raise emit_error(call, f"cannot inline recursive call chain {chain}")
        body = func.body.clone()
        count += 1 + inline_calls(body, module, (*stack, name))
        _splice(call, body)
    return count


def _splice(call: Operation, body: Region) -> None:
    """Put the (already inlined) callee body in place of the call."""
    block = body.block
    ret = block.last_op
    if not isinstance(ret, ReturnOp):
        raise PassFailedException("the callee must end with func.return")
    # a callee returning one of its arguments (`return loss`) returns the call's operand
    arguments = {arg: operand for arg, operand in zip(block.args, call.operands)}
    returned = [arguments.get(v, v) for v in ret.operands]
    Rewriter.erase_op(ret)
    Rewriter.inline_block(block, InsertPoint.before(call), list(call.operands))
    results: list[SSAValue] = []
    for value, result in zip(returned, call.results, strict=True):
        if value.type != result.type:  # func.return and some ops want the exact type
            cast = UncheckedCastOp.create(operands=[value], result_types=[result.type],
                                          attributes=dict(call.attributes))
            Rewriter.insert_op(cast, InsertPoint.before(call))
            value = cast.results[0]
        results.append(value)
    Rewriter.replace_op(call, [], results)


@dataclass(frozen=True)
class TsInlinePass(ModulePass):
    """Inline all calls in the named functions (all when `functions` is empty; unknown names match nothing)."""

    name = "ts-inline"

    functions: tuple[str, ...] = ()

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for func in [f for f in op.walk() if isinstance(f, FuncOp)]:
            if not self.functions or func.sym_name.data in self.functions:
                inline_calls(func.body, op, (func.sym_name.data,))


__all__ = ["TsInlinePass", "inline_calls", "callee_of", "is_interface_call"]
