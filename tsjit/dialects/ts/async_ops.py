"""prim::fork / aten::wait: run a region asynchronously, get a `!ts.future<T>`, wait for it.

    %fut = ts.fork -> !ts.future<!ts.tensor> {
      %r = ts.call_function @work(%x) : (!ts.tensor) -> !ts.tensor
      ts.yield %r : !ts.tensor
    }
    %r = ts.wait %fut : !ts.future<!ts.tensor>

The body captures values from above, so inlining can work inside it.
"""
from __future__ import annotations

from xdsl.ir import Attribute, Region, SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def, region_def, result_def
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.types import FutureType, is_subtype


@irdl_op_definition
class ForkOp(IRDLOperation):
    """prim::fork: starts its body asynchronously and gives a future of its result."""

    name = "ts.fork"
    future = result_def(FutureType)
    body = region_def("single_block")
    # no effect trait: the body runs concurrently, so the op is never moved or merged

    def __init__(self, result_type: Attribute, body: Region):
        super().__init__(result_types=[FutureType(result_type)], regions=[body])

    def verify_(self) -> None:
        term = self.body.block.last_op
        if term is None or term.name != "ts.yield" or len(term.operands) != 1:
            raise VerifyException("the fork body must end with ts.yield of exactly one value")
        if not is_subtype(term.operands[0].type, self.future.type.element_type):
            raise VerifyException(f"the fork body yields {term.operands[0].type}, "
                                  f"not {self.future.type.element_type}")

    @classmethod
    def parse(cls, parser: Parser) -> ForkOp:
        parser.parse_punctuation("->")
        future = parser.parse_type()
        if not isinstance(future, FutureType):
            parser.raise_error("ts.fork gives a !ts.future<T>")
        attrs = parser.parse_optional_attr_dict_with_keyword()
        op = cls(future.element_type, parser.parse_region())
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" -> ")
        printer.print_attribute(self.future.type)
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body)


@irdl_op_definition
class WaitOp(IRDLOperation):
    """aten::wait: blocks until the future's value is ready, then gives it."""

    name = "ts.wait"
    future = operand_def(FutureType)
    result = result_def()

    def __init__(self, future: SSAValue):
        super().__init__(operands=[future], result_types=[future.type.element_type])

    def verify_(self) -> None:
        if self.result.type != self.future.type.element_type:
            raise VerifyException(f"waiting on {self.future.type} gives {self.future.type.element_type}, "
                                  f"not {self.result.type}")

    @classmethod
    def parse(cls, parser: Parser) -> WaitOp:
        unresolved = parser.parse_unresolved_operand()
        parser.parse_punctuation(":")
        type = parser.parse_type()
        if not isinstance(type, FutureType):
            parser.raise_error("ts.wait takes a !ts.future<T>")
        op = cls(parser.resolve_operand(unresolved, type))
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.future)
        printer.print_string(" : ")
        printer.print_attribute(self.future.type)
        printer.print_op_attributes(self.attributes)
