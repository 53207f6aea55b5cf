"""tsjit: TorchScript re-imagined as an MLIR-style multi-dialect compiler on xDSL.

`import tsjit as torch` gives the eager library (tsjit.eager: Tensor, dtypes, the torch-level
functions) and the compiler (`tsjit.jit`, `script`, `trace`, `compile`, `save`/`load`, ...) and
`tsjit.nn`, each loaded on first use: importing tsjit imports none of them, so a tool that needs
only the IR (ts-opt) does not pay for the eager library, and eager code does not pay for the
compiler or the C backend.
"""
from __future__ import annotations

import importlib
from typing import Any

from tsjit.version import __version__  # noqa: F401

#: name -> (module, attribute; None for the module itself), imported when first asked for
_LAZY: dict[str, tuple[str, str | None]] = {
    "jit": ("tsjit.jit", None),
    "nn": ("tsjit.nn", None),
    "testing": ("tsjit.testing", None),  # torch.testing.assert_close
    "script": ("tsjit.jit", "script"),
    "fork": ("tsjit.frontend.futures", "fork"),
    "wait": ("tsjit.frontend.futures", "wait"),
    "get_num_threads": ("tsjit.threads", "get_num_threads"),
    "set_num_threads": ("tsjit.threads", "set_num_threads"),
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


def _eager_names() -> list[str]:
    from tsjit.eager import __all__ as names

    return names


def __getattr__(name: str) -> Any:
    if name == "__all__":  # `from tsjit import *`
        return [*_eager_names(), *_LAZY]
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = importlib.import_module(module)
        if attribute is not None:
            value = getattr(value, attribute)
    elif not name.startswith("__") and name in _eager_names():
        value = getattr(importlib.import_module("tsjit.eager"), name)
    else:
        raise AttributeError(f"module 'tsjit' has no attribute '{name}'")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_eager_names()})

