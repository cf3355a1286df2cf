"""DeformableConvolution beside plain Convolution and a NumPy deformable im2col, same run.

(2, 16, 32, 32) float32 data, 16 filters, 3x3, pad 1, offsets in +-1. The NumPy baseline
samples the four corners of every tap with fancy indexing (DCNv2's zero-outside rule,
which needs no clamping), weights them and runs one `np.dot`.

Run with `python -m pytest bench/bench_contrib_det.py --benchmark-enable
--benchmark-group-by=group`, or `python bench/bench_contrib_det.py` for medians.
"""
import time

import numpy as np
import pytest

import mxnb as mx

N, C, F, HW = 2, 16, 16, 32
KW = dict(kernel=(3, 3), pad=(1, 1), num_filter=F)


def _data():
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, (N, C, HW, HW)).astype(np.float32)
    w = rs.uniform(-1, 1, (F, C, 3, 3)).astype(np.float32)
    b = rs.uniform(-1, 1, F).astype(np.float32)
    off = rs.uniform(-1, 1, (N, 18, HW, HW)).astype(np.float32)
    return x, w, b, off


def np_deform_conv(x, w, b, off):
    """DCN forward (zero outside the image) with NumPy fancy indexing and one gemm."""
    n, c, h, wd = x.shape
    k = np.arange(9)
    oh, ow = np.meshgrid(np.arange(h), np.arange(wd), indexing="ij")
    o = off.reshape(n, 9, 2, h, wd)
    ys = (oh - 1 + (k // 3)[:, None, None])[None] + o[:, :, 0]      # (n, 9, h, w)
    xs = (ow - 1 + (k % 3)[:, None, None])[None] + o[:, :, 1]
    y0, x0 = np.floor(ys), np.floor(xs)
    ly, lx = ys - y0, xs - x0
    y0, x0 = y0.astype(np.int64), x0.astype(np.int64)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    bi = np.arange(n)[:, None, None, None]
    col = 0
    for dy, dx, wt in ((0, 0, (1 - ly) * (1 - lx)), (0, 1, (1 - ly) * lx), (1, 0, ly * (1 - lx)),
                       (1, 1, ly * lx)):
        r = np.clip(y0 + dy + 1, 0, h + 1)
        q = np.clip(x0 + dx + 1, 0, wd + 1)
        col = col + xp[bi, :, r, q].transpose(0, 4, 1, 2, 3) * wt[:, None]   # (n, c, 9, h, w)
    col = col.transpose(1, 2, 0, 3, 4).reshape(c * 9, n * h * wd)
    y = np.dot(w.reshape(F, -1), col).reshape(F, n, h, wd).transpose(1, 0, 2, 3)
    return y + b[None, :, None, None]


def _mx():
    x, w, b, off = _data()
    return [mx.nd.array(a) for a in (x, w, b, off)]


@pytest.mark.benchmark(group="deformable conv fwd")
def test_conv(benchmark):
    x, w, b, _ = _mx()
    benchmark(lambda: mx.nd.Convolution(x, w, b, **KW).wait_to_read())


@pytest.mark.benchmark(group="deformable conv fwd")
def test_deformable_conv(benchmark):
    x, w, b, off = _mx()
    benchmark(lambda: mx.nd.contrib.DeformableConvolution(x, off, w, b, **KW).wait_to_read())


@pytest.mark.benchmark(group="deformable conv fwd")
def test_numpy_deformable_conv(benchmark):
    benchmark(np_deform_conv, *_data())


def _median(f, n=20):
    f()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts)) * 1e3


if __name__ == "__main__":
    x, w, b, off = _mx()
    conv = _median(lambda: mx.nd.Convolution(x, w, b, **KW).wait_to_read())
    dcn = _median(lambda: mx.nd.contrib.DeformableConvolution(x, off, w, b, **KW).wait_to_read())
    ref = _median(lambda: np_deform_conv(*_data()))
    print(f"Convolution {conv:.2f} ms, DeformableConvolution {dcn:.2f} ms "
          f"({dcn / conv:.1f}x), NumPy deformable {ref:.2f} ms")
