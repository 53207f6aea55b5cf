"""The table of tsjit's own passes: CLI name -> factory returning the pass class.

Factories import lazily so that `ts-opt --help` stays fast.
"""
from collections.abc import Callable

from xdsl.passes import ModulePass


def _lazy(module: str, cls: str) -> Callable[[], type[ModulePass]]:
    def factory() -> type[ModulePass]:
        import importlib

        return getattr(importlib.import_module(module), cls)

    return factory


def _ts_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    return {
        "ts-inline": _lazy("tsjit.passes.inline", "TsInlinePass"),
        "ts-dce": _lazy("tsjit.passes.dce", "TsDcePass"),
        "ts-cse": _lazy("tsjit.passes.cse", "TsCsePass"),
        "ts-constant-propagation": _lazy("tsjit.passes.constant_propagation", "TsConstantPropagationPass"),
        "ts-constant-pooling": _lazy("tsjit.passes.constant_pooling", "TsConstantPoolingPass"),
        "ts-peephole": _lazy("tsjit.passes.peephole", "TsPeepholePass"),
        "ts-unroll-loops": _lazy("tsjit.passes.unroll_loops", "TsUnrollLoopsPass"),
        "ts-cleanup": _lazy("tsjit.passes.cleanup", "TsCleanupPass"),
        "ts-remove-dropout": _lazy("tsjit.passes.remove_dropout", "TsRemoveDropoutPass"),
        "ts-fold-conv-bn": _lazy("tsjit.passes.fold_conv_bn", "TsFoldConvBnPass"),
        "ts-fold-conv-add-sub": _lazy("tsjit.passes.fold_conv_add_sub", "TsFoldConvAddSubPass"),
        "ts-fold-conv-mul-div": _lazy("tsjit.passes.fold_conv_mul_div", "TsFoldConvMulDivPass"),
        "ts-fold-linear-bn": _lazy("tsjit.passes.fold_linear_bn", "TsFoldLinearBnPass"),
        "ts-frozen-optimizations": _lazy("tsjit.passes.frozen_optimizations", "TsFrozenOptimizationsPass"),
        "ts-transpose-linear": _lazy("tsjit.passes.transpose_linear", "TsTransposeLinearPass"),
        "ts-pool-before-relu": _lazy("tsjit.passes.pool_before_relu", "TsPoolBeforeReluPass"),
        "ts-freeze": _lazy("tsjit.passes.freeze", "TsFreezePass"),
        "ts-decompose": _lazy("tsjit.passes.decompose", "TsDecomposePass"),
        "ts-to-linalg": _lazy("tsjit.passes.to_linalg", "TsToLinalgPass"),
        "ts-optimize-for-inference": _lazy("tsjit.passes.optimize_for_inference", "TsOptimizeForInferencePass"),
        "ts-specialize": _lazy("tsjit.passes.specialize", "TsSpecializePass"),
        "ts-fuse-elementwise": _lazy("tsjit.passes.fuse_elementwise", "TsFuseElementwisePass"),
        "ts-bufferize": _lazy("tsjit.passes.bufferize", "TsBufferizePass"),
        "ts-lower-to-loops": _lazy("tsjit.passes.lower_to_loops", "TsLowerToLoopsPass"),
        "ts-contractions-to-calls": _lazy("tsjit.passes.contractions_to_calls", "TsContractionsToCallsPass"),
        "ts-fusion-groups": _lazy("tsjit.passes.fusion_groups", "TsFusionGroupsPass"),
    }


def tsjit_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """tsjit's passes, by CLI name."""
    return _ts_passes()


def apply_pass(name: str, module, **options) -> None:
    """Run pass `name` on `module`, as ts-opt would. `name` is a CLI name with `options` given as
    field names, or a CLI spec with its options spelled as on ts-opt's command line
    (`ts-lower-to-loops{library-calls=true}`), which is how backends write their pipelines."""
    from tsjit.dialects import context

    if "{" in name:
        from xdsl.utils.arg_spec import parse_pipeline

        from tsjit.ir.pipeline import instantiate

        (spec,) = parse_pipeline(name)
        instantiate(spec, _ts_passes()).apply(context(), module)
        return
    _ts_passes()[name]()(**options).apply(context(), module)
