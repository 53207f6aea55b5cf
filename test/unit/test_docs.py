"""Every fenced code block of README.md and docs/*.md runs as written, one test per block, so the
docs cannot drift from the code; new pages are picked up as they appear.

The info string after the fence says what a block is:
- `python`: exec'd in a fresh module (its source written to a file at the page's line numbers, so
  `script` finds class sources and tracebacks give page lines), cwd a fresh temporary directory.
- `sh`, `bash`, `shell`, `console` (its `$ ` lines): run with `bash -e -o pipefail` there, with
  this interpreter's bin directory first on PATH (the `ts-*` commands, `python`).
- The directory mirrors the repository root (symlinks; `examples/` copied, as blocks write into it;
  not `tsjit/`, so `python -m tsjit...` imports the installed package), so paths like
  `examples/mlp.mlir` resolve and what a block writes stays in the directory.
- `python from PATH`: an excerpt of PATH, checked to be verbatim in that file, not run.
- `sh setup`: README's two set-up commands (install, then the whole suite): checked by text, and
  the example script the first one runs is run.
- `text`, `mlir`, `c`, `toml`, ... (LISTINGS): not run. No or an unknown language fails the test.
- A page containing `<!-- doc-test: one session -->` runs its blocks in order in one namespace and
  one directory (the tutorial builds on its earlier steps); each block is still its own test.
Blocks that import torch skip without it; blocks that use the C backend skip without a C
compiler, and blocks that call `make` without make.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<info>[^`\n]*)\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
                   re.M | re.S)
PYTHON, SHELL = {"python", "py"}, {"sh", "bash", "shell", "console"}
LISTINGS = {"text", "mlir", "c", "h", "toml", "json", "yaml", "ini", "diff", "llvm"}
SESSION = "<!-- doc-test: one session -->"
SETUP = "pip install -e '.[test]' && python examples/script_mlp.py\npython -m pytest\n"
COPIED = ("examples",)
NOT_MIRRORED = ("tsjit",)  # `python -m tsjit...` must import the installed package, not a symlinked copy
TIMEOUT = 300
NEEDS_TORCH = re.compile(r"\b(?:import|from)\s+torch\b")
NEEDS_C = re.compile(r'backend\s*=\s*"c"|--backend[ =]c\b|--emit-c\b|\bexport_c\b|\bfuser\("c"\)')
NEEDS_MAKE = re.compile(r"(?:^|[;&|(]\s*)make\b", re.M)


@dataclass(frozen=True)
class Block:
    page: Path
    index: int  # among the page's blocks
    line: int   # page line of the block's first code line
    lang: str
    attrs: tuple[str, ...]
    code: str

    @property
    def label(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks_of(page: Path) -> list[Block]:
    text = page.read_text()
    found = []
    for i, m in enumerate(FENCE.finditer(text)):
        info, indent = m["info"].split(), len(m["indent"])
        code = "".join(line[min(indent, len(line) - len(line.lstrip(" \t"))):]
                       for line in m["body"].splitlines(keepends=True))
        found.append(Block(page, i, text.count("\n", 0, m.start("body")) + 1,
                           info[0] if info else "", tuple(info[1:]), code))
    return found


BLOCKS = [b for page in PAGES for b in blocks_of(page)]


def console_commands(code: str) -> str:
    return "".join(line[2:] + "\n" for line in code.splitlines() if line.startswith("$ "))


def mirror(dest: Path) -> Path:
    """A directory where the repository's relative paths resolve and new files land in `dest`."""
    for entry in ROOT.iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__" or entry.name in NOT_MIRRORED:
            continue
        if entry.name in COPIED:
            shutil.copytree(entry, dest / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dest / entry.name).symlink_to(entry)
    return dest


def module_for(page: Path, blocks: list[Block], workdir: Path, name: str) -> types.ModuleType:
    """A module whose file holds `blocks` at their page lines (inspect reads class sources there)."""
    lines = [""] * (page.read_text().count("\n") + 1)
    for b in blocks:
        lines[b.line - 1:b.line - 1 + b.code.count("\n")] = b.code.split("\n")[:-1]
    source = workdir / f"{name}.py"
    source.write_text("\n".join(lines) + "\n")
    module = types.ModuleType(name)
    module.__file__ = str(source)
    return module


def skip_reason(block: Block) -> str | None:
    """Why this block cannot run here (a missing optional tool), or None."""
    code = block.code
    if NEEDS_TORCH.search(code):
        try:
            import torch  # noqa: F401
        except ImportError:
            return "needs torch"
    if re.search(r"^\s*(import dask|from dask)", code, re.M) and importlib.util.find_spec("dask") is None:
        return "needs dask (an optional extra)"
    if re.search(r"^\s*from dask\.distributed", code, re.M) and importlib.util.find_spec("distributed") is None:
        return "needs dask.distributed (`pip install 'dask[distributed]'`)"
    if NEEDS_C.search(code):
        from tsjit.backends.c import find_compiler

        if find_compiler() is None:
            return "needs a C compiler"
    if block.lang in SHELL and NEEDS_MAKE.search(code) and shutil.which("make") is None:
        return "needs make"
    if block.lang in SHELL and shutil.which("bash") is None:
        return "needs bash"
    return None


