"""Checked-in generated files equal their generators' output, so they cannot fall behind the code:
the op round-trip lit tests (utils/gen_op_roundtrip_tests.py), docs/coverage.md
(utils/gen_coverage.py) and the counts README.md quotes from it; and LICENSE matches pyproject."""
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(script: str):
    """A utils/ script as a module (utils/ is not a package)."""
    spec = importlib.util.spec_from_file_location(Path(script).stem, ROOT / "utils" / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["ops-tensor.mlir", "ops-scalar.mlir"])
def test_op_roundtrip_tests_are_current(name):
    expected = load("gen_op_roundtrip_tests.py").outputs()[ROOT / "test" / "lit" / "dialect" / name]
    assert (ROOT / "test" / "lit" / "dialect" / name).read_text() == expected, \
        f"test/lit/dialect/{name} is out of date: run python utils/gen_op_roundtrip_tests.py"


def test_coverage_doc_is_current():
    assert (ROOT / "docs" / "coverage.md").read_text() == load("gen_coverage.py").render(), \
        "docs/coverage.md is out of date: run python utils/gen_coverage.py"


def test_readme_counts_match_the_registry():
    readme = (ROOT / "README.md").read_text()
    assert readme == load("gen_coverage.py").readme_with_counts(readme), \
        "README.md's op/module counts are out of date: run python utils/gen_coverage.py"


def test_license_matches_pyproject():
    assert re.search(r'^license = \{ text = "Apache-2.0" \}$', (ROOT / "pyproject.toml").read_text(), re.M)
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
