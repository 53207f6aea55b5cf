"""Which BLAS the C backend links: scipy-openblas32 when installed, else the portable C GEMM.

A generated source that uses a BLAS-backed run-time function contains the token
`TSJIT_USE_CBLAS` (runtime/gemm.py guards its CBLAS branch with it); build.py then compiles with
`compile_flags()` and links with `link_flags()`. `TSJIT_BLAS=none` forces the C fallback (tests,
benchmarks, machines where linking fails).

OpenBLAS reads OPENBLAS_NUM_THREADS / OMP_NUM_THREADS once, when it is first loaded;
`sync_threads()` applies the current environment again after every load, and `set_num_threads(n)`
sets it explicitly (`scipy_openblas_set_num_threads`), e.g. to 1 for one-thread benchmarks.
"""
from __future__ import annotations

import ctypes
import functools
import os
from pathlib import Path
from typing import NamedTuple

MARKER = "TSJIT_USE_CBLAS"


class OpenBLAS(NamedTuple):
    include_dir: str
    lib_dir: str
    library: str  # the name for -l (libscipy_openblas.so -> scipy_openblas)

    @property
    def path(self) -> Path:
        return Path(self.lib_dir) / f"lib{self.library}.so"


@functools.lru_cache(maxsize=None)
def _installed() -> OpenBLAS | None:
    try:
        import scipy_openblas32 as sob
    except ImportError:
        return None
    found = OpenBLAS(sob.get_include_dir(), sob.get_lib_dir(), sob.get_library())
    return found if found.path.exists() and (Path(found.include_dir) / "cblas.h").exists() else None


def openblas() -> OpenBLAS | None:
    """The scipy-openblas32 installation to link, or None (not installed, or TSJIT_BLAS=none)."""
    if os.environ.get("TSJIT_BLAS", "").lower() in ("none", "0", "off", "fallback"):
        return None
    return _installed()


def uses_blas(source: str) -> bool:
    return MARKER in source


def compile_flags(found: OpenBLAS) -> list[str]:
    return [f"-D{MARKER}", f"-I{found.include_dir}"]


def link_flags(found: OpenBLAS) -> list[str]:
    return [f"-L{found.lib_dir}", f"-l{found.library}", f"-Wl,-rpath,{found.lib_dir}"]


@functools.lru_cache(maxsize=None)
def _library(path: str) -> ctypes.CDLL:
    return ctypes.CDLL(path)


def set_num_threads(n: int) -> None:
    """The number of threads OpenBLAS uses from now on (no-op without scipy-openblas32)."""
    found = _installed()
    if found is not None:
        _library(str(found.path)).scipy_openblas_set_num_threads(ctypes.c_int(max(1, int(n))))


def threads_from_env() -> int | None:
    """OPENBLAS_NUM_THREADS, else OMP_NUM_THREADS (OpenBLAS's own order), as a positive int."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(var, "").split(",")[0].strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return None


def sync_threads() -> None:
    """Apply the environment's thread count to OpenBLAS (it only read it when first loaded)."""
    n = threads_from_env()
    if n is not None:
        set_num_threads(n)
