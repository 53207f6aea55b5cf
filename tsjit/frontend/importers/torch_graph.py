"""A live torch._C.Graph read into graph_model.Graph through torch's graph API.

Values keep TorchScript's debug names and printed types; node attributes become Python values
(a tensor attribute is a numpy copy, a subgraph a graph_model.Graph); each node's location is
the `# file.py:9:10` comment torch prints after it. No torch import here: the graph is handed in.
"""
from __future__ import annotations

import re
import sys
from typing import Any

import numpy as np

from tsjit.dtypes import bfloat16_numpy, is_float
from tsjit.frontend.importers import graph_model as gm

_LOCATION = re.compile(r"#\s*(?P<file>[^#]+?):(?P<line>\d+):(?P<column>\d+)\s*$")


def to_numpy(tensor: Any) -> np.ndarray:
    """A torch tensor's values as a numpy array that shares nothing with torch."""
    t = tensor.detach().cpu()
    if str(t.dtype) == "torch.bfloat16":  # numpy has none: the bits, viewed as ml_dtypes' bfloat16
        return t.contiguous().view(sys.modules["torch"].int16).numpy().view(bfloat16_numpy()).copy()
    return t.resolve_conj().resolve_neg().numpy().copy() if t.is_conj() or t.is_neg() else t.numpy().copy()


def _value(v: Any) -> gm.Value:
    return gm.Value(v.debugName(), str(v.type()))


def _location(node: Any) -> gm.Location | None:
    first = str(node).split("\n", 1)[0]
    m = _LOCATION.search(first)
    return gm.Location(m["file"].strip(), int(m["line"]), int(m["column"])) if m else None


def _attribute(node: Any, name: str) -> Any:
    kind = node.kindOf(name)
    if kind == "t":
        return to_numpy(node.t(name))
    if kind == "ts":
        return [to_numpy(t) for t in node.ts(name)]
    if kind == "g":
        return read_graph(node.g(name))
    if kind == "ival":
        return _ival(node.ival(name))
    if kind in ("cs", "c"):  # a complex scalar: build.py makes it a 0-d complex128 tensor
        return complex(node.c(name))
    return getattr(node, kind)(name)  # i, f, s, is, fs, ss, ty


def _ival(value: Any) -> Any:
    if hasattr(value, "numpy") and hasattr(value, "detach"):
        return to_numpy(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_ival(v) for v in value)
    return str(value) if type(value).__name__ == "device" else value


def _block(block: Any) -> gm.Block:
    return gm.Block(inputs=[_value(v) for v in block.inputs()], nodes=[_node(n) for n in block.nodes()],
                    returns=[v.debugName() for v in block.outputs()])


_SCALAR_TYPES = {"b": "bool", "i": "int", "u": "int"}


def _wrapped_number(node: Any) -> gm.Node | None:
    """A trace's Python scalar operand is a 0-d tensor constant printed `{2.5}`: a wrapped number, which
    promotes as a Python scalar. It comes back as the scalar, so `int_tensor * 2.5` stays float32."""
    if node.kind() != "prim::Constant" or "value" not in node.attributeNames() or node.kindOf("value") != "t":
        return None
    if "[value={" not in str(node).split("\n", 1)[0]:
        return None
    array = to_numpy(node.t("value"))
    if array.ndim or array.dtype.kind == "c":  # (no complex scalars: a complex one stays a 0-d tensor)
        return None
    out = node.output()
    kind = "float" if is_float(array.dtype) else _SCALAR_TYPES[array.dtype.kind]
    return gm.Node("prim::Constant", [], [gm.Value(out.debugName(), kind)], {"value": float(array) if kind == "float"
                   else array.item()}, [], _location(node))


def _node(node: Any) -> gm.Node:
    wrapped = _wrapped_number(node)
    if wrapped is not None:
        return wrapped
    return gm.Node(kind=node.kind(), inputs=[v.debugName() for v in node.inputs()],
                   outputs=[_value(v) for v in node.outputs()],
                   attributes={name: _attribute(node, name) for name in node.attributeNames()},
                   blocks=[_block(b) for b in node.blocks()], location=_location(node))


def read_graph(graph: Any) -> gm.Graph:
    """graph_model.Graph of a torch._C.Graph (e.g. `scripted.inlined_graph`)."""
    return gm.Graph(inputs=[_value(v) for v in graph.inputs()], nodes=[_node(n) for n in graph.nodes()],
                    returns=[v.debugName() for v in graph.outputs()])


__all__ = ["read_graph", "to_numpy"]
