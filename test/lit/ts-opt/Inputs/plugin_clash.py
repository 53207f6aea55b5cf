"""A pass plugin whose pass name clashes with an upstream xDSL pass."""
from dataclasses import dataclass

from xdsl.passes import ModulePass


@dataclass(frozen=True)
class MyCSE(ModulePass):
    name = "cse"

    def apply(self, ctx, op) -> None:
        pass
