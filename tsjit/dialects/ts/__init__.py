"""The `ts` dialect: the types and ops of TorchScript programs.

Import `TS` (the xDSL Dialect) to register it; op classes are importable by name from here
(`ts.AddOp`, `ts.ConstantOp`, `ts.IfOp`, ...). Each family lives in its own file:
types, constant, tensor_ops (table), scalar_ops (table), container_ops (table),
control_flow, async_ops, module_ops, misc_ops; canonicalization in canonicalize.
"""
from xdsl.ir import Dialect

from tsjit.dialects.ts.async_ops import ForkOp, WaitOp
from tsjit.dialects.ts.canonicalize import install_canonicalizations
from tsjit.dialects.ts.constant import ConstantOp, DeviceAttr, EnumMemberAttr
from tsjit.dialects.ts.container_ops import CONTAINER_OP_CLASSES
from tsjit.dialects.ts.control_flow import ConditionOp, IfOp, LoopOp, YieldOp
from tsjit.dialects.ts.folding import TsConstantMaterializer
from tsjit.dialects.ts.fusion_ops import FUSION_OPS
from tsjit.dialects.ts.misc_ops import (
    FormatOp,
    GenericOp,
    IsInstanceOp,
    IsNotOp,
    IsOp,
    PrintOp,
    RaiseOp,
    StrOfOp,
    UncheckedCastOp,
    UninitializedOp,
    WarnOp,
)
from tsjit.dialects.ts.module_ops import (
    AttrDeclOp,
    CallFunctionOp,
    CallMethodOp,
    ClassTypeOp,
    CreateObjectOp,
    GetAttrOp,
    MethodOp,
    ObjectOp,
    SetAttrOp,
)
from tsjit.dialects.ts.runtime_call import RUNTIME_CALL_OPS
from tsjit.dialects.ts.scalar_ops import SCALAR_OP_CLASSES
from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.dialects.ts.types import *  # noqa: F403

STRUCTURAL_OPS = [
    ConstantOp, IfOp, LoopOp, YieldOp, ConditionOp, ForkOp, WaitOp,
    ClassTypeOp, AttrDeclOp, MethodOp, ObjectOp, CreateObjectOp, GetAttrOp, SetAttrOp, CallMethodOp, CallFunctionOp,
    RaiseOp, PrintOp, WarnOp, IsInstanceOp, UncheckedCastOp, UninitializedOp, IsOp, IsNotOp, FormatOp, StrOfOp,
    GenericOp, *FUSION_OPS, *RUNTIME_CALL_OPS,
]
ALL_OPS = [*STRUCTURAL_OPS, *TENSOR_OP_CLASSES.values(), *SCALAR_OP_CLASSES.values(), *CONTAINER_OP_CLASSES.values()]
OPS_BY_NAME = {op.name: op for op in ALL_OPS}
globals().update({cls.__name__: cls for cls in ALL_OPS})

install_canonicalizations()

TS = Dialect("ts", ALL_OPS, [*TS_TYPES, DeviceAttr, EnumMemberAttr], [TsConstantMaterializer()])  # noqa: F405
