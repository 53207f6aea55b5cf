"""Memory of generated C: weights as buffers filled at load time, and one arena per function
for its temporaries.

Weights (c_backend convention 2): a constant `memref.global` with more than INLINE_ELEMENTS
elements is emitted as a zeroed aligned buffer plus an entry of the `ts_weights` table; the
loader copies the values in. The C text then does not depend on weight values (fast to write
and to compile, and one cached library serves every model of the same architecture).

Arena: the static-size `memref.alloc`s at a function's top level live in one buffer allocated
on the first call and kept (per-call aligned_alloc/free of multi-MB temporaries costs page
faults every call). Offsets reuse the space of temporaries whose last use has passed
(first-fit over live ranges). A concurrent call finds the arena busy (an atomic flag) and
falls back to a malloc of its own for that call.
"""
from __future__ import annotations

import re

import numpy as np
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, MemRefType
from xdsl.ir import Operation, SSAValue

from tsjit.dialects.ts.constant import dense_to_numpy

INLINE_ELEMENTS = 1
"""Constant globals up to this size stay C initialisers (scalars). Not tables: gcc (12) fails to
vectorise loops that index a small `static const` table it knows the values of (a conv bias of 6
read in a relu epilogue stayed scalar and branchy); a weight buffer vectorises."""

ALIGN = 64

_ALIASES = ("memref.subview", "memref.collapse_shape", "memref.expand_shape", "memref.cast")

#: numpy dtype name -> weights.bin dtype code; 0 marks a dtype the file format cannot hold
DTYPE_CODES = {"float32": 1, "float64": 2, "int64": 3, "int32": 4, "int16": 5, "int8": 6, "uint8": 7, "bool": 8,
               "float16": 9, "bfloat16": 10}

#: a weight's buffer and what it must hold, so a loader can check a weights file entry by entry
WEIGHT_TABLE_TYPE = ("typedef struct { const char *name; void *data; int64_t bytes; uint32_t dtype; "
                     "uint32_t ndim; const int64_t *dims; } ts_weight_t;")


def global_name(sym: str) -> str:
    return "g_" + re.sub(r"\W", "_", sym)


def weight_value(op: Operation) -> np.ndarray | None:
    """The values of a constant global emitted as a weight buffer (None: inline or no value)."""
    t, value = op.type, op.initial_value
    if op.constant is None or not isinstance(value, DenseIntOrFPElementsAttr):
        return None
    shape = tuple(t.get_shape())
    if int(np.prod(shape)) <= INLINE_ELEMENTS:
        return None
    return np.ascontiguousarray(np.broadcast_to(dense_to_numpy(value), shape))


def weight_table(weights: list[tuple[str, np.ndarray]]) -> list[str]:
    """The `ts_weights` table: one entry per weight buffer (dims as a static compound literal)."""
    entries = [f'{{"{name}", {global_name(name)}, INT64_C({a.nbytes}), {DTYPE_CODES.get(a.dtype.name, 0)}, {a.ndim}, '
               f'(const int64_t[]){{{", ".join(f"INT64_C({d})" for d in a.shape) or "0"}}}}}'
               for name, a in weights]
    return [f"ts_weight_t ts_weights[{max(1, len(entries))}] = {{{', '.join(entries) or '{0}'}}};",
            f"const int64_t ts_num_weights = {len(entries)};", ""]


def nbytes(t: MemRefType, itemsize: int) -> int:
    n = max(1, int(np.prod(t.get_shape())))
    return (n * itemsize + ALIGN - 1) // ALIGN * ALIGN


def plan_arena(block, itemsize) -> tuple[dict[Operation, int], int]:
    """Byte offsets in the arena of the top-level static allocs of `block`, and the arena size.

    `itemsize(memref_type)` gives an element's size. A temporary is live from its alloc to the
    last top-level op using it or a view of it; space is reused when the ranges do not overlap.
    Any other op producing a memref (a memref yielded out of a region) keeps everything live.
    """
    ops = list(block.ops)
    allocs = [op for op in ops if op.name == "memref.alloc" and not op.dynamic_sizes]
    if not allocs:
        return {}, 0
    root: dict[SSAValue, Operation] = {a.memref: a for a in allocs}
    last = {a: i for i, a in enumerate(ops) if a in root.values()}
    forever = False
    for i, top in enumerate(ops):
        for op in top.walk():
            if op.name in _ALIASES and op.operands[0] in root:
                root[op.results[0]] = root[op.operands[0]]
                continue
            if op.name == "memref.dealloc":
                continue
            if any(isinstance(r.type, MemRefType) for r in op.results) and op.name not in (
                    "memref.alloc", "memref.alloca", "memref.get_global", *_ALIASES):
                forever = True
            for v in op.operands:
                if v in root:
                    last[root[v]] = i
    start = {a: ops.index(a) for a in allocs}
    end = {a: len(ops) if forever else last[a] for a in allocs}
    offsets: dict[Operation, int] = {}
    size = 0
    for a in sorted(allocs, key=lambda a: start[a]):
        n = nbytes(a.memref.type, itemsize(a.memref.type))
        busy = sorted((offsets[b], offsets[b] + nbytes(b.memref.type, itemsize(b.memref.type)))
                      for b in offsets if end[b] >= start[a])
        offset = 0
        for lo, hi in busy:
            if offset + n <= lo:
                break
            offset = max(offset, hi)
        offsets[a] = offset
        size = max(size, offset + n)
    return offsets, size


def arena_prologue(size: int) -> list[str]:
    return [
        "static char *ts_arena = 0;",
        "static char ts_arena_busy = 0;",
        "const int ts_arena_owned = !__atomic_test_and_set(&ts_arena_busy, __ATOMIC_ACQUIRE);",
        "char *ts_base;",
        "if (ts_arena_owned) {",
        f"    if (!ts_arena) ts_arena = aligned_alloc({ALIGN}, {size});",
        "    ts_base = ts_arena;",
        "} else {",
        f"    ts_base = aligned_alloc({ALIGN}, {size});",
        "}",
    ]


ARENA_EPILOGUE = "if (ts_arena_owned) __atomic_clear(&ts_arena_busy, __ATOMIC_RELEASE); else free(ts_base);"
