"""The op implementations, one module per family; importing them fills `table.IMPLS`."""
from tsjit.backends.numpy.ops import (  # noqa: F401
    arith,
    constants,
    containers,
    control,
    misc,
    objects,
    scalars,
    tensors,
)
