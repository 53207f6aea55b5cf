"""Fused execution: C kernels per shape signature inside numpy-backend programs, the strategy,
strict_fusion, the oneDNN switch, the fuser switches, and tsjit.compile(backend="c") fallback."""
import warnings

import numpy as np
import pytest

import tsjit
from tsjit.backends.c import find_compiler
from tsjit.backends.registry import register
from tsjit.passes.fusion_groups import StrictFusionError

import fusion_models as fm

needs_cc = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


@pytest.fixture(autouse=True)
def fresh_state():
    strategy = tsjit.jit.set_fusion_strategy([("STATIC", 2), ("DYNAMIC", 10)])
    onednn = tsjit.jit.onednn_fusion_enabled()
    tsjit.jit.reset_fusion_stats()
    tsjit.jit.fusion.clear_fusion_cache()
    yield
    tsjit.jit.set_fusion_strategy(strategy)
    tsjit.jit.enable_onednn_fusion(onednn)


def inputs(shape, seed=0):
    rng = np.random.default_rng(seed)
    return [tsjit.from_numpy(rng.standard_normal(shape).astype(np.float32)) for _ in range(2)]


@needs_cc
@pytest.mark.parametrize("branch", ["then", "else"])
def test_mixed_function_same_outputs_fused(branch):
    f = tsjit.jit.script(fm.mixed)
    x, y = inputs((3, 4)) if branch == "then" else (tsjit.full((3, 4), 2.0), tsjit.full((3, 4), -1.0))
    names_ref, names_got = ["a"], ["a"]
    ref = f(x, y, names_ref, "double")
    with tsjit.jit.fuser("c"):
        got = f(x, y, names_got, "double")
    assert names_ref == names_got
    for r, g in zip(ref, got):
        np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=1e-5, atol=1e-5)
    stats = tsjit.jit.fusion_stats()
    assert stats["kernel_calls"] >= 1 and stats["unfused_calls"] == 0 and stats["failures"] == 0


@needs_cc
def test_kernels_are_cached_per_shape():
    f = tsjit.jit.script(fm.chain)
    x = tsjit.randn(5, 3)
    with tsjit.jit.fuser("c"):
        for _ in range(3):
            np.testing.assert_allclose(f(x).numpy(), np.tanh(1 / (1 + np.exp(-(x.numpy() * 2 + 1)))), rtol=1e-5)
    assert tsjit.jit.fusion_stats() == {"compiled": 1, "kernel_calls": 3, "unfused_calls": 0, "failures": 0}


@needs_cc
def test_strategy_bounds_specialisations():
    f = tsjit.jit.script(fm.chain)
    tsjit.jit.set_fusion_strategy([("STATIC", 1), ("DYNAMIC", 1)])
    a, b, c = tsjit.randn(2), tsjit.randn(3), tsjit.randn(4)
    with tsjit.jit.fuser("c"):
        for x in (a, b, a, b):   # a: static kernel; b: the dynamic slot; both reused
            f(x)
        assert tsjit.jit.fusion_stats()["compiled"] == 2
        assert tsjit.jit.fusion_stats()["kernel_calls"] == 4
        out = f(c)                # the strategy is used up: c runs unfused
        np.testing.assert_allclose(out.numpy(), fm.chain(c).numpy(), rtol=1e-6)
        assert tsjit.jit.fusion_stats()["unfused_calls"] == 1
        f(a)                      # a static kernel stays
        assert tsjit.jit.fusion_stats()["kernel_calls"] == 5


@needs_cc
def test_dynamic_slot_is_respecialised():
    """DYNAMIC re-specialises one slot per new shape: returning to an old shape costs a unit."""
    f = tsjit.jit.script(fm.chain)
    tsjit.jit.set_fusion_strategy([("DYNAMIC", 2)])
    a, b = tsjit.randn(2), tsjit.randn(3)
    with tsjit.jit.fuser("c"):
        f(a), f(b), f(a)
    assert tsjit.jit.fusion_stats() == {"compiled": 2, "kernel_calls": 2, "unfused_calls": 1, "failures": 0}


