"""Convolution, Deconvolution and Pooling against direct-loop references, and MXNet's rules."""
import itertools

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import settings
from mxnb.test_utils import check_grads

from test_nn_act import f64, fused_equals_vjp


def ref_conv(x, w, b, stride, pad, dil, groups):
    """Direct loops: y[n, f, o] = sum over the window of x * w (2-D arrays; 1-D as H = 1)."""
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, pad, dil
    OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    y = np.zeros((N, F, OH, OW))
    fg = F // groups
    for n, f, oh, ow in itertools.product(range(N), range(F), range(OH), range(OW)):
        g = f // fg
        s = 0.0 if b is None else b[f]
        for c, kh, kw in itertools.product(range(Cg), range(KH), range(KW)):
            ih, iw = oh * sh - ph + kh * dh, ow * sw - pw + kw * dw
            if 0 <= ih < H and 0 <= iw < W:
                s += x[n, g * Cg + c, ih, iw] * w[f, c, kh, kw]
        y[n, f, oh, ow] = s
    return y


def ref_deconv(x, w, b, stride, pad, dil, groups, out_hw):
    """Direct loops: every input pixel scatters its kernel-weighted value into the output."""
    N, C, H, W = x.shape
    _, Fg, KH, KW = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, pad, dil
    OH, OW = out_hw
    y = np.zeros((N, Fg * groups, OH, OW))
    cg = C // groups
    for n, c, ih, iw in itertools.product(range(N), range(C), range(H), range(W)):
        g = c // cg
        for f, kh, kw in itertools.product(range(Fg), range(KH), range(KW)):
            oh, ow = ih * sh - ph + kh * dh, iw * sw - pw + kw * dw
            if 0 <= oh < OH and 0 <= ow < OW:
                y[n, g * Fg + f, oh, ow] += x[n, c, ih, iw] * w[c, f, kh, kw]
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


