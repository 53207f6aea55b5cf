"""RNN, LSTM, GRU and their cells (torch.nn.modules.rnn), on the ops of tsjit/ops/recurrent.py.

Parameters have PyTorch's names (weight_ih_l0, weight_hh_l0_reverse, bias_ih_l1, ...), shapes and
initialisation, so a PyTorch state_dict loads as it is. `_flat_weights()` lists them in the order
aten::lstm/gru/rnn_* take them; it is written with constant conditions (num_layers, bias,
bidirectional are `__constants__`), so script keeps only the reads of parameters that exist, and
freezing makes them constants. Up to two layers. An LSTM with proj_size has weight_hr_l<k>[_reverse]
[proj_size, hidden_size] after each layer and direction's weights, and h is [.., proj_size].
"""
from __future__ import annotations

import math
from typing import Any, List, Optional, Tuple

from tsjit import eager
from tsjit.eager import Tensor
from tsjit.nn import init
from tsjit.nn.modules.module import Module
from tsjit.nn.parameter import Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_MAX_LAYERS = 2


class RNNBase(Module):
    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size"]
    mode: str
    input_size: int
    hidden_size: int
    num_layers: int
    bias: bool
    batch_first: bool
    dropout: float
    bidirectional: bool
    proj_size: int

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError("num_layers must be an integer greater than zero")
        if num_layers > _MAX_LAYERS:
            raise NotImplementedError(f"tsjit's {mode} supports up to {_MAX_LAYERS} layers, got {num_layers}")
        if not isinstance(proj_size, int) or proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        out_size = proj_size or hidden_size
        for layer in range(num_layers):
            for direction in range(directions):
                n_in = input_size if layer == 0 else out_size * directions
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                setattr(self, f"weight_ih{suffix}", Parameter(eager.empty((gate_size, n_in), dtype=dtype)))
                setattr(self, f"weight_hh{suffix}", Parameter(eager.empty((gate_size, out_size), dtype=dtype)))
                if bias:
                    setattr(self, f"bias_ih{suffix}", Parameter(eager.empty(gate_size, dtype=dtype)))
                    setattr(self, f"bias_hh{suffix}", Parameter(eager.empty(gate_size, dtype=dtype)))
                if proj_size:
                    setattr(self, f"weight_hr{suffix}", Parameter(eager.empty((proj_size, hidden_size), dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _flat_weights(self) -> List[Tensor]:
        """The parameters in aten's order, one list literal per configuration (the conditions are
        constants: script keeps the branch whose parameters exist, and freezing makes them constants)."""
        if self.proj_size > 0:
            return self._projected_weights()
        if self.num_layers == 1:
            if not self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0]
            if self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0,
                            self.weight_ih_l0_reverse, self.weight_hh_l0_reverse, self.bias_ih_l0_reverse,
                            self.bias_hh_l0_reverse]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.weight_ih_l0_reverse,
                            self.weight_hh_l0_reverse]
        if self.num_layers == 2:
            if not self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0,
                            self.weight_ih_l1, self.weight_hh_l1, self.bias_ih_l1, self.bias_hh_l1]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.weight_ih_l1, self.weight_hh_l1]
            if self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0,
                            self.weight_ih_l0_reverse, self.weight_hh_l0_reverse, self.bias_ih_l0_reverse,
                            self.bias_hh_l0_reverse, self.weight_ih_l1, self.weight_hh_l1, self.bias_ih_l1,
                            self.bias_hh_l1, self.weight_ih_l1_reverse, self.weight_hh_l1_reverse,
                            self.bias_ih_l1_reverse, self.bias_hh_l1_reverse]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.weight_ih_l0_reverse,
                            self.weight_hh_l0_reverse, self.weight_ih_l1, self.weight_hh_l1,
                            self.weight_ih_l1_reverse, self.weight_hh_l1_reverse]
        raise RuntimeError("tsjit's recurrent layers support 1 or 2 layers")

    def _projected_weights(self) -> List[Tensor]:
        """_flat_weights of an LSTM with projections: weight_hr after each layer and direction's others."""
        if self.num_layers == 1:
            if not self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0, self.weight_hr_l0]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.weight_hr_l0]
            if self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0, self.weight_hr_l0,
                            self.weight_ih_l0_reverse, self.weight_hh_l0_reverse, self.bias_ih_l0_reverse,
                            self.bias_hh_l0_reverse, self.weight_hr_l0_reverse]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.weight_hr_l0, self.weight_ih_l0_reverse,
                            self.weight_hh_l0_reverse, self.weight_hr_l0_reverse]
        if self.num_layers == 2:
            if not self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0, self.weight_hr_l0,
                            self.weight_ih_l1, self.weight_hh_l1, self.bias_ih_l1, self.bias_hh_l1, self.weight_hr_l1]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.weight_hr_l0, self.weight_ih_l1,
                            self.weight_hh_l1, self.weight_hr_l1]
            if self.bidirectional:
                if self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0, self.weight_hr_l0,
                            self.weight_ih_l0_reverse, self.weight_hh_l0_reverse, self.bias_ih_l0_reverse,
                            self.bias_hh_l0_reverse, self.weight_hr_l0_reverse, self.weight_ih_l1, self.weight_hh_l1,
                            self.bias_ih_l1, self.bias_hh_l1, self.weight_hr_l1, self.weight_ih_l1_reverse,
                            self.weight_hh_l1_reverse, self.bias_ih_l1_reverse, self.bias_hh_l1_reverse,
                            self.weight_hr_l1_reverse]
                if not self.bias:
                    return [self.weight_ih_l0, self.weight_hh_l0, self.weight_hr_l0, self.weight_ih_l0_reverse,
                            self.weight_hh_l0_reverse, self.weight_hr_l0_reverse, self.weight_ih_l1,
                            self.weight_hh_l1, self.weight_hr_l1, self.weight_ih_l1_reverse,
                            self.weight_hh_l1_reverse, self.weight_hr_l1_reverse]
        raise RuntimeError("tsjit's recurrent layers support 1 or 2 layers")

    def _zeros(self, input: Tensor, size: int = 0) -> Tensor:
        """A zero initial state of the input's dtype (zeros then type_as: both compile to C); `size`
        is its last dim (default hidden_size)."""
        batch = input.size(0 if self.batch_first else 1)
        directions = 2 if self.bidirectional else 1
        return eager.zeros([self.num_layers * directions, batch, size if size > 0 else self.hidden_size]).type_as(input)

    def _given(self, hx: Tensor, batched: bool) -> Tensor:
        return hx if batched else hx.unsqueeze(1)

    def _batched(self, input: Tensor) -> bool:
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"{self.mode}: Expected input to be 2D or 3D, got {input.dim()}D instead")
        return input.dim() == 3

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        return s


