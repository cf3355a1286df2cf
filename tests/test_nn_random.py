"""Dropout and LeakyReLU rrelu: the random nn ops, on mxnb's seeded stream."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.test_utils import check_grads

from test_nn_act import f64, fused_equals_vjp

X = [[1., 2, 3], [0, 1, 1]]


def test_dropout_is_identity_outside_training():
    x = mx.nd.array(X)
    np.testing.assert_array_equal(mx.nd.Dropout(x).asnumpy(), X)
    np.testing.assert_array_equal(mx.nd.Dropout(x, p=0.0, mode="always").asnumpy(), X)
    xv = x.copy()
    xv.attach_grad()
    with autograd.record(train_mode=False):
        y = mx.nd.Dropout(xv, p=0.5)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), X)
    np.testing.assert_array_equal(xv.grad.asnumpy(), np.ones((2, 3)))


def test_dropout_seeded_matches_mxnet():
    # mx.random.seed(1); Dropout(x, mode='always') gives these in MXNet 1.9.1 too.
    x = mx.nd.array(X)
    mx.random.seed(1)
    np.testing.assert_array_equal(mx.nd.Dropout(x, mode="always").asnumpy(),
                                  [[0, 4, 6], [0, 2, 0]])
    mx.random.seed(1)
    xv = x.copy()
    xv.attach_grad()
    with autograd.record():
        y = mx.nd.Dropout(xv, p=0.5)
    y.backward(mx.nd.array([[1, 2, 3], [4, 5, 6]]))
    np.testing.assert_array_equal(xv.grad.asnumpy(), [[0, 4, 6], [0, 10, 0]])
    # p = 1 keeps nothing and scales by 1/0: NaN, as in MXNet
    assert np.isnan(mx.nd.Dropout(x, p=1.0, mode="always").asnumpy()).all()


def test_dropout_statistics_and_reproducibility():
    x = mx.nd.ones((200, 500))
    mx.random.seed(11)
    a = mx.nd.Dropout(x, p=0.3, mode="always").asnumpy()
    mx.random.seed(11)
    b = mx.nd.Dropout(x, p=0.3, mode="always").asnumpy()
    np.testing.assert_array_equal(a, b)
    kept = a != 0
    assert abs(kept.mean() - 0.7) < 0.01  # 100000 draws: the std of the mean is 0.0015
    np.testing.assert_allclose(a[kept], 1 / np.float32(0.7), rtol=1e-6)
    c = mx.nd.Dropout(x, p=0.3, mode="always").asnumpy()
    assert not np.array_equal(a, c)  # the stream moves on


def test_dropout_axes_share_the_mask():
    mx.random.seed(3)
    y = mx.nd.Dropout(mx.nd.ones((6, 5, 4)), p=0.5, mode="always", axes=(1,)).asnumpy()
    assert (y == y[:, :1, :]).all()
    assert set(np.unique(y)) <= {0.0, 2.0}
    y = mx.nd.Dropout(mx.nd.ones((6, 5, 4)), p=0.5, mode="always", axes=(0, 2)).asnumpy()
    assert (y == y[:1, :, :1]).all()


def test_dropout_dtypes():
    mx.random.seed(2)
    y = mx.nd.Dropout(mx.nd.ones((50,), dtype="float64"), p=0.2, mode="always")
    assert y.dtype == np.float64 and set(np.unique(y.asnumpy())) <= {0.0, 1.25}
    y = mx.nd.Dropout(mx.nd.ones((50,), dtype="float16"), p=0.5, mode="always")
    assert y.dtype == np.float16 and set(np.unique(y.asnumpy())) <= {0.0, 2.0}


def test_dropout_gradients_under_a_fixed_seed():
    rng = np.random.RandomState(4)
    x = f64(rng.standard_normal((4, 5)))

    def f(a):
        mx.random.seed(5)  # the same mask on every call, so finite differences apply
        return mx.nd.Dropout(a, p=0.4, mode="always")

    check_grads(lambda a: mx.nd.square(f(a)), [x], order=2)
    fused_equals_vjp(f, [x], f64(rng.standard_normal((4, 5))))
    mask = f(mx.nd.ones((4, 5), dtype="float64")).asnumpy()
    xv = x.copy()
    xv.attach_grad()
    with autograd.record():
        y = f(xv)
    y.backward()
    np.testing.assert_array_equal(xv.grad.asnumpy(), mask)


def test_dropout_bad_input():
    x = mx.nd.ones((2, 3))
    with pytest.raises(mx.MXNetError, match=r"Dropout: p must be in \[0, 1\].*1.5"):
        mx.nd.Dropout(x, p=1.5)
    with pytest.raises(mx.MXNetError, match=r"Dropout: p must be"):
        mx.nd.Dropout(x, p=-0.5)
    with pytest.raises(mx.MXNetError, match=r"Dropout: axes \(5,\): index 5 .*\[0, 2\).*\[2,3\]"):
        mx.nd.Dropout(x, axes=(5,))
    with pytest.raises(mx.MXNetError, match=r"Dropout: .*'sometimes'.*mode"):
        mx.nd.Dropout(x, mode="sometimes")
    with pytest.raises(mx.MXNetError, match=r"Dropout: .*floating point.*int32"):
        mx.nd.Dropout(x.astype("int32"), mode="always")


def test_rrelu_training_draws_slopes():
    x = mx.nd.array(np.linspace(-3, 3, 400))
    mx.random.seed(9)
    xv = x.copy()
    xv.attach_grad()
    with autograd.record():
        out, mask = mx.nd.LeakyReLU(xv, act_type="rrelu", lower_bound=0.1, upper_bound=0.3)
    out.backward()
    m = mask.asnumpy()
    assert (m >= 0.1).all() and (m < 0.3).all() and m.std() > 0.03
    xn = x.asnumpy()
    np.testing.assert_allclose(out.asnumpy(), np.where(xn > 0, xn, xn * m), rtol=1e-6)
    np.testing.assert_allclose(xv.grad.asnumpy(), np.where(xn > 0, 1.0, m), rtol=1e-6)
    with pytest.raises(mx.MXNetError, match="lower_bound"):
        mx.nd.LeakyReLU(x, act_type="rrelu", lower_bound=0.5, upper_bound=0.3)
