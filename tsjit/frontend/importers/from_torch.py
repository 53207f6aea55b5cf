"""`from_torch(module_or_fn, example_inputs=None)`: a live PyTorch model as a tsjit ScriptModule.

    sm = tsjit.frontend.from_torch(torch_model)                  # torch.jit.script'ed, then imported
    sm = tsjit.frontend.from_torch(torch_model, (x,))            # torch.jit.trace'd on the example
    fn = tsjit.frontend.from_torch(torch_function)               # a tsjit ScriptFunction

The path: torch scripts (or traces) the model; its forward graph, inlined, is read through torch's
graph API (torch_graph.py) into graph_model.Graph; every `prim::GetAttr` chain from `self` is
resolved against the live module: submodules disappear, tensors (parameters, buffers, tensor
attributes, as numpy copies) become weights, a submodule's `training` reads the root's `training`
attribute (so `sm.eval()` switches BatchNorm and Dropout as `model.eval()` does), other attributes
(ints, lists, None) become constants. build.py turns the graph into ts IR with the weights as extra function
inputs; those inputs then become `ts.get_attr %self["conv1.weight"]` of one flat module class whose
attributes are named as state_dict names them, and module_ir.from_ir makes the ScriptModule.
Weights are not frozen into constants, so batch_norm in train mode updates the imported running
statistics as PyTorch does, and `sm.state_dict()` has PyTorch's keys.

Any node with no ts op is an error at import time naming the aten kind and its source location:
a model either imports and matches PyTorch, or fails loudly.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, StringAttr, UnitAttr
from xdsl.ir import Block, Region

from tsjit.dialects.ts.misc_ops import GenericOp
from tsjit.dialects.ts.module_ops import AttrDeclOp, ClassTypeOp, GetAttrOp, MethodOp, ObjectOp
from tsjit.dialects.ts.types import BoolType, ClassType
from tsjit.frontend.importers import graph_model as gm
from tsjit.frontend.importers.build import build_module
from tsjit.frontend.importers.torch_graph import read_graph, to_numpy
from tsjit.frontend.script.ir_builder import IRBuilder
from tsjit.kernels.promotion import TORCH_NAME
from tsjit.user_warnings import warn



class FromTorchError(RuntimeError):
    """A PyTorch model tsjit cannot import faithfully (unsupported ops are listed with their locations)."""


def from_torch(module_or_fn: Any, example_inputs: Any = None) -> Any:
    """Import a torch.nn.Module, a Python function, or a torch.jit.ScriptModule/ScriptFunction."""
    import torch

    scripted = _scripted(torch, module_or_fn, example_inputs)
    if isinstance(scripted, torch.jit.ScriptFunction):
        graph = scripted.graph.copy()
        torch._C._jit_pass_inline(graph)
        return _function(read_graph(graph), scripted.qualified_name)
    name = f"__torch__.{scripted.original_name}"
    resolver = _Weights(torch, scripted)
    graph = resolver.resolve(read_graph(_forward_graph(torch, scripted)))
    try:
        imported = _module(graph, resolver, name)
    except FromTorchError:
        if resolver.training is None:
            raise
        # an op that imports only with a constant mode flag: the module keeps its current mode
        resolver = _Weights(torch, scripted, link_training=False)
        imported = _module(resolver.resolve(read_graph(_forward_graph(torch, scripted))), resolver, name)
        warn(f"from_torch: {scripted.original_name} is imported in {'train' if scripted.training else 'eval'} "
             "mode for good: an op in it needs its mode known at import time, so .train()/.eval() on the "
             "imported module do not switch it; import the model in the mode it is to run in")
    _copy_defaults(scripted, imported)
    return imported


def _copy_defaults(scripted: Any, imported: Any) -> None:
    """The forward's argument defaults (`hx=None`), which the graph does not carry, from its schema."""
    names = scripted._c._method_names()
    name = "forward" if "forward" in names or "forward__0" not in names else "forward__0"
    schema = scripted._c._get_method(name).schema
    method = imported._info.methods.get("forward")
    if method is None:
        return
    arguments = [a for a in schema.arguments if a.name != "self"]
    if [a.name for a in arguments] != [p.name for p in method.params]:
        return
    for param, argument in zip(method.params, arguments):
        if argument.has_default_value():
            param.default = argument.default_value


