"""A Tensor passed where a scripted function takes an int or float converts implicitly, as
TorchScript's aten::IntImplicit/FloatImplicit: at call time, and only from a 0-d tensor. This is
also the documented `nn.Sequential` known issue: its unannotated `forward` takes a Tensor, so a
submodule taking an int scripts, and a wrong input fails when the module is called."""
from __future__ import annotations

import pytest

from language_cases import both, module_pair, plain

SOURCE = '''
from typing import Tuple

import torch
import torch.nn as nn


class IntIn(nn.Module):
    def forward(self, x: int) -> int:
        return x + 1


class FloatIn(nn.Module):
    def forward(self, x: float) -> float:
        return x * 2


class BoolIn(nn.Module):
    def forward(self, x: bool) -> int:
        return 1 if x else 0


class PairIn(nn.Module):
    def forward(self, x: Tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return x[0] + x[1]


def takes_int(n: int) -> int:
    return n * 3


def passes_tensor(t):
    return takes_int(t)
'''


@pytest.fixture(scope="module")
def mods(tmp_path_factory):
    return module_pair(tmp_path_factory, SOURCE, "lang_implicit")


def outcome(call):
    """The result, or (an error was raised, the message's last line) for the errors compared."""
    try:
        return plain(call())
    except Exception as e:  # noqa: BLE001 - compared with what torch raises
        return "error", str(e).strip().splitlines()[-1].split(": ")[-1]


@pytest.mark.parametrize("module, inputs, expected", [
    ("IntIn", [("tensor", 3, "int64")], [4]),
    ("FloatIn", [("tensor", 3, "int64"), ("tensor", 2.5, "float32")], [6.0, 5.0]),
])
def test_sequential_of_a_number_module_converts_a_0d_tensor(mods, module, inputs, expected):
    def run(m):
        seq = m.torch.jit.script(m.nn.Sequential(getattr(m, module)()))
        return [seq(m.torch.tensor(v, dtype=getattr(m.torch, dt))) for _, v, dt in inputs]
    assert both(mods, run) == expected


@pytest.mark.parametrize("module", ["IntIn", "FloatIn"])
def test_sequential_wrong_inputs_fail_at_call_time(mods, module):
    def run(m):
        seq = m.torch.jit.script(m.nn.Sequential(getattr(m, module)()))  # scripting succeeds
        return [outcome(lambda: seq(m.torch.ones(2))), outcome(lambda: seq(m.torch.ones(1))),
                outcome(lambda: seq(m.torch.tensor(2.5)) if module == "IntIn" else "skip")]
    got = both(mods, run)
    assert got[:2] == [("error", "Cannot input a tensor of dimension other than 0 as a scalar argument")] * 2
    if module == "IntIn":
        assert got[2] == ("error", "Cannot input a tensor of type Float as an integral argument")


@pytest.mark.parametrize("module, wanted", [("BoolIn", "'bool'"), ("PairIn", "'Tuple[Tensor, Tensor]'")])
def test_sequential_of_modules_taking_other_types_is_a_compile_error(mods, module, wanted):
    def run(m):
        with pytest.raises(Exception) as info:
            m.torch.jit.script(m.nn.Sequential(getattr(m, module)()))
        return f"Expected a value of type {wanted} for argument 'x'" in str(info.value)
    assert both(mods, run)


def test_a_function_call_converts_its_tensor_argument(mods):
    def run(m):
        f = m.torch.jit.script(m.passes_tensor)
        return [f(m.torch.tensor(4)), outcome(lambda: f(m.torch.tensor([4])))]
    assert both(mods, run) == [12, ("error", "Cannot input a tensor of dimension other than 0 as a scalar "
                                              "argument")]
