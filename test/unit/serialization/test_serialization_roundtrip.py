"""save/load round trips: scripted and traced models come back with identical outputs and state."""
import io
import zipfile

import numpy as np
import pytest

import tsjit as torch
from serialization_models import Tied, WithAttributes, models

CASES = models()
IDS = [name for name, _, _ in CASES]


def compile_module(kind, module, x):
    return torch.jit.script(module) if kind == "script" else torch.jit.trace(module, x)


def assert_same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for key in sa:
        assert sa[key].dtype == sb[key].dtype
        np.testing.assert_array_equal(sa[key].numpy(), sb[key].numpy())


@pytest.mark.parametrize("kind", ["script", "trace"])
@pytest.mark.parametrize("name,module,x", CASES, ids=IDS)
def test_round_trip_through_a_file(tmp_path, kind, name, module, x):
    compiled = compile_module(kind, module, x)
    path = tmp_path / f"{name}.pt"
    torch.jit.save(compiled, path)
    loaded = torch.jit.load(path)
    np.testing.assert_array_equal(loaded(x).numpy(), module(x).numpy())
    assert_same_state(loaded, compiled)
    assert len(list(loaded.parameters())) == len(list(compiled.parameters()))
    assert loaded.training is False
    assert loaded.original_name == compiled.original_name
    assert loaded.code == compiled.code


@pytest.mark.parametrize("name,module,x", CASES, ids=IDS)
def test_weights_are_blobs_not_text(tmp_path, name, module, x):
    path = tmp_path / "m.pt"
    torch.jit.script(module).save(str(path))
    with zipfile.ZipFile(path) as archive:
        text = archive.read("tsjit/model.mlir").decode()
        blobs = [n for n in archive.namelist() if n.startswith("tsjit/data/")]
        assert archive.read("tsjit/version") == b"1\n"
    assert "dense<" not in text
    assert text.count("dense_resource<") >= len(blobs) > 0
    distinct = {(t.numpy().dtype.str, t.shape, t.numpy().tobytes()) for t in module.state_dict().values()}
    assert len(blobs) == len(distinct)  # one blob per distinct tensor value


def test_bytesio_round_trip_and_loading_twice():
    _, module, x = CASES[0]
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buffer)
    data = buffer.getvalue()
    first, second = torch.jit.load(io.BytesIO(data)), torch.jit.load(io.BytesIO(data))
    np.testing.assert_array_equal(first(x).numpy(), module(x).numpy())
    np.testing.assert_array_equal(second(x).numpy(), module(x).numpy())
    first[0].weight.data.mul_(0)  # two loads are independent copies
    assert not np.array_equal(first(x).numpy(), second(x).numpy())


def test_a_loaded_module_saves_again(tmp_path):
    _, module, x = CASES[2]
    torch.jit.save(torch.jit.script(module), tmp_path / "a.pt")
    torch.jit.save(torch.jit.load(tmp_path / "a.pt"), tmp_path / "b.pt")
    np.testing.assert_array_equal(torch.jit.load(tmp_path / "b.pt")(x).numpy(), module(x).numpy())


@pytest.mark.parametrize("kind", ["script", "trace"])
def test_tied_weights_stay_one_parameter(tmp_path, kind):
    module, x = Tied().eval(), torch.randn(2, 5)
    torch.jit.save(compile_module(kind, module, x), tmp_path / "tied.pt")
    with zipfile.ZipFile(tmp_path / "tied.pt") as archive:
        assert len([n for n in archive.namelist() if n.startswith("tsjit/data/")]) == 3  # weight, 2 biases
    loaded = torch.jit.load(tmp_path / "tied.pt")
    assert loaded.a.weight is loaded.b.weight
    assert [n for n, _ in loaded.named_parameters()] == ["a.weight", "a.bias", "b.bias"]
    with torch.no_grad():
        loaded.a.weight.mul_(2.0)  # seen through both layers, as in the original
        module.a.weight.mul_(2.0)
    np.testing.assert_array_equal(loaded(x).numpy(), module(x).numpy())


