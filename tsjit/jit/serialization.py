"""save / load: a ScriptModule as one versioned zip archive that loads without its Python source.

    tsjit/version          the archive format version ("1")
    tsjit/model.mlir       to_ir(module) as text, every tensor constant a dense_resource<tN> handle
    tsjit/data/tN.npy      the tensors, one .npy blob per distinct value (tied weights: one blob)
    tsjit/extra/<name>     the _extra_files, byte for byte

Weights stay out of the text so they are stored exactly and cheaply; the zip's CRC-32 catches
damage, and every way a file can be unreadable becomes an ArchiveError naming the file and
the problem. Files are written through a temporary file in the target directory, fsynced,
then renamed over the target, so a failed save never leaves a half-written archive behind.
The top-level tsjit.save/tsjit.load also handle ordinary objects (tensors, state_dicts) by
pickling them, as torch.save/torch.load do (weights_only by default, like PyTorch >= 2.6).
"""
from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import zipfile
from collections.abc import Callable
from typing import IO, Any

import numpy as np
from xdsl.dialects.builtin import ArrayAttr, DenseIntOrFPElementsAttr, DenseResourceAttr, ModuleOp
from xdsl.ir import Attribute

from tsjit.atomic_files import temp_sibling
from tsjit.dialects.ts.constant import dense_to_numpy, numpy_to_dense

FORMAT_VERSION = 1
PREFIX = "tsjit/"
VERSION, MODEL, DATA, EXTRA = PREFIX + "version", PREFIX + "model.mlir", PREFIX + "data/", PREFIX + "extra/"


_HANDLE = re.compile(r"dense_resource<\s*([A-Za-z_][\w$.-]*)\s*>")


class ArchiveError(RuntimeError):
    """A file that is not a readable tsjit archive (truncated, corrupted, too new, incomplete)."""


# -- tensor constants <-> dense_resource handles ----------------------------------------------------
def _map_tensors(module: ModuleOp, fn: Callable[[Attribute], Attribute]) -> None:
    """Replace each tensor value held by an op (a ts.constant's, also inside constant lists; a
    memref.global's initial value) by fn(value)."""
    def rewrite(value: Attribute) -> Attribute:
        if isinstance(value, ArrayAttr):
            return ArrayAttr(rewrite(v) for v in value.data)
        if isinstance(value, DenseIntOrFPElementsAttr | DenseResourceAttr):
            return fn(value)
        return value

    for op in module.walk():
        for held in (op.properties, op.attributes):
            for name, value in held.items():
                if isinstance(value, ArrayAttr | DenseIntOrFPElementsAttr | DenseResourceAttr):
                    held[name] = rewrite(value)


def _externalize(module: ModuleOp, blobs: dict[str, np.ndarray] | None = None, prefix: str = "t") -> dict[str, np.ndarray]:
    """Swap tensor constants for dense_resource handles `<prefix>N`; the blobs by handle (equal values
    share one), added to `blobs` when given."""
    handles: dict[Attribute, str] = {}
    blobs = {} if blobs is None else blobs

    def to_handle(value: Attribute) -> Attribute:
        if isinstance(value, DenseResourceAttr):
            raise ArchiveError(f"the module holds an unresolved tensor {value}; it cannot be saved")
        if value not in handles:
            handles[value] = f"{prefix}{len(handles)}"
            blobs[handles[value]] = dense_to_numpy(value)
        return DenseResourceAttr.from_params(handles[value], value.type)

    _map_tensors(module, to_handle)
    return blobs


def internalize_blobs(module: ModuleOp, blobs: dict[str, np.ndarray]) -> None:
    """Swap the handles `_externalize` made back for their blobs, each with its handle's type."""
    def resolve(handle: DenseResourceAttr) -> Attribute:
        return DenseIntOrFPElementsAttr(handle.type, numpy_to_dense(blobs[handle.resource_handle.data]).data)

    _internalize(module, resolve)


