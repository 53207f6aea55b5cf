"""Tensor functions whose ts op depends on the argument types or count (TorchScript overloads).

Each handler gets the already-compiled arguments (receiver first for methods) and returns the
result, or NotImplemented to fall back to the plain name -> op mapping.
"""
from __future__ import annotations

import ast

from tsjit.dialects.ts.types import BoolType, FloatType, IntType, ListType, NumberType, TensorType, TupleType
from tsjit.frontend.script.data_sized_calls import nonzero, unique, unique_consecutive, where
from tsjit.frontend.script.values import PyConst, is_ir
from tsjit.ops.orthogonal_polynomials import FAMILIES as POLYNOMIALS


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


def _whole_or_dim(whole: str, per_dim: str):
    """x.size() / x.size(d) -> ts.size / ts.size_dim; the same for stride (List[int] or int)."""
    def handler(c, node, key, args, kwargs):
        x = c.as_value(args[0], node)
        dim = args[1] if len(args) > 1 else kwargs.get("dim")
        if dim is None or (isinstance(dim, PyConst) and dim.value is None):
            return c.builder.value(whole, x)
        return c.builder.value(per_dim, x, c.coerce(node, dim, "int", "dim"))

    return handler


_size, _stride = _whole_or_dim("size", "size_dim"), _whole_or_dim("stride", "stride_dim")


def _is_contiguous(c, node, key, args, kwargs):
    """x.is_contiguous() -> ts.is_contiguous; tsjit has only the row-major memory format."""
    if len(args) > 1 or kwargs:
        c.error(node, "Tensor.is_contiguous(memory_format=...) is not supported: tsjit has only the "
                      "contiguous (row-major) memory format; call x.is_contiguous()")
    return c.builder.value("is_contiguous", c.as_value(args[0], node))


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


def _cpu(c, node, key, args, kwargs):
    """Tensor.cpu(): the tensor itself (every tensor lives on the cpu)."""
    if len(args) != 1 or kwargs:
        c.error(node, "Tensor.cpu() takes no arguments")
    return c.as_value(args[0], node)


def _norm(c, node, key, args, kwargs):
    """Tensor.norm(p="fro") is the 2-norm."""
    values = c.bind(node, c.eager(key), args, kwargs, key)
    p = values.get("p", PyConst(None))
    if isinstance(p, PyConst) and p.value in ("fro", None):
        p = PyConst(2.0)
    return c.builder.value("norm", c.as_value(values["input"], node), c.coerce(node, p, "Scalar?", "p"),
                           c.coerce(node, values.get("dim", PyConst(None)), "int[]?", "dim"),
                           c.coerce(node, values.get("keepdim", PyConst(False)), "bool", "keepdim"))


def _tensor_q(name: str):
    """quantile / nanquantile of a tensor q: ts.<name>_tensor (aten::quantile(Tensor self, Tensor q, ...))."""
    def handler(c, node, key, args, kwargs):
        from tsjit.frontend.script.tensor_calls import OpSpec

        values = c.bind(node, c.eager(key), args, kwargs, key)
        if not _is_tensor(values.get("q")):
            return NotImplemented
        return c.emit_bound(node, OpSpec(f"{name}_tensor"), c.eager(key), args, kwargs, key)
    return handler


def _ctc_loss(c, node, key, args, kwargs):
    """F.ctc_loss: ts.ctc_loss_tensor for tensor lengths, else ts.ctc_loss (int lists); reduction as its enum."""
    from tsjit.frontend.script.tensor_calls import OpSpec, _loss_reduction

    lengths = c.bind(node, c.eager(key), args, kwargs, key).get("input_lengths")
    op = "ctc_loss_tensor" if _is_tensor(lengths) else "ctc_loss"
    return c.emit_bound(node, OpSpec(op, prepare=_loss_reduction), c.eager(key), args, kwargs, key)


def _linalg_cond(c, node, key, args, kwargs):
    """linalg.cond(A, p): ts.linalg_cond_str for a string p ('fro', 'nuc'), else ts.linalg_cond."""
    from tsjit.frontend.script.tensor_calls import OpSpec

    p = c.bind(node, c.eager(key), args, kwargs, key).get("p", PyConst(None))
    text = isinstance(p, PyConst) and isinstance(p.value, str)
    return c.emit_bound(node, OpSpec("linalg_cond_str" if text else "linalg_cond", rename={"input": "A"}), c.eager(key),
                        args, kwargs, key)


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


