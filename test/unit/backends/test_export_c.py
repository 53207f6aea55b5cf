"""tsjit.export_c: the exported C builds with `make` alone and its demo gives the numpy backend's
outputs; weights.bin round-trips; the output directory appears whole or not at all."""
import os
import shutil
import subprocess
from typing import Dict

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.backends.c import find_compiler
from tsjit.backends.c import export as export_mod
from tsjit.backends.c.export import ExportError, read_weights, weights_bytes
from tsjit.compiler import export_c, to_module

needs_cc = pytest.mark.skipif(find_compiler() is None or shutil.which("make") is None,
                              reason="no C compiler or make")


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(16, 32), nn.Linear(32, 32), nn.Linear(32, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2 = nn.Linear(16, 20), nn.Linear(20, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class BasicBlock(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + x)


class Elementwise(nn.Module):
    def forward(self, x):
        return F.relu(x * 1.5 + 0.25) * torch.sigmoid(x)


class Gelu(nn.Module):
    def forward(self, x):
        return F.gelu(x, approximate="tanh")


class Matmul(nn.Module):
    def forward(self, a, b):
        return a @ b


MODELS = {"mlp": (MLP, [(4, 16)]), "lenet": (LeNet, [(2, 1, 16, 16)]), "resnet_block": (BasicBlock, [(1, 8, 6, 6)]),
          "elementwise": (Elementwise, [(8, 64)]), "gelu": (Gelu, [(8, 64)]), "matmul": (Matmul, [(16, 24), (24, 8)])}


def model_and_inputs(name):
    cls, shapes = MODELS[name]
    torch.manual_seed(0)
    model = cls().eval()
    for module in model.modules():  # non-trivial batch-norm statistics, so the fold is exercised
        if isinstance(module, nn.BatchNorm2d):
            module.load_state_dict({**module.state_dict(), "running_mean": torch.rand(module.num_features),
                                    "running_var": torch.rand(module.num_features) + 0.5})
    return model, [torch.randn(*shape) for shape in shapes]


def model_and_input(name):
    model, (x,) = model_and_inputs(name)
    return model, x


def make(directory):
    result = subprocess.run(["make", f"CC={find_compiler()}"], cwd=directory, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for product in ("libmodel.so", "libmodel.a", "demo"):
        assert (directory / product).exists()


def run_demo(directory, *args):
    return subprocess.run([str(directory / "demo"), *map(str, args)], cwd=directory, capture_output=True, text=True)


@needs_cc
@pytest.mark.parametrize("name", sorted(MODELS))
def test_exported_c_gives_the_numpy_backends_outputs(name, tmp_path):
    model, xs = model_and_inputs(name)
    out = tmp_path / "export"
    exported = torch.export_c(model, out, tuple(xs))
    assert sorted(p.name for p in out.iterdir()) == ["Makefile", "README.md", "demo.c", "model.c", "model.h",
                                                    "weights.bin"]
    make(out)
    for i, x in enumerate(xs):
        x.numpy().tofile(tmp_path / f"x{i}.bin")
    result = run_demo(out, "-r", "2", "-o", tmp_path / "y", *(tmp_path / f"x{i}.bin" for i in range(len(xs))))
    assert result.returncode == 0, result.stderr
    assert "checksum" in result.stdout and "time per call" in result.stdout
    expected = torch.compile(model, backend="numpy", example_inputs=tuple(xs))(*(x.numpy() for x in xs))
    output = next(a for a in exported.main.args if a.written)
    got = np.fromfile(tmp_path / "y0.bin", np.float32).reshape(output.shape)
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)
    total = float(result.stdout.split("checksum sum=")[1].split()[0])
    assert total == pytest.approx(float(np.sum(got, dtype=np.float64)), rel=1e-6, abs=1e-6)


@needs_cc
def test_demo_reads_npy_generates_inputs_and_rejects_bad_files(tmp_path):
    model, x = model_and_input("mlp")
    out = tmp_path / "export"
    export_c(model, out, (x,))
    make(out)
    np.save(tmp_path / "x.npy", x.numpy())
    from_npy = run_demo(out, "-r", "1", "-o", tmp_path / "npy", tmp_path / "x.npy")
    assert from_npy.returncode == 0, from_npy.stderr
    expected = torch.compile(model, backend="numpy", example_inputs=(x,))(x.numpy())
    np.testing.assert_allclose(np.fromfile(tmp_path / "npy0.bin", np.float32).reshape(4, 10), expected, atol=1e-4)
    generated = run_demo(out, "-r", "1", "-o", tmp_path / "gen")
    assert generated.returncode == 0 and "checksum sum=" in generated.stdout
    assert np.isfinite(np.fromfile(tmp_path / "gen0.bin", np.float32)).all()
    np.save(tmp_path / "wrong.npy", np.zeros((4, 15), np.float32))
    wrong = run_demo(out, tmp_path / "wrong.npy")
    assert wrong.returncode != 0 and "expected 256 for a0 float[4][16]" in wrong.stderr
    (tmp_path / "bad.bin").write_bytes(b"not weights at all")
    bad = run_demo(out, "-w", tmp_path / "bad.bin")
    assert bad.returncode != 0 and "not a tsjit weights file" in bad.stderr


@needs_cc
def test_loader_checks_the_weights_belong_to_the_model(tmp_path):
    model, x = model_and_input("mlp")
    exported = export_c(model, tmp_path / "export", (x,))
    if not exported.weights:
        pytest.skip("the renderer emits weights as C initialisers (no weights table yet)")
    make(tmp_path / "export")
    weights = read_weights(tmp_path / "export" / "weights.bin")
    (tmp_path / "short.bin").write_bytes(weights_bytes(weights[:-1]))
    missing = run_demo(tmp_path / "export", "-w", tmp_path / "short.bin")
    assert missing.returncode != 0 and f"weight '{weights[-1][0]}' missing" in missing.stderr
    # a matrix, or a packed one (1-D: tsjit/lowering/packed_weights.py)
    i, (name, matrix) = next((i, w) for i, w in enumerate(weights) if w[1].size > 1 and w[1].ndim <= 2)
    changes = {"wrong shape": matrix[..., :1].copy(), "wrong dtype": matrix.view(np.int32)}
    changes["wrong shape "] = matrix.reshape(matrix.shape[::-1] if matrix.ndim == 2 else (-1, 1))  # the same bytes
    for why, array in changes.items():
        (tmp_path / "changed.bin").write_bytes(weights_bytes(weights[:i] + [(name, array)] + weights[i + 1:]))
        wrong = run_demo(tmp_path / "export", "-w", tmp_path / "changed.bin")
        assert wrong.returncode != 0 and f"weight '{name}': {why.strip()}" in wrong.stderr
    (tmp_path / "twice.bin").write_bytes(weights_bytes(weights + weights[:1]))
    twice = run_demo(tmp_path / "export", "-w", tmp_path / "twice.bin")
    assert twice.returncode != 0 and "listed twice" in twice.stderr
    raw = bytearray((tmp_path / "export" / "weights.bin").read_bytes())
    for at, value, why in [(16, len(raw) + 1, "data_start lies past"), (16, 32, "bad tensor entry")]:
        damaged = raw.copy()
        damaged[at:at + 8] = value.to_bytes(8, "little")
        (tmp_path / "damaged.bin").write_bytes(damaged)
        bad = run_demo(tmp_path / "export", "-w", tmp_path / "damaged.bin")
        assert bad.returncode != 0 and why in bad.stderr, bad.stderr
        with pytest.raises(ExportError):
            read_weights(tmp_path / "damaged.bin")


def test_reading_a_damaged_weights_file_says_what_is_wrong(tmp_path):
    weights = [("w", np.arange(6, dtype=np.float32).reshape(2, 3)), ("b", np.ones(3, np.int64))]
    raw = bytearray(weights_bytes(weights))
    path = tmp_path / "weights.bin"
    dims_at = 24 + 4 + 1 + 8  # the first entry: name_len, name, dtype, ndim, then dims
    cases = {
        "truncated or damaged": raw[:20],
        "past the end of the file": raw[:16] + (len(raw) * 2).to_bytes(8, "little") + raw[24:],
        "unknown dtype code 99": raw[:29] + (99).to_bytes(4, "little") + raw[33:],
        "cannot have 24 bytes": raw[:dims_at] + (3).to_bytes(8, "little") + raw[dims_at + 8:],
        "outside the data section": raw[:dims_at + 16] + (8).to_bytes(8, "little") + raw[dims_at + 24:],
    }
    for why, damaged in cases.items():
        path.write_bytes(bytes(damaged))
        with pytest.raises(ExportError, match=why):
            read_weights(path)


def test_weights_file_round_trips_with_aligned_data(tmp_path):
    rng = np.random.default_rng(0)
    weights = [("w.f32", rng.standard_normal((3, 5)).astype(np.float32)), ("b", np.arange(7, dtype=np.int64)),
               ("mask", np.array([[True, False]])), ("scalar", np.array(2.5))]
    path = tmp_path / "weights.bin"
    path.write_bytes(weights_bytes(weights))
    back = read_weights(path)
    assert [n for n, _ in back] == [n for n, _ in weights]
    for (_, a), (_, b) in zip(weights, back):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    raw = path.read_bytes()
    assert raw[:8] == b"TSJITWB\0" and int.from_bytes(raw[16:24], "little") % 64 == 0


def test_weights_offsets_are_64_byte_aligned(tmp_path):
    weights = [("a", np.ones(3, np.float32)), ("b", np.ones(5, np.float64)), ("c", np.ones(1, np.int8))]
    raw = weights_bytes(weights)
    pos, offsets = 24, []
    for name, array in weights:
        pos += 4 + len(name) + 8 + 8 * array.ndim
        offsets.append(int.from_bytes(raw[pos:pos + 8], "little"))
        pos += 16
    assert all(o % 64 == 0 for o in offsets) and offsets == sorted(set(offsets))
    assert raw[offsets[1]:offsets[1] + 40] == np.ones(5, np.float64).tobytes()


def test_failed_write_leaves_no_output_directory(tmp_path, monkeypatch):
    model, x = model_and_input("elementwise")

    def broken(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_mod, "weights_bytes", lambda w: b"x" * 10)
    monkeypatch.setattr(type(tmp_path), "write_bytes", broken)
    with pytest.raises(OSError, match="No space left"):
        export_c(model, tmp_path / "export", (x,))
    assert list(tmp_path.iterdir()) == []


def test_replaces_an_earlier_export_but_not_other_directories(tmp_path):
    model, x = model_and_input("elementwise")
    export_c(model, tmp_path / "export", (x,))
    (tmp_path / "export" / "stale.txt").write_text("from before")
    export_c(model, tmp_path / "export", (x,))
    assert not (tmp_path / "export" / "stale.txt").exists()
    assert sorted(os.listdir(tmp_path)) == ["export"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not an earlier tsjit export"):
        export_c(model, tmp_path / "mine", (x,))
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_an_export_removes_what_a_killed_export_left(tmp_path):
    import subprocess
    import sys

    pid = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True).stdout)
    for leftover in (f".export.{pid}.abc.tmp", f".export.{pid}.def.old"):
        (tmp_path / leftover).mkdir()
        (tmp_path / leftover / "model.c").write_text("half written")
    model, x = model_and_input("mlp")
    export_c(model, tmp_path / "export", (x,))
    assert os.listdir(tmp_path) == ["export"]


def test_header_documents_shapes_and_main_alias(tmp_path):
    model, x = model_and_input("lenet")
    exported = export_c(model, tmp_path / "export", (x,))
    header = (tmp_path / "export" / "model.h").read_text()
    assert "int ts_model_init(const char *weights_path);" in header
    assert "a0: input float[2][1][16][16]" in header and "a1: output (written) float[2][10]" in header
    assert f"#define ts_model_main {exported.main.c_name}" in header
    if exported.uses_blas:
        assert "BLAS_LIBS ?=" in (tmp_path / "export" / "Makefile").read_text()


def test_exports_loop_level_ir_as_given_and_names_the_main_function(tmp_path):
    model, x = model_and_input("elementwise")
    module = export_mod.lowered_module(to_module(model, (x,)))
    text = str(module)
    exported = export_c(text, tmp_path / "export")
    assert exported.main.args[0].shape == (8, 64)
    with pytest.raises(ExportError, match="no function 'nope'; available: "):
        export_c(text, tmp_path / "other", main="nope")
    assert not (tmp_path / "other").exists()


def data_dependent(x):
    return torch.nonzero(torch.sigmoid(x) > 0.5)


def test_a_model_that_does_not_lower_whole_is_refused(tmp_path):
    with pytest.raises(ExportError, match=r"not all of the model lowers to loops \(.*ts.nonzero at .*test_export_c.py"):
        export_c(data_dependent, tmp_path / "export", (torch.randn(3, 3),))
    assert not (tmp_path / "export").exists()


class DataDependentAndScales(nn.Module):
    def forward(self, x):
        return torch.nonzero(torch.sigmoid(x)).amax() * torch.unique(x).amax() + 1  # data-dependent sizes, a lowerable add


def test_a_model_whose_unlowered_ops_stop_the_pipeline_is_refused_naming_them(tmp_path):
    with pytest.raises(ExportError, match=r"not all of the model lowers to loops \(.*ts.nonzero at .*test_export_c.py:"
                                          r"\d+:\d+, .*ts.unique at .*\)"):
        export_c(DataDependentAndScales(), tmp_path / "export", torch.randn(3, 3))  # one input, given bare
    assert not (tmp_path / "export").exists()


def test_example_inputs_that_are_not_tensors_are_refused():
    with pytest.raises(TypeError, match="example input 1 must be a tensor or numpy array of a tensor dtype, got a str"):
        to_module(data_dependent, (torch.randn(2, 2), "x"))


def test_example_inputs_may_include_the_non_tensor_arguments():
    """One example input per parameter: the tensors give the shapes, an int or a dict is taken as
    the call's other arguments (as torch.compile takes them); a tensor for an int is refused."""

    @torch.jit.script
    def scaled(x, n: int, table: Dict[str, float], key: str):
        return x * n + table[key]

    x = torch.randn(2, 3)
    args = (x, 3, {"a": 0.5}, "a")
    expected = scaled(*args).numpy()
    for backend in ["numpy", "c"] if find_compiler() else ["numpy"]:
        compiled = torch.compile(scaled, backend=backend, example_inputs=args)
        np.testing.assert_allclose(np.asarray(compiled(*args)), expected, rtol=1e-6)
    with pytest.raises(TypeError, match="example input 1 is a tensor, but parameter 1 of the function is not"):
        to_module(scaled, (x, x, {"a": 0.5}, "a"))