class RNN(RNNBase):
    """h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        batched = self._batched(input)
        x = input if batched else input.unsqueeze(0 if self.batch_first else 1)
        if hx is None:
            h0 = self._zeros(x)
        else:
            h0 = self._given(hx, batched)
        if self.mode == "RNN_TANH":
            output, h_n = eager.rnn_tanh(x, h0, self._flat_weights(), self.bias, self.num_layers, self.dropout,
                                         self.training, self.bidirectional, self.batch_first)
        else:
            output, h_n = eager.rnn_relu(x, h0, self._flat_weights(), self.bias, self.num_layers, self.dropout,
                                         self.training, self.bidirectional, self.batch_first)
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n


class GRU(RNNBase):
    """Gated recurrent unit: r, z, n gates; h_t = (1 - z) * n + z * h_{t-1}."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        batched = self._batched(input)
        x = input if batched else input.unsqueeze(0 if self.batch_first else 1)
        if hx is None:
            h0 = self._zeros(x)
        else:
            h0 = self._given(hx, batched)
        output, h_n = eager.gru(x, h0, self._flat_weights(), self.bias, self.num_layers, self.dropout,
                                self.training, self.bidirectional, self.batch_first)
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n


class LSTM(RNNBase):
    """Long short-term memory: i, f, g, o gates; returns (output, (h_n, c_n))."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input: Tensor, hx: Optional[Tuple[Tensor, Tensor]] = None
                ) -> Tuple[Tensor, Tuple[Tensor, Tensor]]:
        batched = self._batched(input)
        x = input if batched else input.unsqueeze(0 if self.batch_first else 1)
        if hx is None:
            h0 = self._zeros(x, self.proj_size)
            c0 = self._zeros(x) if self.proj_size > 0 else h0
        else:
            h0 = self._given(hx[0], batched)
            c0 = self._given(hx[1], batched)
        output, h_n, c_n = eager.lstm(x, [h0, c0], self._flat_weights(), self.bias, self.num_layers, self.dropout,
                                      self.training, self.bidirectional, self.batch_first)
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


# -- cells -----------------------------------------------------------------------------------------

class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]
    input_size: int
    hidden_size: int
    bias: bool

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(eager.empty((num_chunks * hidden_size, input_size), dtype=dtype))
        self.weight_hh = Parameter(eager.empty((num_chunks * hidden_size, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(eager.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(eager.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _check(self, input: Tensor) -> None:
        if input.dim() != 1 and input.dim() != 2:
            raise ValueError(f"Cell: Expected input to be 1D or 2D, got {input.dim()}D instead")

    def _zeros(self, input: Tensor) -> Tensor:
        return eager.zeros([input.size(0), self.hidden_size]).type_as(input)

    def _given(self, hx: Tensor) -> Tensor:
        return hx if hx.dim() == 2 else hx.unsqueeze(0)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        return s


class RNNCell(RNNCellBase):
    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]
    nonlinearity: str

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        self._check(input)
        if hx is None:
            h = self._zeros(x)
        else:
            h = self._given(hx)
        if self.nonlinearity == "tanh":
            out = eager.rnn_tanh_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        else:
            out = eager.rnn_relu_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out if batched else out.squeeze(0)


class GRUCell(RNNCellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        self._check(input)
        if hx is None:
            h = self._zeros(x)
        else:
            h = self._given(hx)
        out = eager.gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: Optional[Tuple[Tensor, Tensor]] = None) -> Tuple[Tensor, Tensor]:
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        self._check(input)
        if hx is None:
            h = self._zeros(x)
            c = h
        else:
            h = self._given(hx[0])
            c = self._given(hx[1])
        h1, c1 = eager.lstm_cell(x, [h, c], self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        if not batched:
            return h1.squeeze(0), c1.squeeze(0)
        return h1, c1
