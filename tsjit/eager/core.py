"""The core of `tsjit.Tensor`: an eager tensor holding a numpy array, and the helpers every method uses.

Every computation is a kernel call (`tsjit.ops.EAGER`: the same numpy kernels compiled code
runs), so eager and compiled results agree. `TensorCore` holds construction, metadata,
conversions and Python protocols; tensor.py composes it with the operator, math, in-place and
shape mixins into `Tensor` and registers that class here (`set_tensor_class`), so `wrap(ndarray)`
makes a Tensor around an array: no copy, no checks.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit import dtypes
from tsjit.dtypes import is_float
from tsjit.eager.meta import CPU, Size, device
from tsjit.eager.printing import tensor_repr
from tsjit.kernels.promotion import check_inplace, torch_name
from tsjit.ops import EAGER as K

_new = object.__new__
_DTYPE_OF = dtypes._BY_NUMPY
_NOT_AN_OPERAND = object()


def _wrap(a: np.ndarray) -> "Tensor":
    """A Tensor around ndarray `a` (the hot path: no validation, no copy)."""
    t = _new(Tensor)
    t._data = a
    t.requires_grad = False
    return t


def _wrap_all(arrays) -> tuple:
    return tuple(_wrap(a) for a in arrays)


def _slow_operand(x):
    if isinstance(x, TensorCore):
        return x._data
    if isinstance(x, (int, float, complex)):  # bool is an int
        return x
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, np.generic):
        return x.item()
    return _NOT_AN_OPERAND


def _operand(x):
    """A `Tensor|Scalar` argument as the kernels take it: an ndarray or a Python number."""
    t = type(x)
    if t is Tensor:
        return x._data
    if t is int or t is float or t is bool:
        return x
    return _slow_operand(x)


def _arg(x, what: str = "argument"):
    """Like _operand, but a TypeError for values that are neither tensors nor numbers."""
    o = _operand(x)
    if o is _NOT_AN_OPERAND:
        raise TypeError(f"{what} must be a Tensor or a number, not {type(x).__name__}")
    return o


def _array(x, what: str = "input") -> np.ndarray:
    """A `Tensor` argument's array."""
    if isinstance(x, TensorCore):
        return x._data
    if isinstance(x, np.ndarray):
        return x
    raise TypeError(f"{what} must be a Tensor, not {type(x).__name__}")


def _write(self: "Tensor", result: np.ndarray) -> "Tensor":
    """Store an out-of-place result into `self`, as an in-place op does (same casting rules)."""
    check_inplace(self._data.dtype, result.dtype)
    if result.shape != self._data.shape and np.broadcast_shapes(result.shape, self._data.shape) != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(result.shape, self._data.shape))}")
    K["copy_"](self._data, result)
    return self


class Methods:
    """The methods a mixin module defines, collected as it defines them (`@method`), then made
    into its mixin class (`mixin(name)`): Tensor is composed of mixins, never patched."""

    def __init__(self):
        self.table: dict[str, Callable] = {}

    def __call__(self, fn: Callable) -> Callable:
        fn.__qualname__ = f"Tensor.{fn.__name__}"
        self.table[fn.__name__] = fn
        return fn

    def alias(self, alias: str, name: str) -> None:
        self.table[alias] = self.table[name]

    def mixin(self, name: str, doc: str = "") -> type:
        return type(name, (), {"__slots__": (), "__doc__": doc, **self.table})


