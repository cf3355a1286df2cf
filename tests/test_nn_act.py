"""Activation, LeakyReLU and smooth_l1 against NumPy float64 references and MXNet 1.9.1 literals.

The elementwise kernels behind them (_softrelu, _leaky, _elu, _selu, _gelu, _prelu,
smooth_l1) are also walked by test_elementwise.py (dtypes, parallel == serial).
"""
import math

import numpy as np
import pytest
from scipy import special

import mxnb as mx
from mxnb import autograd
from mxnb.test_utils import check_grads

from oracles import UNARY, UNARY_GRAD

X12 = [-30., -3, -1, -0.5, 0, 0.5, 1, 3, 15, 21, 30, 100]


def f64(a):
    return mx.nd.array(np.asarray(a, dtype=np.float64), dtype="float64")


def run(fn, x, dy=None):
    """(y, dx) of fn at x, with head gradient dy (ones by default)."""
    x = x.copy()
    x.attach_grad()
    with autograd.record():
        y = fn(x)
    y.backward(dy)
    return y.asnumpy(), x.grad.asnumpy()


def fused_equals_vjp(fn, args, dy):
    """The fused backward kernels and the VJP (create_graph) give the same gradients."""
    xs = [a.copy() for a in args]
    for a in xs:
        a.attach_grad()
    with autograd.record():
        y = fn(*xs)
    y.backward(dy, retain_graph=True)
    fused = [a.grad.asnumpy() for a in xs]
    vjp = autograd.grad(y, xs, head_grads=dy, create_graph=True)
    for f, v in zip(fused, vjp):
        np.testing.assert_allclose(v.asnumpy(), f, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- Activation


@pytest.mark.parametrize("act,ref", [("relu", "relu"), ("sigmoid", "sigmoid"), ("tanh", "tanh"),
                                     ("softrelu", "_softrelu"), ("softsign", "softsign")])
def test_activation_matches_numpy(act, ref):
    x = np.random.RandomState(0).uniform(-4, 4, (3, 7))
    y, dx = run(lambda v: mx.nd.Activation(v, act_type=act), f64(x))
    np.testing.assert_allclose(y, UNARY[ref](x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dx, UNARY_GRAD[ref](x), rtol=1e-10, atol=1e-14)
    y32 = mx.nd.Activation(mx.nd.array(x), act_type=act).asnumpy()
    np.testing.assert_allclose(y32, UNARY[ref](x.astype(np.float32).astype(np.float64)),
                               rtol=2e-6, atol=1e-6)


def test_activation_mxnet_literals():
    x = mx.nd.array(X12)
    y, dx = run(lambda v: mx.nd.Activation(v, act_type="sigmoid"), x)
    np.testing.assert_allclose(y, [9.357622912219837e-14, 0.04742587357759476,
                                   0.2689414322376251, 0.377540647983551, 0.5, 0.622459352016449,
                                   0.7310585975646973, 0.9525741338729858, 0.9999997019767761,
                                   1.0, 1.0, 1.0], rtol=1e-6)
    y, dx = run(lambda v: mx.nd.Activation(v, act_type="softsign"), x)
    np.testing.assert_allclose(dx, [0.0010405827779322863, 0.0625, 0.25, 0.4444444477558136,
                                    1.0, 0.4444444477558136, 0.25, 0.0625, 0.00390625,
                                    0.00206611561588943, 0.0010405827779322863,
                                    9.802960266824812e-05], rtol=1e-6)
    y, dx = run(lambda v: mx.nd.Activation(v, act_type="relu"), x)
    assert dx[4] == 0.0  # relu'(0) = 0 in MXNet
    # softrelu: log(1 + e^x), the identity above 20 (MXNet 1.9.1 float64 values).
    y = mx.nd.Activation(mx.nd.array([-30., -20, 30, 100], dtype="float64"),
                         act_type="softrelu").asnumpy()
    np.testing.assert_allclose(y, [9.35762297e-14, 2.06115362e-09, 30.0, 100.0], rtol=1e-8)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softrelu"])
def test_activation_second_order(act):
    x = f64(np.random.RandomState(1).uniform(-2, 2, (2, 3)))
    check_grads(lambda v: mx.nd.Activation(v, act_type=act), [x], order=2)


@pytest.mark.parametrize("act", ["relu", "softsign", "softrelu"])
def test_activation_fused_equals_vjp(act):
    rng = np.random.RandomState(2)
    fused_equals_vjp(lambda v: mx.nd.Activation(v, act_type=act),
                     [f64(rng.uniform(-2, 2, 6))], f64(rng.standard_normal(6)))


# ---------------------------------------------------------------- LeakyReLU


def test_leaky_variants_match_numpy():
    x = np.random.RandomState(3).uniform(-3, 3, (4, 5))
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    # `slope` is a `float` attribute in MXNet: even float64 arrays get float32(slope)
    s1, s7 = float(np.float32(0.1)), float(np.float32(0.7))
    cases = {
        ("leaky", 0.1): (np.where(x > 0, x, s1 * x), np.where(x > 0, 1, s1)),
        ("leaky", -0.5): (np.where(x > 0, x, -0.5 * x), np.where(x > 0, 1, -0.5)),
        ("elu", 0.7): (np.where(x > 0, x, s7 * np.expm1(x)), np.where(x > 0, 1, s7 * np.exp(x))),
        ("selu", 0.25): (lam * np.where(x > 0, x, alpha * np.expm1(x)),
                         lam * np.where(x > 0, 1, alpha * np.exp(x))),
        ("gelu", 0.25): (0.5 * x * (1 + special.erf(x / math.sqrt(2))),
                         0.5 * (1 + special.erf(x / math.sqrt(2)))
                         + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)),
    }
    for (act, slope), (ry, rdx) in cases.items():
        y, dx = run(lambda v: mx.nd.LeakyReLU(v, act_type=act, slope=slope), f64(x))
        np.testing.assert_allclose(y, ry, rtol=1e-12, atol=1e-14, err_msg=act)
        np.testing.assert_allclose(dx, rdx, rtol=1e-10, atol=1e-14, err_msg=act)


def test_leaky_mxnet_literals():
    x = mx.nd.array(X12)
    y, dx = run(lambda v: mx.nd.LeakyReLU(v), x)  # act_type='leaky', slope=0.25
    np.testing.assert_allclose(y[:4], [-7.5, -0.75, -0.25, -0.125])
    np.testing.assert_allclose(dx[:6], [0.25] * 5 + [1.0])  # slope at x = 0
    y, dx = run(lambda v: mx.nd.LeakyReLU(v, act_type="elu"), x)
    np.testing.assert_allclose(y[:4], [-0.25, -0.23755323886871338, -0.15803012251853943,
                                       -0.0983673483133316], rtol=1e-6)
    np.testing.assert_allclose(dx[:5], [2.3394057280549593e-14, 0.012446766719222069,
                                        0.09196987003087997, 0.1516326516866684, 0.25], rtol=1e-6)
    y, dx = run(lambda v: mx.nd.LeakyReLU(v, act_type="gelu"), x)
    np.testing.assert_allclose(y[1:4], [-0.004049866925925016, -0.15865527093410492,
                                        -0.1542687714099884], rtol=1e-4)
    np.testing.assert_allclose(dx[1:4], [-0.011945605278015137, -0.08331543207168579,
                                         0.1325049102306366], rtol=1e-5)
    y, dx = run(lambda v: mx.nd.LeakyReLU(v, act_type="selu"), x)
    np.testing.assert_allclose(y[[0, 2, 6]], [-1.7580993175506592, -1.1113307476043701,
                                              1.0507010221481323], rtol=1e-6)
    # [FIX] MXNet 1.9.1's selu gradient is lambda*y + lambda*alpha (-0.0891 at x = -30);
    # mxnb gives the derivative, lambda*alpha*exp(x).
    np.testing.assert_allclose(dx[2], 1.0507009873554805 * 1.6732632423543772 * math.exp(-1),
                               rtol=1e-6)


def test_prelu_gamma_alignment_and_grads():
    x = mx.nd.array(np.arange(-6, 6).reshape(2, 3, 2) * 0.5)
    g = mx.nd.array([0.1, 0.2, 0.3])
    dy = mx.nd.array(np.arange(12).reshape(2, 3, 2))
    xv, gv = x.copy(), g.copy()
    xv.attach_grad()
    gv.attach_grad()
    with autograd.record():
        y = mx.nd.LeakyReLU(xv, gv, act_type="prelu")
    y.backward(dy)
    # MXNet 1.9.1
    np.testing.assert_allclose(y.asnumpy().ravel(), [-0.3, -0.25, -0.4, -0.3, -0.3, -0.15, 0.0,
                                                     0.5, 1.0, 1.5, 2.0, 2.5], rtol=1e-6)
    np.testing.assert_allclose(xv.grad.asnumpy().ravel(), [0.0, 0.1, 0.4, 0.6, 1.2, 1.5, 0.6, 7,
                                                           8, 9, 10, 11], rtol=1e-6)
    np.testing.assert_allclose(gv.grad.asnumpy(), [-2.5, -8.5, -6.5], rtol=1e-6)
    # gamma aligns with axes 0 and 1 from the right: (2,) on (2, 3, 2) is per sample ...
    y = mx.nd.LeakyReLU(x, mx.nd.array([0.1, 0.2]), act_type="prelu").asnumpy().ravel()
    np.testing.assert_allclose(y[:6], [-0.3, -0.25, -0.2, -0.15, -0.1, -0.05], rtol=1e-6)
    # ... and per channel on (2, 2, 2, 2)
    x4 = mx.nd.array(np.arange(-8, 8).reshape(2, 2, 2, 2) * 0.5)
    y = mx.nd.LeakyReLU(x4, mx.nd.array([0.1, 0.2]), act_type="prelu").asnumpy().ravel()
    np.testing.assert_allclose(y[:8], [-0.4, -0.35, -0.3, -0.25, -0.4, -0.3, -0.2, -0.1],
                               rtol=1e-6)
    with pytest.raises(mx.MXNetError, match=r"LeakyReLU.*gamma: \[3,1\], data: \[2,3,2\]"):
        mx.nd.LeakyReLU(x, mx.nd.ones((3, 1)), act_type="prelu")


def test_prelu_gradients():
    rng = np.random.RandomState(4)
    x = f64(rng.uniform(-2, 2, (2, 3, 4)))
    g = f64(rng.uniform(0.1, 0.5, 3))
    check_grads(lambda a, b: mx.nd.LeakyReLU(a, b, act_type="prelu"), [x, g], order=1)
    fused_equals_vjp(lambda a, b: mx.nd.LeakyReLU(a, b, act_type="prelu"), [x, g],
                     f64(rng.standard_normal((2, 3, 4))))


@pytest.mark.parametrize("act", ["elu", "selu", "gelu", "leaky"])
def test_leaky_gradients(act):
    rng = np.random.RandomState(5)
    x = f64(rng.uniform(-2, 2, (3, 4)))
    check_grads(lambda v: mx.nd.LeakyReLU(v, act_type=act, slope=0.3),
                [x], order=2 if act == "gelu" else 1)
    fused_equals_vjp(lambda v: mx.nd.LeakyReLU(v, act_type=act, slope=0.3), [x],
                     f64(rng.standard_normal((3, 4))))


def test_rrelu_prediction_returns_out_and_mask():
    x = mx.nd.array(np.arange(-6, 6) * 0.5)
    out, mask = mx.nd.LeakyReLU(x, act_type="rrelu")
    # MXNet 1.9.1: slope (0.125 + 0.334) / 2 and a zero mask
    np.testing.assert_allclose(out.asnumpy()[:3], [-0.6885, -0.57375, -0.459], rtol=1e-6)
    assert not mask.asnumpy().any()
    xv = x.copy()
    xv.attach_grad()
    with autograd.record(train_mode=False):
        out, mask = mx.nd.LeakyReLU(xv, act_type="rrelu")
    out.backward()
    # [FIX] MXNet returns the output as the gradient here; mxnb the slope.
    np.testing.assert_allclose(xv.grad.asnumpy(), np.where(x.asnumpy() > 0, 1.0, 0.2295),
                               rtol=1e-6)


# ---------------------------------------------------------------- smooth_l1


@pytest.mark.parametrize("sigma", [1.0, 2.0, 0.5])
def test_smooth_l1_mxnet_literals(sigma):
    x = mx.nd.array([-3., -1, -0.3, -0.2, 0, 0.1, 0.25, 0.5, 1, 2])
    y, dx = run(lambda v: mx.nd.smooth_l1(v, scalar=sigma), x)
    ref = {1.0: ([2.5, 0.5, 0.045, 0.02, 0.0, 0.005, 0.03125, 0.125, 0.5, 1.5],
                 [-1.0, -1.0, -0.3, -0.2, 0.0, 0.1, 0.25, 0.5, 1.0, 1.0]),
           2.0: ([2.875, 0.875, 0.175, 0.08, 0.0, 0.02, 0.125, 0.375, 0.875, 1.875],
                 [-1.0, -1.0, -1.0, -0.8, 0.0, 0.4, 1.0, 1.0, 1.0, 1.0]),
           0.5: ([1.125, 0.125, 0.01125, 0.005, 0.0, 0.00125, 0.0078125, 0.03125, 0.125, 0.5],
                 [-0.75, -0.25, -0.075, -0.05, 0.0, 0.025, 0.0625, 0.125, 0.25, 0.5])}[sigma]
    np.testing.assert_allclose(y, ref[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dx, ref[1], rtol=1e-6, atol=1e-7)
    assert not mx.nd.smooth_l1(x, 0.0).asnumpy().any()  # sigma 0: everything is "inside"


def test_smooth_l1_gradients():
    rng = np.random.RandomState(6)
    x = f64(rng.uniform(-2, 2, 8))
    check_grads(lambda v: mx.nd.smooth_l1(v, scalar=1.5), [x], order=1)
    fused_equals_vjp(lambda v: mx.nd.smooth_l1(v, scalar=1.5), [x], f64(rng.standard_normal(8)))


# ---------------------------------------------------------------- bad input


def test_bad_act_type_names_op_argument_and_shape():
    x = mx.nd.ones((2, 3))
    with pytest.raises(mx.MXNetError, match=r"Activation.*'foo'.*act_type.*\[2,3\]"):
        mx.nd.Activation(x, act_type="foo")
    with pytest.raises(mx.MXNetError, match=r"LeakyReLU.*'bar'.*act_type.*\[2,3\]"):
        mx.nd.LeakyReLU(x, act_type="bar")
    with pytest.raises(mx.MXNetError, match="LeakyReLU.*expects 2 inputs"):
        mx.nd.LeakyReLU(x, act_type="prelu")
    with pytest.raises(mx.MXNetError, match="LeakyReLU.*expects 1 inputs"):
        mx.nd.LeakyReLU(x, mx.nd.ones(3), act_type="leaky")
    with pytest.raises(mx.MXNetError, match="act_type"):
        mx.nd.Activation(x)
