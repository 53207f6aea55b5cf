"""`tsjit.jit.specialize(fn_or_module, example_inputs)`: the IR of a function specialized to inputs.

The shapes and dtypes of the example tensors become the argument types of the function
(a ScriptFunction, or the `forward` of a ScriptModule: freeze it first so that weights are
constants and calls are inlined), and `ts-specialize` gives every tensor in it a static
type. The result is a new IR module (the input object is not changed): the starting point
of the lowering passes (`ts-to-linalg`, ...). When the function no longer needs `self`
(a frozen module: weights are constants) the module holds just that function, whose
arguments are the tensors; otherwise it is the whole module IR (tsjit/jit/module_ir.py). Tensors whose shape stays partly unknown are
reported with a `UserWarning`; a shape the program needs but cannot know raises
`SpecializeError` naming the op and its source location. Which example inputs are the same
object decides `query is key` tests (passes/identity_tests.py); the function records the tests
it folded, and a compiled model checks its inputs against them.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import FunctionType, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import SSAValue

from tsjit.dialects.ts.module_ops import ClassTypeOp
from tsjit.dialects.ts.types import DTYPES, ClassType, TensorType
from tsjit.user_warnings import warn

#: the function attribute listing (as JSON) the input positions specialized to None
NONE_INPUTS = "ts.none_inputs"


def _tensor_type(x: Any, i: int = 0) -> TensorType:
    """The static type of an example input: a tsjit.Tensor or a numpy array."""
    array = x._data if hasattr(x, "_data") else x
    if not isinstance(array, np.ndarray) or array.dtype.name not in DTYPES:
        got = f"an array of {array.dtype}" if isinstance(array, np.ndarray) else f"a {type(x).__name__}"
        raise TypeError(f"example input {i} must be a tensor or numpy array of a tensor dtype, got {got}")
    return TensorType(array.shape, DTYPES[array.dtype.name])


def _example_types(func: FuncOp, example_inputs: Sequence[Any]) -> list[TensorType]:
    """The tensor types of the example inputs. Given one input per parameter, non-tensor
    parameters (int, float, lists, ...) take theirs as they are; else the inputs are the tensors'."""
    params = list(func.body.block.args)
    if params and isinstance(params[0].type, ClassType):  # a method's self
        params = params[1:]
    if len(example_inputs) != len(params):
        return [_tensor_type(x, i) for i, x in enumerate(example_inputs)]
    types = []
    for i, (x, param) in enumerate(zip(example_inputs, params)):
        if isinstance(param.type, TensorType):
            types.append(_tensor_type(x, i))
        elif hasattr(x, "_data") or isinstance(x, np.ndarray):
            raise TypeError(f"example input {i} is a tensor, but parameter {i} of the function is not a tensor")
    return types


def _identity(func: FuncOp, example_inputs: Sequence[Any]) -> dict[SSAValue, tuple[int, int]]:
    """Each tensor argument's example input position and the first position holding the same object
    (inputs are matched to arguments as _example_types matches them)."""
    params = [a for a in func.body.block.args if not isinstance(a.type, ClassType)]
    tensors = [a for a in params if isinstance(a.type, TensorType)]
    positions = [i for i, a in enumerate(params) if isinstance(a.type, TensorType)] \
        if len(example_inputs) == len(params) else range(len(example_inputs))
    return {arg: (i, next(j for j, y in enumerate(example_inputs) if y is example_inputs[i]))
            for arg, i in zip(tensors, positions)}


def _module_and_function(fn_or_module: Any) -> tuple[ModuleOp, str]:
    """A fresh IR module holding the function, and the function's symbol."""
    from tsjit.dialects.ts.module_ir import root_object
    from tsjit.jit.module_ir import to_ir
    from tsjit.jit.script_function import ScriptFunction
    from tsjit.jit.script_module import ScriptModule

    if isinstance(fn_or_module, ScriptModule):
        module = to_ir(fn_or_module)
        return module, f"{root_object(module).results[0].type.class_name.data}.forward"
    if isinstance(fn_or_module, ScriptFunction):
        name = fn_or_module._compiled.func_op.sym_name.data
        return _function_module(fn_or_module._cu.module, name), name
    raise TypeError(f"specialize expects a ScriptFunction or a ScriptModule, got {type(fn_or_module).__name__}")


def _function_module(unit_module: ModuleOp, name: str) -> ModuleOp:
    """A new module holding function `name` (its calls inlined) and the classes and functions it
    still reaches, and nothing else of the compilation unit (which holds everything the process
    scripted); `name` is its last function, the module's entry."""
    from tsjit.dialects.ts.module_ir import reachable
    from tsjit.passes import apply_pass

    symbols = {op.sym_name.data: op for op in unit_module.ops if isinstance(op, ClassTypeOp | FuncOp)}
    classes, functions = reachable(symbols, name)
    module = ModuleOp([symbols[n].clone() for n in (*classes, *(f for f in functions if f != name), name)])
    apply_pass("ts-inline", module, functions=(name,))
    return module


