"""Complex-number ops: real, imag, conj, angle, sgn, view_as_real / view_as_complex, complex, polar.

Complex tensors are numpy complex64 / complex128 arrays (PyTorch's ComplexFloat / ComplexDouble;
complex32 is not supported). The C backend has no complex types: ts-complex-to-real holds a
program's complex values as real pairs (tsjit/passes/complex_rules.py), and what it cannot rewrite
runs on numpy. PyTorch's lazy conjugate and negative views are plain values here: a
conjugate is computed when it is taken, and resolve_conj / resolve_neg are the identity.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import check_broadcast
from tsjit.kernels.promotion import as_array, complex_of, real_of, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import NotDecomposable
from tsjit.ops.registry import REGISTRY, op, sample
from tsjit.ops.rules import ShapeError, broadcast_of, dims, promoted, real_same, same, same_dtype

_ON_NUMPY = ("complex values: no lowering of their own; in C through ts-complex-to-real (real pairs) when "
             "every complex op of the function has a rule there, else on numpy")


def _unary_samples():
    return [sample(s.c64(2, 3)), sample(s.c64(4, dtype=np.complex128)), sample(s.c64(0, 2)), sample(np.asarray(s.c64(1)[0])),
            sample(s.f32(2, 3)), sample(s.i64(3)), sample(np.array([0, 1j, np.nan + 1j, np.inf - 2j], np.complex64))]


@op("real", "(Tensor self) -> Tensor", shape=same, dtype=real_same, numpy_only=_ON_NUMPY, api="torch",
    samples=_unary_samples)
def real(a):
    """The real part (a view of it); a real tensor is its own real part."""
    return a.real if a.dtype.kind == "c" else a


@op("imag", "(Tensor self) -> Tensor", shape=same, dtype=real_same, numpy_only=_ON_NUMPY, api="torch",
    samples=_unary_samples)
def imag(a):
    if a.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return a.imag


@op("conj", "(Tensor self) -> Tensor", shape=same, dtype=same_dtype, numpy_only=_ON_NUMPY, api="torch Tensor",
    aten="conj conj_physical _conj _conj_physical", samples=_unary_samples)
def conj(a):
    """The complex conjugate; a real tensor is its own."""
    return np.conj(a) if a.dtype.kind == "c" else a


@op("resolve_neg", "(Tensor self) -> Tensor", shape=same, dtype=same_dtype, decompose=lambda g, x: g.clone(x),
    api="torch Tensor", aten="resolve_neg resolve_conj",
    samples=lambda: [sample(s.f32(2, 3)), sample(s.i64(4)), *_unary_samples()])
def resolve_neg(a):
    """Identity: tsjit keeps no lazy negative or conjugate bit, so resolving one (resolve_neg,
    resolve_conj: materializing a lazy view) changes no value."""
    return a


def _angle(g, x):
    """Real tensors: pi where negative, NaN where NaN, else 0 (lowers); complex ones: ts-complex-to-real's rule."""
    if g.dtype(x).kind == "c":
        raise NotDecomposable("angle of a complex tensor: ts-complex-to-real's rule")
    out = x if is_float(g.dtype(x)) else g.to(x, 6)
    return g.where(g.isnan(out), out, g.masked_fill(g.zeros_like(out, None), g.lt(out, 0), float(np.pi)))


@op("angle", "(Tensor self) -> Tensor", shape=same, dtype=lambda x: None if x.dtype is None else real_of(
    x.dtype if is_float(x.dtype) or x.dtype.kind == "c" else np.dtype(np.float32)),
    decompose=_angle, api="torch Tensor",
    samples=lambda: [sample(np.array([-1.5, 0, 2, np.nan, -np.inf], np.float32)), *_unary_samples()])
def angle(a):
    """The argument of each element: pi for negative reals, 0 for the others (NaN stays NaN)."""
    if a.dtype.kind == "c":
        return as_array(np.angle(a).astype(real_of(a.dtype)))
    out = a if is_float(a.dtype) else a.astype(np.float32)
    with np.errstate(invalid="ignore"):
        return as_array(np.where(np.isnan(out), out, np.where(out < 0, np.pi, 0)).astype(out.dtype))


