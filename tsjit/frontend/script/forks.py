"""`torch.jit.fork(fn, *args, **kwargs)` and `torch.jit.wait(fut)` in compiled code.

fork's arguments are evaluated where fork is called; the call itself (of a function, a
ScriptFunction, a submodule's forward or a method) is compiled into the body of a `ts.fork`,
which the backend may run concurrently, as TorchScript compiles it into prim::fork's subgraph:

    %fut = ts.fork -> !ts.future<!ts.tensor> {
      %r = ts.call_function @__torch__.work(%x, %k) : (!ts.tensor, !ts.int) -> !ts.tensor
      ts.yield %r : !ts.tensor
    }
    %r = ts.wait %fut : !ts.future<!ts.tensor>
"""
from __future__ import annotations

import ast
from typing import Any

from xdsl.ir import Block, Region

from tsjit.dialects.ts.async_ops import ForkOp, WaitOp
from tsjit.dialects.ts.control_flow import YieldOp
from tsjit.dialects.ts.types import ClassType, FutureType, is_subtype
from tsjit.frontend.script.values import BoundMethod, ModuleRef, PyObj, is_ir


def compile_fork(c, node: ast.Call, hint=None):
    """A special form (calls.special_forms): its first argument is the callee, not a value."""
    if not node.args:
        c.error(node, "Expected at least one argument to fork()")
    callee = c.expr(node.args[0])
    if not _is_callable(callee):
        c.error(node, f"cannot call a value of type '{_type_name(c, callee)}'")
    args, kwargs = c.call_arguments(node.args[1:], node.keywords)
    c.at(node)
    body, outer = Block(), c.builder.block
    c.builder.block = body
    try:
        result = c.as_value(c.call(node, callee, args, kwargs), node)
        c.builder.add(YieldOp(result))
    finally:
        c.builder.block = outer
    wanted = hint.element_type if isinstance(hint, FutureType) else None
    element = wanted if wanted is not None and is_subtype(result.type, wanted) else result.type
    return c.builder.add(ForkOp(element, Region([body]))).results[0]


def compile_wait(c, node: ast.Call, hint=None):
    """`torch.jit.wait(fut)`; `fut.wait()` goes through calls.CallCompiler.call_method."""
    if len(node.args) != 1 or node.keywords:
        c.error(node, "wait() takes exactly one argument (the Future)")
    return wait_value(c, node, c.as_value(c.expr(node.args[0]), node.args[0]))


def wait_value(c, node: ast.AST, future) -> Any:
    if not isinstance(future.type, FutureType):
        name = c.type_name(future.type)
        c.error(node, f"aten::wait(Future(t) self) -> t:\nCould not match type {name} to Future[t] in argument "
                      f"'self': Cannot match a future to {name}.")
    c.at(node)
    return c.builder.add(WaitOp(future)).results[0]


def _is_callable(callee: Any) -> bool:
    if isinstance(callee, BoundMethod | ModuleRef):
        return True
    if isinstance(callee, PyObj):
        return callable(callee.obj)
    return is_ir(callee) and isinstance(callee.type, ClassType)


def _type_name(c, callee: Any) -> str:
    if isinstance(callee, PyObj):
        return type(callee.obj).__name__
    try:
        return c.type_name(c.value_type(callee))
    except Exception:  # noqa: BLE001 - a value with no TorchScript type: name its Python type
        return type(getattr(callee, "value", callee)).__name__
