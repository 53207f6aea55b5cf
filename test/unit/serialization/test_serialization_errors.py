"""Damaged, foreign, too-new or incomplete archives give one clear RuntimeError naming the file."""
import io
import os
import zipfile

import numpy as np
import pytest

import tsjit as torch
from serialization_models import mlp

X = torch.randn(3, 8)


@pytest.fixture(scope="module")
def saved():
    """(bytes of a saved MLP archive, the module) shared by the tests."""
    module = mlp().eval()
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buffer, _extra_files={"note.txt": "n"})
    return buffer.getvalue(), module


def write(tmp_path, data, name="m.pt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rewrite(data, edit):
    """The archive with its entries passed through edit(name, content) -> content or None (dropped)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            content = edit(name, src.read(name))
            if content is not None:
                dst.writestr(name, content)
    return out.getvalue()


def load_error(path, match):
    with pytest.raises(RuntimeError, match=match) as info:
        torch.jit.load(path)
    assert str(path) in str(info.value)
    assert "cannot load" in str(info.value)
    return info.value


def test_missing_path_and_directory_raise_as_pytorch(tmp_path):
    with pytest.raises(ValueError, match=f"^The provided filename {tmp_path}/nope.pt does not exist$"):
        torch.jit.load(tmp_path / "nope.pt")
    with pytest.raises(ValueError, match=f"^The provided filename {tmp_path} is a directory$"):
        torch.jit.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        torch.load(tmp_path / "nope.pt")


@pytest.mark.parametrize("content", [b"", b"hello, not a model\n", b"\x80\x02}q\x00.", b"PK\x03\x04 garbage"])
def test_not_an_archive(tmp_path, content):
    load_error(write(tmp_path, content), "not a zip archive, or it is truncated")


@pytest.mark.parametrize("fraction", [0.02, 0.25, 0.5, 0.75, 0.98])
def test_truncated(tmp_path, saved, fraction):
    data = saved[0]
    path = write(tmp_path, data[: int(len(data) * fraction)])
    load_error(path, "not a zip archive, or it is truncated")
    with pytest.raises(RuntimeError, match="truncated"):
        torch.load(path)  # the top-level load recognises the archive and reports the same problem


def test_one_byte_short(tmp_path, saved):
    load_error(write(tmp_path, saved[0][:-1]), "truncated")


@pytest.mark.parametrize("entry", ["tsjit/model.mlir", "tsjit/data/t0.npy", "tsjit/data/t3.npy", "tsjit/version"])
def test_flipped_bytes_in_an_entry(tmp_path, saved, entry):
    data = bytearray(saved[0])
    with zipfile.ZipFile(io.BytesIO(saved[0])) as archive:
        info = archive.getinfo(entry)
    start = info.header_offset + 30 + len(info.filename.encode())  # the entry's data after its local header
    middle = start + info.compress_size // 2
    data[middle] ^= 0xFF
    data[middle + 1 if info.compress_size > 1 else middle] ^= 0x5A
    load_error(write(tmp_path, bytes(data)), f"'{entry}' is corrupted")


def test_every_flipped_byte_is_rejected_cleanly_or_harmless(tmp_path, saved):
    """Flip bytes across the whole file: load either raises the clear error or (the byte was a
    timestamp or another field nothing reads) gives the same model: never another exception."""
    data, module = saved
    expected = module(X).numpy()
    positions = range(0, len(data), max(1, len(data) // 97))
    rejected = 0
    for position in positions:
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        path = write(tmp_path, bytes(damaged))
        try:
            loaded = torch.jit.load(path)
        except RuntimeError as e:
            assert str(path) in str(e) and "cannot load" in str(e), e
            rejected += 1
            continue
        np.testing.assert_array_equal(loaded(X).numpy(), expected)
    assert rejected > len(positions) // 2


@pytest.mark.parametrize("version,match", [
    (b"2\n", "format version 2, newer than this tsjit reads .up to 1.; upgrade tsjit"),
    (b"999", "format version 999, newer"),
    (b"0\n", "unknown archive format version 0"),
    (b"one\n", "version entry is corrupted"),
    (b"", "version entry is corrupted"),
])
def test_edited_version(tmp_path, saved, version, match):
    data = rewrite(saved[0], lambda name, content: version if name == "tsjit/version" else content)
    load_error(write(tmp_path, data), match)


@pytest.mark.parametrize("entry,match", [
    ("tsjit/version", "no 'tsjit/version' entry: not saved by tsjit.save, or damaged"),
    ("tsjit/model.mlir", "the entry 'tsjit/model.mlir' is missing"),
    ("tsjit/data/t2.npy", "the entry 'tsjit/data/t2.npy' is missing"),
])
def test_deleted_entry(tmp_path, saved, entry, match):
    data = rewrite(saved[0], lambda name, content: None if name == entry else content)
    load_error(write(tmp_path, data), match)


def test_a_deleted_extra_file_reads_as_empty_as_in_pytorch(tmp_path, saved):
    data = rewrite(saved[0], lambda name, content: None if name.startswith("tsjit/extra/") else content)
    files = {"note.txt": ""}
    torch.jit.load(write(tmp_path, data), _extra_files=files)
    assert files == {"note.txt": b""}


def test_broken_ir_text(tmp_path, saved):
    edit = lambda name, content: content.replace(b"ts.object", b"ts.objet") if name.endswith(".mlir") else content
    load_error(write(tmp_path, rewrite(saved[0], edit)), "'tsjit/model.mlir' does not parse")


def test_ir_without_root_object(tmp_path, saved):
    edit = lambda name, content: content.replace(b"{root}", b"") if name.endswith(".mlir") else content
    load_error(write(tmp_path, rewrite(saved[0], edit)), "does not describe a module: expected one")


def test_blob_of_the_wrong_shape_or_not_npy(tmp_path, saved):
    def wrong_shape(name, content):
        if name != "tsjit/data/t0.npy":
            return content
        out = io.BytesIO()
        np.save(out, np.zeros((2, 2), np.float32))
        return out.getvalue()

    load_error(write(tmp_path, rewrite(saved[0], wrong_shape)), r"holds a float32 array of shape \[2, 2\], but the IR "
                                                                r"expects tensor<16x8xf32>")
    garbage = rewrite(saved[0], lambda name, content: b"nonsense" if name == "tsjit/data/t1.npy" else content)
    load_error(write(tmp_path, garbage), "the blob 'tsjit/data/t1.npy' is not a valid .npy array")
    pickled = rewrite(saved[0], lambda name, content: np_bytes(np.array([object()])) if name.endswith("t1.npy")
                      else content)
    load_error(write(tmp_path, pickled), "is not a valid .npy array")


def np_bytes(array):
    out = io.BytesIO()
    np.save(out, array, allow_pickle=True)
    return out.getvalue()


def test_a_zip_that_is_not_a_tsjit_archive(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    load_error(write(tmp_path, out.getvalue()), "no 'tsjit/version' entry")


def test_file_objects_are_named_in_errors(saved):
    class Named(io.BytesIO):
        name = "/models/from-a-stream.pt"

    with pytest.raises(RuntimeError, match="cannot load '/models/from-a-stream.pt'.*truncated"):
        torch.jit.load(Named(saved[0][:100]))


def test_map_location(tmp_path, saved):
    path = write(tmp_path, saved[0])
    for ok in ["cpu", torch.device("cpu"), {"cuda:0": "cpu"}, lambda storage, location: storage]:
        torch.jit.load(path, map_location=ok)
    with pytest.raises(RuntimeError, match="CPU only: cannot map storages to 'cuda:0'"):
        torch.jit.load(path, map_location="cuda:0")


def test_save_to_a_missing_directory_raises_as_pytorch(tmp_path):
    missing = tmp_path / "no" / "such"
    with pytest.raises(RuntimeError, match=f"^Parent directory {missing} does not exist.$"):
        torch.jit.save(torch.jit.script(mlp()), missing / "m.pt")
    assert not os.path.exists(tmp_path / "no")


def test_save_needs_a_script_module(tmp_path):
    with pytest.raises(TypeError, match="expects a ScriptModule .* got Sequential"):
        torch.jit.save(mlp(), tmp_path / "m.pt")
