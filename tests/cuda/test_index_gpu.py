"""take, pick and one_hot on gpu(0): device kernels (`cuda_index`), the CPU's results bit for bit.

The indices go through the CPU's own normalisation (truncation, clip or wrap), so
out-of-range and negative indices behave as on the CPU.
"""
import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim
nd = mx.nd


@pytest.fixture
def no_host(host_guard):
    host_guard()


def _pick(ctx, dtype, idx, **kw):
    x = nd.array(np.random.RandomState(2).uniform(-2, 2, (2, 3, 4)), ctx=ctx, dtype=dtype)
    x.attach_grad()
    i = nd.array(idx, ctx=ctx)
    with mx.autograd.record():
        y = nd.pick(x, i, **kw)
    y.backward(nd.array(np.arange(y.size).reshape(y.shape) + 1.5, ctx=ctx, dtype=dtype))
    assert y.context == ctx and x.grad.context == ctx
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("idx,kw", [
    (np.array([[0, 2, 1, 2], [1.7, -1, 9, 0]]), {"axis": 1}),
    (np.array([[0, 2, 1, 2], [1.7, -1, 9, 0]]), {"axis": 1, "mode": "wrap"}),
    (np.array([[[3], [0], [-2]], [[1], [2], [5]]]), {"axis": -1, "keepdims": True,
                                                      "mode": "wrap"}),
    (np.array([[1, 1, 0], [2, 3, 3]]), {"axis": 2}),
], ids=["clip", "wrap", "keepdims", "last"])
def test_pick_forward_and_backward_on_the_device(no_host, dtype, idx, kw):
    gy, gg = _pick(mx.gpu(0), dtype, idx, **kw)
    cy, cg = _pick(mx.cpu(0), dtype, idx, **kw)
    np.testing.assert_array_equal(gy, cy)
    np.testing.assert_array_equal(gg, cg)


@pytest.mark.parametrize("kw", [{}, {"on_value": 3.5, "off_value": -1, "dtype": "float64"},
                                {"on_value": 7.9, "dtype": "int32"}, {"dtype": "float16"}])
def test_one_hot_on_the_device(no_host, kw):
    idx = np.array([[1.0, 0.0, 2.9], [-1.0, 3.0, 7.0]])
    g = nd.one_hot(nd.array(idx, ctx=mx.gpu(0)), 4, **kw)
    c = nd.one_hot(nd.array(idx), 4, **kw)
    assert g.context == mx.gpu(0) and g.dtype == c.dtype and g.shape == (2, 3, 4)
    np.testing.assert_array_equal(g.asnumpy(), c.asnumpy())


def _take(ctx, dtype, shape, idx, **kw):
    x = nd.array(np.random.RandomState(4).uniform(-2, 2, shape), ctx=ctx, dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.take(x, nd.array(idx, ctx=ctx), **kw)
    y.backward(nd.array(np.random.RandomState(6).uniform(-1, 1, y.shape), ctx=ctx, dtype=dtype))
    assert y.context == ctx and x.grad.context == ctx
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape,idx,kw", [
    ((5, 3), np.array([[4, 0, 4], [1.9, 4, -3]]), {}),
    ((2, 5, 3), np.array([7, -1, 2, 2, 2]), {"axis": 1, "mode": "wrap"}),
    ((2, 3, 5), np.array([[0, 4], [4, 0]]), {"axis": -1, "mode": "raise"}),
], ids=["clip-rows", "wrap-middle", "raise-last"])
def test_take_and_its_repeated_index_gradient_on_the_device(no_host, dtype, shape, idx, kw):
    gy, gg = _take(mx.gpu(0), dtype, shape, idx, **kw)
    cy, cg = _take(mx.cpu(0), dtype, shape, idx, **kw)
    np.testing.assert_array_equal(gy, cy)
    np.testing.assert_array_equal(gg, cg)


def test_take_second_order_and_raise_on_the_device(no_host):
    def grads(ctx):
        x = nd.array(np.arange(12.0).reshape(4, 3), ctx=ctx, dtype="float64")
        x.attach_grad()
        with mx.autograd.record():
            y = (nd.take(x, nd.array([3, 1, 3], ctx=ctx)) ** 2).sum()
            (g,) = mx.autograd.grad(y, [x], create_graph=True)
            z = (g * nd.arange(12, ctx=ctx, dtype="float64").reshape((4, 3))).sum()
        z.backward()
        return g.asnumpy(), x.grad.asnumpy()

    for a, b in zip(grads(mx.gpu(0)), grads(mx.cpu(0))):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(mx.base.MXNetError, match="out of bound"):
        nd.take(nd.zeros((3, 2), ctx=mx.gpu(0)), nd.array([3], ctx=mx.gpu(0)), mode="raise")


@pytest.mark.parametrize("key", [np.array([2, 0, 2, 2]), ([1, 1, 0], [3, 0, 3]),
                                 (slice(None), [0, 3, 3])], ids=["rows", "pairs", "columns"])
def test_advanced_indexing_and_its_repeated_index_gradient_on_the_device(host_guard, key):
    host_guard({"_gather_flat", "_scatter_flat"})

    def run(ctx):
        x = nd.array(np.arange(12.0).reshape(3, 4) / 7, ctx=ctx, dtype="float64")
        x.attach_grad()
        k = nd.array(key, ctx=ctx) if isinstance(key, np.ndarray) else key
        with mx.autograd.record():
            y = (x[k] * x[k]).sum()
            (g,) = mx.autograd.grad(y, [x], create_graph=True)
            z = (g * nd.arange(12, ctx=ctx, dtype="float64").reshape((3, 4))).sum()
        z.backward()
        return g.asnumpy(), x.grad.asnumpy()

    for a, b in zip(run(mx.gpu(0)), run(mx.cpu(0))):
        np.testing.assert_array_equal(a, b)
