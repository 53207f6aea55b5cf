"""Contractions: matrix products (matmul and its fixed-rank forms mm, bmm, mv, dot), their fused
scale-and-add forms (addmm, baddbmm, addmv), linear and outer (einsum: tsjit/ops/einsum.py).

The operands of a product share one dtype (PyTorch raises rather than promote) and bool has no
product kernel; outer multiplies elementwise, so it promotes. `beta * self + alpha * product`:
self must expand to the product's shape, and beta == 0 ignores it (even its NaNs).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import shape_str
from tsjit.kernels.promotion import BOOL, C_NAME, as_array, cast, not_implemented, torch_name
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import defop, op, sample
from tsjit.ops.rules import D, ShapeError, T, broadcast, dims, promoted


# -- shared checks --------------------------------------------------------------------------------

def _same_dtype(a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{C_NAME[a.dtype.name]} != {C_NAME[b.dtype.name]}")


def _no_bool(a: np.ndarray, kernel: str) -> None:
    if a.dtype == BOOL:
        raise not_implemented(kernel, a.dtype)


def _mat_error(a: np.ndarray, b: np.ndarray):
    ra = a.reshape(-1, a.shape[-1]).shape if a.ndim else (1, 1)
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({ra[0]}x{ra[1]} and "
                        f"{b.shape[-2] if b.ndim > 1 else b.shape[0]}x{b.shape[-1] if b.ndim > 1 else 1})")


def _scaled_add(self: np.ndarray, prod: np.ndarray, beta, alpha) -> np.ndarray:
    """beta * self + alpha * prod, self expanded to prod's shape (it never grows the result)."""
    if self.dtype != prod.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {torch_name(self.dtype)} and "
                           f"{torch_name(prod.dtype)}")
    try:
        self = np.broadcast_to(self, prod.shape)
    except ValueError:
        raise RuntimeError(f"The expanded size of the tensor must match the existing size: target sizes "
                           f"{shape_str(prod.shape)}, tensor sizes {shape_str(self.shape)}") from None
    if alpha != 1:
        prod = prod * cast(alpha, prod.dtype)
    if beta == 0:  # torch ignores self (even NaN) when beta is 0
        return as_array(prod)
    return as_array(prod + (self * cast(beta, prod.dtype) if beta != 1 else self))


def _product_check(g, *xs) -> None:
    """A product decomposes where PyTorch's kernel runs: one dtype, not bool (elsewhere the op stays,
    and its kernel raises)."""
    dtypes = {g.dtype(x) for x in xs}
    if len(dtypes) > 1 or BOOL in dtypes:
        raise reject(g, RuntimeError(f"no product of {' and '.join(sorted(d.name for d in dtypes))} tensors"))


def _scaled_add_ops(g, self, prod, beta, alpha):
    """`_scaled_add` in ts ops: beta * self + alpha * prod; beta == 0 ignores self."""
    _product_check(g, self, prod)
    if not is_float(g.dtype(prod)) and (isinstance(beta, float) or isinstance(alpha, float)):
        raise reject(g, RuntimeError("For integral input tensors, argument alpha must not be a floating point number."))
    try:
        expands = np.broadcast_shapes(g.shape(self), g.shape(prod)) == tuple(g.shape(prod))
    except ValueError:
        expands = False
    if not expands:
        raise reject(g, RuntimeError(f"The expanded size of the tensor must match the existing size: target sizes "
                                     f"{shape_str(g.shape(prod))}, tensor sizes {shape_str(g.shape(self))}"))
    if alpha != 1:
        prod = g.mul(prod, alpha)
    if beta == 0:
        return prod
    return g.add(prod, self if beta == 1 else g.mul(self, beta))


def _ranked(t: T, rank: int, what: str) -> tuple[int, ...]:
    sizes = dims(t)
    if len(sizes) != rank:
        raise ShapeError(f"{what} must be a {rank}-D tensor, got rank {len(sizes)}")
    return sizes


_PAIR = promoted(0, 1)
_TRIPLE = promoted(0, 1, 2)


# -- products -------------------------------------------------------------------------------------

def _dot_shape(a: T, b: T) -> tuple[int, ...]:
    _ranked(a, 1, "dot's self")
    _ranked(b, 1, "dot's tensor")
    return ()


