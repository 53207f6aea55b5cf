"""torch.fft: fft / ifft / rfft / irfft / hfft / ihfft, their 2-D and n-D forms (but hfft2 / hfftn),
and fftfreq / rfftfreq (fftshift / ifftshift are in misc_math.py).

The kernels run numpy's pocketfft; the signal length `n` (or sizes `s`) crops or zero-pads each
transformed dim, and `norm` is PyTorch's ("backward" = None, "forward", "ortho"; numpy's names are
the same). Real inputs of the complex transforms are promoted as PyTorch does (integers to the
default float, float32 to complex64), and half types are refused as PyTorch's CPU FFT refuses them.
Results are complex, which the C backend holds as real pairs: ts-complex-to-real makes each
transform DFT-matrix products (tsjit/passes/fft_rules.py), and one too long for that runs on numpy;
fftfreq / rfftfreq are constants of their arguments, which canonicalize folds.
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import DEFAULT_FLOAT, as_array, complex_of, dtype_of, real_of, torch_name
from tsjit.ops import samples as s
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import BY_KERNEL

_COMPLEX = ("complex results: in C through ts-complex-to-real (DFT-matrix products on real pairs) when every "
            "complex op of the function has a rule there, else on numpy")
_NORMS = (None, "backward", "forward", "ortho")


def _input(x: np.ndarray, name: str, real_only: bool = False) -> np.ndarray:
    """x promoted as PyTorch's FFT promotes it (a real float or its complex type)."""
    if x.dtype.kind == "c":
        if real_only:
            raise RuntimeError(f"{name} expects a real input tensor, but got {torch_name(x.dtype)}")
        return x
    if x.dtype.kind in "biu":
        return x.astype(DEFAULT_FLOAT)
    if not is_float(x.dtype) or x.dtype.itemsize < 4:
        raise RuntimeError(f"Unsupported dtype {torch_name(x.dtype)}")
    return x


def _norm(norm):
    if norm not in _NORMS:
        raise RuntimeError(f"Invalid normalization mode: {norm}")
    return norm


