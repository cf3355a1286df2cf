"""Reductions: mxnb beside NumPy (and PyTorch when installed) in the same run.

The issue's target: sum over any axis of a 4096x4096 float32 array at least 1.5x
faster than `np.sum`. Also max/argmax/norm over the last axis, small arrays (the
per-call overhead), and the autograd engine's un-broadcast (`sum_to`).
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.ops.basic import sum_to

try:
    import torch
except ImportError:  # pragma: no cover - optional
    torch = None

N = 4096
AXES = [0, 1, None]


def _data(shape, dtype=np.float32):
    return np.random.RandomState(0).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("axis", AXES)
def test_sum_mxnb(benchmark, axis):
    x = mx.nd.array(_data((N, N)))
    mx.nd.sum(x, axis=axis)
    benchmark.group = f"sum 4096x4096 axis={axis}"
    benchmark(mx.nd.sum, x, axis=axis)


@pytest.mark.parametrize("axis", AXES)
def test_sum_numpy(benchmark, axis):
    a = _data((N, N))
    benchmark.group = f"sum 4096x4096 axis={axis}"
    benchmark(np.sum, a, axis=axis)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("axis", AXES)
def test_sum_torch(benchmark, axis):
    t = torch.from_numpy(_data((N, N)))
    benchmark.group = f"sum 4096x4096 axis={axis}"
    benchmark(torch.sum, t, *(() if axis is None else (axis,)))


@pytest.mark.parametrize("axis", [0, 1])
def test_sum_float64_mxnb(benchmark, axis):
    x = mx.nd.array(_data((N, N), np.float64), dtype="float64")
    mx.nd.sum(x, axis=axis)
    benchmark.group = f"sum float64 4096x4096 axis={axis}"
    benchmark(mx.nd.sum, x, axis=axis)


@pytest.mark.parametrize("axis", [0, 1])
def test_sum_float64_numpy(benchmark, axis):
    a = _data((N, N), np.float64)
    benchmark.group = f"sum float64 4096x4096 axis={axis}"
    benchmark(np.sum, a, axis=axis)


OTHERS = {
    "max": (lambda x: mx.nd.max(x, axis=1), lambda a: np.max(a, axis=1)),
    "argmax": (lambda x: mx.nd.argmax(x, axis=1), lambda a: np.argmax(a, axis=1)),
    "norm": (lambda x: mx.nd.norm(x), lambda a: np.linalg.norm(a.reshape(-1))),
    "mean axis 0": (lambda x: mx.nd.mean(x, axis=0), lambda a: np.mean(a, axis=0)),
}


@pytest.mark.parametrize("name", list(OTHERS))
def test_other_mxnb(benchmark, name):
    x = mx.nd.array(_data((N, N)))
    fn = OTHERS[name][0]
    fn(x)
    benchmark.group = f"{name} 4096x4096"
    benchmark(fn, x)


@pytest.mark.parametrize("name", list(OTHERS))
def test_other_numpy(benchmark, name):
    a = _data((N, N))
    benchmark.group = f"{name} 4096x4096"
    benchmark(OTHERS[name][1], a)


@pytest.mark.parametrize("shape", [(100,), (64, 64)])
def test_small_sum_mxnb(benchmark, shape):
    x = mx.nd.array(_data(shape))
    mx.nd.sum(x, axis=0)
    benchmark.group = f"sum {shape} axis=0"
    benchmark(mx.nd.sum, x, axis=0)


@pytest.mark.parametrize("shape", [(100,), (64, 64)])
def test_small_sum_numpy(benchmark, shape):
    a = _data(shape)
    benchmark.group = f"sum {shape} axis=0"
    benchmark(np.sum, a, axis=0)


def test_sum_to_mxnb(benchmark):
    g = _data((256, 1024))
    sum_to(g, (1, 1024))
    benchmark.group = "un-broadcast (256,1024)->(1,1024)"
    benchmark(sum_to, g, (1, 1024))


def test_sum_to_numpy(benchmark):
    g = _data((256, 1024))
    benchmark.group = "un-broadcast (256,1024)->(1,1024)"
    benchmark(lambda: np.add.reduce(g, axis=(0,), keepdims=True))