def _sgn(g, x):
    """Real tensors: sign (which lowers); complex ones stay (on numpy)."""
    if g.dtype(x).kind == "c":
        raise NotDecomposable("sgn of a complex tensor: no rule in ts-complex-to-real")
    return g.sign(x)


@op("sgn", "(Tensor self) -> Tensor", shape=same, dtype=same_dtype, decompose=_sgn, api="torch Tensor",
    samples=lambda: [sample(s.f32(3, 4)), *_unary_samples()])
def sgn(a):
    """x / |x| (0 for 0) for complex tensors; the sign of real ones."""
    if a.dtype.kind != "c":
        return REGISTRY["sign"].kernel(a)
    with np.errstate(all="ignore"):
        magnitude = np.abs(a)
        return as_array(np.where(magnitude == 0, 0, a / np.where(magnitude == 0, 1, magnitude)).astype(a.dtype))


@op("view_as_real", "(Tensor self) -> Tensor", shape=lambda x: dims(x) + (2,), dtype=real_same,
    numpy_only=_ON_NUMPY, api="torch", aten="view_as_real view_as_real_copy", samples=_unary_samples)
def view_as_real(a):
    """The real and imaginary parts side by side in a last dim of size 2."""
    if a.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return as_array(np.stack([a.real, a.imag], axis=-1))


def _as_complex_shape(x):
    xs = dims(x)
    if not xs or xs[-1] != 2:
        raise ShapeError("view_as_complex: the last dim must be 2")
    return xs[:-1]


@op("view_as_complex", "(Tensor self) -> Tensor", shape=_as_complex_shape,
    dtype=lambda x: None if x.dtype is None or x.dtype.kind != "f" else complex_of(x.dtype), numpy_only=_ON_NUMPY,
    api="torch", samples=lambda: [sample(s.f32(3, 2)), sample(s.f64(2, 4, 2)), sample(s.f32(2, 3)),
                                  sample(s.i64(3, 2)), sample(s.f32(2))])
def view_as_complex(a):
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"view_as_complex is only supported for float and double tensors, but got a tensor of "
                           f"scalar type: {torch_name(a.dtype)}")
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    out = np.empty(a.shape[:-1], complex_of(a.dtype))  # parts set, not a + 1j * b: 1j * inf is NaN + inf i
    out.real, out.imag = a[..., 0], a[..., 1]
    return as_array(out)


def _parts(name: str, a: np.ndarray, b: np.ndarray) -> np.dtype:
    if a.dtype not in (np.float16, np.float32, np.float64) or b.dtype not in (np.float16, np.float32, np.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {torch_name(a.dtype)} "
                           f"and {torch_name(b.dtype)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"Expected object of scalar type {torch_name(a.dtype)} but got scalar type "
                           f"{torch_name(b.dtype)} for second argument")
    check_broadcast(a.shape, b.shape)
    return complex_of(a.dtype)


def _parts_samples():
    return [sample(s.f32(2, 3), s.f32(3)), sample(s.f64(4), s.f64(4)), sample(s.f32(0, 2), s.f32(2)),
            sample(s.f32(3), s.f64(3)), sample(s.i64(3), s.i64(3)), sample(s.f32(2, 3), s.f32(2))]


def _complex_dtype(a, b):
    dtype = promoted(0, 1)(a, b)
    return None if dtype is None or dtype.kind != "f" else complex_of(dtype)


@op("complex", "(Tensor real, Tensor imag) -> Tensor", shape=broadcast_of(0, 1), dtype=_complex_dtype,
    numpy_only=_ON_NUMPY, api="torch", samples=_parts_samples)
def complex_(re, im):
    """real + i imag."""
    dtype = _parts("complex", re, im)
    return as_array((re + 1j * im.astype(re.dtype)).astype(dtype))


@op("polar", "(Tensor abs, Tensor angle) -> Tensor", shape=broadcast_of(0, 1), dtype=_complex_dtype,
    numpy_only=_ON_NUMPY, api="torch", samples=_parts_samples)
def polar(magnitude, phase):
    """abs * (cos(angle) + i sin(angle))."""
    dtype = _parts("polar", magnitude, phase)
    with np.errstate(all="ignore"):
        return as_array((magnitude * np.cos(phase) + 1j * (magnitude * np.sin(phase))).astype(dtype))

