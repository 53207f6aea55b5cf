"""`builtin.unrealized_conversion_cast`: the identity at run time (it only bridges types, e.g.
`!ts.tensor<...>` and `tensor<...>`, both ndarrays)."""
from __future__ import annotations

from typing import Any

from tsjit.backends.numpy.table import register


@register("builtin.unrealized_conversion_cast")
def _cast(op, planner):
    n = len(op.results)

    def cast(*values: Any) -> Any:
        if len(values) != n:
            raise ValueError(f"unrealized_conversion_cast of {len(values)} values to {n} results")
        return values[0] if n == 1 else tuple(values) if n else None

    return cast