def test_set_fusion_strategy_returns_previous_and_validates():
    assert tsjit.jit.set_fusion_strategy([("DYNAMIC", 3)]) == [("STATIC", 2), ("DYNAMIC", 10)]
    assert tsjit.jit.set_fusion_strategy([("STATIC", 2), ("DYNAMIC", 10)]) == [("DYNAMIC", 3)]
    with pytest.raises(ValueError, match="FusionBehavior only supported 'STATIC' or 'DYNAMIC', got: FOO"):
        tsjit.jit.set_fusion_strategy([("FOO", 1)])
    for bad in ([("STATIC", -1)], [("STATIC", 1.5)], "STATIC", [("STATIC",)]):
        with pytest.raises(TypeError, match="incompatible function arguments"):
            tsjit.jit.set_fusion_strategy(bad)
    assert tsjit.jit.set_fusion_strategy([]) == [("STATIC", 2), ("DYNAMIC", 10)]


@needs_cc
def test_strict_fusion():
    ok, bad = tsjit.jit.script(fm.strict_ok), tsjit.jit.script(fm.strict_bad)
    x = tsjit.randn(4)
    bad(x)  # without the fuser nothing is checked
    ref = ok(x)
    with tsjit.jit.fuser("c"):
        np.testing.assert_allclose(ok(x).numpy(), ref.numpy(), rtol=1e-6)
        with pytest.raises(StrictFusionError, match=r"ts\.item at .*fusion_models\.py:37:\d+\n"
                                                    r"in the strict_fusion block at .*fusion_models\.py:35"):
            bad(x)


def test_strict_fusion_in_eager_is_a_no_op_that_warns():
    with pytest.warns(UserWarning, match="Only works in script mode"):
        y = fm.strict_ok(tsjit.ones(2))
    np.testing.assert_allclose(y.numpy(), np.tanh(1 / (1 + np.exp(-3.0))) * np.ones(2), rtol=1e-6)


class _Broken:
    name, pipeline = "broken", ("ts-lower-to-loops",)

    def compile(self, module):
        raise RuntimeError("no C compiler here")


def test_failed_compilation_falls_back_with_one_warning(monkeypatch):
    import tsjit.jit.fusion_kernels as run

    register("broken", _Broken)
    monkeypatch.setattr(run, "BACKEND", "broken")
    f = tsjit.jit.script(fm.chain)
    x = tsjit.randn(3)
    with tsjit.jit.fuser("c"):
        with pytest.warns(RuntimeWarning, match="runs unfused on the numpy backend.*no C compiler here"):
            y = f(x)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f(x)
    np.testing.assert_allclose(y.numpy(), fm.chain(x).numpy(), rtol=1e-6)
    assert tsjit.jit.fusion_stats() == {"compiled": 0, "kernel_calls": 0, "unfused_calls": 2, "failures": 1}


def test_strict_fusion_failure_is_an_error_not_a_fallback(monkeypatch):
    import tsjit.jit.fusion_kernels as run

    register("broken", _Broken)
    monkeypatch.setattr(run, "BACKEND", "broken")
    f = tsjit.jit.script(fm.strict_ok)
    with tsjit.jit.fuser("c"), pytest.raises(StrictFusionError, match="could not be compiled: no C compiler here"):
        f(tsjit.randn(3))


