"""Tensor functions whose ts op depends on the argument types or count (TorchScript overloads).

Each handler gets the already-compiled arguments (receiver first for methods) and returns the
result, or NotImplemented to fall back to the plain name -> op mapping.
"""
from __future__ import annotations

from tsjit.dialects.ts.types import BoolType, FloatType, IntType, NumberType, TensorType, TupleType
from tsjit.frontend.script.values import PyConst, is_ir


def _is_tensor(v) -> bool:
    return is_ir(v) and isinstance(v.type, TensorType)


def _extremum(name: str):
    """max(x) -> ts.max; max(x, dim, keepdim) -> ts.max_dim (values, indices); max(x, y) -> maximum."""

    def handler(c, node, key, args, kwargs):
        rest = args[1:]
        if not rest and not kwargs:
            return c.builder.value(name, c.as_value(args[0], node))
        other = rest[0] if rest else kwargs.get("other", kwargs.get("dim"))
        if _is_tensor(other):
            return c.builder.value("maximum" if name == "max" else "minimum", c.as_value(args[0], node),
                                   c.as_value(other, node))
        dim = rest[0] if rest else kwargs["dim"]
        keepdim = rest[1] if len(rest) > 1 else kwargs.get("keepdim", PyConst(False))
        results = c.builder.op(f"{name}_dim", [c.as_value(args[0], node), c.coerce(node, dim, "int", "dim"),
                                               c.coerce(node, keepdim, "bool", "keepdim")]).results
        return c.builder.op("tuple.construct", list(results), [TupleType([r.type for r in results])]).results[0]

    return handler


def _size(c, node, key, args, kwargs):
    x = c.as_value(args[0], node)
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    if dim is None or (isinstance(dim, PyConst) and dim.value is None):
        return c.builder.value("size", x)
    return c.builder.value("size_dim", x, c.coerce(node, dim, "int", "dim"))


def _convert(code: int):
    def handler(c, node, key, args, kwargs):
        return c.builder.value("to", c.as_value(args[0], node), c.builder.const(code))

    return handler


def _to(c, node, key, args, kwargs):
    """x.to(dtype) / x.to(device[, dtype]) / x.to(other) / x.to(dtype=...)."""
    x = c.as_value(args[0], node)
    dtype = kwargs.get("dtype")
    for a in args[1:]:
        if _is_tensor(a):
            return c.builder.value("type_as", x, c.as_value(a, node))
        if isinstance(a, PyConst) and c.is_dtype(a.value) or is_ir(a) and isinstance(a.type, IntType):
            dtype = a
    if dtype is None:
        return x  # only a device: everything is on the cpu
    return c.builder.value("to", x, c.as_value(dtype, node))


def _arange(c, node, key, args, kwargs):
    values = c.bind(node, c.eager(key), args, kwargs, key)
    start, end, step = values.get("start", PyConst(0)), values.get("end", PyConst(None)), values.get("step", PyConst(1))
    if isinstance(end, PyConst) and end.value is None:
        start, end = PyConst(0), start
    operands = [c.as_value(v, node) for v in (start, end, step)]
    for v in operands:
        if not isinstance(v.type, IntType | NumberType) and v.type.name not in ("ts.float", "ts.bool"):
            c.error(node, f"arange expects numbers, got {c.type_name(v.type)}")
    dtype = values.get("dtype", PyConst(None))
    return c.builder.value("arange", *operands, c.coerce(node, dtype, "ScalarType?", "dtype"))


def _relu(inplace_name: str, name: str):
    def handler(c, node, key, args, kwargs):
        inplace = args[1] if len(args) > 1 else kwargs.get("inplace", PyConst(False))
        if not isinstance(inplace, PyConst):
            c.error(node, "inplace must be a constant")
        return c.builder.value(inplace_name if inplace.value else name, c.as_value(args[0], node))

    return handler


def _dim_of(name: str):
    def handler(c, node, key, args, kwargs):
        return c.builder.value(name, c.as_value(args[0], node))

    return handler


def _contiguous(c, node, key, args, kwargs):
    return c.builder.value("contiguous", c.as_value(args[0], node))


def _norm(c, node, key, args, kwargs):
    """Tensor.norm(p="fro") is the 2-norm."""
    values = c.bind(node, c.eager(key), args, kwargs, key)
    p = values.get("p", PyConst(None))
    if isinstance(p, PyConst) and p.value in ("fro", None):
        p = PyConst(2.0)
    return c.builder.value("norm", c.as_value(values["input"], node), c.coerce(node, p, "Scalar?", "p"),
                           c.coerce(node, values.get("dim", PyConst(None)), "int[]?", "dim"),
                           c.coerce(node, values.get("keepdim", PyConst(False)), "bool", "keepdim"))


def _scalar_self(name: str, other: str):
    """pow.Scalar / remainder.Scalar_Tensor: a number first and a tensor second; the number
    becomes a 0-d tensor (as `2.0 ** t` does)."""

    def handler(c, node, key, args, kwargs):
        values = c.bind(node, c.eager(key), args, kwargs, key)
        first, second = values["input"], values[other]
        if _is_tensor(first) or not _is_tensor(second):
            return NotImplemented
        number = c.as_value(first, node)
        if not isinstance(number.type, IntType | FloatType | BoolType | NumberType):
            return NotImplemented
        return c.builder.value(name, c.builder.value("num_to_tensor", number), c.as_value(second, node))

    return handler


OVERLOADS = {
    "max": _extremum("max"),
    "min": _extremum("min"),
    "size": _size,
    "to": _to,
    "float": _convert(6),
    "double": _convert(7),
    "half": _convert(5),
    "long": _convert(4),
    "int": _convert(3),
    "bool": _convert(11),
    "arange": _arange,
    "relu": _relu("relu_", "relu"),
    "dim": _dim_of("dim"),
    "numel": _dim_of("numel"),
    "item": _dim_of("item"),
    "contiguous": _contiguous,
    "norm": _norm,
    "pow": _scalar_self("pow", "exponent"),
    "remainder": _scalar_self("remainder", "other"),
}
