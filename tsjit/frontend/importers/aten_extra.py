"""More aten:: kinds for the graph importer, merged into build.py's `ATEN` table at import time.

A Converter builds the ts op(s) of one graph node:

    def convert(b: GraphBuilder, node: Node, args: list[SSAValue]) -> Sequence[SSAValue]

- `b` is build.GraphBuilder, an IRBuilder (tsjit/frontend/script/ir_builder.py: `b.op(name,
  operands)`, `b.value(name, *operands)`, `b.const(v)`, `b.none()`) whose location is already set
  to the node's; `b.schema_op(ts_name, args)` emits a TENSOR_OPS op with the operands adapted to
  its schema (int -> float, missing optional -> none).
- `node` is the graph_model.Node (kind, attributes, output types as TorchScript strings).
- `args` are the node's operands, in order, as SSA values.
- It returns one SSA value per node output (build.py checks the count and maps outputs by
  position); returning None means "not handled here", and the node becomes ts.generic.

Keys are node kinds, either plain (`aten::gelu`) or with an overload (`aten::add.Tensor`), as the
printed graph gives them (plain). An entry here replaces build.py's entry of the same kind.
"""
from __future__ import annotations

EXTRA: dict = {}
