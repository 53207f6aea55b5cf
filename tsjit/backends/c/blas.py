"""Which BLAS the C backend links: scipy-openblas32 when installed, else the portable C GEMM.

A generated source that uses a BLAS-backed run-time function contains the token
`TSJIT_USE_CBLAS` (runtime/gemm.py guards its CBLAS branch with it); build.py then compiles with
`compile_flags()` and links with `link_flags()`. `TSJIT_BLAS=none` forces the C fallback (tests,
benchmarks, machines where linking fails).

Threads: the run-time GEMM keeps OpenBLAS at one thread and splits big GEMMs across OpenMP's
threads itself (runtime/gemm.py), so OpenMP's thread count (OMP_NUM_THREADS, or the generated
`ts_set_num_threads`) is the only one to set.
"""
from __future__ import annotations

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
