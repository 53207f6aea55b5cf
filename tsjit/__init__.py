"""tsjit: TorchScript re-imagined as an MLIR-style multi-dialect compiler on xDSL."""
__version__ = "0.1.0"
