"""Matrix products: matmul (torch.matmul's 1-D/2-D/batched rules), mm, bmm, addmm, linear, dot."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import C_NAME, as_array, cast, torch_name


def _same_dtype(a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{C_NAME[a.dtype.name]} != {C_NAME[b.dtype.name]}")


def _mat_error(a: np.ndarray, b: np.ndarray):
    ra = a.reshape(-1, a.shape[-1]).shape if a.ndim else (1, 1)
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({ra[0]}x{ra[1]} and "
                        f"{b.shape[-2] if b.ndim > 1 else b.shape[0]}x{b.shape[-1] if b.ndim > 1 else 1})")


def dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{torch_name(a.dtype)} and {torch_name(b.dtype)}")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                           f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                           f"respectively")
    return as_array(np.dot(a, b))


def matmul(a, b):
    if a.dtype is not b.dtype:
        _same_dtype(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != k_b:
        if a.ndim <= 2 and b.ndim <= 2:
            raise _mat_error(a, b)
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b.shape[0] if b.ndim > 2 else 1}, {a.shape[-1]}] but got: "
                           f"[{b.shape[0] if b.ndim > 2 else 1}, {k_b}].")
    try:
        return np.matmul(a, b)
    except ValueError:
        raise RuntimeError(f"The size of tensor a must match the size of tensor b at non-singleton dimension: "
                           f"{shape_str(a.shape[:-2])} vs {shape_str(b.shape[:-2])}") from None


def mm(a, b):
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _same_dtype(a, b)
    if a.shape[1] != b.shape[0]:
        raise _mat_error(a, b)
    return np.matmul(a, b)


def bmm(a, b):
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _same_dtype(a, b)
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return np.matmul(a, b)


def addmm(self, m1, m2, beta=1, alpha=1):
    prod = mm(m1, m2)
    if alpha != 1:
        prod = prod * cast(alpha, prod.dtype)
    if beta == 0:  # torch ignores self (even NaN) when beta is 0
        return as_array(np.broadcast_to(prod, np.broadcast_shapes(self.shape, prod.shape)).copy())
    return as_array(prod + self * cast(beta, prod.dtype) if beta != 1 else prod + self)


def linear(x, weight, bias=None):
    """x @ weight.T + bias; a 1-D input gives a 1-D output."""
    if x.dtype is not weight.dtype:
        _same_dtype(x, weight)
    if x.shape[-1] != weight.shape[-1]:
        rows = x.size // x.shape[-1] if x.shape[-1] else 0
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows if x.ndim > 1 else 1}x{x.shape[-1]}"
                           f" and {weight.shape[-1]}x{weight.shape[0]})")
    out = np.matmul(x, weight.T)
    if bias is not None:
        if bias.dtype is out.dtype and out.ndim and (bias.shape in ((out.shape[-1],), (1,), ())
                                                     or out.shape == np.broadcast_shapes(out.shape, bias.shape)):
            out += bias  # in place when the bias does not grow the result (the usual (out_features,) bias)
        else:
            out = out + bias
    return as_array(out)


KERNELS: dict[str, Callable] = {
    "matmul": matmul, "mm": mm, "bmm": bmm, "addmm": addmm, "linear": linear, "dot": dot,
}
