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

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Attribute, Block, Region, SSAValue

from tsjit.dialects.ts.control_flow import IfOp, YieldOp
from tsjit.frontend.importers.aten_overloads import _const, _is_none


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
    """Pure ts.instance_norm; normalizing with batch statistics would also update the running ones,
    which is refused: at import time for a constant flag, when it runs for a run-time one."""
    use_input_stats = _const(args[5])
    if (_is_none(args[3]) and _is_none(args[4])) or use_input_stats is False:
        return b.schema_op("instance_norm", args)
    if use_input_stats is True:
        return None

    def refuse():
        b.op("raise", [b.const("tsjit cannot run instance_norm in training mode with running statistics "
                               "(track_running_stats=True): call .eval() on the model")], [],
             exception=StringAttr("builtins.RuntimeError"))
        return [b.uninitialized(b.output_type())]

    def running():
        return b.schema_op("instance_norm", [*args[:5], b.const(False), *args[6:]])
    return _branches(b, args[5], [b.output_type()], refuse, running)


ATEN_TRAINING = {"aten::rrelu": _rrelu, "aten::rrelu_": _rrelu, "aten::instance_norm": _instance_norm}
