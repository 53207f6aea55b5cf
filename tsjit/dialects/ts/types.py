"""Types of TorchScript programs: `!ts.tensor<[2,?], f32>`, `!ts.int`, `!ts.list<T>`, ...

Tensor types carry an optional shape (unknown rank `*`, or dims with `?` for unknown
sizes) and an optional dtype, because TorchScript graphs start untyped (`Tensor`)
and shape specialisation refines them later.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    BFloat16Type,
    ComplexType,
    Float16Type,
    Float32Type,
    Float64Type,
    IntAttr,
    IntegerType,
    NoneAttr,
    Signedness,
    StringAttr,
    bf16,
    f16,
    f32,
    f64,
    i1,
    i8,
    i16,
    i32,
    i64,
)
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from tsjit.dtypes import SCALAR_TYPE_CODES  # noqa: F401 - re-exported (torch.dtype codes at run time)

ui8 = IntegerType(8, Signedness.UNSIGNED)

#: Element types a tensor may hold, with the name TorchScript gives them.
DTYPES: dict[str, Attribute] = {
    "float32": f32, "float64": f64, "float16": f16, "bfloat16": bf16,
    "int64": i64, "int32": i32, "int16": i16, "int8": i8, "uint8": ui8, "bool": i1,
    "complex64": ComplexType(f32), "complex128": ComplexType(f64),
}
DYNAMIC = DYNAMIC_INDEX


def format_dims(sizes: Sequence[int]) -> str:
    """Dims as the IR writes them, `?` for unknown: `[2,?,3]`."""
    return "[" + ",".join("?" if d == DYNAMIC else str(d) for d in sizes) + "]"


def dtype_name(dtype: Attribute) -> str:
    for name, t in DTYPES.items():
        if t == dtype:
            return name
    raise ValueError(f"not a tensor element type: {dtype}")


def is_float_dtype(dtype: Attribute) -> bool:
    return isinstance(dtype, Float16Type | BFloat16Type | Float32Type | Float64Type)


class _NoParams(ParametrizedAttribute, TypeAttribute):
    """A parameterless type printed as `!ts.<name>`."""


@irdl_attr_definition
class IntType(_NoParams):
    """Python int: 64-bit signed."""
    name = "ts.int"


@irdl_attr_definition
class FloatType(_NoParams):
    """Python float: a double."""
    name = "ts.float"


@irdl_attr_definition
class BoolType(_NoParams):
    name = "ts.bool"


@irdl_attr_definition
class NumberType(_NoParams):
    """TorchScript's `Scalar`/`number`: an int or a float, known only at run time."""
    name = "ts.number"


@irdl_attr_definition
class StrType(_NoParams):
    name = "ts.str"


@irdl_attr_definition
class NoneType(_NoParams):
    name = "ts.none"


@irdl_attr_definition
class DeviceType(_NoParams):
    name = "ts.device"


@irdl_attr_definition
class AnyType(_NoParams):
    """TorchScript's `Any`: values must be refined (isinstance + unchecked_cast) before use."""
    name = "ts.any"


