"""Module structure: class types with typed attributes and methods, objects, attribute access, calls.

    ts.class_type module @__torch__.M {
      ts.attr "weight" : !ts.tensor parameter
      ts.attr "sub" : !ts.class<"__torch__.Sub">
      ts.method "forward" = @__torch__.M.forward
    }
    %m = ts.object "__torch__.M"("weight" = %w, "sub" = %s) : (!ts.tensor, !ts.class<"__torch__.Sub">)
    %w = ts.get_attr %self["weight"] : !ts.class<"__torch__.M"> -> !ts.tensor
    ts.set_attr %self["count"] = %n : !ts.class<"__torch__.M">, !ts.int
    %y = ts.call_method %self["forward"](%x) : (!ts.class<"__torch__.M">, !ts.tensor) -> !ts.tensor
    %z = ts.call_function @helper(%x) : (!ts.tensor) -> !ts.tensor
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ArrayAttr, StringAttr, SymbolRefAttr, UnitAttr
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasParent,
    MemoryAllocEffect,
    NoTerminator,
    SymbolOpInterface,
    SymbolTable,
)
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.schema import READS, WRITES
from tsjit.dialects.ts.types import ClassType, OptionalType, is_subtype


@irdl_op_definition
class ClassTypeOp(IRDLOperation):
    """The declaration of a TorchScript class (or, with `module`, an nn.Module type)."""

    name = "ts.class_type"
    sym_name = prop_def(StringAttr)
    is_module = opt_prop_def(UnitAttr)
    body = region_def("single_block")
    traits = traits_def(SymbolOpInterface(), NoTerminator())

    def __init__(self, name: str, body: Region, is_module: bool = False):
        props = {"sym_name": StringAttr(name)} | ({"is_module": UnitAttr()} if is_module else {})
        super().__init__(properties=props, regions=[body])

    @classmethod
    def parse(cls, parser: Parser) -> ClassTypeOp:
        is_module = parser.parse_optional_keyword("module") is not None
        name = parser.parse_symbol_name().data
        attrs = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region()
        if not body.blocks:
            body.add_block(Block())
        op = cls(name, body, is_module)
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" module" if self.is_module else "")
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body)

    def attribute_types(self) -> dict[str, Attribute]:
        return {op.attr_name.data: op.attr_type for op in self.body.block.ops if isinstance(op, AttrDeclOp)}

    def methods(self) -> dict[str, SymbolRefAttr]:
        return {op.method_name.data: op.function for op in self.body.block.ops if isinstance(op, MethodOp)}

    def verify_(self) -> None:
        seen: set[str] = set()
        for op in self.body.block.ops:
            if not isinstance(op, AttrDeclOp | MethodOp):
                raise VerifyException(f"a class type holds only ts.attr and ts.method, not {op.name}")
            key = op.attr_name.data if isinstance(op, AttrDeclOp) else op.method_name.data
            if key in seen:
                raise VerifyException(f"'{key}' is declared twice in class {self.sym_name.data}")
            seen.add(key)


@irdl_op_definition
class AttrDeclOp(IRDLOperation):
    """A typed attribute of a class; `parameter` and `buffer` mark module state as nn.Module does."""

    name = "ts.attr"
    attr_name = prop_def(StringAttr)
    attr_type = prop_def(TypeAttribute)
    parameter = opt_prop_def(UnitAttr)
    buffer = opt_prop_def(UnitAttr)
    traits = traits_def(HasParent(ClassTypeOp))
    assembly_format = "$attr_name `:` $attr_type (`parameter` $parameter^)? (`buffer` $buffer^)? attr-dict"


@irdl_op_definition
class MethodOp(IRDLOperation):
    """A method of a class, implemented by a func.func taking the object first."""

    name = "ts.method"
    method_name = prop_def(StringAttr)
    function = prop_def(SymbolRefAttr)
    traits = traits_def(HasParent(ClassTypeOp))
    assembly_format = "$method_name `=` $function attr-dict"


def lookup_class(op: Operation, type: Attribute) -> ClassTypeOp | None:
    if not isinstance(type, ClassType):
        return None
    found = SymbolTable.lookup_symbol(op, type.class_name.data)
    return found if isinstance(found, ClassTypeOp) else None


def fits(op: Operation, sub: Attribute, sup: Attribute) -> bool:
    """is_subtype, with TorchScript's interface rule: a class type is a subtype of an interface
    (a `ts.class_type` marked `interface`) whose methods it all has; classes are looked up from `op`."""
    from tsjit.dialects.ts.module_ir import INTERFACE

    if is_subtype(sub, sup):
        return True
    if isinstance(sup, OptionalType):
        return fits(op, sub, sup.element_type)
    if not isinstance(sub, ClassType) or not isinstance(sup, ClassType):
        return False
    interface, cls = lookup_class(op, sup), lookup_class(op, sub)
    return interface is not None and INTERFACE in interface.attributes and cls is not None and \
        set(interface.methods()) <= set(cls.methods())


def _check_attribute(op: Operation, obj: SSAValue, attr: str, value_type: Attribute, reading: bool) -> None:
    if not isinstance(obj.type, ClassType):
        raise VerifyException(f"attributes belong to objects (!ts.class), not {obj.type}")
    cls = lookup_class(op, obj.type)
    if cls is None:
        return  # the class may be declared in another module (e.g. before linking)
    declared = cls.attribute_types()
    if attr not in declared:
        raise VerifyException(f"class {cls.sym_name.data} has no attribute '{attr}'")
    ok = is_subtype(declared[attr], value_type) if reading else fits(op, value_type, declared[attr])
    if not ok:
        raise VerifyException(f"attribute '{attr}' has type {declared[attr]}, not {value_type}")


@irdl_op_definition
class ObjectOp(IRDLOperation):
    """An object with its attribute values: the state of a (scripted) module instance."""

    name = "ts.object"
    slot_names = prop_def(ArrayAttr[StringAttr])
    slots = var_operand_def()
    result = result_def(ClassType)
    traits = traits_def(MemoryAllocEffect())

    def __init__(self, class_name: str, slots: dict[str, SSAValue]):
        super().__init__(operands=[list(slots.values())], result_types=[ClassType(class_name)],
                         properties={"slot_names": ArrayAttr(StringAttr(n) for n in slots)})

    def slot_values(self) -> dict[str, SSAValue]:
        return {n.data: v for n, v in zip(self.slot_names.data, self.slots)}

    def verify_(self) -> None:
        names = [n.data for n in self.slot_names.data]
        if len(names) != len(self.slots) or len(set(names)) != len(names):
            raise VerifyException("an object needs one uniquely named value per slot")
        if cls := lookup_class(self, self.result.type):
            declared = cls.attribute_types()
            for name, value in self.slot_values().items():
                if name not in declared:
                    raise VerifyException(f"class {cls.sym_name.data} has no attribute '{name}'")
                if not fits(self, value.type, declared[name]):
                    raise VerifyException(f"slot '{name}' holds {value.type}, declared {declared[name]}")

    @classmethod
    def parse(cls, parser: Parser) -> ObjectOp:
        class_name = parser.parse_str_literal()

        def slot():
            name = parser.parse_str_literal()
            parser.parse_punctuation("=")
            return name, parser.parse_unresolved_operand()

        slots = parser.parse_comma_separated_list(parser.Delimiter.PAREN, slot)
        if len({n for n, _ in slots}) != len(slots):
            parser.raise_error("an object's slot names must be unique")
        types: Sequence[Attribute] = []
        if slots:
            parser.parse_punctuation(":")
            types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        if len(types) != len(slots):
            parser.raise_error(f"expected {len(slots)} slot types, got {len(types)}")
        values = {n: parser.resolve_operand(u, t) for (n, u), t in zip(slots, types)}
        op = cls(class_name, values)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_string_literal(self.result.type.class_name.data)
        printer.print_string("(")
        printer.print_list(self.slot_values().items(),
                           lambda kv: (printer.print_string_literal(kv[0]), printer.print_string(" = "),
                                       printer.print_operand(kv[1])))
        printer.print_string(")")
        if self.slots:
            printer.print_string(" : (")
            printer.print_list([v.type for v in self.slots], printer.print_attribute)
            printer.print_string(")")
        printer.print_op_attributes(self.attributes)


@irdl_op_definition
class CreateObjectOp(IRDLOperation):
    """prim::CreateObject: an object of a class whose attributes are set afterwards."""

    name = "ts.create_object"
    result = result_def(ClassType)
    traits = traits_def(MemoryAllocEffect())
    assembly_format = "attr-dict `:` type($result)"


@irdl_op_definition
class GetAttrOp(IRDLOperation):
    """prim::GetAttr: reads an attribute (parameter, buffer, submodule, ...) of an object."""

    name = "ts.get_attr"
    obj = operand_def()
    attr_name = prop_def(StringAttr)
    result = result_def()
    traits = traits_def(*READS)
    assembly_format = "$obj `[` $attr_name `]` attr-dict `:` type($obj) `->` type($result)"

    def verify_(self) -> None:
        _check_attribute(self, self.obj, self.attr_name.data, self.result.type, reading=True)


@irdl_op_definition
class SetAttrOp(IRDLOperation):
    """prim::SetAttr: writes an attribute of an object."""

    name = "ts.set_attr"
    obj = operand_def()
    attr_name = prop_def(StringAttr)
    value = operand_def()
    traits = traits_def(*WRITES)
    assembly_format = "$obj `[` $attr_name `]` `=` $value attr-dict `:` type($obj) `,` type($value)"

    def verify_(self) -> None:
        _check_attribute(self, self.obj, self.attr_name.data, self.value.type, reading=False)


@irdl_op_definition
class CallMethodOp(IRDLOperation):
    """prim::CallMethod: calls a method of the object (its first operand)."""

    name = "ts.call_method"
    obj = operand_def(ClassType)
    method_name = prop_def(StringAttr)
    args = var_operand_def()
    res = var_result_def()
    assembly_format = "$obj `[` $method_name `]` `(` $args `)` attr-dict `:` functional-type(operands, results)"

    def verify_(self) -> None:
        cls = lookup_class(self, self.obj.type)
        if cls is not None and self.method_name.data not in cls.methods():
            raise VerifyException(f"class {cls.sym_name.data} has no method '{self.method_name.data}'")


@irdl_op_definition
class CallFunctionOp(IRDLOperation):
    """prim::CallFunction of a func.func in the same module."""

    name = "ts.call_function"
    callee = prop_def(SymbolRefAttr)
    args = var_operand_def()
    res = var_result_def()
    assembly_format = "$callee `(` $args `)` attr-dict `:` functional-type($args, $res)"

    def verify_(self) -> None:
        fn = SymbolTable.lookup_symbol(self, self.callee)
        if fn is None:
            raise VerifyException(f"'{self.callee.string_value()}' does not name a function of this module")
        ftype = getattr(fn, "function_type", None)
        if ftype is None:
            raise VerifyException(f"'{self.callee.string_value()}' is a {fn.name}, not a function")
        if len(ftype.inputs.data) != len(self.args) or len(ftype.outputs.data) != len(self.res):
            raise VerifyException(f"'{self.callee.string_value()}' has type {ftype}, called with "
                                  f"{len(self.args)} arguments and {len(self.res)} results")
        for i, (a, p) in enumerate(zip(self.args, ftype.inputs.data)):
            if not is_subtype(a.type, p):
                raise VerifyException(f"argument #{i} has type {a.type}, the function takes {p}")
        for i, (r, p) in enumerate(zip(self.res, ftype.outputs.data)):
            if not is_subtype(p, r.type):
                raise VerifyException(f"result #{i} has type {r.type}, the function returns {p}")
