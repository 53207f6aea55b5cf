"""cumsum, cumprod and logcumsumexp carry their running value in ATen's CPU accumulate type
(`acc_type<T, false>`: double for float32, float for float16 and bfloat16, complex<double> for
complex64) and round each output: over 4096 float32 elements a float32 running sum drifts from
PyTorch's by ~1e-4. The eager kernels, the numpy backend and the C lowering give PyTorch's bits."""
from __future__ import annotations

import warnings

import ml_dtypes
import numpy as np
import pytest

import tsjit

torch = pytest.importorskip("torch")

_DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
           "bfloat16": torch.bfloat16, "complex64": torch.complex64}


def _pair(name):
    torch.manual_seed(0)
    x = (torch.randn(4, 4096) * 2).to(_DTYPES[name])
    a = x.float().numpy().astype(ml_dtypes.bfloat16) if name == "bfloat16" else x.numpy().copy()
    return x, a


def _bits(t):
    return t.float().numpy() if t.dtype == torch.bfloat16 else t.numpy()


@pytest.mark.parametrize("dtype", list(_DTYPES))
@pytest.mark.parametrize("scan", ["cumsum", "cumprod", "logcumsumexp"])
def test_eager_scans_give_pytorchs_bits(scan, dtype):
    x, a = _pair(dtype)
    n = 64 if scan == "cumprod" else 4096  # a product of more underflows or overflows
    want = _bits(getattr(x[:, :n], scan)(1))
    got = getattr(tsjit.from_numpy(np.ascontiguousarray(a[:, :n])), scan)(1).numpy()
    np.testing.assert_array_equal(got.astype(np.float32) if dtype == "bfloat16" else got, want)


class Scans(torch.nn.Module):
    def forward(self, x):
        return x.cumsum(1), x[:, :64].cumprod(1), torch.logcumsumexp(x, 1), x.cumsum(0)


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_compiled_scans_give_pytorchs_bits(dtype, backend):
    from tsjit.frontend import from_torch

    x, a = _pair(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = tsjit.compile(from_torch(torch.jit.script(Scans())), backend=backend, example_inputs=(a,),
                                 fallback=False)
    for got, want in zip(compiled(a), Scans()(x)):
        np.testing.assert_array_equal(np.asarray(got).astype(np.float32), want.float().numpy())
