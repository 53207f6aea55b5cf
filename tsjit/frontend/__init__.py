"""Frontends: Python source (`script`), eager execution (`trace`) and importers emit ts IR.

The importers' entry points load on first use (the graph parser is large, and the script and
trace frontends do not need it)."""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"import_graph": "tsjit.frontend.importers", "import_graph_function": "tsjit.frontend.importers",
         "from_torch": "tsjit.frontend.importers.from_torch", "FromTorchError": "tsjit.frontend.importers.from_torch"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'tsjit.frontend' has no attribute '{name}'")
    return getattr(importlib.import_module(_LAZY[name]), name)


__all__ = list(_LAZY)
