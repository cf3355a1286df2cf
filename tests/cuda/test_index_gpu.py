"""pick and one_hot on gpu(0): device kernels (`cuda_index`), the CPU's results bit for bit.

The indices go through the CPU's own normalisation (truncation, clip or wrap), so
out-of-range and negative indices behave as on the CPU.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_launch

pytestmark = pytest.mark.cudasim
nd = mx.nd


@pytest.fixture
def no_host(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("went through the host")

    monkeypatch.setattr(cuda_launch, "host_fallback", refuse)
    monkeypatch.setattr(cuda_launch, "host_backward", refuse)


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
