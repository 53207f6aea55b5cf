"""Script handlers of the tensor functions whose results' sizes the data decides (nonzero, one-argument
where, unique, unique_consecutive): which ts op, and which of its results the call asked for."""
from __future__ import annotations

from tsjit.dialects.ts.types import TensorType, TupleType
from tsjit.frontend.script.values import PyConst, is_ir


def _flags(c, node, key, args, kwargs, names_defaults):
    """Constant bool arguments after the tensor (positional or by name), as Python values."""
    values = dict(zip((n for n, _ in names_defaults), args[1:]))
    values.update(kwargs)
    out = []
    for n, default in names_defaults:
        v = values.get(n, PyConst(default))
        if not isinstance(v, PyConst):
            c.error(node, f"argument '{n}' of {key} must be a constant (it decides the result's type)")
        out.append(v.value)
    return out


def nonzero(c, node, key, args, kwargs):
    """nonzero(x) -> ts.nonzero; nonzero(x, as_tuple=True) -> ts.nonzero_numpy (a list, as in TorchScript)."""
    (as_tuple,) = _flags(c, node, key, args[:1], kwargs, [("as_tuple", False)])
    return c.builder.value("nonzero_numpy" if as_tuple else "nonzero", c.as_value(args[0], node))


def where(c, node, key, args, kwargs):
    """where(condition) -> ts.nonzero_numpy (aten::where(Tensor condition) -> Tensor[], a list as in
    TorchScript); the three-argument form is the plain ts.where."""
    if len(args) + len(kwargs) != 1 or set(kwargs) - {"condition"}:
        return NotImplemented
    cond = args[0] if args else kwargs["condition"]
    if not (is_ir(cond) and isinstance(cond.type, TensorType)):
        c.error(node, f"where(condition) expects a Tensor, got {c.type_name(c.as_value(cond, node).type)}")
    return c.builder.value("nonzero_numpy", c.as_value(cond, node))


def unique(c, node, key, args, kwargs):
    """unique(x, sorted, return_inverse, return_counts) -> ts.unique (aten::_unique2), the results asked for."""
    sort, inverse, counts, dim = _flags(c, node, key, args, kwargs, [("sorted", True), ("return_inverse", False),
                                                                      ("return_counts", False), ("dim", None)])
    x, flags = c.as_value(args[0], node), [c.builder.const(bool(f)) for f in (sort, inverse, counts)]
    results = c.builder.op("unique", [x, *flags]).results if dim is None else \
        c.builder.op("unique_dim", [x, c.builder.const(int(dim)), *flags]).results
    return _asked_for(c, results, inverse, counts)


def unique_consecutive(c, node, key, args, kwargs):
    """unique_consecutive(x, return_inverse, return_counts, dim) -> ts.unique_consecutive, the results asked for."""
    inverse, counts, dim = _flags(c, node, key, args, kwargs, [("return_inverse", False), ("return_counts", False),
                                                               ("dim", None)])
    operands = [c.as_value(args[0], node), c.builder.const(bool(inverse)), c.builder.const(bool(counts)),
                c.builder.none() if dim is None else c.builder.const(int(dim))]
    return _asked_for(c, c.builder.op("unique_consecutive", operands).results, inverse, counts)


def _asked_for(c, results, inverse, counts):
    chosen = [results[0]] + [results[1]] * inverse + [results[2]] * counts
    if len(chosen) == 1:
        return chosen[0]
    return c.builder.op("tuple.construct", chosen, [TupleType([r.type for r in chosen])]).results[0]
