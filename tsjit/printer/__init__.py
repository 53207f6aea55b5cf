"""TorchScript-style source for ts IR: `function_code(func)` is what `ScriptFunction.code` shows.

- `function_code`, `code_with_constants`, `module_code`, `module_code_with_constants`,
  `function_schema` (`f(Tensor x, int n) -> Tensor`) in code.py
- `type_name` (`Optional[Tensor]`) and `schema_type_name` (`Tensor?`) in type_names.py
"""
from tsjit.printer.code import (
    CodePrinter,
    code_with_constants,
    function_code,
    function_schema,
    module_code,
    module_code_with_constants,
)
from tsjit.printer.type_names import schema_type_name, type_name

__all__ = [
    "CodePrinter", "code_with_constants", "function_code", "module_code", "module_code_with_constants",
    "function_schema", "schema_type_name", "type_name",
]
