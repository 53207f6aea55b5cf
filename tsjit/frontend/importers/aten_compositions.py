"""aten:: kinds with no ts op of their own, imported as compositions of ts ops (merged into build.py's
`ATEN` table; see aten_overloads.py for what a Converter is):

    squeeze(self, int[] dims)      squeeze of each dim (all >= 0: highest first; all < 0: lowest first)
    ravel / narrow_copy / unsafe_chunk / unsafe_split / argwhere / msort / x.data
                                   reshape [-1] / narrow / chunk / split / nonzero / sort(dim 0) values / x
    nansum / nanmean               sum of masked_fill(x, isnan(x), 0) (over the count of non-NaNs)
    aminmax(self, *, dim?, keepdim) (amin, amax)
    addr(self, vec1, vec2, *, beta, alpha)   beta * self + alpha * outer(vec1, vec2)
    lerp(self, end, Tensor weight) self + weight * (end - self)
    take_along_dim(self, indices, dim)       gather (same ranks; PyTorch's broadcasting is not applied)
    diff(self, n, dim, None, None) n differences of neighbours along dim
    eye(n, m, dtype?, ...)         the top-left n x m block of eye(max(n, m))
    cdist(x1, x2, p, mode?)        vector norm over the last dim of unsqueeze(x1, -2) - unsqueeze(x2, -3)
    diagflat(self, offset)         diag of the flattened input
    cpu(self) / prim::abs(x)       self (tensors live on the cpu) / ts.abs or scalar.abs
"""
from __future__ import annotations

from xdsl.ir import Operation

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import FloatType, IntType, ListType, NoneType, TensorType
from tsjit.frontend.importers.aten_operands import each_dim


def _const(v, default=None):
    try:
        return constant_of(v)
    except NotConstant:
        return default


def _is_none(v) -> bool:
    return v is None or isinstance(v.type, NoneType)


def _tensor(v) -> bool:
    return v is not None and isinstance(v.type, TensorType)


def _previous(kind):
    from tsjit.frontend.importers.aten_ops import ATEN as base
    from tsjit.frontend.importers.aten_overloads import EXTRA

    return EXTRA.get(kind) or base.get(kind) or (lambda b, node, args: b.schema_op(kind[6:], args))


def _squeeze_dims(b, node, args):
    if len(args) != 2 or not isinstance(args[1].type, ListType):
        return _previous("aten::squeeze")(b, node, args)
    dims = _const(args[1])
    if dims is None and isinstance(args[1].owner, Operation) and args[1].owner.name == "ts.list.construct":
        dims = [_const(v) for v in args[1].owner.operands]
    if not isinstance(dims, list) or not all(isinstance(d, int) for d in dims):
        return None
    return each_dim(b, "squeeze", args[0], dims)


def _nan_masked(b, x):
    mask = b.schema_op("isnan", [x])[0]
    return b.schema_op("masked_fill", [x, mask, b.const(0)])[0], mask


def _nansum(b, node, args):
    if not _tensor(args[0]):
        return None
    filled, _ = _nan_masked(b, args[0])
    return b.schema_op("sum", [filled, *args[1:4]])


def _nanmean(b, node, args):
    if not _tensor(args[0]) or len(args) < 3:
        return None
    filled, mask = _nan_masked(b, args[0])
    total = b.schema_op("sum", [filled, args[1], args[2], args[3] if len(args) > 3 else None])[0]
    count = b.schema_op("sum", [b.schema_op("logical_not", [mask])[0], args[1], args[2], None])[0]
    return b.schema_op("div", [total, count])


def _aminmax(b, node, args):
    if len(args) != 3 or not _tensor(args[0]):
        return None
    dims = b.const([], ListType(IntType())) if _is_none(args[1]) else \
        b.value("list.construct", args[1], type=ListType(IntType()))
    return [b.schema_op("amin", [args[0], dims, args[2]])[0], b.schema_op("amax", [args[0], dims, args[2]])[0]]


def _addr(b, node, args):
    if len(args) != 5:
        return None
    product = b.schema_op("outer", args[1:3])[0]
    beta, alpha = _const(args[3]), _const(args[4])
    scaled = product if alpha == 1 else b.schema_op("mul", [product, args[4]])[0]
    if beta == 0:  # self is ignored (NaNs included), only its shape and dtype count
        return b.schema_op("add", [b.schema_op("zeros_like", [args[0], None])[0], scaled, b.const(1)])
    base = args[0] if beta == 1 else b.schema_op("mul", [args[0], args[3]])[0]
    return b.schema_op("add", [base, scaled, b.const(1)])


