"""The C backend gives the numpy backend's outputs on the lowered models (MLP, CNN, ResNet block, elementwise chains);
its build is cached by content; compile errors name the C file; backends are found by name,
registration and entry point."""
import sys
import textwrap

import numpy as np
import pytest

import tsjit as torch
from tsjit.backends import registry
from tsjit.backends.c import CBackend, CCompileError, find_compiler
import tsjit.backends.c.build  # noqa: F401
from tsjit.backends.numpy import Program
from tsjit.passes import apply_pass
from c_helpers import cache_home, end_to_end_models  # noqa: F401  (cache_home: an autouse fixture)

build = sys.modules["tsjit.backends.c.build"]  # the module: the package binds `build` to its function

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


MODELS = end_to_end_models()


def lowered(name):
    cls, shape = MODELS[name]
    torch.manual_seed(0)
    model = cls().eval()
    x = torch.rand(*shape)
    module = torch.jit.specialize(torch.jit.freeze(torch.jit.script(model)), (x,))
    apply_pass("ts-lower-to-loops", module)
    fn = next(op for op in module.ops if op.name == "func.func" and op.body.blocks)
    out_type = fn.function_type.inputs.data[1]
    return module, fn.sym_name.data, x.numpy(), out_type.get_shape()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_c_backend_matches_numpy_backend(name):
    module, fn, x, out_shape = lowered(name)
    expected = np.zeros(out_shape, np.float32)
    Program(module).call(fn, x, expected)
    out = np.full(out_shape, np.nan, np.float32)
    CBackend().compile(module).call(fn, x, out)
    np.testing.assert_allclose(out, expected, atol=1e-4, rtol=1e-4)


def test_tsjit_compile_with_c_backend_runs_the_model():
    cls, shape = MODELS["lenet"]
    torch.manual_seed(1)
    model = cls().eval()
    x = torch.rand(*shape)
    compiled = torch.compile(model, backend="c", example_inputs=(x,))
    np.testing.assert_allclose(compiled(x).numpy(), model(x).numpy(), atol=1e-4)
    assert torch.compile(model, example_inputs=(x,))(x).shape == model(x).shape  # numpy backend, ts level


def test_compiled_outputs_are_recycled_only_once_released():
    """Outputs come from an OutputPool: never an array the caller still holds (directly, through a
    view or a Tensor), but the same memory again once it was dropped (no page faults per call)."""
    torch.manual_seed(0)
    model = torch.nn.Linear(8, 4).eval()
    x = np.random.default_rng(0).random((3, 8), dtype=np.float32)
    compiled = torch.compile(model, backend="c", example_inputs=(torch.from_numpy(x),))
    expected = model(torch.from_numpy(x)).numpy()
    y1 = compiled(x)
    y2 = compiled(x * 2)
    assert not np.shares_memory(y1, y2)
    np.testing.assert_allclose(y1, expected, atol=1e-5)  # not overwritten by the second call
    view, tensor = y1[1:], torch.from_numpy(y2)
    address1, address2 = y1.ctypes.data, y2.ctypes.data
    del y1, y2
    y3 = compiled(x)  # both sets still referenced (a view, a Tensor): a new one
    assert y3.ctypes.data not in (address1, address2)
    np.testing.assert_allclose(view, expected[1:], atol=1e-5)
    np.testing.assert_allclose(tensor.numpy(), 2 * expected - model.bias.numpy(), atol=1e-5)
    del view, tensor
    assert compiled(x).ctypes.data in (address1, address2)  # released: reused
    np.testing.assert_allclose(compiled(x), expected, atol=1e-5)


def test_arguments_are_checked_and_never_copied():
    module, fn, x, out_shape = lowered("relu_sigmoid")
    lib = CBackend().compile(module)
    with pytest.raises(TypeError, match="C-contiguous float32"):
        lib.call(fn, x.astype(np.float64), np.zeros(out_shape, np.float32))
    with pytest.raises(TypeError, match="C-contiguous"):
        lib.call(fn, x, np.zeros(out_shape[::-1], np.float32).T)
    with pytest.raises(ValueError, match="overlap"):
        lib.call(fn, x, x)
    out = np.zeros(out_shape, np.float32)
    lib.call(fn, x, out)  # written in place
    assert out.any()


