"""ts-fusion-groups: which ops are outlined, what must not move, and that results do not change."""
import numpy as np
import pytest

import tsjit
from tsjit.backends.numpy import Program
from tsjit.dialects import parse_module
from tsjit.dialects.ts.fusion_ops import FusionGroupOp
from tsjit.dialects.ts.module_ir import own_module
from tsjit.passes import apply_pass

import fusion_models as fm


@pytest.fixture(autouse=True)
def unfused_groups():
    """Groups run their bodies on the numpy backend here: this file tests the pass alone."""
    previous = tsjit.jit.set_fusion_strategy([])
    yield
    tsjit.jit.set_fusion_strategy(previous)


def fused(fn, **options):
    module = own_module(fn._cu.module, fn._compiled.func_op.sym_name.data)
    apply_pass("ts-fusion-groups", module, **options)
    module.verify()
    return module


def groups(module, fn=None):
    """The fusion groups of the module, or of the scripted function `fn`'s func.func in it."""
    root = module
    if fn is not None:
        root = next(op for op in module.walk() if getattr(op, "sym_name", None) is not None
                    and op.sym_name.data == fn._compiled.name)
    return [op for op in root.walk() if isinstance(op, FusionGroupOp)]


def group_ops(group):
    return [op.name for op in group.body.block.ops if op.name not in ("ts.constant", "ts.fusion_yield")]


def test_mixed_function_groups_and_results():
    f = tsjit.jit.script(fm.mixed)
    module = fused(f)
    found = [group_ops(g) for g in groups(module, f)]
    # the straight-line code before the first `if` (with its condition), and the then-branch; the
    # else-branch and the second `if` hold single ops (TorchScript's minimum group size is 2)
    assert found == [["ts.mul", "ts.add", "ts.relu", "ts.sigmoid", "ts.mul", "ts.sum", "ts.gt"],
                     ["ts.tanh", "ts.add", "ts.sub"]]
    name = f._compiled.name
    rng = np.random.default_rng(0)
    for scale in (1.0, -1.0):
        x, y = (scale * rng.standard_normal((3, 4)).astype(np.float32) for _ in range(2))
        names_ref, names_got = ["a"], ["a"]
        ref = Program(own_module(f._cu.module, f._compiled.func_op.sym_name.data)).call(name, x, y, names_ref, "double")
        got = Program(module).call(name, x, y, names_got, "double")
        assert names_ref == names_got == ["a", "double"]
        assert len(ref) == len(got) == 3
        for r, g in zip(ref, got):
            np.testing.assert_allclose(g, r, rtol=1e-6, atol=1e-6)


def test_min_group_size_option():
    f = tsjit.jit.script(fm.mixed)
    assert len(groups(fused(f, min_group_size=1), f)) == 4
    assert len(groups(fused(f, min_group_size=8), f)) == 0


def test_in_place_writes_are_not_fused():
    f = tsjit.jit.script(fm.in_place)
    module = fused(f)
    # `a` is written by add_: neither its producer nor its readers are fused, and relu(b) alone
    # is too small a group
    assert groups(module, f) == []
    assert len(groups(fused(f, min_group_size=1), f)) == 1
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    ref = Program(own_module(f._cu.module, f._compiled.func_op.sym_name.data)).call(f._compiled.name, x)
    got = Program(module).call(f._compiled.name, x)
    np.testing.assert_allclose(got, ref)


def test_contractions_join_only_when_asked():
    text = """
    func.func @f(%x: !ts.tensor, %w: !ts.tensor) -> !ts.tensor {
      %none = ts.constant none
      %0 = ts.linear %x, %w, %none : (!ts.tensor, !ts.tensor, !ts.none) -> !ts.tensor
      %1 = ts.relu %0 : (!ts.tensor) -> !ts.tensor
      %2 = ts.sigmoid %1 : (!ts.tensor) -> !ts.tensor
      func.return %2 : !ts.tensor
    }"""
    plain = parse_module(text)
    apply_pass("ts-fusion-groups", plain)
    assert [group_ops(g) for g in groups(plain)] == [["ts.relu", "ts.sigmoid"]]
    with_contractions = parse_module(text)
    apply_pass("ts-fusion-groups", with_contractions, contractions=True)
    assert [group_ops(g) for g in groups(with_contractions)] == [["ts.linear", "ts.relu", "ts.sigmoid"]]