def specialize(fn_or_module: Any, example_inputs: Sequence[Any]) -> ModuleOp:
    """The IR module whose function (or `forward`) has static types for these example inputs."""
    from tsjit.dialects import context
    from tsjit.passes.specialize import specialize_function

    module, name = _module_and_function(fn_or_module)
    func = next(op for op in module.walk() if isinstance(op, FuncOp) and op.sym_name.data == name)
    _bind_none_defaults(fn_or_module, func, len(example_inputs))
    kept = _bind_optional_inputs(func, example_inputs)
    given = [example_inputs[i] for i in kept]
    identity = {arg: (kept[i], kept[j]) for arg, (i, j) in _identity(func, given).items()}
    notes = specialize_function(context(), module, func, _example_types(func, given), identity)
    if notes:
        warn("tsjit.jit.specialize: some shapes stay unknown:\n  " + "\n  ".join(notes))
    module = _standalone(module, func)
    module.verify()
    return module


def _bind_optional_inputs(func: FuncOp, example_inputs: Sequence[Any]) -> list[int]:
    """Optional parameters specialize to their example input, as TorchScript's profiling executor
    specializes an `Optional[Tensor]` to the value it saw: given a tensor (GRUCell's `hx`), the
    parameter is a tensor (`hx is None` folds to false); given None, it is the constant None and
    leaves the signature, its position recorded (NONE_INPUTS) so that a compiled model takes and
    checks it. The positions of the example inputs the function still takes are returned."""
    from tsjit.dialects.ts.constant import ConstantOp
    from tsjit.dialects.ts.types import NoneType, OptionalType

    block = func.body.block
    offset = 1 if block.args and isinstance(block.args[0].type, ClassType) else 0
    params = list(block.args[offset:])
    if len(example_inputs) != len(params):
        return list(range(len(example_inputs)))
    kept, nones = [], []
    for i, (x, arg) in enumerate(zip(example_inputs, params)):
        optional = isinstance(arg.type, OptionalType)
        if optional and x is None:
            none = ConstantOp.of(None, NoneType())
            block.insert_op_before(none, block.first_op)
            arg.replace_all_uses_with(none.results[0])
            block.erase_arg(arg)
            nones.append(i)
            continue
        if optional and isinstance(arg.type.element_type, TensorType) and (
                hasattr(x, "_data") or isinstance(x, np.ndarray)):
            arg._type = arg.type.element_type  # a tensor is an Optional[Tensor]'s value: every use still fits
        kept.append(i)
    if nones:
        func.attributes[NONE_INPUTS] = StringAttr(json.dumps(nones))
    func.function_type = FunctionType.from_lists(list(block.arg_types), list(func.function_type.outputs))
    return kept


def none_inputs(func: FuncOp) -> list[int]:
    """The input positions a function was specialized to None at (_bind_optional_inputs)."""
    attr = func.attributes.get(NONE_INPUTS)
    return json.loads(attr.data) if isinstance(attr, StringAttr) else []


def _bind_none_defaults(fn_or_module: Any, func: FuncOp, given: int) -> None:
    """Trailing parameters the example inputs leave out whose default is None (`hx=None`) or another
    constant become that constant, as Python binds a call without them."""
    from tsjit.dialects.ts.constant import ConstantOp
    from tsjit.dialects.ts.types import NoneType

    info = getattr(fn_or_module, "_info", None)
    compiled = info.methods.get("forward") if info is not None else getattr(fn_or_module, "_compiled", None)
    block = func.body.block
    offset = 1 if block.args and isinstance(block.args[0].type, ClassType) else 0
    params = getattr(compiled, "params", None)
    if params is None or len(params) != len(block.args) - offset or given >= len(params):
        return
    # constant defaults (`need_weights=True`, `is_causal=False`) are bound the same way
    if any(p.default is not None and type(p.default) not in (bool, int, float, str) for p in params[given:]):
        return
    for p, arg in zip(params[given:], list(block.args[offset + given:])):
        none = ConstantOp.of(None, NoneType()) if p.default is None else ConstantOp.of(p.default, arg.type)
        block.insert_op_before(none, block.first_op)
        arg.replace_all_uses_with(none.results[0])
        block.erase_arg(arg)
    func.function_type = FunctionType.from_lists(list(block.arg_types), list(func.function_type.outputs))


def _standalone(module: ModuleOp, func: FuncOp) -> ModuleOp:
    """A frozen forward no longer uses `self`: return it alone, taking only its tensors."""
    block = func.body.block
    if not block.args or isinstance(block.args[0].type, TensorType) or block.args[0].uses:
        return module
    if any(op.name in ("ts.call_function", "ts.call_method") for op in func.walk()):
        return module
    block.erase_arg(block.args[0])
    func.function_type = FunctionType.from_lists(list(block.arg_types), list(func.function_type.outputs))
    func.detach()
    return ModuleOp([func])
