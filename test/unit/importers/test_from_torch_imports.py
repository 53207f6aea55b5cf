"""from_torch on the ops the importers gained late (Tensor.cpu, abs of a number, conv3d 'same',
quantile of a tensor q, ...): each module scripted and traced, run on the numpy backend and compiled to
C without fallback where the ops lower, against PyTorch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

import tsjit  # noqa: E402
from tsjit.frontend import from_torch  # noqa: E402


def _flat(value):
    return [v for item in value for v in _flat(item)] if isinstance(value, tuple | list) else [value]


def _run(module, inputs, modes=("script", "trace"), backends=("numpy", "c"), atol=1e-5):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.no_grad():
            want = module(*[x.clone() for x in inputs])
        for mode in modes:
            if mode == "script":
                imported = from_torch(torch.jit.script(module))
            else:
                imported = from_torch(torch.jit.trace(module, tuple(x.clone() for x in inputs)), tuple(inputs))
            for backend in backends:
                args = [tsjit.from_numpy(x.numpy().copy()) for x in inputs]
                options = {"fallback": False} if backend == "c" else {}
                got = tsjit.compile(imported, backend=backend, example_inputs=args, **options)(*args)
                gots, wants = _flat(got), _flat(want)
                assert len(gots) == len(wants)
                for g, w in zip(gots, wants):
                    np.testing.assert_allclose(g.numpy(), w.numpy(), atol=atol, rtol=1e-5, err_msg=f"{mode} {backend}")
                    assert g.numpy().dtype == w.numpy().dtype, (mode, backend)


class CpuAbs(nn.Module):
    def forward(self, x):
        n = x.shape[0] - 5
        return x.cpu() * abs(n) + abs(-2.5) + abs(x)


def test_cpu_and_abs_of_a_number():
    _run(CpuAbs(), (torch.randn(3, 4),), modes=("script",))
    _run(CpuAbs(), (torch.randn(3, 4),), modes=("trace",))


class Conv3dSame(nn.Module):
    def __init__(self, padding="same", dilation=1):
        super().__init__()
        self.conv = nn.Conv3d(2, 3, (2, 3, 3), padding=padding, dilation=dilation)
        self.w = nn.Parameter(torch.randn(3, 2, 1, 2, 3))

    def forward(self, x):
        return self.conv(x), F.conv3d(x, self.w, padding="same"), F.conv3d(x, self.w, None, 1, "valid")


@pytest.mark.parametrize("padding,dilation", [("same", 1), ("same", (1, 2, 1)), ("valid", 1)])
def test_conv3d_padding_strings(padding, dilation):
    torch.manual_seed(0)
    _run(Conv3dSame(padding, dilation), (torch.randn(1, 2, 4, 5, 6),))


class ConvSameFunctional(nn.Module):
    def forward(self, x1, w1, x2, w2):
        return F.conv1d(x1, w1, padding="same"), F.conv2d(x2, w2, padding="same", dilation=2), \
            F.conv2d(x2, w2, padding="valid")


def test_conv1d_conv2d_padding_strings():
    _run(ConvSameFunctional(), (torch.randn(2, 3, 8), torch.randn(4, 3, 4), torch.randn(1, 3, 7, 6),
                                torch.randn(2, 3, 2, 3)))


def test_conv_same_strided_is_an_error():
    class M(nn.Module):
        def forward(self, x, w):
            return F.conv2d(x, w, stride=2, padding="same")
    with warnings.catch_warnings(), pytest.raises(RuntimeError, match="strided convolutions"):
        warnings.simplefilter("ignore")
        M()(torch.randn(1, 2, 5, 5), torch.randn(2, 2, 3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        imported = from_torch(torch.jit.script(M()))
    with pytest.raises(Exception, match="strided convolutions"):
        tsjit.compile(imported, backend="numpy")(tsjit.randn(1, 2, 5, 5), tsjit.randn(2, 2, 3, 3))


class Quantiles(nn.Module):
    def forward(self, x, q):
        return (torch.quantile(x, q, dim=1), torch.nanquantile(x, q, 0, True, interpolation="midpoint"),
                x.quantile(q), torch.quantile(x, q[1], dim=-1, interpolation="lower"),
                torch.quantile(x, q, dim=1, interpolation="nearest"), torch.quantile(x, q, 1, interpolation="higher"))


def test_quantile_of_a_tensor_q():
    x = torch.randn(4, 5)
    x[1, 2] = float("nan")
    _run(Quantiles(), (x, torch.tensor([0.0, 0.25, 0.5, 1.0])))
    _run(Quantiles(), (torch.randn(3, 6, dtype=torch.float64), torch.tensor([0.3, 0.7], dtype=torch.float64)))


def test_quantile_of_a_tensor_q_eager_and_script():
    x = tsjit.randn(4, 5)
    q = tsjit.tensor([0.2, 0.9])
    want = torch.quantile(torch.from_numpy(x.numpy()), torch.from_numpy(q.numpy()), dim=0, keepdim=True)
    np.testing.assert_allclose(tsjit.quantile(x, q, dim=0, keepdim=True).numpy(), want.numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.quantile(q, 0, True).numpy(), want.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"q values must be in the range \[0, 1\]"):
        tsjit.quantile(x, tsjit.tensor([0.5, 1.5]))
    with pytest.raises(RuntimeError, match="q tensor must be same dtype"):
        tsjit.quantile(x, tsjit.tensor([0.5], dtype=tsjit.float64))
    scripted = tsjit.jit.script(_script_quantile)
    np.testing.assert_allclose(scripted(x, q).numpy(), want.numpy(), rtol=1e-6)
    assert "torch.quantile(x, q, 0, True" in scripted.code


def _script_quantile(x, q):
    return tsjit.quantile(x, q, dim=0, keepdim=True)


class Writes(nn.Module):
    def forward(self, x, y, z):
        c = x.clone()
        c.put_(y.reshape(-1), z.reshape(-1), accumulate=True)
        d = x.clone()
        d[d < 0] = 0.0
        e = x.clone()
        e[y[:2, 0]] = 1.0
        f = x.clone()
        f.scatter_(1, y, z, reduce="add")
        return (x.scatter(1, y, z, reduce="multiply"), torch.scatter(x, 1, y, 2.0, reduce="add"), c,
                x.put(y.reshape(-1), z.reshape(-1)), d, e, f, x.put(-y.reshape(-1) - 1, z.reshape(-1), True))


def test_scatter_reduce_put_and_setitem():
    """Traced `x[mask] = 0.0` / `x[idx] = 1.0` leave the value a number (the trace's wrapped 0-d tensor)."""
    _run(Writes(), (torch.randn(4, 6), torch.tensor([[0, 1], [2, 3], [5, 4], [1, 0]]), torch.randn(4, 2)))
    _run(Writes(), (torch.randn(4, 6, dtype=torch.float64), torch.tensor([[0, 1], [2, 2], [5, 4], [1, 1]]),
                    torch.randn(4, 2, dtype=torch.float64)))


def test_scatter_reduce_and_put_eager_errors():
    x = tsjit.zeros(2, 3)
    with pytest.raises(RuntimeError, match="reduce argument must be either add or multiply"):
        x.scatter(1, tsjit.tensor([[0]]), tsjit.ones(1, 1), reduce="max")
    with pytest.raises(IndexError, match="out of range: tried to access index 6 on a tensor of 6 elements"):
        x.put_(tsjit.tensor([6]), tsjit.ones(1))
    with pytest.raises(IndexError, match="same number of elements"):
        x.put(tsjit.tensor([0, 1]), tsjit.ones(3))
    assert x.put_(tsjit.tensor([0, 0, -1]), tsjit.tensor([1.0, 2.0, 5.0]), accumulate=True) is x
    np.testing.assert_array_equal(x.numpy(), [[3, 0, 0], [0, 0, 5]])
    out = x.scatter_(1, tsjit.tensor([[1, 1]]), value=2.0, reduce="multiply")
    assert out is x
    np.testing.assert_array_equal(x.numpy(), [[3, 0, 0], [0, 0, 5]])


class LstmState(nn.Module):
    def __init__(self, lstm):
        super().__init__()
        self.lstm = lstm

    def forward(self, x, h, c):
        return self.lstm(x, (h, c))


@pytest.mark.parametrize("options", [{}, {"num_layers": 2, "bidirectional": True}, {"bias": False, "batch_first": True},
                                     {"num_layers": 2, "bias": False, "bidirectional": True}])
def test_lstm_with_projections(options):
    torch.manual_seed(0)
    lstm = nn.LSTM(4, 6, proj_size=3, **options)
    x = torch.randn(5, 2, 4)
    _run(lstm, (x,))
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    batch = 5 if options.get("batch_first") else 2
    _run(LstmState(lstm), (x, torch.randn(layers, batch, 3), torch.randn(layers, batch, 6)))


def test_lstm_with_projections_eager_and_script():
    torch.manual_seed(0)
    ref = nn.LSTM(4, 6, num_layers=2, proj_size=2, bidirectional=True)
    ours = tsjit.nn.LSTM(4, 6, num_layers=2, proj_size=2, bidirectional=True)
    ours.load_state_dict({k: tsjit.from_numpy(v.detach().numpy().copy()) for k, v in ref.state_dict().items()})
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in ref.parameters()]
    assert "proj_size=2" in repr(ours)
    x = torch.randn(3, 2, 4)
    with torch.no_grad():
        want = _flat(ref(x))
    for model in (ours, tsjit.jit.script(ours)):
        got = _flat(model(tsjit.from_numpy(x.numpy())))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.numpy(), w.numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        tsjit.nn.LSTM(4, 3, proj_size=3)
    with pytest.raises(ValueError, match="only supported for LSTM"):
        tsjit.nn.GRU(4, 3, proj_size=1)


