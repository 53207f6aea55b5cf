"""Importers of TorchScript graphs into ts IR.

    module = import_graph(str(scripted.graph), filename="f.txt")     # a verified builtin.module
    fn = import_graph_function(text, params={"fc.weight": w, ...})    # runnable on the numpy backend
    fn(x)                                                            # numpy arrays (or tsjit Tensors) in

`import_graph` parses the printed graph (parse.py, grammar.lark) and builds one `func.func @forward`
(build.py). `import_graph_function` compiles that module with `tsjit.compile` (numpy backend: it
runs ts-level IR as it is) and, for a module's graph whose first input is `%self`, builds the
`self` object from `params`: dotted attribute paths (`conv1.weight`, `bn.running_mean`,
`training`) -> values, as `state_dict()` names them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp

from tsjit.frontend.importers.build import ATEN, GraphImportError, build_module
from tsjit.frontend.importers.parse import GraphParseError, parse_graph


def import_graph(text: str, filename: str = "<graph>", name: str = "forward",
                 tensors: Mapping[str, np.ndarray] | None = None) -> ModuleOp:
    """TorchScript's printed graph -> a verified module with `func.func @<name>`.

    `tensors` supplies tensor constants that the graph printed as `<Tensor>` (frozen graphs), by
    value name without the `%` (e.g. "self.conv1.weight"). Nodes with no ts op become `ts.generic`
    and raise an error naming the node kind and its source location when run."""
    from tsjit.dialects import ts  # noqa: F401  (registers the dialect's attributes)

    module = build_module(parse_graph(text, filename), name, dict(tensors or {}))
    module.verify()
    return module


class GraphFunction:
    """An imported graph, compiled: call it with the graph's inputs after `%self`."""

    def __init__(self, module: ModuleOp, params: Mapping[str, Any] | None = None, backend: str = "numpy"):
        from tsjit.compiler import compile

        self.module = module
        self.compiled = compile(module, backend=backend)
        func = next(op for op in module.ops if isinstance(op, FuncOp))
        inputs = func.function_type.inputs.data
        from tsjit.dialects.ts.types import ClassType

        self.self_object = None
        if inputs and isinstance(inputs[0], ClassType):
            self.self_object = make_object(inputs[0].class_name.data, params or {}, submodule_paths(func))
        elif params:
            raise ValueError("params were given, but the graph has no %self input")

    def __call__(self, *inputs: Any) -> Any:
        from tsjit.jit.values import to_runtime

        values = [to_runtime(x) for x in inputs]
        if self.self_object is not None:
            values.insert(0, self.self_object)
        return self.compiled(*values)


def submodule_paths(func: FuncOp) -> dict[str, str]:
    """Paths of the objects the function reads from its first argument through ts.get_attr chains
    (`{"conv1": "__torch__...Conv2d"}`), so that submodules without parameters exist too."""
    from tsjit.dialects.ts.module_ops import GetAttrOp
    from tsjit.dialects.ts.types import ClassType

    paths, found = {func.body.block.args[0]: ""}, {}
    for op in func.walk():
        if isinstance(op, GetAttrOp) and op.obj in paths and isinstance(op.result.type, ClassType):
            path = paths[op.obj] + op.attr_name.data
            paths[op.result] = path + "."
            found[path] = op.result.type.class_name.data
    return found


def make_object(class_name: str, params: Mapping[str, Any], objects: Mapping[str, str] | None = None) -> Any:
    """The `self` object of a module graph: `{"conv1.weight": w}` -> self.conv1.weight == w;
    `objects` (path -> class name) are created even when no parameter lies under them."""
    from tsjit.jit.values import to_runtime
    from tsjit.runtime import ScriptObject

    root = ScriptObject(class_name)
    for path, cls in sorted((objects or {}).items(), key=lambda kv: kv[0].count(".")):
        *owners, attr = path.split(".")
        obj = root
        for owner in owners:
            obj = obj.__dict__[owner]
        obj.__dict__.setdefault(attr, ScriptObject(cls))
    for path, value in params.items():
        *owners, attr = path.split(".")
        obj = root
        for owner in owners:
            if owner not in obj.__dict__:
                obj.__dict__[owner] = ScriptObject(f"{class_name}.{owner}")
            obj = obj.__dict__[owner]
        obj.__dict__[attr] = to_runtime(value)
    return root


def import_graph_function(text: str, filename: str = "<graph>", params: Mapping[str, Any] | None = None,
                          tensors: Mapping[str, np.ndarray] | None = None, backend: str = "numpy") -> GraphFunction:
    """`import_graph`, compiled for `backend` and callable; `params` fill a module graph's `%self`."""
    return GraphFunction(import_graph(text, filename, tensors=tensors), params, backend)


__all__ = ["ATEN", "GraphFunction", "GraphImportError", "GraphParseError", "build_module", "import_graph",
           "import_graph_function", "make_object", "parse_graph"]
