"""Compilations kept on disk: `tsjit.compile` of a model a process compiled before (this one or an
earlier one) loads the lowered IR and its built library instead of scripting, freezing and
lowering again, as torch.compile's FX graph cache does across processes.

An entry is one `.npz` file under `$XDG_CACHE_HOME/tsjit/compiled` (beside the C build cache):
the lowered module's text and the ts-level module's text (what a pickled Compiled carries), each
tensor constant a dense_resource handle, and the constants' bytes by handle. Loading parses the
lowered text (a fraction of lowering it) and finds the C library in the build cache by its source.

The key is compile_cache's in-process key made persistent: classes and functions by module,
qualified name, code and source file (its content), closures and defaults by value; together with
every loaded module's file but the standard library's (the user's by content, installed packages'
by size and mtime), the plain globals of the modules defining the model's classes, and tsjit's own
files (size and mtime). A change to the model's code, to a helper it calls in the user's project or
in an installed package (an upgrade), or to tsjit misses; so does a process that has loaded other
modules (the key cannot tell which of them the model reads). A compile that warns is not kept
(a load would not warn again), nor one that falls back to numpy. `TSJIT_COMPILE_CACHE=0` turns
the cache off; it keeps the newest entries (LIMIT of them, LIMIT_BYTES at most).
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
import marshal
import os
import sys
import sysconfig
import types
from pathlib import Path
from typing import Any

import numpy as np

LIMIT, LIMIT_BYTES = 32, 2 << 30  # entries kept, newest first, and their total size
VERSION = 1  # of the entry format


def enabled() -> bool:
    return os.environ.get("TSJIT_COMPILE_CACHE", "1") != "0"


def directory() -> Path:
    from tsjit.backends.c.build import cache_dir

    return cache_dir() / "compiled"


def persistent_key(key: tuple, model: Any) -> str | None:
    """A digest of compile_cache's key that another process computes alike, or None when some part
    of it has no stable description (a closure over an object)."""
    try:
        stable = (VERSION, _stable(key), _user_files(), _class_globals(model), _tsjit_files())
    except (TypeError, OSError):
        return None
    return hashlib.sha256(repr(stable).encode()).hexdigest()


def _stable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return tuple(_stable(v) for v in value)
    if isinstance(value, type):
        return "type", value.__module__, value.__qualname__, _file_stamp(value)
    if isinstance(value, types.FunctionType):
        closure = tuple(_stable(_plain(c.cell_contents)) for c in value.__closure__ or ())
        return ("function", value.__module__, value.__qualname__, _file_stamp(value),
                hashlib.sha256(marshal.dumps(value.__code__)).hexdigest(), closure,
                _stable(_plain(value.__defaults__)), _stable(_plain(value.__kwdefaults__)))
    if isinstance(value, types.BuiltinFunctionType):
        return "builtin", getattr(value, "__module__", None), value.__qualname__
    if isinstance(value, np.dtype):
        return "dtype", value.str
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    raise TypeError(type(value).__name__)


def _plain(value: Any) -> Any:
    """`value` made of plain values, tuples and dicts (as sorted pairs), or TypeError."""
    from tsjit.compile_cache import _PLAIN

    if isinstance(value, _PLAIN | types.FunctionType | types.BuiltinFunctionType | type):
        return value
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((repr(k), _plain(v)) for k, v in value.items()), key=lambda kv: kv[0]))
    raise TypeError(type(value).__name__)


def _file_stamp(obj: Any) -> tuple | None:
    try:
        path = inspect.getsourcefile(obj)
    except TypeError:  # built in
        return None
    return _stamp(path) if path else None


def _stamp(path: str) -> tuple:
    """A file by content (a checkout that rewrites it unchanged is the same file)."""
    try:
        st = os.stat(path)
    except OSError:
        return path, None
    return path, _content(path, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _content(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _user_files() -> tuple:
    """Every loaded module's file outside the standard library and tsjit: the user's by content,
    installed packages' by size and mtime (an upgrade rewrites them)."""
    stdlib = {os.path.realpath(sysconfig.get_path(k)) + os.sep for k in ("stdlib", "platstdlib")}
    installed = {os.path.realpath(sysconfig.get_path(k)) + os.sep for k in ("purelib", "platlib")}
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    user, packages = set(), set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path or not path.endswith(".py") or not os.path.isabs(path):
            continue
        real = os.path.realpath(path)
        if real.startswith(package):
            continue
        if any(real.startswith(p) for p in installed):  # (a venv's platstdlib holds its site-packages)
            top = real.split("site-packages" + os.sep, 1)[-1].split(os.sep, 1)[0].removesuffix(".py")
            if top not in _dependencies()[0]:  # tsjit's own imports them as it compiles: keyed by version
                packages.add(real)
        elif not any(real.startswith(p) for p in stdlib):
            user.add(real)
    stats = []
    for path in sorted(packages):
        try:
            st = os.stat(path)
        except OSError:
            continue
        stats.append((path, st.st_size, st.st_mtime_ns))
    return tuple(_stamp(p) for p in sorted(user)), tuple(stats)


