"""graph_model.Graph -> ts IR: a `builtin.module` with one `func.func` whose arguments are the graph's
inputs (`%self` of a class type included), one or a few ts ops per node.

Node kinds are looked up in `ATEN` (aten_ops.py for aten:: and prim:: kinds; aten_overloads.EXTRA,
filled by the live-PyTorch importer, is merged over it), then any aten:: kind named like a ts tensor
op (TENSOR_OPS is ATen-style) maps by position onto that op's schema. prim::If/prim::Loop become
ts.if/ts.loop here. Anything else becomes `ts.generic "<kind>"`, which fails with the kind and the
node's location when it runs. `# file.py:9:10` locations become each op's `loc`, so run-time errors
point at the user's source.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, StringAttr
from xdsl.ir import Attribute, Block, Region, SSAValue

from tsjit.dialects.ts.constant import DeviceAttr
from tsjit.dialects.ts.control_flow import ConditionOp, IfOp, LoopOp, YieldOp
from tsjit.dialects.ts.misc_ops import GenericOp
from tsjit.dialects.ts.schema import KINDS
from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.dialects.ts.types import (
    BoolType,
    DeviceType,
    FloatType,
    IntType,
    ListType,
    NoneType,
    OptionalType,
    TensorType,
    TupleType,
)
from tsjit.frontend.importers import graph_model as gm
from tsjit.frontend.importers.torch_types import TypeImportError, erase_tensor_details, to_ts_type
from tsjit.dialects.ts.schema import RESULT_TYPES
from tsjit.frontend.script.ir_builder import IRBuilder

Converter = Callable[["GraphBuilder", gm.Node, list], "Sequence[SSAValue] | None"]


class GraphImportError(ValueError):
    """A graph that cannot become ts IR: `file:line:col: message` where the node has a location."""


def where(location: gm.Location | None) -> str | None:
    return None if location is None else f"{location.file}:{location.line}:{location.column}"


class GraphBuilder(IRBuilder):
    """Builds ts ops for graph nodes; `values` maps TorchScript value names to SSA values."""

    def __init__(self, block: Block, tensors: dict[str, np.ndarray] | None = None):
        super().__init__(block)
        self.values: dict[str, SSAValue] = {}
        self.functions: dict[str, str] = {}  # `Function` constants: value name -> function name
        self.tensors = tensors or {}
        self.node: gm.Node | None = None

    # -- errors and values ---------------------------------------------------------------------
    def error(self, message: str) -> GraphImportError:
        loc = where(self.node.location) if self.node is not None else None
        kind = f"{self.node.kind}: " if self.node is not None else ""
        return GraphImportError(f"{loc + ': ' if loc else ''}{kind}{message}")

    def get(self, name: str) -> SSAValue | None:
        if name in self.functions:
            return None
        if name not in self.values:
            raise self.error(f"use of undefined value %{name}")
        return self.values[name]

    def ts_type(self, text: str, erase: bool = True) -> Attribute:
        try:
            t = to_ts_type(text)
        except TypeImportError as e:
            raise self.error(str(e)) from None
        return erase_tensor_details(t) if erase else t

    def output_type(self, i: int = 0) -> Attribute:
        return self.ts_type(self.node.outputs[i].type)

    # -- nodes ---------------------------------------------------------------------------------
    def build_nodes(self, nodes: Sequence[gm.Node]) -> None:
        for node in nodes:
            self.build_node(node)

    def build_node(self, node: gm.Node) -> None:
        self.node, self.location = node, where(node.location)
        args = [self.get(n) for n in node.inputs]
        results = None
        converter = converter_for(node.kind)
        if converter is not None:
            results = converter(self, node, args)
        if results is None:
            results = self.generic(args)
        results = list(results)
        if len(results) != len(node.outputs):
            raise self.error(f"built {len(results)} values for {len(node.outputs)} outputs")
        for out, value in zip(node.outputs, results):
            if value is not None:
                self.values[out.name] = value
        self.node = node  # nested blocks moved it; later messages are about this node again

    def generic(self, args: Sequence[SSAValue | None], reason: str | None = None) -> list[SSAValue]:
        """`ts.generic "<kind>"`: kept in the IR, an error naming the kind when it runs."""
        op = GenericOp.create(operands=[a for a in args if a is not None],
                              result_types=[self.output_type(i) for i in range(len(self.node.outputs))],
                              properties={"op_name": StringAttr(self.node.kind)})
        if reason:
            op.attributes["reason"] = StringAttr(reason)
        return list(self.add(op).results)

    def schema_op(self, name: str, args: Sequence[SSAValue | None]) -> list[SSAValue] | None:
        """`ts.<name>` of TENSOR_OPS on positional operands adapted to its schema (a missing optional
        operand is None, an int given for a float is converted); None if they do not fit."""
        cls = TENSOR_OP_CLASSES.get(name)
        if cls is None or len(args) > len(cls.SCHEMA.args):
            return None
        operands = []
        for i, arg in enumerate(cls.SCHEMA.args):
            value = args[i] if i < len(args) else None
            if value is None:
                if not arg.kind.endswith("?"):
                    return None
                value = self.none()
            elif arg.kind in ("float", "float?") and isinstance(value.type, IntType | BoolType):
                value = self.value("scalar.float", value, type=FloatType())
            if not KINDS[arg.kind](value.type):
                return None
            operands.append(value)
        types = []
        for i, res in enumerate(cls.SCHEMA.results):
            printed = self.output_type(i) if i < len(self.node.outputs) else None
            types.append(printed if printed is not None and KINDS[res.kind](printed) else RESULT_TYPES[res.kind])
        return list(self.op(name, operands, types).results)

    # -- constants -------------------------------------------------------------------------------
    def constant(self, node: gm.Node) -> list[SSAValue]:
        out = node.outputs[0]
        if out.type == "Function":  # `prim::Constant[name="relu"]`: only prim::CallFunction uses it
            self.functions[out.name] = node.attributes.get("name", "?")
            return [None]
        value = node.attributes.get("value")
        if out.type == "complex":  # no complex scalar type: a 0-d complex128 tensor promotes as the scalar does
            return [self.tensor_constant(out, np.asarray(value, np.complex128), TensorType())]
        t = self.ts_type(out.type, erase=False)
        if isinstance(t, NoneType) or (value is None and not isinstance(t, TensorType)):
            return [self.none()]
        if isinstance(t, TensorType):
            return [self.tensor_constant(out, value, t)]
        if isinstance(t, TupleType):
            items = [self.const_of(v, e) for v, e in zip(value, t.types.data)]
            return list(self.op("tuple.construct", items, [t]).results)
        return [self.const_of(value, t)]

    def const_of(self, value: Any, t: Attribute) -> SSAValue:
        if isinstance(t, DeviceType):
            return self.const(DeviceAttr(str(value)), t)
        if isinstance(t, BoolType):
            value = bool(value)
        elif isinstance(t, FloatType):
            value = float(value)
        elif isinstance(t, ListType) and isinstance(t.element_type, BoolType | FloatType):
            value = [(float if isinstance(t.element_type, FloatType) else bool)(v) for v in value]
        elif isinstance(t, OptionalType):
            return self.const_of(value, t.element_type) if value is not None else self.none()
        return self.const(value, t)

    def tensor_constant(self, out: gm.Value, value: np.ndarray | None, t: TensorType) -> SSAValue:
        value = self.tensors.get(out.name, value)  # exact values beat the rounded printed ones
        if value is None:
            self.node = gm.Node(self.node.kind, [], [gm.Value(out.name, "Tensor")], {}, [], self.node.location)
            return self.generic([], reason=f"the tensor constant %{out.name} was printed as <Tensor>: its values "
                                           "are not in the graph text (pass tensors={name: array} to the importer, "
                                           "or import the graph before freezing, with the parameters)")[0]
        from tsjit.dialects.ts.constant import numpy_dtype

        array = np.asarray(value)
        if t.element_type is not None:
            array = array.astype(numpy_dtype(t.element_type) if t.element_type != BoolType() else np.bool_)
        if t.sizes is not None and t.has_static_shape and array.size == int(np.prod(t.sizes)):
            array = array.reshape(t.sizes)
        return self.const(array)

    # -- control flow ----------------------------------------------------------------------------
    def region(self, block: gm.Block, arg_types: Sequence[Attribute], terminator: Callable) -> Region:
        """A region of one block built from `block`: its parameters typed `arg_types`."""
        body = Block(arg_types=arg_types)
        saved = self.block
        self.block = body
        for param, arg in zip(block.inputs, body.args):
            self.values[param.name] = arg
        self.build_nodes(block.nodes)
        self.location = None
        body.add_op(terminator(*[self.get(n) for n in block.returns]))
        self.block = saved
        return Region([body])

    def build_if(self, node: gm.Node, args: list) -> list[SSAValue]:
        if len(node.blocks) != 2:
            raise self.error(f"expected two blocks, got {len(node.blocks)}")
        types = [self.output_type(i) for i in range(len(node.outputs))]
        cond = args[0]
        then_region = self.region(node.blocks[0], [], YieldOp)
        else_region = self.region(node.blocks[1], [], YieldOp)
        self.node, self.location = node, where(node.location)
        return list(self.add(IfOp(cond, types, then_region, else_region)).results)

    def build_loop(self, node: gm.Node, args: list) -> list[SSAValue]:
        """prim::Loop(max_trip_count, start_condition, carried...): block0(%i, carried...) -> (cond, carried...)."""
        if len(node.blocks) != 1 or len(args) < 2:
            raise self.error("expected (max_trip_count, condition, carried...) and one block")
        types = [self.output_type(i) for i in range(len(node.outputs))]
        body = self.region(node.blocks[0], [IntType(), *types], ConditionOp)
        self.node, self.location = node, where(node.location)
        op = LoopOp.create(operands=list(args), result_types=types, regions=[body])
        return list(self.add(op).results)

    def inline_subgraph(self, node: gm.Node, args: list) -> list[SSAValue] | None:
        """A fused or differentiable node whose graph was printed after `with <kind> = graph(...)`."""
        sub = node.attributes.get("Subgraph")
        if not isinstance(sub, gm.Graph):
            return None
        for param, arg in zip(sub.inputs, args):
            self.values[param.name] = arg
        self.build_nodes(sub.nodes)
        self.node, self.location = node, where(node.location)
        return [self.get(n) for n in sub.returns]


def converter_for(kind: str) -> Converter | None:
    """ATEN's entry, else the TENSOR_OPS op of that name for an aten:: kind."""
    converter = ATEN.get(kind)
    if converter is not None:
        return converter
    if kind.startswith("aten::"):
        name = kind[6:].split(".")[0]
        if name in TENSOR_OP_CLASSES:
            return lambda b, node, args: b.schema_op(name, args)
    if kind.startswith("prim::") and kind.rsplit("_", 1)[-1].isdigit():
        return GraphBuilder.inline_subgraph
    return None


