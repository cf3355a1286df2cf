"""Pooling: lp, 'same', 3-D and channels-last layouts against direct loops and MXNet 1.9.1."""
import itertools

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.test_utils import check_grads

from test_nn_act import f64, fused_equals_vjp

LOWEST32 = float(np.finfo(np.float32).min)


def ref_pool(x, kernel, stride, pad, mode, conv="valid", cip=True, p=None):
    """Direct loops over MXNet's windows, any number of spatial dims (NC... layout, float64)."""
    sp = x.shape[2:]
    outs = []
    for n, k, s, q in zip(sp, kernel, stride, pad):
        span = n + 2 * q - k
        outs.append(-(-n // s) if conv == "same" else
                    1 + (-(-span // s) if conv == "full" else span // s))
    y = np.zeros(x.shape[:2] + tuple(outs))
    for idx in itertools.product(*(range(o) for o in outs)):
        lo = [o * s - q for o, s, q in zip(idx, stride, pad)]
        hi = [min(a + k, n + q) for a, k, n, q in zip(lo, kernel, sp, pad)]
        sl = tuple(slice(max(a, 0), min(b, n)) for a, b, n in zip(lo, hi, sp))
        win = x[(slice(None), slice(None)) + sl].reshape(x.shape[:2] + (-1,))
        if mode == "max":
            v = win.max(axis=-1, initial=-np.inf)
        elif mode == "sum":
            v = win.sum(axis=-1)
        elif mode == "lp":
            v = (win ** p).sum(axis=-1)
            v = np.sqrt(v) if p == 2 else np.cbrt(v) if p == 3 else v
        else:
            size = np.prod([b - a for a, b in zip(lo, hi)]) if cip else win.shape[-1]
            v = win.sum(axis=-1) / max(size, 1)
        y[(slice(None), slice(None)) + idx] = v
    return y


def pool(x, **kw):
    return mx.nd.Pooling(f64(x), **kw).asnumpy()


# ---------------------------------------------------------------- lp pooling

X2 = (np.arange(2 * 1 * 4 * 5).reshape(2, 1, 4, 5) % 7) - 3.0


def test_lp_mxnet_literals():
    x = mx.nd.array(X2)
    cases = [  # MXNet 1.9.1
        (dict(kernel=(2, 3), stride=(1, 2), p_value=1),
         [-4, -6, 5, -4, 0, 5, 4, -5, 6, 4, -6, 6]),
        (dict(kernel=(2, 3), stride=(1, 2), p_value=2),
         [6, 4, 5.196152, 6, 3.1622777, 5.196152, 6, 5.196152, 4, 6, 4, 4]),
        (dict(kernel=(2, 3), stride=(1, 2), p_value=3),
         [-3.036589, -3.3019273, 2.5712817, -3.036589, 0, 2.5712817, 3.036589, -2.5712817,
          3.3019273, 3.036589, -3.3019273, 3.3019273]),
        (dict(kernel=(2, 3), stride=(2, 2), pad=(1, 1), p_value=2),
         [3.6055512, 2.236068, 1, 3.7416575, 6, 4.7958317, 2.236068, 1.4142135, 2.236068,
          4.2426405, 3.7416575, 1, 2.4494898, 5.196152, 5.0990195, 3.6055512, 2.236068, 1]),
        (dict(kernel=(3, 3), stride=(2, 2), pooling_convention="full", p_value=3),
         [-2.6684017, -3.036589, 0, 2.5712817, 3.036589, 2.6684017, -3.3019273, 3.3019273]),
        (dict(kernel=(2, 3), global_pool=True, p_value=2), [8.6602545, 8.944272]),
        (dict(kernel=(2, 3), stride=(1, 2), p_value="2"),      # MXNet parses the string
         [6, 4, 5.196152, 6, 3.1622777, 5.196152, 6, 5.196152, 4, 6, 4, 4]),
    ]
    for kw, ref in cases:
        y = mx.nd.Pooling(x, pool_type="lp", **kw)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y.asnumpy().ravel(), ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("p", [1, 2, 3])
@pytest.mark.parametrize("sp,k,s,q,conv", [((5, 6), (2, 3), (1, 2), (1, 1), "valid"),
                                           ((6, 5), (3, 2), (2, 2), (1, 0), "full"),
                                           ((7,), (3,), (2,), (1,), "full"),
                                           ((4, 3, 5), (2, 2, 3), (1, 2, 2), (1, 0, 1), "valid")])
def test_lp_matches_direct_loops(p, sp, k, s, q, conv):
    x = np.random.RandomState(3).standard_normal((2, 3) + sp)
    y = pool(x, kernel=k, stride=s, pad=q, pool_type="lp", p_value=p, pooling_convention=conv)
    np.testing.assert_allclose(y, ref_pool(x, k, s, q, "lp", conv, p=p), rtol=1e-12, atol=1e-12)


def test_lp_gradient_mxnet_literals():
    xv = np.array([[[[1., -2, 0.5], [3, 0.25, -1], [2, 2, -0.5]]]])
    dy = mx.nd.array(np.arange(16).reshape(1, 1, 4, 4) % 3 + 0.5)
    refs = {1: [6, 7, 5, 7, 5, 6, 5, 6, 7],    # MXNet 1.9.1
            2: [2.3118286, -5.534191, 1.8856246, 5.866287, 0.4138585, -4.4454308, 3.1895015,
                5.0296903, -2.549769],
            3: [1.4117138, 5.989662, 1.0970078, 6.985574, 0.05692956, 4.481879, 2.5424404,
                5.291196, 1.3392601]}
    for p, ref in refs.items():
        x = mx.nd.array(xv)
        x.attach_grad()
        with autograd.record():
            y = mx.nd.Pooling(x, kernel=(2, 2), pool_type="lp", p_value=p, pad=(1, 1))
        y.backward(dy)
        np.testing.assert_allclose(x.grad.asnumpy().ravel(), ref, rtol=1e-6)
    # windows whose output is 0 pass no gradient (MXNet's guard against 0/0 and x/0)
    for p, xs, ref in ((3, [[1., -1, 0], [2, 0, 0]], [0, 1, 0, 1, 0, 0]),
                       (2, [[0., 0, 0], [0, 0, 0]], [0] * 6)):
        x = mx.nd.array([[xs]])
        x.attach_grad()
        with autograd.record():
            y = mx.nd.Pooling(x, kernel=(1, 2), pool_type="lp", p_value=p)
        y.backward()
        assert x.grad.asnumpy().ravel().tolist() == ref


@pytest.mark.parametrize("p,order", [(1, 2), (2, 2), (3, 2)])
def test_lp_gradients(p, order):
    rng = np.random.RandomState(5)
    # positive inputs keep every window's sum of x**p away from 0, where x**(1/p) has no derivative
    x = f64(rng.uniform(0.5, 2.0, (2, 2, 5, 4)))
    kw = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type="lp", p_value=p,
              pooling_convention="full")
    check_grads(lambda a: mx.nd.Pooling(a, **kw), [x], order=order)
    fused_equals_vjp(lambda a: mx.nd.Pooling(a, **kw), [x],
                     f64(rng.standard_normal(mx.nd.Pooling(x, **kw).shape)))


# ---------------------------------------------------------------- 'same'

X1 = (np.arange(2 * 1 * 7).reshape(2, 1, 7) % 5) - 2.0


def test_same_mxnet_literals():
    x = mx.nd.array(X1)
    cases = [  # MXNet 1.9.1 (it needs pad=(0, 0, 0); mxnb also takes it left out)
        (dict(kernel=(3,), stride=(2,), pool_type="sum"), [-3, 3, -1, -1, 3, -1, 0, 1]),
        (dict(kernel=(4,), stride=(2,), pool_type="avg"),
         [-0.5, 0.25, -0.33333334, -1, 0.25, -0.25, 0, 1]),
        (dict(kernel=(3,), stride=(2,), pool_type="lp", p_value=2),
         [2.236068, 2.236068, 3, 1, 2.236068, 3, 1.4142135, 1]),
        (dict(kernel=(3,), stride=(1,), pool_type="sum"),
         [-3, 0, 3, 1, -1, -3, -1, 3, 1, -1, -3, 0, 1, 1]),
    ]
    for kw, ref in cases:
        for pad in ((0, 0, 0), (), (0,)):
            y = mx.nd.Pooling(x, pooling_convention="same", pad=pad, **kw)
            np.testing.assert_allclose(y.asnumpy().ravel(), ref, rtol=1e-6)


@pytest.mark.parametrize("mode", ["max", "avg", "sum"])
@pytest.mark.parametrize("k,s", [(3, 2), (2, 3), (5, 3), (1, 2)])
def test_same_matches_direct_loops_and_differentiates(mode, k, s):
    # MXNet's MKLDNN build cannot run max (and some avg) with 'same'; mxnb computes them all
    x = np.random.RandomState(6).standard_normal((2, 3, 7))
    kw = dict(kernel=(k,), stride=(s,), pool_type=mode, pooling_convention="same")
    np.testing.assert_allclose(pool(x, **kw), ref_pool(x, (k,), (s,), (0,), mode, "same"),
                               rtol=1e-12, atol=1e-12)
    check_grads(lambda a: mx.nd.Pooling(a, **kw), [f64(x)], order=1)


# ---------------------------------------------------------------- 3-D

X3 = (np.arange(1 * 2 * 3 * 3 * 4).reshape(1, 2, 3, 3, 4) % 7) - 3.0


def test_3d_mxnet_literals():
    x = mx.nd.array(X3)
    kw = dict(kernel=(2, 2, 3), stride=(1, 1, 2), pad=(1, 0, 1))
    y = mx.nd.Pooling(x, pool_type="max", **kw)
    assert y.shape == (1, 2, 4, 2, 2)
    assert y.asnumpy().ravel().tolist() == [  # MXNet 1.9.1
        2, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3,
        3, 3]
    assert mx.nd.Pooling(x, pool_type="sum", **kw).asnumpy().ravel().tolist() == [
        -2, -1, 0, 2, 2, 0, -1, -1, 0, 4, -3, -4, -4, 3, -2, -1, 2, -2, 4, 1, 3, -2, 0, 4, 1, 2,
        -2, 1, 0, 2, 2, -2]
    np.testing.assert_allclose(mx.nd.Pooling(x, pool_type="avg", **kw).asnumpy().ravel(), np.array(
        [-2, -1, 0, 2, 2, 0, -1, -1, 0, 4, -3, -4, -4, 3, -2, -1, 2, -2, 4, 1, 3, -2, 0, 4, 1, 2,
         -2, 1, 0, 2, 2, -2]) / 12, rtol=1e-6)
    np.testing.assert_allclose(mx.nd.Pooling(x, pool_type="lp", p_value=2, **kw).asnumpy().ravel()
                               [:8], [4.2426405, 5.196152, 3.1622777, 4.8989797, 5.656854,
                                      7.3484693, 5.3851647, 6.5574384], rtol=1e-6)
    np.testing.assert_allclose(mx.nd.Pooling(x, global_pool=True, pool_type="avg").asnumpy()
                               .ravel(), [-0.08333334, -0.05555556], rtol=1e-6)
    # 'full' windows that are all padding: MXNet's max gives the lowest float
    y = mx.nd.Pooling(x, kernel=(2, 2, 2), stride=(2, 2, 2), pad=(1, 1, 1), pool_type="max",
                      pooling_convention="full").asnumpy()
    assert y.shape == (1, 2, 3, 3, 3)
    assert y[0, 0, 0].ravel().tolist() == [-3, -1, 0, 1, 3, 1, LOWEST32, LOWEST32, LOWEST32]
    assert (y[0, :, 2] == LOWEST32).all()
    # the max gradient goes to the first maximum in (d, h, w) order
    xg = x.copy()
    xg.attach_grad()
    with autograd.record():
        y = mx.nd.Pooling(xg, pool_type="max", **kw)
    y.backward(mx.nd.array(np.arange(y.size).reshape(y.shape) % 4 + 1.0))
    g = np.zeros(72)
    g[[5, 6, 13, 20, 25, 27, 33, 34, 41, 48, 55, 61, 62, 69]] = [4, 12, 4, 6, 1, 2, 3, 8, 20, 1,
                                                                  6, 1, 2, 10]
    assert xg.grad.asnumpy().ravel().tolist() == g.tolist()      # MXNet 1.9.1


@pytest.mark.parametrize("mode,cip", [("max", True), ("avg", True), ("avg", False),
                                      ("sum", True)])
@pytest.mark.parametrize("conv", ["valid", "full"])
def test_3d_matches_direct_loops(mode, cip, conv):
    x = np.random.RandomState(4).standard_normal((2, 2, 4, 5, 6))
    for k, s, q in (((2, 3, 2), (2, 1, 2), (1, 1, 0)), ((3, 2, 3), (1, 2, 2), (0, 1, 1))):
        y = pool(x, kernel=k, stride=s, pad=q, pool_type=mode, pooling_convention=conv,
                 count_include_pad=cip)
        ref = ref_pool(x, k, s, q, mode, conv, cip)
        if mode == "max":
            ref = np.maximum(ref, np.finfo(np.float64).min)
        np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["max", "avg", "sum"])
def test_3d_gradients(mode):
    rng = np.random.RandomState(7)
    x = f64(rng.standard_normal((1, 2, 4, 3, 5)))
    kw = dict(kernel=(2, 2, 3), stride=(2, 1, 2), pad=(1, 1, 1), pool_type=mode,
              pooling_convention="full")
    check_grads(lambda a: mx.nd.square(mx.nd.Pooling(a, **kw)), [x], order=2)
    fused_equals_vjp(lambda a: mx.nd.Pooling(a, **kw), [x],
                     f64(rng.standard_normal(mx.nd.Pooling(x, **kw).shape)))


def test_max_starts_from_the_lowest_value():
    for x in (mx.nd.array([[[[-np.inf, -np.inf]]]]), mx.nd.array([[[-np.inf, -np.inf]]])):
        k = (1, 2) if x.ndim == 4 else (2,)
        assert mx.nd.Pooling(x, kernel=k, pool_type="max").asnumpy().ravel().tolist() == \
            [LOWEST32]     # MXNet 1.9.1
    x = mx.nd.array(np.arange(9.).reshape(1, 1, 3, 3))
    y = mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pad=(1, 1), pool_type="max",
                      pooling_convention="full")
    assert y.asnumpy().ravel().tolist() == [0, 2, LOWEST32, 6, 8, LOWEST32, LOWEST32, LOWEST32,
                                            LOWEST32]
    assert np.isnan(mx.nd.Pooling(mx.nd.array([[[1., np.nan]]]), kernel=(2,)).asnumpy()).all()


# ---------------------------------------------------------------- channels-last layouts

XN = (np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5) % 11) - 5.0


