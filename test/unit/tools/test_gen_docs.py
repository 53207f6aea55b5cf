"""The generated references match the code, and the generator reads what it claims to."""
from tsjit.dialects import ts
from tsjit.passes import tsjit_passes
from tsjit.tools import gen_docs


def test_references_are_up_to_date():
    stale = gen_docs.stale()
    assert not stale, f"{', '.join(stale)} out of date: run `{gen_docs.COMMAND}` and commit the result"


def test_every_op_and_pass_is_documented():
    dialect, passes = gen_docs.dialect_reference(), gen_docs.pass_reference()
    for op in ts.ALL_OPS:
        assert f"`{op.name}`" in dialect
    for name in tsjit_passes():
        assert f"## `{name}`" in passes


def test_tensor_op_rows_come_from_the_schema():
    row, note = gen_docs.schema_row(ts.TENSOR_OP_CLASSES["add"])
    assert row == "| `ts.add` | Tensor `input`, Tensor\\|Scalar `other`, Scalar `alpha` | Tensor `result` | " \
                  "HasFolderInterface, Pure |"
    assert note == ""


def test_structural_ops_show_operands_attributes_regions_and_traits():
    text = "\n".join(gen_docs.op_section(ts.IfOp))
    assert "- operands: `cond`: !ts.bool" in text
    assert "- regions: `then_region`, `else_region`" in text
    assert "RecursiveMemoryEffect" in text
    assert "`method_name`: string" in "\n".join(gen_docs.op_section(ts.CallMethodOp))


def test_pass_options_have_types_defaults_and_field_docs():
    section = "\n".join(gen_docs.pass_section("ts-lower-to-loops", tsjit_passes()["ts-lower-to-loops"]()))
    assert "| `shapes` | `tuple[str, ...]` | `()` | input shapes for ts-specialize" in section
    assert "No options." in "\n".join(gen_docs.pass_section("ts-dce", tsjit_passes()["ts-dce"]()))


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(gen_docs, "ROOT", tmp_path)
    assert gen_docs.main(["--check"]) == 1
    assert f"docs/reference/dialect.md is out of date: run `{gen_docs.COMMAND}`" in capsys.readouterr().err
    assert gen_docs.main([]) == 0 and gen_docs.main(["--check"]) == 0
