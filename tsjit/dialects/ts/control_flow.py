"""Structured control flow as TorchScript has it: prim::If and prim::Loop.

    %r = ts.if %cond -> (!ts.tensor) {
      ts.yield %a : !ts.tensor
    } else {
      ts.yield %b : !ts.tensor
    }

    %acc = ts.loop %max_trip, %start_cond iter(%i, %x = %x0) : (!ts.tensor) {
      ...
      ts.condition %again, %x1 : !ts.tensor
    }

A loop runs while `iteration < max_trip` and the last condition is true; its block takes the
iteration number and the carried values and yields the next condition and carried values.
`while` loops use max_trip = INT64_MAX; `for i in range(n)` uses a constant-true condition.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import HasParent, IsTerminator, Pure, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.types import BoolType, IntType, is_subtype


def _print_values_with_types(printer: Printer, values: Sequence[SSAValue]) -> None:
    if values:
        printer.print_string(" ")
        printer.print_list(values, printer.print_operand)
        printer.print_string(" : ")
        printer.print_list([v.type for v in values], printer.print_attribute)


def _parse_values_with_types(parser: Parser) -> list[SSAValue]:
    unresolved = parser.parse_optional_undelimited_comma_separated_list(
        parser.parse_optional_unresolved_operand, parser.parse_unresolved_operand) or []
    if not unresolved:
        return []
    parser.parse_punctuation(":")
    types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
    if len(types) != len(unresolved):
        parser.raise_error(f"expected {len(unresolved)} types, got {len(types)}")
    return [parser.resolve_operand(u, t) for u, t in zip(unresolved, types)]


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Ends a `ts.if` branch (or a `ts.fork` body), giving its results."""

    name = "ts.yield"
    values = var_operand_def()
    traits = lazy_traits_def(lambda: (IsTerminator(), Pure(), HasParent(IfOp, ForkOp)))

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[values])

    @classmethod
    def parse(cls, parser: Parser) -> YieldOp:
        return cls(*_parse_values_with_types(parser))

    def print(self, printer: Printer) -> None:
        _print_values_with_types(printer, self.values)


@irdl_op_definition
class ConditionOp(IRDLOperation):
    """Ends a `ts.loop` body: whether to run again, and the next carried values."""

    name = "ts.condition"
    cond = operand_def(BoolType)
    values = var_operand_def()
    traits = lazy_traits_def(lambda: (IsTerminator(), Pure(), HasParent(LoopOp)))

    def __init__(self, cond: SSAValue, *values: SSAValue):
        super().__init__(operands=[cond, values])

    @classmethod
    def parse(cls, parser: Parser) -> ConditionOp:
        cond = parser.resolve_operand(parser.parse_unresolved_operand(), BoolType())
        values = []
        if parser.parse_optional_punctuation(",") is not None:
            values = _parse_values_with_types(parser)
        return cls(cond, *values)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.cond)
        if self.values:
            printer.print_string(",")
            _print_values_with_types(printer, self.values)


def _check_yield(block: Block, results: Sequence[SSAValue], where: str, offset: int = 0) -> None:
    term = block.last_op
    if term is None:
        raise VerifyException(f"{where} must end with a terminator")
    yielded = list(term.operands)[offset:]
    if len(yielded) != len(results):
        raise VerifyException(f"{where} yields {len(yielded)} values but the op has {len(results)} results")
    for i, (y, r) in enumerate(zip(yielded, results)):
        if not is_subtype(y.type, r.type):
            raise VerifyException(f"{where} yields {y.type} for result #{i} of type {r.type}")


