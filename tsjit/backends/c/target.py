"""Target-dependent C compiler flags for generated code, probed once per process.

- `-mprefer-vector-width=512` when the compiler targets AVX-512 with -march=native: gcc's
  native tuning prefers 256-bit vectors on these CPUs, and fused elementwise kernels ran
  1.4x-2.1x faster with 512 (perf-anchors.md).
- `-fno-math-errno`: sqrt and friends inline (a call per element blocks vectorisation); tsjit
  never reads errno.
- `-fno-trapping-math`: lets gcc if-convert selects next to float arithmetic (tsjit never reads
  floating-point exception flags). Results are unchanged: no reassociation, no finite-math.
"""
from __future__ import annotations

import functools
import shlex
import subprocess

from tsjit.backends.c.build import find_compiler

FLAGS = ["-fno-math-errno", "-fno-trapping-math"]


@functools.lru_cache(maxsize=None)
def _native_macros(cc: str) -> frozenset[str]:
    """The predefined macros of `cc -march=native` (empty when the probe fails)."""
    try:
        result = subprocess.run([*shlex.split(cc), "-march=native", "-dM", "-E", "-x", "c", "-"],
                                input="", capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    if result.returncode != 0:
        return frozenset()
    return frozenset(line.split()[1] for line in result.stdout.splitlines() if line.startswith("#define "))


def target_flags() -> list[str]:
    """Flags to add after the optimisation flags when compiling generated C."""
    cc = find_compiler()
    flags = list(FLAGS)
    if cc is not None and "__AVX512F__" in _native_macros(cc):
        flags.append("-mprefer-vector-width=512")
    return flags
