"""Tensor's math methods: elementwise, activations, reductions and contractions.

Each method has PyTorch's Python signature (the script compiler binds calls with
inspect.signature) and forwards to the kernel of its ts op with arguments in schema order.
`@method` collects them into the mixin TensorMath; families of one-argument ops come from tables.
"""
from __future__ import annotations

from collections import namedtuple

from tsjit.dtypes import from_numpy, is_float, to_code
from tsjit.ops import EAGER as K
from tsjit.eager.core import Methods, TensorCore, _arg, _array, _wrap
from tsjit.eager.operators import kernel

method = Methods()


def _dims(dim):
    """An `int[]` argument (an int, a tuple or a list) as the list the kernels take; None stays None."""
    if dim is None or isinstance(dim, list):
        return dim
    if isinstance(dim, tuple):
        return list(dim)
    return [dim]


def _unary(name: str):
    def op(self):
        return _wrap(K[name](self._data))
    op.__name__ = name
    return op


def _compare(name: str):
    def op(self, other):
        return _wrap(K[name](self._data, _arg(other, "other")))
    op.__name__ = name
    return op


def _tensor_binary(name: str, param: str = "other"):
    def op(self, other):
        return _wrap(kernel(name)(self._data, _array(other, param)))
    op.__name__ = name
    return op


#: Tensor methods that are one unary ts op each (tensor_inplace.py adds their `name_` forms).
UNARY = ("neg", "abs", "exp", "log", "log2", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan",
         "tanh", "erf", "floor", "ceil", "trunc", "sign", "reciprocal", "bitwise_not", "relu", "sigmoid",
         "logical_not", "isnan")
NO_INPLACE = ("isnan",)
for _name in UNARY:
    method(_unary(_name))
for _name in ("eq", "ne", "lt", "le", "gt", "ge"):
    method(_compare(_name))
for _name in ("maximum", "minimum", "atan2", "logical_and", "logical_or", "logical_xor", "matmul"):
    method(_tensor_binary(_name))
method(_tensor_binary("mm", "mat2"))
method(_tensor_binary("bmm", "mat2"))
for _alias, _name in (("negative", "neg"), ("absolute", "abs"), ("arctan2", "atan2"), ("fix", "trunc"),
                      ("greater", "gt"), ("less", "lt"), ("greater_equal", "ge"), ("less_equal", "le"),
                      ("not_equal", "ne")):
    method.alias(_alias, _name)


# ---- arithmetic ----
@method
def add(self, other, *, alpha=1):
    return _wrap(K["add"](self._data, _arg(other, "other"), alpha))


@method
def sub(self, other, *, alpha=1):
    return _wrap(K["sub"](self._data, _arg(other, "other"), alpha))


@method
def mul(self, other):
    return _wrap(K["mul"](self._data, _arg(other, "other")))


@method
def div(self, other, *, rounding_mode=None):
    return _wrap(_divide(self._data, _arg(other, "other"), rounding_mode))


def _divide(a, b, rounding_mode):
    if rounding_mode is None:
        return K["div"](a, b)
    if rounding_mode == "floor":
        return K["floor_divide"](a, b)
    if rounding_mode == "trunc":
        quotient = K["div"](a, b)
        int_type = K["floor_divide"](a, b).dtype  # the promoted dtype integer division keeps
        truncated = K["trunc"](quotient)
        return truncated if is_float(int_type) else K["to"](truncated, from_numpy(int_type).code)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


@method
def true_divide(self, other):
    return self.div(other)


@method
def floor_divide(self, other):
    return _wrap(K["floor_divide"](self._data, _arg(other, "other")))


@method
def remainder(self, other):
    return _wrap(K["remainder"](self._data, _arg(other, "other")))


@method
def pow(self, exponent):
    return _wrap(K["pow"](self._data, _arg(exponent, "exponent")))


@method
def bitwise_and(self, other):
    return _wrap(K["bitwise_and"](self._data, _arg(other, "other")))


@method
def bitwise_or(self, other):
    return _wrap(K["bitwise_or"](self._data, _arg(other, "other")))


@method
def bitwise_xor(self, other):
    return _wrap(kernel("bitwise_xor")(self._data, _arg(other, "other")))


@method
def dot(self, tensor):
    return _wrap(K["dot"](self._data, _array(tensor, "tensor")))


@method
def addmm(self, mat1, mat2, *, beta=1, alpha=1):
    return _wrap(K["addmm"](self._data, _array(mat1, "mat1"), _array(mat2, "mat2"), beta, alpha))


@method
def lerp(self, end, weight):
    return _wrap(K["lerp"](self._data, _array(end, "end"), _arg(weight, "weight")))


@method
def where(self, condition, other):
    return _wrap(K["where"](_array(condition, "condition"), self._data, _arg(other, "other")))


@method
def masked_fill(self, mask, value):
    return _wrap(K["masked_fill"](self._data, _array(mask, "mask"), _arg(value, "value")))


@method
def clamp(self, min=None, max=None):  # noqa: A002 - torch's parameter names
    return _wrap(K["clamp"](self._data, _bound(min), _bound(max)))


def _bound(value):
    return None if value is None else _arg(value, "clamp bound")


method.alias("clip", "clamp")


@method
def clamp_min(self, min):  # noqa: A002
    return self.clamp(min, None)


@method
def clamp_max(self, max):  # noqa: A002
    return self.clamp(None, max)


@method
def softmax(self, dim, dtype=None):
    return _wrap(K["softmax"](self._data, dim, to_code(dtype)))


@method
def log_softmax(self, dim, dtype=None):
    return _wrap(K["log_softmax"](self._data, dim, to_code(dtype)))