@irdl_op_definition
class IfOp(IRDLOperation):
    """prim::If: two branches, each yielding the op's results."""

    name = "ts.if"
    cond = operand_def(BoolType)
    output = var_result_def()
    then_region = region_def("single_block")
    else_region = region_def("single_block")
    traits = traits_def(RecursiveMemoryEffect())

    def __init__(self, cond: SSAValue, result_types: Sequence[Attribute], then_region: Region,
                 else_region: Region):
        super().__init__(operands=[cond], result_types=[result_types], regions=[then_region, else_region])

    def verify_(self) -> None:
        _check_yield(self.then_region.block, self.output, "the then branch")
        _check_yield(self.else_region.block, self.output, "the else branch")

    @classmethod
    def parse(cls, parser: Parser) -> IfOp:
        cond = parser.resolve_operand(parser.parse_unresolved_operand(), BoolType())
        types: list[Attribute] = []
        if parser.parse_optional_punctuation("->") is not None:
            types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        attrs = parser.parse_optional_attr_dict_with_keyword()
        then_region = parser.parse_region()
        parser.parse_keyword("else")
        else_region = parser.parse_region()
        op = cls(cond, types, then_region, else_region)
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.cond)
        if self.output:
            printer.print_string(" -> (")
            printer.print_list([r.type for r in self.output], printer.print_attribute)
            printer.print_string(")")
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.then_region)
        printer.print_string(" else ")
        printer.print_region(self.else_region)


@irdl_op_definition
class LoopOp(IRDLOperation):
    """prim::Loop(max_trip, cond, carried...): block args (iteration, carried...)."""

    name = "ts.loop"
    max_trip_count = operand_def(IntType)
    start_cond = operand_def(BoolType)
    init = var_operand_def()
    output = var_result_def()
    body = region_def("single_block")
    traits = traits_def(RecursiveMemoryEffect())

    def __init__(self, max_trip_count: SSAValue, start_cond: SSAValue, init: Sequence[SSAValue], body: Region):
        super().__init__(operands=[max_trip_count, start_cond, init], result_types=[[v.type for v in init]],
                         regions=[body])

    def verify_(self) -> None:
        block = self.body.block
        if len(block.args) != len(self.init) + 1 or not isinstance(block.args[0].type, IntType):
            raise VerifyException("the loop body takes the iteration number (!ts.int) and one value per carried value")
        for i, (arg, init, res) in enumerate(zip(block.args[1:], self.init, self.output)):
            if arg.type != res.type or not is_subtype(init.type, res.type):
                raise VerifyException(f"carried value #{i} has inconsistent types: initial {init.type}, "
                                      f"block argument {arg.type}, result {res.type}")
        if not isinstance(block.last_op, ConditionOp):
            raise VerifyException("the loop body must end with ts.condition")
        _check_yield(block, self.output, "the loop body", offset=1)

    @classmethod
    def parse(cls, parser: Parser) -> LoopOp:
        trip = parser.resolve_operand(parser.parse_unresolved_operand(), IntType())
        parser.parse_punctuation(",")
        cond = parser.resolve_operand(parser.parse_unresolved_operand(), BoolType())
        parser.parse_keyword("iter")
        parser.parse_punctuation("(")
        names = [parser.parse_argument(expect_type=False)]
        inits: list[UnresolvedOperand] = []
        while parser.parse_optional_punctuation(",") is not None:
            names.append(parser.parse_argument(expect_type=False))
            parser.parse_punctuation("=")
            inits.append(parser.parse_unresolved_operand())
        parser.parse_punctuation(")")
        types: list[Attribute] = []
        if parser.parse_optional_punctuation(":") is not None:
            types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        if len(types) != len(inits):
            parser.raise_error(f"expected {len(inits)} carried types, got {len(types)}")
        init_values = [parser.resolve_operand(u, t) for u, t in zip(inits, types)]
        args = [names[0].resolve(IntType())] + [n.resolve(t) for n, t in zip(names[1:], types)]
        attrs = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region(args)
        op = cls(trip, cond, init_values, body)
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        block = self.body.block
        printer.print_string(" ")
        printer.print_list([self.max_trip_count, self.start_cond], printer.print_operand)
        printer.print_string(" iter(")
        printer.print_operand(block.args[0])
        for arg, init in zip(block.args[1:], self.init):
            printer.print_string(", ")
            printer.print_operand(arg)
            printer.print_string(" = ")
            printer.print_operand(init)
        printer.print_string(")")
        if self.init:
            printer.print_string(" : (")
            printer.print_list([v.type for v in self.output], printer.print_attribute)
            printer.print_string(")")
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)


from tsjit.dialects.ts.async_ops import ForkOp  # noqa: E402  (yield may end a fork body)
