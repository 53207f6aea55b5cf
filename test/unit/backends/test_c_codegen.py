"""What the C renderer emits for speed, and that it stays correct: OpenMP pragmas from the
`tsjit.parallel` marks, weights as buffers filled at load time (one cached library per
architecture, separate weights per model), the arena of temporaries (reused space, safe from
two threads), calls of run-time functions with subview offsets."""
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import tsjit as torch
from tsjit.backends.c import CBackend, find_compiler, render_module
from tsjit.backends.c.render_loops import MIN_WORK_PER_THREAD, simd_pragma
from tsjit.backends.c.render_memory import plan_arena
from tsjit.backends.numpy import Program
from tsjit.dialects import parse_module
from tsjit.passes import apply_pass
from c_helpers import cache_home, end_to_end_models  # noqa: F401  (cache_home: an autouse fixture)

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


MODELS = end_to_end_models()


def lowered(name, shape=None, seed=0, coalesce=True):
    """The model lowered to loops; without `coalesce`, its loop nests as ts-linalg-to-loops made them."""
    cls, default = MODELS[name]
    torch.manual_seed(seed)
    model = cls().eval()
    x = torch.rand(*(shape or default))
    module = torch.jit.specialize(torch.jit.freeze(torch.jit.script(model)), (x,))
    if coalesce:
        apply_pass("ts-lower-to-loops", module)
    else:
        for stage in ("ts-decompose", "ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize", "ts-linalg-to-loops",
                      "canonicalize", "cse"):
            apply_pass(stage, module)
    fn = next(op for op in module.ops if op.name == "func.func" and op.body.blocks)
    return module, fn, x.numpy()


def run_both(module, fn, x):
    out_shape = fn.function_type.inputs.data[1].get_shape()
    expected = np.zeros(out_shape, np.float32)
    Program(module).call(fn.sym_name.data, x, expected)
    out = np.full(out_shape, np.nan, np.float32)
    lib = CBackend().compile(module)
    lib.call(fn.sym_name.data, x, out)
    return lib, out, expected


def test_big_elementwise_nest_is_parallel_and_simd():
    module, fn, x = lowered("relu_sigmoid", (64, 256))  # one loop of 16384 (ts-coalesce-loops)
    source = render_module(module).source
    assert "#pragma omp parallel for simd schedule(static) num_threads(ts_num_threads(INT64_C(16384)))" in source
    _, out, expected = run_both(module, fn, x)
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_small_nest_stays_on_one_thread_and_short_outer_loops_collapse():
    small, _, _ = lowered("relu_sigmoid", (4, 8))
    assert 4 * 8 < 2 * MIN_WORK_PER_THREAD
    source = render_module(small).source
    assert "parallel for" not in source and "#pragma omp simd" in source
    module, fn, x = lowered("relu_sigmoid", (2, 32, 256), coalesce=False)
    source = render_module(module).source
    assert "collapse(2)" in source
    _, out, expected = run_both(module, fn, x)
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_short_simd_loops_get_a_vector_length_that_divides_them():
    assert simd_pragma(12) == simd_pragma(4) == "#pragma omp simd simdlen(4)"
    assert simd_pragma(24) == simd_pragma(8) == "#pragma omp simd simdlen(8)"
    for trips in (16, 32, 4096, 4100, 25, 6, 2, 1, 0, None):  # whole 16-lane vectors, long, odd, tiny, unknown
        assert simd_pragma(trips) == "#pragma omp simd"
    module, fn, x = lowered("lenet", coalesce=False)  # 12x12 and 4x4 conv outputs, pooled to 6x6 and 2x2
    source = render_module(module).source
    assert "simdlen(4)" in source
    _, out, expected = run_both(module, fn, x)
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_reduction_loops_get_no_simd_pragma():
    module, fn, x = lowered("mlp", (64, 16))
    source = render_module(module).source
    lines = source.splitlines()
    simd = [i for i, line in enumerate(lines) if line.strip().startswith("#pragma omp simd")]
    assert simd
    for i in simd:  # innermost loops only: no loop inside the marked one
        depth, j = 0, i + 1
        assert lines[j].lstrip().startswith("for (")
        while True:
            depth += lines[j].count("{") - lines[j].count("}")
            if depth == 0:
                break
            j += 1
            assert "for (" not in lines[j], "\n".join(lines[i:j + 1])
    _, out, expected = run_both(module, fn, x)
    np.testing.assert_allclose(out, expected, atol=1e-4)