def test_layout_mxnet_literals():
    x = mx.nd.array(XN)
    y = mx.nd.Pooling(x, kernel=(2, 2), stride=(1, 2), pool_type="max", layout="NHWC")
    assert y.shape == (2, 2, 2, 5)
    assert y.asnumpy().ravel().tolist() == [  # MXNet 1.9.1
        4, 5, 2, 3, 4, 5, 4, 5, 2, 3, 4, 5, 4, 5, 2, 3, 4, 5, 4, 5, 5, 4, 5, 3, 4, 4, 5, 4, 5, 3,
        3, 4, 5, 4, 5, 2, 3, 4, 5, 4]
    y = mx.nd.Pooling(x.reshape((2, 12, 5)), kernel=(3,), stride=(2,), pool_type="sum",
                      layout="NWC")
    assert y.shape == (2, 5, 5)
    assert y.asnumpy().ravel().tolist()[:10] == [0, -8, -5, -2, 1, 8, 0, -8, -5, -2]
    y = mx.nd.Pooling(x.reshape((1, 2, 3, 4, 5)), kernel=(2, 2, 2), pool_type="max",
                      layout="NDHWC")
    assert y.shape == (1, 1, 2, 3, 5)
    assert y.asnumpy().ravel().tolist()[:10] == [5, 5, 5, 3, 4, 5, 4, 5, 3, 4]
    assert mx.nd.Pooling(x, global_pool=True, pool_type="max", layout="NHWC").shape == \
        (2, 1, 1, 5)
    xg = x.copy()
    xg.attach_grad()
    with autograd.record():
        y = mx.nd.Pooling(xg, kernel=(2, 2), stride=(1, 2), pool_type="max", layout="NHWC")
    y.backward(mx.nd.array(np.arange(y.size).reshape(y.shape) % 3 + 1.0))
    assert xg.grad.asnumpy()[0, 0, 1].tolist() == [0, 0, 3, 1, 2]     # MXNet 1.9.1
    assert xg.grad.asnumpy()[1, 2, 3].tolist() == [0, 0, 0, 0, 1]