def _lerp(b, node, args):
    if len(args) != 3 or not _tensor(args[2]):
        return _previous("aten::lerp")(b, node, args)  # a Scalar weight is ts.lerp itself
    step = b.schema_op("mul", [args[2], b.schema_op("sub", [args[1], args[0], b.const(1)])[0]])[0]
    return b.schema_op("add", [args[0], step, b.const(1)])


def _diff(b, node, args):
    if len(args) != 5 or not (_is_none(args[3]) and _is_none(args[4])):
        return None
    n, dim = _const(args[1]), args[2]
    if not isinstance(n, int) or n < 0:
        return None
    out = args[0]
    for _ in range(n):
        length = b.value("scalar.sub", b.schema_op("size_dim", [out, dim])[0], b.const(1), type=IntType())
        length = b.value("scalar.max", length, b.const(0), type=IntType())
        hi = b.schema_op("narrow", [out, dim, b.const(1), length])[0]
        lo = b.schema_op("narrow", [out, dim, b.const(0), length])[0]
        out = b.schema_op("sub", [hi, lo, b.const(1)])[0]
    return [out]


def _eye_nm(b, node, args):
    """eye(n, m, dtype?, layout?, device?, pin_memory?): the top-left n x m block of eye(max(n, m))."""
    if len(args) != 6:
        return _previous("aten::eye")(b, node, args)
    n, m = args[0], args[1]
    if _const(n) is not None and _const(n) == _const(m):
        return b.schema_op("eye", [n, args[2]])
    big = b.schema_op("eye", [b.value("scalar.max", n, m, type=IntType()), args[2]])[0]
    rows = b.schema_op("narrow", [big, b.const(0), b.const(0), n])[0]
    return b.schema_op("narrow", [rows, b.const(1), b.const(0), m])


def _cdist(b, node, args):
    """cdist(x1, x2, p, compute_mode?): |x1[..., i, :] - x2[..., j, :]|_p over the last dim of the
    broadcast difference (PyTorch's matmul form for p=2 differs only in rounding)."""
    if len(args) != 4:
        return None
    diff = b.schema_op("sub", [b.schema_op("unsqueeze", [args[0], b.const(-2)])[0],
                               b.schema_op("unsqueeze", [args[1], b.const(-3)])[0], b.const(1)])[0]
    return b.schema_op("linalg_vector_norm", [diff, args[2], b.const([-1], ListType(IntType())), b.const(False),
                                              b.none()])


def _msort(b, node, args):
    return [b.schema_op("sort", [args[0], b.const(0), b.const(False)])[0]]


def _prim_abs(b, node, args):
    """Python's abs() in script: of a tensor (ts.abs) or of a number (scalar.abs)."""
    if len(args) != 1:
        return None
    if _tensor(args[0]):
        return b.schema_op("abs", args)
    if isinstance(args[0].type, (IntType, FloatType)):
        return [b.value("scalar.abs", args[0], type=args[0].type)]
    return None


ATEN_COMPOSITIONS: dict = {
    "aten::ravel": lambda b, node, args: b.schema_op("reshape", [args[0], b.const([-1], ListType(IntType()))]),
    "aten::narrow_copy": lambda b, node, args: b.schema_op("narrow", args),
    "aten::unsafe_chunk": lambda b, node, args: b.schema_op("chunk", args),
    "aten::unsafe_split": lambda b, node, args: b.schema_op("split", args),
    "aten::argwhere": lambda b, node, args: b.schema_op("nonzero", args),
    "aten::msort": _msort,
    "prim::data": lambda b, node, args: [args[0]],
    "aten::cpu": lambda b, node, args: [args[0]] if len(args) == 1 and _tensor(args[0]) else None,
    "prim::abs": _prim_abs,
    "aten::nansum": _nansum,
    "aten::nanmean": _nanmean,
    "aten::aminmax": _aminmax,
    "aten::addr": _addr,
    "aten::take_along_dim": lambda b, node, args: (b.schema_op("gather", [args[0], args[2], args[1]])
                                                   if len(args) == 3 and not _is_none(args[2]) else None),
    "aten::diff": _diff,
    "aten::squeeze": _squeeze_dims,
    "aten::lerp": _lerp,
    "aten::eye": _eye_nm,
    "aten::cdist": _cdist,
    "aten::diagflat": lambda b, node, args: b.schema_op(
        "diag", [b.schema_op("reshape", [args[0], b.const([-1], ListType(IntType()))])[0], args[1]]),
}
