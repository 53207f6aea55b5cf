"""Shared by the C backend tests: the end-to-end models of the lowering tests, and a private
build cache per test."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


def end_to_end_models() -> dict:
    """MODELS of the lowering end-to-end test (the same module object when pytest imported it already)."""
    name = "test_lowering_end_to_end"
    if name not in sys.modules:
        path = Path(__file__).parents[1] / "lowering" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name].MODELS


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    """Built libraries go to a fresh XDG cache, so tests never see each other's (or the user's)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path
