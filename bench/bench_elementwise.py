"""Elementwise ops: mxnb beside NumPy (and PyTorch when installed) in the same run.

Also measures the machine's memory bandwidth (a parallel copy-add over the same
sizes) so each op's time can be compared with what its memory traffic alone costs.
"""
import numpy as np
import pytest

import mxnb as mx

SIZES = [100, 10_000, 1_000_000, 10_000_000]
UNARY = ["exp", "sigmoid", "tanh", "relu"]
BINARY = ["add", "mul"]

try:
    import torch
except ImportError:  # pragma: no cover - optional
    torch = None


def _np_unary(name):
    return {
        "exp": np.exp,
        "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
        "tanh": np.tanh,
        "relu": lambda a: np.maximum(a, 0),
    }[name]


def _data(n, k=1):
    rng = np.random.RandomState(0)
    return [rng.uniform(-3, 3, n).astype(np.float32) for _ in range(k)]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_mxnb(benchmark, name, n):
    (a,) = _data(n)
    x = mx.nd.array(a)
    fn = getattr(mx.nd, name)
    fn(x)
    benchmark.group = f"{name} n={n}"
    benchmark(fn, x)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_numpy(benchmark, name, n):
    (a,) = _data(n)
    benchmark.group = f"{name} n={n}"
    benchmark(_np_unary(name), a)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_torch(benchmark, name, n):
    (a,) = _data(n)
    t = torch.from_numpy(a)
    benchmark.group = f"{name} n={n}"
    benchmark(getattr(torch, name), t)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_mxnb(benchmark, name, n):
    a, b = _data(n, 2)
    x, y = mx.nd.array(a), mx.nd.array(b)
    fn = {"add": lambda: x + y, "mul": lambda: x * y}[name]
    fn()
    benchmark.group = f"{name} n={n}"
    benchmark(fn)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_numpy(benchmark, name, n):
    a, b = _data(n, 2)
    benchmark.group = f"{name} n={n}"
    benchmark({"add": np.add, "mul": np.multiply}[name], a, b)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_torch(benchmark, name, n):
    a, b = (torch.from_numpy(v) for v in _data(n, 2))
    benchmark.group = f"{name} n={n}"
    benchmark({"add": torch.add, "mul": torch.mul}[name], a, b)


@pytest.mark.parametrize("n", SIZES)
def test_bandwidth_read_write(benchmark, n):
    """Reference: a parallel read-one-write-one pass over preallocated float32 buffers.

    A unary op moves 8 bytes per element (read + write), a binary op 12; the
    op's time divided by this one (times 1.5 for binary) is its distance from
    the memory-traffic bound.
    """
    from mxnb._jit import numba

    nb = numba()

    @nb.njit(parallel=True, fastmath=True)
    def copy_scale(a, out):
        for i in nb.prange(a.shape[0]):
            out[i] = a[i] * np.float32(1.0001)

    (a,) = _data(n)
    out = np.empty_like(a)
    copy_scale(a, out)
    benchmark.group = f"bandwidth n={n}"
    benchmark(copy_scale, a, out)
