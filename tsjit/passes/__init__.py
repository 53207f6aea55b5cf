"""tsjit's passes and pipelines, by CLI name: the tables ts-opt, the backends and the jit read.

Every other file of this package is one pass, named after its CLI name (`ts-fold-conv-bn` is
fold_conv_bn.py); factories import lazily so that `ts-opt --help` stays fast. A pipeline is data:
a named list of passes computed from its options (PIPELINES); it registers as a pass of that name
whose run applies the list in order, verifying the IR after the last stage (tsjit.ir.pipeline.run_stages),
so `ts-opt -p 'ts-lower-to-loops{library-calls=true}'` and `apply_pass` treat it like any pass,
and each stage also runs on its own.
"""
from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xdsl.passes import ModulePass

PassFactory = Callable[[], type[ModulePass]]


def _lazy(module: str, cls: str) -> PassFactory:
    return lambda: getattr(importlib.import_module(module), cls)


#: CLI name -> (module, class) of each pass.
PASSES: dict[str, tuple[str, str]] = {
    "ts-inline": ("inline", "TsInlinePass"),
    "ts-dce": ("dce", "TsDcePass"),
    "ts-cse": ("cse", "TsCsePass"),
    "ts-constant-propagation": ("constant_propagation", "TsConstantPropagationPass"),
    "ts-constant-pooling": ("constant_pooling", "TsConstantPoolingPass"),
    "ts-peephole": ("peephole", "TsPeepholePass"),
    "ts-unroll-loops": ("unroll_loops", "TsUnrollLoopsPass"),
    "ts-count-loops": ("count_loops", "TsCountLoopsPass"),
    "ts-complex-to-real": ("complex_to_real", "ComplexToRealPass"),
    "ts-cleanup": ("cleanup", "TsCleanupPass"),
    "ts-remove-dropout": ("remove_dropout", "TsRemoveDropoutPass"),
    "ts-fold-conv-bn": ("fold_conv_bn", "TsFoldConvBnPass"),
    "ts-fold-conv-add-sub": ("fold_conv_add_sub", "TsFoldConvAddSubPass"),
    "ts-fold-conv-mul-div": ("fold_conv_mul_div", "TsFoldConvMulDivPass"),
    "ts-fold-linear-bn": ("fold_linear_bn", "TsFoldLinearBnPass"),
    "ts-frozen-optimizations": ("frozen_optimizations", "TsFrozenOptimizationsPass"),
    "ts-transpose-linear": ("transpose_linear", "TsTransposeLinearPass"),
    "ts-pool-before-relu": ("pool_before_relu", "TsPoolBeforeReluPass"),
    "ts-freeze": ("freeze", "TsFreezePass"),
    "ts-decompose": ("decompose", "TsDecomposePass"),
    "ts-to-linalg": ("to_linalg", "TsToLinalgPass"),
    "ts-widen-half": ("widen_half", "TsWidenHalfPass"),
    "ts-optimize-for-inference": ("optimize_for_inference", "TsOptimizeForInferencePass"),
    "ts-specialize": ("specialize", "TsSpecializePass"),
    "ts-fuse-elementwise": ("fuse_elementwise", "TsFuseElementwisePass"),
    "ts-bufferize": ("bufferize", "TsBufferizePass"),
    "ts-linalg-to-loops": ("linalg_to_loops", "TsLinalgToLoopsPass"),
    "ts-wide-accumulators": ("wide_accumulators", "TsWideAccumulatorsPass"),
    "ts-coalesce-loops": ("coalesce_loops", "TsCoalesceLoopsPass"),
    "ts-contractions-to-calls": ("contractions_to_calls", "TsContractionsToCallsPass"),
    "ts-fusion-groups": ("fusion_groups", "TsFusionGroupsPass"),
    "ts-remove-mutation": ("remove_mutation", "TsRemoveMutationPass"),
    "ts-flatten-results": ("flatten_results", "TsFlattenResultsPass"),
}


@dataclass(frozen=True)
class Pipeline:
    """A named pipeline: its options (name -> (type, default, help)), the pass specs it runs, and
    a check of its input that raises a located error before any stage runs (None: no check)."""

    description: str
    options: dict[str, tuple[type, Any, str]]
    stages: Callable[..., list[str]]
    requires: Callable[[Any], None] | None = None


