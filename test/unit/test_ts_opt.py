"""Unit tests of ts-opt: pipeline parsing/running, diagnostics, plugins, and the
CLI's behaviour on bad input (exit code 1, one message, no traceback)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.passes import ModulePass
from xdsl.transforms import get_all_passes
from xdsl.universe import Universe
from xdsl.utils.arg_spec import ArgSpec

from tsjit.ir import pipeline as pp
from tsjit.ir.diagnostics import (
    Diag, DiagError, Loc, SourceText, ToolError, check_expected, parse_expected,
    parse_located, render, verify_located,
)  # fmt: skip
from tsjit.tools.plugins import entry_point_passes, load_pass_file
from tsjit.tools.ts_opt import is_blank, main, split_chunks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PLUGIN = ROOT / "examples" / "plugins" / "double_add.py"
PASSES = get_all_passes()

FUNCS = """\
func.func @a(%x: i32) -> i32 {
  %0 = arith.addi %x, %x : i32
  func.return %0 : i32
}
func.func @b(%y: i32) -> i32 {
  %0 = func.call @a(%y) : (i32) -> i32
  func.return %0 : i32
}
"""


def ctx() -> Context:
    c = Context()
    for name, factory in Universe.get_multiverse().all_dialects.items():
        c.register_dialect(name, factory)
    return c


# ------------------------------------------------------------------ pipeline parsing


def test_nested_and_flat_forms_parse_to_the_same_tree():
    nested = pp.parse_nested("builtin.module(canonicalize, cse)")
    flat = pp.parse_flat("canonicalize,cse")
    specs = [ArgSpec("canonicalize", {}), ArgSpec("cse", {})]
    assert nested == flat == pp.Nest("builtin.module", specs)


def test_nested_form_keeps_structure_and_converts_option_values():
    tree = pp.parse_nested(
        'builtin.module(func.func(p{i=3 f=1.5 b=true s="a b" l=1,2 flag}),q)'
    )
    inner = tree.items[0]
    assert isinstance(inner, pp.Nest) and inner.anchor == "func.func"
    assert inner.items[0] == ArgSpec(
        "p", {"i": (3,), "f": (1.5,), "b": (True,), "s": ("a b",), "l": (1, 2), "flag": ()}
    )
    assert tree.items[1] == ArgSpec("q", {})


def test_parse_any_accepts_both_forms():
    assert pp.parse_any("builtin.module(cse)") == pp.parse_any("cse")
    assert pp.parse_any("") == pp.Nest("builtin.module", [])


@pytest.mark.parametrize(
    "text, column, message",
    [
        ("builtin.module(cse", 19, "expected '(' or ')' or ',' or '{', got end of input"),
        ("builtin.module(cse{a=})", 22, "expected a value, got '}'"),
        ('builtin.module(cse{a="x})', 22, "unexpected character '\"'"),
    ],
)
def test_malformed_nested_pipeline_says_where(text, column, message):
    with pytest.raises(ToolError) as info:
        pp.parse_nested(text)
    first, source, caret = str(info.value).split("\n")
    assert first == f"malformed pass pipeline at column {column}: {message}"
    assert source == f"  {text}" and caret.index("^") == column + 1


def test_malformed_flat_pipeline_says_where():
    with pytest.raises(ToolError, match="at column 5: expected pass name here"):
        pp.parse_flat("cse,,dce")


# ------------------------------------------------------------------ pipeline building


def test_unknown_pass_suggests_the_nearest_name():
    with pytest.raises(ToolError) as info:
        pp.build(pp.parse_flat("canonicalise"), PASSES, ctx())
    assert str(info.value) == "unknown pass 'canonicalise'; did you mean 'canonicalize'?"


@pytest.mark.parametrize(
    "spec, message",
    [
        ("canonicalize{max-iterations=3}",
         "pass 'canonicalize' has no option 'max-iterations'; it takes no options"),
        ("mlir-opt{generic=maybe}",
         "invalid value for option 'generic' of pass 'mlir-opt': expected bool, got maybe"),
        ("convert-ptr-to-x86", "bad options for pass 'convert-ptr-to-x86'"),
    ],
)  # fmt: skip
def test_bad_pass_options_name_option_pass_and_valid_options(spec, message):
    with pytest.raises(ToolError) as info:
        pp.build(pp.parse_flat(spec), PASSES, ctx())
    assert str(info.value).startswith(message)
    if "has no option" not in message:
        assert "valid options:" in str(info.value)


def test_bool_options_accept_mlir_spellings():
    passes = {**PASSES, **load_pass_file(str(EXAMPLE_PLUGIN))}
    for text in ("double-add{use-shift}", "double-add{use-shift=1}", "double-add{use_shift=true}"):
        built = pp.build(pp.parse_any(f"builtin.module({text})"), passes, ctx())
        assert built.items[0].use_shift is True
    assert pp.spell(built) == "builtin.module(double-add{use-shift=true})"


@pytest.mark.parametrize(
    "text, message",
    [
        ("func.func(cse)", "must be anchored on 'builtin.module'"),
        ("builtin.module(nope.op(cse))", "unknown operation 'nope.op'"),
        ("builtin.module(scf.for(cse))", "'scf.for': it is not IsolatedFromAbove"),
    ],
)
def test_bad_anchors_are_rejected(text, message):
    with pytest.raises(ToolError, match=message):
        pp.build(pp.parse_nested(text), PASSES, ctx())


# ------------------------------------------------------------------ pipeline running


class Recorder(pp.Instrumentation):
    def __init__(self):
        self.seen: list[tuple[str, str | None]] = []

    def before(self, p, t):
        anchor = t.anchor.sym_name.data if isinstance(t.anchor, func.FuncOp) else None
        self.seen.append((p.name, anchor))


def test_nested_passes_run_per_anchor_and_ops_stay_in_place():
    c = ctx()
    module = parse_located(c, FUNCS, "f.mlir")
    passes = {**PASSES, **load_pass_file(str(EXAMPLE_PLUGIN))}
    nest = pp.build(pp.parse_nested("builtin.module(func.func(double-add),cse)"), passes, c)
    rec = Recorder()
    pp.run(nest, c, module, [rec])
    assert rec.seen == [("double-add", "a"), ("double-add", "b"), ("cse", None)]
    assert [f.sym_name.data for f in module.ops] == ["a", "b"]
    assert any(isinstance(op, arith.MuliOp) for op in module.walk())
    verify_located(module)  # the call from @b to @a still resolves


def test_timer_report_has_mlir_layout():
    timer = pp.Timer()
    timer.timed(("'func.func' Pipeline",), 0.5)
    timer.timed(("'func.func' Pipeline", "cse"), 0.25)
    lines = timer.report().split("\n")
    assert "... Execution time report ..." in lines[1]
    assert lines[3].startswith("  Total Execution Time:")
    assert lines[6].endswith("  'func.func' Pipeline") and lines[7].endswith("    cse")
    assert lines[-1].endswith("(100.0%)  Total")


# ------------------------------------------------------------------ diagnostics


def test_split_chunks_keeps_file_line_offsets_and_ignores_inline_markers():
    text = "a\n// -----\nb\nc\n  // -----  \n// CHECK: // -----\nd\n// -----\n"
    chunks = split_chunks(text)
    assert [off for _, off in chunks] == [0, 1, 4, 7]
    assert "// CHECK: // -----" in chunks[2][0]
    assert is_blank(chunks[3][0]) and is_blank("// just a comment\n\n")


def test_parse_errors_and_op_locations_use_file_lines():
    c = ctx()
    module = parse_located(c, FUNCS, "f.mlir", line_offset=10)
    addi = next(op for op in module.walk() if isinstance(op, arith.AddiOp))
    assert (addi.location.line.data, addi.location.column.data) == (12, 3)
    with pytest.raises(DiagError) as info:
        parse_located(c, "\n  %0 = arith.addi %x, %x : i32\n", "g.mlir", line_offset=4)
    assert info.value.diag.loc == Loc("g.mlir", 6, 3)  # undefined %x: at its use


def test_an_explicit_file_location_wins():
    src = 'func.func @f(%a: i32) -> i32 {\n  func.return %a, %a : i32, i32 loc("m.py":42:7)\n}\n'
    with pytest.raises(DiagError) as info:
        verify_located(parse_located(ctx(), src, "v.mlir"))
    assert info.value.diag.loc == Loc("m.py", 42, 7)


def test_verification_error_is_pinned_on_the_innermost_op():
    src = "func.func @f(%a: i32) -> i32 {\n  func.return %a, %a : i32, i32\n}\n"
    module = parse_located(ctx(), src, "v.mlir")
    with pytest.raises(DiagError) as info:
        verify_located(module)
    diag = info.value.diag
    assert diag.loc == Loc("v.mlir", 2, 3) and "function output types" in diag.message
    assert render(diag, SourceText("v.mlir", src)).split("\n")[1:] == [
        "  func.return %a, %a : i32, i32",
        "  ^",
    ]


def test_expected_designators_follow_mlir():
    text = textwrap.dedent("""\
        op1 // expected-error {{same}}
        // expected-warning @+2 {{plus}}
        // expected-remark @below {{below1}}
        // expected-note @below {{below2}}
        op5
        op6
        // expected-error @-1 {{minus}}
        // expected-error @above {{above}}
        // expected-error-re @above {{a {{[0-9]+}} b}}
        """)
    got = {(e.severity, e.text): e.line for e in parse_expected(text, "t.mlir", 100)}
    assert got == {
        ("error", "same"): 101, ("warning", "plus"): 104, ("remark", "below1"): 105,
        ("note", "below2"): 105, ("error", "minus"): 106, ("error", "above"): 106,
        ("error", "a {{[0-9]+}} b"): 106,
    }  # fmt: skip


def test_check_expected_reports_both_kinds_of_mismatch():
    expected = parse_expected(
        "x // expected-error {{wanted}}\ny // expected-error-re {{n{{[0-9]}}}}\n", "t", 0
    )
    diags = [
        Diag("error", "it was wanted here", Loc("t", 1, 1)),
        Diag("error", "n7", Loc("t", 2, 1)),
        Diag("warning", "stray", Loc("t", 2, 1)),
    ]
    problems = check_expected(expected, diags)
    assert [p.message for p in problems] == ["unexpected warning: stray"]
    problems = check_expected(parse_expected("z // expected-note {{gone}}", "t", 0), [])
    assert problems == [Diag("error", 'expected note "gone" was not produced', Loc("t", 1, 6))]


# ------------------------------------------------------------------ plugins


def test_load_pass_file_registers_the_passes_it_defines():
    found = load_pass_file(str(EXAMPLE_PLUGIN))
    assert list(found) == ["double-add"]
    assert issubclass(found["double-add"](), ModulePass)


def test_load_pass_file_errors(tmp_path):
    (tmp_path / "bad.py").write_text("x = (\n")
    (tmp_path / "none.py").write_text("y = 1\n")
    for name, message in [("missing.py", "no such file"), ("bad.py", "SyntaxError"),
                          ("none.py", "defines no ModulePass subclass")]:  # fmt: skip
        with pytest.raises(ToolError, match=message):
            load_pass_file(str(tmp_path / name))


def test_entry_point_passes_from_an_installed_distribution(monkeypatch, tmp_path):
    dist = tmp_path / "demo_ep-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-ep\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[tsjit.passes]\ndemo = demo_ep_mod:Demo\nbroken = demo_ep_mod:Missing\n"
    )
    (tmp_path / "demo_ep_mod.py").write_text(textwrap.dedent("""\
        from dataclasses import dataclass
        from xdsl.passes import ModulePass

        @dataclass(frozen=True)
        class Demo(ModulePass):
            name = "demo-pass"
            def apply(self, ctx, op): pass
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    warnings: list[str] = []
    found = entry_point_passes(warnings.append)
    assert found["demo-pass"]().__name__ == "Demo"  # registered under the class's name
    assert len(warnings) == 1 and "broken = demo_ep_mod:Missing" in warnings[0]