def test_fuser_names_and_switches():
    assert not tsjit.jit.fusion.fuser_enabled()
    with tsjit.jit.fuser("fuser1"):
        assert tsjit.jit.fusion.fuser_enabled() and not tsjit.jit.onednn_fusion_enabled()
    with tsjit.jit.fuser("fuser3"):
        assert tsjit.jit.onednn_fusion_enabled()
    with tsjit.jit.fuser("none"):
        assert not tsjit.jit.fusion.fuser_enabled()
    assert not tsjit.jit.onednn_fusion_enabled()
    with pytest.raises(Exception, match=r"unrecognized fuser option \(name: fuser9\)"):
        with tsjit.jit.fuser("fuser9"):
            pass
    assert tsjit.jit.set_fuser_enabled(True) is False
    assert tsjit.jit.set_fuser_enabled(False) is True
    with pytest.raises(TypeError):
        tsjit.jit.enable_onednn_fusion("yes")


class _Net(tsjit.nn.Module):
    def __init__(self):
        super().__init__()
        self.l = tsjit.nn.Linear(4, 8)

    def forward(self, x):
        y = tsjit.relu(self.l(x)) * 2.0
        y = y + tsjit.nonzero(y > -1e30).amax() * 0.0  # a max of nonzero, whose size is data-dependent: numpy runs around fusion groups
        if bool(y.sum() > 0.0):
            y = tsjit.sigmoid(y) + 1.0
        return y


@needs_cc
def test_onednn_switch_fuses_contractions():
    from tsjit.dialects.ts.fusion_ops import FusionGroupOp

    m, x = _Net().eval(), tsjit.randn(3, 4)

    def fused_ops():
        c = tsjit.compile(m, backend="c", example_inputs=[x])
        np.testing.assert_allclose(c(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)
        return sorted(op.name for g in c.module.walk() if isinstance(g, FusionGroupOp) for op in g.body.walk())

    assert "ts.linear" not in fused_ops()
    tsjit.jit.enable_onednn_fusion(True)
    assert "ts.linear" in fused_ops()


@needs_cc
def test_compile_c_uses_fusion_groups_when_not_all_lowers():
    m, x = _Net().eval(), tsjit.randn(3, 4)
    with pytest.warns(tsjit.compiler.FallbackWarning, match="ts.nonzero"):
        c = tsjit.compile(m, backend="c", example_inputs=[x])
    assert c.backend == "numpy+c"
    np.testing.assert_allclose(c(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)
    assert tsjit.jit.fusion_stats()["kernel_calls"] >= 1


@needs_cc
def test_zero_dim_inputs_stay_zero_dim():
    """A 0-d tensor reaches a fused kernel as a 0-d array (not numpy's 1-element 1-d copy)."""
    f = tsjit.jit.script(fm.chain)
    x = tsjit.tensor(0.5)
    with tsjit.jit.fuser("c"):
        got = [f(x) for _ in range(2)]
    ref = np.tanh(1 / (1 + np.exp(-(0.5 * 2 + 1))))
    for g in got:
        assert g.shape == () and np.allclose(g.numpy(), ref, rtol=1e-5)
    assert tsjit.jit.fusion_stats()["kernel_calls"] == 2 and tsjit.jit.fusion_stats()["failures"] == 0


@needs_cc
def test_threads_meeting_a_new_shape_compile_its_kernel_once():
    """N threads calling one fused function on a new shape at once: one kernel compiled (per-key
    lock), every call runs it and gets the right values; a second function with the same fused
    group shares the kernel."""
    import threading

    f = tsjit.jit.script(fm.chain)
    x = tsjit.randn(7, 3)
    expected = np.tanh(1 / (1 + np.exp(-(x.numpy() * 2 + 1))))
    barrier, results = threading.Barrier(8), []

    def go():
        barrier.wait()
        results.append(f(x).numpy())

    with tsjit.jit.fuser("c"):
        threads = [threading.Thread(target=go) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        again = tsjit.jit.script(fm.chain)(x)
    assert len(results) == 8
    for r in results + [again.numpy()]:
        np.testing.assert_allclose(r, expected, rtol=1e-5)
    assert tsjit.jit.fusion_stats() == {"compiled": 1, "kernel_calls": 9, "unfused_calls": 0, "failures": 0}
