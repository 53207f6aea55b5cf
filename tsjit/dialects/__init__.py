"""Dialects: `ts` (TorchScript programs); upstream ones come from xDSL."""