@op("dot", "(Tensor self, Tensor tensor) -> Tensor", shape=_dot_shape, dtype=_PAIR,
    verify=chk.rank_in(0, (1,), "dot operand"), lower="contractions.lower_matmul",
    samples=lambda: [sample(s.f32(4), s.f32(4)), sample(s.special()[0], s.f32(4)), sample(s.f32(0), s.f32(0)),
                     sample(s.i64(5), s.i64(5)), sample(s.f64(3), s.f64(3)), sample(s.mask(3), s.mask(3)),
                     sample(s.f32(3), s.f64(3)), sample(s.f32(3), s.f32(4))])
def dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{torch_name(a.dtype)} and {torch_name(b.dtype)}")
    _no_bool(a, "dot")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                           f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                           f"respectively")
    return as_array(np.dot(a, b))


def _vdot(g, a, b):
    """dot with the first vector conjugated (the same as dot for real vectors)."""
    return g.dot(g.conj(a) if g.dtype(a).kind == "c" else a, b)


defop("vdot", "(Tensor self, Tensor other) -> Tensor", shape=_dot_shape, dtype=_PAIR, api="torch Tensor",
      decompose=_vdot, samples=lambda: [sample(s.f32(4), s.f32(4)), sample(s.c64(3), s.c64(3)),
                                        sample(s.c64(3), s.f32(3)), sample(s.i64(5), s.i64(5)), sample(s.f32(0), s.f32(0)),
                                        sample(s.f32(3), s.f64(3)), sample(s.mask(3), s.mask(3))])


def _matmul_shape(a: T, b: T) -> tuple[int, ...]:
    x, y = dims(a), dims(b)
    if not x or not y:
        raise ShapeError("both arguments to matmul need to be at least 1D")
    if len(x) == 1 and len(y) == 1:
        return ()
    if len(y) == 1:
        return x[:-1]
    if len(x) == 1:
        return y[:-2] + y[-1:]
    return broadcast(x[:-2], y[:-2]) + (x[-2], y[-1])


def _matmul_samples():
    return [sample(s.f32(2, 3), s.f32(3, 4)), sample(s.f32(3), s.f32(3)), sample(s.f32(3), s.f32(3, 4)),
            sample(s.special(), s.f32(4)), sample(s.f32(5, 1, 2, 3), s.f32(4, 3, 6)),
            sample(s.strided(3, 2), s.f32(0, 2, 4)), sample(s.i64(2, 3), s.i64(3, 2)),
            sample(s.mask(2, 3), s.mask(3, 2))]


@op("matmul", "(Tensor self, Tensor other) -> Tensor", shape=_matmul_shape, dtype=_PAIR, verify=chk.MATMUL,
    lower="contractions.lower_matmul", samples=_matmul_samples)
def matmul(a, b):
    """torch.matmul: 1-D operands are a row/column vector, leading dims broadcast."""
    if a.dtype is not b.dtype:
        _same_dtype(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    _no_bool(a, "addmm_impl_cpu_")
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


def _mm_shape(a: T, b: T) -> tuple[int, ...]:
    return (_ranked(a, 2, "mm's self")[0], _ranked(b, 2, "mm's mat2")[1])


@op("mm", "(Tensor self, Tensor mat2) -> Tensor", shape=_mm_shape, dtype=_PAIR, verify=chk.MATMUL,
    lower="contractions.lower_matmul",
    samples=lambda: [sample(s.f32(2, 3), s.f32(3, 4)), sample(s.strided(3, 2), s.f32(2, 0)),
                     sample(s.f32(2, 0), s.f32(0, 3)), sample(s.i64(2, 3), s.i64(3, 2)),
                     sample(s.mask(2, 2), s.mask(2, 2)), sample(s.f32(3), s.f32(3, 2)),
                     sample(s.f32(2, 3), s.f32(4, 2)), sample(s.f32(2, 3), s.f64(3, 2))])
def mm(a, b):
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _same_dtype(a, b)
    _no_bool(a, "addmm_impl_cpu_")
    if a.shape[1] != b.shape[0]:
        raise _mat_error(a, b)
    return np.matmul(a, b)


def _bmm_shape(a: T, b: T) -> tuple[int, ...]:
    x, y = _ranked(a, 3, "bmm's self"), _ranked(b, 3, "bmm's mat2")
    return (x[0] if x[0] != D else y[0], x[1], y[2])


@op("bmm", "(Tensor self, Tensor mat2) -> Tensor", shape=_bmm_shape, dtype=_PAIR, verify=chk.MATMUL,
    lower="contractions.lower_matmul",
    samples=lambda: [sample(s.f32(2, 2, 3), s.f32(2, 3, 4)), sample(s.f32(0, 2, 3), s.f32(0, 3, 1)),
                     sample(s.i64(2, 1, 3), s.i64(2, 3, 2)), sample(s.mask(1, 2, 2), s.mask(1, 2, 2)),
                     sample(s.f32(2, 2, 3), s.f32(3, 3, 4)), sample(s.f32(2, 3), s.f32(3, 4))])
def bmm(a, b):
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _same_dtype(a, b)
    _no_bool(a, "bmm")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return np.matmul(a, b)


def _mv_shape(a: T, v: T) -> tuple[int, ...]:
    _ranked(v, 1, "mv's vec")
    return _ranked(a, 2, "mv's self")[:1]


def _mv(g, a, v):
    _product_check(g, a, v)
    return g.matmul(a, v)


@op("mv", "(Tensor self, Tensor vec) -> Tensor", shape=_mv_shape, dtype=_PAIR, decompose=_mv,
    samples=lambda: [sample(s.f32(3, 4), s.f32(4)), sample(s.strided(2, 3), s.f32(3)), sample(s.f32(0, 2), s.f32(2)),
                     sample(s.i64(2, 3), s.i64(3)), sample(s.mask(2, 2), s.mask(2)), sample(s.f32(3, 4), s.f32(3)),
                     sample(s.f32(3), s.f32(3))], api="torch Tensor")
def mv(a, v):
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {v.ndim}, {a.ndim}, {v.ndim}")
    _same_dtype(a, v)
    _no_bool(a, "addmv_impl_cpu")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
                           f"vec ({v.shape[0]})")
    return as_array(np.matmul(a, v))


