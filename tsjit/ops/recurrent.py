"""Recurrent networks: the cells lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell and the
full-sequence ops lstm, gru, rnn_tanh, rnn_relu (ATen's `.input` overloads, as torch.nn.LSTM/GRU/RNN
call them through _VF).

All are decompositions onto linear, sigmoid/tanh/relu, mul/add/sub, slice, select, stack and cat,
as PyTorch's CPU math implementations compute them. A sequence op is unrolled over its static
length (the input projection of a layer is one linear over the whole sequence), so it compiles
wholly to C; its eager kernel runs the same decomposition on numpy.

Conventions (PyTorch's): gates are stacked along the weights' first dim, LSTM (i, f, g, o), GRU
(r, z, n); `params` holds per layer and direction (forward, then reverse) w_ih, w_hh and, with
has_biases, b_ih, b_hh; hidden states are [num_layers * num_directions, batch, hidden]; with
batch_first the input and output are [batch, seq, feature]. `dropout` applies between layers
only when `train` is set. An LSTM with projections (proj_size) has a fifth (third, without biases)
weight per layer and direction, w_hr [proj, hidden]: h' = (o * tanh(c')) w_hr^T, so h is [.., proj]
(w_hh is [4 * hidden, proj]) while c stays [.., hidden], as in PyTorch.
"""
from __future__ import annotations

from tsjit.dtypes import is_inexact
from tsjit.kernels.promotion import not_implemented
from tsjit.ops import samples as s
from tsjit.ops.decomposition import EagerBuilder, reject
from tsjit.ops.registry import defop, sample
from tsjit.ops.rules import BY_KERNEL
from tsjit.ops.strided import _items

# -- one time step ---------------------------------------------------------------------------------


def _gates(g, gates, n, hidden):
    """The n gate blocks of [..., n * hidden] gates, each [..., hidden]."""
    return [g.slice(gates, -1, k * hidden, (k + 1) * hidden, 1) for k in range(n)]


def _lstm_step(g, xw, h, c, w_hh, b_hh, w_hr=None):
    """One LSTM step from the input's projection xw = x W_ih^T + b_ih: (h', c') (h' projected by w_hr)."""
    hidden = g.shape(w_hh)[0] // 4
    i, f, gg, o = _gates(g, g.add(xw, g.linear(h, w_hh, b_hh)), 4, hidden)
    c = g.add(g.mul(g.sigmoid(f), c), g.mul(g.sigmoid(i), g.tanh(gg)))
    h = g.mul(g.sigmoid(o), g.tanh(c))
    return (h if w_hr is None else g.linear(h, w_hr, None)), c


def _gru_step(g, xw, h, w_hh, b_hh):
    """One GRU step: n = tanh(x_n + r * h_n), h' = n + z * (h - n)."""
    hidden = g.shape(w_hh)[1]
    xr, xz, xn = _gates(g, xw, 3, hidden)
    hr, hz, hn = _gates(g, g.linear(h, w_hh, b_hh), 3, hidden)
    r, z = g.sigmoid(g.add(xr, hr)), g.sigmoid(g.add(xz, hz))
    n = g.tanh(g.add(xn, g.mul(r, hn)))
    return g.add(n, g.mul(z, g.sub(h, n)))


def _rnn_step(nonlinearity):
    def step(g, xw, h, w_hh, b_hh):
        return getattr(g, nonlinearity)(g.add(xw, g.linear(h, w_hh, b_hh)))
    return step


_STEPS = {"lstm": _lstm_step, "gru": _gru_step, "rnn_tanh": _rnn_step("tanh"), "rnn_relu": _rnn_step("relu")}
_GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def _check(g, name, x, w_ih, w_hh, rank):
    dtype = g.dtype(x)
    if not is_inexact(dtype):  # complex recurrences run as PyTorch's do (relu refuses complex itself)
        raise reject(g, not_implemented(f"{name}", dtype))
    if g.dim(x) != rank:
        raise reject(g, RuntimeError(f"{name}: expected input with {rank} dims, got {g.dim(x)}"))
    hidden = g.shape(w_hh)[0] // _GATES[name.removesuffix("_cell")]
    if len(g.shape(w_ih)) != 2 or g.shape(w_ih)[0] != _GATES[name.removesuffix("_cell")] * hidden:
        raise reject(g, RuntimeError(f"{name}: w_ih has shape {list(g.shape(w_ih))}, expected "
                                     f"[{_GATES[name.removesuffix('_cell')] * hidden}, input_size]"))
    if g.shape(x)[-1] != g.shape(w_ih)[1]:
        raise reject(g, RuntimeError(f"{name}: input has inconsistent input_size: got {g.shape(x)[-1]} "
                                     f"expected {g.shape(w_ih)[1]}"))


