"""The torch-level functions: `torch.add(input, other, *, alpha=1)`, `torch.cat`, `torch.tensor`, ...

Each function has PyTorch's Python signature (the script compiler binds calls with
inspect.signature) and runs the same kernel as the matching Tensor method. Creation functions
live in factories.py and grad-mode managers in grad_mode.py; both are re-exported here.
"""
from __future__ import annotations

from tsjit.dtypes import get_default_dtype  # noqa: F401 - part of the torch namespace
from tsjit.dtypes import is_float
from tsjit.eager.factories import _infer_array
from tsjit.eager.factories import (  # noqa: F401 - re-exported
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, is_tensor, linspace, manual_seed,
    ones, ones_like, rand, rand_like, randint, randn, randn_like, tensor, zeros, zeros_like,
)
from tsjit.eager.functions_nn import (  # noqa: F401 - re-exported
    batch_norm, conv1d, conv2d, conv3d, embedding, group_norm, layer_norm, max_pool1d, max_pool2d, stft,
)
from tsjit.eager.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from tsjit.ops import EAGER as K
from tsjit.eager.core import _arg, _array, _wrap
from tsjit.eager.generated import bindings
from tsjit.eager.tensor_class import Tensor
from tsjit.eager.operators import _reflected
from tsjit.eager.overloaded import nanquantile, quantile, scatter, unique_consecutive  # noqa: F401 - re-exported
from tsjit.eager.meta import Size, device  # noqa: F401
from tsjit.eager.math_methods import UNARY


def _unary(name: str):
    def fn(input):
        return _wrap(K[name](input._data))
    fn.__name__ = fn.__qualname__ = name
    return fn


def _unary_(name: str):
    method = getattr(Tensor, name + "_")

    def fn(input):
        return method(input)
    fn.__name__ = fn.__qualname__ = name + "_"
    return fn


def _binary(name: str):
    method = getattr(Tensor, name)

    def fn(input, other):
        return method(input, other)
    fn.__name__ = fn.__qualname__ = name
    return fn


globals().update({name: _unary(name) for name in UNARY})
globals().update({f"{name}_": _unary_(name) for name in ("relu", "sigmoid", "tanh", "exp", "sqrt", "neg", "abs")})
globals().update({name: _binary(name) for name in (
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal", "not_equal",
    "maximum", "minimum", "atan2", "logical_and", "logical_or", "logical_xor", "matmul",
    "floor_divide", "bitwise_and", "bitwise_or", "bitwise_xor", "equal", "true_divide", "expand_as", "type_as")})
negative, absolute, arctan2, fix = (globals()[n] for n in ("neg", "abs", "atan2", "trunc"))


def mm(input, mat2):
    return input.mm(mat2)


def bmm(input, mat2):
    return input.bmm(mat2)


def dot(input, tensor):
    return input.dot(tensor)


# ---- arithmetic ----
def add(input, other, *, alpha=1):
    return input.add(other, alpha=alpha)


def sub(input, other, *, alpha=1):
    return input.sub(other, alpha=alpha)


subtract = sub


def rsub(input, other, *, alpha=1):
    return _wrap(K["rsub"](_array(input), _arg(other, "other"), alpha))


def mul(input, other):
    return input.mul(other)


multiply = mul


def div(input, other, *, rounding_mode=None):
    return input.div(other, rounding_mode=rounding_mode)


divide = div


def pow(input, exponent):
    """pow(tensor, exponent) or pow(number, tensor)."""
    if isinstance(input, Tensor):
        return input.pow(exponent)
    return _reflected("pow")(exponent, input)


def remainder(input, other):
    """remainder(tensor, other) or remainder(number, tensor)."""
    if isinstance(input, Tensor):
        return input.remainder(other)
    return _reflected("remainder")(other, input)


def clamp(input, min=None, max=None):  # noqa: A002 - torch's parameter names
    return input.clamp(min, max)


clip = clamp


def clamp_(input, min=None, max=None):  # noqa: A002
    return input.clamp_(min, max)


def lerp(input, end, weight):
    return input.lerp(end, weight)


def where(condition, input=None, other=None):
    """where(condition, input, other) picks elementwise; where(condition) is the indices of true elements."""
    if input is None and other is None:
        return tuple(_wrap(i) for i in K["nonzero_numpy"](_array(condition, "condition")))  # a kernel: traced
    cond = _array(condition, "condition")
    if isinstance(input, Tensor):
        return _wrap(K["where"](cond, input._data, _arg(other, "other")))
    if isinstance(other, Tensor):  # where(cond, number, tensor): swap the branches to keep number semantics
        return _wrap(K["where"](K["logical_not"](cond), other._data, _arg(input, "input")))
    return _wrap(K["where"](cond, _infer_array(input), _arg(other, "other")))


def masked_fill(input, mask, value):
    return input.masked_fill(mask, value)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return input.addmm(mat1, mat2, beta=beta, alpha=alpha)