@method
def round(self, *, decimals=0):
    if decimals:
        scale = 10.0 ** decimals
        return _wrap(K["div"](K["round"](K["mul"](self._data, scale)), scale))
    return _wrap(K["round"](self._data))


# ---- reductions ----
@method
def sum(self, dim=None, keepdim=False, *, dtype=None):
    return _wrap(K["sum"](self._data, _dims(dim), keepdim, to_code(dtype)))


@method
def mean(self, dim=None, keepdim=False, *, dtype=None):
    return _wrap(K["mean"](self._data, _dims(dim), keepdim, to_code(dtype)))


@method
def prod(self, dim=None, keepdim=False, *, dtype=None):
    return _wrap(K["prod"](self._data, dim, keepdim, to_code(dtype)))


@method
def amax(self, dim=(), keepdim=False):
    return _wrap(K["amax"](self._data, _dims(dim), keepdim))


@method
def amin(self, dim=(), keepdim=False):
    return _wrap(K["amin"](self._data, _dims(dim), keepdim))


_MAX = namedtuple("max", ["values", "indices"])
_MIN = namedtuple("min", ["values", "indices"])
for _t in (_MAX, _MIN):
    _t.__repr__ = lambda self: (f"torch.return_types.{type(self).__name__}(\nvalues={self.values!r},"
                                f"\nindices={self.indices!r})")


def _extremum(self, dim, keepdim, name: str, result):
    """max()/min() overloads: no dim -> 0-d, a Tensor -> elementwise, an int -> (values, indices)."""
    if dim is None:
        return _wrap(K[name](self._data))
    if isinstance(dim, TensorCore):
        return _wrap(K["maximum" if name == "max" else "minimum"](self._data, dim._data))
    values, indices = K[name + "_dim"](self._data, dim, keepdim)
    return result(_wrap(values), _wrap(indices))


@method
def max(self, dim=None, keepdim=False):
    """max(), max(dim, keepdim=False) -> (values, indices), or max(other) elementwise (other as dim)."""
    return _extremum(self, dim, keepdim, "max", _MAX)


@method
def min(self, dim=None, keepdim=False):
    """min(), min(dim, keepdim=False) -> (values, indices), or min(other) elementwise (other as dim)."""
    return _extremum(self, dim, keepdim, "min", _MIN)


@method
def nonzero(self, *, as_tuple=False):
    """The indices of the nonzero elements: [n, ndim], or (as_tuple) one index tensor per dim."""
    if as_tuple:
        return tuple(_wrap(i) for i in K["nonzero_numpy"](self._data))
    return _wrap(K["nonzero"](self._data))


@method
def argwhere(self):
    """nonzero(): the indices of the nonzero elements, [n, ndim]."""
    return _wrap(K["nonzero"](self._data))


@method
def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct values (ts.unique, aten::_unique2), with the inverse indices and counts when asked."""
    values, inverse, counts = (K["unique"](self._data, sorted, return_inverse, return_counts) if dim is None else
                               K["unique_dim"](self._data, dim, sorted, return_inverse, return_counts))
    out = (_wrap(values),) + ((_wrap(inverse),) if return_inverse else ()) + ((_wrap(counts),) if return_counts else ())
    return out if len(out) > 1 else out[0]


@method
def argmax(self, dim=None, keepdim=False):
    return _wrap(K["argmax"](self._data, dim, keepdim))


@method
def argmin(self, dim=None, keepdim=False):
    return _wrap(K["argmin"](self._data, dim, keepdim))


def _correction(dim, unbiased, correction):
    """var/std's overloads: var(unbiased), var(dim, unbiased, keepdim), var(dim, correction=, keepdim=)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased else 0
    return _dims(dim), correction


@method
def var(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
    dims, corr = _correction(dim, unbiased, correction)
    return _wrap(K["var"](self._data, dims, corr, keepdim))


@method
def std(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
    dims, corr = _correction(dim, unbiased, correction)
    return _wrap(K["std"](self._data, dims, corr, keepdim))


@method
def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector p-norm over `dim` (all elements by default); 'fro' is the 2-norm of the flattened dims."""
    if p == "fro":
        p = 2
    elif isinstance(p, str):
        raise RuntimeError(f"tsjit norm supports numeric p and 'fro', not {p!r}")
    out = self if dtype is None else self.to(dtype)
    return _wrap(K["norm"](out._data, p, _dims(dim), keepdim))


@method
def logsumexp(self, dim, keepdim=False):
    return _wrap(K["logsumexp"](self._data, _dims(dim), keepdim))


@method
def any(self, dim=None, keepdim=False):
    return _wrap(K["any"](self._data, dim, keepdim))


@method
def all(self, dim=None, keepdim=False):
    return _wrap(K["all"](self._data, dim, keepdim))


@method
def cumsum(self, dim, *, dtype=None):
    return _wrap(K["cumsum"](self._data, dim, to_code(dtype)))


@method
def equal(self, other):
    other = _array(other, "other")
    return self._data.shape == other.shape and bool(K["all"](K["eq"](self._data, other), None, False))


@method
def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|self - other| <= atol + rtol * |other|, equal values (infinities) and optionally NaNs match."""
    a, b = self._data, _array(other, "other")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{a.dtype} did not match {b.dtype}")
    close = K["le"](K["abs"](K["sub"](a, b, 1)), K["add"](K["mul"](K["abs"](b), rtol), atol, 1))
    close = K["logical_or"](close, K["eq"](a, b))
    if equal_nan:
        close = K["logical_or"](close, K["logical_and"](K["isnan"](a), K["isnan"](b)))
    return _wrap(close)


@method
def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(K["all"](self.isclose(other, rtol, atol, equal_nan)._data, None, False))


TensorMath = method.mixin("TensorMath", "Tensor's math methods: elementwise, activations, reductions, contractions.")
