"""Scans (tsjit/lowering/scans.py: a loop along the dim), reductions that give positions
(index_reductions.py) and the statistics and normalisations built on reductions compile wholly to C
(fallback=False) and agree with PyTorch on every case: NaN and infinities, ties, integers and bools,
transposed inputs, 0-d and empty tensors (the op-info test compiles only each op's first sample)."""
import numpy as np
import pytest

import tsjit
from tsjit.frontend import from_torch

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def _special():
    values = np.array([np.nan, np.inf, -np.inf, 0.0, 1.0, 1.0, -1.0, 2.5], np.float32)
    return rng.choice(values, (4, 6))


def _inputs():
    return {"normal": rng.standard_normal((4, 6)).astype(np.float32), "special": _special(),
            "ties": np.array([[1, 3, 3, 0, 3, 1], [2, 2, 1, 2, 0, 0]], np.float32),
            "transposed": rng.standard_normal((6, 4)).astype(np.float32).T, "ints": rng.integers(-3, 4, (4, 6)),
            "bools": rng.random((4, 6)) > 0.5, "zero_d": np.array(1.5, np.float32),
            "empty": np.zeros((0, 6), np.float32)}


CASES = {
    "cumsum": (lambda x: torch.cumsum(x, -1), "normal special transposed ints bools zero_d empty"),
    "cumprod": (lambda x: torch.cumprod(x, 0), "normal special transposed ints bools zero_d empty"),
    "cumsum_to_f64": (lambda x: torch.cumsum(x, 1, dtype=torch.float64), "normal ints"),
    "logcumsumexp": (lambda x: torch.logcumsumexp(x, -1), "normal special transposed zero_d empty"),
    "cummax": (lambda x: torch.cummax(x, -1), "normal special ties transposed ints bools zero_d empty"),
    "cummin": (lambda x: torch.cummin(x, 0), "normal special ties transposed ints bools zero_d"),
    "argmax": (lambda x: torch.argmax(x, -1), "normal special ties transposed ints zero_d"),
    "argmin_flat": (lambda x: torch.argmin(x), "normal special ties transposed ints zero_d"),
    "argmax_keepdim": (lambda x: torch.argmax(x, 0, keepdim=True), "normal special ties ints"),
    "max_dim": (lambda x: torch.max(x, -1), "normal special ties transposed ints bools zero_d"),
    "min_dim": (lambda x: torch.min(x, 0, keepdim=True), "normal special ties transposed ints bools"),
    "any": (lambda x: torch.any(x, 1), "normal special ints bools empty"),
    "all": (lambda x: torch.all(x), "normal special ints bools zero_d empty"),
    "prod": (lambda x: torch.prod(x, 1), "normal special transposed ints bools empty"),
    "count_nonzero": (lambda x: torch.count_nonzero(x, 0), "normal special ints bools empty"),
    "logsumexp": (lambda x: torch.logsumexp(x, 1), "normal special transposed ints empty"),
    "var_mean": (lambda x: torch.var_mean(x, -1, correction=0), "normal transposed zero_d"),
    "std_mean": (lambda x: torch.std_mean(x, [0, 1], keepdim=True), "normal transposed"),
    "norm": (lambda x: torch.norm(x, 3, [1]), "normal special transposed"),
    "norm_inf": (lambda x: torch.norm(x, float("inf"), [0], True), "normal special transposed"),
    "group_norm": (lambda x: torch.nn.functional.group_norm(x.reshape(2, 4, 3), 2), "normal transposed"),
    "instance_norm": (lambda x: torch.nn.functional.instance_norm(x.reshape(2, 3, 4)), "normal transposed"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_compiles_to_c_and_agrees_with_pytorch(name):
    fn, which = CASES[name]
    inputs = _inputs()

    class Model(torch.nn.Module):
        def forward(self, x):
            return fn(x)

    for kind in which.split():
        x = inputs[kind]
        want = fn(torch.from_numpy(np.array(x)))
        want = [w.numpy() for w in (want if isinstance(want, tuple) else (want,))]
        module = from_torch(Model(), (torch.from_numpy(np.array(x)),))
        compiled = tsjit.compile(module, backend="c", example_inputs=(tsjit.from_numpy(x),), fallback=False)
        got = compiled(tsjit.from_numpy(x))
        got = [np.asarray(g) for g in (got if isinstance(got, tuple) else (got,))]
        assert len(got) == len(want), kind
        for k, (g, w) in enumerate(zip(got, want)):
            assert g.dtype == w.dtype and g.shape == w.shape, f"{kind} result {k}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5, err_msg=f"{kind} result {k}")