def _scripted(torch: Any, obj: Any, example_inputs: Any) -> Any:
    if isinstance(obj, (torch.jit.ScriptModule, torch.jit.ScriptFunction)):
        return obj
    if example_inputs is not None:
        inputs = example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)
        return _trace_keeping_state(torch, obj, inputs)
    return torch.jit.script(obj)


def _trace_keeping_state(torch: Any, obj: Any, inputs: tuple) -> Any:
    """torch.jit.trace runs the model (and again to check the trace): a module in training mode
    would update its running statistics each time. Its tensors are put back as they were, so the
    import sees, and leaves, the model's state as the user had it."""
    state = obj.state_dict(keep_vars=True) if isinstance(obj, torch.nn.Module) else {}
    saved = {name: t.detach().clone() for name, t in state.items()}
    try:
        return torch.jit.trace(obj, inputs)
    finally:
        with torch.no_grad():
            for name, t in state.items():
                t.copy_(saved[name])


def _forward_graph(torch: Any, scripted: Any) -> Any:
    """The inlined forward graph; a module whose forward is overloaded (torch.nn.LSTM/GRU/RNN: Tensor
    or PackedSequence input) has no `forward`, and its first overload takes a tensor."""
    names = scripted._c._method_names()
    if "forward" in names or "forward__0" not in names:
        return scripted.inlined_graph
    graph = scripted._c._get_method("forward__0").graph.copy()
    torch._C._jit_pass_inline(graph)
    return graph


# -- prim::GetAttr chains -> weights and constants -------------------------------------------------