# (input spatial, kernel, stride, pad, dilate, groups)
CONV_CASES = [
    ((5, 6), (3, 3), (1, 1), (0, 0), (1, 1), 1),
    ((7, 5), (3, 2), (2, 1), (1, 2), (1, 2), 2),
    ((6, 6), (2, 3), (3, 2), (2, 0), (2, 1), 1),
    ((4, 7), (1, 1), (1, 1), (0, 0), (1, 1), 2),
    ((3, 9), (1, 3), (1, 2), (0, 1), (1, 3), 3),
    ((9,), (3,), (2,), (1,), (2,), 1),
    ((8,), (2,), (1,), (0,), (1,), 3),
    # stride 1 with OW == W takes the contiguous-block path of im2col / col2im
    ((5, 6), (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((6, 5), (3, 3), (1, 1), (2, 2), (2, 2), 2),
    ((4, 7), (3, 3), (1, 1), (0, 1), (1, 1), 1),
    ((9,), (3,), (1,), (1,), (1,), 1),
    ((2, 3), (3, 3), (1, 1), (2, 1), (2, 1), 1),
]


def _as2d(t, fill):
    return (fill,) + tuple(t) if len(t) == 1 else tuple(t)


@pytest.mark.parametrize("sp,k,s,p,d,g", CONV_CASES)
def test_convolution_matches_direct_loops(sp, k, s, p, d, g):
    rng = np.random.RandomState(0)
    c, f = 6, 6 if g > 1 else 4
    x = rng.standard_normal((2, c) + sp)
    w = rng.standard_normal((f, c // g) + k)
    b = rng.standard_normal(f)
    kw = dict(kernel=k, stride=s, pad=p, dilate=d, num_filter=f, num_group=g)
    y = mx.nd.Convolution(f64(x), f64(w), f64(b), **kw).asnumpy()
    x2, w2 = x.reshape((2, c) + _as2d(sp, 1)), w.reshape((f, c // g) + _as2d(k, 1))
    ref = ref_conv(x2, w2, b, _as2d(s, 1), _as2d(p, 0), _as2d(d, 1), g).reshape(y.shape)
    np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-12)
    y32 = mx.nd.Convolution(mx.nd.array(x), mx.nd.array(w), no_bias=True, **kw).asnumpy()
    np.testing.assert_allclose(y32, ref - b.reshape((1, -1) + (1,) * len(sp)), rtol=1e-4,
                               atol=1e-4)


@pytest.mark.parametrize("sp,k,s,p,d,g", CONV_CASES)
def test_deconvolution_matches_direct_loops(sp, k, s, p, d, g):
    rng = np.random.RandomState(1)
    c, f = 6, 6 if g > 1 else 4
    x = rng.standard_normal((2, c) + sp)
    w = rng.standard_normal((c, f // g) + k)
    b = rng.standard_normal(f)
    adj = tuple(min(1, si - 1) for si in s)
    kw = dict(kernel=k, stride=s, pad=p, dilate=d, adj=adj, num_filter=f, num_group=g)
    y = mx.nd.Deconvolution(f64(x), f64(w), f64(b), no_bias=False, **kw).asnumpy()
    out = tuple(si * (n - 1) + di * (ki - 1) + 1 - 2 * pi + ai
                for n, ki, si, pi, di, ai in zip(sp, k, s, p, d, adj))
    assert y.shape == (2, f) + out
    x2, w2 = x.reshape((2, c) + _as2d(sp, 1)), w.reshape((c, f // g) + _as2d(k, 1))
    ref = ref_deconv(x2, w2, b, _as2d(s, 1), _as2d(p, 0), _as2d(d, 1), g, _as2d(out, 1))
    np.testing.assert_allclose(y, ref.reshape(y.shape), rtol=1e-12, atol=1e-12)


def test_deconvolution_output_shapes_follow_mxnet():
    x, w = mx.nd.ones((2, 6, 5, 5)), mx.nd.ones((6, 2, 3, 3))
    kw = dict(kernel=(3, 3), num_filter=4, num_group=2)
    shapes = {  # MXNet 1.9.1
        (): (2, 4, 7, 7),
        (("stride", (2, 2)), ("pad", (1, 1)), ("adj", (1, 1))): (2, 4, 10, 10),
        (("stride", (2, 2)), ("pad", (1, 1)), ("target_shape", (10, 10))): (2, 4, 10, 10),
        (("stride", (2, 2)), ("dilate", (2, 2)), ("pad", (1, 1))): (2, 4, 11, 11),
        (("stride", (2, 2)), ("pad", (4, 4))): (2, 4, 3, 3),
    }
    for extra, shape in shapes.items():
        assert mx.nd.Deconvolution(x, w, **kw, **dict(extra)).shape == shape
    assert mx.nd.Deconvolution(mx.nd.ones((2, 6, 5)), mx.nd.ones((6, 2, 3)), kernel=(3,),
                               num_filter=4, num_group=2, stride=(2,), pad=(1,)).shape == (2, 4, 9)
    with pytest.raises(mx.MXNetError, match="Deconvolution: adj .* smaller than stride"):
        mx.nd.Deconvolution(x, w, stride=(2, 2), adj=(2, 2), **kw)
    with pytest.raises(mx.MXNetError, match="Deconvolution: too big target shape"):
        mx.nd.Deconvolution(x, w, stride=(2, 2), target_shape=(12, 12), **kw)
    with pytest.raises(mx.MXNetError, match="Deconvolution.*expects 2 inputs"):
        mx.nd.Deconvolution(x, w, mx.nd.ones(4), **kw)


def test_convolution_shapes_and_bad_input():
    x, w, b = mx.nd.ones((2, 4, 7, 7)), mx.nd.ones((6, 2, 3, 3)), mx.nd.ones(6)
    kw = dict(kernel=(3, 3), num_filter=6, num_group=2)
    assert mx.nd.Convolution(x, w, b, **kw).shape == (2, 6, 5, 5)
    assert mx.nd.Convolution(x, w, b, stride=(2, 2), pad=(1, 1), dilate=(2, 2), **kw).shape == \
        (2, 6, 3, 3)
    assert mx.nd.Convolution(mx.nd.ones((2, 4, 7)), mx.nd.ones((6, 4, 3)), b, kernel=3,
                             num_filter=6).shape == (2, 6, 5)
    with pytest.raises(mx.MXNetError, match=r"Convolution: .*weight has shape \[6,2,3,3\].*"
                                             r"\[6,4,3,3\]"):
        mx.nd.Convolution(x, w, b, kernel=(3, 3), num_filter=6)
    with pytest.raises(mx.MXNetError, match=r"Convolution: .*bias has shape \[5\].*\[6\]"):
        mx.nd.Convolution(x, w, mx.nd.ones(5), **kw)
    with pytest.raises(mx.MXNetError, match=r"Convolution: kernel size exceed input.*\[1,1,3,3\]"):
        mx.nd.Convolution(mx.nd.ones((1, 1, 3, 3)), mx.nd.ones((1, 1, 5, 5)), kernel=(5, 5),
                          num_filter=1, no_bias=True)
    with pytest.raises(mx.MXNetError, match=r"Convolution: Input data should be 3D.*\[2,4,7,7\]"):
        mx.nd.Convolution(x, w, b, kernel=(3,), num_filter=6, num_group=2)
    with pytest.raises(mx.MXNetError, match="Convolution: stride must have the same number"):
        mx.nd.Convolution(x, w, b, stride=(2,), **kw)
    with pytest.raises(mx.MXNetError, match="Convolution: incorrect stride"):
        mx.nd.Convolution(x, w, b, stride=(0, 1), **kw)
    with pytest.raises(mx.MXNetError, match="Convolution.*expects 3 inputs"):
        mx.nd.Convolution(x, w, **kw)
    with pytest.raises(mx.MXNetError, match="Convolution.*expects 2 inputs"):
        mx.nd.Convolution(x, w, b, no_bias=True, **kw)
    with pytest.raises(mx.MXNetError, match="Convolution: num_group 3 must divide"):
        mx.nd.Convolution(x, w, b, kernel=(3, 3), num_filter=6, num_group=3)
    with pytest.raises(mx.MXNetError, match="Convolution: .*'float32' at 'weight'"):
        mx.nd.Convolution(x.astype("float64"), w, b, **kw)
    with pytest.raises(mx.MXNetError, match="Convolution: layout NHWC"):
        mx.nd.Convolution(x, w, b, layout="NHWC", **kw)


@pytest.mark.parametrize("dims", [1, 2])
def test_convolution_gradients(dims):
    rng = np.random.RandomState(2)
    if dims == 2:
        kw = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), dilate=(1, 2), num_group=2)
        xs, ws = (2, 4, 5, 6), (4, 2, 3, 2)
    else:
        kw = dict(kernel=(3,), stride=(2,), pad=(1,), dilate=(2,), num_group=1)
        xs, ws = (2, 3, 8), (4, 3, 3)
    x, w = f64(rng.standard_normal(xs)), f64(rng.standard_normal(ws))
    b = f64(rng.standard_normal(4))

    def conv(a, c, d):
        return mx.nd.Convolution(a, c, d, num_filter=4, **kw)

    check_grads(lambda *a: mx.nd.square(conv(*a)), [x, w, b], order=2)
    fused_equals_vjp(conv, [x, w, b], f64(rng.standard_normal(conv(x, w, b).shape)))
    wd = f64(rng.standard_normal((xs[1], 4 // kw["num_group"]) + kw["kernel"]))

    def deconv(a, c, d):
        return mx.nd.Deconvolution(a, c, d, num_filter=4, no_bias=False, **kw)

    check_grads(lambda *a: mx.nd.square(deconv(*a)), [x, wd, b], order=2)
    fused_equals_vjp(deconv, [x, wd, b], f64(rng.standard_normal(deconv(x, wd, b).shape)))


def test_convolution_float16_and_int():
    rng = np.random.RandomState(3)
    x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((3, 2, 2, 2))
    ref = ref_conv(x, w, None, (1, 1), (0, 0), (1, 1), 1)
    y = mx.nd.Convolution(mx.nd.array(x, dtype="float16"), mx.nd.array(w, dtype="float16"),
                          kernel=(2, 2), num_filter=3, no_bias=True)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-2, atol=1e-2)
    xi, wi = np.arange(16).reshape(1, 1, 4, 4), np.ones((1, 1, 2, 2))
    yi = mx.nd.Convolution(mx.nd.array(xi, dtype="int32"), mx.nd.array(wi, dtype="int32"),
                           kernel=(2, 2), num_filter=1, no_bias=True)
    assert yi.dtype == np.int32
    np.testing.assert_array_equal(yi.asnumpy(), ref_conv(xi, wi, None, (1, 1), (0, 0), (1, 1), 1))


# ---------------------------------------------------------------- Pooling


def ref_pool(x, kernel, stride, pad, mode, full, cip):
    """Direct loops over MXNet's windows (2-D arrays)."""
    N, C, H, W = x.shape
    (KH, KW), (sh, sw), (ph, pw) = kernel, stride, pad

    def osz(n, k, s, p):
        span = n + 2 * p - k
        return 1 + (-(-span // s) if full else span // s)

    OH, OW = osz(H, KH, sh, ph), osz(W, KW, sw, pw)
    y = np.zeros((N, C, OH, OW))
    for n, c, oh, ow in itertools.product(range(N), range(C), range(OH), range(OW)):
        h0, w0 = oh * sh - ph, ow * sw - pw
        h1, w1 = min(h0 + KH, H + ph), min(w0 + KW, W + pw)
        win = x[n, c, max(h0, 0):min(h1, H), max(w0, 0):min(w1, W)]
        if mode == "max":
            y[n, c, oh, ow] = win.max()
        elif mode == "sum":
            y[n, c, oh, ow] = win.sum()
        else:
            y[n, c, oh, ow] = win.sum() / ((h1 - h0) * (w1 - w0) if cip else win.size)
    return y


POOL_CASES = [((5, 5), (2, 2), (2, 2), (0, 0)), ((5, 6), (3, 3), (2, 2), (1, 1)),
              ((6, 5), (3, 2), (1, 2), (1, 0)), ((7,), (3,), (2,), (1,)), ((5,), (2,), (2,), (0,))]


@pytest.mark.parametrize("sp,k,s,p", POOL_CASES)
@pytest.mark.parametrize("mode,cip", [("max", True), ("avg", True), ("avg", False), ("sum", True)])
@pytest.mark.parametrize("conv", ["valid", "full"])
def test_pooling_matches_direct_loops(sp, k, s, p, mode, cip, conv):
    x = np.random.RandomState(4).standard_normal((2, 3) + sp)
    y = mx.nd.Pooling(f64(x), kernel=k, stride=s, pad=p, pool_type=mode, pooling_convention=conv,
                      count_include_pad=cip).asnumpy()
    ref = ref_pool(x.reshape((2, 3) + _as2d(sp, 1)), _as2d(k, 1), _as2d(s, 1), _as2d(p, 0), mode,
                   conv == "full", cip)
    np.testing.assert_allclose(y, ref.reshape(y.shape), rtol=1e-12, atol=1e-12)


def test_pooling_mxnet_literals():
    x = mx.nd.array(np.arange(25.).reshape(1, 1, 5, 5))
    cases = [  # MXNet 1.9.1
        (dict(kernel=(2, 2), stride=(2, 2), pooling_convention="full", pool_type="avg"),
         [3.0, 5.0, 6.5, 13.0, 15.0, 16.5, 20.5, 22.5, 24.0]),
        (dict(kernel=(2, 2), stride=(2, 2), pooling_convention="full", pool_type="sum"),
         [12.0, 20.0, 13.0, 52.0, 60.0, 33.0, 41.0, 45.0, 24.0]),
        (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg"),
         [4 / 3, 3.0, 8 / 3, 7.0, 12.0, 9.0, 8.0, 13.0, 28 / 3]),
        (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", count_include_pad=False),
         [3.0, 4.5, 6.0, 10.5, 12.0, 13.5, 18.0, 19.5, 21.0]),
        (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max"),
         [6.0, 8.0, 9.0, 16.0, 18.0, 19.0, 21.0, 23.0, 24.0]),
        (dict(global_pool=True, pool_type="max", pad=(1, 1), stride=(3, 3)), [24.0]),
        (dict(kernel=(2, 2), global_pool=True, pool_type="avg"), [12.0]),
    ]
    for kw, ref in cases:
        np.testing.assert_allclose(mx.nd.Pooling(x, **kw).asnumpy().ravel(), ref, rtol=1e-6)
    x1 = mx.nd.array(np.arange(20.).reshape(2, 2, 5))
    np.testing.assert_allclose(mx.nd.Pooling(x1, kernel=(2,), stride=(2,), pool_type="avg",
                                             pooling_convention="full").asnumpy()[0],
                               [[0.5, 2.5, 4.0], [5.5, 7.5, 9.0]])
    assert mx.nd.Pooling(x1, global_pool=True, pool_type="sum").asnumpy().ravel().tolist() == \
        [10, 35, 60, 85]


def test_max_pooling_gradient_goes_to_the_first_maximum():
    x = mx.nd.array([[[[1., 1], [1, 0]]]])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.Pooling(x, kernel=(2, 2), pool_type="max")
    y.backward()
    assert x.grad.asnumpy().ravel().tolist() == [1, 0, 0, 0]
    x = mx.nd.array(-np.arange(16.).reshape(1, 1, 4, 4))
    x.attach_grad()
    with autograd.record():
        y = mx.nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                          count_include_pad=False)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy()[0, 0, :2], [[0.25, 0.4167, 0.1667, 0.1667],
                                                            [0.4167, 0.6944, 0.2778, 0.2778]],
                               atol=1e-4)


@pytest.mark.parametrize("mode", ["max", "avg", "sum"])
def test_pooling_gradients(mode):
    rng = np.random.RandomState(5)
    x = f64(rng.standard_normal((2, 2, 5, 6)))
    kw = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type=mode, pooling_convention="full")
    check_grads(lambda a: mx.nd.square(mx.nd.Pooling(a, **kw)), [x], order=2)
    fused_equals_vjp(lambda a: mx.nd.Pooling(a, **kw), [x],
                     f64(rng.standard_normal(mx.nd.Pooling(x, **kw).shape)))


def test_pooling_bad_input():
    x = mx.nd.ones((2, 3, 5, 5))
    with pytest.raises(mx.MXNetError, match=r"Pooling: .*'foo'.*pool_type.*\[2,3,5,5\]"):
        mx.nd.Pooling(x, kernel=(2, 2), pool_type="foo")
    with pytest.raises(mx.MXNetError, match=r"Pooling: kernel size \(6\) exceeds input \(5 "
                                             r"padded to 5\)"):
        mx.nd.Pooling(x, kernel=(6, 6))
    with pytest.raises(mx.MXNetError, match=r"Pooling: kernel \(2,\) has 1 dims.*\[2,3,5,5\]"):
        mx.nd.Pooling(x, kernel=(2,))
    with pytest.raises(mx.MXNetError, match="Pooling: kernel is required"):
        mx.nd.Pooling(x)
    with pytest.raises(mx.MXNetError, match=r"Pooling: Input data should be 3D.*\[2,3\]"):
        mx.nd.Pooling(mx.nd.ones((2, 3)), kernel=(2,))


# ---------------------------------------------------------------- parallel kernels


def test_conv_and_pool_parallel_equal_serial(monkeypatch):
    rng = np.random.RandomState(6)
    x = mx.nd.array(rng.standard_normal((3, 4, 9, 8)))
    w = mx.nd.array(rng.standard_normal((6, 2, 3, 3)))
    kw = dict(kernel=(3, 3), stride=(2, 1), pad=(1, 1), num_filter=6, num_group=2, no_bias=True)

    def run():
        xv, wv = x.copy(), w.copy()
        xv.attach_grad()
        wv.attach_grad()
        with autograd.record():
            y = mx.nd.Convolution(xv, wv, **kw)
            z = mx.nd.Pooling(y, kernel=(2, 2), stride=(2, 2), pool_type="max",
                              pooling_convention="full")
        z.backward(mx.nd.ones(z.shape))
        return y.asnumpy(), z.asnumpy(), xv.grad.asnumpy(), wv.grad.asnumpy()

    ser = run()
    monkeypatch.setattr(settings, "par_min", 0)
    par = run()
    for s, p in zip(ser, par):
        np.testing.assert_array_equal(s, p)
