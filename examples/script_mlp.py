"""Script a small model with `import tsjit as torch`, inspect it, and run it on the numpy backend.

    python examples/script_mlp.py
"""
import numpy as np

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit import Tensor


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: Tensor) -> Tensor:
        x = self.drop(F.relu(self.fc1(x.flatten(1))))
        return F.log_softmax(self.fc2(x), dim=-1)


def main() -> None:
    torch.manual_seed(0)
    model = MLP().eval()
    scripted = torch.jit.script(model)
    print("== forward as TorchScript code ==")
    print(scripted.code)
    print("== forward as ts IR ==")
    print(scripted.graph)
    x = torch.randn(4, 1, 28, 28)
    eager, compiled = model(x), scripted(x)
    np.testing.assert_allclose(compiled.numpy(), eager.numpy(), rtol=1e-5, atol=1e-6)
    print("predictions:", compiled.argmax(dim=1).tolist(), "(scripted == eager)")


if __name__ == "__main__":
    main()
