"""A Scalar operand known only at run time as the `ts.item` of a 0-d tensor (`x.masked_fill(m, z)`
with a 0-d tensor z imports as `masked_fill(x, m, item(z))`) is read per element like a broadcast
0-d tensor operand (tsjit/lowering/elementwise.py), so it compiles wholly to C, converted to the
result's dtype as PyTorch converts the value (float into int truncates, any non-zero is true)."""
import numpy as np
import pytest

from scripted_c_check import check_c, torch


class _MaskedFill(torch.nn.Module):
    def forward(self, x, m, z):
        return torch.masked_fill(x, m, z), x.masked_fill(m, z * 2), x.masked_fill(x > 0, z)


@pytest.mark.parametrize("xd,zd", [(torch.float32, torch.float32), (torch.float32, torch.float64),
                                   (torch.int64, torch.float32), (torch.int32, torch.int64),
                                   (torch.bool, torch.bool), (torch.float64, torch.int64),
                                   (torch.float32, torch.bool)])
def test_masked_fill_with_a_0d_tensor_value(xd, zd):
    g = torch.Generator().manual_seed(1)
    x = (torch.randn(3, 4, generator=g) * 5).to(xd)
    m = torch.rand(4, generator=g) > 0.5          # broadcast over x's rows
    check_c(_MaskedFill(), x, m, torch.tensor(-2.7).to(zd), exact=True)


def test_masked_fill_with_nan_and_inf_values():
    x = torch.randn(2, 5, generator=torch.Generator().manual_seed(2))
    m = torch.tensor([True, False, True, False, True])
    for value in (np.nan, np.inf, -np.inf):
        check_c(_MaskedFill(), x, m, torch.tensor(value), exact=True)