def _class_globals(model: Any) -> tuple:
    """The plain module-level values (settings a forward reads) of the modules defining the model."""
    names = sorted({type(m).__module__ for _, m in model.named_modules()} | {getattr(model, "__module__", "")})
    out = []
    for name in names:
        module = sys.modules.get(name)
        if module is None or name.startswith("tsjit."):
            continue
        values = []
        for k, v in sorted(vars(module).items()):
            if not k.startswith("__"):
                try:
                    values.append((k, _stable(_plain(v))))
                except TypeError:
                    continue  # classes' and functions' own code is in the key; other objects are not settings
        out.append((name, tuple(values)))
    return tuple(out)


#: the import names of tsjit's dependencies (pyproject.toml) and of xDSL's, by distribution: tsjit
#: imports their modules as it compiles, so they are keyed by version, not by the files loaded
DEPENDENCIES = {"xdsl": "xdsl", "numpy": "numpy", "lark": "lark", "scipy_openblas32": "scipy-openblas32",
                "tqdm": "tqdm", "ml_dtypes": "ml_dtypes", "typing_extensions": "typing_extensions",
                "immutabledict": "immutabledict", "ordered_set": "ordered-set"}


@functools.lru_cache(maxsize=1)
def _dependencies() -> tuple[frozenset, tuple]:
    """(the dependencies' import names, their installed versions)."""
    from importlib import metadata

    versions = []
    for top, dist in sorted(DEPENDENCIES.items()):
        try:
            versions.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            versions.append((dist, None))
    return frozenset(DEPENDENCIES), tuple(versions)


@functools.lru_cache(maxsize=1)
def _tsjit_files() -> tuple:
    """tsjit's files (size and mtime), Python's version and the dependencies' versions (xDSL's, numpy's, ...)."""
    root = Path(__file__).resolve().parent
    stamps = tuple((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*.py")))
    return stamps, sys.version, _dependencies()[1]


# -- entries ---------------------------------------------------------------------------------------
def store(key: str, compiled: Any) -> None:
    """Write compiled's entry (atomically; a failure to write only loses the entry)."""
    from tsjit.atomic_files import temp_sibling
    from tsjit.jit.serialization import _externalize

    if compiled.source is None or compiled.main is None or compiled.fallback:
        return
    blobs: dict[str, np.ndarray] = {}
    lowered, source = compiled.module.clone(), compiled.source.clone()
    _externalize(lowered, blobs, "l")
    _externalize(source, blobs, "s")
    meta = {"backend": compiled.backend, "backend_asked": compiled.backend_asked, "main": compiled.main.sym_name.data}
    target = directory() / f"{key}.npz"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = temp_sibling(target)
        with open(temp, "wb") as f:
            np.savez(f, __meta__=np.array(json.dumps(meta)), __lowered__=np.array(str(lowered)),
                     __source__=np.array(str(source)), **blobs)
        os.replace(temp, target)
    except OSError:
        return
    _prune(target.parent)


def load(key: str) -> Any:
    """The Compiled of an entry, or None when there is none (or it cannot be read)."""
    from xdsl.dialects.func import FuncOp

    from tsjit.backends.registry import backend as get_backend
    from tsjit.compiled import Compiled
    from tsjit.jit.serialization import internalize_blobs, parse_keeping_handles

    path = directory() / f"{key}.npz"
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as entry:
            arrays = {k: entry[k] for k in entry.files}
        meta = json.loads(str(arrays.pop("__meta__")))
        lowered_text, source_text = str(arrays.pop("__lowered__")), str(arrays.pop("__source__"))
        lowered = parse_keeping_handles(lowered_text, f"<cached {key[:12]}>")
        internalize_blobs(lowered, arrays)
        os.utime(path)  # most recently used
    except Exception:  # noqa: BLE001 - a damaged entry is a miss: compiling again replaces it
        return None
    chosen = get_backend(meta["backend"])
    compiled = Compiled(lowered, meta["backend"], chosen.compile(lowered), backend_asked=meta["backend_asked"])
    compiled.main = next(op for op in lowered.ops if isinstance(op, FuncOp) and op.sym_name.data == meta["main"])
    compiled.pickled = (source_text, {k: v for k, v in arrays.items() if k.startswith("s")})
    return compiled


def _prune(where: Path) -> None:
    try:
        entries = sorted(((p, p.stat()) for p in where.glob("*.npz")), key=lambda e: e[1].st_mtime, reverse=True)
        total = 0
        for i, (path, st) in enumerate(entries):
            total += st.st_size
            if i >= LIMIT or (i > 0 and total > LIMIT_BYTES):
                path.unlink()
    except OSError:
        pass
