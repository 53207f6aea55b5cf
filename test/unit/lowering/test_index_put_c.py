"""Indexed writes of scripted and traced modules compile wholly to C: `x[idx] = v`, `index_put_`
with accumulate=True (repeated and negative indices summed), `x[mask] = v` with a bool mask (the
places written depend on the data, the shapes do not), and a value given as a Python number.

Two gaps this closes: script passes `x[i] = 1.0`'s value as a 0-d tensor constant of no known
dtype (a wrapped number), which index_put's decomposition now converts to self's dtype; a trace
passes it as a 0-d tensor constant that the trace reader unwraps to a Python number, which the
importer makes a 0-d tensor of self's dtype again (`type_as`, which ts-remove-mutation reads as a
read of self, not an alias)."""

from scripted_c_check import check_c, torch


class _SetItem(torch.nn.Module):
    def forward(self, x, idx):
        x2 = x.clone()
        x2[idx] = 1.0
        x3 = x.clone()
        x3[idx, 1] = 7
        return x2, x3


class _Mask(torch.nn.Module):
    def forward(self, x, v):
        x2 = x.clone()
        x2[x2 < 0] = 0.0
        x3 = x.clone()
        x3[x > 0.5] = v[0, 0]
        x4 = x.clone()
        x4[x[:, 0] > 0] = v[1]                      # a row mask: whole rows take v[1]
        return x2, x3, x4


class _Accumulate(torch.nn.Module):
    def forward(self, x, idx, v):
        x2 = x.clone()
        x2.index_put_((idx,), v, accumulate=True)
        return x2, torch.index_put(x, (idx, idx), v[0, :4], True), torch.index_put(x, (idx,), v, False)


class _Ints(torch.nn.Module):
    def forward(self, x, idx):
        x2 = x.clone()
        x2[idx] = 5
        x3 = x.clone()
        x3[x3 > 10] = -1
        return x2, x3


def _x(*shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(3))


def test_setitem_with_index_tensors():
    check_c(_SetItem(), _x(4, 5), torch.tensor([0, 2, -1]), exact=True)


def test_setitem_with_masks():
    check_c(_Mask(), _x(4, 5), _x(4, 5) + 10, exact=True)


def test_index_put_accumulates_repeated_indices():
    check_c(_Accumulate(), _x(4, 5), torch.tensor([0, 2, 0, -1]), _x(4, 5), rtol=1e-6)


def test_integer_tensors():
    check_c(_Ints(), torch.arange(20).reshape(4, 5), torch.tensor([3, -4]), exact=True)
