"""C source -> a loaded shared library, through the system C compiler and a content-hash cache.

CC and CFLAGS override the compiler and its optimisation flags (default `-O3 -march=native`,
plus `-fopenmp` when the compiler accepts it). Built libraries live under
`$XDG_CACHE_HOME/tsjit` (or ~/.cache/tsjit), named by the hash of source, compiler and flags, so
a second compile of the same module only loads the library.
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


def compiler_command() -> list[str]:
    """The compiler and flags (without files) used to build a library."""
    cc = find_compiler()
    if cc is None:
        raise CCompileError("no C compiler found (set CC)")
    flags = shlex.split(os.environ.get("CFLAGS", DEFAULT_CFLAGS))
    if _openmp_works(cc):
        flags.append("-fopenmp")
    return [*shlex.split(cc), "-std=gnu99", *flags, "-shared", "-fPIC"]


def build(source: str) -> ctypes.CDLL:
    """Compile `source` (or find it in the cache) and load it."""
    command = compiler_command()
    key = hashlib.sha256("\0".join([*command, source]).encode()).hexdigest()[:32]
    directory = cache_dir()
    c_path, lib_path = directory / f"{key}.c", directory / f"{key}.so"
    if not lib_path.exists():
        c_path.write_text(source)
        tmp = directory / f"{key}.{os.getpid()}.tmp.so"
        result = subprocess.run([*command, str(c_path), "-o", str(tmp), "-lm"], capture_output=True, text=True)
        if result.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise CCompileError(f"C compilation of {c_path} failed ({shlex.join(command)}):\n{result.stderr}")
        os.replace(tmp, lib_path)  # atomic: concurrent builds of the same key never see a half-written file
    return ctypes.CDLL(str(lib_path))
