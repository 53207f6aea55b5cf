"""Lists of tensors that splits and meshgrid make compile wholly to C where they are unpacked,
indexed or returned (tsjit/passes/split_unpacks.py); so do uninitialised tensors filled in place."""
import numpy as np
import pytest

import tsjit
from tsjit.backends.c import find_compiler

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


def tensor_split_returned(x):
    return tsjit.tensor_split(x, 3, 1)


def tensor_split_indexed(x):
    return tsjit.tensor_split(x, 4, -1)[3]


def hsplit_returned(x):
    return tsjit.hsplit(x, 5)


def dsplit_indexed(x):
    return tsjit.dsplit(x, 2)[-1]


def vsplit_unpacked(x):
    a, b = tsjit.vsplit(x, 2)
    return b - a


def meshgrid_returned(x, y, z):
    return tsjit.meshgrid([x, y, z], indexing="xy")


def meshgrid_unpacked(x, y):
    a, b = tsjit.meshgrid([x, y], indexing="xy")
    return a * 2 + b


def chunk_returned(x):
    return tsjit.chunk(x, 2, 0)


def empty_filled_in_place(x):
    return tsjit.empty(4, 5).zero_() + tsjit.empty_strided([4, 5], [5, 1]).fill_(2.0) + x


CASES = [(tensor_split_returned, [(4, 5)]), (tensor_split_indexed, [(4, 5)]), (hsplit_returned, [(4, 5)]),
         (dsplit_indexed, [(2, 3, 4)]), (vsplit_unpacked, [(4, 5)]), (meshgrid_returned, [(3,), (2,), (4,)]),
         (meshgrid_unpacked, [(3,), (2,)]), (chunk_returned, [(5, 3)]), (empty_filled_in_place, [(4, 5)])]


def _flat(v):
    return [a for b in v for a in _flat(b)] if isinstance(v, tuple | list) else [v]


@pytest.mark.parametrize("fn, shapes", CASES, ids=[fn.__name__ for fn, _ in CASES])
def test_lists_of_pieces_compile_wholly_to_c(fn, shapes):
    args = [tsjit.randn(*s) for s in shapes]
    compiled = tsjit.compile(fn, backend="c", example_inputs=args, fallback=False)
    got, want = _flat(compiled(*args)), _flat(fn(*args))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_array_equal(g.numpy(), w.numpy())


def dict_of_features(x):
    d = {"a": x, "b": x * 2}
    d["c"] = d["b"].relu()
    return d["a"] + d["c"] - d.get("z", x)


def test_a_dict_with_constant_keys_compiles_wholly_to_c():
    """Its reads are the values last stored under their keys (ts-specialize's forward_dict_items)."""
    x = tsjit.randn(3, 4)
    compiled = tsjit.compile(dict_of_features, backend="c", example_inputs=(x,), fallback=False)
    np.testing.assert_allclose(compiled(x).numpy(), dict_of_features(x).numpy(), rtol=1e-6)