def _cell(name):
    def decompose(g, x, hx, w_ih, w_hh, b_ih, b_hh):
        _check(g, f"{name}_cell", x, w_ih, w_hh, 2)
        states = _items(g, hx) if name == "lstm" else [hx]
        for h in states:
            if tuple(g.shape(h)) != (g.shape(x)[0], g.shape(w_hh)[1]):
                raise reject(g, RuntimeError(f"{name}_cell: hidden state has shape {list(g.shape(h))}, expected "
                                             f"{[g.shape(x)[0], g.shape(w_hh)[1]]}"))
        return _STEPS[name](g, g.linear(x, w_ih, b_ih), *states, w_hh, b_hh)
    decompose.__name__ = f"_{name}_cell"
    return decompose


# -- whole sequences -------------------------------------------------------------------------------

def _over_time(g, name, xw, state, w_hh, b_hh, extra=()):
    """The steps over xw's first dim: (the outputs [steps, batch, hidden], the final state). Eagerly
    a Python loop; in IR one ts.loop carrying the state and the output, each step written into it.
    `extra` are the step's trailing weights (an LSTM's projection)."""
    def step(g, t, *carried):
        new = _STEPS[name](g, g.select(xw, 0, t), *carried[:-1], w_hh, b_hh, *extra)
        new = list(new) if isinstance(new, tuple) else [new]
        return [*new, g.select_scatter(carried[-1], new[0], 0, t)]

    steps = g.shape(xw)[0]
    if isinstance(g, EagerBuilder):
        seq = []
        for t in range(steps):
            out = _STEPS[name](g, g.select(xw, 0, t), *state, w_hh, b_hh, *extra)
            state = list(out) if isinstance(out, tuple) else [out]
            seq.append(state[0])
        return g.stack(seq, 0), state
    out_size = g.shape(w_hh)[1]  # the hidden size, or an LSTM's projection size
    outputs = g.slice(xw, -1, 0, out_size, 1)  # a buffer of the output's shape; every step overwrites its row
    *state, seq = g.loop(steps, [*state, outputs], step)
    return seq, state


