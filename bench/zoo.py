"""The model zoo: real architectures written once, in PyTorch idiom, against `lib` (tsjit or torch).

Shared by `bench/zoo_bench.py` (tsjit C against PyTorch eager, TorchScript, torch.compile and ONNX
Runtime) and `test/unit/bench/test_zoo.py` (every model compiles wholly to C, with fallback
disallowed, and matches eager). `ZOO[name]` is a Spec: a description, `build(lib, quick)` making the
model and `inputs(rng, quick)` making its inputs as numpy arrays. `quick` gives small sizes for tests.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Spec:
    description: str
    build: Callable  # (lib, quick) -> nn.Module
    inputs: Callable  # (rng, quick) -> list[np.ndarray]


def _f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def _classes(lib):
    """The zoo's module classes for one library; the same source builds tsjit's and torch's."""
    nn, F = lib.nn, lib.nn.functional

    class PreNormBlock(nn.Module):
        """A hand-written pre-norm transformer block: q/k/v linears, 4-D batched matmuls, softmax, GELU MLP."""

        def __init__(self, d: int, heads: int):
            super().__init__()
            self.heads = heads
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.q, self.k, self.v, self.proj = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
            self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

        def forward(self, x):
            b, t, d = x.shape
            h = self.ln1(x)
            q = self.q(h).view(b, t, self.heads, d // self.heads).transpose(1, 2)
            k = self.k(h).view(b, t, self.heads, d // self.heads).transpose(1, 2)
            v = self.v(h).view(b, t, self.heads, d // self.heads).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) * (1.0 / (d // self.heads) ** 0.5)
            y = (att.softmax(dim=-1) @ v).transpose(1, 2).contiguous().view(b, t, d)
            x = x + self.proj(y)
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class EncoderLayer(nn.Module):
        def __init__(self, d: int, heads: int):
            super().__init__()
            self.layer = nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, batch_first=True)

        def forward(self, x):
            return self.layer(x)

    class SelfAttention(nn.Module):
        def __init__(self, d: int, heads: int):
            super().__init__()
            self.attn = nn.MultiheadAttention(d, heads, batch_first=True)

        def forward(self, x):
            return self.attn(x, x, x, need_weights=False)[0]

    class CausalSDPA(nn.Module):
        def __init__(self, d: int, heads: int):
            super().__init__()
            self.heads = heads
            self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)

        def forward(self, x):
            b, t, d = x.shape
            q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.proj(y.transpose(1, 2).reshape(b, t, d))

    class BertTiny(nn.Module):
        """Token + learned positional embeddings, a stack of post-norm encoder layers, a final norm."""

        def __init__(self, vocab: int, d: int, layers: int, heads: int, max_len: int):
            super().__init__()
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Parameter(lib.randn(1, max_len, d) * 0.02)
            self.layers = nn.ModuleList([nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, batch_first=True)
                                         for _ in range(layers)])
            self.norm = nn.LayerNorm(d)

        def forward(self, ids):
            x = self.tok(ids) + self.pos[:, :ids.size(1)]
            for layer in self.layers:
                x = layer(x)
            return self.norm(x)

    class Recurrent(nn.Module):
        def __init__(self, kind: str, d_in: int, hidden: int, layers: int, batch_first: bool):
            super().__init__()
            self.rnn = getattr(nn, kind)(d_in, hidden, num_layers=layers, batch_first=batch_first)

        def forward(self, x):
            out, _ = self.rnn(x)
            return out

    class CellLoop(nn.Module):
        """An LSTM cell written out, run over time by a scripted loop (it stays a loop in C)."""

        def __init__(self, d_in: int, hidden: int):
            super().__init__()
            self.hidden = hidden
            self.wx, self.wh = nn.Linear(d_in, 4 * hidden), nn.Linear(hidden, 4 * hidden, bias=False)

        def forward(self, x):
            h = lib.zeros(x.size(1), self.hidden)
            c = lib.zeros(x.size(1), self.hidden)
            for t in range(x.size(0)):
                i, f, g, o = (self.wx(x[t]) + self.wh(h)).chunk(4, 1)
                c = lib.sigmoid(f) * c + lib.sigmoid(i) * lib.tanh(g)
                h = lib.sigmoid(o) * lib.tanh(c)
            return h

    def conv_bn(c_in, c_out, k, stride=1, groups=1, relu6=True):
        layers = [nn.Conv2d(c_in, c_out, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(c_out)]
        return nn.Sequential(*layers, nn.ReLU6(inplace=True)) if relu6 else nn.Sequential(*layers)

    class InvertedResidual(nn.Module):
        def __init__(self, c_in: int, c_out: int, stride: int, expand: int):
            super().__init__()
            hidden = c_in * expand
            self.use_res = stride == 1 and c_in == c_out
            self.conv = nn.Sequential(conv_bn(c_in, hidden, 1), conv_bn(hidden, hidden, 3, stride, groups=hidden),
                                      conv_bn(hidden, c_out, 1, relu6=False))

        def forward(self, x):
            return x + self.conv(x) if self.use_res else self.conv(x)

    class MobileNetV2(nn.Module):
        def __init__(self, width: float, classes: int):
            super().__init__()
            c = [max(8, int(ch * width)) for ch in (32, 16, 24, 32, 64, 96, 160, 320)]
            blocks = [conv_bn(3, c[0], 3, 2)]
            for (t, i, o, s, n) in ((1, 0, 1, 1, 1), (6, 1, 2, 2, 2), (6, 2, 3, 2, 3), (6, 3, 4, 2, 2),
                                    (6, 4, 5, 1, 2), (6, 5, 6, 2, 2), (6, 6, 7, 1, 1)):
                for j in range(n):
                    blocks.append(InvertedResidual(c[i] if j == 0 else c[o], c[o], s if j == 0 else 1, t))
            blocks.append(conv_bn(c[7], 1280, 1))
            self.features = nn.Sequential(*blocks)
            self.classifier = nn.Linear(1280, classes)

        def forward(self, x):
            x = F.adaptive_avg_pool2d(self.features(x), 1)
            return self.classifier(x.view(x.size(0), -1))

    class BasicBlock(nn.Module):
        """torchvision's ResNet basic block: in-place ReLU, optional strided 1x1 downsample."""

        def __init__(self, c_in: int, c_out: int, stride: int = 1):
            super().__init__()
            self.conv1, self.bn1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out)
            self.conv2, self.bn2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out)
            self.relu = nn.ReLU(inplace=True)
            self.downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)) \
                if stride != 1 or c_in != c_out else nn.Identity()

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            out += self.downsample(x)
            return self.relu(out)

    class ResNet18(nn.Module):
        def __init__(self, width: int, classes: int):
            super().__init__()
            self.conv1, self.bn1 = nn.Conv2d(3, width, 7, 2, 3, bias=False), nn.BatchNorm2d(width)
            self.relu, self.maxpool = nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)
            chans, stages = [width, width * 2, width * 4, width * 8], []
            for i, c in enumerate(chans):
                c_in = chans[max(i - 1, 0)]
                stages.append(nn.Sequential(BasicBlock(c_in, c, 1 if i == 0 else 2), BasicBlock(c, c)))
            self.layer1, self.layer2, self.layer3, self.layer4 = stages
            self.avgpool, self.fc = nn.AdaptiveAvgPool2d((1, 1)), nn.Linear(chans[-1], classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(lib.flatten(self.avgpool(x), 1))

    def double_conv(c_in, c_out):
        return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True),
                             nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU(inplace=True))

    class UNet(nn.Module):
        """Two down levels; up by ConvTranspose2d once and by F.interpolate once, torch.cat skips."""

        def __init__(self, c: int, classes: int):
            super().__init__()
            self.enc1, self.enc2, self.mid = double_conv(3, c), double_conv(c, 2 * c), double_conv(2 * c, 4 * c)
            self.up2 = nn.ConvTranspose2d(4 * c, 2 * c, 2, stride=2)
            self.dec2 = double_conv(4 * c, 2 * c)
            self.reduce1 = nn.Conv2d(2 * c, c, 1)
            self.dec1 = double_conv(2 * c, c)
            self.head = nn.Conv2d(c, classes, 1)

        def forward(self, x):
            e1 = self.enc1(x)
            e2 = self.enc2(F.max_pool2d(e1, 2))
            m = self.mid(F.max_pool2d(e2, 2))
            d2 = self.dec2(lib.cat([self.up2(m), e2], dim=1))
            u1 = F.interpolate(self.reduce1(d2), scale_factor=2.0, mode="bilinear", align_corners=False)
            return self.head(self.dec1(lib.cat([u1, e1], dim=1)))

    class ViT(nn.Module):
        def __init__(self, image: int, patch: int, d: int, layers: int, heads: int, classes: int):
            super().__init__()
            self.patch = nn.Conv2d(3, d, patch, stride=patch)
            self.cls = nn.Parameter(lib.zeros(1, 1, d))
            self.pos = nn.Parameter(lib.randn(1, (image // patch) ** 2 + 1, d) * 0.02)
            self.blocks = nn.ModuleList([nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, activation="gelu",
                                                                    batch_first=True, norm_first=True)
                                         for _ in range(layers)])
            self.norm, self.head = nn.LayerNorm(d), nn.Linear(d, classes)

        def forward(self, x):
            x = self.patch(x).flatten(2).transpose(1, 2)
            x = lib.cat([self.cls.expand(x.size(0), -1, -1), x], dim=1) + self.pos
            for block in self.blocks:
                x = block(x)
            return self.head(self.norm(x[:, 0]))

    class DLRM(nn.Module):
        """Embedding bags over integer index inputs, a dense bottom MLP, a top MLP over their concatenation."""

        def __init__(self, tables: int, rows: int, dim: int, dense: int):
            super().__init__()
            self.bags = nn.ModuleList([nn.EmbeddingBag(rows, dim, mode="sum") for _ in range(tables)])
            self.bottom = nn.Sequential(nn.Linear(dense, 64), nn.ReLU(), nn.Linear(64, dim), nn.ReLU())
            self.top = nn.Sequential(nn.Linear(dim * (tables + 1), 64), nn.ReLU(), nn.Linear(64, 1))

        def forward(self, dense, idx0, idx1, idx2):
            feats = [self.bottom(dense), self.bags[0](idx0), self.bags[1](idx1), self.bags[2](idx2)]
            return lib.sigmoid(self.top(lib.cat(feats, dim=1)))

    return dict(PreNormBlock=PreNormBlock, EncoderLayer=EncoderLayer, SelfAttention=SelfAttention,
                CausalSDPA=CausalSDPA, BertTiny=BertTiny, Recurrent=Recurrent, CellLoop=CellLoop,
                MobileNetV2=MobileNetV2, BasicBlock=BasicBlock, ResNet18=ResNet18, UNet=UNet, ViT=ViT, DLRM=DLRM)


def _classic(name):
    """One of bench/c_models.py's reference models (the first five)."""
    def build(lib, quick):
        from c_models import FULL, QUICK, define_models
        return define_models(lib)[name](*(QUICK if quick else FULL)[name][1])

    def inputs(rng, quick):
        from c_models import FULL, QUICK
        return [_f32(rng, *s) for s in (QUICK if quick else FULL)[name][2]]
    return build, inputs


def _c(cls, *args):
    return lambda lib: _classes(lib)[cls](*args)


def _seq(rng, b, t, d):
    return [_f32(rng, b, t, d)]


def _ids(rng, b, t, vocab):
    return [rng.integers(0, vocab, (b, t)).astype(np.int64)]


def _dlrm_inputs(rng, b, rows, bag):
    return [_f32(rng, b, 13)] + [rng.integers(0, rows, (b, bag)).astype(np.int64) for _ in range(3)]


def _spec(description, full, quick, make_inputs):
    """full/quick: (model maker lib -> module, input args) for the real and the test sizes."""
    return Spec(description, lambda lib, q: (quick if q else full)[0](lib),
                lambda rng, q: make_inputs(rng, *(quick if q else full)[1]))


ZOO: dict[str, Spec] = {
    "prenorm_block": _spec("pre-norm transformer block, d=256 h=4, b1 t128",
                           (_c("PreNormBlock", 256, 4), (1, 128, 256)), (_c("PreNormBlock", 32, 4), (2, 8, 32)), _seq),
    "encoder_layer": _spec("nn.TransformerEncoderLayer eval, d=256 h=4, b1 t128",
                           (_c("EncoderLayer", 256, 4), (1, 128, 256)), (_c("EncoderLayer", 32, 4), (2, 8, 32)), _seq),
    "mha": _spec("nn.MultiheadAttention self-attention, d=256 h=4, b1 t128",
                 (_c("SelfAttention", 256, 4), (1, 128, 256)), (_c("SelfAttention", 32, 4), (2, 8, 32)), _seq),
    "sdpa_causal": _spec("F.scaled_dot_product_attention causal, d=256 h=4, b1 t128",
                         (_c("CausalSDPA", 256, 4), (1, 128, 256)), (_c("CausalSDPA", 32, 4), (2, 8, 32)), _seq),
    "bert_tiny_b1": _spec("BERT-tiny-like: embeddings + 4 encoder layers d=256, b1 t128",
                          (_c("BertTiny", 1000, 256, 4, 4, 128), (1, 128, 1000)),
                          (_c("BertTiny", 50, 32, 2, 4, 16), (1, 8, 50)), _ids),
    "bert_tiny_b8": _spec("BERT-tiny-like: embeddings + 4 encoder layers d=256, b8 t128",
                          (_c("BertTiny", 1000, 256, 4, 4, 128), (8, 128, 1000)),
                          (_c("BertTiny", 50, 32, 2, 4, 16), (3, 8, 50)), _ids),
    "lstm": _spec("nn.LSTM 2 layers, 64->128, batch_first, b4 t32",
                  (_c("Recurrent", "LSTM", 64, 128, 2, True), (4, 32, 64)),
                  (_c("Recurrent", "LSTM", 8, 16, 2, True), (2, 5, 8)), _seq),
    "gru": _spec("nn.GRU 1 layer, 64->128, time-major, t32 b4",
                 (_c("Recurrent", "GRU", 64, 128, 1, False), (32, 4, 64)),
                 (_c("Recurrent", "GRU", 8, 16, 1, False), (5, 2, 8)), _seq),
    "lstm_cell_loop": _spec("scripted LSTM-cell loop, 64->128, t32 b4",
                            (_c("CellLoop", 64, 128), (32, 4, 64)), (_c("CellLoop", 8, 16), (5, 2, 8)), _seq),
    "mobilenet_v2": _spec("MobileNetV2 (width 1.0), b1 3x224x224",
                          (_c("MobileNetV2", 1.0, 1000), (1, 3, 224, 224)),
                          (_c("MobileNetV2", 0.25, 10), (1, 3, 32, 32)), lambda rng, *s: [_f32(rng, *s)]),
    "resnet18": _spec("ResNet-18, b1 3x224x224",
                      (_c("ResNet18", 64, 1000), (1, 3, 224, 224)),
                      (_c("ResNet18", 8, 10), (1, 3, 32, 32)), lambda rng, *s: [_f32(rng, *s)]),
    "resnet_block_inplace": _spec("torchvision-style basic block (in-place ReLU, +=), b1 64ch 56x56",
                                  (_c("BasicBlock", 64, 64), (1, 64, 56, 56)),
                                  (_c("BasicBlock", 4, 8, 2), (1, 4, 8, 8)), lambda rng, *s: [_f32(rng, *s)]),
    "unet": _spec("small UNet (c=16), b1 3x128x128",
                  (_c("UNet", 16, 2), (1, 3, 128, 128)), (_c("UNet", 4, 2), (1, 3, 16, 16)),
                  lambda rng, *s: [_f32(rng, *s)]),
    "vit_tiny": _spec("ViT-tiny-like: 16x16 patches, d=192 h=3, 4 blocks, b1 3x224x224",
                      (_c("ViT", 224, 16, 192, 4, 3, 1000), (1, 3, 224, 224)),
                      (_c("ViT", 32, 8, 24, 2, 3, 10), (1, 3, 32, 32)), lambda rng, *s: [_f32(rng, *s)]),
    "dlrm": _spec("DLRM-like: 3 EmbeddingBag(10000, 16, sum) bags of 8 + MLPs, b64",
                  (_c("DLRM", 3, 10000, 16, 13), (64, 10000, 8)), (_c("DLRM", 3, 20, 4, 13), (4, 20, 3)),
                  _dlrm_inputs),
}
for _name in ("mlp", "lenet", "resnet_block", "relu_sigmoid", "gelu_torch"):
    ZOO[_name] = Spec(f"{_name} (bench/c_models.py)", *_classic(_name))


def build_pair(name: str, quick: bool, torch=None):
    """The tsjit model (eval, seeded) and, given torch, the same model in torch with the same weights."""
    import tsjit

    tsjit.manual_seed(0)
    model = ZOO[name].build(tsjit, quick).eval()
    rng = np.random.default_rng(1)
    for key, value in model.state_dict().items():  # non-trivial batch-norm statistics
        if key.endswith("running_mean"):
            value.copy_(tsjit.from_numpy(rng.standard_normal(value.shape).astype(np.float32) * 0.1))
        elif key.endswith("running_var"):
            value.copy_(tsjit.from_numpy(rng.uniform(0.5, 1.5, value.shape).astype(np.float32)))
    if torch is None:
        return model, None
    twin = ZOO[name].build(torch, quick).eval()
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    return model, twin
