"""`freeze`, `run_frozen_optimizations` and `optimize_for_inference`, with TorchScript's signatures.

Each one is the matching pass pipeline run on the module's IR (tsjit/jit/module_ir.py), so
the Python API and `ts-opt -p ts-freeze,ts-optimize-for-inference` give the same IR: export
the module, run the passes, and build a new ScriptModule from the result.
"""
from __future__ import annotations

from typing import Any

from xdsl.utils.exceptions import PassFailedException

from tsjit.jit.module_ir import from_ir, to_ir
from tsjit.jit.script_module import ScriptModule
from tsjit.passes import apply_pass

__all__ = ["freeze", "optimize_for_inference", "run_frozen_optimizations"]


def freeze(mod: ScriptModule, preserved_attrs: list[str] | None = None, optimize_numerics: bool = True) -> ScriptModule:
    """A frozen copy of `mod`: unchanging attributes become constants, then the frozen-graph folds run."""
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("Freezing expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")
    if getattr(mod._c, "training", False):
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() on "
                           "your module before freezing.")
    ir = to_ir(mod)
    _run(ir, "ts-freeze", preserved_attrs=tuple(preserved_attrs or ()))
    _run(ir, "ts-frozen-optimizations", optimize_numerics=optimize_numerics)
    return _keep_defaults(mod, from_ir(ir))


def freeze_snapshot(mod: ScriptModule) -> ScriptModule:
    """A frozen copy of `mod` in whatever mode it is in (training too): tensors it writes in place
    (running statistics) become per-call copies of their current values (ts-freeze's `snapshot`), so
    the copy computes what `mod` computes but updates no state. tsjit.compile's view of a model."""
    ir = to_ir(mod)
    _run(ir, "ts-freeze", snapshot=True)
    _run(ir, "ts-frozen-optimizations", optimize_numerics=True)
    return _keep_defaults(mod, from_ir(ir))


def run_frozen_optimizations(mod: ScriptModule, optimize_numerics: bool = True,
                             preserved_methods: list[str] | None = None) -> None:
    """Run the frozen-graph optimisations on a frozen module, in place."""
    unit = mod._cu
    _run(unit.module, "ts-frozen-optimizations", optimize_numerics=optimize_numerics)
    unit.program.invalidate()


def optimize_for_inference(mod: ScriptModule, other_methods: list[str] | None = None) -> ScriptModule:
    """Freeze `mod` (after calling `.eval()` on it, as TorchScript does) if it is not frozen, then
    apply the inference rewrites."""
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("optimize_for_inference expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")
    if hasattr(mod._c, "training"):
        mod = freeze(mod.eval(), preserved_attrs=other_methods)
    ir = to_ir(mod)
    _run(ir, "ts-optimize-for-inference", other_methods=tuple(other_methods or ()))
    return _keep_defaults(mod, from_ir(ir))


def _keep_defaults(old: ScriptModule, new: ScriptModule) -> ScriptModule:
    """The IR keeps no argument defaults (`hx=None`): the methods of `new` take those of `old`'s."""
    for name, method in new._info.methods.items():
        before = old._info.methods.get(name)
        if before is not None and [p.name for p in before.params] == [p.name for p in method.params]:
            for p, q in zip(method.params, before.params):
                p.default = q.default
    return new


def _run(module: Any, name: str, **options: Any) -> None:
    try:
        apply_pass(name, module, **options)
    except PassFailedException as e:
        raise RuntimeError(str(e).removeprefix(f"{name}: ")) from None
