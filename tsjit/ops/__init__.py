"""tsjit's tensor ops, one definition each (tsjit/ops/registry.py), grouped by family.

`REGISTRY[name]` is the OpDef of `ts.<name>`; importing this package loads every family file of
FAMILIES (in order), so the registry is complete. Adding an op: docs/adding-an-op.md.
"""
from __future__ import annotations

import importlib

from tsjit.ops.registry import PURE, RANDOM, REGISTRY, WRITES, OpDef, Pointwise, Sample, defop, op, sample

#: The family files, tsjit/ops/<family>.py.
FAMILIES: tuple[str, ...] = ("arithmetic", "division", "comparison", "math", "activation", "inplace", "contraction",
                             "convolution", "pooling", "normalization", "loss", "elementwise_losses", "reduction", "statistics",
                             "sorting", "view", "slicing", "layout", "padding", "indexing", "creation", "random", "conversion", "metadata",
                             "scatter", "placed_writes", "diagonals", "counting", "resampling", "pooling_nd", "patches", "special", "transcendental",
                             "norms", "backward", "strided", "attention", "aten_internals", "recurrent", "linalg", "spectral", "distances", "composites",
                             "order_statistics", "special_functions", "random_more",
                             "convolution_3d", "misc_math", "grids", "einsum", "complex_numbers", "bessel",
                             "orthogonal_polynomials", "matrix_factorizations", "orthogonal_factorizations", "fft", "gamma_functions",
                             "antialias", "quantiles", "scatter_variants", "linalg_status", "linalg_cond", "ctc", "compaction")

for _family in FAMILIES:
    importlib.import_module(f"tsjit.ops.{_family}")

#: name -> numpy kernel, for compiled code and constant folding.
KERNELS: dict = {name: defn.kernel for name, defn in REGISTRY.items() if defn.kernel is not None}
#: The table the eager library calls. It holds the same functions as KERNELS, but a trace swaps recording
#: wrappers into it (tsjit/frontend/trace), so eager ops are recorded while compiled code is not.
EAGER: dict = dict(KERNELS)


def get(name: str) -> OpDef | None:
    """The definition of `ts.<name>` (name without the `ts.` prefix), or None."""
    return REGISTRY.get(name)


__all__ = ["EAGER", "FAMILIES", "KERNELS", "PURE", "RANDOM", "REGISTRY", "WRITES", "OpDef", "Pointwise", "Sample", "defop", "get", "op",
           "sample"]
