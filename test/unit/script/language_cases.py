"""Helpers for the test_language_* files: one source scripted by tsjit and, when installed, by torch.

Both need the source in a file (script reads it), so a test module's SOURCE is written twice into
a temporary directory, once importing tsjit as torch, and imported; results are compared after
`plain()` turns them into Python values (tensors into lists, enum members and NamedTuples into
tagged tuples, so their types are compared too).
"""
from __future__ import annotations

import enum
import importlib
import sys

import numpy as np


def load(tmp_path, source: str, name: str, real: bool):
    """The module of `source` for torch (`real`) or tsjit, imported from a file in `tmp_path`."""
    module_name = f"{name}_{'torch' if real else 'tsjit'}"
    text = source if real else source.replace("import torch\n", "import tsjit as torch\n").replace(
        "import torch.nn as nn\n", "import tsjit.nn as nn\n")
    (tmp_path / f"{module_name}.py").write_text(text)
    sys.path.insert(0, str(tmp_path))
    try:
        sys.modules.pop(module_name, None)
        return importlib.import_module(module_name)
    finally:
        sys.path.remove(str(tmp_path))


def module_pair(tmp_path_factory, source: str, name: str):
    """(tsjit's module of `source`, torch's or None when torch is not installed), for a fixture."""
    path = tmp_path_factory.mktemp(name)
    return load(path, source, name, real=False), load(path, source, name, real=True) if real_torch() else None


def real_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def plain(value):
    """A comparable Python value: tensors -> ("tensor", dtype name, nested list), and so on."""
    if hasattr(value, "_fields") and isinstance(value, tuple):
        return (type(value).__name__, *(plain(v) for v in value))
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__name__, value.name, value.value)
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return sorted((plain(k), plain(v)) for k, v in value.items())
    if hasattr(value, "numpy") and hasattr(value, "dtype"):
        return ("tensor", str(value.dtype).rsplit(".", 1)[-1], np.asarray(value.numpy()).tolist())
    return value


def both(mods, run):
    """run(module) for tsjit (mods[0]), compared with torch's (mods[1]) when installed; returns
    tsjit's plain result."""
    ours, theirs = mods
    got = plain(run(ours))
    if theirs is not None:
        assert got == plain(run(theirs))
    return got