def _lower_to_loops(shapes: tuple[str, ...], library_calls: bool) -> list[str]:
    return [*([f"ts-specialize{{shapes={','.join(shapes)}}}"] if shapes else []), "ts-decompose", "ts-to-linalg",
            "ts-widen-half", "ts-fuse-elementwise", "ts-bufferize",
            *(["ts-contractions-to-calls"] if library_calls else []), "ts-linalg-to-loops", "ts-coalesce-loops", "ts-wide-accumulators",
            "canonicalize", "cse", "dce"]


def require_frozen(module) -> None:
    """Lowering needs functions of tensors: a function that still reads its module (`%self`) is
    an unfrozen module, on which every stage would only warn about ops it cannot lower."""
    from xdsl.dialects.func import FuncOp

    from tsjit.dialects.ts.types import ClassType
    from tsjit.ir.diagnostics import emit_error

    for fn in module.ops:
        for arg in fn.args if isinstance(fn, FuncOp) and fn.body.blocks else ():
            if isinstance(arg.type, ClassType) and arg.uses:
                user = next(iter(arg.uses)).operation
                name = arg.name_hint or arg.index
                raise emit_error(user, f"ts-lower-to-loops: @{fn.sym_name.data} reads the module %{name} ({arg.type}): "
                                       "run ts-freeze first (ts-opt -p 'ts-freeze,ts-lower-to-loops{...}', or "
                                       "torch.jit.freeze in Python), so that weights are constants")


PIPELINES: dict[str, Pipeline] = {
    "ts-lower-to-loops": Pipeline(
        "ts function -> decomposed -> linalg -> fused -> memref -> scf loops (the C backend's pipeline)",
        {"shapes": (tuple[str, ...], (), "input shapes for ts-specialize (2x3xf32,4xi64); none: no ts-specialize"),
         "library_calls": (bool, False, "after ts-bufferize, ts-contractions-to-calls (matmul/conv as C GEMM calls)")},
        _lower_to_loops, require_frozen),
}


def pipeline_pass(name: str, pipeline: Pipeline) -> type[ModulePass]:
    """The pass a pipeline registers as: its options are fields; it runs the stages in order."""
    def apply(self: Any, ctx: Any, op: Any) -> None:
        from tsjit.ir.pipeline import run_stages

        options = {f: getattr(self, f) for f in pipeline.options}
        if pipeline.requires is not None:
            pipeline.requires(op)
        run_stages(name, pipeline.stages(**options), all_passes(), ctx, op)

    fields = [(f, t, dataclasses.field(default=d, metadata={"help": doc}))
              for f, (t, d, doc) in pipeline.options.items()]
    return dataclasses.make_dataclass(
        "".join(p.capitalize() for p in name.split("-")) + "Pipeline", fields, bases=(ModulePass,), frozen=True,
        namespace={"name": name, "apply": apply, "__doc__": pipeline.description, "__module__": __name__})


def tsjit_passes() -> dict[str, PassFactory]:
    """tsjit's passes and pipelines, by CLI name."""
    table = {name: _lazy(f"tsjit.passes.{module}", cls) for name, (module, cls) in PASSES.items()}
    table.update({name: (lambda n=name, p=p: pipeline_pass(n, p)) for name, p in PIPELINES.items()})
    return table


def all_passes() -> dict[str, PassFactory]:
    """tsjit's passes with xDSL's (canonicalize, cse, dce, ...), as ts-opt knows them."""
    from xdsl.transforms import get_all_passes

    return {**get_all_passes(), **tsjit_passes()}


def apply_pass(name: str, module, **options) -> None:
    """Run pass `name` on `module`, as ts-opt would. `name` is a CLI name with `options` given as
    field names, or a CLI spec with its options spelled as on ts-opt's command line
    (`ts-lower-to-loops{library-calls=true}`), which is how backends write their pipelines."""
    from tsjit.dialects import context

    if "{" in name:
        from xdsl.utils.arg_spec import parse_pipeline

        from tsjit.ir.pipeline import instantiate

        (spec,) = parse_pipeline(name)
        instantiate(spec, all_passes()).apply(context(), module)
        return
    all_passes()[name]()(**options).apply(context(), module)
