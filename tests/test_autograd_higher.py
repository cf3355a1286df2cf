"""Higher-order gradients (spec 2.7): MXNet 1.9.1's second derivatives, the seed example,
the Q11 fix, and orders 3 and 4."""
import math

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd as ag
from mxnb.base import MXNetError

nd = mx.nd


def second_derivative_at_1(f):
    x = nd.ones((1,))
    x.attach_grad()
    with ag.record():
        y = f(x)
    (dx,) = ag.grad(y, [x], create_graph=True)
    (ddx,) = ag.grad(dx, [x])
    return ddx.asnumpy()[0]


# Values printed by MXNet 1.9.1 for grad(grad(f(x), [x], create_graph=True), [x]) at x=1.
@pytest.mark.parametrize("f,expected,rtol", [
    (nd.exp, 2.7182817, 1e-6),
    (nd.sigmoid, -0.09085775, 1e-5),
    (nd.tanh, -0.6397, 1e-4),
    (nd.sin, -0.84147096, 1e-6),
    (nd.cos, -0.5403023, 1e-6),
    (nd.log, -1.0, 1e-6),
    (nd.sqrt, -0.25, 1e-6),
    (nd.reciprocal, 2.0, 1e-6),
    (nd.square, 2.0, 1e-6),
    (nd.relu, 0.0, 0),
    (nd.abs, 0.0, 0),
    (lambda x: nd.exp(x + 1), 7.389056, 1e-6),
    (lambda x: nd.elemwise_add(nd.exp(x), x), 2.7182817, 1e-6),
], ids=["exp", "sigmoid", "tanh", "sin", "cos", "log", "sqrt", "reciprocal", "square", "relu",
        "abs", "exp(x+1)", "exp(x)+x"])
def test_second_derivatives_match_mxnet(f, expected, rtol):
    assert second_derivative_at_1(f) == pytest.approx(expected, rel=rtol, abs=1e-7)


def test_seed_example():
    x = mx.nd.ones((2,))
    x.attach_grad()
    with mx.autograd.record():
        z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    dx = mx.autograd.grad(z, [x], create_graph=True)
    assert repr(dx) == "[\n[3.7182817 3.7182817]\n<NDArray 2 @cpu(0)>]"
    assert x.grad.asnumpy().tolist() == [0.0, 0.0]
    dx[0].backward()
    assert repr(x.grad) == "\n[2.7182817 2.7182817]\n<NDArray 2 @cpu(0)>"


def test_backward_after_the_shared_graph_was_freed():
    # MXNet 1.9.1 fails with an obscure internal error (Q11) [FIX]
    x = mx.nd.ones((2,))
    x.attach_grad()
    with mx.autograd.record():
        z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    dx = mx.autograd.grad(z, [x], create_graph=True)
    dx[0].backward()
    with pytest.raises(MXNetError, match="Cannot differentiate node because it is not in a "
                                         "computational graph"):
        z.backward()


def test_ops_mxnet_cannot_differentiate_twice():
    # MXNet 1.9.1 raises "is non-differentiable" for these; mxnb differentiates every op.
    x = nd.array([0.5, 2.0], dtype="float64")
    y = nd.array([3.0, -1.0], dtype="float64")
    x.attach_grad()
    y.attach_grad()
    with ag.record():
        f = x * y * x + x ** 3 + 1 / x + nd.broadcast_mul(x, y)
    gx, gy = ag.grad(f, [x, y], create_graph=True)
    xs, ys = np.array([0.5, 2.0]), np.array([3.0, -1.0])
    np.testing.assert_allclose(gx.asnumpy(), 2 * xs * ys + 3 * xs ** 2 - 1 / xs ** 2 + ys)
    np.testing.assert_allclose(gy.asnumpy(), xs ** 2 + xs)
    ag.backward([gx, gy])
    # d/dx (gx + gy) = 2y + 6x + 2/x^3 + 2x + 1 ; d/dy (gx + gy) = 2x + 1
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * ys + 6 * xs + 2 / xs ** 3 + 2 * xs + 1)
    np.testing.assert_allclose(y.grad.asnumpy(), 2 * xs + 1)


def _sigmoid_d3(s):
    return s * (1 - s) * (1 - 6 * s + 6 * s * s)


@pytest.mark.parametrize("f,d3", [
    (nd.exp, lambda v: math.exp(v)),
    (nd.sin, lambda v: -math.cos(v)),
    (lambda x: x * x * x, lambda v: 6.0),
    (nd.sigmoid, lambda v: _sigmoid_d3(1 / (1 + math.exp(-v)))),
    (lambda x: nd.log(x) * x, lambda v: -1 / v ** 2),
], ids=["exp", "sin", "cube", "sigmoid", "xlogx"])
def test_third_order(f, d3):
    v = 0.7
    x = nd.array([v], dtype="float64")
    x.attach_grad()
    with ag.record():
        y = f(x)
    (g1,) = ag.grad(y, [x], create_graph=True)
    (g2,) = ag.grad(g1, [x], create_graph=True)
    g2.backward()
    assert x.grad.asnumpy()[0] == pytest.approx(d3(v), rel=1e-12)


def test_fourth_order_by_repeated_grad():
    x = nd.array([0.3], dtype="float64")
    x.attach_grad()
    with ag.record():
        y = nd.exp(x * 2)
    g = y
    for _ in range(4):
        (g,) = ag.grad(g, [x], create_graph=True)
    assert g.asnumpy()[0] == pytest.approx(16 * math.exp(0.6), rel=1e-12)


def test_create_graph_records_even_when_paused():
    x = nd.array([1.0], dtype="float64")
    x.attach_grad()
    with ag.record():
        y = nd.exp(x)
    with ag.pause():
        (g1,) = ag.grad(y, [x], create_graph=True)
    assert ag.in_graph(g1)
    assert ag.is_recording() is False
    g1.backward()
    assert x.grad.asnumpy()[0] == pytest.approx(math.e)


def test_head_gradients_are_differentiable_inputs():
    # d/dv of grad(y, x, head_grads=v) where the head gradient v is itself a variable
    x = nd.array([0.4, 1.1], dtype="float64")
    v = nd.array([2.0, -3.0], dtype="float64")
    x.attach_grad()
    v.attach_grad()
    with ag.record():
        y = nd.sin(x)
    (gx,) = ag.grad(y, [x], head_grads=[v], create_graph=True)
    gx.backward()
    np.testing.assert_allclose(v.grad.asnumpy(), np.cos([0.4, 1.1]))
    np.testing.assert_allclose(x.grad.asnumpy(), -np.sin([0.4, 1.1]) * [2.0, -3.0])
