"""Models the save/load tests round-trip, written with `import tsjit as torch` like user code."""
from typing import List

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class ResBlock(nn.Module):
    """conv-bn-relu-conv-bn plus the input, then relu (eval mode: running stats are used)."""

    def __init__(self, channels: int = 4):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        for bn in (self.bn1, self.bn2):  # non-trivial statistics, so the buffers matter
            bn.running_mean.copy_(torch.randn(channels) * 0.1)
            bn.running_var.copy_(torch.rand(channels) + 0.5)
            bn.weight.data.copy_(torch.rand(channels) + 0.5)
            bn.bias.data.copy_(torch.randn(channels) * 0.1)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class WithAttributes(nn.Module):
    """Non-tensor attributes (int, float, list, bool, str) that forward reads."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.repeats = 2
        self.scale = 0.5
        self.offsets: List[float] = [1.0, -2.0, 0.25]
        self.use_offsets = True
        self.tag = "attrs"

    def forward(self, x):
        y = self.fc(x) * self.scale
        for _ in range(self.repeats):
            y = y + 1.0
        if self.use_offsets:
            for offset in self.offsets:
                y = y + offset
        return y


class Tied(nn.Module):
    """Two layers sharing one weight tensor."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(5, 5)
        self.b = nn.Linear(5, 5)
        self.b.weight = self.a.weight

    def forward(self, x):
        return self.b(self.a(x))


def models():
    """(name, module in eval mode, example input) for each round-trip test."""
    torch.manual_seed(0)
    cases = [("mlp", mlp(), torch.randn(3, 8)), ("lenet", LeNet(), torch.randn(2, 1, 28, 28)),
             ("resblock", ResBlock(), torch.randn(2, 4, 6, 6)), ("attributes", WithAttributes(), torch.randn(2, 3)),
             ("tied", Tied(), torch.randn(2, 5))]
    return [(name, m.eval(), x) for name, m, x in cases]


class InlineConstant(nn.Module):
    """Traced, torch.tensor(...) becomes a tensor constant inside forward's body (as in a frozen graph)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        return self.fc(x) * torch.tensor([1.0, 2.0, 3.0]) + torch.tensor([[0.5, 0.25, 0.125]] * 2)
