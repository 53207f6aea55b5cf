"""memref, scf and affine on the numpy backend: loop-level IR over buffers written in place."""
from __future__ import annotations

import numpy as np

from tsjit.backends.numpy import Program
from tsjit.dialects import parse_module


def program(text: str) -> Program:
    module = parse_module(text)
    module.verify()
    return Program(module)


def test_scf_for_with_iter_args_sums_a_memref():
    text = """
    func.func @f(%m: memref<5xf32>) -> (f32, index) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c5 = arith.constant 5 : index
      %zero = arith.constant 0.0 : f32
      %s, %n = scf.for %i = %c0 to %c5 step %c1 iter_args(%acc = %zero, %cnt = %c0) -> (f32, index) {
        %v = memref.load %m[%i] : memref<5xf32>
        %a = arith.addf %acc, %v : f32
        %k = arith.addi %cnt, %c1 : index
        scf.yield %a, %k : f32, index
      }
      func.return %s, %n : f32, index
    }"""
    m = np.arange(5, dtype=np.float32)
    assert program(text).call("f", m) == (10.0, 5)


def test_scf_while_if_and_parallel_with_reduce():
    text = """
    func.func @f(%n: i32, %m: memref<3x4xi32>) -> (i32, i32, i32) {
      %c1 = arith.constant 1 : i32
      %two = arith.constant 2 : i32
      %r = scf.while (%x = %n) : (i32) -> i32 {
        %more = arith.cmpi sgt, %x, %c1 : i32
        scf.condition(%more) %x : i32
      } do {
      ^bb0(%x: i32):
        %even = arith.remsi %x, %two : i32
        %z = arith.constant 0 : i32
        %is_even = arith.cmpi eq, %even, %z : i32
        %next = scf.if %is_even -> (i32) {
          %h = arith.divsi %x, %two : i32
          scf.yield %h : i32
        } else {
          %t = arith.muli %x, %two : i32
          %u = arith.addi %t, %x : i32
          %w = arith.addi %u, %c1 : i32
          scf.yield %w : i32
        }
        scf.yield %next : i32
      }
      %i0 = arith.constant 0 : index
      %i1 = arith.constant 1 : index
      %i3 = arith.constant 3 : index
      %i4 = arith.constant 4 : index
      %zero = arith.constant 0 : i32
      %sum = "scf.parallel"(%i0, %i0, %i3, %i4, %i1, %i1, %zero) <{operandSegmentSizes = array<i32: 2, 2, 2, 1>}> ({
      ^bb0(%i: index, %j: index):
        %v = memref.load %m[%i, %j] : memref<3x4xi32>
        scf.reduce(%v : i32) {
        ^bb1(%lhs: i32, %rhs: i32):
          %s = arith.addi %lhs, %rhs : i32
          scf.reduce.return %s : i32
        }
      }) : (index, index, index, index, index, index, i32) -> i32
      %big = arith.constant 2147483647 : i32
      %wrapped = arith.addi %sum, %big : i32
      func.return %r, %sum, %wrapped : i32, i32, i32
    }"""
    m = np.arange(12, dtype=np.int32).reshape(3, 4)
    assert program(text).call("f", 6, m) == (1, 66, 66 + 2147483647 - 2**32)


def test_memref_alloc_subview_copy_reshape_and_globals():
    text = """
    "memref.global"() <{sym_name = "table", type = memref<2x3xf32>, initial_value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>, sym_visibility = "private", constant}> : () -> ()
    func.func @f(%out: memref<4x6xf32>) -> f32 {
      %g = memref.get_global @table : memref<2x3xf32>
      %sub = memref.subview %out[1, 2] [2, 3] [1, 1] : memref<4x6xf32> to memref<2x3xf32, strided<[6, 1], offset: 8>>
      "memref.copy"(%g, %sub) : (memref<2x3xf32>, memref<2x3xf32, strided<[6, 1], offset: 8>>) -> ()
      %flat = memref.collapse_shape %out [[0, 1]] : memref<4x6xf32> into memref<24xf32>
      %c0 = arith.constant 0 : index
      %one = arith.constant 1.0 : f32
      memref.store %one, %flat[%c0] : memref<24xf32>
      %tmp = memref.alloca() : memref<1xf32>
      %c5 = arith.constant 5 : index
      %v = memref.load %g[%c0, %c0] : memref<2x3xf32>
      memref.store %v, %tmp[%c0] : memref<1xf32>
      %w = memref.load %tmp[%c0] : memref<1xf32>
      func.return %w : f32
    }"""
    out = np.zeros((4, 6), np.float32)
    assert program(text).call("f", out) == 1.0
    expected = np.zeros((4, 6), np.float32)
    expected[1:3, 2:5] = [[1, 2, 3], [4, 5, 6]]
    expected[0, 0] = 1
    np.testing.assert_array_equal(out, expected)