@irdl_attr_definition
class TensorType(ParametrizedAttribute, TypeAttribute):
    """`!ts.tensor` (nothing known), `!ts.tensor<*, f32>`, `!ts.tensor<[2,?,3], f32>`, `!ts.tensor<[2]>`."""

    name = "ts.tensor"
    shape: Attribute  # ArrayAttr[IntAttr] (DYNAMIC for '?') or NoneAttr for unknown rank
    dtype: Attribute  # an element type from DTYPES, or NoneAttr

    def __init__(self, shape: Sequence[int] | None = None, dtype: Attribute | None = None):
        shape_attr = NoneAttr() if shape is None else ArrayAttr(IntAttr(d) for d in shape)
        super().__init__(shape_attr, NoneAttr() if dtype is None else dtype)

    @property
    def sizes(self) -> tuple[int, ...] | None:
        """Dims (DYNAMIC where unknown), or None when even the rank is unknown."""
        if isinstance(self.shape, NoneAttr):
            return None
        return tuple(d.data for d in self.shape.data)

    @property
    def rank(self) -> int | None:
        sizes = self.sizes
        return None if sizes is None else len(sizes)

    @property
    def element_type(self) -> Attribute | None:
        return None if isinstance(self.dtype, NoneAttr) else self.dtype

    @property
    def has_static_shape(self) -> bool:
        sizes = self.sizes
        return sizes is not None and DYNAMIC not in sizes

    def verify(self) -> None:
        if not isinstance(self.shape, NoneAttr):
            if not isinstance(self.shape, ArrayAttr) or not all(
                isinstance(d, IntAttr) and (d.data >= 0 or d.data == DYNAMIC) for d in self.shape.data
            ):
                raise VerifyException(f"invalid tensor shape {self.shape}")
        if not isinstance(self.dtype, NoneAttr) and self.dtype not in DTYPES.values():
            raise VerifyException(f"unsupported tensor element type {self.dtype}")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        if parser.parse_optional_punctuation("<") is None:
            return (NoneAttr(), NoneAttr())
        shape: Attribute = NoneAttr()
        dtype: Attribute = NoneAttr()
        if parser.parse_optional_punctuation("*") is not None:
            parser.parse_punctuation(",")
            dtype = parser.parse_type()
        elif parser.parse_optional_punctuation("[") is not None:
            dims: list[int] = []
            if parser.parse_optional_punctuation("]") is None:
                while True:
                    if parser.parse_optional_punctuation("?") is not None:
                        dims.append(DYNAMIC)
                    else:
                        dims.append(parser.parse_integer(allow_boolean=False, allow_negative=False))
                    if parser.parse_optional_punctuation(",") is None:
                        break
                parser.parse_punctuation("]")
            shape = ArrayAttr(IntAttr(d) for d in dims)
            if parser.parse_optional_punctuation(",") is not None:
                dtype = parser.parse_type()
        else:
            dtype = parser.parse_type()
        parser.parse_punctuation(">")
        return (shape, dtype)

    def print_parameters(self, printer: Printer) -> None:
        sizes, dtype = self.sizes, self.element_type
        if sizes is None and dtype is None:
            return
        with printer.in_angle_brackets():
            if sizes is None:
                printer.print_string("*, ")
            else:
                printer.print_string(format_dims(sizes) + (", " if dtype is not None else ""))
            if dtype is not None:
                printer.print_attribute(dtype)