class TensorCore:
    """A multi-dimensional array of one dtype on the cpu: construction, metadata, conversions, protocols."""

    __slots__ = ("_data", "requires_grad", "__weakref__")
    __array_ufunc__ = None  # numpy scalars and arrays defer to our reflected operators
    _wrap = staticmethod(_wrap)

    def __init__(self, *args, dtype=None, device=None):
        """torch.Tensor(data) (a float32 copy) or torch.Tensor(*sizes) (zeros of that shape)."""
        dt = dtypes.get_default_dtype() if dtype is None else dtype
        _check_device(device)
        if len(args) == 1 and not isinstance(args[0], int):
            data = args[0]
            data = data._data if isinstance(data, TensorCore) else data
            self._data = np.array(data, dtype=dt.numpy)
        else:
            size = args[0] if len(args) == 1 and not isinstance(args[0], int) else args
            self._data = K["zeros"](list(size), dt.code)
        self.requires_grad = False

    # ---- metadata ----
    @property
    def dtype(self) -> dtypes.dtype:
        return _DTYPE_OF[self._data.dtype]

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> device:
        return CPU

    is_cuda = False
    is_leaf = True
    grad = None
    grad_fn = None
    is_sparse = False
    is_quantized = False

    @property
    def data(self) -> "Tensor":
        return _wrap(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        self._data = _array(value, "data")

    @property
    def T(self) -> "Tensor":  # noqa: N802 - torch's name
        return _wrap(K["permute"](self._data, list(range(self._data.ndim - 1, -1, -1))))

    @property
    def mT(self) -> "Tensor":  # noqa: N802 - torch's name
        return _wrap(K["mT"](self._data))

    @property
    def real(self) -> "Tensor":
        """The real part, a view (the tensor itself when it is real)."""
        return _wrap(K["real"](self._data))

    @property
    def imag(self) -> "Tensor":
        """The imaginary part, a view (complex tensors only)."""
        return _wrap(K["imag"](self._data))

    @property
    def mH(self) -> "Tensor":  # noqa: N802 - torch's name (real tensors: the transpose)
        return _wrap(K["mH"](self._data))

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        shape = self._data.shape
        if type(dim) is int and -len(shape) <= dim < len(shape):
            return shape[dim]
        return K["size_dim"](self._data, dim)  # its errors: out of range, 0-d tensors

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim=None):
        return tuple(K["stride"](self._data)) if dim is None else K["stride_dim"](self._data, dim)

    def is_contiguous(self) -> bool:
        return K["is_contiguous"](self._data)

    def is_floating_point(self) -> bool:
        return is_float(self._data.dtype)

    def is_conj(self) -> bool:
        return False  # no lazy conjugate or negative bits: conj() and neg() compute at once

    def is_neg(self) -> bool:
        return False

    def resolve_conj(self):
        return self  # (PyTorch's too, without a conjugate bit to resolve)

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def get_device(self) -> int:
        return -1

    def requires_grad_(self, requires_grad=True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        raise RuntimeError("tsjit tensors have no autograd: backward() is not supported")

    # ---- conversions ----
    def item(self):
        return K["item"](self._data)

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False) -> np.ndarray:
        """The array itself: changes to either show in the other, as with torch."""
        return self._data

    def __array__(self, dtype=None, copy=None):
        if dtype is None or np.dtype(dtype) == self._data.dtype:
            return self._data.copy() if copy else self._data
        return self._data.astype(dtype)

    def to(self, device=None, dtype=None, non_blocking=False, copy=False):
        """to(dtype), to(device, dtype), to(other): `device` also takes a dtype or a tensor (overloads)."""
        if isinstance(device, dtypes.dtype):
            device, dtype = None, device
        elif isinstance(device, TensorCore):
            device, dtype = None, device.dtype
        _check_device(device)
        if dtype is None or dtype.numpy == self._data.dtype:
            return _wrap(K["clone"](self._data)) if copy else self
        return _wrap(K["to"](self._data, dtype.code))

    def cpu(self) -> "Tensor":
        return self

    def cuda(self, device=None, non_blocking=False):
        raise RuntimeError("tsjit tensors live on the cpu only")

    def float(self) -> "Tensor":
        return self.to(dtypes.float32)

    def double(self) -> "Tensor":
        return self.to(dtypes.float64)

    def half(self) -> "Tensor":
        return self.to(dtypes.float16)

    def bfloat16(self) -> "Tensor":
        return self.to(dtypes.bfloat16)

    def long(self) -> "Tensor":
        return self.to(dtypes.int64)

    def int(self) -> "Tensor":
        return self.to(dtypes.int32)

    def short(self) -> "Tensor":
        return self.to(dtypes.int16)

    def char(self) -> "Tensor":
        return self.to(dtypes.int8)

    def byte(self) -> "Tensor":
        return self.to(dtypes.uint8)

    def bool(self) -> "Tensor":
        return self.to(dtypes.bool)

    def type_as(self, other) -> "Tensor":
        return self.to(_DTYPE_OF[_array(other, "other").dtype])

    def type(self, dtype=None, non_blocking=False):
        """x.type() is the legacy type name ('torch.FloatTensor'); x.type(dtype) converts."""
        if dtype is None:
            return f"torch.{torch_name(self._data.dtype)}Tensor"
        return self.to(dtype)

    def __bool__(self) -> bool:
        return K["to_bool"](self._data)

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return K["to_int"](self._data)

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return K["to_float"](self._data)

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def __complex__(self) -> complex:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return complex(self._data.reshape(()).item())

    # ---- Python protocols ----
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(_wrap_all(K["unbind"](self._data, 0)))

    def __reversed__(self):
        return self.flip(0) if self._data.ndim else self

    def __contains__(self, element) -> bool:
        if not isinstance(element, (TensorCore, int, float, complex)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")
        return bool(K["any"](K["eq"](self._data, _operand(element)), None, False))

    __hash__ = object.__hash__

    def __repr__(self, *, tensor_contents=None) -> str:
        return tensor_repr(self._data, self.requires_grad)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce__(self):
        return (_rebuild, (self._data, self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = _rebuild(self._data.copy(), self.requires_grad)
        return memo[id(self)]



def _check_device(dev) -> None:
    if dev is not None and device(dev).type != "cpu":
        raise RuntimeError(f"tsjit tensors live on the cpu only, not on {dev}")


def _rebuild(a: np.ndarray, requires_grad: bool) -> Tensor:
    t = _wrap(a)
    t.requires_grad = requires_grad
    return t




#: The composed class `wrap` makes (tensor.py registers it; TensorCore until then).
Tensor: type = TensorCore


def set_tensor_class(cls: type) -> None:
    """Make `cls` (TensorCore with its mixins) the class of every tensor the helpers create."""
    global Tensor
    Tensor = cls
