"""Every op of the registry on its samples: kernel vs rules, PyTorch, the numpy backend and C."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from tsjit.ops import REGISTRY
from tsjit.ops import samples as sample_sets
from tsjit.ops.compaction import PADDED

sys.path.insert(0, str(Path(__file__).parent))
import opinfo  # noqa: E402

HAS_TORCH = importlib.util.find_spec("torch") is not None
DEFINED = sorted(REGISTRY)
#: numpy-only ops C computes anyway as a function's results (tsjit/passes/padded_results.py)
DATA_SIZED_IN_C = {*PADDED, "nonzero_numpy"}


def samples_of(name: str):
    sample_sets.reseed(name)
    return REGISTRY[name].sample_list()


@pytest.mark.parametrize("name", DEFINED)
def test_rules_predict_the_kernel(name):
    defn = REGISTRY[name]
    for s in samples_of(name):
        opinfo.check_rules(defn, s, opinfo.run_kernel(defn, s))


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", DEFINED)
def test_kernel_matches_torch(name):
    defn = REGISTRY[name]
    if not defn.aten:
        pytest.skip(f"ts.{name} has no ATen counterpart")
    for i, s in enumerate(samples_of(name)):
        if not s.torch:
            continue
        want = opinfo.torch_call(defn, s)
        got = opinfo.run_kernel(defn, s)
        what = f"ts.{name} sample {i}"
        if isinstance(want, BaseException) or isinstance(got, BaseException):
            assert isinstance(want, BaseException) and isinstance(got, BaseException), \
                f"{what}: torch gives {want!r}, tsjit {got!r}"
            continue
        if not opinfo.skip_values(defn):
            opinfo.assert_same(got, opinfo.to_numpy(want), s, what)


@pytest.mark.parametrize("name", DEFINED)
def test_numpy_backend_runs_the_kernel(name):
    from tsjit.backends.numpy import Program

    defn = REGISTRY[name]
    for i, s in enumerate(samples_of(name)):
        want = opinfo.run_kernel(defn, s)
        module, args = opinfo.one_op_function(defn, s)
        try:
            got = Program(module).call("f", *args)
        except opinfo.ERRORS + (Exception,) as e:
            assert isinstance(want, BaseException), f"ts.{name} sample {i}: the numpy backend raised {e!r}"
            continue
        assert not isinstance(want, BaseException), f"ts.{name} sample {i}: the kernel raised {want!r}"
        if not opinfo.skip_values(defn):
            opinfo.assert_same(got, want, s, f"ts.{name} sample {i} (numpy backend)")


@pytest.mark.parametrize("name", [n for n in DEFINED if REGISTRY[n].numpy_only is None or n in DATA_SIZED_IN_C])
def test_c_backend_compiles_the_op_wholly(name):
    """The first sample (the ordinary case) compiles to C without numpy fallback and agrees (the ops
    whose sizes the data decides too: as the function's results, C computes them padded)."""
    opinfo.check_whole_c(REGISTRY[name], samples_of(name)[0], f"ts.{name} (C backend)")


@pytest.mark.parametrize("name", sorted(n for n in DEFINED if REGISTRY[n].api))
def test_eager_api_runs_the_kernel(name):
    """Each surface an op lists (torch.<op>, Tensor.<op>, F.<op>) exists, and on the op's samples
    gives what the kernel gives (a generated binding, or a hand-written one of that name)."""
    import tsjit
    import tsjit.nn.functional as F
    from tsjit.dtypes import _BY_CODE

    defn = REGISTRY[name]
    owners = {"torch": tsjit, "Tensor": tsjit.Tensor, "F": F}
    for surface in defn.api:
        fn = getattr(owners[surface], name)
        for i, s in enumerate(samples_of(name)):
            want = opinfo.run_kernel(defn, s)
            args = [tsjit.from_numpy(opinfo.copy(v)) if isinstance(v, np.ndarray) else
                    [None if t is None else tsjit.from_numpy(opinfo.copy(t)) for t in v]
                    if isinstance(v, list) and any(isinstance(t, np.ndarray) for t in v) else
                    _BY_CODE[v] if a.kind.startswith("ScalarType") and isinstance(v, int) else v
                    for v, a in zip(s.operands, defn.schema.args)]
            kwonly = {a.name: v for a, v in zip(defn.schema.args, args) if a.kwonly}
            positional = [v for a, v in zip(defn.schema.args, args) if not a.kwonly]
            try:
                got = fn(*positional, **kwonly)
            except opinfo.ERRORS as e:
                assert isinstance(want, BaseException), f"{surface}.{name} sample {i} raised {e!r}"
                continue
            assert not isinstance(want, BaseException), f"{surface}.{name} sample {i}: the kernel raised {want!r}"
            if not opinfo.skip_values(defn):
                opinfo.assert_same(got, want, s, f"{surface}.{name} sample {i}")


@pytest.mark.parametrize("name", sorted(n for n in DEFINED if REGISTRY[n].decompose is not None))
def test_decomposition_preserves_results(name):
    """ts-decompose replaces the op (its function specialized to each sample) by ops that compute
    the same values on the numpy backend."""
    from tsjit.backends.numpy import Program
    from tsjit.passes import apply_pass

    defn = REGISTRY[name]
    for i, s in enumerate(samples_of(name)):
        want = opinfo.run_kernel(defn, s)
        if isinstance(want, BaseException) or any(getattr(v, "dtype", np.dtype("f")).kind == "c" for v in s.operands):
            continue  # (complex values stay on numpy: decompositions of them exist only to reach C)
        module, args = opinfo.one_op_function(defn, s)
        apply_pass("ts-specialize", module, shapes=opinfo.shape_tokens(args), function="f")
        apply_pass("ts-decompose", module)
        assert not any(op.name == defn.op_name for op in module.walk()), f"sample {i} did not decompose"
        got = Program(module).call("f", *args)
        if opinfo.skip_values(defn):  # random: the types of the draws, not their values
            got, want = (opinfo.abstract(list(opinfo.results(v))) for v in (got, want))
            assert got == want, f"ts.{name} sample {i} decomposed: {got}, expected {want}"
        else:
            opinfo.assert_same(got, want, s, f"ts.{name} sample {i} decomposed")
