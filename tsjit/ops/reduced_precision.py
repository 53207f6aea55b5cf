"""float16 and bfloat16 in op kernels: which compute in float32, and which PyTorch refuses.

numpy runs ml_dtypes' bfloat16 one element op at a time (float32 math, each result rounded),
which is PyTorch's result for a single elementwise op. It has no bf16 contraction (np.matmul
gives float32) and its reductions accumulate in bf16 (a sum of 10000 ones is 256), while
PyTorch's CPU kernels accumulate bf16 in float32 and round the op's result once. So kernels of
the families below take bf16 operands as float32 and round their float results back to bf16
once; float16 keeps numpy's own loops (which accumulate in float32 already). A kernel is left as
it is when its operands mix float dtypes (its own promotion decides) or an explicit dtype
argument is given, and in-place kernels (which write an operand) never are.

`UNSUPPORTED` lists the ops PyTorch has no float16/bfloat16 kernel for, with its error (raised when
the op computes in that type: a float32 operand promotes it, as stft's float32 window does).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from tsjit.dtypes import is_float, is_half
from tsjit.kernels.promotion import not_implemented, torch_name

#: torch.special's Bessel functions and orthogonal polynomials (tsjit/ops/bessel.py,
#: orthogonal_polynomials.py, with the polynomials' `_n_scalar` forms), as ts op -> PyTorch's CPU
#: kernel: none has a half or complex kernel
_POLYNOMIALS = (*(f"{shift}chebyshev_polynomial_{kind}" for shift in ("", "shifted_") for kind in "tuvw"),
                "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p")
BESSEL_AND_POLYNOMIALS = {
    **{f"special_{name}": f"{name}_cpu" for name in (
        "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_k0", "modified_bessel_k1",
        "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "airy_ai")},
    **{f"special_{name}{form}": f"{name}_cpu" for name in _POLYNOMIALS for form in ("", "_n_scalar")}}
_FLOAT_DOUBLE = "This function doesn't handle types other than float and double"

#: op families (tsjit/ops/<family>.py) whose bf16 kernels compute in float32
WIDENED_FAMILIES = frozenset({
    "activation", "arithmetic", "attention", "backward", "composites", "contraction", "convolution",
    "convolution_3d", "distances", "division", "einsum", "elementwise_losses", "grids", "linalg", "loss", "math",
    "misc_math", "normalization", "norms", "order_statistics", "pooling", "pooling_nd", "recurrent", "reduction",
    "resampling", "special", "special_functions", "spectral", "statistics", "transcendental",
})

#: ops of those families that depend on bf16's own format (its largest value, its ulp, its epsilon),
#: and the scans, whose kernels carry ATen's accumulate type themselves (float32 for both halves;
#: widened here, a float32 operand would accumulate in float64 and round twice)
NATIVE = frozenset({"nan_to_num", "nextafter", "frexp", "rms_norm", "cumsum", "cumprod", "logcumsumexp"})



def _not_implemented(kernel: str) -> Callable[[np.dtype], Exception]:
    return lambda dtype: not_implemented(kernel, dtype)


def _low_precision(what: str) -> Callable[[np.dtype], Exception]:
    return lambda dtype: RuntimeError(f"{what}: Low precision dtypes not supported. Got {torch_name(dtype)}")


def _always(*operands: Any) -> bool:
    return True


def _nonempty(x: np.ndarray, *rest: Any) -> bool:
    return x.size > 0


def _svd_ord(ord: Any) -> bool:
    return ord in ("nuc", 2, -2)


def _matrix_norm_of(x: np.ndarray, ord: Any = None, dim: Any = None, *rest: Any) -> bool:
    """linalg.norm takes a matrix norm over two dims (or a 2-D input with an ord)."""
    return _svd_ord(ord) and (dim is not None and len(dim) == 2 or dim is None and x.ndim == 2)


#: op -> (PyTorch's error for a float16 or bfloat16 operand, when it raises it given the operands)
UNSUPPORTED: dict[str, tuple[Callable[[np.dtype], Exception], Callable[..., bool]]] = {
    "affine_grid_generator": (_not_implemented("tensor_cpu"), lambda theta, size, *_: min(size[2:]) == 1),
    "avg_pool3d": (_not_implemented("avg_pool3d_out_frame"), _always),
    "det": (_not_implemented("lu_cpu"), _nonempty),
    "linalg_solve": (_not_implemented("lu_cpu"), _nonempty),
    "linalg_svdvals": (_not_implemented("linalg_svd_cpu"), _nonempty),
    "inverse": (_low_precision("linalg.inv"), _always),
    "matrix_power": (_low_precision("linalg.inv"), lambda x, n: n < 0),
    "logdet": (_low_precision("logdet"), _always),
    "slogdet": (_low_precision("linalg.slogdet"), _always),
    "linalg_matrix_norm": (_low_precision("linalg.matrix_norm"), lambda x, ord, *_: _svd_ord(ord)),
    "linalg_matrix_norm_str": (_low_precision("linalg.matrix_norm"), lambda x, ord, *_: _svd_ord(ord)),
    "linalg_norm": (_low_precision("linalg.matrix_norm"), _matrix_norm_of),
    "linalg_norm_str": (_low_precision("linalg.matrix_norm"), _matrix_norm_of),
    "multi_margin_loss": (_not_implemented("multi_margin_loss_cpu_kernel"), _nonempty),
    "multilabel_margin_loss": (_not_implemented("multilabel_margin_loss_forward_out_frame"), _nonempty),
    "pdist": (_not_implemented("pdist"), lambda x, *_: x.ndim == 2 and x.shape[0] > 1),
    "quantile": (lambda dtype: RuntimeError("quantile() input tensor must be either float or double dtype"), _always),
    "nanquantile": (lambda dtype: RuntimeError("quantile() input tensor must be either float or double dtype"),
                    _always),
    "special_erfcx": (_not_implemented("erfcx_cpu"), _always),
    "special_log_ndtr": (_not_implemented("log_ndtr_cpu"), _always),
    "special_ndtri": (_not_implemented("ndtri_cpu"), _always),
    "special_zeta": (_not_implemented("zeta_cpu"), _always),
    "special_spherical_bessel_j0": (_not_implemented("spherical_bessel_j0_cpu"), _always),
    "special_modified_bessel_i0": (_not_implemented("modified_bessel_i0_cpu"), _always),
    "special_modified_bessel_i1": (_not_implemented("modified_bessel_i1_cpu"), _always),
    **{name: (_not_implemented(kernel), _always) for name, kernel in BESSEL_AND_POLYNOMIALS.items()},
    # torch.linalg's factorizations (tsjit/ops/matrix_factorizations.py, orthogonal_factorizations.py) and the FFT (fft.py)
    "linalg_cholesky": (_not_implemented("cholesky_cpu"), _nonempty),
    **{name: (_not_implemented(kernel), _always) for name, kernel in (
        ("cholesky_inverse", "cholesky_inverse_out_cpu"), ("cholesky_solve", "cholesky_solve_cpu"),
        ("linalg_eigh", "linalg_eigh_cpu"),
        ("linalg_eigvalsh", "linalg_eigh_cpu"), ("linalg_solve_triangular", "triangular_solve_cpu"),
        ("linalg_qr", "geqrf_cpu"), ("linalg_svd", "linalg_svd_cpu"))},
    # linalg_status.py: the LU family, the _ex forms, eigvals, cond
    **{name: (_not_implemented("lu_cpu"), _nonempty) for name in ("linalg_lu", "linalg_lu_factor",
                                                                  "linalg_lu_factor_ex")},
    "linalg_lu_solve": (_not_implemented("linalg.lu_solve_cpu"), _always),
    "linalg_cholesky_ex": (_not_implemented("cholesky_cpu"), _nonempty),
    "linalg_inv_ex": (_low_precision("linalg.inv"), _always),
    "linalg_eigvals": (_not_implemented("linalg_eig_out_cpu"), _always),
    "linalg_cond_str": (_low_precision("linalg.inv"), lambda x, *_: x.size > 0),
    "quantile_tensor": (lambda dtype: RuntimeError("quantile() input tensor must be either float or double dtype"),
                        _always),
    "nanquantile_tensor": (lambda dtype: RuntimeError("quantile() input tensor must be either float or double dtype"),
                           _always),
    "linalg_lstsq": (lambda dtype: RuntimeError(_FLOAT_DOUBLE), _always),
    "linalg_matrix_rank": (lambda dtype: RuntimeError(_FLOAT_DOUBLE), _always),
    "linalg_pinv": (lambda dtype: RuntimeError("linalg.pinv: expected a tensor of float, double, cfloat or cdouble "
                                               f"types, got {torch_name(dtype)}"), _always),
    "linalg_vander": (lambda dtype: RuntimeError("linalg.vander supports floating point, complex, and integer "
                                                 f"tensors, but got {torch_name(dtype)}"), _always),
    "stft": (lambda dtype: RuntimeError(f"MKL FFT doesn't support tensors of type: {torch_name(dtype)}"), _always),
}


def _map(value: Any, fn: Callable[[np.ndarray], np.ndarray]) -> Any:
    if isinstance(value, np.ndarray | np.generic):
        return fn(value)
    if isinstance(value, list | tuple):
        return type(value)(_map(v, fn) for v in value)
    return value


def _float_dtypes(value: Any, found: set) -> set:
    if isinstance(value, np.ndarray) and is_float(value.dtype):
        found.add(value.dtype)
    elif isinstance(value, list | tuple):
        for v in value:
            _float_dtypes(v, found)
    return found


def _widen(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32) if is_half(a.dtype) else a


def _narrower(half: np.dtype) -> Callable[[Any], Any]:
    return lambda a: np.asarray(a).astype(half) if a.dtype == np.float32 else a


def kernel_for(name: str, family: str, schema: Any, writes: bool, kernel: Callable[..., Any] | None):
    """The op's kernel with the handling above (the kernel itself when none applies)."""
    refuse = UNSUPPORTED.get(name)
    widen = family in WIDENED_FAMILIES and name not in NATIVE and not writes
    if kernel is None or not (widen or refuse):
        return kernel
    dtype_args = [i for i, a in enumerate(schema.args) if a.kind.startswith("ScalarType")]

    @functools.wraps(kernel)
    def run(*operands: Any, **options: Any) -> Any:
        floats = _float_dtypes(operands, _float_dtypes(list(options.values()), set()))
        half = next(iter(floats)) if len(floats) == 1 and is_half(next(iter(floats))) else None
        if refuse is not None and half is not None and refuse[1](*operands, **options):
            raise refuse[0](half)
        if widen and half is not None and not options and \
                all(operands[i] is None for i in dtype_args if i < len(operands)):
            return _map(kernel(*_map(operands, _widen)), _narrower(half))
        return kernel(*operands, **options)

    return run
