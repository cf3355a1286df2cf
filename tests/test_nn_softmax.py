"""softmax, log_softmax, SoftmaxOutput and softmax_cross_entropy against NumPy float64 and MXNet."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import settings
from mxnb.test_utils import check_grads

from test_nn_act import f64, fused_equals_vjp


def np_softmax(x, axis=-1, t=1.0):
    z = (x - x.max(axis=axis, keepdims=True)) / t
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x, axis=-1, t=1.0):
    z = (x - x.max(axis=axis, keepdims=True)) / t
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


SHAPES_AXES = [((4, 7), -1), ((4, 7), 0), ((2, 3, 5), 1), ((3, 70, 2), 1), ((2, 3, 130), 0),
               ((5,), 0)]


@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("t", [1.0, 0.5, 3.0])
def test_softmax_matches_numpy(shape, axis, t):
    x = np.random.RandomState(0).uniform(-5, 5, shape)
    for dt, tol in (("float64", 1e-12), ("float32", 2e-6)):
        xa = mx.nd.array(x, dtype=dt)
        xr = x.astype(dt).astype(np.float64)
        np.testing.assert_allclose(mx.nd.softmax(xa, axis=axis, temperature=t).asnumpy(),
                                   np_softmax(xr, axis, t), rtol=tol, atol=tol)
        np.testing.assert_allclose(mx.nd.log_softmax(xa, axis=axis, temperature=t).asnumpy(),
                                   np_log_softmax(xr, axis, t), rtol=tol, atol=tol * 10)


def test_softmax_is_stable_and_follows_mxnet_special_values():
    x = mx.nd.array([[1., 2, 3], [1, 1, 1000]])
    np.testing.assert_allclose(mx.nd.softmax(x).asnumpy(),
                               [[0.09003057, 0.24472848, 0.6652409], [0, 0, 1]], rtol=1e-6)
    np.testing.assert_allclose(mx.nd.log_softmax(x).asnumpy()[1], [-999, -999, 0], atol=2e-6)
    # MXNet computes exp((x - max(x)) / t): t = 0 gives NaN, t < 0 overflows to NaN where
    # max(x) is far from the other entries (MXNet 1.9.1 prints the same).
    assert np.isnan(mx.nd.softmax(x, temperature=0.0).asnumpy()).all()
    neg = mx.nd.softmax(x, temperature=-1.0).asnumpy()
    np.testing.assert_allclose(neg[0], [0.66524094, 0.24472846, 0.09003057], rtol=1e-6)
    assert np.isnan(neg[1, :2]).all() and neg[1, 2] == 0
    inf = mx.nd.array([[-np.inf, 0.0], [-np.inf, -np.inf]])
    r = mx.nd.softmax(inf).asnumpy()
    assert r[0].tolist() == [0.0, 1.0] and np.isnan(r[1]).all()
    r = mx.nd.log_softmax(inf).asnumpy()
    assert r[0, 0] == -np.inf and r[0, 1] == 0 and np.isnan(r[1]).all()
    assert mx.nd.softmax(x, temperature=None).asnumpy().shape == (2, 3)


def test_softmax_dtype_argument():
    x = mx.nd.array([[1., 2, 3]])
    y = mx.nd.softmax(x, dtype="float64")
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.asnumpy(), np_softmax(np.array([[1., 2, 3]])), rtol=1e-7)
    assert mx.nd.log_softmax(x.astype("float64"), dtype="float32").dtype == np.float32
    xv = x.copy()
    xv.attach_grad()
    with autograd.record():
        y = mx.nd.softmax(xv, dtype="float64")
    y.backward()
    assert xv.grad.dtype == np.float32
    np.testing.assert_allclose(xv.grad.asnumpy(), 0, atol=1e-7)  # rows sum to one
    r = mx.nd.softmax(x.astype("float16")).asnumpy()
    assert r.dtype == np.float16
    np.testing.assert_allclose(r, [[0.09, 0.2448, 0.665]], rtol=2e-3)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_gradients(name, axis):
    rng = np.random.RandomState(1)
    x = f64(rng.uniform(-2, 2, (3, 4)))
    fn = getattr(mx.nd, name)
    check_grads(lambda v: fn(v, axis=axis, temperature=1.7), [x], order=2)
    fused_equals_vjp(lambda v: fn(v, axis=axis, temperature=1.7), [x],
                     f64(rng.standard_normal((3, 4))))


def test_softmax_gradient_mxnet_literals():
    x = mx.nd.array([[1., 2, 3], [1, 1, 1000]])
    x.attach_grad()
    dy = mx.nd.array([[1, 0, 0], [0, 1, 0]])
    with autograd.record():
        y = mx.nd.softmax(x, temperature=2.0)
    y.backward(dy)
    np.testing.assert_allclose(x.grad.asnumpy(), [[0.0758036, -0.02861894, -0.04718466],
                                                  [0, 0, 0]], rtol=1e-6, atol=1e-8)
    with autograd.record():
        y = mx.nd.log_softmax(x, temperature=2.0)
    y.backward(dy)
    np.testing.assert_allclose(x.grad.asnumpy(), [[0.40683815, -0.15359794, -0.2532402],
                                                  [0, 0.5, -0.5]], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shape,axis", [((300, 200), -1), ((6, 200, 70), 1)])
def test_softmax_parallel_equals_serial(shape, axis, monkeypatch):
    x = mx.nd.array(np.random.RandomState(2).uniform(-3, 3, shape))
    dy = mx.nd.array(np.random.RandomState(3).standard_normal(shape))

    def both():
        xv = x.copy()
        xv.attach_grad()
        with autograd.record():
            y = mx.nd.softmax(xv, axis=axis)
        y.backward(dy)
        return y.asnumpy(), xv.grad.asnumpy()

    ser = both()
    monkeypatch.setattr(settings, "par_min", 0)
    par = both()
    for s, p in zip(ser, par):
        np.testing.assert_array_equal(s, p)


def test_softmax_bad_input():
    x = mx.nd.ones((2, 3))
    with pytest.raises(mx.MXNetError, match=r"softmax: axis 2 exceeds.*\[2,3\]"):
        mx.nd.softmax(x, axis=2)
    with pytest.raises(mx.MXNetError, match=r"log_softmax: axis -3"):
        mx.nd.log_softmax(x, axis=-3)
    with pytest.raises(mx.MXNetError, match=r"softmax: .*floating point.*int32.*\[2,3\]"):
        mx.nd.softmax(x.astype("int32"))
    with pytest.raises(mx.MXNetError, match=r"softmax: .*'int32'.*dtype"):
        mx.nd.softmax(x, dtype="int32")


# ---------------------------------------------------------------- SoftmaxOutput

XS = [[1., 2, 3], [1, 1, 1], [0, 0, 5], [2, 1, 0]]
Y = [[0.090031, 0.244728, 0.665241], [0.333333, 0.333333, 0.333333],
     [0.006648, 0.006648, 0.986703], [0.665241, 0.244728, 0.090031]]


def so_grad(x, label, dy=None, **kw):
    xv = mx.nd.array(x)
    lv = mx.nd.array(label)
    xv.attach_grad()
    lv.attach_grad()
    with autograd.record():
        y = mx.nd.SoftmaxOutput(xv, lv, **kw)
    y.backward(None if dy is None else mx.nd.array(dy))
    assert not lv.grad.asnumpy().any()
    return y.asnumpy(), xv.grad.asnumpy()


def test_softmax_output_backward_ignores_head_gradient():
    y, dx = so_grad(XS, [2, 0, 1, 1], dy=np.full((4, 3), 7.0))
    np.testing.assert_allclose(y, Y, atol=1e-6)
    np.testing.assert_allclose(dx, np.array(Y) - np.eye(3)[[2, 0, 1, 1]], atol=1e-6)


# (kwargs, labels, expected dx) from MXNet 1.9.1
SO_CASES = [
    (dict(grad_scale=2.0), [2, 0, 1, 1],
     [[0.180061, 0.489457, -0.669518], [-1.333333, 0.666667, 0.666667],
      [0.013297, -1.986703, 1.973406], [1.330482, -1.510543, 0.180061]]),
    (dict(normalization="batch"), [2, 0, 1, 1],
     [[0.022508, 0.061182, -0.08369], [-0.166667, 0.083333, 0.083333],
      [0.001662, -0.248338, 0.246676], [0.16631, -0.188818, 0.022508]]),
    (dict(use_ignore=True), [2, -1, 1, -1],
     [[0.090031, 0.244728, -0.334759], [0, 0, 0], [0.006648, -0.993352, 0.986703], [0, 0, 0]]),
    (dict(use_ignore=True, normalization="valid"), [2, -1, 1, -1],
     [[0.045015, 0.122364, -0.16738], [0, 0, 0], [0.003324, -0.496676, 0.493352], [0, 0, 0]]),
    # 'valid' counts labels equal to ignore_label out even without use_ignore
    (dict(normalization="valid"), [2, -1, 1, -1],
     [[0.045015, 0.122364, -0.16738], [0.166667, 0.166667, 0.166667],
      [0.003324, -0.496676, 0.493352], [0.33262, 0.122364, 0.045015]]),
    # out-of-range labels subtract nothing; labels are truncated toward zero
    (dict(), [2, 5, 1.9, -0.5],
     [[0.090031, 0.244728, -0.334759], [0.333333, 0.333333, 0.333333],
      [0.006648, -0.993352, 0.986703], [-0.334759, 0.244728, 0.090031]]),
    (dict(smooth_alpha=0.3), [2, 0, 1, 1],
     [[-0.059969, 0.094728, -0.034759], [-0.366667, 0.183333, 0.183333],
      [-0.143352, -0.693352, 0.836703], [0.515241, -0.455272, -0.059969]]),
    (dict(ignore_label=-0.7, use_ignore=True), [2, -0.5, 1, 1],
     [[0.090031, 0.244728, -0.334759], [0, 0, 0], [0.006648, -0.993352, 0.986703],
      [0.665241, -0.755272, 0.090031]]),
]


@pytest.mark.parametrize("kw,label,ref", SO_CASES)
def test_softmax_output_mxnet_cases(kw, label, ref):
    y, dx = so_grad(XS, label, **kw)
    np.testing.assert_allclose(dx, ref, atol=2e-6)


X3 = np.arange(12).reshape(2, 3, 2) * 0.3


@pytest.mark.parametrize("kw,label,ref0", [
    (dict(multi_output=True), [[0, 2], [1, 1]], [-0.418596, 0.081404]),
    (dict(multi_output=True, normalization="batch"), [[0, 2], [1, 1]], [-0.209298, 0.040702]),
    (dict(multi_output=True, normalization="valid", use_ignore=True), [[0, 2], [1, -1]],
     [-0.279064, 0.054269]),
    (dict(multi_output=True), np.zeros((2, 1, 2)), [-0.418596, -0.418596]),
    (dict(preserve_shape=True), [[0, 1, 2], [1, 1, 0]], [-0.574442, 0.574442]),
    (dict(preserve_shape=True, normalization="batch"), [[0, 1, 1], [1, 1, 0]],
     [-0.09574042, 0.09574042]),
    (dict(), [[0, 2, 1], [1, 1, 0]], [-0.930716, 0.093523]),
])
def test_softmax_output_layouts(kw, label, ref0):
    y, dx = so_grad(X3, label, **kw)
    np.testing.assert_allclose(dx.ravel()[:2], ref0, atol=2e-6)


def test_softmax_output_multi_output_forward_is_channel_softmax():
    y = mx.nd.SoftmaxOutput(mx.nd.array(X3), mx.nd.zeros((2, 2)), multi_output=True).asnumpy()
    np.testing.assert_allclose(y, np_softmax(X3, axis=1), rtol=1e-6)
    assert mx.nd.Softmax(mx.nd.array(XS), mx.nd.zeros(4)).shape == (4, 3)  # the alias


def test_softmax_output_out_grad_and_vjp():
    rng = np.random.RandomState(4)
    x = f64(rng.standard_normal((3, 4)))
    label = f64([0, 3, 1])
    dy = f64(rng.standard_normal((3, 4)))
    y, dx = so_grad(x.asnumpy(), label.asnumpy(), dy=dy.asnumpy(), out_grad=True)
    ref = (np_softmax(x.asnumpy()) - np.eye(4)[[0, 3, 1]]) * dy.asnumpy()
    np.testing.assert_allclose(dx, ref.astype(np.float32), rtol=1e-5, atol=1e-6)
    for kw in (dict(), dict(multi_output=True, normalization="valid"), dict(smooth_alpha=0.1)):
        fused_equals_vjp(lambda a: mx.nd.SoftmaxOutput(a, label, **kw), [x], dy)

    # The backward, softmax(x) - one_hot, is differentiable again through the softmax.
    xv = x.copy()
    xv.attach_grad()
    with autograd.record():
        y = mx.nd.SoftmaxOutput(xv, label, grad_scale=0.5)
        g = autograd.grad(y, [xv], create_graph=True)[0]
    h = rng.standard_normal((3, 4))
    g.backward(f64(h))
    p = np_softmax(x.asnumpy())
    np.testing.assert_allclose(xv.grad.asnumpy(),
                               0.5 * p * (h - (h * p).sum(1, keepdims=True)), rtol=1e-10)


def test_softmax_output_bad_input():
    with pytest.raises(mx.MXNetError, match=r"SoftmaxOutput.*label shape \[2\].*\[4\].*\[4,3\]"):
        mx.nd.SoftmaxOutput(mx.nd.array(XS), mx.nd.array([1, 2]))
    with pytest.raises(mx.MXNetError, match="SoftmaxOutput.*'int32' at 'label'"):
        mx.nd.SoftmaxOutput(mx.nd.array(XS), mx.nd.zeros(4, dtype="int32"))
    with pytest.raises(mx.MXNetError, match=r"SoftmaxOutput.*\[3\]"):
        mx.nd.SoftmaxOutput(mx.nd.array([1., 2, 3]), mx.nd.array([2]))
    with pytest.raises(mx.MXNetError, match="SoftmaxOutput.*label shape"):
        mx.nd.SoftmaxOutput(mx.nd.array(X3), mx.nd.zeros((2, 3)), multi_output=True)
    with pytest.raises(mx.MXNetError, match="normalization"):
        mx.nd.SoftmaxOutput(mx.nd.array(XS), mx.nd.zeros(4), normalization="foo")


# ---------------------------------------------------------------- softmax_cross_entropy


def test_softmax_cross_entropy_mxnet_literals():
    x = mx.nd.array(XS)
    np.testing.assert_allclose(mx.nd.softmax_cross_entropy(x, mx.nd.array([2, 0, 1, 1]))
                               .asnumpy(), [7.92721], rtol=1e-6)
    xv = x.copy()
    xv.attach_grad()
    with autograd.record():
        loss = mx.nd.softmax_cross_entropy(xv, mx.nd.array([2, 0, 1, 7]))
    loss.backward(mx.nd.array([3.0]))
    # a label out of range picks probability 0, clipped at 1e-8 (MXNet 1.9.1: 24.940285)
    np.testing.assert_allclose(loss.asnumpy(), [24.940285], rtol=1e-6)
    np.testing.assert_allclose(xv.grad.asnumpy(), [[0.2700917, 0.73418546, -1.0042772],
                                                   [-1.9999999, 1., 1.],
                                                   [0.01994506, -2.9800549, 2.9601097],
                                                   [1.9957228, 0.73418546, 0.2700917]],
                               rtol=1e-6)
    np.testing.assert_allclose(mx.nd.softmax_cross_entropy(mx.nd.array([[1., 2, 1000]]),
                                                           mx.nd.array([0])).asnumpy(),
                               [18.420681], rtol=1e-6)
    x64 = mx.nd.array([[0., -16.0]], dtype="float64")
    np.testing.assert_allclose(mx.nd.softmax_cross_entropy(x64, mx.nd.array([1.], dtype="float64"))
                               .asnumpy(), [16.00000011253517], rtol=1e-12)


def test_softmax_cross_entropy_gradients():
    rng = np.random.RandomState(5)
    x = f64(rng.standard_normal((3, 5)))
    label = f64([4, 0, 2])
    check_grads(lambda a: mx.nd.softmax_cross_entropy(a, label), [x], order=2)
    fused_equals_vjp(lambda a: mx.nd.softmax_cross_entropy(a, label), [x], f64([0.7]))
    ref = -np.log(np_softmax(x.asnumpy())[[0, 1, 2], [4, 0, 2]]).sum()
    np.testing.assert_allclose(mx.nd.softmax_cross_entropy(x, label).asnumpy(), [ref], rtol=1e-12)


def test_softmax_cross_entropy_bad_input():
    with pytest.raises(mx.MXNetError, match=r"softmax_cross_entropy.*2D data.*\[2,3,4\]"):
        mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3, 4)), mx.nd.ones(2))
    with pytest.raises(mx.MXNetError, match=r"data label shape mismatch.*\[2,3\].*\[3\]"):
        mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3)), mx.nd.ones(3))
    with pytest.raises(mx.MXNetError, match=r"1D label.*\[2,1\]"):
        mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3)), mx.nd.ones((2, 1)))
    with pytest.raises(mx.MXNetError, match="expected float32, got int32"):
        mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3)), mx.nd.ones(2, dtype="int32"))


# MXNet 1.9.1, float32, axis=0: its own softmax kernel (its oneDNN softmax takes only the last
# axis): glibc's expf/logf, the sum in order, a division per element; the backward sums dy * y
# (or dy) in order, then divides by the temperature. Values and gradients for head gradient DY,
# bit for bit.
DY = [[0.3, -1, 2, 0.25], [1, 0.5, -0.75, 2], [-2, 1.5, 1, -0.5]]
_MX_AXIS0_GRAD = {
    ('softmax', 1.0): (['0x1.318b1cp-4', '0x1.aec90ep-8', '0x1.3e66b6p-1', '0x1.888de8p-10',
        '0x1.d148fap-1', '0x1.24bfcp-6', '0x1.823d7cp-2', '0x1.fdf81ep-1', '0x1.10b42cp-6',
        '0x1.f37c6ep-1', '0x1.ea2f8p-11', '0x1.439b3ap-9'],
        ['-0x1.6d5684p-5', '-0x1.098bf6p-6', '0x1.4a9082p-1', '-0x1.55c25ap-9',
            '0x1.7c3b8cp-4', '-0x1.1ab516p-6', '-0x1.4a953p-1', '0x1.1efb7p-7', '-0x1.8b2096p-5',
            '0x1.1220dp-5', '0x1.2b9c0ap-15', '-0x1.9315d2p-8']),
    ('log_softmax', 1.0): (['-0x1.4c3f0ep+1', '-0x1.41956cp+2', '-0x1.e669a6p-2',
        '-0x1.a0411ep+2', '-0x1.87e1dap-4', '-0x1.01956cp+2', '-0x1.f334d4p-1', '-0x1.047554p-8',
        '-0x1.061f88p+2', '-0x1.956bbcp-6', '-0x1.be669ap+2', '-0x1.80411ep+2'],
        ['0x1.68ab8cp-2', '-0x1.01aecap+0', '0x1.3398e8p-1', '0x1.faa21p-3', '0x1.a2d98cp+0',
            '0x1.edb404p-2', '-0x1.994296p+0', '0x1.071b98p-2', '-0x1.fd046ep+0', '0x1.0c8392p-1',
            '0x1.feec46p-1', '-0x1.02365p-1']),
    ('softmax', 0.7): (['0x1.be9decp-6', '0x1.9cc1cp-11', '0x1.57b56p-1', '0x1.84de6p-14',
        '0x1.f067e4p-1', '0x1.ae94bep-9', '0x1.5084eep-2', '0x1.ffdb06p-1', '0x1.a32c76p-9',
        '0x1.fdea3ap-1', '0x1.051f96p-14', '0x1.8d2d26p-13'],
        ['-0x1.ac5236p-6', '-0x1.6fc22cp-9', '0x1.bbc6ecp-1', '-0x1.e5e8c6p-13',
            '0x1.455d96p-5', '-0x1.31f134p-8', '-0x1.bbc5ccp-1', '0x1.dc06c2p-11', '-0x1.bcd26p-7',
            '0x1.e9d3d4p-8', '-0x1.1f15c6p-17', '-0x1.628818p-11']),
    ('softmin', 1.0): (['0x1.701872p-3', '0x1.7477ap-1', '0x1.888de8p-10', '0x1.3e66b6p-1',
        '0x1.e3711ep-7', '0x1.120bcep-2', '0x1.439b3ap-9', '0x1.ea2f8p-11', '0x1.9c6c2p-1',
        '0x1.413cb2p-8', '0x1.fdf81ep-1', '0x1.823d7cp-2'],
        ['-0x1.5314a2p-2', '0x1.342bd4p-2', '-0x1.89a99cp-10', '-0x1.66350cp-3',
            '-0x1.33450ep-5', '-0x1.29b308p-2', '0x1.1ab2e2p-8', '-0x1.f1d886p-10',
            '0x1.797d4p-2', '-0x1.4f19aap-7', '-0x1.709046p-9', '0x1.6a18bcp-3']),
}


@pytest.mark.parametrize("key", sorted(_MX_AXIS0_GRAD))
def test_float32_softmax_gradient_over_a_leading_axis_is_mxnets(key):
    from mxnb.kernels import builder

    if builder.FAST_MATH:
        pytest.skip("MXNB_FAST_MATH=1: mxnb's exp and log polynomials")
    name, t = key
    x = mx.nd.array([[1.5, -2, 3, 0.5], [4, -1, 2.5, 7], [0, 3, -3.5, 1]])
    x.attach_grad()
    with autograd.record():
        y = getattr(mx.nd, name)(x, axis=0, temperature=t)
    y.backward(mx.nd.array(DY))
    want_y, want_g = _MX_AXIS0_GRAD[key]
    assert y.asnumpy().ravel().tolist() == [float.fromhex(v) for v in want_y]
    assert x.grad.asnumpy().ravel().tolist() == [float.fromhex(v) for v in want_g]