def parse_keeping_handles(text: str, name: str) -> ModuleOp:
    """Parse IR whose tensors are dense_resource handles, keeping the handles as written."""
    from tsjit.dialects import context
    from tsjit.ir.parser import Parser

    parser = Parser(context(), text, name)
    # declared up front, the handles are kept as written (xDSL would rename ones seen before)
    parser.dialect_resources |= {("builtin", h) for h in _HANDLE.findall(text)}
    return parser.parse_module()


def _internalize(module: ModuleOp, resolve: Callable[[DenseResourceAttr], Attribute]) -> None:
    """Swap dense_resource handles back for the tensors resolve(handle) gives."""
    _map_tensors(module, lambda value: resolve(value) if isinstance(value, DenseResourceAttr) else value)


# -- writing ----------------------------------------------------------------------------------------
def save(m: Any, f: str | os.PathLike | IO[bytes], _extra_files: dict[str, str | bytes] | None = None) -> None:
    """torch.jit.save: write ScriptModule `m` to path or binary file `f`, with `_extra_files`."""
    from tsjit.jit.module_ir import to_ir
    from tsjit.jit.script_module import ScriptModule

    if not isinstance(m, ScriptModule):
        raise TypeError(f"tsjit.jit.save expects a ScriptModule (from tsjit.jit.script or trace), "
                        f"got {type(m).__name__}")
    extra = {}
    for name, content in (_extra_files or {}).items():
        if not isinstance(content, str | bytes):
            raise TypeError(f"_extra_files['{name}'] must be str or bytes, not {type(content).__name__}")
        extra[name] = content.encode() if isinstance(content, str) else content
    module = to_ir(m)
    blobs = _externalize(module)
    text = str(module)

    def write(out: IO[bytes]) -> None:
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(VERSION, f"{FORMAT_VERSION}\n")
            archive.writestr(MODEL, text, compress_type=zipfile.ZIP_DEFLATED)
            for handle, array in blobs.items():
                _write_blob(archive, handle, array)
            for name, content in extra.items():
                archive.writestr(EXTRA + name, content)

    _write_to(f, write)


def _write_blob(archive: zipfile.ZipFile, handle: str, array: np.ndarray) -> None:
    with archive.open(f"{DATA}{handle}.npy", "w", force_zip64=array.nbytes > 2**31) as out:
        np.save(out, array, allow_pickle=False)