def _outer_shape(a: T, b: T) -> tuple[int, ...]:
    return _ranked(a, 1, "outer's self") + _ranked(b, 1, "outer's vec2")


def _outer(g, a, b):
    if g.dim(a) != 1 or g.dim(b) != 1:
        raise reject(g, RuntimeError("outer: expected 1D tensors"))
    return g.mul(g.unsqueeze(a, 1), b)


@op("outer", "(Tensor self, Tensor vec2) -> Tensor", shape=_outer_shape, dtype=_PAIR, decompose=_outer,
    samples=lambda: [sample(s.f32(3), s.f32(4)), sample(s.special()[1], s.f32(2)), sample(s.f32(0), s.f32(3)),
                     sample(s.i64(3), s.f32(2)), sample(s.mask(2), s.mask(3)), sample(s.f32(2, 2), s.f32(2)),
                     sample(s.strided(2, 3)[0], s.f64(2))], api="torch Tensor", aten="outer ger")
def outer(a, b):
    """a[:, None] * b[None, :]: an elementwise product, so dtypes promote."""
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError("outer: expected 1D tensors")
    from tsjit.ops.arithmetic import mul
    return mul(a[:, None], b[None, :])


# -- scaled adds ----------------------------------------------------------------------------------

def _addmm_shape(c: T, m1: T, m2: T, beta, alpha) -> tuple[int, ...]:
    return _mm_shape(m1, m2)


@op("addmm", "(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
    shape=_addmm_shape, dtype=_TRIPLE, lower="contractions.lower_addmm",
    samples=lambda: [sample(s.f32(4), s.f32(2, 3), s.f32(3, 4), 0.5, 2.0),
                     sample(s.f32(2, 4), s.f32(2, 3), s.f32(3, 4), 1, 1),
                     sample(np.full((2, 1), np.nan, np.float32), s.f32(2, 3), s.f32(3, 4), 0, 1),
                     sample(s.i64(3), s.i64(2, 2), s.i64(2, 3), 2, 3), sample(s.f32(5), s.f32(2, 3), s.f32(3, 4), 1, 1),
                     sample(s.f32(3, 2, 4), s.f32(2, 3), s.f32(3, 4), 1, 1),
                     sample(s.f64(4), s.f32(2, 3), s.f32(3, 4), 1, 1),
                     sample(s.mask(2), s.mask(2, 2), s.mask(2, 2), 1, 1)])
def addmm(self, m1, m2, beta=1, alpha=1):
    return _scaled_add(self, mm(m1, m2), beta, alpha)


def _bmm_ops(g, b1, b2):
    _product_check(g, b1, b2)
    return g.bmm(b1, b2)


def _baddbmm_shape(c: T, b1: T, b2: T, beta, alpha) -> tuple[int, ...]:
    return _bmm_shape(b1, b2)


