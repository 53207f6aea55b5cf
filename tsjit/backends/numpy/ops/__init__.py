"""The op implementations, one module per family; importing them fills `table.IMPLS`.

The upstream_* families (the lowering levels: arith, math, linalg, tensor, memref, scf,
affine, builtin casts) come last."""
from tsjit.backends.numpy.ops import (  # noqa: F401
    constants,
    containers,
    control,
    fusion,
    misc,
    objects,
    scalars,
    tensors,
    upstream_affine,
    upstream_arith,
    upstream_builtin,
    upstream_lapack,
    upstream_linalg,
    upstream_math,
    upstream_memref,
    upstream_scf,
    upstream_tensor,
)