def test_weights_are_buffers_filled_at_load_and_not_in_the_source():
    module_a, fn, x = lowered("mlp", seed=0)
    module_b, _, _ = lowered("mlp", seed=1)
    a, b = render_module(module_a), render_module(module_b)
    def without_small_constants(source):  # up to 16 elements (biases here) stay C initialisers
        return [line for line in source.splitlines() if not line.startswith("static const")]

    assert without_small_constants(a.source) == without_small_constants(b.source)
    assert "ts_weights" in a.source and a.source.count("(float)") < 100
    assert a.weights and all(w.dtype == np.float32 for _, w in a.weights)
    assert not np.array_equal(a.weights[0][1], b.weights[0][1])
    # one cached library, two loaded instances: each model keeps its own weights
    lib_a, out_a, expected_a = run_both(module_a, fn, x)
    lib_b, out_b, expected_b = run_both(module_b, fn, x)
    lib_a.call(fn.sym_name.data, x, out_a)
    np.testing.assert_allclose(out_a, expected_a, atol=1e-5)
    np.testing.assert_allclose(out_b, expected_b, atol=1e-5)
    assert not np.allclose(out_a, out_b)


def test_temporaries_share_an_arena_and_calls_from_threads_agree():
    module, fn, x = lowered("resnet_block", (1, 4, 16, 16))
    block = fn.body.block
    allocs = [op for op in block.ops if op.name == "memref.alloc"]
    offsets, size = plan_arena(block, lambda t: 4)
    assert set(offsets) == set(allocs) and len(allocs) >= 2
    assert size < sum(int(np.prod(a.memref.type.get_shape())) * 4 for a in allocs)  # space reused
    assert "aligned_alloc" in render_module(module).source and "free(v" not in render_module(module).source
    lib, out, expected = run_both(module, fn, x)
    np.testing.assert_allclose(out, expected, atol=1e-4)

    def call(_):
        result = np.zeros_like(out)
        for _ in range(20):
            lib.call(fn.sym_name.data, x, result)
        return result

    with ThreadPoolExecutor(4) as pool:
        for result in pool.map(call, range(8)):
            np.testing.assert_array_equal(result, out)


def test_runtime_function_calls_pass_subview_offsets(monkeypatch):
    from tsjit.backends.c import runtime

    monkeypatch.setitem(runtime.RUNTIME, "tsjit_test_scale", (
        "static void tsjit_test_scale(float *y, const float *x, int64_t n, float a) {\n"
        "    for (int64_t i = 0; i < n; ++i) y[i] = a * x[i];\n}\n", ()))
    module = parse_module(textwrap.dedent("""
        func.func private @tsjit_test_scale(memref<3xf32, strided<[1], offset: 2>>, memref<4xf32>, index, f32)
        func.func @f(%x: memref<4xf32>, %y: memref<6xf32>) {
          %n = arith.constant 3 : index
          %a = arith.constant 2.5 : f32
          %part = memref.subview %y[2] [3] [1] : memref<6xf32> to memref<3xf32, strided<[1], offset: 2>>
          func.call @tsjit_test_scale(%part, %x, %n, %a) : (memref<3xf32, strided<[1], offset: 2>>, memref<4xf32>, index, f32) -> ()
          func.return
        }"""))
    source = render_module(module).source
    assert "tsjit_test_scale(a1 + 2, a0, " in source and source.count("static void tsjit_test_scale") == 1
    x = np.array([1, 2, 3, 4], np.float32)
    y = np.zeros(6, np.float32)
    CBackend().compile(module).call("f", x, y)
    np.testing.assert_array_equal(y, [0, 0, 2.5, 5, 7.5, 0])


def test_same_architecture_models_share_one_cached_library_but_not_their_weights(cache_home):
    module_a, fn, x = lowered("resnet_block", seed=0)
    module_b, _, _ = lowered("resnet_block", seed=1)
    assert render_module(module_a).source == render_module(module_b).source
    lib_a, out_a, expected_a = run_both(module_a, fn, x)
    lib_b, out_b, expected_b = run_both(module_b, fn, x)
    assert len(list((cache_home / "tsjit").glob("*.so"))) == 1
    lib_a.call(fn.sym_name.data, x, out_a)  # after lib_b loaded its weights
    np.testing.assert_allclose(out_a, expected_a, atol=1e-4)
    np.testing.assert_allclose(out_b, expected_b, atol=1e-4)
    assert not np.allclose(out_a, out_b)