class _Weights:
    """Resolves `self.a.b` against the live module: tensors become graph inputs named by their path."""

    def __init__(self, torch: Any, module: Any, link_training: bool = True):
        self.torch, self.module, self.link_training = torch, module, link_training
        self.params = {name for name, _ in module.named_parameters()}
        self.buffers = {name for name, _ in module.named_buffers()}
        self.inputs: dict[int, gm.Value] = {}       # id(tensor) -> its graph input (tied weights share one)
        self.arrays: dict[str, np.ndarray] = {}     # input name -> values
        self.objects: dict[str, tuple[Any, str]] = {}  # graph value -> (live object, path)
        self.requires_grad: dict[str, bool] = {}  # input name -> the live tensor's requires_grad
        self.forward_inputs: set[str] = set()
        self.training: gm.Value | None = None  # the root's `training`, read by every submodule in its mode

    def resolve(self, graph: gm.Graph) -> gm.Graph:
        self_value, *user_inputs = graph.inputs
        self.objects[self_value.name] = (self.module, "")
        self.forward_inputs = {v.name for v in user_inputs}
        renames: dict[str, str] = {}
        body = self._block(graph, renames)
        training = [self.training] if self.training is not None else []
        return gm.Graph(inputs=[*user_inputs, *self.inputs.values(), *training], nodes=body.nodes,
                        returns=body.returns)

    def _block(self, block: gm.Block, renames: dict[str, str]) -> gm.Block:
        nodes = []
        for node in block.nodes:
            if node.kind == "prim::GetAttr" and node.inputs[0] in self.objects:
                replacement = self._get_attr(node, renames)
                if replacement is not None:
                    nodes.append(replacement)
                continue
            if node.kind == "prim::requires_grad":  # a weight's flag, False for a forward input, else True
                name = renames.get(node.inputs[0], node.inputs[0])
                flag = self.requires_grad.get(name, name not in self.forward_inputs)
                nodes.append(gm.Node("prim::Constant", [], node.outputs, {"value": flag}, [], node.location))
                continue
            used = [n for n in node.inputs if n in self.objects]
            if used:
                raise FromTorchError(f"{_where(node)}{node.kind} uses the module object itself (only attribute "
                                     "reads of self are supported)")
            nodes.append(gm.Node(node.kind, [renames.get(n, n) for n in node.inputs], node.outputs,
                                 node.attributes, [self._block(b, renames) for b in node.blocks], node.location))
        return gm.Block(block.inputs, nodes, [renames.get(n, n) for n in block.returns])

    def _get_attr(self, node: gm.Node, renames: dict[str, str]) -> gm.Node | None:
        owner, path = self.objects[node.inputs[0]]
        name = node.attributes["name"]
        value = getattr(owner, name)
        path = f"{path}.{name}" if path else name
        out = node.outputs[0]
        if isinstance(value, self.torch.nn.Module):
            self.objects[out.name] = (value, path)
            return None
        if isinstance(value, self.torch.Tensor):
            if id(value) not in self.inputs:
                array = to_numpy(value)
                self.inputs[id(value)] = gm.Value(path, _tensor_type(array))
                self.arrays[path] = array
                self.requires_grad[path] = bool(value.requires_grad)
            renames[out.name] = self.inputs[id(value)].name
            return None
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, self.torch.Tensor) for v in value):
            return self._tensor_list(node, value, path)
        if name == "training" and self.link_training and value is bool(self.module.training):
            # one flag for the flat module: `.eval()`/`.train()` set every submodule's as torch's do;
            # a submodule left in the other mode (a BatchNorm kept in eval while training) keeps its own
            if self.training is None:
                self.training = gm.Value("training", "bool")
            renames[out.name] = self.training.name
            return None
        if value is None or isinstance(value, (bool, int, float, str, list, tuple)):
            return gm.Node("prim::Constant", [], [out], {} if value is None else {"value": value}, [], node.location)
        raise FromTorchError(f"{_where(node)}attribute '{path}' of type {type(value).__name__} cannot be imported")

    def _tensor_list(self, node: gm.Node, values: Any, path: str) -> gm.Node:
        """A list of tensors (torch.nn.LSTM's `_flat_weights`): each tensor an input named as its
        parameter or buffer (else `path.i`), the list a prim::ListConstruct of them."""
        named = {(t.data_ptr(), tuple(t.shape)): n for n, t in [*self.module.named_parameters(),
                                                                  *self.module.named_buffers()]}
        names = []
        for i, value in enumerate(values):
            if id(value) not in self.inputs:
                name = named.get((value.data_ptr(), tuple(value.shape)), f"{path}.{i}")
                array = to_numpy(value)
                self.inputs[id(value)] = gm.Value(name, _tensor_type(array))
                self.arrays[name] = array
            names.append(self.inputs[id(value)].name)
        return gm.Node("prim::ListConstruct", names, node.outputs, {}, [], node.location)

    def kind(self, path: str) -> str:
        return "parameter" if path in self.params else "buffer" if path in self.buffers else "attr"


def _tensor_type(array: np.ndarray) -> str:
    sizes = ", ".join(str(n) for n in array.shape)
    return f"{TORCH_NAME[array.dtype.name]}({sizes})" if array.ndim else "Tensor"


def _where(node: gm.Node) -> str:
    loc = node.location
    return f"{loc.file}:{loc.line}:{loc.column}: " if loc else ""


# -- ts IR -> ScriptModule / ScriptFunction ----------------------------------------------------------

def _build(graph: gm.Graph, name: str) -> ModuleOp:
    from tsjit.dialects import ts  # noqa: F401  (registers the dialect)

    module = build_module(graph, name)
    unsupported = [op for op in module.walk() if isinstance(op, GenericOp)]
    if unsupported:
        lines = []
        for op in unsupported:
            reason = op.attributes.get("reason")
            loc = op.attributes.get("loc") or op.attributes.get("location")
            text = f"  {op.op_name.data}"
            if loc is not None:
                text += f" at {loc.data if isinstance(loc, StringAttr) else loc}"
            lines.append(text + (f" ({reason.data})" if reason is not None else ""))
        raise FromTorchError("tsjit cannot import these PyTorch ops (no ts op, or an overload it does not "
                             "support):\n" + "\n".join(dict.fromkeys(lines)))
    module.verify()
    return module


