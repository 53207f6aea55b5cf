"""The checked-in TorchScript graph dumps (test/fixtures/torchscript) import and run on the numpy
backend with PyTorch's outputs; with torch 2.13 installed, a fresh generation gives the same dumps."""
from __future__ import annotations

import glob
import os
import subprocess
import sys

import numpy as np
import pytest

from tsjit.frontend import import_graph_function

FIXTURES = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "torchscript"))
NAMES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIXTURES, "*.txt")))


def load(name: str):
    data = np.load(os.path.join(FIXTURES, f"{name}.npz"))

    def numbered(prefix):
        return [data[f"{prefix}/{i}"] for i in range(sum(k.startswith(prefix + "/") for k in data))]

    inputs = [x.item() if x.ndim == 0 else x for x in numbered("input")]
    params = {k[6:]: data[k] for k in data if k.startswith("param/")}
    params.update({k[5:]: data[k].item() for k in data if k.startswith("attr/")})
    tensors = {k[7:]: data[k] for k in data if k.startswith("tensor/")}
    return inputs, numbered("output"), params, tensors


def flatten(value):
    if isinstance(value, tuple | list):
        return [x for v in value for x in flatten(v)]
    return [value]


def test_fixtures_are_present():
    assert {"docs_foo", "docs_fn", "mlp", "cnn", "cnn_frozen", "lstm_loop"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_runs_with_pytorch_outputs(name):
    path = os.path.join(FIXTURES, f"{name}.txt")
    inputs, expected, params, tensors = load(name)
    with open(path) as f:
        fn = import_graph_function(f.read(), path, params=params or None, tensors=tensors)
    assert not [op for op in fn.module.walk() if op.name == "ts.generic"]
    got = flatten(fn(*inputs))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(np.asarray(g, dtype=np.float64), e.astype(np.float64), atol=1e-5, rtol=0)


def test_fixture_locations_point_at_the_source():
    with open(os.path.join(FIXTURES, "lstm_loop.txt")) as f:
        module = import_graph_function(f.read(), "lstm_loop.txt", params=load("lstm_loop")[2]).module
    locs = {op.attributes["loc"].data for op in module.walk() if "loc" in op.attributes}
    assert "torch/nn/modules/linear.py:134:15" in locs
    assert any(loc.startswith("generate.py:") for loc in locs)


def test_regenerated_dumps_match(tmp_path):
    """Needs torch 2.13; the generator runs in its own process (class name mangling is per process)."""
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13"):
        pytest.skip(f"the fixtures were printed by torch 2.13, not {torch.__version__}")
    script = os.path.join(FIXTURES, "generate.py")
    subprocess.run([sys.executable, script, str(tmp_path)], check=True, capture_output=True)
    for name in NAMES:
        with open(os.path.join(FIXTURES, f"{name}.txt")) as a, open(tmp_path / f"{name}.txt") as b:
            assert a.read() == b.read(), f"{name}.txt differs from a fresh dump: run {script}"
        old, new = np.load(os.path.join(FIXTURES, f"{name}.npz")), np.load(tmp_path / f"{name}.npz")
        assert sorted(old) == sorted(new)
        for key in old:
            if key.startswith("input/") or key.startswith("output/"):
                continue  # random inputs; the outputs follow them
            np.testing.assert_array_equal(old[key], new[key], err_msg=f"{name}: {key}")
