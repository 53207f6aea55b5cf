"""`ts.fusion_group`: a subgraph that is compiled as one kernel (TorchScript's prim::TensorExprGroup).

    %r = ts.fusion_group (%a = %x, %b = %y) : (!ts.tensor, !ts.tensor) -> (!ts.tensor) {
      %0 = ts.mul %a, %b : (!ts.tensor, !ts.tensor) -> !ts.tensor
      %1 = ts.relu %0 : (!ts.tensor) -> !ts.tensor
      ts.fusion_yield %1 : !ts.tensor
    }

The region is isolated from above: its block takes one argument per operand (the group's
inputs), constants are cloned into it, and `ts.fusion_yield` gives the op's results (the
group's outputs). The `ts-fusion-groups` pass builds these; the numpy backend compiles the
body with the C backend for the shapes it meets at run time (tsjit/jit/fusion_kernels.py).
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Attribute, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import HasParent, IsolatedFromAbove, IsTerminator, Pure, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.types import is_subtype


@irdl_op_definition
class FusionGroupOp(IRDLOperation):
    """A fused subgraph: inputs are operands (block arguments inside), outputs are results."""

    name = "ts.fusion_group"
    inputs = var_operand_def()
    outputs = var_result_def()
    body = region_def("single_block")
    traits = traits_def(IsolatedFromAbove(), RecursiveMemoryEffect())

    def __init__(self, inputs: Sequence[SSAValue], result_types: Sequence[Attribute], body: Region):
        super().__init__(operands=[inputs], result_types=[result_types], regions=[body])

    def verify_(self) -> None:
        block = self.body.block
        if [a.type for a in block.args] != [v.type for v in self.inputs]:
            raise VerifyException("the fusion group body takes one argument per input, of the input's type")
        term = block.last_op
        if not isinstance(term, FusionYieldOp) or len(term.operands) != len(self.outputs):
            raise VerifyException("the fusion group body must end with ts.fusion_yield of one value per result")
        for i, (y, r) in enumerate(zip(term.operands, self.outputs)):
            if not is_subtype(y.type, r.type):
                raise VerifyException(f"the fusion group yields {y.type} for result #{i} of type {r.type}")

    @classmethod
    def parse(cls, parser: Parser) -> FusionGroupOp:
        names, inputs = [], []
        parser.parse_punctuation("(")
        if parser.parse_optional_punctuation(")") is None:
            while True:
                names.append(parser.parse_argument(expect_type=False))
                parser.parse_punctuation("=")
                inputs.append(parser.parse_unresolved_operand())
                if parser.parse_optional_punctuation(",") is None:
                    break
            parser.parse_punctuation(")")
        parser.parse_punctuation(":")
        in_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        parser.parse_punctuation("->")
        out_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        if len(in_types) != len(inputs):
            parser.raise_error(f"expected {len(inputs)} input types, got {len(in_types)}")
        values = [parser.resolve_operand(u, t) for u, t in zip(inputs, in_types)]
        attrs = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region([n.resolve(t) for n, t in zip(names, in_types)])
        op = cls(values, out_types, body)
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" (")
        for i, (arg, value) in enumerate(zip(self.body.block.args, self.inputs)):
            if i:
                printer.print_string(", ")
            printer.print_operand(arg)
            printer.print_string(" = ")
            printer.print_operand(value)
        printer.print_string(") : (")
        printer.print_list([v.type for v in self.inputs], printer.print_attribute)
        printer.print_string(") -> (")
        printer.print_list([r.type for r in self.outputs], printer.print_attribute)
        printer.print_string(")")
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)


@irdl_op_definition
class FusionYieldOp(IRDLOperation):
    """Ends a fusion group's body, giving its outputs."""

    name = "ts.fusion_yield"
    values = var_operand_def()
    traits = lazy_traits_def(lambda: (IsTerminator(), Pure(), HasParent(FusionGroupOp)))

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[values])

    @classmethod
    def parse(cls, parser: Parser) -> FusionYieldOp:
        unresolved = parser.parse_optional_undelimited_comma_separated_list(
            parser.parse_optional_unresolved_operand, parser.parse_unresolved_operand) or []
        if not unresolved:
            return cls()
        parser.parse_punctuation(":")
        types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
        if len(types) != len(unresolved):
            parser.raise_error(f"expected {len(unresolved)} types, got {len(types)}")
        return cls(*[parser.resolve_operand(u, t) for u, t in zip(unresolved, types)])

    def print(self, printer: Printer) -> None:
        if self.values:
            printer.print_string(" ")
            printer.print_list(self.values, printer.print_operand)
            printer.print_string(" : ")
            printer.print_list([v.type for v in self.values], printer.print_attribute)


FUSION_OPS = [FusionGroupOp, FusionYieldOp]
