"""TorchScript's printed IR (text) -> graph_model.Graph, with the grammar in grammar.lark.

    graph = parse_graph(str(torch.jit.script(f).graph), filename="f.txt")

Types stay TorchScript strings (torch_types.py reads them); attribute values become Python values:
ints, floats, strings, lists, tuples, dicts, and tensor constants as numpy arrays (from the values
PyTorch printed, which it rounds to 4 digits; `<Tensor>`, a tensor too large to print, is None).
`# file.py:9:10` comments become node locations. A syntax error is a GraphParseError naming
file:line:col, with the line and a caret.
"""
from __future__ import annotations

import ast
import math
import re
from functools import cache
from importlib import resources
import numpy as np
from lark import Lark, Token, Transformer, UnexpectedInput, v_args

from tsjit.dtypes import numpy_named
from tsjit.frontend.importers.graph_model import Block, Graph, Location, Node, Value


class GraphParseError(SyntaxError):
    """A TorchScript graph that does not parse: `file:line:col: message`, the line, and a caret."""


@cache
def _parser() -> Lark:
    grammar = resources.files("tsjit.frontend.importers").joinpath("grammar.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=False, maybe_placeholders=True)


def parse_graph(text: str, filename: str = "<graph>") -> Graph:
    """Parse one printed graph (and any `with X = graph(...)` subgraphs, attached to their nodes)."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as e:
        raise GraphParseError(_message(text, filename, e)) from None
    main, subgraphs = _ToModel().transform(tree)
    if subgraphs:
        _attach_subgraphs(main, dict(subgraphs))
    return main


def _message(text: str, filename: str, e: UnexpectedInput) -> str:
    line, column = getattr(e, "line", 1) or 1, getattr(e, "column", 1) or 1
    source = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    token = getattr(e, "token", None)
    if token is not None and token.type == "$END":
        what = "unexpected end of the graph"
    elif token is not None:
        what = f"unexpected {str(token)!r}"
    else:
        what = f"unexpected character {getattr(e, 'char', '?')!r}"
    expected = sorted(getattr(e, "expected", None) or getattr(e, "allowed", None) or ())
    hint = f" (expected one of: {', '.join(expected[:8])})" if expected else ""
    return f"{filename}:{line}:{column}: error: {what}{hint}\n{source}\n{' ' * (column - 1)}^"


_LOCATION = re.compile(r"#\s*(?P<file>.*):(?P<line>\d+):(?P<col>\d+)\s*$")


def _location(comment: str | None) -> Location | None:
    m = _LOCATION.match(comment) if comment else None
    return Location(m.group("file").strip(), int(m.group("line")), int(m.group("col"))) if m else None


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text)


#: PyTorch's printed tensor type names -> numpy dtypes (`[ CPUFloatType{2,2} ]`).
_PRINTED_DTYPES = {"Float": np.float32, "Double": np.float64, "Long": np.int64, "Int": np.int32,
                   "Short": np.int16, "Char": np.int8, "Byte": np.uint8, "Bool": np.bool_, "Half": np.float16,
                   "BFloat16": "bfloat16"}


def _printed_tensor(numbers: list[str], tail: str) -> np.ndarray:
    """` 0.01 * 1 2 [ CPUFloatType{2} ]`: values (times a printed scale factor), dtype and shape."""
    m = re.fullmatch(r"\[\s*(?:CPU|CUDA|MPS)?(?P<dtype>\w+?)Type\{(?P<dims>[\d,\s]*)\}\s*\]", tail)
    dtype = _PRINTED_DTYPES.get(m.group("dtype"), np.float32) if m else np.float32
    dtype = numpy_named(dtype) if isinstance(dtype, str) else dtype
    dims = tuple(int(d) for d in m.group("dims").split(",") if d.strip()) if m else (len(numbers),)
    scale = 1.0
    if "*" in numbers:
        i = numbers.index("*")
        scale, numbers = float(numbers[i - 1]), numbers[:i - 1] + numbers[i + 1:]
    values = np.array([float(n) * scale for n in numbers], dtype=np.float64)
    return values.astype(dtype).reshape(dims)


@v_args(inline=True)
class _ToModel(Transformer):
    """Parse tree -> graph_model objects (types as the printed strings)."""

    def start(self, main, *subgraphs):
        return main, list(subgraphs)

    def graph(self, *items):
        params, nodes, returns = _split(items)
        return Graph(inputs=params, nodes=nodes, returns=returns)

    def subgraph(self, kind, graph):
        return str(kind), graph

    def block(self, _name, *items):
        params, nodes, returns = _split(items)
        return Block(inputs=params, nodes=nodes, returns=returns)

    def param(self, name, type_):
        return Value(str(name)[1:], type_)

    output = param

    def node(self, *items):
        items = [i for i in items if i is not None]
        i = 0
        outputs = []
        while isinstance(items[i], Value):
            outputs.append(items[i])
            i += 1
        kind = str(items[i])
        i += 1
        attributes = items[i] if i < len(items) and isinstance(items[i], dict) else {}
        i += isinstance(items[i] if i < len(items) else None, dict)
        inputs, comment, blocks = [], None, []
        for item in items[i:]:
            if isinstance(item, Token) and item.type == "VALUE":
                inputs.append(str(item)[1:])
            elif isinstance(item, Token) and item.type == "COMMENT":
                comment = str(item)
            elif isinstance(item, Block):
                blocks.append(item)
        return Node(kind=kind, inputs=inputs, outputs=outputs, attributes=attributes, blocks=blocks,
                    location=_location(comment))

    def attributes(self, *pairs):
        return dict(p for p in pairs if p is not None)

    def attribute(self, name, value):
        return str(name), value

    # attribute values
    def number(self, tok):
        return _number(str(tok))

    def special_float(self, tok):
        value = math.inf if str(tok).lstrip("-") == "inf" else math.nan
        return -value if str(tok).startswith("-") else value

    def string(self, tok):
        return ast.literal_eval(str(tok))

    def name(self, tok):
        return {"True": True, "False": False, "None": None}.get(str(tok), str(tok))

    def list(self, *items):
        return [i for i in items if i is not None] if items != (None,) else []

    def empty_list(self):
        return []

    def tuple(self, *items):
        return tuple(i for i in items if i is not None) if items != (None,) else ()

    def dict(self, *items):
        return dict(i for i in items if i is not None)

    def dict_item(self, k, v):
        return k, v

    def scalar_tensor(self, tok):
        return np.array(_number(str(tok)))

    def printed_tensor(self, *toks):
        return _printed_tensor([str(t) for t in toks[:-1]], str(toks[-1]))

    def opaque_tensor(self):
        return None

    def opaque(self, name):
        return None

    # types: back to the printed string, normalised
    def named_type(self, name):
        return str(name)

    def optional_type(self, t):
        return f"{t}?"

    def list_type(self, t):
        return f"{t}[]"

    def applied_type(self, name, *args):
        return f"{name}({', '.join(a for a in args if a is not None)})"

    def subscript_type(self, name, *args):
        return f"{name}[{', '.join(args)}]"

    def tuple_type(self, *args):
        return f"({', '.join(a for a in args if a is not None)})"

    def dim(self, tok):
        return str(tok)

    def unknown_dim(self, _star):
        return "*"

    def option(self, name, value):
        return f"{name}={value}"

    def int_list(self, *toks):
        return "[" + ", ".join(str(t) for t in toks if t is not None) + "]"

    def device(self, name, index=None):
        return str(name) if index is None else f"{name}:{index}"


def _split(items) -> tuple[list[Value], list[Node], list[str]]:
    params = [i for i in items if isinstance(i, Value)]
    nodes = [i for i in items if isinstance(i, Node)]
    returns = [str(i)[1:] for i in items if isinstance(i, Token) and i.type == "VALUE"]
    return params, nodes, returns


def _attach_subgraphs(graph: Block, subgraphs: dict[str, Graph]) -> None:
    """`with prim::FusionGroup_0 = graph(...)`: the node of that kind gets it as attribute `Subgraph`."""
    for node in graph.nodes:
        if node.kind in subgraphs and "Subgraph" not in node.attributes:
            node.attributes["Subgraph"] = subgraphs[node.kind]
            _attach_subgraphs(subgraphs[node.kind], subgraphs)
        for b in node.blocks:
            _attach_subgraphs(b, subgraphs)


__all__ = ["GraphParseError", "parse_graph"]