# ------------------------------------------------------------------ the CLI


def test_main_flat_and_nested_pipelines_print_the_same(tmp_path, capsys):
    src = tmp_path / "in.mlir"
    src.write_text(FUNCS)
    assert main([str(src), "-p", "canonicalize,cse"]) == 0
    flat = capsys.readouterr().out
    assert main([str(src), "--pass-pipeline=builtin.module(canonicalize,cse)"]) == 0
    assert capsys.readouterr().out == flat


def test_main_print_ir_after_goes_to_stderr(tmp_path, capsys):
    src = tmp_path / "in.mlir"
    src.write_text(FUNCS)
    assert main([str(src), "-p", "cse", "--print-ir-after=cse"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith(
        "// -----// IR Dump After CommonSubexpressionElimination (cse) //----- //\n"
    )
    assert "IR Dump" not in out


BAD_INPUT = {
    "parse": ("func.func @f() {\n  %0 = arith.constant : i32\n}\n", [],
              ":2:"),
    "verify": ("func.func @f(%a: i32) -> i32 {\n  func.return %a, %a : i32, i32\n}\n", [],
               ":2:3: error: Expected arguments"),
    "unknown-pass": (FUNCS, ["-p", "canonicalise"],
                     "ts-opt: error: unknown pass 'canonicalise'; did you mean 'canonicalize'?"),
    "bad-option": (FUNCS, ["-p", "arith-add-fastmath{flag=1}"],
                   "has no option 'flag'; valid options: flags"),
    "malformed-pipeline": (FUNCS, ["--pass-pipeline=builtin.module(cse"],
                           "malformed pass pipeline at column 19"),
    "missing-file": (None, [], "ts-opt: error: cannot open input file"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_exits_1_with_one_message_and_no_traceback(case, tmp_path):
    text, flags, expected = BAD_INPUT[case]
    src = tmp_path / "in.mlir"
    if text is not None:
        src.write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "tsjit.tools.ts_opt", str(src), *flags],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert expected in proc.stderr
    assert proc.stderr.count("error:") == 1
