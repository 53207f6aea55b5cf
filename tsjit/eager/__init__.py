"""The eager library: numpy-backed PyTorch (`Tensor`, the torch-level functions, dtypes), as `import tsjit`
exposes it. Compiler entry points are not here: tsjit/__init__.py loads them when first used."""
from tsjit.dtypes import (
    bfloat16, bool, cdouble, cfloat, complex64, complex128, double, dtype, float, float16, float32, float64,
    get_default_dtype, half, int, int8, int16, int32, int64, long, short, uint8,
)
from tsjit.eager.functions import *  # noqa: F401,F403
from tsjit.eager.functions import __all__ as _functions
from tsjit.eager import linalg  # noqa: E402  (torch.linalg)
from tsjit.eager.linalg import linalg_cond, linalg_matrix_norm, linalg_norm  # noqa: E402,F401
from tsjit.eager import special  # noqa: E402  (torch.special)
from tsjit.eager import fft  # noqa: E402  (torch.fft)
from tsjit.eager.special import POLYNOMIALS as _POLYNOMIALS  # noqa: E402

globals().update(_POLYNOMIALS)  # special_<polynomial>: where script finds torch.special's functions
from tsjit.eager.meta import Size, device
from tsjit.eager.tensor_class import Tensor

__all__ = ["Size", "Tensor", "bfloat16", "bool", "cdouble", "cfloat", "complex64", "complex128", "device", "double", "dtype", "float", "float16", "float32", "float64",
           "get_default_dtype", "half", "int", "int8", "int16", "int32", "int64", "long", "short", "uint8",
           "fft", "linalg", "linalg_cond", "linalg_matrix_norm", "linalg_norm", "special", *_POLYNOMIALS, *_functions]
