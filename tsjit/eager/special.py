"""`torch.special` on tsjit tensors (`tsjit.special`): the registry's special functions under their
torch.special names (tsjit/ops/special_functions.py, bessel.py, orthogonal_polynomials.py, and the
ops torch.special shares with torch: erf, expit = sigmoid, gammaln = lgamma, gammainc = igamma, ...).

The orthogonal polynomials take a tensor or a number of degree `n`, as ATen's overloads do: the
functions here pick the op (`<name>` or `<name>_n_scalar`), and script does the same
(tsjit/frontend/script/overloads.py).
"""
from __future__ import annotations

from tsjit.eager import functions as _f
from tsjit.eager.core import _wrap
from tsjit.eager.tensor_class import Tensor
from tsjit.ops import EAGER as K
from tsjit.ops.orthogonal_polynomials import FAMILIES


def _polynomial(family: str):
    name = f"special_{family}"

    def fn(input: Tensor, n, *, out=None) -> Tensor:  # noqa: A002 - torch's names
        if out is not None:
            raise NotImplementedError(f"torch.special.{family}: out= is not supported by tsjit")
        if isinstance(n, Tensor):
            return _wrap(K[name](input._data, n._data))
        return _wrap(K[f"{name}_n_scalar"](input._data, n))
    fn.__name__ = fn.__qualname__ = name
    return fn


#: special_<family> -> its function (also in the torch namespace, where script looks functions up)
POLYNOMIALS = {f"special_{family}": _polynomial(family) for family in FAMILIES}
globals().update({family: POLYNOMIALS[f"special_{family}"] for family in FAMILIES})

_SPECIAL_ONLY = ("entr", "ndtr", "log_ndtr", "erfcx", "ndtri", "i0e", "i1", "i1e", "xlog1py", "zeta",
                 "modified_bessel_i0", "modified_bessel_i1", "spherical_bessel_j0", "bessel_j0", "bessel_j1",
                 "bessel_y0", "bessel_y1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
                 "scaled_modified_bessel_k1", "airy_ai")
globals().update({name: getattr(_f, f"special_{name}") for name in _SPECIAL_ONLY})

erf, erfc, erfinv, expit, exp2, expm1, log1p = _f.erf, _f.erfc, _f.erfinv, _f.sigmoid, _f.exp2, _f.expm1, _f.log1p
logit, xlogy, gammaln, digamma, psi, polygamma = _f.logit, _f.xlogy, _f.lgamma, _f.digamma, _f.digamma, _f.polygamma
gammainc, gammaincc = _f.igamma, _f.igammac
multigammaln, i0, sinc, round, softmax, log_softmax, logsumexp = (  # noqa: A001 - torch's name
    _f.mvlgamma, _f.i0, _f.sinc, _f.round, _f.softmax, _f.log_softmax, _f.logsumexp)

__all__ = sorted([*FAMILIES, *_SPECIAL_ONLY, "erf", "erfc", "erfinv", "expit", "exp2", "expm1", "log1p", "logit",
                  "xlogy", "gammaln", "gammainc", "gammaincc", "digamma", "psi", "polygamma", "multigammaln", "i0",
                  "sinc", "round", "softmax", "log_softmax", "logsumexp"])