class UniqueConsecutive(nn.Module):
    def forward(self, x, y):
        a = torch.unique_consecutive(x)
        b, inv, counts = torch.unique_consecutive(x, return_inverse=True, return_counts=True)
        c, cnt = torch.unique_consecutive(y, return_counts=True, dim=0)
        d, inv_d = torch.unique_consecutive(y, True, False, -1)
        return a, b, inv, counts, c, cnt, d, inv_d


def test_unique_consecutive():
    y = torch.tensor([[1, 1, 2, 2], [1, 1, 2, 2], [3, 4, 4, 5]], dtype=torch.float32)
    _run(UniqueConsecutive(), (torch.tensor([[1, 1, 2], [2, 3, 3]]), y), backends=("numpy",))
    _run(UniqueConsecutive(), (torch.tensor([True, True, False]), y), backends=("numpy",))
    x = tsjit.tensor([1.0, float("nan"), float("nan"), 2.0, 2.0])
    values, counts = tsjit.unique_consecutive(x, return_counts=True)
    assert values.numpy().shape == (4,) and counts.numpy().tolist() == [1, 1, 1, 2]
    assert tsjit.tensor([3, 3, 1]).unique_consecutive().numpy().tolist() == [3, 1]
    with pytest.raises(RuntimeError, match="0 sized dimensions"):
        tsjit.unique_consecutive(tsjit.zeros(2, 0, 3), dim=0)


