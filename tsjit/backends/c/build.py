"""C source -> a loaded shared library, through the system C compiler and a content-hash cache.

CC and CFLAGS override the compiler and its optimisation flags (default `-O3 -march=native` plus
`tsjit.backends.c.target.target_flags()` when that module exists, and `-fopenmp` when the compiler
accepts it). A source using a BLAS-backed run-time function is compiled against scipy-openblas32
and linked with it (-I, -L, -l, rpath: blas.py), when it is installed. Built libraries live under
`$XDG_CACHE_HOME/tsjit` (or ~/.cache/tsjit), named by the hash of source, compiler and flags, so
a second compile of the same module only loads the library, once its stamp (size and hash,
written after the library is in place) shows it whole; a damaged entry is rebuilt.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from tsjit.backends.c import blas
from tsjit.keyed_locks import KeyedLocks, file_lock

DEFAULT_CFLAGS = "-O3 -march=native"


class CCompileError(RuntimeError):
    """The C compiler rejected a generated file; the message names the file and quotes the compiler."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "tsjit"
    path.mkdir(parents=True, exist_ok=True)
    return path


def find_compiler() -> str | None:
    """The C compiler to use: $CC, else the first of cc/gcc/clang on PATH."""
    if os.environ.get("CC"):
        return os.environ["CC"]
    return next((c for c in ("cc", "gcc", "clang") if shutil.which(c)), None)


@functools.lru_cache(maxsize=None)
def _openmp_works(cc: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "omp.c"
        src.write_text("#include <omp.h>\nint f(void) { return omp_get_max_threads(); }\n")
        result = subprocess.run([*shlex.split(cc), "-fopenmp", "-shared", "-fPIC", str(src), "-o",
                                 str(Path(tmp) / "omp.so")], capture_output=True)
        return result.returncode == 0


def default_flags() -> list[str]:
    """DEFAULT_CFLAGS plus the CPU-probed flags of tsjit.backends.c.target, where that exists."""
    try:
        from tsjit.backends.c.target import target_flags
    except ImportError:
        return shlex.split(DEFAULT_CFLAGS)
    return [*shlex.split(DEFAULT_CFLAGS), *target_flags()]


def blas_flags(source: str) -> tuple[list[str], list[str]]:
    """(compile flags, link flags) for `source`: scipy-openblas32's when the source asks for CBLAS."""
    found = blas.openblas() if blas.uses_blas(source) else None
    return (blas.compile_flags(found), blas.link_flags(found)) if found else ([], [])


def compiler_command() -> list[str]:
    """The compiler and flags (without files) used to build a library."""
    cc = find_compiler()
    if cc is None:
        raise CCompileError("no C compiler found (set CC)")
    flags = shlex.split(os.environ["CFLAGS"]) if "CFLAGS" in os.environ else default_flags()
    if _openmp_works(cc):
        flags.append("-fopenmp")
    return [*shlex.split(cc), "-std=gnu11", *flags, "-shared", "-fPIC"]


def _stamp(path: Path) -> str:
    """`<size> <sha256>` of a file: what a cached library must still have to be loaded."""
    data = path.read_bytes()
    return f"{len(data)} {hashlib.sha256(data).hexdigest()}"


def _cached(lib_path: Path, stamp_path: Path) -> bool:
    """The library is there, whole: its stamp (written after it was renamed into place) matches.
    A truncated or emptied file (a full disk, a killed copy) would crash the process in dlopen."""
    try:
        return stamp_path.read_text() == _stamp(lib_path)
    except OSError:
        return False


_BUILDS = KeyedLocks()


def _compile(source: str, command: list[str], link: list[str], stem: Path) -> None:
    """Build `stem`.so from `stem`.c (written here), then its stamp; each renamed into place.
    Called holding the key's lock, so temporaries of this key are a killed build's: removed."""
    for stale in stem.parent.glob(f"{stem.name}.*.tmp.*"):
        stale.unlink(missing_ok=True)
    c_path, lib_path = stem.with_suffix(".c"), stem.with_suffix(".so")
    tmp_c = stem.with_suffix(f".{os.getpid()}.tmp.c")
    tmp_c.write_text(source)
    os.replace(tmp_c, c_path)
    tmp = stem.with_suffix(f".{os.getpid()}.tmp.so")
    result = subprocess.run([*command, str(c_path), "-o", str(tmp), *link], capture_output=True, text=True)
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise CCompileError(f"C compilation of {c_path} failed ({shlex.join(command)}):\n{result.stderr}")
    stamp = _stamp(tmp)
    os.replace(tmp, lib_path)
    tmp_stamp = stem.with_suffix(f".{os.getpid()}.tmp.stamp")
    tmp_stamp.write_text(stamp)
    os.replace(tmp_stamp, stem.with_suffix(".so.stamp"))


def build(source: str, extra_flags: tuple[str, ...] | list[str] = ()) -> ctypes.CDLL:
    """Compile `source` (or find it in the cache, verified) and load it."""
    cflags, ldflags = blas_flags(source)
    command = [*compiler_command(), *extra_flags, *cflags]
    link = [*ldflags, "-lm"]
    key = hashlib.sha256("\0".join([*command, *link, source]).encode()).hexdigest()[:32]
    directory = cache_dir()
    lib_path, stamp_path = directory / f"{key}.so", directory / f"{key}.so.stamp"
    if not _cached(lib_path, stamp_path):
        # one build per key: other threads and processes wait for it, then find it cached
        with _BUILDS(key), file_lock(directory / f"{key}.lock"):
            if not _cached(lib_path, stamp_path):
                _compile(source, command, link, directory / key)
    return ctypes.CDLL(str(lib_path))
