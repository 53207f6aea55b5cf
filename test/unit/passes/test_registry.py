"""apply_pass: the Python entry to the pass registry, with options as fields or as CLI specs."""
import pytest

from tsjit.dialects import parse_module
from tsjit.passes import apply_pass
from tsjit.ir.diagnostics import ToolError

IR = """
func.func @f(%x: !ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32> {
  %y = ts.relu %x : (!ts.tensor<[2,3], f32>) -> !ts.tensor<[2,3], f32>
  func.return %y : !ts.tensor<[2,3], f32>
}
"""


def test_spec_with_options_equals_field_options():
    by_spec, by_field = parse_module(IR), parse_module(IR)
    apply_pass("ts-lower-to-loops{library-calls=true}", by_spec)
    apply_pass("ts-lower-to-loops", by_field, library_calls=True)
    assert str(by_spec) == str(by_field)
    assert "memref" in str(by_spec) and "ts.relu" not in str(by_spec)


def test_spec_with_unknown_option_is_a_clear_error():
    with pytest.raises(ToolError, match="has no option 'no-such'"):
        apply_pass("ts-lower-to-loops{no-such=1}", parse_module(IR))
