"""IR infrastructure that passes and tools share: located diagnostics (parsing and verifying with
`file:line:col` errors, MLIR's expected-diagnostics protocol) and pass pipelines (MLIR's nested
syntax, instrumented runs). It knows no pass: pipelines take the pass table as an argument."""