def _call(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except (ValueError, IndexError) as e:
        raise RuntimeError(str(e)) from None


#: name -> (numpy function, result kind: "c" complex / "r" real, takes real input only)
_ONE_D = {"fft": (np.fft.fft, "c", False), "ifft": (np.fft.ifft, "c", False), "rfft": (np.fft.rfft, "c", True),
          "irfft": (np.fft.irfft, "r", False), "hfft": (np.fft.hfft, "r", False), "ihfft": (np.fft.ihfft, "c", True)}
_N_D = {"fft": (np.fft.fftn, "c", False), "ifft": (np.fft.ifftn, "c", False), "rfft": (np.fft.rfftn, "c", True),
        "irfft": (np.fft.irfftn, "r", False)}


def _result(out: np.ndarray, x: np.ndarray, kind: str) -> np.ndarray:
    return as_array(out.astype(complex_of(x.dtype) if kind == "c" else real_of(x.dtype)))


def _one_d(name):
    fn, kind, real_only = _ONE_D[name]

    def kernel(x, n=None, dim=-1, norm=None):
        x = _input(x, f"{name}", real_only)
        if n is not None and n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
        return _result(_call(fn, x, n, dim, _norm(norm)), x, kind)
    kernel.__name__ = f"fft_{name}"
    return kernel


def _n_d(name, two_d):
    fn, kind, real_only = _N_D[name]

    def kernel(x, s=None, dim=None, norm=None):
        x = _input(x, f"{name}n", real_only)
        if s is not None and any(v < 1 for v in s if v != -1):
            raise RuntimeError(f"Invalid number of data points ({min(s)}) specified")
        if s is not None and dim is not None and len(s) != len(dim):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if dim is not None and len(set(d % max(x.ndim, 1) for d in dim)) != len(dim):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and -1 in s:
            axes = list(dim) if dim is not None else list(range(x.ndim - len(s), x.ndim))
            s = [x.shape[a] if v == -1 else v for v, a in zip(s, axes)]
        return _result(_call(fn, x, s, dim, _norm(norm)), x, kind)
    kernel.__name__ = f"fft_{name}{'2' if two_d else 'n'}"
    return kernel


def _samples_1d(name):
    real_only = _ONE_D[name][2]
    x = s.f32(3, 8)
    c = s.c64(3, 5)
    base = [sample(x, None, -1, None), sample(x, 6, 1, "ortho"), sample(x, 10, -1, "forward"), sample(s.f64(8), None, 0, None),
            sample(s.i64(2, 6), None, 0, "backward"), sample(s.f32(4), 0, -1, None), sample(s.f32(4), None, 2, None),
            sample(x.astype(np.float16), None, -1, None), sample(s.f32(4), None, -1, "bad")]
    return lambda: base + ([] if real_only else [sample(c, None, -1, None), sample(c, 4, 0, "ortho")])


def _samples_nd(name, two_d):
    real_only = _N_D[name][2]
    x = s.f32(2, 4, 6)
    c = s.c64(3, 4, 5)
    dims = [-2, -1] if two_d else None
    out = [sample(x, None, dims, None), sample(x, [4, 8], [0, 2], "ortho"), sample(s.f64(4, 6), [3, 5], [-2, -1], "forward"),
           sample(x, None, [0, 1], None), sample(s.i64(3, 4), None, [-2, -1], None),
           sample(x, [-1, 4], [1, 2], None), sample(x, [3, 4], [1], None), sample(x, None, [1, 1], None)]
    if not two_d:
        out += [sample(x, [4, 4], None, None), sample(x, None, None, "forward")]
    return lambda: out + ([] if real_only else [sample(c, None, dims, None)])


for _name in _ONE_D:
    defop(f"fft_{_name}", "(Tensor self, int? n=None, int dim=-1, str? norm=None) -> Tensor", _one_d(_name),
          shape=BY_KERNEL, dtype=BY_KERNEL, api="torch", numpy_only=_COMPLEX, samples=_samples_1d(_name))
for _name in _N_D:
    defop(f"fft_{_name}2", "(Tensor self, int[]? s=None, int[] dim=[-2, -1], str? norm=None) -> Tensor",
          _n_d(_name, True), shape=BY_KERNEL, dtype=BY_KERNEL, api="torch", numpy_only=_COMPLEX,
          samples=_samples_nd(_name, True))
    defop(f"fft_{_name}n", "(Tensor self, int[]? s=None, int[]? dim=None, str? norm=None) -> Tensor",
          _n_d(_name, False), shape=BY_KERNEL, dtype=BY_KERNEL, api="torch", numpy_only=_COMPLEX,
          samples=_samples_nd(_name, False))


def _fftfreq(n, d):
    return np.concatenate([np.arange((n - 1) // 2 + 1), np.arange(-(n // 2), 0)]) / (n * d) if n else np.empty(0)


def _rfftfreq(n, d):
    with np.errstate(all="ignore"):
        return np.arange(n // 2 + 1) / np.float64(n * d)


def _freq(name, fn):
    def kernel(n, d=1.0, dtype=None):
        if n < 0:
            raise RuntimeError(f"{name} expects a non-negative n, got {n}")
        return as_array(fn(n, d).astype(DEFAULT_FLOAT if dtype is None else dtype_of(dtype)))
    kernel.__name__ = f"fft_{name}"
    return kernel


for _name, _fn in (("fftfreq", _fftfreq), ("rfftfreq", _rfftfreq)):
    defop(f"fft_{_name}", "(int n, float d=1.0, *, ScalarType? dtype=None) -> Tensor", _freq(_name, _fn),
          shape=BY_KERNEL, dtype=BY_KERNEL, api="torch",
          numpy_only="a constant of its arguments: canonicalize folds it into a ts.constant",
          samples=lambda: [sample(5, 1.0, None), sample(8, 0.1, None), sample(4, 1.0, 7), sample(0, 1.0, None)])