def _write_to(f: str | os.PathLike | IO[bytes], write: Callable[[IO[bytes]], None]) -> None:
    """Run write() on binary file `f`, or atomically replace path `f` with what it writes."""
    if not isinstance(f, str | os.PathLike):
        write(f)
        return
    path = os.path.abspath(os.fspath(f))
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")  # PyTorch's message
    tmp = temp_sibling(path)
    try:
        with open(tmp, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _new_file_mode(path: str) -> int:
    """The mode open() would give: the replaced file's, else 0o666 less the umask (mkstemp uses 0o600)."""
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(directory: str) -> None:
    """Make the rename durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- reading ----------------------------------------------------------------------------------------
def load(f: str | os.PathLike | IO[bytes], map_location: Any = None,
         _extra_files: dict[str, Any] | None = None) -> Any:
    """torch.jit.load: the ScriptModule saved in path or binary file `f`. Keys of `_extra_files`
    are filled with the stored bytes (b"" for names the archive lacks, as PyTorch does)."""
    from tsjit.jit.module_ir import from_ir

    _check_map_location(map_location)
    if isinstance(f, str | os.PathLike):
        if not os.path.exists(f):
            raise ValueError(f"The provided filename {f} does not exist")  # PyTorch's messages
        if os.path.isdir(f):
            raise ValueError(f"The provided filename {f} is a directory")
    with _Archive(f) as archive:
        module = archive.module()
        _internalize(module, archive.tensor)
        for name in _extra_files or {}:
            _extra_files[name] = archive.entry(EXTRA + name) if archive.has(EXTRA + name) else b""
        try:
            loaded = from_ir(module)
        except Exception as e:
            raise archive.error(f"its IR does not describe a module: {e}") from e
    return loaded


class _Archive:
    """Reads a tsjit archive, turning every failure into an ArchiveError that names the file."""

    def __init__(self, f: str | os.PathLike | IO[bytes]):
        self.name = os.fspath(f) if isinstance(f, str | os.PathLike) else getattr(f, "name", repr(f))
        try:
            self.zip = zipfile.ZipFile(f if isinstance(f, str | os.PathLike) else io.BytesIO(f.read()))
        except Exception as e:
            raise self.error(f"it is not a zip archive, or it is truncated ({e})") from e
        self.names = set(self.zip.namelist())
        try:
            self._check_version()
        except BaseException:
            self.zip.close()
            raise

    def _check_version(self) -> None:
        if VERSION not in self.names:
            raise self.error(f"it has no '{VERSION}' entry: not saved by tsjit.save, or damaged")
        version = self.entry(VERSION).decode("ascii", "replace").strip()
        if not version.isdigit():
            raise self.error(f"its version entry is corrupted ({version[:20]!r})")
        if int(version) > FORMAT_VERSION:
            raise self.error(f"it has archive format version {version}, newer than this tsjit reads (up to "
                             f"{FORMAT_VERSION}); upgrade tsjit to load it")
        if int(version) < 1:
            raise self.error(f"unknown archive format version {version}")

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.zip.close()

    def error(self, problem: str) -> ArchiveError:
        return ArchiveError(f"cannot load '{self.name}' as a tsjit archive: {problem}")

    def has(self, entry: str) -> bool:
        return entry in self.names

    def entry(self, entry: str) -> bytes:
        if entry not in self.names:
            raise self.error(f"the entry '{entry}' is missing")
        try:
            return self.zip.read(entry)
        except Exception as e:  # bad CRC, bad header, unsupported method, zlib error, ...
            raise self.error(f"the entry '{entry}' is corrupted ({type(e).__name__}: {e})") from e

    def module(self) -> ModuleOp:
        try:
            return parse_keeping_handles(self.entry(MODEL).decode("utf-8"), MODEL)
        except ArchiveError:
            raise
        except Exception as e:
            raise self.error(f"'{MODEL}' does not parse: {e}") from e

    def tensor(self, resource: DenseResourceAttr) -> DenseIntOrFPElementsAttr:
        """The tensor a handle stands for, read from its blob and checked against the IR's type."""
        entry = f"{DATA}{resource.resource_handle.data}.npy"
        content = self.entry(entry)
        try:
            array = np.load(io.BytesIO(content), allow_pickle=False)
            dense = numpy_to_dense(array)
        except Exception as e:
            raise self.error(f"the blob '{entry}' is not a valid .npy array ({e})") from e
        if dense.type != resource.type:
            raise self.error(f"the blob '{entry}' holds a {array.dtype} array of shape {list(array.shape)}, but the "
                             f"IR expects {resource.type}")
        return dense


def _check_map_location(map_location: Any) -> None:
    """Everything lives on the CPU: accept the ways of saying so (a callable gets CPU storages)."""
    if map_location is None or callable(map_location):
        return
    for target in map_location.values() if isinstance(map_location, dict) else [map_location]:
        if str(target).split(":")[0] != "cpu":
            raise RuntimeError(f"tsjit runs on the CPU only: cannot map storages to {target!r}")


# -- tsjit.save / tsjit.load: archives for ScriptModules, pickles for everything else -------------
ZIP_MAGIC = b"PK\x03\x04"
_WEIGHTS_ONLY_GLOBALS = {
    ("collections", "OrderedDict"), ("tsjit.eager.core", "_rebuild"), ("tsjit.nn.parameter", "_rebuild_parameter"),
    ("tsjit.dtypes", "from_name"), ("tsjit.eager.meta", "device"), ("tsjit.eager.meta", "Size"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("_codecs", "encode"),
}
#: Modules files saved by earlier tsjit versions name, and where their contents live now.
_MOVED_MODULES = {"tsjit.tensor": "tsjit.eager.core", "tsjit.tensor_meta": "tsjit.eager.meta"}


def save_object(obj: Any, f: str | os.PathLike | IO[bytes], pickle_module: Any = pickle,
                pickle_protocol: int = 2, _extra_files: dict[str, str | bytes] | None = None) -> None:
    """torch.save: a ScriptModule is written as an archive (PyTorch refuses to pickle one); any
    other object (tensor, state_dict, ...) is pickled, atomically when `f` is a path."""
    from tsjit.jit.script_module import ScriptModule

    if isinstance(obj, ScriptModule):
        save(obj, f, _extra_files)
        return
    if _extra_files:
        raise TypeError("_extra_files can only be saved with a ScriptModule")
    _write_to(f, lambda out: pickle_module.dump(obj, out, protocol=pickle_protocol))


def load_object(f: str | os.PathLike | IO[bytes], map_location: Any = None, pickle_module: Any = None, *,
                weights_only: bool | None = None, _extra_files: dict[str, Any] | None = None,
                **pickle_load_args: Any) -> Any:
    """torch.load: a tsjit archive loads as a ScriptModule (it holds no pickle, so weights_only
    does not apply); anything else is unpickled, by default allowing only tensors, containers
    and numpy arrays (weights_only=True, as PyTorch >= 2.6)."""
    _check_map_location(map_location)
    with open(f, "rb") if isinstance(f, str | os.PathLike) else contextlib.nullcontext(f) as stream:
        start = stream.tell()
        is_archive = stream.read(len(ZIP_MAGIC)) == ZIP_MAGIC
        stream.seek(start)
        if is_archive:
            return load(stream if not isinstance(f, str | os.PathLike) else f, _extra_files=_extra_files)
        if weights_only is None or weights_only:
            if pickle_module is not None:
                raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
            try:
                return _WeightsUnpickler(stream, **pickle_load_args).load()
            except _Refused:
                raise
            except Exception as e:  # a damaged file: truncated, bytes that are not a pickle, ...
                name = os.fspath(f) if isinstance(f, str | os.PathLike) else getattr(f, "name", "the stream")
                raise pickle.UnpicklingError(f"cannot load '{name}': it is neither a tsjit archive nor a pickled "
                                             f"object, or it is damaged ({type(e).__name__}: {e})") from None
        if pickle_module is None:
            return _Unpickler(stream, **pickle_load_args).load()
        return pickle_module.load(stream, **pickle_load_args)


class _Unpickler(pickle.Unpickler):
    """Finds what earlier tsjit versions pickled under the module names they had."""

    def find_class(self, module: str, name: str) -> Any:
        return super().find_class(_MOVED_MODULES.get(module, module), name)


class _Refused(pickle.UnpicklingError):
    """A global outside the weights-only allowlist."""


class _WeightsUnpickler(_Unpickler):
    """Refuses every global outside the tensor/container allowlist: loading runs no foreign code."""

    def find_class(self, module: str, name: str) -> Any:
        module = _MOVED_MODULES.get(module, module)
        if (module, name) not in _WEIGHTS_ONLY_GLOBALS:
            raise _Refused(
                f"Weights only load failed: unsupported global GLOBAL {module}.{name}. tsjit.load unpickles only "
                f"tensors, numpy arrays and containers by default; re-running it with weights_only=False will "
                f"likely succeed, but can run arbitrary code: do it only if you trust the source of the file.")
        return super().find_class(module, name)


__all__ = ["ArchiveError", "FORMAT_VERSION", "load", "load_object", "save", "save_object"]
