"""tsjit.compile of a model compiled before, in this process or an earlier one, loads the entry
compile_disk_cache.py wrote, and compiles again whenever something it was made from changed: its
code, a setting its module holds, its weights, the inputs' shapes."""
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import tsjit
import tsjit.compiler
import tsjit.nn as nn
from tsjit import compile_disk_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The disk cache on (the suite turns it off), in a directory of this test's own."""
    monkeypatch.setenv("TSJIT_COMPILE_CACHE", "1")
    monkeypatch.setattr(compile_disk_cache, "directory", lambda: tmp_path / "compiled")
    return tmp_path / "compiled"


@pytest.fixture
def lowerings(monkeypatch):
    """How many times tsjit.compile lowered a module (a load from disk does not)."""
    count = []
    real = tsjit.compiler._compile_module
    monkeypatch.setattr(tsjit.compiler, "_compile_module", lambda *a, **k: count.append(1) or real(*a, **k))
    return count


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.norm = nn.LayerNorm(3)

    def forward(self, x):
        return tsjit.relu(self.norm(self.fc(x))) * 2.0


def _net(seed=0):
    tsjit.manual_seed(seed)
    return Net().eval()


@pytest.mark.parametrize("backend", ["c", "numpy"])
def test_a_new_model_object_with_the_same_code_and_weights_loads(cache, lowerings, backend):
    x = tsjit.randn(2, 4)
    first = tsjit.compile(_net(), backend=backend, example_inputs=(x,), fallback=False)
    assert len(lowerings) == 1 and len(list(cache.glob("*.npz"))) == 1
    loaded = tsjit.compile(_net(), backend=backend, example_inputs=(x,), fallback=False)  # not the same object
    assert len(lowerings) == 1 and loaded is not first and loaded.backend == backend
    np.testing.assert_array_equal(loaded(x).numpy(), first(x).numpy())
    again = pickle.loads(pickle.dumps(loaded))  # carries the ts-level module, as a compiled one does
    np.testing.assert_array_equal(again(x).numpy(), first(x).numpy())


def test_other_weights_or_shapes_compile_again(cache, lowerings):
    x = tsjit.randn(2, 4)
    tsjit.compile(_net(0), backend="c", example_inputs=(x,))
    other = _net(1)
    np.testing.assert_allclose(tsjit.compile(other, backend="c", example_inputs=(x,))(x).numpy(),
                               other(x).numpy(), rtol=1e-5, atol=1e-6)
    y = tsjit.randn(5, 4)
    assert tsjit.compile(_net(0), backend="c", example_inputs=(y,))(y).shape == (5, 3)
    assert len(lowerings) == 3


def test_off_warned_or_falling_back_is_not_kept(cache, lowerings, monkeypatch):
    x = tsjit.randn(2, 4)

    class Unlowered(nn.Module):
        def forward(self, x):
            return tsjit.bincount((x > 0).to(tsjit.int64).flatten())  # its size depends on the data: numpy, warned

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tsjit.compile(Unlowered().eval(), backend="c", example_inputs=(x,))
    assert not list(cache.glob("*.npz"))
    monkeypatch.setenv("TSJIT_COMPILE_CACHE", "0")
    tsjit.compile(_net(), backend="c", example_inputs=(x,))
    assert not list(cache.glob("*.npz"))


def test_a_damaged_entry_is_compiled_again(cache, lowerings):
    x = tsjit.randn(2, 4)
    tsjit.compile(_net(), backend="c", example_inputs=(x,))
    (entry,) = cache.glob("*.npz")
    entry.write_bytes(entry.read_bytes()[:100])
    again = tsjit.compile(_net(), backend="c", example_inputs=(x,))
    assert len(lowerings) == 2
    np.testing.assert_allclose(again(x).numpy(), _net()(x).numpy(), rtol=1e-5, atol=1e-6)


MODEL = """
import tsjit
import tsjit.nn as nn

SCALE = {scale}


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x) {op} SCALE
"""

MAIN = """
import numpy as np
import tsjit
import tsjit.compiler
from model import Model

count = []
real = tsjit.compiler._compile_module
tsjit.compiler._compile_module = lambda *a, **k: count.append(1) or real(*a, **k)
tsjit.manual_seed(0)
x = tsjit.from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3))
out = tsjit.compile(Model().eval(), backend="c", example_inputs=(x,), fallback=False)(x)
print(len(count), " ".join(f"{v:.4f}" for v in out.numpy().ravel()))
"""


def test_across_processes_until_the_code_or_a_setting_changes(tmp_path):
    (tmp_path / "main.py").write_text(MAIN)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TSJIT_COMPILE_CACHE": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": ":".join(p for p in sys.path if p)}

    def run(scale, op):
        (tmp_path / "model.py").write_text(textwrap.dedent(MODEL.format(scale=scale, op=op)))
        done = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        lowered, *values = done.stdout.split()
        return int(lowered), np.array(values, dtype=float)

    lowered, first = run(2.0, "*")
    assert lowered == 1
    lowered, again = run(2.0, "*")
    assert lowered == 0 and (again == first).all()  # loaded, the same result
    lowered, setting = run(3.0, "*")  # a module-level setting the forward reads
    assert lowered == 1 and np.allclose(setting, first * 1.5, atol=1e-4)
    lowered, code = run(3.0, "+")  # the forward's code
    assert lowered == 1 and np.allclose(code, first / 2.0 + 3.0, atol=1e-4)