@pytest.mark.parametrize("layout,shape,k", [("NWC", (2, 7, 3), (3,)),
                                            ("NHWC", (2, 5, 6, 3), (2, 3)),
                                            ("NDHWC", (1, 4, 3, 5, 2), (2, 2, 3))])
@pytest.mark.parametrize("mode", ["max", "avg", "lp"])
def test_layout_is_a_transpose(layout, shape, k, mode):
    rng = np.random.RandomState(8)
    x = rng.standard_normal(shape)
    kw = dict(kernel=k, stride=(2,) * len(k), pad=(1,) * len(k), pool_type=mode,
              p_value=2 if mode == "lp" else "None")
    y = pool(x, layout=layout, **kw)
    ref = pool(np.moveaxis(x, -1, 1), **kw)
    np.testing.assert_array_equal(y, np.moveaxis(ref, 1, -1))
    xv = f64(x)
    if mode != "lp":
        check_grads(lambda a: mx.nd.Pooling(a, layout=layout, **kw), [xv], order=1)
    fused_equals_vjp(lambda a: mx.nd.Pooling(a, layout=layout, **kw), [xv],
                     f64(rng.standard_normal(y.shape)))


# ---------------------------------------------------------------- bad input


def test_bad_input():
    x = mx.nd.array(X2)
    with pytest.raises(mx.MXNetError, match=r"Pooling: pool_type 'lp' needs p_value"):
        mx.nd.Pooling(x, kernel=(2, 2), pool_type="lp")
    with pytest.raises(mx.MXNetError, match=r"Pooling: p value of 4 is not supported yet"):
        mx.nd.Pooling(x, kernel=(2, 2), pool_type="lp", p_value=4)
    with pytest.raises(mx.MXNetError, match=r"p_value expect int or None but value='2.5'"):
        mx.nd.Pooling(x, kernel=(2, 2), pool_type="lp", p_value=2.5)
    with pytest.raises(mx.MXNetError, match=r"Input data should be 3D .*'same' supports 1-D "
                                             r"pooling only.*\[2,1,4,5\]"):
        mx.nd.Pooling(x, kernel=(2, 2), pooling_convention="same")
    with pytest.raises(mx.MXNetError, match="Same pooling convention disables the use of pad"):
        mx.nd.Pooling(mx.nd.array(X1), kernel=(3,), pooling_convention="same", pad=(0, 0, 1))
    with pytest.raises(mx.MXNetError, match=r"Input data should be 3D .* or 5D .*\[1,1,1,1,1,2\]"):
        mx.nd.Pooling(mx.nd.ones((1, 1, 1, 1, 1, 2)), kernel=(1, 1, 1, 1))
    with pytest.raises(mx.MXNetError, match=r"layout 'NCW' does not fit 2-D pooling.*Need 2D"):
        mx.nd.Pooling(x, kernel=(2, 2), layout="NCW")
    with pytest.raises(mx.MXNetError, match=r"'NXHW'.*layout"):
        mx.nd.Pooling(x, kernel=(2, 2), layout="NXHW")
    with pytest.raises(mx.MXNetError, match=r"kernel \(2, 2\) has 2 dims.*3 spatial"):
        mx.nd.Pooling(mx.nd.array(X3), kernel=(2, 2))
    with pytest.raises(mx.MXNetError, match="_pooling_backward: pool_type 'lp' has no gradient"):
        mx.nd._pooling_backward(x, x, kernel=(1, 1), pool_type="lp", p_value=2)
