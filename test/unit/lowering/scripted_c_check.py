"""Shared by the scripted-module-to-C tests: `check_c(module, *inputs)` scripts and traces a PyTorch
module, imports each (tsjit.frontend.from_torch), compiles it wholly to C (fallback=False) and to the
numpy backend, and checks both against PyTorch's eager result (dtype, shape and values)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tsjit
from tsjit.frontend import from_torch

torch = pytest.importorskip("torch")


def _arrays(out) -> list[np.ndarray]:
    items = out if isinstance(out, (tuple, list)) else (out,)
    return [np.asarray(o.numpy() if hasattr(o, "numpy") else o) for o in items]


def _fresh(inputs):
    return tuple(a.clone() if isinstance(a, torch.Tensor) else a for a in inputs)


def _np(inputs):
    return tuple(a.numpy().copy() if isinstance(a, torch.Tensor) else a for a in inputs)


def check_c(module, *inputs, modes=("script", "trace"), exact=False, rtol=1e-5, atol=1e-6):
    """The module's outputs in C and on numpy equal PyTorch's, for each of `modes`."""
    want = _arrays(module(*_fresh(inputs)))
    for mode in modes:
        with warnings.catch_warnings():  # torch.jit's deprecation
            warnings.simplefilter("ignore", DeprecationWarning)
            jit = torch.jit.script(module) if mode == "script" else torch.jit.trace(module, _fresh(inputs))
        for backend in ("c", "numpy"):
            compiled = tsjit.compile(from_torch(jit), backend=backend, example_inputs=_np(inputs), fallback=False)
            got = _arrays(compiled(*_np(inputs)))
            assert len(got) == len(want), f"{mode}/{backend}"
            for g, w in zip(got, want):
                assert (g.dtype, g.shape) == (w.dtype, w.shape), f"{mode}/{backend}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
                if exact:
                    np.testing.assert_array_equal(g, w, err_msg=f"{mode}/{backend}")
                else:
                    np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{mode}/{backend}")