def test_no_cycle_through_an_unfusible_op():
    """b = relu(a); n = to_bool(b.sum()) is not fusible; c = a + n must not join a's group with
    the ops before the unfusible one, or the group would need its own output."""
    module = parse_module("""
    func.func @f(%x: !ts.tensor) -> !ts.tensor {
      %one = ts.constant 1
      %a = ts.exp %x : (!ts.tensor) -> !ts.tensor
      %b = ts.relu %a : (!ts.tensor) -> !ts.tensor
      %n = ts.item %b : (!ts.tensor) -> !ts.number
      %c = ts.add %a, %n, %one : (!ts.tensor, !ts.number, !ts.int) -> !ts.tensor
      %d = ts.tanh %c : (!ts.tensor) -> !ts.tensor
      func.return %d : !ts.tensor
    }""")
    apply_pass("ts-fusion-groups", module)
    module.verify()
    assert [group_ops(g) for g in groups(module)] == [["ts.exp", "ts.relu"]]
    x = np.array([0.3], dtype=np.float32)
    np.testing.assert_allclose(Program(module).call("f", x), np.tanh(np.exp(x) + np.exp(x)), rtol=1e-6)


def test_side_effects_stay_in_place():
    """A print between fused ops stays where it was, and keeps its order with other effects."""
    module = parse_module("""
    func.func @f(%x: !ts.tensor) -> !ts.tensor {
      %a = ts.exp %x : (!ts.tensor) -> !ts.tensor
      %s = ts.constant "between"
      ts.print %s : !ts.str
      %b = ts.relu %a : (!ts.tensor) -> !ts.tensor
      func.return %b : !ts.tensor
    }""")
    apply_pass("ts-fusion-groups", module)
    module.verify()
    names = [op.name for op in module.ops.first.body.block.ops]
    assert names == ["ts.constant", "ts.print", "ts.fusion_group", "func.return"]


def test_users_between_are_moved_after_the_group():
    """A pure user of an early group member that sits before a later member moves after the group."""
    module = parse_module("""
    func.func @f(%x: !ts.tensor) -> !ts.list<!ts.tensor> {
      %a = ts.exp %x : (!ts.tensor) -> !ts.tensor
      %l = ts.list.construct %a : (!ts.tensor) -> !ts.list<!ts.tensor>
      %b = ts.relu %a : (!ts.tensor) -> !ts.tensor
      ts.list.append %l, %b : (!ts.list<!ts.tensor>, !ts.tensor) -> ()
      func.return %l : !ts.list<!ts.tensor>
    }""")
    apply_pass("ts-fusion-groups", module)
    module.verify()
    names = [op.name for op in module.ops.first.body.block.ops]
    assert names == ["ts.fusion_group", "ts.list.construct", "ts.list.append", "func.return"]
    x = np.array([0.5, -1.0], dtype=np.float32)
    a, b = Program(module).call("f", x)
    np.testing.assert_allclose(a, np.exp(x), rtol=1e-6)
    np.testing.assert_allclose(b, np.exp(x), rtol=1e-6)


def test_strict_fusion_check():
    from tsjit.passes.fusion_groups import StrictFusionError

    ok = tsjit.jit.script(fm.strict_ok)
    assert len(groups(fused(ok), ok)) == 1
    bad = tsjit.jit.script(fm.strict_bad)
    with pytest.raises(StrictFusionError, match=r"Found unfused operators:\n\tts\.item at .*fusion_models\.py:37"):
        fused(bad)
    fused(bad, check_strict=False)
