"""`ts.scalar.*`, `ts.math.*`, `ts.str.*`: the Python functions the dialect folds with."""
from __future__ import annotations

from tsjit.backends.numpy.table import register_fn
from tsjit.dialects.ts.scalar_ops import SCALAR_OPS
from tsjit.dialects.ts.string_ops import STRING_OPS

for _name, (_schema, _fn, _verify) in SCALAR_OPS.items():
    register_fn(f"ts.{_name}", _fn)
for _name, (_schema, _fn) in STRING_OPS.items():
    register_fn(f"ts.{_name}", _fn)
