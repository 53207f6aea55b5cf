"""tensor ops on the numpy backend: results are new arrays, sources are never mutated."""
from __future__ import annotations

import numpy as np

from tsjit.backends.numpy import Program
from tsjit.dialects import parse_module


def program(text: str) -> Program:
    module = parse_module(text)
    module.verify()
    return Program(module)


def test_slices_reshapes_concat_and_elements():
    text = """
    func.func @f(%x: tensor<4x6xf32>, %y: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<4x6xf32>, tensor<24xf32>,
        tensor<2x2x6xf32>, tensor<6x3xf32>, f32, tensor<4x6xf32>, tensor<2x2xf32>, index, tensor<3xf32>) {
      %s = tensor.extract_slice %x[1, 0] [2, 3] [2, 2] : tensor<4x6xf32> to tensor<2x3xf32>
      %i = tensor.insert_slice %y into %x[0, 3] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<4x6xf32>
      %c = tensor.collapse_shape %x [[0, 1]] : tensor<4x6xf32> into tensor<24xf32>
      %e = tensor.expand_shape %x [[0, 1], [2]] output_shape [2, 2, 6] : tensor<4x6xf32> into tensor<2x2x6xf32>
      %cat = tensor.concat dim(0) %y, %y, %y : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<6x3xf32>
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %v = tensor.extract %x[%c1, %c2] : tensor<4x6xf32>
      %ins = tensor.insert %v into %x[%c2, %c1] : tensor<4x6xf32>
      %sp = tensor.splat %v : tensor<2x2xf32>
      %d = tensor.dim %x, %c1 : tensor<4x6xf32>
      %row = tensor.extract_slice %x[3, 1] [1, 3] [1, 1] : tensor<4x6xf32> to tensor<3xf32>
      func.return %s, %i, %c, %e, %cat, %v, %ins, %sp, %d, %row : tensor<2x3xf32>, tensor<4x6xf32>, tensor<24xf32>,
          tensor<2x2x6xf32>, tensor<6x3xf32>, f32, tensor<4x6xf32>, tensor<2x2xf32>, index, tensor<3xf32>
    }"""
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    y = -np.arange(6, dtype=np.float32).reshape(2, 3)
    x0 = x.copy()
    s, i, c, e, cat, v, ins, sp, d, row = program(text).call("f", x, y)
    np.testing.assert_array_equal(s, x[1:4:2, 0:6:2])
    expected = x0.copy()
    expected[0:2, 3:6] = y
    np.testing.assert_array_equal(i, expected)
    np.testing.assert_array_equal(c, x0.ravel())
    np.testing.assert_array_equal(e, x0.reshape(2, 2, 6))
    np.testing.assert_array_equal(cat, np.concatenate([y, y, y]))
    assert v == x0[1, 2]
    expected = x0.copy()
    expected[2, 1] = x0[1, 2]
    np.testing.assert_array_equal(ins, expected)
    np.testing.assert_array_equal(sp, np.full((2, 2), x0[1, 2]))
    assert d == 6
    np.testing.assert_array_equal(row, x0[3, 1:4])
    np.testing.assert_array_equal(x, x0)


def test_pad_with_constant_and_index_dependent_bodies():
    text = """
    func.func @f(%x: tensor<2x3xf32>) -> (tensor<4x4xf32>, tensor<3x3xf32>) {
      %cst = arith.constant -1.0 : f32
      %p = tensor.pad %x low[1, 0] high[1, 1] {
      ^bb0(%i: index, %j: index):
        tensor.yield %cst : f32
      } : tensor<2x3xf32> to tensor<4x4xf32>
      %q = tensor.pad %x low[0, 0] high[1, 0] {
      ^bb0(%i: index, %j: index):
        %ji = arith.index_cast %j : index to i32
        %jf = arith.sitofp %ji : i32 to f32
        tensor.yield %jf : f32
      } : tensor<2x3xf32> to tensor<3x3xf32>
      func.return %p, %q : tensor<4x4xf32>, tensor<3x3xf32>
    }"""
    x = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    p, q = program(text).call("f", x)
    np.testing.assert_array_equal(p, np.pad(x, ((1, 1), (0, 1)), constant_values=-1))
    np.testing.assert_array_equal(q, np.vstack([x, [[0, 1, 2]]]))
    assert p.dtype == np.float32


def test_empty_from_elements_reshape_and_cast():
    text = """
    func.func @f(%a: i64, %b: i64) -> (tensor<2x1xi64>, tensor<1x2xi64>, tensor<?x1xi64>, tensor<3xf32>) {
      %t = tensor.from_elements %a, %b : tensor<2x1xi64>
      %shape = arith.constant dense<[1, 2]> : tensor<2xi64>
      %r = tensor.reshape %t(%shape) : (tensor<2x1xi64>, tensor<2xi64>) -> tensor<1x2xi64>
      %c = tensor.cast %t : tensor<2x1xi64> to tensor<?x1xi64>
      %e = tensor.empty() : tensor<3xf32>
      func.return %t, %r, %c, %e : tensor<2x1xi64>, tensor<1x2xi64>, tensor<?x1xi64>, tensor<3xf32>
    }"""
    t, r, c, e = program(text).call("f", 4, 5)
    np.testing.assert_array_equal(t, [[4], [5]])
    assert t.dtype == np.int64
    np.testing.assert_array_equal(r, [[4, 5]])
    np.testing.assert_array_equal(c, t)
    assert e.shape == (3,) and e.dtype == np.float32
