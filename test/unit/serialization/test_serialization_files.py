"""Atomic writes, extra files, and the top-level tsjit.save/tsjit.load of ordinary objects."""
import io
import os
import pickle
import stat
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tsjit as torch
import tsjit.jit.serialization as serialization
from serialization_models import WithAttributes, mlp


def scripted():
    return torch.jit.script(mlp().eval())


# -- atomic writes ----------------------------------------------------------------------------------
def test_failed_saves_leave_the_previous_file_and_no_temporary_files(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    torch.jit.save(scripted(), path)
    before = path.read_bytes()

    broken = torch.jit.script(WithAttributes())
    broken.tag = object()  # an attribute with no IR form: to_ir refuses it
    with pytest.raises(RuntimeError, match="cannot write attribute 'self.tag' of type object"):
        torch.jit.save(broken, path)
    with pytest.raises(TypeError, match=r"_extra_files\['n'\] must be str or bytes, not int"):
        torch.jit.save(scripted(), path, _extra_files={"n": 3})

    def disk_full(archive, handle, array):  # fails halfway through writing the zip
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serialization, "_write_blob", disk_full)
    with pytest.raises(OSError, match="No space left"):
        torch.jit.save(scripted(), path)
    with pytest.raises(OSError, match="No space left"):
        torch.jit.save(scripted(), tmp_path / "new.pt")
    with pytest.raises((pickle.PicklingError, AttributeError)):  # fails after the first items are written
        torch.save([torch.ones(1000), "x" * 1000, lambda: 1], path)

    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.pt"]


def gone_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    import subprocess
    import sys

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_a_save_removes_what_a_killed_save_left_but_not_a_live_one(tmp_path):
    path = tmp_path / "model.pt"
    killed = tmp_path / f".model.pt.{gone_pid()}.abc123.tmp"
    killed.write_bytes(b"half an archive")
    live = tmp_path / ".model.pt.1.def456.tmp"  # pid 1 runs: a save in progress elsewhere
    live.write_bytes(b"being written")
    old = tmp_path / ".model.pt.1.ghi789.tmp"
    old.write_bytes(b"left by another host long ago")
    os.utime(old, (1, 1))
    other = tmp_path / f".other.pt.{gone_pid()}.jkl012.tmp"  # another target's: not this save's business
    other.write_bytes(b"x")
    torch.jit.save(scripted(), path)
    assert sorted(os.listdir(tmp_path)) == sorted(["model.pt", live.name, other.name])
    torch.load(path)


def test_saving_replaces_the_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "model.pt"
    torch.jit.save(scripted(), path)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask  # as open() would, not mkstemp's 0o600
    os.chmod(path, 0o640)
    torch.jit.save(scripted(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert os.listdir(tmp_path) == ["model.pt"]


# -- extra files ------------------------------------------------------------------------------------
def test_extra_files_round_trip_as_bytes(tmp_path):
    extra = {"config.json": '{"lr": 0.1}', "weights.bin": bytes(range(256)), "dir/nested.txt": "ünï", "empty": ""}
    torch.jit.save(scripted(), tmp_path / "m.pt", _extra_files=extra)
    wanted = {"config.json": None, "weights.bin": "", "dir/nested.txt": "", "empty": "x", "absent": "keep?"}
    torch.jit.load(tmp_path / "m.pt", _extra_files=wanted)
    assert wanted == {"config.json": b'{"lr": 0.1}', "weights.bin": bytes(range(256)),
                      "dir/nested.txt": "ünï".encode(), "empty": b"", "absent": b""}
    with zipfile.ZipFile(tmp_path / "m.pt") as archive:
        assert archive.read("tsjit/extra/weights.bin") == bytes(range(256))


def test_extra_files_through_script_module_save_and_bytesio():
    buffer = io.BytesIO()
    scripted().save(buffer, _extra_files={"a": b"1"})
    buffer.seek(0)
    files = {"a": ""}
    torch.jit.load(buffer, _extra_files=files)
    assert files == {"a": b"1"}


# -- tsjit.save / tsjit.load of ordinary objects ------------------------------------------------------
def round_trip(obj, **load_args):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    buffer.seek(0)
    return torch.load(buffer, **load_args)


def test_tensor_round_trip(tmp_path):
    for t in [torch.randn(3, 4), torch.arange(5), torch.tensor([True, False]), torch.randn(2, 3).double(),
              torch.randn(4, 4).t(), torch.tensor(2.5)]:
        back = round_trip(t)
        assert isinstance(back, torch.Tensor) and back.dtype == t.dtype and back.shape == t.shape
        np.testing.assert_array_equal(back.numpy(), t.numpy())
    torch.save(torch.ones(2), tmp_path / "t.pt")
    np.testing.assert_array_equal(torch.load(tmp_path / "t.pt").numpy(), np.ones(2, np.float32))


def test_state_dict_round_trip_loads_into_a_fresh_model(tmp_path):
    model = mlp()
    torch.save(model.state_dict(), tmp_path / "sd.pt")
    state = torch.load(tmp_path / "sd.pt")
    assert isinstance(state, OrderedDict) and list(state) == list(model.state_dict())
    fresh = mlp()
    fresh.load_state_dict(state)
    x = torch.randn(2, 8)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


def test_parameters_dtypes_devices_and_sizes_unpickle_with_weights_only():
    obj = {"p": torch.nn.Parameter(torch.randn(2)), "dtype": torch.int64, "device": torch.device("cpu"),
           "size": torch.zeros(2, 3).shape, "n": 3, "list": [1.5, "s", None, (True,)]}
    back = round_trip(obj)
    assert isinstance(back["p"], torch.nn.Parameter) and back["p"].requires_grad
    assert (back["dtype"], back["device"], back["size"], back["n"], back["list"]) == \
        (torch.int64, torch.device("cpu"), torch.Size([2, 3]), 3, [1.5, "s", None, (True,)])


class Custom:
    def __init__(self, value):
        self.value = value


def test_weights_only_refuses_other_classes_unless_asked():
    with pytest.raises(pickle.UnpicklingError, match="unsupported global GLOBAL test_serialization_files.Custom"):
        round_trip(Custom(1))
    assert round_trip(Custom(1), weights_only=False).value == 1
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL tsjit.nn.modules.linear.Linear"):
        round_trip(torch.nn.Linear(2, 2))


def test_pickles_and_archives_share_one_stream():
    buffer = io.BytesIO()
    torch.save([1, 2], buffer)
    position = buffer.tell()
    scripted().save(buffer)
    buffer.seek(0)
    assert torch.load(buffer) == [1, 2]
    buffer.seek(position)
    assert isinstance(torch.load(buffer), torch.jit.ScriptModule)


def test_extra_files_only_with_script_modules(tmp_path):
    with pytest.raises(TypeError, match="_extra_files can only be saved with a ScriptModule"):
        torch.save(torch.ones(1), tmp_path / "t.pt", _extra_files={"a": "b"})
