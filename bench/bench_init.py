"""Initializers: filling a 4096x4096 float32 array, mxnb beside NumPy (and PyTorch's nn.init).

mxnb draws MXNet 1.9.1's stream (1024 MT19937 generators, parallel over the
chunks) with the scale/shift fused into the sampling kernel; NumPy's
`default_rng` (PCG64) fills the same preallocated buffer. Targets (issue 4):
Uniform and Xavier at least 3x faster than `random(dtype=float32, out=)`,
Normal at least 2x faster than `standard_normal(dtype=float32, out=)`, and a
1024x1024 Orthogonal no slower than NumPy's fill plus SVD of the same matrix.

    python -m pytest bench/bench_init.py --benchmark-enable --benchmark-group-by=group \
        --benchmark-columns=median,iqr,rounds
"""
import numpy as np
import pytest

import mxnb as mx

try:
    import torch
except ImportError:  # pragma: no cover - optional
    torch = None

N = 4096
ORTHO = 1024


def _mx_fill(init, shape):
    arr = mx.nd.zeros(shape)
    desc = mx.init.InitDesc("bench_weight")
    init(desc, arr)           # compile / load the kernels before timing
    return lambda: init(desc, arr)


# ---------------------------------------------------------------- uniform
def test_uniform_mxnb(benchmark):
    benchmark.group = "uniform 4096x4096 float32"
    benchmark(_mx_fill(mx.init.Uniform(0.07), (N, N)))


def test_uniform_numpy(benchmark):
    rng = np.random.default_rng(0)
    out = np.empty((N, N), np.float32)

    def fill():
        rng.random(dtype=np.float32, out=out)
        np.multiply(out, np.float32(0.14), out=out)
        np.subtract(out, np.float32(0.07), out=out)

    benchmark.group = "uniform 4096x4096 float32"
    benchmark(fill)


def test_uniform_numpy_raw(benchmark):
    """NumPy's bare [0, 1) fill, the reference of the issue's 3x target."""
    rng = np.random.default_rng(0)
    out = np.empty((N, N), np.float32)
    benchmark.group = "uniform 4096x4096 float32"
    benchmark(rng.random, dtype=np.float32, out=out)


# ---------------------------------------------------------------- normal
def test_normal_mxnb(benchmark):
    benchmark.group = "normal 4096x4096 float32"
    benchmark(_mx_fill(mx.init.Normal(0.01), (N, N)))


def test_normal_numpy(benchmark):
    rng = np.random.default_rng(0)
    out = np.empty((N, N), np.float32)
    benchmark.group = "normal 4096x4096 float32"
    benchmark(rng.standard_normal, dtype=np.float32, out=out)


# ---------------------------------------------------------------- xavier
def test_xavier_mxnb(benchmark):
    benchmark.group = "xavier 4096x4096 float32"
    benchmark(_mx_fill(mx.init.Xavier(), (N, N)))


def test_xavier_numpy(benchmark):
    rng = np.random.default_rng(0)
    out = np.empty((N, N), np.float32)
    bound = np.float32(np.sqrt(3.0 / N))

    def fill():
        rng.random(dtype=np.float32, out=out)
        np.multiply(out, 2 * bound, out=out)
        np.subtract(out, bound, out=out)

    benchmark.group = "xavier 4096x4096 float32"
    benchmark(fill)


# ---------------------------------------------------------------- orthogonal
def test_orthogonal_mxnb(benchmark):
    benchmark.group = "orthogonal 1024x1024 float32"
    benchmark.pedantic(_mx_fill(mx.init.Orthogonal(), (ORTHO, ORTHO)), rounds=5, iterations=1)


def test_orthogonal_numpy(benchmark):
    rng = np.random.default_rng(0)
    tmp = np.empty((ORTHO, ORTHO), np.float32)
    out = np.empty((ORTHO, ORTHO), np.float32)

    def fill():
        rng.random(dtype=np.float32, out=tmp)
        np.multiply(tmp, np.float32(2), out=tmp)
        np.subtract(tmp, np.float32(1), out=tmp)
        u, _, _ = np.linalg.svd(tmp, full_matrices=False)
        np.multiply(u, np.float32(1.414), out=out)

    benchmark.group = "orthogonal 1024x1024 float32"
    benchmark.pedantic(fill, rounds=5, iterations=1)


# ---------------------------------------------------------------- torch
@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("name", ["uniform", "normal", "xavier", "orthogonal"])
def test_torch(benchmark, name):
    n = ORTHO if name == "orthogonal" else N
    t = torch.empty((n, n), dtype=torch.float32)
    fn = {"uniform": lambda: torch.nn.init.uniform_(t, -0.07, 0.07),
          "normal": lambda: torch.nn.init.normal_(t, 0, 0.01),
          "xavier": lambda: torch.nn.init.xavier_uniform_(t),
          "orthogonal": lambda: torch.nn.init.orthogonal_(t, 1.414)}[name]
    benchmark.group = f"{name} {n}x{n} float32"
    benchmark.pedantic(fn, rounds=5 if name == "orthogonal" else 20, iterations=1)
