"""Elementwise results pinned to MXNet 1.9.1's answers (found by tools/diff)."""
import numpy as np
import pytest

import mxnb as mx


def _bits(a):
    """Values with the sign of zero made visible."""
    a = np.asarray(a, dtype=np.float64)
    return [(float(v), bool(np.signbit(v))) for v in a]


def test_round_rint_of_integers_is_identity():
    for dt in ("int8", "int32"):
        x = mx.nd.array([-3, 2, 0, 5], dtype=dt)
        assert mx.nd.round(x).asnumpy().tolist() == [-3, 2, 0, 5]
        assert mx.nd.rint(x).asnumpy().tolist() == [-3, 2, 0, 5]
    # floats keep MXNet's halves: round away from zero, rint toward -inf
    x = mx.nd.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999997])
    assert mx.nd.round(x).asnumpy().tolist() == [1, 2, 3, -1, -2, 0]
    assert mx.nd.rint(x).asnumpy().tolist() == [0, 1, 2, -1, -2, 0]


def test_mod_zero_signs_match_mxnet():
    a = mx.nd.array([-2., 2, -2, 2, 0, -0.0, 3, -3])
    b = mx.nd.array([2., -2, -2, 2, -2, 2, 1.5, -1.5])
    # MXNet 1.9.1 prints [ 0.  0. -0.  0.  0. -0.  0. -0.]
    assert _bits((a % b).asnumpy()) == _bits([0., 0., -0., 0., 0., -0., 0., -0.])
    assert _bits((a % 2).asnumpy()) == _bits([0., 0., 0., 0., 0., -0., 1., 1.])
    assert _bits((a % -2).asnumpy()) == _bits([-0., 0., -0., 0., 0., 0., -1., -1.])
    assert _bits((4 % b).asnumpy()) == _bits([0., 0., 0., 0., 0., 0., 1., -0.5])
    assert _bits((-4 % b).asnumpy()) == _bits([0., -0., -0., 0., -0., 0., 0.5, -1.])


def test_mod_values_follow_python_sign_rule():
    a = mx.nd.array([5.5, -5.5, 5.5, -5.5])
    b = mx.nd.array([2., 2., -2., -2.])
    assert (a % b).asnumpy().tolist() == [1.5, 0.5, -0.5, -1.5]
    ai = mx.nd.array([-7, 7, -7, 7, -6], dtype="int32")
    bi = mx.nd.array([2, -2, -2, 2, 3], dtype="int32")
    assert (ai % bi).asnumpy().tolist() == [1, -1, -1, 1, 0]
    assert (ai % 3).asnumpy().tolist() == [2, 1, 2, 1, 0]
    assert (mx.nd.array([1., 2.]) % 0).asnumpy().tolist() == [0., 0.]


def test_clip_tests_a_max_first():
    # MXNet: x > a_max ? a_max : (x < a_min ? a_min : x)
    y = mx.nd.clip(mx.nd.array([-2., 0.5, 3., np.nan]), 1, -1).asnumpy()
    assert y[:3].tolist() == [1., -1., -1.] and np.isnan(y[3])
    y = mx.nd.clip(mx.nd.array([np.nan, 1.]), 0, 0.5).asnumpy()
    assert np.isnan(y[0]) and y[1] == 0.5


def _grad(f, x):
    x.attach_grad()
    with mx.autograd.record():
        y = f(x)
    y.backward(mx.nd.ones(y.shape) * 5)
    return y, x.grad.asnumpy().tolist()


def test_blockgrad_and_stop_gradient_block_the_gradient():
    x = mx.nd.array([1., 2.])
    y, g = _grad(lambda v: mx.nd.BlockGrad(v * 2) * v + mx.nd.stop_gradient(v), x)
    assert y.asnumpy().tolist() == [3., 10.]
    assert g == [10., 20.]  # only through the unblocked factor v: 5 * (2v)


def test_make_loss_gradient_ignores_the_head_gradient():
    x = mx.nd.array([1., 2.])
    y, g = _grad(lambda v: mx.nd.make_loss(v * 2), x)
    assert y.asnumpy().tolist() == [2., 4.] and g == [2., 2.]
    x = mx.nd.array([[1., -2], [3, 0.5]])
    # MXNet 1.9.1: grad_scale=3 -> 6; 'batch' -> 2/2; 'valid' (3 elements > 0.8) -> 2/3
    assert _grad(lambda v: mx.nd.MakeLoss(v * 2, grad_scale=3), x)[1] == [[6., 6.], [6., 6.]]
    assert _grad(lambda v: mx.nd.MakeLoss(v * 2, normalization="batch"), x)[1] == [[1., 1.]] * 2
    g = _grad(lambda v: mx.nd.MakeLoss(v * 2, normalization="valid", valid_thresh=0.8), x)[1]
    np.testing.assert_allclose(g, [[0.6666667, 0.6666667]] * 2, rtol=1e-6)


