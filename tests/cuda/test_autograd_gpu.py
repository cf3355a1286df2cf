"""Autograd on mx.gpu(): gradients stay on the device, grad_req, broadcasting, higher order."""
import numpy as np
import pytest

import mxnb as mx
from mxnb.test_utils import check_grads

GPU = mx.gpu(0)


def _on_device(a):
    return a.context == GPU and not isinstance(a._data, np.ndarray)


def test_gradients_stay_on_the_device():
    x = mx.nd.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], ctx=GPU)
    w = mx.nd.array([1.0, 2.0, 3.0], ctx=GPU)
    x.attach_grad()
    w.attach_grad()
    assert _on_device(x.grad) and (x.grad.asnumpy() == 0).all()
    with mx.autograd.record():
        y = mx.nd.tanh(x) * w + x  # broadcast_mul: w's gradient is summed on the device
    y.backward()
    assert _on_device(x.grad) and _on_device(w.grad)
    xn, wn = x.asnumpy().astype(np.float64), w.asnumpy().astype(np.float64)
    np.testing.assert_allclose(x.grad.asnumpy(), (1 - np.tanh(xn) ** 2) * wn + 1, rtol=1e-5)
    np.testing.assert_allclose(w.grad.asnumpy(), np.tanh(xn).sum(axis=0), rtol=1e-5)


def test_grad_req_add_accumulates_on_the_device_and_null_skips():
    x = mx.nd.array([1.0, 2.0, 3.0], ctx=GPU)
    z = mx.nd.array([1.0, 1.0, 1.0], ctx=GPU)
    x.attach_grad(grad_req="add")
    z.attach_grad(grad_req="null")
    for _ in range(3):
        with mx.autograd.record():
            y = x * x * z
        y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), 3 * 2 * np.array([1.0, 2.0, 3.0]))
    assert _on_device(x.grad)


def test_head_gradient_and_a_path_used_twice():
    x = mx.nd.array([0.1, 0.2, 0.3], ctx=GPU)
    x.attach_grad()
    with mx.autograd.record():
        e = mx.nd.exp(x)
        y = e * e + e  # two paths into e: their gradients are added on the device
    y.backward(mx.nd.array([1.0, 2.0, 3.0], ctx=GPU))
    ex = np.exp(np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(x.grad.asnumpy(), np.array([1, 2, 3]) * (2 * ex * ex + ex),
                               rtol=1e-5)


def test_second_order_through_vjps_on_the_device():
    x = mx.nd.array([0.3, -0.7, 1.1], ctx=GPU, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sin(x) * x
        (g,) = mx.autograd.grad(y, [x], create_graph=True)
    assert _on_device(g)
    g.backward()
    xn = x.asnumpy()
    np.testing.assert_allclose(g.asnumpy(), np.cos(xn) * xn + np.sin(xn), rtol=1e-12)
    np.testing.assert_allclose(x.grad.asnumpy(), -np.sin(xn) * xn + 2 * np.cos(xn), rtol=1e-12)


@pytest.mark.parametrize("f", [
    lambda x: mx.nd.sigmoid(x) * x,
    lambda x: mx.nd.log(x * x + 1) / (x + 3),
    lambda x: x ** 3 - 2 * x,
], ids=["sigmoid", "log_div", "power"])
def test_check_grads_to_order_two_on_the_device(f):
    x = mx.nd.array([[0.4, -0.3], [1.2, 0.7]], ctx=GPU, dtype="float64")
    with GPU:  # the finite-difference points are made on the current context
        check_grads(f, [x], order=2)


def test_check_grads_with_broadcasting_on_the_device():
    a = mx.nd.array([[0.4, -0.3, 0.5]], ctx=GPU, dtype="float64")
    b = mx.nd.array([[1.2], [0.7]], ctx=GPU, dtype="float64")
    with GPU:
        check_grads(lambda a, b: mx.nd.broadcast_mul(a, mx.nd.exp(b)) + a, [a, b], order=2)


def test_indexing_and_reshape_record_on_the_device():
    x = mx.nd.array(np.arange(6.0).reshape(2, 3), ctx=GPU)
    x.attach_grad()
    with mx.autograd.record():
        y = x[1] * 2             # a contiguous view; its backward runs through the host
        z = x.reshape((3, 2))[0] * 3
    mx.autograd.backward([y, z])
    assert _on_device(x.grad)
    np.testing.assert_array_equal(x.grad.asnumpy(), [[3, 3, 0], [2, 2, 2]])
