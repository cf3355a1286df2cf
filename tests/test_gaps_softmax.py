"""softmax(data, length, use_length=True) against a NumPy float64 oracle and MXNet 1.9.1."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.test_utils import check_grads

from test_nn_act import f64, fused_equals_vjp


def np_masked_softmax(x, length, axis=-1, t=1.0):
    """Softmax of each row along `axis` over its first length[i] entries, 0 after (float64)."""
    xm = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    out = np.zeros(xm.shape)
    rows, outs = xm.reshape(-1, xm.shape[-1]), out.reshape(-1, xm.shape[-1])
    for r, n in enumerate(np.asarray(length).reshape(-1)):
        if n > 0:
            z = (rows[r, :n] - rows[r, :n].max()) / t
            outs[r, :n] = np.exp(z) / np.exp(z).sum()
    return np.moveaxis(out, -1, axis)


def lengths(shape, axis, rng):
    n = shape[axis]
    rest = tuple(d for i, d in enumerate(shape) if i != axis % len(shape)) or (1,)
    return rng.randint(-1, n + 1, rest)


X = np.arange(24).reshape(2, 3, 4) * 0.3 - 2
L = [[1, 2, 4], [0, 3, 2]]


def test_mxnet_literals():
    x = mx.nd.array(X)
    li = mx.nd.array(L, dtype="int32")
    y = mx.nd.softmax(x, li, use_length=True)   # MXNet 1.9.1
    np.testing.assert_allclose(y.asnumpy(), [
        [[1, 0, 0, 0], [0.42555746, 0.5744425, 0, 0],
         [0.1507936, 0.20355009, 0.27476388, 0.3708924]],
        [[0, 0, 0, 0], [0.23969446, 0.32355365, 0.43675184, 0], [0.42555746, 0.57444257, 0, 0]]],
        rtol=1e-6)
    assert y.dtype == np.float32
    # masked entries are exact zeros
    assert (y.asnumpy()[0, 0, 1:] == 0).all() and (y.asnumpy()[1, 0] == 0).all()
    y = mx.nd.softmax(x, li, use_length=True, temperature=2.0)
    np.testing.assert_allclose(y.asnumpy()[0, 1:], [[0.46257016, 0.5374298, 0, 0],
                                                   [0.19685018, 0.2287073, 0.26571998, 0.30872256]],
                               rtol=1e-6)
    y = mx.nd.softmax(x, mx.nd.array([[1, 2, 3, 0], [0, 3, 2, 1]], dtype="int64"), use_length=True,
                      axis=1)
    np.testing.assert_allclose(y.asnumpy(), [
        [[1, 0.2314752, 0.06517505, 0], [0, 0.7685248, 0.2163888, 0], [0, 0, 0.7184362, 0]],
        [[0, 0.06517505, 0.2314752, 1], [0, 0.21638876, 0.7685248, 0], [0, 0.7184362, 0, 0]]],
        rtol=1e-6)
    # a negative length masks the whole row; dtype= sets the output type
    y = mx.nd.softmax(x, mx.nd.array([[1, 2, 4], [0, 3, -1]], dtype="int32"), use_length=True,
                      dtype="float64")
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.asnumpy()[0, 2], [0.15079361, 0.20355008, 0.27476388, 0.37089242],
                               rtol=1e-7)
    assert (y.asnumpy()[1, 2] == 0).all()
    y = mx.nd.softmax(mx.nd.array([1., 2, 3]), mx.nd.array([2], dtype="int32"), use_length=True)
    np.testing.assert_allclose(y.asnumpy(), [0.26894143, 0.7310586, 0], rtol=1e-6)
    r = mx.nd.softmax(x.astype("float16"), li, use_length=True)
    assert r.dtype == np.float16
    np.testing.assert_allclose(r.asnumpy()[0, 2], [0.1509, 0.2037, 0.275, 0.371], rtol=2e-3)


@pytest.mark.parametrize("shape,axis", [((4, 7), -1), ((4, 7), 0), ((2, 5, 3), 1),
                                        ((2, 3, 130), 0), ((6,), 0)])
def test_matches_numpy(shape, axis):
    rng = np.random.RandomState(0)
    x = rng.uniform(-5, 5, shape)
    ln = lengths(shape, axis, rng)
    for dt, tol in (("float64", 1e-12), ("float32", 2e-6)):
        for t in (1.0, 0.7):
            y = mx.nd.softmax(mx.nd.array(x, dtype=dt), mx.nd.array(ln, dtype="int64"),
                              use_length=True, axis=axis, temperature=t).asnumpy()
            ref = np_masked_softmax(x.astype(dt), ln, axis, t)
            np.testing.assert_allclose(y, ref, rtol=tol, atol=tol)
            assert (y[ref == 0] == 0).all()


def test_gradient_mxnet_literals_and_zero_length_gradient():
    x = mx.nd.array(X)
    x.attach_grad()
    li = mx.nd.array(L, dtype="int32")
    li.attach_grad()
    li.grad[:] = 7
    g = mx.nd.array(np.arange(24).reshape(2, 3, 4) % 5 - 2.)
    with autograd.record():
        y = mx.nd.softmax(x, li, use_length=True, temperature=1.5)
    y.backward(g)
    dx = x.grad.asnumpy()
    np.testing.assert_allclose(dx, [   # MXNet 1.9.1
        [[0, 0, 0, 0], [0.6600442, -0.66004413, 0, 0],
         [0.15009347, 0.330428, -0.31510454, -0.16541697]],
        [[0, 0, 0, 0], [-0.20331855, -0.02904524, 0.23236378, 0], [-0.16501105, 0.16501106, 0, 0]]],
        rtol=2e-6, atol=1e-7)
    assert not np.signbit(dx[dx == 0]).any()          # MXNet writes +0 where masked
    assert li.grad.asnumpy().tolist() == [[0, 0, 0], [0, 0, 0]]   # as MXNet: zeros


@pytest.mark.parametrize("axis", [-1, 0])
def test_gradients(axis):
    rng = np.random.RandomState(1)
    x = f64(rng.uniform(-2, 2, (3, 4)))
    ln = mx.nd.array(lengths((3, 4), axis, rng), dtype="int32")

    def f(v):
        return mx.nd.softmax(v, ln, use_length=True, axis=axis, temperature=1.3)

    check_grads(f, [x], order=2)
    fused_equals_vjp(f, [x], f64(rng.standard_normal((3, 4))))


def test_bad_input():
    x = mx.nd.array(X)
    li = mx.nd.array(L, dtype="int32")
    with pytest.raises(mx.MXNetError, match=r"softmax: .*integer types, not float32.*length"):
        mx.nd.softmax(x, mx.nd.array(L), use_length=True)
    with pytest.raises(mx.MXNetError, match=r"softmax: .*integer types, not uint8"):
        mx.nd.softmax(x, li.astype("uint8"), use_length=True)
    with pytest.raises(mx.MXNetError, match=r"softmax: Shape inconsistent, Provided = \[2\], "
                                             r"inferred shape=\[2,3\].*length"):
        mx.nd.softmax(x, mx.nd.array([1, 2], dtype="int32"), use_length=True)
    with pytest.raises(mx.MXNetError, match=r"softmax: Shape inconsistent, Provided = \[2,3\], "
                                             r"inferred shape=\[2,4\]"):
        mx.nd.softmax(x, li, use_length=True, axis=1)
    with pytest.raises(mx.MXNetError, match="expects 2 inputs"):
        mx.nd.softmax(x, use_length=True)
    with pytest.raises(mx.MXNetError, match="expects 1 inputs"):
        mx.nd.softmax(x, li)
    with pytest.raises(mx.MXNetError, match=r"softmax: length values must be at most 4.*9"):
        mx.nd.softmax(x, mx.nd.array([[1, 2, 9], [0, 3, 2]], dtype="int32"), use_length=True)
    with pytest.raises(mx.MXNetError, match="log_softmax: use_length=True needs a length input"):
        mx.nd.log_softmax(x, use_length=True)
    with pytest.raises(mx.MXNetError, match="cannot find argument 'length'"):
        mx.nd.log_softmax(x, length=li, use_length=True)
