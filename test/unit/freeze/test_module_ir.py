"""module_ir: a ScriptModule as one self-contained IR module (what ts-opt, freeze and save see), and back."""
import pytest

import tsjit as torch
import tsjit.nn as nn
from tsjit.dialects import parse_module
from tsjit.dialects.ts.module_ir import ModuleIRError
from tsjit.jit.module_ir import from_ir, to_ir


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 3)
        self.b.weight = self.a.weight  # tied
        self.shared = self.a  # one submodule reachable twice
        self.sizes = [1, 2]
        self.name = "tied"

    def forward(self, x):
        return self.b(self.a(x)) + self.shared(x) * len(self.sizes)


@pytest.mark.parametrize("make", [lambda m: torch.jit.script(m), lambda m: torch.jit.trace(m, torch.rand(2, 3))],
                         ids=["script", "trace"])
def test_round_trip_through_text_runs_the_same(make):
    original = make(Tied())
    ir = to_ir(original)
    ir.verify()
    text = str(ir)
    assert text.count("{root}") == 1 and "%self.a.weight = ts.constant dense<" in text
    loaded = from_ir(parse_module(text))
    x = torch.rand(4, 3)
    torch.testing.assert_close(loaded(x), original(x))
    assert list(loaded.state_dict()) == list(original.state_dict())


def test_shared_tensors_and_objects_stay_shared():
    loaded = from_ir(parse_module(str(to_ir(torch.jit.script(Tied())))))
    assert loaded.a.weight is loaded.b.weight
    assert loaded.shared._c is loaded.a._c
    with torch.no_grad():
        loaded.a.weight.fill_(0.0)
    assert float(loaded.b.weight.abs().sum()) == 0.0


def test_only_what_the_module_reaches_is_written():
    @torch.jit.script
    def unrelated(x):
        return x - 1

    text = str(to_ir(torch.jit.script(Tied())))
    assert "unrelated" not in text


def test_ir_without_a_root_object_is_rejected():
    ir = to_ir(torch.jit.script(Tied()))
    root = [op for op in ir.ops if "root" in op.attributes][0]
    del root.attributes["root"]
    with pytest.raises(ModuleIRError, match="expected one `ts.object ... {root}`"):
        from_ir(ir)
