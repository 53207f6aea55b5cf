"""torch.special's orthogonal polynomials: Chebyshev T/U/V/W (plain and shifted to [0, 1]), Hermite
H and He, Laguerre L and Legendre P, of degree n (truncated to an integer; negative degrees give 0).

Each family is its three-term recurrence p_{k+1} = a_k(x) p_k - b_k p_{k-1} from p_0 = 1 and p_1,
in the result's dtype as PyTorch computes it. Two ops per family, as ATen's overloads:
`<name>(x, Tensor n)` (a degree per element: the recurrence's length is a run-time value, so it
runs on numpy) and `<name>_n_scalar(x, Scalar n)`, whose recurrence C unrolls for degrees up to
`_UNROLL` (higher ones run on numpy, with the reason).
"""
from __future__ import annotations

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import check_broadcast
from tsjit.kernels.promotion import DEFAULT_FLOAT, cast, result_dtype
from tsjit.ops import checks as chk
from tsjit.ops import samples as s
from tsjit.ops.registry import Pointwise, defop, sample
from tsjit.ops.rules import broadcast_of, promoted_float, same, to_float
from tsjit.ops.special import _NumpyKit

_UNROLL = 64


def _chebyshev(first):
    """(p_1, step) of a Chebyshev kind: p_{k+1} = 2x p_k - p_{k-1}."""
    return first, lambda k, x, n, p, q: k.sub(k.mul(k.mul(k.c(2), x), p), q)


#: family -> (p_1(k, x), step(k, x, n, p_n, p_{n-1}) -> p_{n+1}, shifted: x -> 2x - 1 first)
FAMILIES = {
    "chebyshev_polynomial_t": (*_chebyshev(lambda k, x: x), False),
    "chebyshev_polynomial_u": (*_chebyshev(lambda k, x: k.mul(k.c(2), x)), False),
    "chebyshev_polynomial_v": (*_chebyshev(lambda k, x: k.sub(k.mul(k.c(2), x), k.c(1))), False),
    "chebyshev_polynomial_w": (*_chebyshev(lambda k, x: k.add(k.mul(k.c(2), x), k.c(1))), False),
    "hermite_polynomial_h": (lambda k, x: k.mul(k.c(2), x),
                             lambda k, x, n, p, q: k.sub(k.mul(k.mul(k.c(2), x), p), k.mul(k.c(2 * n), q)), False),
    "hermite_polynomial_he": (lambda k, x: x, lambda k, x, n, p, q: k.sub(k.mul(x, p), k.mul(k.c(n), q)), False),
    "laguerre_polynomial_l": (lambda k, x: k.sub(k.c(1), x),
                              lambda k, x, n, p, q: k.div(k.sub(k.mul(k.sub(k.c(2 * n + 1), x), p), k.mul(k.c(n), q)),
                                                          k.c(n + 1)), False),
    "legendre_polynomial_p": (lambda k, x: x,
                              lambda k, x, n, p, q: k.div(k.sub(k.mul(k.mul(k.c(2 * n + 1), x), p), k.mul(k.c(n), q)),
                                                          k.c(n + 1)), False),
}
for _kind in "tuvw":
    FAMILIES[f"shifted_chebyshev_polynomial_{_kind}"] = (*FAMILIES[f"chebyshev_polynomial_{_kind}"][:2], True)


def _recurrence(family, k, x, top: int):
    """p_0(x), ..., p_top(x) by the recurrence, as Kit values."""
    first, step, shifted = FAMILIES[family]
    if shifted:
        x = k.sub(k.mul(k.c(2), x), k.c(1))
    yield k.c(1)
    if top == 0:
        return
    q, p = k.c(1), first(k, x)
    yield p
    for n in range(1, top):
        q, p = p, step(k, x, n, p, q)
        yield p


def _values(family, k, x, degree: int):
    """p_degree(x) (degree >= 0), as a Kit value."""
    *_, last = _recurrence(family, k, x, degree)
    return last


def _scalar_body(family):
    def body(k, x):
        degree = int(k.params[0])
        if degree < 0:
            return k.c(0)
        if degree > _UNROLL and hasattr(k, "refuse"):
            k.refuse(f"degree {degree} is above the {_UNROLL} steps of the recurrence C unrolls")
        return _values(family, k, x, degree)
    return body


def _tensor_kernel(family):
    """p_n(x) for a degree per element: the recurrence up to the largest degree, each element
    keeping the value at its own degree (0 for negative ones)."""
    def kernel(x, n):
        dtype = result_dtype(x, n)
        dtype = dtype if is_float(dtype) else DEFAULT_FLOAT
        check_broadcast(np.shape(x), np.shape(n))
        x, n = np.broadcast_arrays(cast(x, dtype), np.asarray(n))
        degrees = np.trunc(n).astype(np.int64) if n.dtype.kind in "fc" else n.astype(np.int64)
        out = np.zeros(x.shape, dtype)
        top = int(degrees.max(initial=-1))
        if top < 0:
            return out
        with np.errstate(all="ignore"):
            for degree, p in enumerate(_recurrence(family, _NumpyKit(dtype), x, top)):
                hit = degrees == degree
                out[hit] = np.broadcast_to(p, x.shape)[hit]
        return out
    kernel.__name__ = family
    return kernel


def _scalar_kernel(family):
    tensor = _tensor_kernel(family)

    def kernel(x, n):
        dtype = x.dtype if is_float(x.dtype) else DEFAULT_FLOAT
        return tensor(cast(x, dtype), np.asarray(int(n)))
    kernel.__name__ = f"{family}_n_scalar"
    return kernel


def _samples(shifted):
    lo, hi = (0, 1) if shifted else (-1, 1)
    # no NaN: PyTorch's special cases give some families finite values at NaN (U_2(NaN) = -44358.5)
    edges = np.array([lo, hi, 0.5, -0.0, 2.5, -3.0, np.inf, -np.inf], np.float32)
    return lambda: [sample(s.f32(3, 4, lo=lo, hi=hi), 3), sample(s.f32(3, 4), 5), sample(edges, 0), sample(edges, 1),
                    sample(edges, 4), sample(s.f64(5, lo=lo, hi=hi), 20, rtol=1e-3, atol=1e-4), sample(s.f32(2, 3), -1),
                    sample(s.i64(4), 2), sample(s.f32(2, 3), 2.7), sample(s.f32(0, 3), 2)]


def _tensor_samples(shifted):
    lo, hi = (0, 1) if shifted else (-1, 1)
    return lambda: [sample(s.f32(3, 4, lo=lo, hi=hi), s.i64(3, 4, lo=-1, hi=7)),
                    sample(s.f32(2, 3), np.array([0, 1, 2], np.int64)),
                    sample(s.f64(4, lo=lo, hi=hi), np.array([0.5, 2.7, 3.0, 9.9])),
                    sample(s.i64(3), np.array(2, np.int64))]


for _family, (_first, _step, _shifted) in FAMILIES.items():
    _name = f"special_{_family}"
    defop(_name, "(Tensor input, Tensor n) -> Tensor", _tensor_kernel(_family), shape=broadcast_of(0, 1),
          dtype=promoted_float(0, 1), verify=chk.broadcast(0, 1), samples=_tensor_samples(_shifted),
          numpy_only="the degree is a value per element: the recurrence's length is only known at run time")
    defop(f"{_name}_n_scalar", "(Tensor input, Scalar n) -> Tensor", _scalar_kernel(_family), shape=same,
          dtype=to_float, verify=chk.SAME_SHAPE, lower=Pointwise(_scalar_body(_family), params=(1,)),
          samples=_samples(_shifted), aten=_name)
