"""`ts.scalar.*`, `ts.math.*`, `ts.str.*`: the Python functions the dialect folds with."""
from __future__ import annotations

from tsjit.backends.numpy.table import register_fn
from tsjit.dialects.ts.scalar_ops import SCALAR_OPS

for _name, (_schema, _fn, _verify) in SCALAR_OPS.items():
    register_fn(f"ts.{_name}", _fn)
