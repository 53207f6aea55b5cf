"""lit configuration: runs test/lit/**/*.mlir with ts-opt and filecheck on PATH."""
import compileall
import os
import shutil
import sys

import lit.formats

config.name = "tsjit"
config.test_format = lit.formats.ShTest()
config.suffixes = [".mlir"]
# Run as `lit test/lit`; the root is the suite so that paths stay relative to the checkout.
config.excludes = ["Inputs", "Output", "examples", "bench", "docs", ".venv", "build"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = config.test_source_root

# Tests run the installed tools; pass the caller's environment through so the
# active Python (venv or not) and its console scripts are the ones used.
config.environment["PATH"] = os.environ.get("PATH", "")
for var in ("PYTHONPATH", "HOME", "XDG_CACHE_HOME", "TSJIT_DISABLE"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"
# ...but every test starts a tool: compile tsjit's bytecode once here, so no tool recompiles it
# (into the ignored __pycache__ directories; an installed, non-editable tsjit has its own).
compileall.compile_dir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tsjit"), quiet=1)

config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%examples", os.path.join(os.path.dirname(__file__), "examples")))

for tool in ("ts-opt", "filecheck"):
    if shutil.which(tool, path=config.environment["PATH"]) is None:
        lit_config.fatal(f"'{tool}' not found on PATH: run `pip install -e .[test]` first")

if shutil.which("mlir-opt-19"):
    config.available_features.add("mlir-opt")