class Cond(nn.Module):
    def forward(self, x):
        return (torch.linalg.cond(x), torch.linalg.cond(x, 2), torch.linalg.cond(x, -2), torch.linalg.cond(x, "fro"),
                torch.linalg.cond(x, "nuc"), torch.linalg.cond(x, float("inf")), torch.linalg.cond(x, -float("inf")),
                torch.linalg.cond(x, 1), torch.linalg.cond(x, -1))


def test_linalg_cond():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 3) + 3 * torch.eye(3)
    _run(Cond(), (x,), atol=1e-4)
    _run(Cond(), (x.double(),), atol=1e-8)
    singular = torch.tensor([[1.0, 2.0], [2.0, 4.0]])
    for p in ("fro", 1, -1, float("inf")):  # inf, as PyTorch (nuc and 2 divide by a rounding-noise singular value)
        assert tsjit.linalg.cond(tsjit.from_numpy(singular.numpy()), p).item() == torch.linalg.cond(singular, p).item()
    with pytest.raises(RuntimeError, match="invalid norm type: 3"):
        tsjit.linalg.cond(tsjit.eye(2), 3)
    with pytest.raises(RuntimeError, match=r"linalg.cond\(ord=1\): A must be batches of square matrices"):
        tsjit.linalg.cond(tsjit.ones(2, 3), 1)


