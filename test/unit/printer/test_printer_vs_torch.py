"""Cross-check against real TorchScript: the IR of a scripted function prints as its `.code`.

The IR below is what `torch.jit.script(f).graph` holds (same ops, same debug names);
tensor code prints exactly as TorchScript prints it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union

import pytest

from tsjit.printer import function_schema
from printer_ir import code, first_func, parse

try:
    import torch
except Exception as e:  # not installed, or a broken install
    pytest.skip(f"torch unavailable: {e}", allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")


T = "!ts.tensor"
F_IR = f"""
func.func @f(%x.1: {T}, %y.1: {T}, %n.1: !ts.int) -> {T} {{
  %28 = ts.constant true
  %6 = ts.constant none
  %8 = ts.constant 0
  %19 = ts.constant 2
  %31 = ts.constant 2.5
  %35 = ts.constant 1
  %false = ts.constant false
  %z.1 = ts.relu %x.1 : ({T}) -> {T}
  %7 = ts.sum %z.1, %6, %false, %6 : ({T}, !ts.none, !ts.bool, !ts.none) -> {T}
  %9 = ts.gt %7, %8 : ({T}, !ts.int) -> {T}
  %11 = ts.to_bool %9 : ({T}) -> !ts.bool
  %w.21 = ts.if %11 -> ({T}) {{
    %w.1 = ts.add %z.1, %y.1, %35 : ({T}, {T}, !ts.int) -> {T}
    ts.yield %w.1 : {T}
  }} else {{
    %w.3 = ts.sub %z.1, %y.1, %19 : ({T}, {T}, !ts.int) -> {T}
    ts.yield %w.3 : {T}
  }}
  %w = ts.loop %n.1, %28 iter(%i, %w.23 = %w.21) : ({T}) {{
    %w.15 = ts.mul %w.23, %31 : ({T}, !ts.float) -> {T}
    ts.condition %28, %w.15 : {T}
  }}
  %37 = ts.softmax %w, %35, %6 : ({T}, !ts.int, !ts.none) -> {T}
  func.return %37 : {T}
}}"""


def f(x: torch.Tensor, y: torch.Tensor, n: int) -> torch.Tensor:
    z = torch.relu(x)
    if bool(torch.gt(torch.sum(z), 0)):
        w = torch.add(z, y)
    else:
        w = torch.sub(z, y, alpha=2)
    for i in range(n):
        w = torch.mul(w, 2.5)
    return torch.softmax(w, 1)


def g(a: List[int], b: Tuple[int, str], c: Dict[str, torch.Tensor], d: Optional[torch.Tensor],
      e: Union[float, int], f: float, h: str, i: Any, j: torch.device, k: List[List[Optional[int]]],
      m: torch.jit.Future[torch.Tensor], p: Dict[int, List[torch.Tensor]]) -> Tuple[int, str]:
    return b


def test_code_matches_torchscript():
    scripted = torch.jit.script(f)
    assert code(F_IR) == scripted.code.rstrip("\n") + "\n"
    assert function_schema(first_func(parse(F_IR))) == str(scripted.schema)


def test_annotations_and_schema_match_torchscript():
    scripted = torch.jit.script(g)
    ir = """
    func.func @g(%a: !ts.list<!ts.int>, %b: !ts.tuple<!ts.int, !ts.str>, %c: !ts.dict<!ts.str, !ts.tensor>,
                 %d: !ts.optional<!ts.tensor>, %e: !ts.union<!ts.float, !ts.int>, %f: !ts.float, %h: !ts.str,
                 %i: !ts.any, %j: !ts.device, %k: !ts.list<!ts.list<!ts.optional<!ts.int>>>,
                 %m: !ts.future<!ts.tensor>, %p: !ts.dict<!ts.int, !ts.list<!ts.tensor>>) -> !ts.tuple<!ts.int, !ts.str> {
      func.return %b : !ts.tuple<!ts.int, !ts.str>
    }"""
    assert code(ir) == scripted.code.rstrip("\n") + "\n"
    assert function_schema(first_func(parse(ir))) == str(scripted.schema)
