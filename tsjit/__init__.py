"""tsjit: TorchScript re-imagined as an MLIR-style multi-dialect compiler on xDSL."""
__version__ = "0.1.0"

# eager tensor library
from tsjit.dtypes import (  # noqa: E402
    bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int, int8, int16, int32,
    int64, long, short, uint8,
)
from tsjit.tensor import Tensor  # noqa: E402
from tsjit.tensor_meta import Size, device  # noqa: E402
from tsjit.functions import *  # noqa: E402,F401,F403
from tsjit.functions import tensor  # noqa: E402 - after the submodule import that bound tsjit.tensor to the module

# compiler entry points (torch.jit.* is tsjit.jit.*; script is also at the top level)
from tsjit import jit  # noqa: E402
from tsjit.jit import script  # noqa: E402
from tsjit.jit.futures import fork, wait  # noqa: E402
from tsjit.backends.numpy.fork import get_num_interop_threads, set_num_interop_threads  # noqa: E402
from tsjit.jit.trace import trace, trace_module  # noqa: E402
from tsjit import testing  # noqa: E402,F401 - torch.testing.assert_close
from tsjit.jit.freeze import freeze, optimize_for_inference  # noqa: E402
from tsjit.jit.serialization import load_object as load, save_object as save  # noqa: E402 - torch.save/load
from tsjit.compile import compile  # noqa: E402,A001 - tsjit.compile(model_or_ir, backend=..., example_inputs=...)
from tsjit.backends.c.export import export_c  # noqa: E402 - tsjit.export_c(model, out_dir, example_inputs): standalone C
