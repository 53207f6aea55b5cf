"""Compilations of live modules, remembered per module: `tsjit.compile(model, ...)` again on the
same, unchanged model returns the earlier result without scripting, freezing and lowering it again
(as torch.compile's cache does).

A compilation is found by what made it: the model's structure (each submodule's class and its
plain attributes: sizes, flags, `training`, functions by identity), a digest of every tensor it
holds (parameters, buffers, tensor attributes), the example inputs' shapes and dtypes (other
example values by equality), the backend, the fallback flag and the settings a compile reads
(fuser switches, the backend's pipeline, CC/CFLAGS/TSJIT_BLAS). A model whose attributes the key
cannot describe (hooks, objects of other kinds) is not remembered, only compiled. Entries live as
long as the model (a weak reference to it), the last LIMIT per model.
"""
from __future__ import annotations

import hashlib
import os
import threading
import types
import weakref
from typing import Any

import numpy as np

LIMIT = 4
_ENTRIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> {key: compiled}
_LOCK = threading.Lock()
_PLAIN = (bool, int, float, str, type(None), np.dtype)
_ENVIRONMENT = ("CC", "CFLAGS", "TSJIT_BLAS", "TSJIT_VERIFY_EACH", "TSJIT_DISABLE", "PYTORCH_JIT")


class Uncacheable(Exception):
    """The model holds something the key cannot describe."""


def key_of(model: Any, example_inputs: Any, backend: str, fallback: bool) -> tuple | None:
    """The cache key of compiling `model` this way, or None when the model cannot be remembered."""
    if not hasattr(model, "named_modules") or hasattr(model, "_c"):  # eager nn.Modules only
        return None
    digest = hashlib.sha1()
    try:
        structure = tuple((name, type(m), _attributes(m, digest)) for name, m in model.named_modules())
        inputs = _inputs(example_inputs)
    except Uncacheable:
        return None
    return structure, digest.hexdigest(), inputs, backend, fallback, _settings(backend)


def _settings(backend: str) -> tuple:
    """What else a compilation depends on: the fuser switches, the backend's pipeline, and the
    environment variables the C backend reads."""
    from tsjit.backends.registry import backend as get_backend
    from tsjit.jit.fusion import FUSER

    chosen = get_backend(backend)
    return (FUSER.enabled, FUSER.onednn, tuple(FUSER.strategy), type(chosen), tuple(chosen.pipeline),
            tuple(os.environ.get(k) for k in _ENVIRONMENT))


def lookup(model: Any, key: tuple) -> Any:
    with _LOCK:
        return _ENTRIES.get(model, {}).get(key)


def remember(model: Any, key: tuple, compiled: Any) -> None:
    with _LOCK:
        try:
            entries = _ENTRIES.setdefault(model, {})
        except TypeError:  # not weakly referenceable
            return
        entries.pop(key, None)
        entries[key] = compiled
        while len(entries) > LIMIT:
            entries.pop(next(iter(entries)))


def _attributes(module: Any, digest: Any) -> tuple:
    out = []
    for name, value in sorted(vars(module).items()):
        if name in ("_forward_hooks", "_forward_pre_hooks"):
            if value:
                raise Uncacheable(name)
        elif name in ("_parameters", "_buffers"):
            out.append((name, tuple(_tensor(k, v, digest) for k, v in value.items())))
        elif name != "_modules":
            out.append((name, _value(value, digest)))
    return tuple(out)


def _tensor(name: str, value: Any, digest: Any) -> tuple:
    if value is None:
        return name, None
    array = np.ascontiguousarray(value.numpy() if hasattr(value, "numpy") else value)
    digest.update(name.encode())
    digest.update(memoryview(array).cast("B"))
    return name, array.shape, array.dtype.str, bool(getattr(value, "requires_grad", False))


def _value(value: Any, digest: Any) -> Any:
    if isinstance(value, _PLAIN):
        return type(value), value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return type(value), tuple(_value(v, digest) for v in items)
    if isinstance(value, dict):
        return dict, tuple((k, _value(v, digest)) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0])))
    if isinstance(value, types.FunctionType | types.BuiltinFunctionType | type):
        return value  # by identity: another function is another object
    if hasattr(value, "_data") or isinstance(value, np.ndarray):
        return _tensor("", value, digest)
    raise Uncacheable(type(value).__name__)


def _inputs(example_inputs: Any) -> tuple:
    if hasattr(example_inputs, "_data") or isinstance(example_inputs, np.ndarray):
        example_inputs = (example_inputs,)
    out = []
    for x in example_inputs:
        array = x._data if hasattr(x, "_data") else x
        if isinstance(array, np.ndarray):
            out.append((array.shape, array.dtype.str))
        elif isinstance(x, _PLAIN) or isinstance(x, list | tuple):
            out.append(_value(x, hashlib.sha1()))
        else:
            raise Uncacheable(type(x).__name__)
    return tuple(out)