def _polynomial(name: str):
    """torch.special's orthogonal polynomials: a tensor degree is `<name>`, a number `<name>_n_scalar`."""

    def handler(c, node, key, args, kwargs):
        values = c.bind(node, c.eager(key), args, kwargs, key)
        x, n = c.as_value(values["input"], node), values["n"]
        return c.builder.value(name if _is_tensor(n) else f"{name}_n_scalar", x, c.as_value(n, node))

    return handler


def scaled_size_list(b, x, scales):
    """[floor(x.size(d) * s) for the trailing dims], constant where x's sizes are known (F.interpolate's
    output size from scale factors)."""
    from tsjit.dialects.ts.types import ListType

    sizes = x.type.sizes if isinstance(x.type, TensorType) else None
    k = len(scales)
    if sizes is not None and all(n >= 0 for n in sizes[-k:]):
        import math
        return b.const([math.floor(n * s) for n, s in zip(sizes[-k:], scales)], ListType(IntType()))
    items = []
    for i, s in enumerate(scales):
        n = b.value("size_dim", x, b.const(i - k))
        scaled = b.value("scalar.mul", b.value("scalar.float", n), b.const(float(s)), type=FloatType())
        items.append(b.value("scalar.int", scaled, type=IntType()))
    return b.op("list.construct", items, [ListType(IntType())]).results[0]


def _interpolate(c, node, key, args, kwargs):
    """F.interpolate -> the upsample op of its mode (the input's rank, else the mode or the length of
    size/scale_factor, chooses 1-, 2- or 3-d); constant mode and flags."""
    from tsjit.dialects.ts.types import ListType
    from tsjit.ops.resampling import _MODE_DIMS, interpolate_plan

    values = c.bind(node, c.eager(key), args, kwargs, key)
    x = c.as_value(values["input"], node)
    flags = {}
    for name in ("scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias"):
        v = values.get(name, PyConst(None))
        if not isinstance(v, PyConst):
            c.error(node, f"argument '{name}' of F.interpolate must be a constant in tsjit's script")
        flags[name] = v.value
    size = values.get("size", PyConst(None))
    size_value = size.value if isinstance(size, PyConst) else None
    rank = x.type.rank if isinstance(x.type, TensorType) else None
    if rank is None:
        lengths = [len(v) for v in (size_value, flags["scale_factor"]) if isinstance(v, list | tuple)]
        rank = _MODE_DIMS[flags["mode"]] + 2 if flags["mode"] in _MODE_DIMS else lengths[0] + 2 if lengths else None
    if rank is None:
        c.error(node, "F.interpolate: give size or scale_factor as a tuple (or a tensor of known rank) so that "
                      "tsjit's script can tell 1-, 2- and 3-d resampling apart")
    placeholder = size_value if isinstance(size, PyConst) else [0] * (rank - 2)
    try:
        name, dim, sizes, scales, align = interpolate_plan(
            rank, placeholder, flags["scale_factor"], flags["mode"], flags["align_corners"],
            flags["recompute_scale_factor"], bool(flags["antialias"]))
    except (ValueError, NotImplementedError) as e:
        c.error(node, str(e))
    if sizes is None:
        factor = flags["scale_factor"]
        out = scaled_size_list(c.builder, x, list(factor) if isinstance(factor, list | tuple) else [factor] * dim)
    elif isinstance(size, PyConst):
        out = c.builder.const([int(v) for v in sizes], ListType(IntType()))
    else:
        out = c.int_list(node, size, dim)
    operands = [x, out]
    if name.startswith("adaptive"):
        return c.builder.op(name, operands).results[0]
    if flags["mode"] in _MODE_DIMS:
        operands.append(c.builder.const(bool(align)))
    operands += [c.builder.none() if v is None else c.builder.const(float(v)) for v in (scales or [None] * dim)]
    return c.builder.op(name, operands).results[0]


def _is_floating_point(c, node, key, args, kwargs):
    """x.is_floating_point(): its dtype code is a float one (a constant once the dtype is known)."""
    from tsjit.dialects.ts.types import SCALAR_TYPE_CODES

    floats = [SCALAR_TYPE_CODES[n] for n in ("float16", "float32", "float64", "bfloat16")]
    code = c.builder.value("dtype", c.as_value(args[0], node))
    return c.builder.value("contains", c.builder.const(floats, ListType(IntType())), code, type=BoolType())


