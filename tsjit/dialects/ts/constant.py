"""`ts.constant`: prim::Constant for every value TorchScript can hold as a constant.

    %i = ts.constant 3                                 // !ts.int
    %f = ts.constant 2.5                               // !ts.float
    %b = ts.constant true                              // !ts.bool
    %s = ts.constant "relu"                            // !ts.str
    %n = ts.constant none                              // !ts.none
    %d = ts.constant device "cpu"                      // !ts.device
    %e = ts.constant #ts.enum<"__torch__.Color", "RED", 1>  // !ts.class<"__torch__.Color">
    %l = ts.constant [1, 2] : !ts.list<!ts.int>
    %t = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> // !ts.tensor<[2], f32>
    %u = ts.constant dense<[1.0, 2.0]> : tensor<2xf32> as !ts.tensor  // typed less precisely

Tensors are dense elements (printed as hex blobs when large); the result type follows
from the value, so the text carries the type only where it cannot be inferred. A tensor may
also be a `dense_resource<handle> : tensor<...>` whose bytes live outside the text (a saved
archive keeps its weights that way, see tsjit/jit/serialization.py); its value is unknown
until the blob is swapped back in, so it does not fold.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    ArrayAttr,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    UnitAttr,
    StringAttr,
    TensorType as BuiltinTensorType,
    f64,
    i1,
    i64,
)
from xdsl.ir import Attribute, Data, ParametrizedAttribute
from xdsl.irdl import IRDLOperation, irdl_attr_definition, irdl_op_definition, prop_def, result_def, traits_def
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.interfaces import HasFolderInterface
from xdsl.utils.exceptions import VerifyException

from tsjit.dialects.ts.folding import NotConstant
from tsjit.dialects.ts.types import (
    DTYPES,
    BoolType,
    ClassType,
    DeviceType,
    FloatType,
    IntType,
    ListType,
    NoneType,
    OptionalType,
    StrType,
    TensorType,
    is_subtype,
)
from tsjit.dtypes import numpy_named
from tsjit.runtime import EnumObject


@irdl_attr_definition
class DeviceAttr(Data[str]):
    """A torch.device value, e.g. `#ts.device<"cpu">`."""

    name = "ts.device"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> str:
        with parser.in_angle_brackets():
            return parser.parse_str_literal()

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.data)


@irdl_attr_definition
class EnumMemberAttr(ParametrizedAttribute):
    """A member of an Enum class, `#ts.enum<"__torch__.Color", "RED", 1>`: its class, name and value
    (an int, float or str constant). At run time it is a `tsjit.runtime.EnumObject`."""

    name = "ts.enum"
    class_name: StringAttr
    member: StringAttr
    value: Attribute

    def __init__(self, class_name: str, member: str, value: Attribute):
        super().__init__(StringAttr(class_name), StringAttr(member), value)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> tuple[Attribute, ...]:
        with parser.in_angle_brackets():
            class_name = parser.parse_str_literal()
            parser.parse_punctuation(",")
            member = parser.parse_str_literal()
            parser.parse_punctuation(",")
            start = parser.pos
            value = _parse_value(parser)
            if not isinstance(value, IntegerAttr | FloatAttr | StringAttr):
                parser.raise_error("an enum member's value is an int, a float or a string", start, parser.pos)
        return StringAttr(class_name), StringAttr(member), value

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.class_name.data)
            printer.print_string(", ")
            printer.print_string_literal(self.member.data)
            printer.print_string(", ")
            _print_value(printer, self.value)


def type_of_value(value: Attribute) -> Attribute | None:
    """The ts type a constant value has, where the value alone decides it."""
    match value:
        case IntegerAttr(type=IntegerType(width=w)) if w.data == 1:
            return BoolType()
        case IntegerAttr():
            return IntType()
        case FloatAttr():
            return FloatType()
        case StringAttr():
            return StrType()
        case UnitAttr():
            return NoneType()
        case DeviceAttr():
            return DeviceType()
        case EnumMemberAttr():
            return ClassType(value.class_name)
        case DenseIntOrFPElementsAttr():
            return TensorType(value.get_shape(), value.get_element_type())
        case DenseResourceAttr(type=BuiltinTensorType() as t):
            return TensorType(t.get_shape(), t.get_element_type())
    return None


class UnresolvedResourceError(NotConstant, ValueError):
    """A `dense_resource` constant whose blob has not been swapped back in (so it never folds)."""


def _value_fits(value: Attribute, type: Attribute) -> bool:
    if isinstance(type, ListType):
        return isinstance(value, ArrayAttr) and all(_value_fits(v, type.element_type) for v in value.data)
    if isinstance(type, TensorType):  # a tensor constant may be typed less precisely than its value
        inferred = type_of_value(value)
        return isinstance(inferred, TensorType) and is_subtype(inferred, type)
    if isinstance(type, OptionalType):  # None, or a value of the element type, typed Optional[T]
        return isinstance(value, UnitAttr) or _value_fits(value, type.element_type)
    return type_of_value(value) == type


# -- Python values <-> attributes, used by folding and by the frontends --------------------------

def to_python(value: Attribute) -> Any:
    """The Python value of a constant: int/float/bool/str/None, list, or numpy array for tensors."""
    match value:
        case IntegerAttr(type=IntegerType(width=w)) if w.data == 1:
            return bool(value.value.data)
        case IntegerAttr():
            return value.value.data
        case FloatAttr():
            return value.value.data
        case StringAttr():
            return value.data
        case UnitAttr():
            return None
        case DeviceAttr():
            return value
        case EnumMemberAttr():
            return EnumObject(value.class_name.data, value.member.data, to_python(value.value))
        case ArrayAttr():
            return [to_python(v) for v in value.data]
        case DenseIntOrFPElementsAttr():
            return dense_to_numpy(value)
        case DenseResourceAttr():
            raise UnresolvedResourceError(f"tensor constant {value} refers to a blob outside the IR text; "
                                          "load the archive with tsjit.load to resolve it")
    raise ValueError(f"not a constant value: {value}")


def from_python(value: Any, ts_type: Attribute | None = None) -> Attribute:
    """The attribute for a Python constant (bool before int: bool is an int in Python)."""
    if isinstance(value, bool | np.bool_):
        return IntegerAttr(int(value), i1)
    if isinstance(value, int | np.integer):
        return IntegerAttr(int(value), i64)
    if isinstance(value, float | np.floating):
        return FloatAttr(float(value), f64)
    if isinstance(value, str):
        return StringAttr(value)
    if value is None:
        return UnitAttr()
    if isinstance(value, DeviceAttr):
        return value
    if isinstance(value, EnumObject):
        return EnumMemberAttr(value._class_name, value.name, from_python(value.value))
    if isinstance(value, np.ndarray):
        return numpy_to_dense(value)
    if isinstance(value, list | tuple):
        elt = ts_type.element_type if isinstance(ts_type, ListType) else None
        return ArrayAttr(from_python(v, elt) for v in value)
    raise ValueError(f"cannot make a constant of {type(value).__name__}")


def numpy_dtype(dtype: Attribute) -> np.dtype:
    for name, t in DTYPES.items():
        if t == dtype:
            return numpy_named(name)
    raise ValueError(f"no numpy dtype for {dtype}")


def numpy_to_dense(array: np.ndarray) -> DenseIntOrFPElementsAttr:
    array = np.ascontiguousarray(array).reshape(np.shape(array))  # keeps 0-d arrays 0-d
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    elt = DTYPES.get(array.dtype.name)
    if elt is None:
        raise ValueError(f"unsupported tensor dtype {array.dtype}")
    data = (array.astype(np.uint8) * 0xFF).tobytes() if array.dtype == np.bool_ else array.tobytes()
    return DenseIntOrFPElementsAttr(BuiltinTensorType(elt, array.shape), BytesAttr(data))


def dense_to_numpy(value: DenseIntOrFPElementsAttr) -> np.ndarray:
    elt = value.get_element_type()
    shape = value.get_shape()
    if elt == i1:
        return (np.frombuffer(value.data.data, dtype=np.uint8) != 0).reshape(shape)
    dt = numpy_dtype(elt)
    if len(value.data.data) == dt.itemsize and math.prod(shape) != 1:  # splat stored once
        return np.full(shape, np.frombuffer(value.data.data, dtype=dt)[0])
    return np.frombuffer(value.data.data, dtype=dt).reshape(shape).copy()


@irdl_op_definition
class ConstantOp(IRDLOperation, HasFolderInterface):
    """prim::Constant: a value known at compile time (see the module docstring for the syntax)."""

    name = "ts.constant"
    value = prop_def(Attribute)
    result = result_def()
    traits = traits_def(ConstantLike(), Pure())

    def __init__(self, value: Attribute, type: Attribute | None = None):
        result_type = type or type_of_value(value)
        if result_type is None:
            raise ValueError(f"the type of constant {value} must be given")
        super().__init__(properties={"value": value}, result_types=[result_type])

    @staticmethod
    def of(value: Any, type: Attribute | None = None) -> ConstantOp:
        """`ts.constant` from a Python value (numpy arrays become tensors)."""
        return ConstantOp(from_python(value, type), type)

    @property
    def py_value(self) -> Any:
        return to_python(self.value)

    def fold(self):
        return (self.value,)

    def verify_(self) -> None:
        if not _value_fits(self.value, self.result.type):
            raise VerifyException(f"constant value {self.value} does not have type {self.result.type}")

    @classmethod
    def parse(cls, parser: Parser) -> ConstantOp:
        value = _parse_value(parser)
        type = None
        if isinstance(value, ArrayAttr):
            parser.parse_punctuation(":")
            type = parser.parse_type()
        elif parser.parse_optional_keyword("as") is not None:
            type = parser.parse_type()
        attrs = parser.parse_optional_attr_dict()
        op = cls(value, type)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        _print_value(printer, self.value)
        if isinstance(self.value, ArrayAttr):
            printer.print_string(" : ")
            printer.print_attribute(self.result.type)
        elif self.result.type != type_of_value(self.value):
            printer.print_string(" as ")
            printer.print_attribute(self.result.type)
        printer.print_op_attributes(self.attributes)


def _parse_value(parser: Parser) -> Attribute:
    if parser.parse_optional_keyword("none") is not None:
        return UnitAttr()
    if parser.parse_optional_keyword("device") is not None:
        return DeviceAttr(parser.parse_str_literal())
    if (b := parser.parse_optional_boolean()) is not None:
        return IntegerAttr(int(b), i1)
    if (s := parser.parse_optional_str_literal()) is not None:
        return StringAttr(s)
    if parser.parse_optional_punctuation("[") is not None:
        items: list[Attribute] = []
        if parser.parse_optional_punctuation("]") is None:
            items.append(_parse_value(parser))
            while parser.parse_optional_punctuation(",") is not None:
                items.append(_parse_value(parser))
            parser.parse_punctuation("]")
        return ArrayAttr(items)
    negative = parser.parse_optional_punctuation("-") is not None
    for word, special in (("inf", math.inf), ("nan", math.nan)):
        if parser.parse_optional_keyword(word) is not None:
            return FloatAttr(-special if negative else special, f64)
    if negative:
        number = parser.parse_number()
        number = -number
    else:
        number = parser.parse_optional_number()
    if isinstance(number, int) and not -(2**63) <= number < 2**63:
        parser.raise_error(f"integer {number} does not fit in 64 bits (!ts.int)")
    if number is not None:
        return FloatAttr(number, f64) if isinstance(number, float) else IntegerAttr(number, i64)
    start = parser.pos
    attr = parser.parse_attribute()
    if isinstance(attr, DenseResourceAttr) and not isinstance(attr.type, BuiltinTensorType):
        parser.raise_error(f"a dense_resource constant must have a tensor type, not {attr.type}", start, parser.pos)
    if not isinstance(attr, DenseIntOrFPElementsAttr | DenseResourceAttr | EnumMemberAttr):
        parser.raise_error("expected a constant: int, float, bool, string, none, device, list or dense tensor")
    return attr


def _format_float(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = repr(x)
    if "." not in text:  # '1e-05' does not lex as a float: give it a fraction
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0e{exponent}" if exponent else f"{mantissa}.0"
    return text


def _print_value(printer: Printer, value: Attribute) -> None:
    match value:
        case IntegerAttr(type=IntegerType(width=w)) if w.data == 1:
            printer.print_string("true" if value.value.data else "false")
        case IntegerAttr():
            printer.print_string(str(value.value.data))
        case FloatAttr():
            printer.print_string(_format_float(value.value.data))
        case StringAttr():
            printer.print_string_literal(value.data)
        case UnitAttr():
            printer.print_string("none")
        case DeviceAttr():
            printer.print_string("device ")
            printer.print_string_literal(value.data)
        case ArrayAttr():
            printer.print_string("[")
            printer.print_list(value.data, lambda v: _print_value(printer, v))
            printer.print_string("]")
        case _:
            printer.print_attribute(value)
