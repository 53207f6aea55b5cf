"""`ts.scalar.*`, `ts.math.*`, `ts.str.*`: the Python functions the dialect folds with."""
from __future__ import annotations

from tsjit.backends.numpy.table import register_fn
from tsjit.dialects.ts.scalar_ops import SCALAR_OPS

#: where run-time semantics differ from the folding function of the table
OVERRIDES = {
    "scalar.round": lambda a: float(round(a)),  # round(float) -> float (half to even), not Python's int
}

for _name, (_schema, _fn, _verify) in SCALAR_OPS.items():
    register_fn(f"ts.{_name}", OVERRIDES.get(_name, _fn))