def _sequence(name):
    """The decomposition of aten::<name>.input: layers of (bi)directional loops unrolled in time."""
    lstm = name == "lstm"

    def decompose(g, x, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
        has_biases, layers, p = g.value(has_biases), g.value(num_layers), g.value(dropout)
        train, directions, batch_first = g.value(train), 2 if g.value(bidirectional) else 1, g.value(batch_first)
        weights = _items(g, params)
        per = 4 if has_biases else 2
        if lstm and len(weights) == layers * directions * (per + 1):
            per += 1  # projections: w_hr follows each layer and direction's weights (and biases)
        if len(weights) != layers * directions * per:
            raise reject(g, RuntimeError(f"{name}: got {len(weights)} parameters, expected "
                                         f"{layers * directions * per}"))
        proj = per in (3, 5)
        _check(g, name, x, weights[0], weights[1], 3)
        if batch_first:
            x = g.transpose(x, 0, 1)
        steps, batch = g.shape(x)[:2]
        if steps == 0:
            raise reject(g, RuntimeError(f"{name}: the input sequence is empty"))
        h0s = _items(g, hx) if lstm else [hx]
        for i, h in enumerate(h0s):  # h: [.., hidden or proj]; an LSTM's c: [.., hidden]
            want = (layers * directions, batch, g.shape(weights[1])[0] // 4 if i else g.shape(weights[1])[1])
            if tuple(g.shape(h)) != want:
                raise reject(g, RuntimeError(f"Expected hidden size {list(want)}, got {list(g.shape(h))}"))
        finals = [[] for _ in h0s]
        for layer in range(layers):
            if layer and p > 0 and train:
                x = g.dropout(x, p, True)
            outs = []
            for d in range(directions):
                k = (layer * directions + d) * per
                w_ih, w_hh = weights[k], weights[k + 1]
                b_ih, b_hh = (weights[k + 2], weights[k + 3]) if has_biases else (None, None)
                extra = (weights[k + per - 1],) if proj else ()
                if layer:
                    _check(g, name, x, w_ih, w_hh, 3)
                xw = g.linear(x, w_ih, b_ih)  # every step's input projection: one GEMM
                state = [g.select(h, 0, layer * directions + d) for h in h0s]
                seq, state = _over_time(g, name, g.flip(xw, [0]) if d else xw, state, w_hh, b_hh, extra)
                for f, v in zip(finals, state):
                    f.append(v)
                outs.append(g.flip(seq, [0]) if d else seq)
            x = outs[0] if directions == 1 else g.cat(outs, -1)
        y = g.transpose(x, 0, 1) if batch_first else x
        return (y, *(g.stack(f, 0) for f in finals))
    decompose.__name__ = f"_{name}"
    return decompose


# -- definitions -----------------------------------------------------------------------------------

def _params(gates, sizes, hidden, layers, directions, bias, dtype="float32", proj=0):
    """Weights for `layers` layers: w_ih [gates*hidden, in], w_hh [gates*hidden, hidden], biases (and
    with proj, an LSTM's w_hr [proj, hidden], w_hh then [gates*hidden, proj])."""
    out, size = [], proj or hidden
    for layer in range(layers):
        for _ in range(directions):
            n_in = sizes if layer == 0 else size * directions
            out += [s.f32(gates * hidden, n_in, dtype=dtype) * 0.5, s.f32(gates * hidden, size, dtype=dtype) * 0.5]
            if bias:
                out += [s.f32(gates * hidden, dtype=dtype), s.f32(gates * hidden, dtype=dtype)]
            if proj:
                out.append(s.f32(proj, hidden, dtype=dtype) * 0.5)
    return out


def _sequence_samples(name):
    lstm, gates = name == "lstm", _GATES[name]

    def state(layers, dirs, batch, hidden, dtype="float32", proj=0):
        h = s.f32(layers * dirs, batch, proj or hidden, dtype=dtype)
        return [h, s.f32(layers * dirs, batch, hidden, dtype=dtype)] if lstm else h

    def one(steps, batch, n_in, hidden, layers, dirs, bias, batch_first, dtype="float32", proj=0, **kw):
        x = s.f32(*((batch, steps) if batch_first else (steps, batch)), n_in, dtype=dtype)
        return sample(x, state(layers, dirs, batch, hidden, dtype, proj),
                      _params(gates, n_in, hidden, layers, dirs, bias, dtype, proj),
                      bias, layers, 0.0, False, dirs == 2, batch_first, **kw)

    def samples():
        bad = one(3, 2, 4, 5, 1, 1, True, False)
        return [one(3, 2, 4, 5, 1, 1, True, False),
                one(4, 3, 4, 5, 2, 1, True, False),
                one(3, 2, 4, 3, 1, 2, True, True),
                one(3, 2, 3, 4, 2, 2, False, False),
                one(2, 2, 3, 4, 2, 2, True, True, dtype="float64"),
                one(1, 1, 2, 3, 1, 1, False, True),
                sample(s.f32(3, 2, 6), *bad.operands[1:], torch=False,
                       note="aten::<rnn>.input does not check input_size (torch.nn.LSTM/GRU/RNN do)"),
                sample(s.i64(3, 2, 4), *bad.operands[1:])] + ([
                one(3, 2, 4, 6, 1, 1, True, False, proj=3),
                one(3, 2, 4, 5, 2, 2, False, True, proj=2),
                one(2, 1, 3, 4, 2, 1, True, False, dtype="float64", proj=3)] if lstm else [])
    return samples


def _cell_samples(name):
    lstm, gates = name == "lstm", _GATES[name]

    def state(batch, hidden, dtype="float32"):
        h = s.f32(batch, hidden, dtype=dtype)
        return [h, s.f32(batch, hidden, dtype=dtype)] if lstm else h

    def samples():
        return [sample(s.f32(3, 4), state(3, 5), *_params(gates, 4, 5, 1, 1, True)),
                sample(s.f32(2, 3), state(2, 4), *_params(gates, 3, 4, 1, 1, False), None, None),
                sample(s.f64(2, 3), state(2, 4, "float64"), *_params(gates, 3, 4, 1, 1, True, "float64")),
                sample(s.f32(1, 2), state(1, 6), *_params(gates, 2, 6, 1, 1, True)),
                sample(s.f32(3, 5), state(3, 5), *_params(gates, 4, 5, 1, 1, True)),
                sample(s.f32(3, 4), state(2, 5), *_params(gates, 4, 5, 1, 1, True))]
    return samples


_CELL_HX = {"lstm": "Tensor[] hx", "gru": "Tensor hx", "rnn_tanh": "Tensor hx", "rnn_relu": "Tensor hx"}
_CELL_OUT = {"lstm": "(Tensor h, Tensor c)", "gru": "Tensor", "rnn_tanh": "Tensor", "rnn_relu": "Tensor"}
_SEQ_OUT = {"lstm": "(Tensor output, Tensor h_n, Tensor c_n)"}

for _name in _STEPS:
    defop(f"{_name}_cell", f"(Tensor input, {_CELL_HX[_name]}, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, "
          f"Tensor? b_hh=None) -> {_CELL_OUT[_name]}", decompose=_cell(_name), shape=BY_KERNEL, dtype=BY_KERNEL,
          api="torch", samples=_cell_samples(_name))
    defop(_name, f"(Tensor input, {_CELL_HX[_name]}, Tensor[] params, bool has_biases, int num_layers, "
          f"float dropout, bool train, bool bidirectional, bool batch_first) -> "
          f"{_SEQ_OUT.get(_name, '(Tensor output, Tensor h_n)')}", decompose=_sequence(_name), shape=BY_KERNEL,
          dtype=BY_KERNEL, api="torch", samples=_sequence_samples(_name))