def test_add_n_and_elementwisesum():
    x = mx.nd.array([1., 2.])
    y, g = _grad(lambda v: mx.nd.add_n(v, v * 2, v * v), x)
    assert y.asnumpy().tolist() == [4., 10.] and g == [25., 35.]
    assert mx.nd.ElementWiseSum(mx.nd.ones((2,)), mx.nd.ones((2,))).asnumpy().tolist() == [2., 2.]
    with pytest.raises(mx.MXNetError):
        mx.nd.add_n(mx.nd.ones((2,)), mx.nd.ones((3,)))


def test_logical_not_and_hard_sigmoid():
    assert mx.nd.logical_not(mx.nd.array([-2.5, 0., 0.3])).asnumpy().tolist() == [0., 1., 0.]
    y = mx.nd.logical_not(mx.nd.array([0, 1, -2], dtype="int32"))
    assert y.dtype == np.int32 and y.asnumpy().tolist() == [1, 0, 0]
    x = mx.nd.array([-3., 0, 1, 3])
    y, g = _grad(lambda v: mx.nd.hard_sigmoid(v, alpha=0.3, beta=0.4), x)
    np.testing.assert_array_equal(y.asnumpy(), np.float32([0., 0.4, 0.70000005, 1.]))
    np.testing.assert_allclose(g, [0., 1.5, 1.5, 0.], rtol=1e-6)
    np.testing.assert_allclose(mx.nd.hard_sigmoid(mx.nd.array([-1.5, 0.3, 4.])).asnumpy(),
                               [0.19999999, 0.56, 1.], rtol=1e-6)


def test_eye_linspace_concatenate_and_sampler_op_names():
    assert mx.nd.eye(2, 3, k=-1, dtype="float64").asnumpy().tolist() == [[0, 0, 0], [1, 0, 0]]
    assert mx.nd.eye(3, k=5).asnumpy().sum() == 0 and mx.nd.eye(3).dtype == np.float32
    np.testing.assert_array_equal(
        mx.nd.linspace(0, 1, 7).asnumpy(),
        np.float32([0.0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666865348816,
                    0.8333333134651184, 1.0]))
    assert mx.nd.linspace(0, 1, 7, dtype="int32").asnumpy().tolist() == [0] * 6 + [1]
    assert mx.nd.linspace(3, -1, 4, endpoint=False, dtype="float64").asnumpy().tolist() == \
        [3., 2., 1., 0.]
    a = mx.nd.ones((1, 2))
    assert mx.nd.concatenate([a, a * 2], axis=1).asnumpy().tolist() == [[1., 1., 2., 2.]]
    assert mx.nd.concatenate([a], always_copy=False) is a
    mx.random.seed(3)  # MXNet 1.9.1: [0.58530223 0.42165753 0.44139108], then [0.32752714 ...]
    np.testing.assert_array_equal(mx.nd.random_uniform(shape=(3,)).asnumpy(),
                                  np.float32([0.58530223, 0.42165753, 0.44139108]))
    np.testing.assert_array_equal(mx.nd.uniform(shape=(2,)).asnumpy(),
                                  np.float32([0.32752714, 0.26400155]))


def test_regression_outputs_match_mxnet():
    x = mx.nd.array([[1., 2, 3], [-1, 0, 5]])
    lab = mx.nd.array([[0., 1, 1], [1, 0, 2]])
    want = {  # MXNet 1.9.1, grad_scale=2, head gradient 5 (ignored)
        "LinearRegressionOutput": [[0.6666667, 0.6666667, 1.3333334], [-1.3333334, 0., 2.]],
        "LogisticRegressionOutput": [[0.4873724, -0.07946865, -0.03161725],
                                     [-0.4873724, 0.33333334, -0.6711286]],
        "MAERegressionOutput": [[0.6666667, 0.6666667, 0.6666667],
                                [-0.6666667, -0.6666667, 0.6666667]],
    }
    for name, g in want.items():
        x.attach_grad()
        lab.attach_grad()
        with mx.autograd.record():
            y = getattr(mx.nd, name)(x, lab, grad_scale=2.0)
        y.backward(mx.nd.ones((2, 3)) * 5)
        np.testing.assert_allclose(x.grad.asnumpy(), g, rtol=1e-6)
        assert lab.grad.asnumpy().tolist() == [[0.] * 3] * 2
    np.testing.assert_allclose(
        mx.nd.LogisticRegressionOutput(x, lab).asnumpy()[0], [0.7310586, 0.8807971, 0.95257413],
        rtol=1e-6)
    # the scale is divided by the outputs per sample: (2, 3, 2) -> 6, 1-D -> 1
    x3 = mx.nd.arange(12).reshape((2, 3, 2))
    x3.attach_grad()
    with mx.autograd.record():
        y = mx.nd.LinearRegressionOutput(x3, mx.nd.zeros((2, 3, 2)))
    y.backward()
    np.testing.assert_allclose(x3.grad.asnumpy().ravel(), np.arange(12) / 6, rtol=1e-6)
    x1 = mx.nd.array([1., 2, 3])
    x1.attach_grad()
    with mx.autograd.record():
        y = mx.nd.LinearRegressionOutput(x1, mx.nd.array([0., 1, 1]))
    y.backward()
    assert x1.grad.asnumpy().tolist() == [1., 1., 2.]


