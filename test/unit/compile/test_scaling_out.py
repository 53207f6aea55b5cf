"""docs/scaling-out.md's examples run as the scripts a user would save them as: a process pool,
and a local Dask cluster (skipped without dask), each printing what the doc says it prints."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tsjit.backends.c import find_compiler

DOC = Path(__file__).resolve().parents[3] / "docs" / "scaling-out.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


def expected_output(block: str) -> str:
    """The `# ...` comment on the block's print line: what the doc says it prints."""
    return next(line.split("#", 1)[1].strip() for line in block.splitlines() if line.strip().startswith("print("))


@pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
@pytest.mark.parametrize("block", BLOCKS, ids=["processes", "dask"][:len(BLOCKS)])
def test_the_doc_example_runs_as_a_script(block, tmp_path):
    if "dask" in block and importlib.util.find_spec("distributed") is None:
        pytest.skip("dask.distributed is not installed (an optional extra)")
    script = tmp_path / "example.py"
    script.write_text(block)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == expected_output(block)


def test_the_doc_has_both_examples():
    assert len(BLOCKS) == 2 and "LocalCluster" in BLOCKS[1]
