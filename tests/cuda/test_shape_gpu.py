"""Reshapes, identities, fills, shape queries, add_n and amp_cast on gpu(0) stay on the
device (`cuda_shape`).

Each op runs forward and backward on the GPU with the host path made to raise,
and matches the same call on the CPU bit for bit: the only arithmetic here (adds,
products, casts) is correctly rounded on both.
"""
import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim


@pytest.fixture
def no_host(host_guard):
    host_guard()


CASES = [
    ("reshape", lambda x: mx.nd.reshape(x, shape=(3, -1))),
    ("Reshape -3", lambda x: mx.nd.Reshape(x, shape=(-3,))),
    ("reshape_like", lambda x: mx.nd.reshape_like(x, mx.nd.zeros((6, 2), ctx=x.context))),
    ("expand_dims", lambda x: mx.nd.expand_dims(x, axis=1)),
    ("squeeze", lambda x: mx.nd.squeeze(mx.nd.expand_dims(x, axis=0))),
    ("flatten", lambda x: mx.nd.flatten(mx.nd.reshape(x, shape=(2, 3, 2)))),
    ("gradientmultiplier", lambda x: mx.nd.contrib.gradientmultiplier(x, scalar=-0.3)),
    ("BlockGrad", lambda x: mx.nd.BlockGrad(x) * x),
    ("zeros_like", lambda x: mx.nd.zeros_like(x) + x),
    ("ones_like", lambda x: mx.nd.ones_like(x) * x),
    ("add_n", lambda x: mx.nd.add_n(x, x * 0.3, x * x)),
    ("amp_cast", lambda x: mx.nd.amp_cast(x, dtype="float16").astype(x.dtype) * x),
    ("amp_cast same", lambda x: mx.nd.amp_cast(x, dtype=x.dtype) * 2),
]


def _run(ctx, fn, dtype):
    rng = np.random.RandomState(3)
    x = mx.nd.array(rng.uniform(-2, 2, (4, 3)), ctx=ctx, dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    head = mx.nd.array(rng.uniform(-1, 1, y.shape), ctx=ctx, dtype=dtype)
    y.backward(head)
    assert y.context == ctx and x.grad.context == ctx
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_forward_and_backward_on_the_device_match_the_cpu(no_host, name, fn, dtype):
    gy, gg = _run(mx.gpu(0), fn, dtype)
    cy, cg = _run(mx.cpu(0), fn, dtype)
    assert gy.shape == cy.shape and gy.dtype == cy.dtype
    np.testing.assert_array_equal(gy, cy)
    np.testing.assert_array_equal(gg, cg)


@pytest.mark.parametrize("kw,scale", [({}, 1.0), ({"grad_scale": 2.5}, 2.5),
                                      ({"normalization": "batch"}, 1 / 4),
                                      ({"normalization": "valid", "valid_thresh": 0.5}, None)])
def test_loss_markers_fill_their_gradient_on_the_device(no_host, kw, scale):
    x = mx.nd.array([[0.1, 0.7, 1.2], [0.9, -1, 0.2], [0.6, 0.6, 0], [3, 0, 0]], ctx=mx.gpu(0))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.MakeLoss(x, **kw)
    y.backward(mx.nd.ones((4, 3), ctx=mx.gpu(0)) * 7)   # the head gradient is ignored
    want = 1 / 6 if scale is None else scale             # 6 elements above 0.5
    np.testing.assert_allclose(x.grad.asnumpy(), np.full((4, 3), want, np.float32), rtol=1e-7)
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    with mx.autograd.record():
        z = mx.nd.make_loss(x)
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.ones((4, 3), np.float32))


def test_shape_and_size_arrays_on_the_device(no_host):
    x = mx.nd.zeros((2, 5, 3), ctx=mx.gpu(0))
    s, n = mx.nd.shape_array(x), mx.nd.size_array(x)
    assert s.context == mx.gpu(0) and s.dtype == np.int64
    assert s.asnumpy().tolist() == [2, 5, 3] and n.asnumpy().tolist() == [30]
