"""aten:: kinds whose mode flag may be known only at run time, merged into build.py's `ATEN` table.

An imported module's submodules read the root's `training` attribute (from_torch.py), so that
`sm.eval()` switches them as `model.eval()` does: `F.rrelu(x, l, u, self.training)` and
InstanceNorm's `use_input_stats` (`self.training or not self.track_running_stats`) reach the
importer as values. With a constant flag each op is what it was; with a run-time flag it
becomes a `ts.if` on the flag, each branch the constant-flag form. (The dropout family takes a
run-time `train` operand itself.)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.ir import Attribute, Block, Region, SSAValue

from tsjit.dialects.ts.control_flow import IfOp, YieldOp
from tsjit.dialects.ts.types import IntType, ListType
from tsjit.frontend.importers.aten_operands import _const, _is_none


def _branches(b, cond: SSAValue, types: Sequence[Attribute], then: Callable, otherwise: Callable) -> list[SSAValue]:
    """`ts.if cond`: each branch's ops built by its callback, which returns the values it yields."""
    saved, regions = b.block, []
    for build in (then, otherwise):
        b.block = Block()
        b.block.add_op(YieldOp(*build()))
        regions.append(Region([b.block]))
    b.block = saved
    return list(b.add(IfOp(cond, list(types), *regions)).results)


def _rrelu(b, node, args):
    """rrelu(self, lower, upper, training, generator?): in training each negative element's slope is
    drawn from U(lower, upper), otherwise it is their mean (a leaky_relu)."""
    x, lower, upper, training = args[:4]
    lo, hi = _const(lower), _const(upper)
    if not isinstance(lo, int | float) or not isinstance(hi, int | float):
        return None

    def mean():
        return b.schema_op("leaky_relu", [x, b.const((lo + hi) / 2)])

    def sampled():
        noise = b.schema_op("rand_like", [x])[0]
        slope = b.schema_op("add", [b.schema_op("mul", [noise, b.const(float(hi - lo))])[0],
                                    b.const(float(lo)), b.const(1)])[0]
        scaled = b.schema_op("mul", [x, slope])[0]
        return b.schema_op("where", [b.schema_op("ge", [x, b.const(0.0)])[0], x, scaled])

    flag = _const(training)
    out = mean() if flag is False else sampled() if flag is True else \
        _branches(b, training, [b.output_type()], sampled, mean)
    if node.kind.endswith("_"):
        return b.schema_op("assign_", [x, out[0]])
    return out


def _instance_norm(b, node, args):
    """ts.instance_norm. Normalizing with batch statistics while running ones are tracked (training,
    track_running_stats=True) also updates those in place, as ATen does: the running mean moves
    toward the batch's per-channel mean and the running variance toward the mean over the batch of
    each instance's unbiased variance. A run-time flag chooses between the two forms in a ts.if."""
    use_input_stats = _const(args[5])
    if (_is_none(args[3]) and _is_none(args[4])) or use_input_stats is False:
        return b.schema_op("instance_norm", args)
    momentum = _const(args[6])
    if not isinstance(momentum, int | float) or _is_none(args[3]) or _is_none(args[4]):
        return None

    def tracked():
        x, running_mean, running_var = args[0], args[3], args[4]
        flat = b.schema_op("flatten", [x, b.const(2), b.const(-1)])[0]  # (N, C, L)
        batch_mean = b.schema_op("mean", [flat, b.const([0, 2], ListType(IntType())), b.const(False), b.none()])[0]
        per_instance = b.schema_op("var", [flat, b.const([2], ListType(IntType())), b.const(1), b.const(False)])[0]
        batch_var = b.schema_op("mean", [per_instance, b.const([0], ListType(IntType())), b.const(False), b.none()])[0]
        for running, batch in ((running_mean, batch_mean), (running_var, batch_var)):
            kept = b.schema_op("mul", [running, b.const(1.0 - float(momentum))])[0]
            moved = b.schema_op("add", [kept, b.schema_op("mul", [batch, b.const(float(momentum))])[0], b.const(1)])[0]
            b.schema_op("copy_", [running, moved])
        return b.schema_op("instance_norm", [x, args[1], args[2], b.none(), b.none(), b.const(True), *args[6:]])

    if use_input_stats is True:
        return tracked()

    def running():
        return b.schema_op("instance_norm", [*args[:5], b.const(False), *args[6:]])
    return _branches(b, args[5], [b.output_type()], tracked, running)


ATEN_TRAINING = {"aten::rrelu": _rrelu, "aten::rrelu_": _rrelu, "aten::instance_norm": _instance_norm}
