"""mx.nd.contrib (mxnb/ndarray/contrib.py) vs MXNet 1.9.1's answers."""
import numpy as np
import pytest

import mxnb as mx

c = mx.nd.contrib


def test_isnan_isinf_isfinite():
    x = mx.nd.array([1., np.nan, np.inf, -np.inf])
    assert c.isnan(x).asnumpy().tolist() == [0., 1., 0., 0.]
    assert c.isinf(x).asnumpy().tolist() == [0., 0., 1., 1.]
    assert c.isfinite(x).asnumpy().tolist() == [1., 0., 0., 0.]
    assert c.isnan(mx.nd.array([1, 2], dtype="int32")).dtype == np.int32


def test_boolean_mask_index_copy_and_their_gradients():
    x = mx.nd.arange(6).reshape((3, 2))
    x.attach_grad()
    with mx.autograd.record():
        y = c.boolean_mask(x, mx.nd.array([1, 0, 1]))
    y.backward()
    assert y.asnumpy().tolist() == [[0., 1.], [4., 5.]]
    assert x.grad.asnumpy().tolist() == [[1., 1.], [0., 0.], [1., 1.]]
    with pytest.raises(mx.MXNetError):
        c.boolean_mask(x, mx.nd.array([0, 1]), axis=1)
    assert c.index_copy(mx.nd.zeros((3,)), mx.nd.array([2, 0]), mx.nd.array([5., 6])) \
        .asnumpy().tolist() == [6., 0., 5.]
    old, new = mx.nd.zeros((3, 2)), mx.nd.array([[1., 2], [3, 4]])
    old.attach_grad()
    new.attach_grad()
    with mx.autograd.record():
        y = c.index_copy(old, mx.nd.array([2, 0]), new)
    y.backward(mx.nd.arange(6).reshape((3, 2)))
    assert y.asnumpy().tolist() == [[3., 4.], [0., 0.], [1., 2.]]
    assert old.grad.asnumpy().tolist() == [[0., 0.], [2., 3.], [0., 0.]]
    assert new.grad.asnumpy().tolist() == [[4., 5.], [0., 1.]]


def test_index_array_arange_like_and_small_ops():
    r = c.index_array(mx.nd.ones((2, 3)))
    assert r.dtype == np.int64 and r.shape == (2, 3, 2) and r.asnumpy()[1, 2].tolist() == [1, 2]
    assert c.index_array(mx.nd.ones((2, 3)), axes=(1,)).asnumpy()[:, :, 0].tolist() == \
        [[0, 1, 2]] * 2
    assert c.arange_like(mx.nd.ones((2, 3))).asnumpy().tolist() == [[0., 1., 2.], [3., 4., 5.]]
    assert c.arange_like(mx.nd.ones((2, 3)), axis=1, start=2, step=0.5).asnumpy().tolist() == \
        [2., 2.5, 3.]
    assert c.arange_like(mx.nd.ones((2, 3)), repeat=2).asnumpy().tolist() == \
        [[0., 0., 1.], [1., 2., 2.]]
    assert c.div_sqrt_dim(mx.nd.ones((2, 4))).asnumpy().tolist() == [[0.5] * 4] * 2
    assert c.quadratic(mx.nd.array([1., 2]), a=1, b=2, c=3).asnumpy().tolist() == [6., 11.]
    r = c.allclose(mx.nd.array([1., 2]), mx.nd.array([1., 2.0000001]))
    assert r.shape == () and r.dtype == np.uint8 and r.asscalar() == 1
    assert c.allclose(mx.nd.array([1., 2]), mx.nd.array([1., 3])).asscalar() == 0
    x = mx.nd.array([1., 2.])
    x.attach_grad()
    with mx.autograd.record():
        y = c.gradientmultiplier(x, scalar=3.)
    y.backward(mx.nd.array([1., 10]))
    assert y.asnumpy().tolist() == [1., 2.] and x.grad.asnumpy().tolist() == [3., 30.]


def test_foreach_while_loop_cond():
    def body(x, states):
        s = states[0] + x
        return [s * 2], [s]

    outs, st = c.foreach(body, mx.nd.arange(6).reshape((3, 2)), [mx.nd.zeros((2,))])
    assert isinstance(outs, list) and isinstance(st, list)
    assert outs[0].asnumpy().tolist() == [[0., 2.], [4., 8.], [12., 18.]]
    assert st[0].asnumpy().tolist() == [6., 9.]
    o, s = c.foreach(lambda x, s: (x + s, s * 2), mx.nd.arange(3), mx.nd.ones((1,)))
    assert o.asnumpy().tolist() == [[1.], [3.], [6.]] and s.asnumpy().tolist() == [8.]
    x = mx.nd.array([1., 2.])
    x.attach_grad()
    with mx.autograd.record():
        o, s = c.foreach(lambda a, st: (a * st, st + a), x, mx.nd.ones((1,)))
        loss = o.sum() + s.sum()
    loss.backward()
    assert x.grad.asnumpy().tolist() == [4., 3.]

    outs, vs = c.while_loop(lambda i, s: i < 3, lambda i, s: ([i + s], [i + 1, s * 2]),
                            [mx.nd.array([0.]), mx.nd.array([1.])], max_iterations=3)
    assert outs[0].asnumpy().tolist() == [[1.], [3.], [6.]]
    assert [v.asnumpy().tolist() for v in vs] == [[3.], [8.]]
    outs, v = c.while_loop(lambda i: i < 2, lambda i: (i * 10, i + 1), mx.nd.array([0.]),
                           max_iterations=3)
    assert outs.asnumpy()[:2].tolist() == [[0.], [10.]] and v.asnumpy().tolist() == [2.]
    assert c.cond(mx.nd.array([1]), lambda: mx.nd.ones((2,)),
                  lambda: mx.nd.zeros((2,))).asnumpy().tolist() == [1., 1.]
    r = c.cond(mx.nd.array([0]), lambda: [mx.nd.ones((2,))], lambda: [mx.nd.zeros((2,))])
    assert r[0].asnumpy().tolist() == [0., 0.]
