"""tsjit.export_c of models as torchvision writes them: in-place ReLU and `+=` are made pure
before lowering, as tsjit.compile does, so the export is whole C and matches eager code; the demo
reports its peak memory."""
import shutil
import subprocess

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
from tsjit.backends.c import find_compiler

needs_cc = pytest.mark.skipif(find_compiler() is None or shutil.which("make") is None,
                              reason="no C compiler or make")


class InPlaceBlock(nn.Module):
    def __init__(self, c=4):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x
        return self.relu(out)


@needs_cc
def test_an_in_place_block_exports_whole_and_matches_eager(tmp_path):
    torch.manual_seed(0)
    model = InPlaceBlock().eval()
    x = torch.randn(1, 4, 6, 6)
    out = tmp_path / "export"
    torch.export_c(model, out, (x,))
    built = subprocess.run(["make", f"CC={find_compiler()}", "demo"], cwd=out, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    x.numpy().tofile(tmp_path / "x.bin")
    ran = subprocess.run([str(out / "demo"), "-r", "1", "-o", str(tmp_path / "y"), str(tmp_path / "x.bin")],
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    got = np.fromfile(tmp_path / "y0.bin", np.float32).reshape(1, 4, 6, 6)
    np.testing.assert_allclose(got, model(x).numpy(), atol=1e-4, rtol=1e-4)
    assert int(ran.stdout.split("peak resident set: ")[1].split()[0]) > 0