def _module(graph: gm.Graph, weights: _Weights, class_name: str) -> Any:
    from tsjit.dialects.ts.module_ir import ROOT
    from tsjit.jit.module_ir import from_ir

    n_weights = len(weights.inputs)
    module = _build(graph, "forward")
    f = next(op for op in module.ops if isinstance(op, func.FuncOp))
    block = f.body.block
    self_arg = block.insert_arg(ClassType(class_name), 0)
    self_arg.name_hint = "self"
    if weights.training is not None:  # the last input: `ts.get_attr %self["training"]`
        flag = block.args[-1]
        read = GetAttrOp.create(operands=[self_arg], result_types=[BoolType()],
                                properties={"attr_name": StringAttr("training")})
        block.insert_op_before(read, block.first_op)
        read.results[0].name_hint = "training"
        flag.replace_all_uses_with(read.results[0])
        block.erase_arg(flag)
    paths = [v.name for v in weights.inputs.values()]
    weight_args = list(block.args[len(block.args) - n_weights:]) if n_weights else []
    decls, first = [], block.first_op
    for path, arg in zip(paths, weight_args):
        read = GetAttrOp.create(operands=[self_arg], result_types=[arg.type],
                                properties={"attr_name": StringAttr(path)})
        block.insert_op_before(read, first)
        hint = path.replace(".", "_")  # "0.num_batches_tracked" (a Sequential's) is "_0_num_batches_tracked"
        read.results[0].name_hint = f"_{hint}" if hint[:1].isdigit() else hint
        arg.replace_all_uses_with(read.results[0])
        kind = weights.kind(path)
        flags = {kind: UnitAttr()} if kind != "attr" else {}
        decls.append(AttrDeclOp.create(properties={"attr_name": StringAttr(path), "attr_type": arg.type, **flags}))
    for arg in weight_args:
        block.erase_arg(arg)
    outputs = f.function_type.outputs.data
    f.function_type = FunctionType.from_lists([a.type for a in block.args], outputs)
    f.sym_name = StringAttr(f"{class_name}.forward")
    training = AttrDeclOp.create(properties={"attr_name": StringAttr("training"), "attr_type": BoolType()})
    method = MethodOp.create(properties={"method_name": StringAttr("forward"),
                                         "function": _symbol(f"{class_name}.forward")})
    class_op = ClassTypeOp(class_name, Region([Block([*decls, training, method])]), is_module=True)
    f.detach()
    state = Block()
    builder = IRBuilder(state)
    slots = {path: builder.const(weights.arrays[path]) for path in paths}
    # a frozen module has no `training` attribute left: freezing is for inference
    slots["training"] = builder.const(bool(getattr(weights.module, "training", False)))
    root = builder.add(ObjectOp(class_name, slots))
    root.attributes[ROOT] = UnitAttr()
    ops = [class_op, f, *list(state.ops)]
    for op in ops[2:]:
        op.detach()
    return from_ir(ModuleOp(ops))


def _symbol(name: str):
    from xdsl.dialects.builtin import SymbolRefAttr

    return SymbolRefAttr(name)


def _function(graph: gm.Graph, qualified_name: str) -> Any:
    from tsjit.frontend.script.compilation_unit import CompilationUnit
    from tsjit.frontend.script.function_compiler import CompiledFunction, Param
    from tsjit.jit.script_function import ScriptFunction

    symbol = qualified_name if qualified_name.startswith("__torch__") else f"__torch__.{qualified_name}"
    module = _build(graph, symbol)
    f = next(op for op in module.ops if isinstance(op, func.FuncOp))
    params = [Param(v.name.split(".")[0], t) for v, t in zip(graph.inputs, f.function_type.inputs.data)]
    outputs = f.function_type.outputs.data
    unit = CompilationUnit()
    unit.module = module
    unit.symbols.add(symbol)
    compiled = CompiledFunction(symbol, qualified_name.rsplit(".", 1)[-1], params, outputs[0], func_op=f)
    unit.by_symbol[symbol] = compiled
    return ScriptFunction(unit, compiled)


__all__ = ["FromTorchError", "from_torch"]