def run_python(block: Block, module: types.ModuleType, workdir: Path) -> None:
    code = compile("\n" * (block.line - 1) + block.code, module.__file__, "exec")
    cwd = os.getcwd()
    sys.modules[module.__name__] = module
    try:
        os.chdir(workdir)
        exec(code, module.__dict__)
    finally:
        os.chdir(cwd)
        sys.modules.pop(module.__name__, None)


def run_shell(block: Block, workdir: Path) -> None:
    code = console_commands(block.code) if block.lang == "console" else block.code
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], cwd=workdir, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, (f"{block.label}: the sh block exited {result.returncode}\n{code}\n"
                                    f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}")


def run(block: Block, module: types.ModuleType, workdir: Path) -> None:
    reason = skip_reason(block)
    if reason is not None:
        pytest.skip(f"{block.label}: {reason}")
    if block.lang in PYTHON:
        run_python(block, module, workdir)
    else:
        run_shell(block, workdir)


def runnable(block: Block) -> bool:
    return (block.lang in PYTHON or block.lang in SHELL) and not block.attrs


class Session:
    """A page whose blocks build on each other: one namespace, one directory, blocks in order."""

    _open: dict[Path, "Session"] = {}

    def __init__(self, page: Path, workdir: Path) -> None:
        self.blocks = [b for b in blocks_of(page) if runnable(b)]
        self.workdir = mirror(workdir)
        self.module = module_for(page, [b for b in self.blocks if b.lang in PYTHON], self.workdir,
                                 page.stem.replace("-", "_") + "_md")
        self.done, self.failed = 0, None

    @classmethod
    def of(cls, page: Path, tmp_path_factory) -> "Session":
        if page not in cls._open:
            cls._open[page] = cls(page, tmp_path_factory.mktemp(page.stem))
        return cls._open[page]

    def run_through(self, block: Block) -> None:
        """Run the blocks before `block` that have not run (so -k can pick one), then `block`."""
        position = next(i for i, b in enumerate(self.blocks) if b.index == block.index)
        for earlier in self.blocks[self.done:position + 1]:
            if self.failed is not None:
                pytest.skip(f"an earlier block of the page failed: {self.failed}")
            self.done += 1
            try:
                run(earlier, self.module, self.workdir)
            except pytest.skip.Exception:
                if earlier.index == block.index:
                    raise
            except BaseException:
                self.failed = earlier.label
                raise


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{b.label}-{b.lang or 'none'}" for b in BLOCKS])
def test_doc_block(block: Block, tmp_path, tmp_path_factory):
    if block.lang in LISTINGS:
        assert not block.attrs, f"{block.label}: a listing takes no attributes: {block.attrs}"
        return
    assert block.lang in PYTHON | SHELL, (
        f"{block.label}: say what the block is in its info string: a runnable language "
        f"({sorted(PYTHON | SHELL)}) or a listing ({sorted(LISTINGS)}), not {block.lang!r}")
    if block.attrs[:1] == ("from",):
        path = " ".join(block.attrs[1:])
        assert block.lang in PYTHON and (ROOT / path).is_file(), f"{block.label}: no file {path}"
        assert block.code in (ROOT / path).read_text(), f"{block.label}: the excerpt is no longer in {path}"
        return
    if block.attrs == ("setup",):
        assert block.page == README and block.index == 0, f"{block.label}: only README's first block is `setup`"
        assert block.code == SETUP, "README must start with the two set-up commands, unchanged"
        result = subprocess.run([sys.executable, "examples/script_mlp.py"], cwd=mirror(tmp_path),
                                capture_output=True, text=True, timeout=TIMEOUT)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return
    assert not block.attrs, f"{block.label}: unknown info-string attributes {block.attrs}"
    if SESSION in block.page.read_text():
        Session.of(block.page, tmp_path_factory).run_through(block)
        return
    workdir = mirror(tmp_path)
    name = f"{block.page.stem.replace('-', '_')}_md_{block.line}"
    run(block, module_for(block.page, [block] if block.lang in PYTHON else [], workdir, name), workdir)


def test_readme_starts_with_the_setup_block():
    assert BLOCKS[0].page == README and BLOCKS[0].attrs == ("setup",)


def test_doc_links_resolve():
    pages = [*PAGES, *(ROOT / "docs" / "reference").glob("*.md"), ROOT / "bench" / "README.md"]
    for page in pages:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links to missing {target}"


def test_no_issue_numbers_or_outside_files():
    """Readers cannot see the tracker's issues nor files outside the repository."""
    bad = re.compile(r"\bissues?[- _]?#?\d+|\.\./shared/", re.I)
    suffixes = {".py", ".md", ".mlir", ".c", ".h", ".txt", ".toml", ".cfg"}
    files = [README, ROOT / "pyproject.toml", ROOT / "lit.cfg.py"]
    for top in ("docs", "bench", "tsjit", "test", "utils", "examples"):
        files += [p for p in (ROOT / top).rglob("*") if p.suffix in suffixes and "__pycache__" not in p.parts]
    hits = [f"{p.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m[0]}"
            for p in files if p.is_file() for text in [p.read_text(errors="replace")] for m in bad.finditer(text)]
    assert not hits, "\n".join(hits)


def test_example_plugin_loads_through_ts_opt(tmp_path, capsys):
    from tsjit.tools import ts_opt

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
