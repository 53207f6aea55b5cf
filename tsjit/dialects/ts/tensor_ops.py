"""The tensor ops of the ts dialect: one IRDL op class per definition of the op registry.

Each class follows its definition (tsjit/ops): operands and results from the schema (every
argument is an operand, see schema.py), effects (pure ops fold by running their kernel, and DCE
and CSE apply; in-place ops write their first operand; random ops have unknown effects), and the
verifier checks the definition names (shape_checks.py).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from xdsl.irdl import IRDLOperation

from tsjit.dialects.ts.schema import WRITES, schema_op
from tsjit.dialects.ts.shape_checks import verifier
from tsjit.ops import REGISTRY, OpDef
from tsjit.ops import registry as ops

#: effects -> traits (None: Pure, the default; no trait: unknown effects)
_EFFECTS = {ops.WRITES: WRITES, ops.RANDOM: (), ops.PURE: None}


def _fold_by_kernel(defn: OpDef) -> Callable:
    """fold(op, *constants) = the op's kernel on them; a kernel error leaves the op to fail at run time."""
    kernel = defn.kernel

    def fold(op, *values):
        with np.errstate(all="ignore"):
            try:
                result = kernel(*values)
            except (RuntimeError, ArithmeticError, ValueError, TypeError, IndexError):
                return None
        return result

    return fold


def _make(defn: OpDef) -> type[IRDLOperation]:
    effects = _EFFECTS[defn.effects]
    check = verifier(defn.verify)
    if effects is not None:
        return schema_op(defn.name, defn.schema, verify=check, effects=effects, doc=defn.doc)
    fold = _fold_by_kernel(defn) if defn.fold and defn.kernel is not None else None
    return schema_op(defn.name, defn.schema, verify=check, fold=fold, doc=defn.doc)


TENSOR_OP_CLASSES: dict[str, type[IRDLOperation]] = {name: _make(defn) for name, defn in REGISTRY.items()}
globals().update({cls.__name__: cls for cls in TENSOR_OP_CLASSES.values()})
