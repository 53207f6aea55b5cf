"""`tsjit.jit`: TorchScript's torch.jit API (script, decorators, ScriptModule, ...)."""
from tsjit.frontend.script.errors import CompileError, FrontendError, NotSupportedError, UnsupportedNodeError
from tsjit.frontend.decorators import (
    Attribute,
    Final,
    annotate,
    export,
    ignore,
    is_scripting,
    is_tracing,
    isinstance,
    strict_fusion,
    unused,
)
from tsjit.frontend.script.interfaces import interface
from tsjit.jit.freeze import freeze, optimize_for_inference, run_frozen_optimizations
from tsjit.frontend.futures import fork, wait
from tsjit.jit.fusion import (
    enable_onednn_fusion,
    fuser,
    fusion_stats,
    onednn_fusion_enabled,
    reset_fusion_stats,
    set_fuser_enabled,
    set_fusion_strategy,
)
from tsjit.jit.script import CompilationUnit, ScriptClass, script
from tsjit.jit.script_function import ScriptFunction, ScriptMethod
from tsjit.jit.script_module import ScriptModule
from tsjit.jit.script_methods import script_method
from tsjit.jit.serialization import load, save
from tsjit.jit.specialize import specialize
from tsjit.jit.trace import TracerWarning, TracingCheckError, script_if_tracing, trace, trace_module
from tsjit.runtime import Error, Future

__all__ = [
    "Attribute", "CompilationUnit", "CompileError", "Error", "Final", "FrontendError", "Future",
    "NotSupportedError", "ScriptClass", "ScriptFunction", "ScriptMethod", "ScriptModule", "UnsupportedNodeError",
    "annotate", "export", "ignore", "interface", "is_scripting", "is_tracing", "isinstance", "script",
    "strict_fusion", "unused", "script_method", "TracerWarning", "TracingCheckError", "script_if_tracing", "trace",
    "trace_module",
    "fork", "wait", "freeze", "optimize_for_inference", "run_frozen_optimizations",
    "load", "save", "specialize",
    "enable_onednn_fusion", "onednn_fusion_enabled", "set_fusion_strategy", "fuser", "set_fuser_enabled",
    "fusion_stats", "reset_fusion_stats",
]
