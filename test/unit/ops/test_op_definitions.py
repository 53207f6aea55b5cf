"""Every op definition is complete: what the compiler needs to know about an op is all there."""
from __future__ import annotations

import importlib.util
import inspect

import pytest

from tsjit.ops import FAMILIES, REGISTRY, Pointwise
from tsjit.ops.rules import BY_KERNEL

NAMES = sorted(REGISTRY)


@pytest.mark.parametrize("name", NAMES)
def test_definition_is_complete(name):
    """Rules for tensor results, a kernel, a lowering or decomposition (or a reason it runs on numpy
    only), and samples to cross-check it with."""
    defn = REGISTRY[name]
    if defn.schema.tensor_results:
        assert defn.shape is not None, f"ts.{name} has no shape rule"
        assert defn.dtype is not None, f"ts.{name} has no dtype rule"
        assert (defn.shape == BY_KERNEL) == (defn.dtype == BY_KERNEL), f"ts.{name}: BY_KERNEL gives both rules"
    assert callable(defn.kernel), f"ts.{name} has no kernel"
    lowered = isinstance(defn.lower, Pointwise | str) or defn.decompose is not None
    if defn.numpy_only is None:
        assert lowered, f"ts.{name} has neither a lowering nor a decomposition, and no numpy_only reason"
    else:
        assert defn.numpy_only.strip(), f"ts.{name}: numpy_only needs a reason"
        assert not lowered, f"ts.{name} is numpy_only but has a lowering"
    assert defn.sample_list(), f"ts.{name} has no samples"
    assert defn.family in FAMILIES, f"ts.{name} is defined outside the family files"


@pytest.mark.parametrize("name", [n for n in NAMES if isinstance(REGISTRY[n].lower, str)])
def test_named_lowering_exists(name):
    module, function = REGISTRY[name].lower.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(f"tsjit.lowering.{module}"), function, None))


def test_kernels_have_no_catch_all_signature():
    """Kernels take the schema's operands positionally (the numpy backend calls them so)."""
    for name, defn in REGISTRY.items():
        params = inspect.signature(defn.kernel).parameters.values()
        if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
            continue  # made by a helper (ufuncs.binary, float_only, ...): takes what it is given
        assert len([p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]) >= len(defn.schema.args), \
            f"ts.{name}'s kernel takes fewer parameters than its schema has operands"


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")
def test_aten_names_are_real():
    import torch

    missing = sorted(f"{name}: aten::{a}" for name, defn in REGISTRY.items() for a in defn.aten
                     if not hasattr(torch.ops.aten, a))
    assert not missing, missing
