"""tsjit: TorchScript re-imagined as an MLIR-style multi-dialect compiler on xDSL.

`import tsjit as torch` gives the eager library (tsjit.eager: Tensor, dtypes, the torch-level
functions) at once; the compiler (`tsjit.jit`, `script`, `trace`, `compile`, `save`/`load`, ...)
and `tsjit.nn` load on first use, so importing tsjit does not import the compiler or the C backend.
"""
from __future__ import annotations

import importlib
from typing import Any

from tsjit.eager import *  # noqa: F401,F403 - the torch namespace
from tsjit.eager import __all__ as _eager
from tsjit.version import __version__  # noqa: F401

#: name -> (module, attribute; None for the module itself), imported when first asked for
_LAZY: dict[str, tuple[str, str | None]] = {
    "jit": ("tsjit.jit", None),
    "nn": ("tsjit.nn", None),
    "testing": ("tsjit.testing", None),  # torch.testing.assert_close
    "script": ("tsjit.jit", "script"),
    "fork": ("tsjit.frontend.futures", "fork"),
    "wait": ("tsjit.frontend.futures", "wait"),
    "get_num_interop_threads": ("tsjit.backends.numpy.fork", "get_num_interop_threads"),
    "set_num_interop_threads": ("tsjit.backends.numpy.fork", "set_num_interop_threads"),
    "trace": ("tsjit.jit.trace", "trace"),
    "trace_module": ("tsjit.jit.trace", "trace_module"),
    "freeze": ("tsjit.jit.freeze", "freeze"),
    "optimize_for_inference": ("tsjit.jit.freeze", "optimize_for_inference"),
    "load": ("tsjit.jit.serialization", "load_object"),  # torch.load
    "save": ("tsjit.jit.serialization", "save_object"),  # torch.save
    "compile": ("tsjit.compiler", "compile"),  # tsjit.compile(model_or_ir, backend=..., example_inputs=...)
    "export_c": ("tsjit.compiler", "export_c"),  # standalone C of a model
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'tsjit' has no attribute '{name}'")
    module, attribute = _LAZY[name]
    value = importlib.import_module(module)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [*_eager, *_LAZY]
