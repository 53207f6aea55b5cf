"""complex64 and complex128 in op kernels: the ops PyTorch refuses them for, with its error.

numpy computes most ops on complex arrays, some of them where PyTorch raises (comparisons,
min/max, sorting, clamp and relu, rounding, the special functions). `kernel_for` wraps the kernels
of the ops listed here to raise PyTorch's error when a tensor operand is complex, as the reduced
precision refusals do (tsjit/ops/reduced_precision.py).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from tsjit.kernels.promotion import not_implemented
from tsjit.ops.reduced_precision import BESSEL_AND_POLYNOMIALS

#: op -> the name of the CPU kernel PyTorch reports as "not implemented for 'ComplexFloat'"
NOT_IMPLEMENTED: dict[str, str] = {
    "amax": "max_values_cpu", "amin": "min_values_cpu", "atan2": "atan2_cpu", "bucketize": "searchsorted_out_cpu",
    "searchsorted": "searchsorted_out_cpu", "copysign": "copysign_cpu", "cummax": "cummax_cpu",
    "cummin": "cummin_cpu", "digamma": "digamma", "erf": "erf_vml_cpu", "erfc": "erfc_vml_cpu",
    "erfinv": "erfinv_vml_cpu", "ge": "ge_cpu", "gt": "gt_cpu", "le": "le_cpu", "lt": "lt_cpu", "i0": "i0_vml_cpu",
    "kthvalue": "kthvalue_cpu", "lgamma": "lgamma_vml_cpu", "logit": "logit_cpu", "max": "max_all",
    "min": "min_all", "median": "median_cpu", "nanmedian": "median_cpu", "median_dim": "median_out",
    "nanmedian_dim": "median_out", "mode": "mode_cpu", "mse_loss_backward": "mse_backward_cpu_out",
    "multi_margin_loss": "multi_margin_loss_cpu_kernel",
    "multilabel_margin_loss": "multilabel_margin_loss_forward_out_frame", "mvlgamma": "mvlgamma",
    "polygamma": "polygamma", "round": "round_vml_cpu",
    "special_entr": "entr_cpu", "special_erfcx": "erfcx_cpu", "special_i0e": "i0e_cpu", "special_i1": "i1_cpu",
    "special_i1e": "i1e_cpu", "special_spherical_bessel_j0": "spherical_bessel_j0_cpu",
    "special_modified_bessel_i0": "modified_bessel_i0_cpu", "special_modified_bessel_i1": "modified_bessel_i1_cpu",
    "special_log_ndtr": "log_ndtr_cpu", "special_ndtr": "erf_vml_cpu", "special_ndtri": "ndtri_cpu",
    "special_xlog1py": "xlog1py_cpu", "special_zeta": "zeta_cpu", "threshold": "threshold_cpu",
    "igamma": "igamma_cpu", "igammac": "igammac_cpu",
    "threshold_backward": "threshold_cpu", "unique": "unique", "unique_dim": "unique_dim", "xlogy": "xlogy_cpu",
    **BESSEL_AND_POLYNOMIALS,
}

_CLAMP = "clamp is not supported for complex types"
_SORT = "Sort does not support complex dtypes on CPU"

#: op -> PyTorch's message for a complex operand (a RuntimeError)
REFUSED: dict[str, str] = {
    "argmax": "argmax(): does not support complex input", "argmin": "argmin(): does not support complex input",
    "max_dim": "max(): does not support complex input", "min_dim": "min(): does not support complex input",
    "sort": _SORT, "argsort": _SORT, "topk": "topk does not support complex dtypes on CPU",
    **{name: _CLAMP for name in ("clamp", "clamp_", "clamp_tensor", "hardtanh", "relu", "relu6", "relu_",
                                 "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss")},
    "deg2rad": "deg2rad is not supported for complex tensors.",
    "rad2deg": "rad2deg is not supported for complex tensors.",
    **{name: f"{name} not implemented for complex tensors." for name in ("fmax", "fmin", "maximum", "minimum")},
    "heaviside": "heaviside is not yet implemented for complex tensors.",
    "isneginf": "isneginf does not support complex inputs.", "isposinf": "isposinf does not support complex inputs.",
    "isin": "Unsupported input type encountered for isin(): ComplexFloat",
    "_safe_softmax": "isneginf does not support complex inputs.",
    "kl_div": "kl_div: Complex inputs not supported.",
    "sign": "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead.",
    "signbit": "signbit is not implemented for complex tensors.",
}


def _complex_dtype(value: Any) -> np.dtype | None:
    """The dtype of the first complex array among the operands (in lists too), or None."""
    if isinstance(value, np.ndarray):
        return value.dtype if value.dtype.kind == "c" else None
    if isinstance(value, list | tuple):
        for v in value:
            found = _complex_dtype(v)
            if found is not None:
                return found
    return None


def refusal(name: str) -> Callable[[np.dtype], Exception] | None:
    """PyTorch's error for op `name` given a complex operand, or None when it takes them."""
    if name in NOT_IMPLEMENTED:
        return lambda dtype: not_implemented(NOT_IMPLEMENTED[name], dtype)
    if name in REFUSED:
        return lambda dtype: RuntimeError(REFUSED[name])
    return None


def kernel_for(name: str, kernel: Callable[..., Any] | None) -> Callable[..., Any] | None:
    """The op's kernel, refusing complex operands when PyTorch does (the kernel itself otherwise)."""
    refuse = refusal(name)
    if kernel is None or refuse is None:
        return kernel

    @functools.wraps(kernel)
    def run(*operands: Any, **options: Any) -> Any:
        dtype = _complex_dtype(operands)
        if dtype is not None:
            raise refuse(dtype)
        return kernel(*operands, **options)

    return run
