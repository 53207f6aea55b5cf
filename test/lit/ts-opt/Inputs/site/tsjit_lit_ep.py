"""A pass shipped by a (fake) installed distribution through the entry-point group
`tsjit.passes`: tags every func.func with a unit attribute."""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.passes import ModulePass


@dataclass(frozen=True)
class TagFuncsPass(ModulePass):
    name = "ep-tag-funcs"

    tag: str = "ep.visited"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        for f in op.walk():
            if isinstance(f, func.FuncOp):
                f.attributes[self.tag] = builtin.UnitAttr()
