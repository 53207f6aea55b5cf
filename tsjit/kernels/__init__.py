"""numpy helpers the op kernels share (tsjit/ops holds the kernels themselves): PyTorch's type
promotion and dtype codes (promotion.py), dimension arithmetic (dims.py), ufunc kernel makers
(ufuncs.py) and an erf for every float dtype (erf.py)."""
