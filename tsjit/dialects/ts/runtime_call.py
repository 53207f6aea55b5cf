"""`ts.runtime_call`: a C run-time function (tsjit/backends/c/runtime/) applied to builtin tensors.

    %q, %r, %info = ts.runtime_call "tsjit_sqr" (%a) [2, 4, 3, 0]
        : (tensor<2x4x3xf32>) -> (tensor<2x4x3xf32>, tensor<2x3x3xf32>, tensor<2xi64>)

A lowering emits it for work that is one library call (LAPACK factorizations): the function reads
the inputs and fills every result whole, and `sizes` are compile-time integers it takes after them.
`ts-bufferize` makes it `func.call @callee(inputs..., results..., sizes...)`: each tensor as its
contiguous buffer seen as `memref<?xT>`, a fresh buffer per result, the sizes as `index`
constants (the run-time calling convention of ts-contractions-to-calls). It lives only between
ts-to-linalg and ts-bufferize; the numpy backend runs it with the function's numpy twin.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, StringAttr, TensorType, i64
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, prop_def, traits_def, var_operand_def, var_result_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


@irdl_op_definition
class RuntimeCallOp(IRDLOperation):
    """A run-time function on tensors: reads `inputs`, writes each result whole."""

    name = "ts.runtime_call"
    inputs = var_operand_def()
    outputs = var_result_def()
    callee = prop_def(StringAttr)
    sizes = prop_def(ArrayAttr[IntegerAttr])
    traits = traits_def(Pure())
    assembly_format = "$callee `(` $inputs `)` $sizes attr-dict `:` functional-type($inputs, $outputs)"

    def __init__(self, callee: str, inputs: Sequence[SSAValue], sizes: Sequence[int],
                 result_types: Sequence[Attribute]):
        super().__init__(operands=[inputs], result_types=[result_types],
                         properties={"callee": StringAttr(callee),
                                     "sizes": ArrayAttr([IntegerAttr(int(s), i64) for s in sizes])})

    def size_values(self) -> list[int]:
        return [a.value.data for a in self.sizes.data]

    def verify_(self) -> None:
        for r in self.outputs:
            if not isinstance(r.type, TensorType) or not r.type.has_static_shape():
                raise VerifyException("ts.runtime_call results are statically shaped builtin tensors")


RUNTIME_CALL_OPS = [RuntimeCallOp]
