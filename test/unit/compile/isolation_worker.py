"""What one compile gives: run in the test's own (busy) process and in fresh processes."""
from __future__ import annotations

import hashlib
import importlib.util

import numpy as np


def load(path: str):
    """The module of generated programs at `path` (imported once per process)."""
    import sys

    name = "programs_" + hashlib.sha1(path.encode()).hexdigest()[:8]
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def inputs():
    rng = np.random.default_rng(0)
    return [rng.standard_normal((4, 8)).astype(np.float32) for _ in range(2)]


def compile_one(path: str, name: str, backend: str) -> tuple[str, str, np.ndarray]:
    """(the compiled module's text, the backend it ran on, its result on the fixed inputs)."""
    import tsjit

    fn = tsjit.jit.script(getattr(load(path), name))
    x, y = inputs()
    compiled = tsjit.compile(fn, backend=backend, example_inputs=[tsjit.from_numpy(x), tsjit.from_numpy(y)])
    return str(compiled.module), compiled.backend, np.asarray(compiled(x, y))
