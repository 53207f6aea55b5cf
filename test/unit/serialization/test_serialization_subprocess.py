"""A saved module loads in a process that cannot import the Python source it was scripted from."""
import importlib.util
import subprocess
import sys
import textwrap

import tsjit as torch

SOURCE = '''
import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F


class Secret(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3)
        self.fc = nn.Linear(3 * 4 * 4, 5)
        self.steps = 2

    def helper(self, x):
        for _ in range(self.steps):
            x = F.relu(x) - 0.25
        return x

    def forward(self, x):
        y = self.helper(self.bn(self.conv(x)))
        return self.fc(torch.flatten(y, 1))
'''

CHILD = '''
import importlib.util, sys
import numpy as np
import tsjit as torch
assert importlib.util.find_spec("secret_model_for_save_test") is None, "the source must not be importable"
model = torch.jit.load(sys.argv[1])
x, expected, helped = torch.load(sys.argv[2])
np.testing.assert_array_equal(model(x).numpy(), expected.numpy())
np.testing.assert_array_equal(model.helper(x).numpy(), helped.numpy())  # other methods come along
print("loaded", model.original_name, model.steps)
'''


def test_load_without_the_source(tmp_path):
    source = tmp_path / "src" / "secret_model_for_save_test.py"
    source.parent.mkdir()
    source.write_text(textwrap.dedent(SOURCE))
    spec = importlib.util.spec_from_file_location("secret_model_for_save_test", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.Secret().eval()
    x = torch.randn(2, 2, 4, 4)
    torch.jit.save(torch.jit.script(model), tmp_path / "secret.pt")
    torch.save((x, model(x), model.helper(x)), tmp_path / "io.pt")
    source.unlink()  # gone for good: the child can only use the archive

    result = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "secret.pt"), str(tmp_path / "io.pt")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded Secret 2"
