"""The docs' code runs: the tutorial's python and sh blocks in order, the pass-plugin guide's
example plugin through ts-opt, and the links between the docs resolve."""
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from tsjit.backends.c import find_compiler
from tsjit.tools import ts_opt

ROOT = Path(__file__).parents[3]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```(python|sh)\n(.*?)^```", re.M | re.S)
needs_tools = pytest.mark.skipif(
    find_compiler() is None or shutil.which("make") is None or shutil.which("ts-run") is None,
    reason="needs a C compiler, make and the installed ts-* commands")


def blocks(path: Path) -> list[tuple[str, str, int]]:
    """(language, code, line of the code's first line) of each runnable block."""
    text = path.read_text()
    return [(m[1], m[2], text.count("\n", 0, m.start(2)) + 1) for m in BLOCK.finditer(text)]


def run_blocks(path: Path, workdir: Path) -> None:
    """Python blocks run in one module whose file holds them at their doc line numbers (so
    `script` finds the source of classes defined there); sh blocks run with bash -e."""
    found = blocks(path)
    lines = [""] * path.read_text().count("\n")
    for lang, code, first in found:
        if lang == "python":
            lines[first - 1:first - 1 + code.count("\n")] = code.split("\n")[:-1]
    source = workdir / f"{path.stem}_blocks.py"
    source.write_text("\n".join(lines) + "\n")
    module = types.ModuleType(f"{path.stem}_blocks")
    module.__file__ = str(source)
    sys.modules[module.__name__] = module
    try:
        for lang, code, first in found:
            if lang == "python":
                exec(compile("\n" * (first - 1) + code, str(source), "exec"), module.__dict__)
                continue
            result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], cwd=workdir,
                                    capture_output=True, text=True)
            assert result.returncode == 0, f"{path.name}:{first}: sh block failed:\n{code}\n" \
                                           f"{result.stdout}\n{result.stderr}"
    finally:
        del sys.modules[module.__name__]


@needs_tools
def test_tutorial_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_blocks(DOCS / "tutorial.md", tmp_path)
    assert (tmp_path / "tiny_export" / "demo").is_file()


@pytest.mark.skipif(shutil.which("ts-opt") is None, reason="needs the installed ts-opt")
def test_pass_plugin_guide_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "examples" / "plugins", tmp_path / "examples" / "plugins")
    run_blocks(DOCS / "pass-plugins.md", tmp_path)


def test_example_plugin_loads_through_ts_opt(tmp_path, capsys):
    src = tmp_path / "in.mlir"
    src.write_text("func.func @f(%x: !ts.tensor) -> !ts.tensor {\n"
                   "  %a = ts.relu %x : (!ts.tensor) -> !ts.tensor\n"
                   "  %b = ts.relu %a : (!ts.tensor) -> !ts.tensor\n"
                   "  func.return %b : !ts.tensor\n}\n")
    plugin = ROOT / "examples" / "plugins" / "fold_double_relu.py"
    code = ts_opt.main([str(src), f"--load-pass-plugin={plugin}", "-p", "ts-fold-double-relu{remarks=true}"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("ts.relu") == 1 and "func.return %a" in out
    assert f"{src}:3:3: remark: relu(relu(x)) folded into relu(x)" in err


def test_doc_links_resolve():
    for doc in [*DOCS.glob("*.md"), ROOT / "README.md"]:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", doc.read_text()):
            assert (doc.parent / target).is_file(), f"{doc.name} links to missing {target}"
