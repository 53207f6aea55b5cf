"""bfloat16 and float16 through every op: the op-info harness on each op's float32 samples as bf16.

Kernels against PyTorch (when installed), the numpy backend against the kernels, C against the
kernels for a set of ops covering each lowering family; and the ops PyTorch has no half kernel for
refuse both half types with PyTorch's error.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from tsjit.dtypes import BFLOAT16
from tsjit.ops import FAMILIES, REGISTRY
from tsjit.ops import reduced_precision as rp
from tsjit.ops import samples as sample_sets
from tsjit.ops.registry import RANDOM, Sample

sys.path.insert(0, str(Path(__file__).parent))
import opinfo  # noqa: E402

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _as(value, dtype):
    if isinstance(value, np.ndarray) and value.dtype == np.float32:
        return value.astype(dtype)
    if isinstance(value, list):
        return [_as(v, dtype) for v in value]
    return value


def _has(value, dtype) -> bool:
    if isinstance(value, list):
        return any(_has(v, dtype) for v in value)
    return isinstance(value, np.ndarray) and value.dtype == dtype


def half_samples(name: str, dtype=BFLOAT16) -> list[Sample]:
    """The op's samples with float32 tensors as `dtype`, at a half type's tolerance."""
    sample_sets.reseed(name)
    out = []
    for k, s in enumerate(REGISTRY[name].sample_list()):
        operands = tuple(_as(v, dtype) for v in s.operands)
        if any(_has(v, dtype) for v in operands):
            out.append(Sample(operands, 2e-2, 2e-2, s.torch, note=f"sample {k} as {np.dtype(dtype).name}"))
    return out


HALF_OPS = sorted(n for n in REGISTRY if half_samples(n))


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", HALF_OPS)
def test_bfloat16_kernel_matches_torch(name):
    defn = REGISTRY[name]
    if not defn.aten:
        pytest.skip(f"ts.{name} has no ATen counterpart")
    for s in half_samples(name):
        if not s.torch:
            continue
        want, got = opinfo.torch_call(defn, s), opinfo.run_kernel(defn, s)
        if isinstance(want, BaseException) or isinstance(got, BaseException):
            assert isinstance(want, BaseException) and isinstance(got, BaseException), \
                f"ts.{name} {s.note}: torch gives {want!r}, tsjit {got!r}"
        elif defn.effects != RANDOM:
            opinfo.assert_same(got, opinfo.to_numpy(want), s, f"ts.{name} {s.note}")


@pytest.mark.parametrize("name", HALF_OPS)
def test_bfloat16_numpy_backend_runs_the_kernel(name):
    from tsjit.backends.numpy import Program

    defn = REGISTRY[name]
    s = half_samples(name)[0]
    want = opinfo.run_kernel(defn, s)
    module, args = opinfo.one_op_function(defn, s)
    try:
        got = Program(module).call("f", *args)
    except Exception as e:  # noqa: BLE001 - any error: the kernel must have raised too
        assert isinstance(want, BaseException), f"ts.{name} {s.note}: the numpy backend raised {e!r}"
        return
    assert not isinstance(want, BaseException), f"ts.{name} {s.note}: the kernel raised {want!r}"
    if defn.effects != RANDOM:
        opinfo.assert_same(got, want, s, f"ts.{name} {s.note} (numpy backend)")


#: one op or more per lowering family: pointwise, contractions, convolutions, reductions, scans,
#: normalizations, pooling, resampling, sorting, gathers, attention, recurrent cells, losses
C_OPS = ["add", "mul", "gelu", "exp", "where", "matmul", "linear", "bmm", "conv2d", "conv_transpose2d", "sum", "mean",
         "amax", "var", "cumsum", "softmax", "log_softmax", "layer_norm", "group_norm", "max_pool2d", "avg_pool2d",
         "adaptive_avg_pool2d", "upsample_bilinear2d", "sort", "topk", "index_select", "gather", "embedding",
         "scaled_dot_product_attention", "lstm_cell", "mse_loss", "cross_entropy_loss", "nan_to_num", "nextafter",
         "to"]


@pytest.mark.parametrize("name", C_OPS)
def test_bfloat16_compiles_to_c(name):
    s = half_samples(name)[0]
    opinfo.check_whole_c(REGISTRY[name], s, f"ts.{name} {s.note} (C backend)")


@pytest.mark.parametrize("dtype", [np.float16, BFLOAT16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name", sorted(rp.UNSUPPORTED))
def test_ops_without_half_kernels_refuse_half_inputs(name, dtype):
    """Where PyTorch has no half kernel, some sample is refused with a RuntimeError (PyTorch's
    NotImplementedError is one), and the first float32 sample itself still runs."""
    defn = REGISTRY[name]
    refused = [s for s in half_samples(name, dtype) if isinstance(opinfo.run_kernel(defn, s), RuntimeError)]
    assert refused, f"ts.{name} accepts every {np.dtype(dtype).name} sample"
    sample_sets.reseed(name)
    first = next(s for s in defn.sample_list() if any(_has(v, np.float32) for v in s.operands))
    assert not isinstance(opinfo.run_kernel(defn, first), BaseException)


def test_the_tables_name_real_families_and_ops():
    assert rp.WIDENED_FAMILIES <= set(FAMILIES), rp.WIDENED_FAMILIES - set(FAMILIES)
    assert set(rp.UNSUPPORTED) | rp.NATIVE <= set(REGISTRY)


@pytest.mark.parametrize("backend", ["eager", "numpy", "c"])
def test_bfloat16_sums_accumulate_in_float32(backend):
    """A sum of 10000 bf16 ones is bf16(10000) = 9984 as in PyTorch (a bf16 accumulator stops at 256);
    likewise the mean, and a 512-long dot product of ones."""
    import tsjit

    def f(x, a, b):
        return x.sum(), x.mean(), a @ b

    ones = [tsjit.ones(10000, dtype=tsjit.bfloat16), tsjit.ones(3, 512, dtype=tsjit.bfloat16),
            tsjit.ones(512, 2, dtype=tsjit.bfloat16)]
    run = f if backend == "eager" else tsjit.compile(tsjit.jit.script(f), backend=backend, example_inputs=ones)
    total, mean, product = run(*ones)
    assert total.dtype == tsjit.bfloat16 and float(total) == 9984.0
    assert float(mean) == 1.0
    assert product.dtype == tsjit.bfloat16 and np.all(product.float().numpy() == 512.0)