class _OneTypeParam(ParametrizedAttribute, TypeAttribute):
    """A type constructor with one type parameter, printed `!ts.<name><T>`."""

    element_type: Attribute

    def __init__(self, element_type: Attribute):
        super().__init__(element_type)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (parser.parse_type(),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_attribute(self.element_type)


@irdl_attr_definition
class ListType(_OneTypeParam):
    element_type: Attribute  # redeclared: IRDL equality only sees fields of the decorated class
    name = "ts.list"


@irdl_attr_definition
class OptionalType(_OneTypeParam):
    element_type: Attribute  # redeclared: IRDL equality only sees fields of the decorated class
    name = "ts.optional"


@irdl_attr_definition
class FutureType(_OneTypeParam):
    """The result of `fork`; `wait` unwraps it."""
    element_type: Attribute  # redeclared: IRDL equality only sees fields of the decorated class
    name = "ts.future"


class _TypeListParam(ParametrizedAttribute, TypeAttribute):
    """A type constructor over a list of types, printed `!ts.<name><A, B>`."""

    types: ArrayAttr

    def __init__(self, types: Sequence[Attribute]):
        super().__init__(ArrayAttr(types))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        types = parser.parse_comma_separated_list(parser.Delimiter.ANGLE, parser.parse_type)
        return (ArrayAttr(types),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_list(self.types.data, printer.print_attribute)


@irdl_attr_definition
class TupleType(_TypeListParam):
    types: ArrayAttr  # redeclared: IRDL equality only sees fields of the decorated class
    name = "ts.tuple"


@irdl_attr_definition
class UnionType(_TypeListParam):
    types: ArrayAttr  # redeclared: IRDL equality only sees fields of the decorated class
    name = "ts.union"

    def verify(self) -> None:
        if len(self.types.data) < 2:
            raise VerifyException("a union needs at least two member types")


@irdl_attr_definition
class DictType(ParametrizedAttribute, TypeAttribute):
    """`!ts.dict<K, V>`; keys are str, int, float, bool, Tensor or Device, as in TorchScript."""

    name = "ts.dict"
    key_type: Attribute
    value_type: Attribute

    def __init__(self, key_type: Attribute, value_type: Attribute):
        super().__init__(key_type, value_type)

    def verify(self) -> None:
        if not isinstance(self.key_type, StrType | IntType | FloatType | BoolType | TensorType | DeviceType):
            raise VerifyException(f"cannot create dict for key type {self.key_type}")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            key = parser.parse_type()
            parser.parse_punctuation(",")
            return (key, parser.parse_type())

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_attribute(self.key_type)
            printer.print_string(", ")
            printer.print_attribute(self.value_type)


@irdl_attr_definition
class ClassType(ParametrizedAttribute, TypeAttribute):
    """An instance of a TorchScript class or module, by qualified name: `!ts.class<"__torch__.M">`.

    The class's attributes and methods are declared by a `ts.class_type` op of that name.
    """

    name = "ts.class"
    class_name: StringAttr

    def __init__(self, class_name: str | StringAttr):
        super().__init__(StringAttr(class_name) if isinstance(class_name, str) else class_name)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (StringAttr(parser.parse_str_literal()),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.class_name.data)


TS_TYPES = [
    TensorType, IntType, FloatType, BoolType, NumberType, StrType, NoneType, DeviceType, AnyType,
    ListType, OptionalType, FutureType, TupleType, UnionType, DictType, ClassType,
]


def is_subtype(sub: Attribute, sup: Attribute) -> bool:
    """TorchScript's subtyping: refined tensors, int/float <: number, T and None <: Optional[T], ..."""
    if sub == sup or isinstance(sup, AnyType):
        return True
    match sup:
        case TensorType():
            return isinstance(sub, TensorType) and _tensor_refines(sub, sup)
        case NumberType():
            return isinstance(sub, IntType | FloatType | BoolType)
        case OptionalType():
            return isinstance(sub, NoneType) or is_subtype(sub, sup.element_type) or (
                isinstance(sub, OptionalType) and is_subtype(sub.element_type, sup.element_type))
        case UnionType():
            members = sub.types.data if isinstance(sub, UnionType) else (sub,)
            return all(any(is_subtype(m, t) for t in sup.types.data) for m in members)
        case ListType():
            return isinstance(sub, ListType) and is_subtype(sub.element_type, sup.element_type)
        case TupleType():
            return (isinstance(sub, TupleType) and len(sub.types.data) == len(sup.types.data)
                    and all(is_subtype(a, b) for a, b in zip(sub.types.data, sup.types.data)))
        case FutureType():
            return isinstance(sub, FutureType) and is_subtype(sub.element_type, sup.element_type)
    return False


def _tensor_refines(sub: TensorType, sup: TensorType) -> bool:
    if sup.element_type is not None and sub.element_type != sup.element_type:
        return False
    if sup.sizes is None:
        return True
    if sub.sizes is None or len(sub.sizes) != len(sup.sizes):
        return False
    return all(b == DYNAMIC or a == b for a, b in zip(sub.sizes, sup.sizes))


def join_types(a: Attribute, b: Attribute) -> Attribute | None:
    """The least type both refine (for branches and loop-carried values), or None."""
    if is_subtype(a, b):
        return b
    if is_subtype(b, a):
        return a
    if isinstance(a, TensorType) and isinstance(b, TensorType):
        dtype = a.element_type if a.element_type == b.element_type else None
        if a.sizes is None or b.sizes is None or len(a.sizes) != len(b.sizes):
            return TensorType(None, dtype)
        return TensorType([x if x == y else DYNAMIC for x, y in zip(a.sizes, b.sizes)], dtype)
    if isinstance(a, NoneType):
        return OptionalType(b)
    if isinstance(b, NoneType):
        return OptionalType(a)
    return None


__all__ = [n for n in dir() if n.endswith("Type")] + ["DTYPES", "SCALAR_TYPE_CODES", "DYNAMIC", "is_subtype", "join_types",
                                                     "dtype_name", "format_dims", "is_float_dtype", "TS_TYPES", "ui8", "i1", "i64", "f32", "f64"]
