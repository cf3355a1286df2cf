"""dot and FullyConnected: mxnb beside the same NumPy (BLAS) calls, and PyTorch if installed.

The issue's target: FullyConnected forward and backward at batch 256, 1024 -> 1024, and
dot at the same shapes, within 1.1x of the `np.dot` calls that compute the same thing.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd

try:
    import torch
except ImportError:  # pragma: no cover - optional
    torch = None

B, IN, OUT = 256, 1024, 1024


def _arrays():
    rng = np.random.RandomState(0)
    return (rng.standard_normal((B, IN)).astype(np.float32),
            (rng.standard_normal((OUT, IN)) * 0.03).astype(np.float32),
            rng.standard_normal(OUT).astype(np.float32),
            rng.standard_normal((B, OUT)).astype(np.float32))


def test_fc_forward_mxnb(benchmark):
    x, w, b, _ = (mx.nd.array(a) for a in _arrays())
    mx.nd.FullyConnected(x, w, b, num_hidden=OUT)
    benchmark.group = "FullyConnected forward 256x1024 -> 1024"
    benchmark(mx.nd.FullyConnected, x, w, b, num_hidden=OUT)


def test_fc_forward_numpy(benchmark):
    x, w, b, _ = _arrays()

    def fwd():
        y = np.dot(x, w.T)
        y += b
        return y

    benchmark.group = "FullyConnected forward 256x1024 -> 1024"
    benchmark(fwd)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_fc_forward_torch(benchmark):
    x, w, b, _ = (torch.from_numpy(a) for a in _arrays())
    benchmark.group = "FullyConnected forward 256x1024 -> 1024"
    benchmark(torch.nn.functional.linear, x, w, b)


def test_fc_forward_backward_mxnb(benchmark):
    x, w, b, g = (mx.nd.array(a) for a in _arrays())
    for v in (x, w, b):
        v.attach_grad()

    def step():
        with autograd.record():
            y = mx.nd.FullyConnected(x, w, b, num_hidden=OUT)
        y.backward(g)

    step()
    benchmark.group = "FullyConnected forward+backward 256x1024 -> 1024"
    benchmark(step)


def test_fc_forward_backward_numpy(benchmark):
    x, w, b, g = _arrays()

    def step():
        y = np.dot(x, w.T)
        y += b
        dx = np.dot(g, w)
        dw = np.dot(g.T, x)
        db = g.sum(axis=0)
        return y, dx, dw, db

    benchmark.group = "FullyConnected forward+backward 256x1024 -> 1024"
    benchmark(step)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_fc_forward_backward_torch(benchmark):
    x, w, b, g = (torch.from_numpy(a) for a in _arrays())
    for v in (x, w, b):
        v.requires_grad_(True)

    def step():
        for v in (x, w, b):
            v.grad = None
        torch.nn.functional.linear(x, w, b).backward(g)

    benchmark.group = "FullyConnected forward+backward 256x1024 -> 1024"
    benchmark(step)


@pytest.mark.parametrize("tb", [False, True])
def test_dot_mxnb(benchmark, tb):
    x, w, _, _ = _arrays()
    a, m = mx.nd.array(x), mx.nd.array(w if tb else np.ascontiguousarray(w.T))
    mx.nd.dot(a, m, transpose_b=tb)
    benchmark.group = f"dot 256x1024 . 1024x1024 transpose_b={tb}"
    benchmark(mx.nd.dot, a, m, transpose_b=tb)


@pytest.mark.parametrize("tb", [False, True])
def test_dot_numpy(benchmark, tb):
    x, w, _, _ = _arrays()
    m = w if tb else np.ascontiguousarray(w.T)
    benchmark.group = f"dot 256x1024 . 1024x1024 transpose_b={tb}"
    benchmark(lambda: np.dot(x, m.T if tb else m))


def test_batch_dot_mxnb(benchmark):
    rng = np.random.RandomState(1)
    a = mx.nd.array(rng.standard_normal((64, 128, 256)))
    b = mx.nd.array(rng.standard_normal((64, 256, 128)))
    mx.nd.batch_dot(a, b)
    benchmark.group = "batch_dot 64 x (128x256 . 256x128)"
    benchmark(mx.nd.batch_dot, a, b)


def test_batch_dot_numpy(benchmark):
    rng = np.random.RandomState(1)
    a = rng.standard_normal((64, 128, 256)).astype(np.float32)
    b = rng.standard_normal((64, 256, 128)).astype(np.float32)
    benchmark.group = "batch_dot 64 x (128x256 . 256x128)"
    benchmark(np.matmul, a, b)
