"""nn ops beside NumPy (and PyTorch when installed), measured in the same run.

* Convolution 2-D, forward plus backward (input, weight and bias gradients), batch 32,
  64 -> 64 channels, 32x32, 3x3, pad 1, float32; the NumPy baseline is im2col of the
  whole batch (a sliding-window view, copied once) plus `np.dot` for the forward and
  the weight and data gradients, and col2im by strided adds. mxnb runs Winograd
  F(2x2, 3x3) on this layer.
* softmax over the last axis of a (4096, 1000) float32 array; the baseline is the NumPy
  expression `e = np.exp(x - x.max(-1, keepdims=True)); e / e.sum(-1, keepdims=True)`.

Run with `python -m pytest bench/bench_nn.py --benchmark-enable --benchmark-group-by=group`,
or `python bench/bench_nn.py` for interleaved medians and ratios.
"""
import time

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd

try:
    import torch
except ImportError:  # pragma: no cover - optional
    torch = None

N, C, F, HW, K, PAD = 32, 64, 64, 32, 3, 1


def _conv_data():
    rng = np.random.RandomState(0)
    x = rng.standard_normal((N, C, HW, HW)).astype(np.float32)
    w = (rng.standard_normal((F, C, K, K)) * 0.05).astype(np.float32)
    b = rng.standard_normal(F).astype(np.float32)
    dy = rng.standard_normal((N, F, HW, HW)).astype(np.float32)
    return x, w, b, dy


# ---------------------------------------------------------------- NumPy im2col baseline


