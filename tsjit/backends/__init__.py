"""Backends by name: `get_backend("numpy")` gives the backend's module (with its `Program`).

Backends register a loader here so that importing tsjit.backends stays cheap.
"""
from __future__ import annotations

import importlib
from types import ModuleType

#: backend name -> module implementing it
BACKENDS: dict[str, str] = {"numpy": "tsjit.backends.numpy"}


def register_backend(name: str, module: str) -> None:
    BACKENDS[name] = module


def get_backend(name: str) -> ModuleType:
    try:
        module = BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown backend '{name}'; available: {', '.join(sorted(BACKENDS))}") from None
    return importlib.import_module(module)