def _tensor_literal(c, node, key, args, kwargs):
    """torch.tensor(data, dtype=None): constant data is a constant tensor of torch.tensor's dtype;
    a list of numbers computed here is a stack of 0-d tensors of that dtype."""
    if key != "torch.tensor":
        return NotImplemented
    values = c.bind(node, c.eager(key), args, kwargs, key)
    data, dtype = values["data"], values.get("dtype", PyConst(None))
    if not isinstance(dtype, PyConst):
        c.error(node, "torch.tensor's dtype must be a constant")
    data_node = node.args[0] if getattr(node, "args", None) else None
    try:  # a literal written in the source ([[1, 2], [3, 4]]) is constant however it compiled
        data = PyConst(ast.literal_eval(data_node)) if data_node is not None else data
    except ValueError:
        pass
    if isinstance(data, PyConst):
        from tsjit.eager.factories import tensor

        try:
            return c.builder.const(tensor(data.value, dtype=dtype.value).numpy())
        except Exception as e:  # noqa: BLE001 - the eager library's message (ragged lists, strings)
            c.error(node, f"torch.tensor: {e}")
    items = c.as_value(data, node)
    owner = items.owner
    if not (isinstance(items.type, ListType) and getattr(owner, "name", "") == "ts.list.construct"
            and isinstance(items.type.element_type, IntType | FloatType | BoolType)):
        c.error(node, f"torch.tensor of {c.type_name(items.type)} is not supported here: give constants or a "
                      "list literal of numbers")
    from tsjit.dialects.ts.types import SCALAR_TYPE_CODES

    default = {IntType: "int64", FloatType: "float32", BoolType: "bool"}[type(items.type.element_type)]
    code = c.builder.const(SCALAR_TYPE_CODES[dtype.value.numpy.name if dtype.value is not None else default])
    zero_d = [c.builder.value("to", c.builder.value("num_to_tensor", v), code) for v in owner.operands]
    listed = c.builder.op("list.construct", zero_d, [ListType(TensorType())]).results[0]
    return c.builder.value("stack", listed, c.builder.const(0))


def _random_fill(name: str, *params: tuple[str, float]):
    """x.uniform_(from, to) / x.exponential_(lambd): ts.<name> of x's shape and dtype, written into x."""
    def handler(c, node, key, args, kwargs):
        x = c.as_value(args[0], node)
        values = [args[1 + i] if len(args) > 1 + i else kwargs.get(p, PyConst(default))
                  for i, (p, default) in enumerate(params)]
        drawn = c.builder.value(name, x, *[c.coerce(node, v, "float", p) for v, (p, _) in zip(values, params)])
        return c.builder.value("assign_", x, drawn)

    return handler


def _src_or_value(values: dict) -> None:
    """scatter's number may come as `value=`: it is the src operand."""
    value = values.pop("value", PyConst(None))
    if not (isinstance(value, PyConst) and value.value is None):
        values["src"] = value


def _scatter_or_put(name: str, inplace: bool):
    """scatter(_)(dim, index, src | value, *, reduce=None) (ts.scatter, or ts.scatter_with_reduce with a
    reduce) and put_(index, source, accumulate) (ts.put); the in-place forms write the result into self."""
    def handler(c, node, key, args, kwargs):
        from tsjit.frontend.script.tensor_calls import OpSpec

        op = name
        if name == "scatter":
            reduce = c.bind(node, c.eager(key), args, kwargs, key).get("reduce", PyConst(None))
            op = "scatter" if isinstance(reduce, PyConst) and reduce.value is None else "scatter_with_reduce"
        result = c.emit_bound(node, OpSpec(op, prepare=_src_or_value), c.eager(key), args, kwargs, key)
        return c.builder.value("assign_", c.as_value(args[0], node), result) if inplace else result
    return handler


OVERLOADS = {
    "scatter": _scatter_or_put("scatter", False),
    "scatter_": _scatter_or_put("scatter", True),
    "put_": _scatter_or_put("put", True),
    **{f"special_{family}": _polynomial(f"special_{family}") for family in POLYNOMIALS},
    "uniform_": _random_fill("uniform", ("from", 0.0), ("to", 1.0)),
    "exponential_": _random_fill("exponential", ("lambd", 1.0)),
    "nonzero": nonzero,
    "where": where,
    "argwhere": lambda c, node, key, args, kwargs: c.builder.value("nonzero", c.as_value(args[0], node)),
    "unique": unique,
    "unique_consecutive": unique_consecutive,
    "linalg_cond": _linalg_cond,
    "ctc_loss": _ctc_loss,
    "max": _extremum("max"),
    "min": _extremum("min"),
    "size": _size,
    "stride": _stride,
    "is_contiguous": _is_contiguous,
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
    "cpu": _cpu,
    "quantile": _tensor_q("quantile"),
    "nanquantile": _tensor_q("nanquantile"),
    "norm": _norm,
    "pow": _scalar_self("pow", "exponent"),
    "remainder": _scalar_self("remainder", "other"),
    "interpolate": _interpolate,
    "is_floating_point": _is_floating_point,
    "tensor": _tensor_literal,
}