def round(input, *, decimals=0):  # noqa: A001 - torch's name
    return input.round(decimals=decimals)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return input.isclose(other, rtol, atol, equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return input.allclose(other, rtol, atol, equal_nan)


def softmax(input, dim, dtype=None):
    return input.softmax(dim, dtype)


def log_softmax(input, dim, dtype=None):
    return input.log_softmax(dim, dtype)


def threshold(input, threshold, value):
    return _wrap(K["threshold"](_array(input), threshold, value))


def prelu(input, weight):
    return _wrap(K["prelu"](_array(input), _array(weight, "weight")))


def dropout(input, p, train):
    return _wrap(K["dropout"](_array(input), p, train))


# ---- reductions ----
def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001
    return input.sum(dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    return input.mean(dim, keepdim, dtype=dtype)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    return input.prod(dim, keepdim, dtype=dtype)


def amax(input, dim=(), keepdim=False):
    return input.amax(dim, keepdim)


def amin(input, dim=(), keepdim=False):
    return input.amin(dim, keepdim)


def max(input, dim=None, keepdim=False):  # noqa: A001
    """max(input), max(input, dim, keepdim=False) -> (values, indices), max(input, other) (other as dim)."""
    return input.max(dim, keepdim)


def min(input, dim=None, keepdim=False):  # noqa: A001
    """min(input), min(input, dim, keepdim=False) -> (values, indices), min(input, other) (other as dim)."""
    return input.min(dim, keepdim)


def argmax(input, dim=None, keepdim=False):
    return input.argmax(dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return input.argmin(dim, keepdim)


def var(input, dim=None, unbiased=True, keepdim=False, *, correction=None):
    return input.var(dim, unbiased, keepdim, correction=correction)


def std(input, dim=None, unbiased=True, keepdim=False, *, correction=None):
    return input.std(dim, unbiased, keepdim, correction=correction)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    return input.norm(p, dim, keepdim, dtype)


def logsumexp(input, dim, keepdim=False):
    return input.logsumexp(dim, keepdim)


def any(input, dim=None, keepdim=False):  # noqa: A001
    return input.any(dim, keepdim)


def all(input, dim=None, keepdim=False):  # noqa: A001
    return input.all(dim, keepdim)


def cumsum(input, dim, *, dtype=None):
    return input.cumsum(dim, dtype=dtype)


# ---- shape ----
def numel(input) -> int:
    return _array(input).size


def is_floating_point(input) -> bool:
    return is_float(_array(input).dtype)


def is_complex(input) -> bool:
    return _array(input).dtype.kind == "c"


def is_conj(input) -> bool:
    return input.is_conj()


def resolve_conj(input):
    return input.resolve_conj()


def reshape(input, shape):
    return input.reshape(shape)


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def unflatten(input, dim, sizes):
    return input.unflatten(dim, sizes)


def permute(input, dims):
    return input.permute(dims)


def transpose(input, dim0, dim1):
    return input.transpose(dim0, dim1)


def swapaxes(input, axis0, axis1):
    return input.transpose(axis0, axis1)


def swapdims(input, dim0, dim1):
    return input.transpose(dim0, dim1)


def t(input):
    return input.t()


def squeeze(input, dim=None):
    return input.squeeze(dim)


def unsqueeze(input, dim):
    return input.unsqueeze(dim)


def flip(input, dims):
    return input.flip(dims)


def clone(input):
    return input.clone()


def detach(input):
    return input.detach()


def chunk(input, chunks, dim=0):
    return input.chunk(chunks, dim)


def split(tensor, split_size_or_sections, dim=0):
    return tensor.split(split_size_or_sections, dim)


def unbind(input, dim=0):
    return input.unbind(dim)


def narrow(input, dim, start, length):
    return input.narrow(dim, start, length)


def select(input, dim, index):
    return input.select(dim, index)


def index_select(input, dim, index):
    return input.index_select(dim, index)


def gather(input, dim, index):
    return input.gather(dim, index)


def index_put_(input, indices, values, accumulate=False):
    return input.index_put_(indices, values, accumulate)


def cat(tensors, dim=0):
    return _wrap(K["cat"]([_array(x, "tensors") for x in tensors], dim))


concat = concatenate = cat


def stack(tensors, dim=0):
    return _wrap(K["stack"]([_array(x, "tensors") for x in tensors], dim))


def nonzero(input, *, out=None, as_tuple=False):  # noqa: A002 - torch's names
    """The indices of the nonzero elements: [n, ndim] (ts.nonzero), or per dim (ts.nonzero_numpy)."""
    return input.nonzero(as_tuple=as_tuple)


def argwhere(input):  # noqa: A002 - torch's name
    """nonzero(input): the indices of the nonzero elements, [n, ndim]."""
    return input.nonzero()


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    return input.unique(sorted, return_inverse, return_counts, dim)


# the torch-level functions made from op definitions, where no function above has the name
globals().update({n: f for n, f in bindings("torch").items() if n not in globals()})

__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and n not in ("annotations", "np", "K", "UNARY", "bindings")]
# ATen's internal names an op definition lists for torch (torch._softmax, torch._cast_Float, ...)
__all__ += [n for n, v in list(globals().items()) if n.startswith("_") and not n.startswith("__")
            and getattr(v, "__tsjit_op__", None) is not None]