def test_second_compile_is_a_cache_hit(cache_home, monkeypatch):
    module, fn, x, out_shape = lowered("gelu_tanh")
    CBackend().compile(module)
    assert len(list((cache_home / "tsjit").glob("*.so"))) == 1
    # the compiler probe is remembered per process, so any further subprocess would be a rebuild
    monkeypatch.setattr(build.subprocess, "run", lambda *a, **k: pytest.fail("recompiled"))
    out = np.zeros(out_shape, np.float32)
    CBackend().compile(module).call(fn, x, out)
    assert out.any()


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage", "no stamp"])
def test_damaged_cache_entry_is_rebuilt_not_loaded(cache_home, damage):
    """A truncated or emptied cached library would crash dlopen (SIGBUS); it is detected by its
    stamp and rebuilt, and later compiles work."""
    module, fn, x, out_shape = lowered("gelu_tanh")
    expected = np.zeros(out_shape, np.float32)
    CBackend().compile(module).call(fn, x, expected)
    [lib] = (cache_home / "tsjit").glob("*.so")
    data = lib.read_bytes()
    damaged = {"truncate": data[: len(data) // 3], "empty": b"", "garbage": bytes(len(data)),
               "no stamp": data}[damage]
    spare = lib.with_suffix(".damaged")  # a new file, not an in-place write: this process maps the old one
    spare.write_bytes(damaged)
    spare.replace(lib)
    if damage == "no stamp":
        lib.with_suffix(".so.stamp").unlink()
    out = np.zeros(out_shape, np.float32)
    CBackend().compile(module).call(fn, x, out)
    np.testing.assert_array_equal(out, expected)
    assert lib.read_bytes() == data


def test_threads_building_one_source_build_it_once(cache_home, monkeypatch):
    """N threads asking for one new library: one compiler run (a per-key lock), all load it; a
    killed build's temporaries are removed by the next build of that key."""
    import threading

    source = "int forty_two(void) { return 42; }\n"
    build.compiler_command()  # the compiler probes run before counting
    real_run, runs = build.subprocess.run, []
    monkeypatch.setattr(build.subprocess, "run", lambda command, *a, **k: runs.append(command) or
                        real_run(command, *a, **k))
    barrier, results = threading.Barrier(8), []

    def go():
        barrier.wait()
        results.append(build.build(source).forty_two())

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(runs) == 1
    [lib] = (cache_home / "tsjit").glob("*.so")
    killed = lib.with_suffix(".12345.tmp.so")
    killed.write_bytes(b"half a library")
    lib.with_suffix(".so.stamp").unlink()  # the entry is rebuilt
    assert build.build(source).forty_two() == 42 and not killed.exists() and len(runs) == 2


def test_compiled_call_checks_its_arguments_before_running():
    """Too few, too many or no arguments, another shape, rank or dtype: one clear error naming the
    argument, never a run on uninitialised buffers (or a write into an extra argument)."""

    @torch.jit.script
    def f(x, y):
        return x * y + 1

    ones = torch.ones(3, 4)
    compiled = torch.compile(f, backend="c", example_inputs=[ones, ones])
    assert compiled.backend == "c"
    with pytest.raises(TypeError, match=r"f\(\) takes 2 argument\(s\) \(x, y\) but 0 were given"):
        compiled()
    with pytest.raises(TypeError, match="but 1 were given"):
        compiled(ones)
    with pytest.raises(TypeError, match="but 3 were given"):
        compiled(ones, ones, torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"argument 'y' \(position 2\) expected a float32 tensor of shape "
                                         r"\[3, 4\], got shape \[4, 3\]"):
        compiled(ones, torch.ones(4, 3))
    with pytest.raises(ValueError, match="rank 1, expected rank 2"):
        compiled(ones, torch.ones(12))
    with pytest.raises(TypeError, match="got dtype float64"):
        compiled(ones, torch.ones(3, 4, dtype=torch.float64))
    with pytest.raises(TypeError, match="but found 'list'"):
        compiled(ones, [[1.0] * 4] * 3)
    transposed = np.arange(12, dtype=np.float32).reshape(4, 3).T  # non-contiguous: copied
    np.testing.assert_array_equal(compiled(ones, transposed), transposed + 1)


def test_compiled_call_checks_scalar_arguments():
    @torch.jit.script
    def g(x, n: int):
        return x * n

    compiled = torch.compile(g, backend="numpy", example_inputs=[torch.ones(2)])
    with pytest.raises(TypeError, match="expected a value of type 'int' for argument 'n' but found 'str'"):
        compiled(torch.ones(2), "3")
    assert compiled(torch.ones(2), 3).tolist() == [3.0, 3.0]


def test_compile_error_names_the_c_file_and_quotes_the_compiler(cache_home):
    with pytest.raises(CCompileError) as info:
        build.build("void broken(void) { this is not C; }\n")
    message = str(info.value)
    c_file = next((cache_home / "tsjit").glob("*.c"))
    assert str(c_file) in message and "error" in message


def test_unsupported_op_is_reported():
    from tsjit.backends.c import UnsupportedOp
    from tsjit.dialects import parse_module

    module = parse_module(textwrap.dedent("""
        func.func @f(%a: memref<2xf32>) {
          %c = arith.constant 0 : index
          %x = memref.load %a[%c] : memref<2xf32>
          %y = math.cbrt %x : f32
          memref.store %y, %a[%c] : memref<2xf32>
          func.return
        }"""))
    with pytest.raises(UnsupportedOp, match="math.cbrt"):
        CBackend().compile(module)


class _EchoBackend:
    """A third-party backend: its 'executable' returns the function name and argument count."""

    name, pipeline = "echo", ()

    def compile(self, module):
        return self

    def call(self, fn_name, *args):
        return fn_name, len(args)


def test_registry_has_builtins_and_registered_backends(monkeypatch):
    assert {"numpy", "c"} <= set(registry.available())
    assert isinstance(registry.backend("c"), CBackend)
    monkeypatch.setitem(registry._REGISTERED, "echo", _EchoBackend)
    compiled = torch.compile("func.func @g() {\n  func.return\n}", backend="echo")
    assert compiled.call("g", 1, 2) == ("g", 2)
    with pytest.raises(ValueError, match="unknown backend 'nope'.*c, echo, numpy"):
        registry.backend("nope")


def test_entry_point_backend_is_found(tmp_path, monkeypatch):
    """A distribution on sys.path declaring the `tsjit.backends` group is found through importlib.metadata."""
    (tmp_path / "echo_pkg.py").write_text("class Echo:\n    name, pipeline = 'echo_ep', ()\n"
                                          "    def compile(self, module):\n        return module\n")
    dist = tmp_path / "echo_pkg-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo_pkg\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[tsjit.backends]\necho_ep = echo_pkg:Echo\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(registry._REGISTERED, "echo_ep", raising=False)
    assert "echo_ep" in registry.available()
    assert type(registry.backend("echo_ep")).__name__ == "Echo"
    registry._REGISTERED.pop("echo_ep", None)
