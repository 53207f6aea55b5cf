"""`python -m tsjit.tools.op_coverage`: PyTorch's aten operators tsjit imports, by family (when torch
is installed), and the registry's ops that run on numpy in C, each with its reason."""
import re
import subprocess
import sys

import pytest

from tsjit.ops import REGISTRY
from tsjit.tools import op_coverage


def test_lists_every_numpy_only_op_with_its_reason():
    text = op_coverage.report(missing=False)
    from tsjit.passes.complex_rules import RULES

    numpy_only = [d for d in REGISTRY.values() if d.lower is None and d.decompose is None and f"ts.{d.name}" not in RULES]
    assert "fft_rfft" not in {d.name for d in numpy_only}  # complex values: in C as real pairs
    assert f"tsjit ops: {len(REGISTRY)}; {len(REGISTRY) - len(numpy_only)} compile to C" in text
    for d in numpy_only:
        assert f"  {d.family}.{d.name}: {d.numpy_only}" in text


def test_counts_the_aten_schemas_tsjit_imports():
    pytest.importorskip("torch")
    result = subprocess.run([sys.executable, "-m", "tsjit.tools.op_coverage", "--missing"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    found = re.search(r"aten operators in PyTorch's schemas: (\d+); tsjit imports (\d+) \(", result.stdout)
    assert found and 0 < int(found.group(2)) < int(found.group(1))
    rows = re.findall(r"^(\S.*?)\s+(\d+)\s+(\d+)$", result.stdout, re.MULTILINE)
    assert sum(int(of) for _, _, of in rows) == int(found.group(1))  # the families partition the operators
    assert sum(int(c) for _, c, _ in rows) == int(found.group(2))
    assert re.search(r"^math\s+\d+\s+\d+$", result.stdout, re.MULTILINE)  # a registry family
    assert "not imported, fft: " in result.stdout