def build_module(graph: gm.Graph, name: str = "forward", tensors: dict[str, np.ndarray] | None = None) -> ModuleOp:
    """The graph as `func.func @<name>` in a new module (not verified: import_graph verifies).

    `tensors` gives the values of tensor constants by value name (e.g. "self.conv1.weight" in a frozen
    graph): needed for those printed as `<Tensor>`, and exact where PyTorch printed rounded values."""
    builder = GraphBuilder(Block(), tensors)
    arg_types = [builder.ts_type(v.type, erase=False) for v in graph.inputs]
    block = Block(arg_types=arg_types)
    builder.block = block
    for v, arg in zip(graph.inputs, block.args):
        builder.values[v.name] = arg
        arg.name_hint = _hint(v.name)
    builder.build_nodes(graph.nodes)
    builder.node, builder.location = None, None
    results = [builder.get(n) for n in graph.returns]
    block.add_op(func.ReturnOp(*results))
    ftype = FunctionType.from_lists(arg_types, [r.type for r in results])
    return ModuleOp([func.FuncOp(name, ftype, Region([block]))])


def _hint(name: str) -> str | None:
    hint = name.replace(".", "_")
    return hint if hint[:1].isalpha() or hint[:1] == "_" else None


from tsjit.frontend.importers.aten_overloads import EXTRA  # noqa: E402
from tsjit.frontend.importers.aten_ops import ATEN as _BASE  # noqa: E402
from tsjit.frontend.importers.aten_shapes_types import ATEN_SHAPES_TYPES  # noqa: E402
from tsjit.frontend.importers.aten_linalg_strided import ATEN_LINALG_STRIDED  # noqa: E402
from tsjit.frontend.importers.aten_interpolate import ATEN_INTERPOLATE  # noqa: E402
from tsjit.frontend.importers.aten_compositions import ATEN_COMPOSITIONS  # noqa: E402
from tsjit.frontend.importers.aten_more_ops import ATEN_MORE_OPS  # noqa: E402
from tsjit.frontend.importers.aten_training import ATEN_TRAINING  # noqa: E402

#: node kind -> Converter: the base table with aten_overloads.EXTRA, then the shape/dtype-query,
#: linalg/strided, run-time-interpolate, composition and run-time-mode converters merged over it.
ATEN: dict[str, Converter] = {**_BASE, **EXTRA, **ATEN_SHAPES_TYPES, **ATEN_LINALG_STRIDED, **ATEN_INTERPOLATE,
                              **ATEN_COMPOSITIONS, **ATEN_MORE_OPS, **ATEN_TRAINING}