def np_im2col(x, k, pad):
    """The (C*k*k, N*OH*OW) patch matrix of x, from a sliding-window view (one copy)."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))  # n c oh ow kh kw
    oh, ow = win.shape[2], win.shape[3]
    return win.transpose(1, 4, 5, 0, 2, 3).reshape(c * k * k, n * oh * ow), oh, ow


def np_conv_fwd_bwd(x, w, b, dy, pad=PAD):
    """Forward then backward of a stride-1 convolution: im2col + np.dot, col2im by adds.

    Written to be fast, so that the comparison is fair: one patch matrix shared by
    the forward and the weight gradient; each GEMM in the orientation multithreaded
    OpenBLAS runs well (dy2 @ cols.T, the same product as the weight gradient's
    (cols @ dy2.T).T, ran up to 3x slower on the loaded 2-core machine); col2im adds
    contiguous (C, N) blocks and transposes once.
    """
    n, c, h, wd = x.shape
    f, _, k, _ = w.shape
    cols, oh, ow = np_im2col(x, k, pad)
    w2 = w.reshape(f, -1)
    y = np.empty((n, f, oh, ow), x.dtype)
    np.add(np.dot(w2, cols).reshape(f, n, oh, ow).transpose(1, 0, 2, 3), b.reshape(1, -1, 1, 1),
           out=y)
    dy2 = dy.transpose(1, 0, 2, 3).reshape(f, -1)
    dw = np.dot(cols, dy2.T).T.reshape(w.shape)
    db = dy.sum(axis=(0, 2, 3))
    dcols = np.dot(w2.T, dy2).reshape(c, k, k, n, oh, ow)
    dxp = np.zeros((c, n, h + 2 * pad, wd + 2 * pad), x.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, :, i:i + oh, j:j + ow] += dcols[:, i, j]
    dx = np.ascontiguousarray(dxp[:, :, pad:pad + h, pad:pad + wd].transpose(1, 0, 2, 3))
    return y, dx, dw, db


def mx_conv_fwd_bwd(x, w, b, dy):
    with autograd.record():
        y = mx.nd.Convolution(x, w, b, kernel=(K, K), pad=(PAD, PAD), num_filter=F)
    y.backward(dy)
    return y


def _mx_conv_args():
    x, w, b, dy = _conv_data()
    args = [mx.nd.array(a) for a in (x, w, b)]
    for a in args:
        a.attach_grad()
    return args + [mx.nd.array(dy)]


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _softmax_data():
    return np.random.RandomState(1).uniform(-5, 5, (4096, 1000)).astype(np.float32)


# ---------------------------------------------------------------- pytest-benchmark

CONV = "conv2d fwd+bwd 32x64x32x32, 64 filters 3x3 pad 1"
SOFTMAX = "softmax (4096, 1000) last axis"


def test_conv_mxnb(benchmark):
    args = _mx_conv_args()
    mx_conv_fwd_bwd(*args)
    benchmark.group = CONV
    benchmark(mx_conv_fwd_bwd, *args)


def test_conv_numpy_im2col(benchmark):
    data = _conv_data()
    benchmark.group = CONV
    benchmark(np_conv_fwd_bwd, *data)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_conv_torch(benchmark):
    x, w, b, dy = (torch.from_numpy(a) for a in _conv_data())
    for t in (x, w, b):
        t.requires_grad_(True)

    def run():
        y = torch.nn.functional.conv2d(x, w, b, padding=PAD)
        y.backward(dy)

    run()
    benchmark.group = CONV
    benchmark(run)


def test_softmax_mxnb(benchmark):
    x = mx.nd.array(_softmax_data())
    mx.nd.softmax(x)
    benchmark.group = SOFTMAX
    benchmark(mx.nd.softmax, x)


def test_softmax_numpy(benchmark):
    x = _softmax_data()
    benchmark.group = SOFTMAX
    benchmark(np_softmax, x)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_softmax_torch(benchmark):
    x = torch.from_numpy(_softmax_data())
    benchmark.group = SOFTMAX
    benchmark(torch.softmax, x, -1)


# ---------------------------------------------------------------- script: interleaved medians


def _interleaved(fns, rounds):
    """Median seconds of each function, rounds taken in turn so load changes hit all alike."""
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t0 = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t0)
    return {k: float(np.median(v)) for k, v in times.items()}


def main():
    import mxnb.kernels.nn_kernels as nk

    print(f"numba threads: {nk._nb.get_num_threads()}, threading layer: ", end="")
    args = _mx_conv_args()
    data = _conv_data()
    y = mx_conv_fwd_bwd(*args)
    ref = np_conv_fwd_bwd(*data)
    print(nk._nb.threading_layer())
    for got, want in zip([y] + [a.grad for a in args[:3]], ref):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=2e-3, atol=2e-3)
    fns = {"mxnb": lambda: mx_conv_fwd_bwd(*args), "numpy im2col": lambda: np_conv_fwd_bwd(*data)}
    if torch is not None:
        tx, tw, tb, tdy = (torch.from_numpy(a) for a in data)
        for t in (tx, tw, tb):
            t.requires_grad_(True)
        fns["torch"] = lambda: torch.nn.functional.conv2d(tx, tw, tb, padding=PAD).backward(tdy)
    med = _interleaved(fns, 7)
    print(CONV)
    for k, v in med.items():
        print(f"  {k:14s} {v * 1e3:9.1f} ms   baseline / this = {med['numpy im2col'] / v:5.2f}")
    xs = _softmax_data()
    xm = mx.nd.array(xs)
    np.testing.assert_allclose(mx.nd.softmax(xm).asnumpy(), np_softmax(xs), rtol=1e-5,
                               atol=1e-7)
    fns = {"mxnb": lambda: mx.nd.softmax(xm), "numpy": lambda: np_softmax(xs)}
    if torch is not None:
        xt = torch.from_numpy(xs)
        fns["torch"] = lambda: torch.softmax(xt, -1)
    med = _interleaved(fns, 21)
    print(SOFTMAX)
    for k, v in med.items():
        print(f"  {k:14s} {v * 1e3:9.2f} ms   numpy / this = {med['numpy'] / v:5.2f}")


if __name__ == "__main__":
    main()
