"""A fast start: `import tsjit` and the tools import only what they need (checked in fresh processes)."""
from __future__ import annotations

import subprocess
import sys


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    script = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_tsjit_loads_neither_the_eager_library_nor_the_compiler():
    loaded = loaded_after("import tsjit")
    assert not {m for m in loaded if m.startswith(("tsjit.eager", "tsjit.jit", "tsjit.backends", "xdsl", "numpy"))}


def test_eager_code_does_not_load_the_compiler():
    loaded = loaded_after("import tsjit as torch\nimport tsjit.nn as nn\n"
                          "y = nn.Linear(3, 2)(torch.randn(4, 3)).relu().sum()")
    assert "tsjit.eager" in loaded
    assert not {m for m in loaded if m.startswith(("tsjit.jit", "tsjit.backends", "tsjit.passes", "tsjit.dialects",
                                                   "xdsl"))}


def test_ts_opt_loads_no_eager_library_and_no_backend():
    loaded = loaded_after("from tsjit.tools import ts_opt")
    assert not {m for m in loaded if m.startswith(("tsjit.eager", "tsjit.nn", "tsjit.backends", "tsjit.jit",
                                                   "tsjit.dialects.ts"))}