def test_affine_loops_with_dimension_maps_compute_a_matmul():
    """affine.for nests with bound maps, affine.load/store through maps (generic form, dims)."""
    text = """
    func.func @f(%a: memref<3x4xf32>, %b: memref<4x2xf32>, %c: memref<3x2xf32>) {
      "affine.for"() <{lowerBoundMap = affine_map<() -> (0)>, upperBoundMap = affine_map<() -> (3)>, step = 1 : index,
                      operandSegmentSizes = array<i32: 0, 0, 0>}> ({
      ^bb0(%i: index):
        "affine.for"() <{lowerBoundMap = affine_map<() -> (0)>, upperBoundMap = affine_map<() -> (2)>, step = 1 : index,
                        operandSegmentSizes = array<i32: 0, 0, 0>}> ({
        ^bb1(%j: index):
          %zero = arith.constant 0.0 : f32
          %s = "affine.for"(%zero) <{lowerBoundMap = affine_map<() -> (0)>, upperBoundMap = affine_map<() -> (4)>,
                                    step = 1 : index, operandSegmentSizes = array<i32: 0, 0, 1>}> ({
          ^bb2(%k: index, %acc: f32):
            %x = "affine.load"(%a, %i, %k) <{map = affine_map<(d0, d1) -> (d0, d1)>}> : (memref<3x4xf32>, index, index) -> f32
            %y = "affine.load"(%b, %k, %j) <{map = affine_map<(d0, d1) -> (d0, d1)>}> : (memref<4x2xf32>, index, index) -> f32
            %p = arith.mulf %x, %y : f32
            %t = arith.addf %acc, %p : f32
            "affine.yield"(%t) : (f32) -> ()
          }) : (f32) -> f32
          "affine.store"(%s, %c, %i, %j) <{map = affine_map<(d0, d1) -> (d0, d1)>}> : (f32, memref<3x2xf32>, index, index) -> ()
          "affine.yield"() : () -> ()
        }) : () -> ()
        "affine.yield"() : () -> ()
      }) : () -> ()
      func.return
    }"""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((4, 2)).astype(np.float32)
    c = np.zeros((3, 2), np.float32)
    program(text).call("f", a, b, c)
    np.testing.assert_allclose(c, a @ b, rtol=1e-5, atol=1e-6)


def test_affine_apply_min_and_bounds_from_operands():
    """for i in [n - 1, min(n + 2, 6)): out[2*i mod 8] = i (a loop whose bounds are maps of %n)."""
    text = """
    func.func @f(%n: index, %out: memref<8xindex>) -> (index, index) {
      "affine.for"(%n, %n) <{lowerBoundMap = affine_map<(d0) -> (d0 - 1)>, upperBoundMap = affine_map<(d0) -> (d0 + 2, 6)>,
                            step = 1 : index, operandSegmentSizes = array<i32: 1, 1, 0>}> ({
      ^bb0(%i: index):
        "affine.store"(%i, %out, %i) <{map = affine_map<(d0) -> ((d0 * 2) mod 8)>}> : (index, memref<8xindex>, index) -> ()
        "affine.yield"() : () -> ()
      }) : (index, index) -> ()
      %a = affine.apply affine_map<(d0)[s0] -> (d0 floordiv 2 + s0)>(%n)[%n]
      %m = affine.min affine_map<(d0) -> (d0 * 3, 7)>(%n)
      func.return %a, %m : index, index
    }"""
    out = np.full(8, -1, np.int64)
    assert program(text).call("f", 5, out) == (7, 7)
    expected = np.full(8, -1)
    for i in range(4, 6):
        expected[(2 * i) % 8] = i
    np.testing.assert_array_equal(out, expected)


def test_unrealized_conversion_cast_is_the_identity():
    text = """
    func.func @f(%x: tensor<2xf32>) -> !ts.tensor<[2], f32> {
      %y = builtin.unrealized_conversion_cast %x : tensor<2xf32> to !ts.tensor<[2], f32>
      func.return %y : !ts.tensor<[2], f32>
    }"""
    x = np.ones(2, np.float32)
    assert program(text).call("f", x) is x