class Factorizations(nn.Module):
    def forward(self, x, b):
        lu, piv = torch.linalg.lu_factor(x)
        lu2, piv2, info = torch.linalg.lu_factor_ex(x)
        p, lower, upper = torch.linalg.lu(x)
        inverse, inv_info = torch.linalg.inv_ex(x)
        spd = x @ x.mT + torch.eye(x.shape[-1])
        chol, chol_info = torch.linalg.cholesky_ex(spd)
        upper_chol, _ = torch.linalg.cholesky_ex(spd, upper=True)
        _, bad_info = torch.linalg.cholesky_ex(-spd)
        return (lu, piv, lu2, piv2, info, p, lower, upper, torch.linalg.lu_solve(lu, piv, b),
                torch.linalg.lu_solve(lu, piv, b.mT, left=False), torch.linalg.lu_solve(lu, piv, b, adjoint=True),
                inverse, inv_info, chol, chol_info, upper_chol, bad_info, torch.linalg.eigvals(spd).abs())


def test_lu_inv_ex_cholesky_ex_eigvals():
    torch.manual_seed(0)
    x = torch.randn(2, 4, 4)
    _run(Factorizations(), (x, torch.randn(2, 4, 3)), backends=("numpy",), atol=1e-4)
    _run(Factorizations(), (x.double(), torch.randn(4, 2, dtype=torch.float64)), backends=("numpy",), atol=1e-10)


def test_singular_matrices_report_info():
    singular = torch.tensor([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 1.0]]])
    ours = tsjit.from_numpy(singular.numpy())
    for name in ("lu_factor_ex", "inv_ex", "cholesky_ex"):
        got, want = getattr(tsjit.linalg, name)(ours), getattr(torch.linalg, name)(singular)
        np.testing.assert_array_equal(got[-1].numpy(), want[-1].numpy(), err_msg=name)
    np.testing.assert_array_equal(tsjit.linalg.lu_factor_ex(ours)[1].numpy(), torch.linalg.lu_factor_ex(singular)[1])
    np.testing.assert_array_equal(tsjit.linalg.inv_ex(ours)[0].numpy()[0], torch.linalg.inv_ex(singular)[0][0])
    with pytest.raises(RuntimeError, match=r"\(Batch element 0\): U\[2,2\] is zero"):
        tsjit.linalg.lu_factor(ours)
    with pytest.raises(RuntimeError, match="The diagonal element 2 is zero"):
        tsjit.linalg.inv_ex(ours, check_errors=True)
    with pytest.raises(RuntimeError, match="leading minor of order 2 is not positive-definite"):
        tsjit.linalg.cholesky_ex(ours, check_errors=True)
    eig = tsjit.linalg.eigvals(tsjit.tensor([[0.0, -1.0], [1.0, 0.0]]))
    assert eig.dtype == tsjit.complex64
    np.testing.assert_allclose(eig.numpy(), torch.linalg.eigvals(torch.tensor([[0.0, -1.0], [1.0, 0.0]])).numpy())