@op("baddbmm", "(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
    shape=_baddbmm_shape, dtype=_TRIPLE, decompose=lambda g, c, b1, b2, beta, alpha: _scaled_add_ops(
        g, c, _bmm_ops(g, b1, b2), beta, alpha),
    samples=lambda: [sample(s.f32(2, 3, 4), s.f32(2, 3, 5), s.f32(2, 5, 4), 0.5, 2.0),
                     sample(s.f32(4), s.f32(2, 3, 5), s.f32(2, 5, 4), 1, 1),
                     sample(np.full((1, 3, 1), np.inf, np.float32), s.f32(2, 3, 2), s.f32(2, 2, 4), 0, -1),
                     sample(s.i64(2, 1, 2), s.i64(2, 1, 3), s.i64(2, 3, 2), 1, 2),
                     sample(s.f32(3, 2, 2), s.f32(2, 2, 2), s.f32(2, 2, 2), 1, 1),
                     sample(s.f32(2, 2), s.f32(2, 2, 2), s.f32(2, 2, 2), 1, 1)], api="torch Tensor")
def baddbmm(self, b1, b2, beta=1, alpha=1):
    return _scaled_add(self, bmm(b1, b2), beta, alpha)


def _addmv_shape(c: T, a: T, v: T, beta, alpha) -> tuple[int, ...]:
    return _mv_shape(a, v)


@op("addmv", "(Tensor self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
    shape=_addmv_shape, dtype=_TRIPLE, decompose=lambda g, c, a, v, beta, alpha: _scaled_add_ops(
        g, c, _mv(g, a, v), beta, alpha),
    samples=lambda: [sample(s.f32(3), s.f32(3, 4), s.f32(4), 0.5, 2.0), sample(s.f32(1), s.f32(2, 3), s.f32(3), 1, 1),
                     sample(np.array(np.nan, np.float32), s.f32(2, 3), s.f32(3), 0, 1),
                     sample(s.i64(2), s.i64(2, 3), s.i64(3), 2, 1), sample(s.f32(3), s.f32(2, 3), s.f32(3), 1, 1),
                     sample(s.mask(2), s.mask(2, 2), s.mask(2), 1, 1)], api="torch Tensor")
def addmv(self, a, v, beta=1, alpha=1):
    return _scaled_add(self, mv(a, v), beta, alpha)


# -- linear ---------------------------------------------------------------------------------------

def _linear_shape(x: T, w: T, bias) -> tuple[int, ...]:
    xs, ws = dims(x), dims(w)
    if not xs or len(ws) not in (1, 2):
        raise ShapeError("linear needs an input of rank >= 1 and a weight of rank 1 or 2")
    return xs[:-1] + ws[:1] if len(ws) == 2 else xs[:-1]


@op("linear", "(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor", shape=_linear_shape, dtype=_PAIR,
    verify=chk.LINEAR, lower="contractions.lower_linear",
    samples=lambda: [sample(s.f32(5, 3), s.f32(4, 3), s.f32(4)), sample(s.f32(3), s.f32(4, 3), None),
                     sample(s.f32(2, 5, 3), s.f32(4, 3), s.f32(4)), sample(s.strided(2, 3), s.f32(4, 3), s.f32(1)),
                     sample(s.i64(2, 3), s.i64(4, 3), s.i64(4)), sample(s.f32(2, 3), s.f32(3), np.array(s.f32(1)[0])),
                     sample(s.f32(2, 3), s.f32(4, 3), s.f64(4)), sample(s.mask(2, 3), s.mask(4, 3), None)])
def linear(x, weight, bias=None):
    """x @ weight.T + bias; a 1-D input gives a 1-D output; the bias expands to the result."""
    if x.dtype is not weight.dtype:
        _same_dtype(x, weight)
    _no_bool(x, "addmm_impl_cpu_")
    if bias is not None and bias.dtype != x.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {torch_name(bias.dtype)} and "
                           f"{torch_name(x.dtype)}")
    if bias is not None and weight.ndim == 1 and x.ndim in (2, 3):  # torch's addmm path needs a matrix weight
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    if x.shape[-1] != weight.shape[-1]:
        rows = x.size // x.shape[-1] if x.shape[-1] else 0
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows if x.ndim > 1 else 1}x{x.shape[-1]}"
                           f" and {weight.shape[-1]}x{weight.shape[0]})")
    out = as_array(np.matmul(x, weight.T))
    if bias is not None:
        if np.broadcast_shapes(out.shape, bias.shape) != out.shape:
            raise RuntimeError(f"The expanded size of the tensor must match the existing size: target sizes "
                               f"{shape_str(out.shape)}, tensor sizes {shape_str(bias.shape)}")
        if out.ndim and out.base is None:
            out += bias  # in place: the bias never grows the result
        else:
            out = out + bias
    return as_array(out)
