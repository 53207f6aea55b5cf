"""A TorchScript graph as plain data: what the text parser (`parse.py`) and the live-PyTorch reader
(`from_torch.py`) both produce, and what the builder turns into `ts` IR.

Names are TorchScript's value names without the `%` (`x.1`, `self`); types are TorchScript type
strings exactly as printed (`Tensor`, `int[]`, `Tensor?`, `Float(3, 4, strides=[4, 1], ...)`,
`__torch__.M`); attributes are Python values (`prim::Constant[value=...]` gives `value`; a tensor
constant is a numpy array, or None when a printed graph only shows `<Tensor>`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a node came from: TorchScript's `# file.py:9:10` comment."""

    file: str
    line: int
    column: int


@dataclass
class Value:
    name: str
    type: str = "Tensor"


@dataclass
class Block:
    """A graph body or a prim::If/prim::Loop block: `block0(%i : int, ...):` ... `-> (%a, %b)`."""

    inputs: list[Value] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)


@dataclass
class Node:
    kind: str                                     # "aten::add", "prim::Constant", "prim::If", ...
    inputs: list[str] = field(default_factory=list)
    outputs: list[Value] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    location: Location | None = None


@dataclass
class Graph(Block):
    """`graph(%x : Tensor, ...):` ... `return (...)`."""