def test_load_state_dict_into_a_loaded_module(tmp_path):
    _, module, x = CASES[1]
    torch.jit.save(torch.jit.script(module), tmp_path / "lenet.pt")
    loaded = torch.jit.load(tmp_path / "lenet.pt")
    zeroed = {k: torch.zeros_like(v) for k, v in loaded.state_dict().items()}
    loaded.load_state_dict(zeroed)
    np.testing.assert_array_equal(loaded(x).numpy(), np.zeros((2, 10), np.float32))


def test_non_tensor_attributes_and_training_mode(tmp_path):
    module = WithAttributes()  # left in training mode
    torch.jit.save(torch.jit.script(module), tmp_path / "attrs.pt")
    loaded = torch.jit.load(tmp_path / "attrs.pt")
    assert (loaded.repeats, loaded.scale, loaded.offsets, loaded.use_offsets, loaded.tag) == \
        (2, 0.5, [1.0, -2.0, 0.25], True, "attrs")
    assert type(loaded.repeats) is int and type(loaded.use_offsets) is bool
    assert loaded.training is True
    loaded.use_offsets = False  # attributes stay settable and are read by the compiled code
    module.use_offsets = False
    x = torch.randn(4, 3)
    np.testing.assert_array_equal(loaded(x).numpy(), module(x).numpy())


def test_top_level_save_and_load_of_a_script_module(tmp_path):
    _, module, x = CASES[0]
    extra = {"meta.json": '{"a": 1}'}
    torch.save(torch.jit.script(module), tmp_path / "m.pt", _extra_files=extra)
    files = {"meta.json": ""}
    loaded = torch.load(tmp_path / "m.pt", _extra_files=files)
    assert isinstance(loaded, torch.jit.ScriptModule)
    assert files == {"meta.json": b'{"a": 1}'}
    np.testing.assert_array_equal(loaded(x).numpy(), module(x).numpy())


def test_equal_but_distinct_tensors_share_a_blob_but_not_storage(tmp_path):
    _, module, x = CASES[2]  # the two batch norms' num_batches_tracked are both 0
    torch.jit.save(torch.jit.script(module), tmp_path / "res.pt")
    loaded = torch.jit.load(tmp_path / "res.pt")
    loaded.bn1.num_batches_tracked.add_(1)
    assert (int(loaded.bn1.num_batches_tracked), int(loaded.bn2.num_batches_tracked)) == (1, 0)


def test_tensor_constants_inside_methods_become_blobs_too(tmp_path):
    import warnings

    from serialization_models import InlineConstant

    module, x = InlineConstant().eval(), torch.randn(2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(module, x)
    assert "dense<" in traced.graph
    torch.jit.save(traced, tmp_path / "c.pt")
    with zipfile.ZipFile(tmp_path / "c.pt") as archive:
        assert "dense<" not in archive.read("tsjit/model.mlir").decode()
        assert len([n for n in archive.namelist() if n.startswith("tsjit/data/")]) == 4
    np.testing.assert_array_equal(torch.jit.load(tmp_path / "c.pt")(x).numpy(), module(x).numpy())


@pytest.mark.parametrize("kind", ["freeze", "optimize_for_inference"])
@pytest.mark.parametrize("name,module,x", CASES, ids=IDS)
def test_frozen_and_optimized_modules_round_trip(tmp_path, kind, name, module, x):
    compiled = getattr(torch.jit, kind)(torch.jit.script(module))
    torch.jit.save(compiled, tmp_path / "m.pt")
    with zipfile.ZipFile(tmp_path / "m.pt") as archive:
        assert "dense<" not in archive.read("tsjit/model.mlir").decode()  # folded weights are blobs too
    loaded = torch.jit.load(tmp_path / "m.pt")
    np.testing.assert_array_equal(loaded(x).numpy(), compiled(x).numpy())
    expected = module(x).numpy()
    np.testing.assert_allclose(loaded(x).numpy(), expected, rtol=0, atol=1e-5 * max(1.0, np.abs(expected).max()))
