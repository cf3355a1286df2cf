"""dot, batch_dot and FullyConnected on mx.gpu() through the tiled gemm kernel: forward and
fused backward against the CPU and float64 NumPy, for every transpose, and no host round trip.

Under the simulator the tiles are 4 x 4 (2 x 2 threads of 2 x 2 outputs, steps of 4 along k),
so these small shapes span several tiles and partial tiles on every edge, and the grid (at
most 4 blocks) strides over the tiles.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_build, cuda_launch

GPU, CPU = mx.gpu(0), mx.cpu(0)


@pytest.fixture(autouse=True)
def no_host(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("ran through the host")

    monkeypatch.setattr(cuda_launch, "host_fallback", boom)
    monkeypatch.setattr(cuda_launch, "host_backward", boom)


def _run(ctx, fn, hosts, attrs):
    xs = [mx.nd.array(h, ctx=ctx, dtype=h.dtype) for h in hosts]
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        y = fn(*xs, **attrs)
    dy = np.random.RandomState(9).uniform(-1, 1, y.shape).astype(hosts[0].dtype)
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=dy.dtype))
    for x in xs:
        assert x.grad.context == ctx
    return y.asnumpy(), [x.grad.asnumpy() for x in xs], dy


def _compare(fn, hosts, attrs, ref=None, rtol=2e-5, atol=2e-6):
    y_g, g_g, dy = _run(GPU, fn, hosts, attrs)
    y_c, g_c, _ = _run(CPU, fn, hosts, attrs)
    assert y_g.shape == y_c.shape and y_g.dtype == y_c.dtype
    np.testing.assert_allclose(y_g, y_c, rtol=rtol, atol=atol)
    for a, b in zip(g_g, g_c):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    if ref is not None:
        y64, grads64 = ref([h.astype(np.float64) for h in hosts], dy.astype(np.float64))
        np.testing.assert_allclose(y_g, y64.reshape(y_g.shape), rtol=rtol, atol=atol)
        for a, b in zip(g_g, grads64):
            np.testing.assert_allclose(a, b.reshape(a.shape), rtol=rtol, atol=atol)


def _mm_ref(ta, tb):
    def ref(hs, dy):
        a, b = hs
        A, B = (a.T if ta else a), (b.T if tb else b)
        da, db = dy @ B.T, A.T @ dy
        return A @ B, [da.T if ta else da, db.T if tb else db]
    return ref


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_dot_every_transpose(ta, tb):
    rng = np.random.RandomState(int(ta) * 2 + int(tb))
    M, N, K = 6, 5, 7
    a = rng.uniform(-1, 1, (K, M) if ta else (M, K)).astype(np.float32)
    b = rng.uniform(-1, 1, (N, K) if tb else (K, N)).astype(np.float32)
    _compare(mx.nd.dot, [a, b], {"transpose_a": ta, "transpose_b": tb}, _mm_ref(ta, tb))


def test_dot_nd_and_vectors_and_float64():
    rng = np.random.RandomState(1)
    f32 = np.float32
    _compare(mx.nd.dot, [rng.randn(2, 3, 5).astype(f32), rng.randn(5, 2).astype(f32)], {})
    _compare(mx.nd.dot, [rng.randn(5, 2, 3).astype(np.float32), rng.randn(5, 3).astype(np.float32)],
             {"transpose_a": True})
    _compare(mx.nd.dot, [rng.randn(9).astype(np.float32), rng.randn(9).astype(np.float32)], {})
    _compare(mx.nd.dot, [rng.randn(5, 7), rng.randn(7, 6)], {}, _mm_ref(False, False),
             rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_batch_dot(ta, tb):
    rng = np.random.RandomState(7)
    B, M, N, K = 2, 5, 3, 6
    a = rng.uniform(-1, 1, (B, K, M) if ta else (B, M, K)).astype(np.float32)
    b = rng.uniform(-1, 1, (B, N, K) if tb else (B, K, N)).astype(np.float32)

    def ref(hs, dy):
        A = hs[0].swapaxes(1, 2) if ta else hs[0]
        Bm = hs[1].swapaxes(1, 2) if tb else hs[1]
        da, db = dy @ Bm.swapaxes(1, 2), A.swapaxes(1, 2) @ dy
        return A @ Bm, [da.swapaxes(1, 2) if ta else da, db.swapaxes(1, 2) if tb else db]

    _compare(mx.nd.batch_dot, [a, b], {"transpose_a": ta, "transpose_b": tb}, ref)


def _fc_ref(flatten, bias):
    def ref(hs, dy):
        x, w = hs[0], hs[1]
        X = x.reshape(x.shape[0], -1) if flatten else x.reshape(-1, x.shape[-1])
        g = dy.reshape(X.shape[0], -1)
        y = X @ w.T + (hs[2] if bias else 0)
        grads = [(g @ w).reshape(x.shape), g.T @ X] + ([g.sum(axis=0)] if bias else [])
        return y, grads
    return ref


@pytest.mark.parametrize("flatten,bias,shape", [(True, True, (5, 2, 3)), (True, False, (5, 7)),
                                                (False, True, (2, 3, 3))])
def test_fully_connected(flatten, bias, shape):
    rng = np.random.RandomState(3)
    units = int(np.prod(shape[1:])) if flatten else shape[-1]
    hs = [rng.uniform(-1, 1, shape), rng.uniform(-1, 1, (6, units))] + \
        ([rng.uniform(-1, 1, 6)] if bias else [])
    hs = [h.astype(np.float32) for h in hs]

    def fc(*xs, **attrs):
        return mx.nd.FullyConnected(*xs, **attrs)

    _compare(fc, hs, {"num_hidden": 6, "no_bias": not bias, "flatten": flatten},
             _fc_ref(flatten, bias))


def test_float16_computes_in_float32():
    rng = np.random.RandomState(4)
    a = rng.uniform(-1, 1, (6, 5)).astype(np.float16)
    b = rng.uniform(-1, 1, (5, 7)).astype(np.float16)
    g = mx.nd.dot(mx.nd.array(a, ctx=GPU, dtype="float16"),
                  mx.nd.array(b, ctx=GPU, dtype="float16"))
    assert g.dtype == np.float16
    want = (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float16)
    np.testing.assert_allclose(g.asnumpy().astype(np.float32), want.astype(np.float32), rtol=1e-3,
                               atol=1e-3)


def test_same_bits_for_any_grid(monkeypatch):
    rng = np.random.RandomState(5)
    x, w, b = (mx.nd.array(rng.randn(*s), ctx=GPU) for s in ((9, 6), (7, 6), (7,)))
    results = []
    for blocks in (4, 1, 64):
        monkeypatch.setattr(cuda_build.config, "max_blocks", blocks)
        results.append(mx.nd.FullyConnected(x, w, b, num_hidden=7).asnumpy().tobytes())
    assert len(set(results)) == 1
