"""`ts-optimize-for-inference`: freeze if needed, fold, and rewrite for speed on our backends.

As torch.jit.optimize_for_inference (reference §2.3): a module that still has a `training`
attribute is frozen first (`ts-freeze`, keeping `other-methods`), then the frozen-graph
optimisations run (`ts-frozen-optimizations`: dropout removal and the conv/linear folds),
then the inference rewrites. TorchScript's are cuDNN/MKLDNN conversions that mean nothing
here; ours are the ones measured to help the numpy backend (bench/frozen_rewrites.py):
`ts-transpose-linear` (0.91x on an MLP) and `ts-pool-before-relu` (0.90x on a CNN). The result is
cleaned up (`ts-cleanup`).
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

#: The inference rewrites, in order (CLI names).
INFERENCE_REWRITES = ("ts-transpose-linear", "ts-pool-before-relu")


@dataclass(frozen=True)
class TsOptimizeForInferencePass(ModulePass):
    name = "ts-optimize-for-inference"

    other_methods: tuple[str, ...] = ()

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from tsjit.dialects.ts.module_ir import ModuleIRError, root_object
        from tsjit.passes import apply_pass

        try:
            unfrozen = "training" in root_object(op).slot_values()
        except ModuleIRError:  # functions only, no module instance: nothing to freeze
            unfrozen = False
        if unfrozen:
            apply_pass("ts-freeze", op, preserved_attrs=self.other_methods)
        apply_pass("ts-frozen-optimizations", op)
        for rewrite in INFERENCE_REWRITES:
            apply_pass(rewrite, op)
        apply_pass("ts-cleanup", op)