class Ctc(nn.Module):
    def __init__(self, reduction="mean", zero_infinity=False, blank=0):
        super().__init__()
        self.loss = nn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_infinity)

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return (self.loss(log_probs, targets, input_lengths, target_lengths),
                torch.ctc_loss(log_probs, targets, [12, 10], [3, 2], 0, 2, False))  # the IntList overload


def _log_probs(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype).log_softmax(-1)


@pytest.mark.parametrize("reduction,zero_infinity", [("mean", False), ("sum", False), ("none", True)])
def test_ctc_loss(reduction, zero_infinity):
    """Each reduction on both paths and backends; the impossible alignment and the concatenated
    float64 targets on one path each (every compile of the unrolled recursion costs a second)."""
    torch.manual_seed(0)
    targets = torch.tensor([[1, 2, 2], [2, 2, 4]])  # sample 1: 2 steps cannot align 3 labels with a repeat
    inputs = (_log_probs(12, 2, 5), targets, torch.tensor([12, 10]), torch.tensor([3, 2]))
    _run(Ctc(reduction, zero_infinity), inputs, atol=1e-4)
    short = (_log_probs(12, 2, 5), targets, torch.tensor([3, 10]), torch.tensor([3, 2]))
    _run(Ctc(reduction, zero_infinity), short, modes=("script",), backends=("c",), atol=1e-4)
    flat = (_log_probs(12, 2, 5, dtype=torch.float64), torch.tensor([1, 2, 2, 3, 1]), torch.tensor([12, 9]),
            torch.tensor([3, 2]))
    _run(Ctc(reduction, zero_infinity, blank=4), flat, modes=("trace",), atol=1e-10)


def test_ctc_loss_eager():
    torch.manual_seed(0)
    lp, targets = _log_probs(6, 2, 4), torch.tensor([[1, 2], [3, 3]])
    want = F.ctc_loss(lp, targets, (6, 5), (2, 2), reduction="none")
    ours = tsjit.from_numpy(lp.numpy())
    got = tsjit.nn.functional.ctc_loss(ours, tsjit.from_numpy(targets.numpy()), (6, 5), (2, 2), reduction="none")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5)
    got = tsjit.nn.CTCLoss()(ours, tsjit.from_numpy(targets.numpy()), tsjit.tensor([6, 5]), tsjit.tensor([2, 2]))
    np.testing.assert_allclose(got.numpy(), F.ctc_loss(lp, targets, (6, 5), (2, 2)).numpy(), rtol=1e-5)
    with pytest.raises(RuntimeError, match="Expected input_lengths to have value at most 6, but got value 7"):
        tsjit.nn.functional.ctc_loss(ours, tsjit.from_numpy(targets.numpy()), (7, 5), (2, 2))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        tsjit.nn.functional.ctc_loss(ours, tsjit.from_numpy(targets.numpy()), (6, 5), (2, 2), reduction="avg")


class CholeskyEx(nn.Module):
    def forward(self, x):
        spd = x @ x.mT + torch.eye(x.shape[-1])
        good, good_info = torch.linalg.cholesky_ex(spd)
        upper, _ = torch.linalg.cholesky_ex(spd, upper=True)
        bad, bad_info = torch.linalg.cholesky_ex(spd - 2 * torch.eye(x.shape[-1]))
        return good, good_info, upper, bad_info, torch.where(bad_info.unsqueeze(-1).unsqueeze(-1) == 0, bad, 0.0)


def test_cholesky_ex_compiles_to_c():
    torch.manual_seed(0)
    x = torch.randn(3, 4, 4) * 0.5
    x[1] *= 3  # the shifted matrices: some fail, some do not
    _run(CholeskyEx(), (x,), atol=1e-4)