def test_amp_cast_casts_floats_only():
    assert mx.nd.amp_cast(mx.nd.array([1, 2], dtype="int32"), dtype="float16").dtype == np.int32
    y = mx.nd.amp_cast(mx.nd.array([1.5, 2]), dtype="float16")
    assert y.dtype == np.float16 and y.asnumpy().tolist() == [1.5, 2.0]


def test_gamma_gammaln_erfinv_match_mxnet():
    x = mx.nd.array([0.5, 1.5, 2.5, -0.5])
    y, g = _grad(lambda v: mx.nd.gamma(v), x)
    np.testing.assert_allclose(y.asnumpy(), [1.7724538, 0.88622695, 1.3293406, -3.544908],
                               rtol=1e-6)
    np.testing.assert_allclose(np.array(g) / 5, [-3.480232, 0.03233835, 0.9347348, -0.12935339],
                               rtol=1e-5)
    y, g = _grad(lambda v: mx.nd.gammaln(v), x)
    np.testing.assert_allclose(y.asnumpy(), [0.5723649, -0.12078223, 0.28468287, 1.2655121],
                               rtol=1e-6)
    np.testing.assert_allclose(np.array(g) / 5, [-1.9635108, 0.03648992, 0.70315677, 0.03648992],
                               rtol=1e-5)
    x = mx.nd.array([0.3, -0.7, 0.999, 0.0])
    y, g = _grad(lambda v: mx.nd.erfinv(v), x)
    np.testing.assert_allclose(y.asnumpy(), [0.27246273, -0.7328691, 2.3267562, 0.],
                               rtol=1e-6)
    np.testing.assert_allclose(np.array(g) / 5, [0.9545204, 1.5163633, 198.9418, 0.88622695],
                               rtol=1e-5)
    e = mx.nd.erfinv(mx.nd.array([1., -1., 2.])).asnumpy()
    assert e[0] == np.inf and e[1] == -np.inf and np.isnan(e[2])
    # integer inputs compute in float64 and truncate; poles give INT_MIN, as in MXNet
    xi = mx.nd.array([-3, -1, 0, 1, 2, 5], dtype="int32")
    assert mx.nd.gamma(xi).asnumpy().tolist() == [-2147483648] * 3 + [1, 1, 24]
    assert mx.nd.gammaln(xi).asnumpy().tolist() == [-2147483648] * 3 + [0, 0, 3]


def test_polygamma_against_scipy_and_gamma_second_derivative():
    from scipy import special

    x = np.array([0.3, 0.5, 1.5, 7.0, 12.0, -0.5, -2.5])
    for n in range(4):
        got = mx.nd._polygamma(mx.nd.array(x, dtype="float64"), n=n).asnumpy()
        np.testing.assert_allclose(got, special.polygamma(n, x), rtol=1e-12)
    # MXNet stops at the first derivative of gamma; mxnb goes on
    v = mx.nd.array([1.5], dtype="float64")
    v.attach_grad()
    with mx.autograd.record():
        d1 = mx.autograd.grad(mx.nd.gamma(v), [v], create_graph=True)[0]
    d1.backward()
    want = special.gamma(1.5) * (special.digamma(1.5) ** 2 + special.polygamma(1, 1.5))
    np.testing.assert_allclose(v.grad.asnumpy(), [want], rtol=1e-12)


def test_legacy_crop_as_mxnet():
    # Values pinned from MXNet 1.9.1's nd.Crop.
    nd = mx.nd
    x = nd.arange(2 * 3 * 5 * 6).reshape((2, 3, 5, 6))
    assert nd.Crop(x, h_w=(2, 3), offset=(1, 2))[1, 2].asnumpy().tolist() == [
        [158, 159, 160], [164, 165, 166]]
    assert nd.Crop(x, h_w=(2, 3), center_crop=True)[0, 0].asnumpy().tolist() == [
        [7, 8, 9], [13, 14, 15]]
    like = nd.zeros((1, 1, 3, 4))
    assert nd.Crop(x, like, num_args=2, center_crop=True)[0, 0].asnumpy().tolist() == [
        [7, 8, 9, 10], [13, 14, 15, 16], [19, 20, 21, 22]]
    assert nd.Crop(x, like, offset=(2, 1)).shape == (2, 3, 3, 4)
    x.attach_grad()
    with mx.autograd.record():
        z = nd.Crop(x, h_w=(2, 3), offset=(1, 2)) * 2
    z.backward()
    g = np.zeros((5, 6))
    g[1:3, 2:5] = 2
    np.testing.assert_array_equal(x.grad.asnumpy(), np.broadcast_to(g, (2, 3, 5, 6)))
    for bad in (lambda: nd.Crop(x, h_w=(6, 3)), lambda: nd.Crop(x, h_w=(2, 3), offset=(4, 0)),
                lambda: nd.Crop(nd.ones((2, 3)), h_w=(1, 1))):
        with pytest.raises(mx.base.MXNetError, match="Crop"):
            bad()
