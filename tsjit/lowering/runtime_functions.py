"""Run-time functions that lowered code calls (body-less private `func.func`s, called with
`func.call`; their C source is tsjit/backends/c/runtime/, their numpy twins
tsjit/backends/numpy/ops/upstream_runtime.py): declaring one, and which pointer arguments each
writes (the others it only reads), so passes and callers know which buffers a call changes.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Attribute, Operation

WRITES: dict[str, tuple[int, ...]] = {
    "tsjit_sgemm": (2,), "tsjit_dgemm": (2,), "tsjit_sgemm_packed": (2,), "tsjit_sgemm_ep": (2,),
    "tsjit_sgemm_packed_ep": (2,), "tsjit_im2col_f32": (1,), "tsjit_im2col_f64": (1,),
    "tsjit_conv_gemm_f32": (2,), "tsjit_conv_gemm_f64": (2,), "tsjit_conv_gemm_ep_f32": (2,),
    "tsjit_winograd_f32": (2,), "tsjit_dwconv_f32": (2,), "tsjit_dwconv_f64": (2,),
    # LAPACK factorizations (tsjit/lowering/lapack_calls.py): the inputs are read, the results written
    **{f"tsjit_{p}{kind}": writes for p in "sd" for kind, writes in
       (("qr", (1, 2, 3)), ("svd", (1, 2, 3, 4)), ("eigh", (1, 2, 3)), ("lstsq", (3, 4, 5)), ("lu", (1, 2, 3)),
        ("plu", (1, 2, 3, 4)), ("inv", (1, 2)), ("lu_solve", (3, 4)))},
}


def declare(at: Operation, name: str, inputs: Sequence[Attribute], outputs: Sequence[Attribute]) -> None:
    """Declare run-time function `name` (a body-less private func.func) in `at`'s module, once."""
    module = at
    while not isinstance(module, ModuleOp):
        module = module.parent_op()
    if not any(isinstance(f, func.FuncOp) and f.sym_name.data == name for f in module.ops):
        decl = func.FuncOp.external(name, list(inputs), list(outputs))
        decl.sym_visibility = StringAttr("private")
        module.body.block.insert_op_before(decl, module.body.block.first_op)
