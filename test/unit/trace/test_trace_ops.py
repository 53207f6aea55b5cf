"""Every eager op records faithfully: a trace run on *other* inputs gives what eager code gives.

A value the tracer failed to record would be baked in as a constant and show up here as a
mismatch on the second input (of the same shape, and where the op allows, of a new batch size).
"""
import numpy as np
import pytest

import tsjit as torch
import tsjit.nn.functional as F

#: name -> (function of one input tensor, example input shape, whether a new batch size is fine)
OPS = {
    "add_scalar": (lambda x: x + 2.5, (3, 4), True),
    "rsub": (lambda x: 1 - x, (3, 4), True),
    "mul_div_pow": (lambda x: (x * x) / (x.abs() + 1) ** 2, (3, 4), True),
    "floordiv_mod": (lambda x: (x * 10) // 3 + (x * 10) % 3, (3, 4), True),
    "compare_where": (lambda x: torch.where(x > 0.5, x, -x), (3, 4), True),
    "masked_fill": (lambda x: x.masked_fill(x < 0.3, 0.0), (3, 4), True),
    "clamp": (lambda x: x.clamp(0.2, 0.7), (3, 4), True),
    "unary_math": (lambda x: x.exp().log1p().sqrt().tanh().sin(), (3, 4), True),
    "activations": (lambda x: F.gelu(x) + F.silu(x) + F.leaky_relu(x, 0.1) + F.elu(x) + F.softplus(x), (3, 4), True),
    "softmax": (lambda x: F.softmax(x, dim=1) + F.log_softmax(x, dim=0), (3, 4), True),
    "reductions": (lambda x: x.sum(0) + x.mean(0) + x.amax(0) + x.std(0) + x.var(0, keepdim=True)[0], (3, 4), True),
    "max_dim": (lambda x: x.max(1)[0] + x.min(1).values + x.argmax(1), (3, 4), True),
    "cumsum_norm": (lambda x: x.cumsum(1) * x.norm(), (3, 4), True),
    "logsumexp": (lambda x: torch.logsumexp(x, 1), (3, 4), True),
    "view_size": (lambda x: x.view(x.size(0), -1), (3, 4, 2), True),
    "reshape_shape": (lambda x: x.reshape(x.shape[0] * x.shape[1], x.shape[2]), (3, 4, 2), True),
    "flatten_permute": (lambda x: x.permute(2, 0, 1).flatten(1).t(), (3, 4, 2), True),
    "transpose_contig": (lambda x: x.transpose(0, 1).contiguous() * 2, (3, 4), True),
    "squeeze_unsqueeze": (lambda x: x.unsqueeze(0).unsqueeze(-1).squeeze(0).squeeze(-1), (3, 4), True),
    "expand_repeat": (lambda x: x[:, :1].expand(x.size(0), 4) + x.repeat(1, 2)[:, :4], (3, 4), True),
    "cat_stack": (lambda x: torch.cat([x, x * 2], 1) + torch.stack([x, x], 2).sum(2).repeat(1, 2), (3, 4), True),
    "split_chunk": (lambda x: sum(x.chunk(2, 1)) + sum(torch.split(x, 2, 1)), (3, 4), True),
    "unbind_iter": (lambda x: sum(t * i for i, t in enumerate(x.unbind(1))), (3, 4), True),
    "narrow_select": (lambda x: x.narrow(1, 1, 2) + x.select(1, 0).unsqueeze(1), (3, 4), True),
    "gather_index_select": (lambda x: x.gather(1, torch.tensor([[0, 1]]).expand(x.size(0), 2))
                            + x.index_select(1, torch.tensor([3, 2])), (3, 4), True),
    "getitem_basic": (lambda x: x[0] * x[-1, 1:] .sum() + x[1:, ::2].sum(), (3, 4), True),
    "getitem_none_ellipsis": (lambda x: x[None, ..., 1] + x[..., None][:, 0], (3, 4), True),
    "getitem_bool_mask": (lambda x: x[x > 0.5].sum() + x[:, [0, 2]].sum(), (3, 4), True),
    "getitem_tensor_index": (lambda x: x[torch.tensor([2, 0])] * 2, (3, 4), True),
    "getitem_mixed": (lambda x: x[1, :, torch.tensor([0, 1])], (3, 4, 2), False),
    "setitem_slice_tensor": (lambda x: _set(x, (slice(None), 0), x[:, 1] * 2), (3, 4), True),
    "setitem_scalar": (lambda x: _set(x, 0, 7.0), (3, 4), True),
    "setitem_mask": (lambda x: _set(x, x > 0.5, 0.0), (3, 4), True),
    "inplace_ops": (lambda x: x.clone().mul_(2).add_(1).relu_().clamp_(0, 2), (3, 4), True),
    "inplace_view": (lambda x: _inplace_view(x), (3, 4), True),
    "creation_like": (lambda x: torch.zeros_like(x) + torch.ones_like(x) * x + torch.full_like(x, 2.0), (3, 4), True),
    "creation_sized": (lambda x: x + torch.ones(x.size(0), 4) + x.new_zeros(x.shape), (3, 4), True),
    "arange_int": (lambda x: x * torch.arange(4), (3, 4), True),
    "dtype_conversions": (lambda x: (x * 10).long().float() + (x > 0.5).to(torch.float32) + x.double().float(),
                          (3, 4), True),
    "matmul_family": (lambda x: x @ x.t() + torch.mm(x, x.t()) + torch.bmm(x[None], x.t()[None])[0], (3, 4), True),
    "linear": (lambda x: F.linear(x, torch.ones(5, 4), torch.arange(5).float()), (3, 4), True),
    "conv_pool": (lambda x: F.max_pool2d(F.conv2d(x, torch.ones(2, 1, 3, 3), padding=1), 2)
                  + F.avg_pool2d(x, 2).sum(1, keepdim=True), (2, 1, 6, 6), True),
    "adaptive_pool": (lambda x: F.adaptive_avg_pool2d(x, (2, 2)) + F.adaptive_max_pool2d(x, 1), (2, 1, 6, 6), True),
    "norms": (lambda x: F.layer_norm(x, (4,)) + F.batch_norm(x, torch.zeros(4), torch.ones(4)), (3, 4), True),
    "group_norm": (lambda x: F.group_norm(x, 2), (2, 4, 3), True),
    "pad_dropout_eval": (lambda x: F.pad(x, (1, 1)) + F.dropout(F.pad(x, (1, 1)), 0.5, training=False), (3, 4), True),
    "embedding": (lambda x: F.embedding((x * 3).long(), torch.arange(12.0).view(4, 3)), (3, 4), True),
    "flip_sign": (lambda x: x.flip(0).sign() * x.abs(), (3, 4), True),
    "type_as_expand_as": (lambda x: x.sum(0).expand_as(x) + (x > 0.5).type_as(x), (3, 4), True),
    "bitwise": (lambda x: ((x * 10).long() & 3) | ((x * 10).long() ^ 1), (3, 4), True),
    "logical": (lambda x: torch.logical_and(x > 0.2, x < 0.8) | ~(x > 0.9), (3, 4), True),
    "where_indices": (lambda x: torch.cat(torch.where(x > 0.5)) * 2, (3, 4), True),
    "any_all": (lambda x: (x > 0.5).any(1) & (x > 0.0).all(1), (3, 4), True),
}


def _set(x, key, value):
    y = x.clone()
    y[key] = value
    return y


def _inplace_view(x):
    y = x.clone()
    row = y[1]
    row.mul_(10)  # through a view: y changes too
    return y + row.sum()


@pytest.mark.parametrize("name", sorted(OPS))
def test_trace_generalises_to_new_inputs(name):
    fn, shape, batch_ok = OPS[name]
    torch.manual_seed(0)
    traced = torch.jit.trace(fn, (torch.rand(*shape),), check_trace=False)
    inputs = [torch.rand(*shape)]
    if batch_ok:
        inputs.append(torch.rand(shape[0] + 2, *shape[1:]))
    for x in inputs:
        expected = fn(x.clone())
        got = traced(x.clone())
        assert got.dtype == expected.dtype and got.shape == expected.shape, name
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6, atol=1e-6, err_msg=name)
