"""The Winograd F(2x2, 3x3) path of Convolution, Deconvolution and the weight gradient.

Against direct loops (float64 and float32), against the im2col path, taken
exactly where it is valid (2-D, 3x3, stride 1, dilation 1, any pad), and the
same whatever the chunking of the batch.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.ops import nn_conv
from mxnb.ops import nn_winograd as wino
from mxnb.base import settings
from mxnb.ops.registry import OPS
from mxnb.test_utils import check_grads

from test_nn_act import f64, fused_equals_vjp
from test_nn_conv import ref_conv, ref_deconv

# (N, C, F, H, W, (ph, pw), groups): odd and tiny sizes, one output column, pads 0 to 3
CASES = [
    (2, 3, 4, 5, 6, (1, 1), 1),
    (1, 4, 6, 7, 5, (0, 2), 2),
    (3, 2, 2, 4, 4, (2, 0), 1),
    (2, 6, 6, 3, 9, (3, 1), 3),
    (1, 1, 1, 1, 1, (1, 1), 1),
    (2, 4, 4, 2, 2, (1, 1), 1),
    (1, 2, 3, 8, 3, (0, 0), 1),
]


def ref_wgrad(x, dy, pad, groups):
    """dw[f, c, kh, kw] = sum over n, oh, ow of dy[n, f, oh, ow] * x[n, c, oh - ph + kh, ...]."""
    (ph, pw), (N, F, OH, OW) = pad, dy.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cg, fg = x.shape[1] // groups, F // groups
    dw = np.zeros((F, cg, 3, 3))
    for kh in range(3):
        for kw in range(3):
            win = xp[:, :, kh:kh + OH, kw:kw + OW]
            for g in range(groups):
                dw[g * fg:(g + 1) * fg, :, kh, kw] = np.einsum(
                    "nfhw,nchw->fc", dy[:, g * fg:(g + 1) * fg], win[:, g * cg:(g + 1) * cg])
    return dw


def _data(case, seed):
    N, C, F, H, W, pad, g = case
    rng = np.random.RandomState(seed)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((F, C // g, 3, 3))
    b = rng.standard_normal(F)
    kw = dict(kernel=(3, 3), pad=pad, num_filter=F, num_group=g)
    return x, w, b, kw


@pytest.fixture
def calls(monkeypatch):
    """Counts the calls of each Winograd entry point."""
    n = {"forward": 0, "dgrad": 0, "wgrad": 0}
    for name in n:
        fn = getattr(wino, name)

        def spy(*a, _fn=fn, _name=name, **k):
            n[_name] += 1
            return _fn(*a, **k)
        monkeypatch.setattr(wino, name, spy)
    return n


def _relerr(got, ref):
    return np.abs(got - ref).max() / np.abs(ref).max()


def _fwd_bwd(x, w, b, dy, kw):
    args = [x, w, b]
    for a in args:
        a.attach_grad()
    with autograd.record():
        y = mx.nd.Convolution(*args, **kw)
    y.backward(dy)
    return [y.asnumpy()] + [a.grad.asnumpy() for a in args]


@pytest.mark.parametrize("case", CASES)
def test_winograd_matches_direct_loops(case, calls):
    x, w, b, kw = _data(case, 0)
    pad, g = case[5], case[6]
    y_ref = ref_conv(x, w, b, (1, 1), pad, (1, 1), g)
    dy = np.random.RandomState(1).standard_normal(y_ref.shape)
    refs = [y_ref, ref_deconv(dy, w, None, (1, 1), pad, (1, 1), g, x.shape[2:]),
            ref_wgrad(x, dy, pad, g), dy.sum(axis=(0, 2, 3))]
    got = _fwd_bwd(f64(x), f64(w), f64(b), f64(dy), kw)
    assert calls == {"forward": 1, "dgrad": 0, "wgrad": 1}
    for a, r in zip(got, refs):
        np.testing.assert_allclose(a, r, rtol=1e-12, atol=1e-12)
    got = _fwd_bwd(mx.nd.array(x), mx.nd.array(w), mx.nd.array(b), mx.nd.array(dy), kw)
    for a, r in zip(got, refs):
        assert a.dtype == np.float32
        assert _relerr(a, r) < 1e-6


@pytest.mark.parametrize("case", CASES[:4])
def test_winograd_equals_im2col_for_all_three_ops(case, monkeypatch):
    x, w, b, kw = _data(case, 2)
    g = case[6]
    dy = np.random.RandomState(3).standard_normal(mx.nd.Convolution(f64(x), f64(w), **kw,
                                                                    no_bias=True).shape)
    geo = dict(kernel=(3, 3), pad=case[5], num_group=g)

    def run():
        return [mx.nd.Convolution(f64(x), f64(w), f64(b), **kw).asnumpy(),
                mx.nd.Deconvolution(f64(dy), f64(w), num_filter=x.shape[1], **geo).asnumpy(),
                mx.nd._conv_wgrad(f64(x), f64(dy), **geo).asnumpy()]

    fast = run()
    monkeypatch.setattr(wino, "ENABLED", False)
    slow = run()
    for a, r in zip(fast, slow):
        np.testing.assert_allclose(a, r, rtol=1e-12, atol=1e-12)
    assert fast[1].shape == x.shape and fast[2].shape == w.shape


def test_winograd_float32_error_on_a_wide_layer():
    # 64 channels summed: the error of float32 Winograd stays within that of its im2col GEMMs'
    # order (measured 2e-7 to 4e-7 here), well inside the 1e-5 promised.
    case = (2, 64, 64, 12, 10, (1, 1), 1)
    x, w, b, kw = _data(case, 4)
    w *= 0.05
    dy = np.random.RandomState(5).standard_normal((2, 64, 12, 10))
    ref = _fwd_bwd(f64(x), f64(w), f64(b), f64(dy), kw)
    got = _fwd_bwd(mx.nd.array(x), mx.nd.array(w), mx.nd.array(b), mx.nd.array(dy), kw)
    for a, r in zip(got, ref):
        assert _relerr(a, r) < 2e-6


@pytest.mark.parametrize("attrs,valid", [
    (dict(kernel=(3, 3)), True),
    (dict(kernel=(3, 3), pad=(3, 0)), True),
    (dict(kernel=(3, 3), pad=(1, 1), num_group=2), True),
    (dict(kernel=(3, 3), stride=(2, 1)), False),
    (dict(kernel=(3, 3), stride=(1, 2)), False),
    (dict(kernel=(3, 3), dilate=(1, 2)), False),
    (dict(kernel=(3, 2)), False),
    (dict(kernel=(5, 5)), False),
    (dict(kernel=(1, 1)), False),
    (dict(kernel=(3,)), False),
])
def test_winograd_taken_only_where_valid(attrs, valid, calls):
    shape = (2, 4, 7) if len(attrs["kernel"]) == 1 else (2, 4, 7, 6)
    a = dict(dict(stride=(), dilate=(), pad=(), num_group=1, num_filter=4), **attrs)
    geo = nn_conv.conv_geo(OPS["Convolution"], a, shape)
    assert wino.applies(geo) == valid
    x = mx.nd.array(np.random.RandomState(6).standard_normal(shape))
    w = mx.nd.ones((4, 4 // a["num_group"]) + tuple(attrs["kernel"]))
    mx.nd.Convolution(x, w, no_bias=True, **a)
    assert calls["forward"] == int(valid)


def test_winograd_gradients_and_vjp():
    rng = np.random.RandomState(9)
    x, w, b = (f64(rng.standard_normal(s)) for s in ((2, 4, 5, 4), (4, 2, 3, 3), (4,)))
    kw = dict(kernel=(3, 3), pad=(1, 2), num_filter=4, num_group=2)

    def conv(a, c, d):
        return mx.nd.Convolution(a, c, d, **kw)

    check_grads(lambda *a: mx.nd.square(conv(*a)), [x, w, b], order=2)
    fused_equals_vjp(conv, [x, w, b], f64(rng.standard_normal(conv(x, w, b).shape)))
    wd = f64(rng.standard_normal((4, 2, 3, 3)))

    def deconv(a, c, d):
        return mx.nd.Deconvolution(a, c, d, num_filter=4, no_bias=False, kernel=(3, 3),
                                   pad=(1, 0), num_group=2)

    check_grads(lambda *a: mx.nd.square(deconv(*a)), [x, wd, b], order=2)
    fused_equals_vjp(deconv, [x, wd, b], f64(rng.standard_normal(deconv(x, wd, b).shape)))


@pytest.mark.parametrize("rows", [1, 2])
def test_winograd_row_blocks_match_direct_loops(rows, monkeypatch):
    # Wide layers get blocks of a few tile rows; force them on a small one: 7 tile rows of
    # 4 + 1 tiles, in blocks of 1 or 2 rows (the last one shorter).
    case = (2, 4, 6, 13, 7, (1, 2), 2)
    x, w, b, kw = _data(case, 10)
    tp = (7 + 2 * 2 - 2 + 1) // 2 + 1
    monkeypatch.setattr(wino, "_ONE_THREAD_MNK", 3 * 2 * tp * rows)
    geo = nn_conv.conv_geo(OPS["Convolution"], dict(kw, stride=(), dilate=()), x.shape)
    assert wino._Plan(geo, np.dtype(np.float64)).RB == rows
    y_ref = ref_conv(x, w, b, (1, 1), case[5], (1, 1), 2)
    dy = np.random.RandomState(11).standard_normal(y_ref.shape)
    refs = [y_ref, ref_deconv(dy, w, None, (1, 1), case[5], (1, 1), 2, x.shape[2:]),
            ref_wgrad(x, dy, case[5], 2), dy.sum(axis=(0, 2, 3))]
    for a, r in zip(_fwd_bwd(f64(x), f64(w), f64(b), f64(dy), kw), refs):
        np.testing.assert_allclose(a, r, rtol=1e-12, atol=1e-12)


def test_winograd_parallel_equals_serial(monkeypatch):
    case = (5, 6, 4, 9, 10, (1, 1), 1)
    x, w, b, kw = _data(case, 12)
    dy = np.random.RandomState(13).standard_normal((5, 4, 9, 10))

    def run():
        return _fwd_bwd(mx.nd.array(x), mx.nd.array(w), mx.nd.array(b), mx.nd.array(dy), kw)

    ser = run()
    monkeypatch.setattr(settings, "par_min", 0)
    geo = nn_conv.conv_geo(OPS["Convolution"], dict(kw, stride=(), dilate=()), x.shape)
    if not wino._Plan(geo, np.dtype(np.float32)).par:
        pytest.skip("parallel kernels need two threads")
    for s, p in zip(ser, run()):
        np.testing.assert_array_equal(s, p)
