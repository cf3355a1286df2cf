"""BilinearResize2D and AdaptiveAvgPooling2D against MXNet 1.9.1 literals and float64 oracles."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import check_grads

C = mx.nd.contrib

RX = [[[[0.0, 1.0, 2.8284270763397217, 5.196152210235596],
        [8.0, 11.180339813232422, 14.696938514709473, 18.520259857177734],
        [22.627416610717773, 27.0, 31.62277603149414, 36.482872009277344]]]]
R_AC = [[0.0, 1.9142135381698608, 5.196152210235596], [4.0, 7.426425933837891, 11.858205795288086],
        [8.0, 12.938638687133789, 18.520259857177734],
        [15.313708305358887, 21.12501335144043, 27.50156593322754],
        [22.627416610717773, 29.31138801574707, 36.482872009277344]]
R_AC_GRAD = [[1.5, 1.5, 1.5, 4.5], [12.0, 7.0, 7.0, 16.0], [16.5, 9.0, 9.0, 19.5]]
R_NOAC = [[2.0, 2.551815986633301, 3.4347217082977295, 4.670320510864258, 5.990671157836914,
           7.551599502563477, 8.527179718017578],
          [18.970561981201172, 20.42574691772461, 22.754047393798828, 25.218202590942383,
           27.719953536987305, 30.349040985107422, 31.992218017578125]]
R_NOAC_GRAD = [[0.5892856121063232, 2.7857141494750977, 5.249999046325684, 7.125001430511475],
               [3.3928568363189697, 4.982142448425293, 6.624999046325684, 7.750001907348633],
               [9.589284896850586, 12.160714149475098, 14.62499713897705, 16.125003814697266]]
AX = [[[[0.0, 1.0, 2.8284270763397217, 5.196152210235596],
        [8.0, 11.180339813232422, 14.696938514709473, 18.520259857177734],
        [22.627416610717773, 27.0, 31.62277603149414, 36.482872009277344],
        [41.569217681884766, 46.87216567993164, 52.383201599121094, 58.094749450683594],
        [64.0, 70.0927963256836, 76.3675308227539, 82.81907653808594]]]]
A33 = [[5.0450849533081055, 7.426426410675049, 10.310443878173828],
       [26.208189010620117, 30.625905990600586, 35.30013656616211],
       [55.633544921875, 61.428924560546875, 67.4161376953125]]
A33_GRAD = [[0.0, 0.25, 0.75, 0.5], [0.5, 1.4166667461395264, 2.25, 1.3333332538604736],
            [0.5, 1.1666667461395264, 1.5, 0.8333333134651184],
            [2.0, 4.4166669845581055, 5.25, 2.8333332538604736], [1.5, 3.25, 3.75, 2.0]]


def _run(fn, x, **kw):
    xx = mx.nd.array(x)
    xx.attach_grad()
    with autograd.record():
        y = fn(xx, **kw)
    y.backward(mx.nd.arange(y.size).reshape(y.shape))
    return y.asnumpy()[0, 0], xx.grad.asnumpy()[0, 0]


@pytest.mark.parametrize("want,grad,kw", [
    (R_AC, R_AC_GRAD, {"height": 5, "width": 3}),
    (R_NOAC, R_NOAC_GRAD, {"height": 2, "width": 7, "align_corners": False}),
])
def test_bilinear_resize_matches_mxnet(want, grad, kw):
    y, g = _run(C.BilinearResize2D, RX, **kw)
    np.testing.assert_array_equal(y, np.array(want, np.float32))
    np.testing.assert_array_equal(g, np.array(grad, np.float32))


def test_adaptive_avg_pool_matches_mxnet():
    y, g = _run(C.AdaptiveAvgPooling2D, AX, output_size=(3, 3))
    np.testing.assert_array_equal(y, np.array(A33, np.float32))
    np.testing.assert_array_equal(g, np.array(A33_GRAD, np.float32))


def _bilinear_oracle(x, oh, ow, align):
    """float64 bilinear resize written directly from the coordinate rule."""
    h, w = x.shape[-2:]

    def src(n_in, n_out, i):
        if n_out == 1:
            return 0.0
        if align:
            return i * (n_in - 1) / (n_out - 1)
        return max(0.0, (i + 0.5) * n_in / n_out - 0.5)
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for i in range(oh):
        r = src(h, oh, i)
        r0 = int(r)
        r1 = min(r0 + 1, h - 1)
        for j in range(ow):
            c = src(w, ow, j)
            c0 = int(c)
            c1 = min(c0 + 1, w - 1)
            a, b = r - r0, c - c0
            out[..., i, j] = ((1 - a) * ((1 - b) * x[..., r0, c0] + b * x[..., r0, c1])
                              + a * ((1 - b) * x[..., r1, c0] + b * x[..., r1, c1]))
    return out


@pytest.mark.parametrize("oh,ow,align", [(7, 3, True), (4, 9, False), (1, 5, True)])
def test_bilinear_resize_float64_oracle(oh, ow, align):
    x = np.random.RandomState(0).randn(2, 3, 5, 6)
    y = C.BilinearResize2D(mx.nd.array(x, dtype="float64"), height=oh, width=ow,
                           align_corners=align)
    np.testing.assert_allclose(y.asnumpy(), _bilinear_oracle(x, oh, ow, align), rtol=1e-6,
                               atol=1e-6)


def test_adaptive_avg_pool_float64_oracle():
    x = np.random.RandomState(1).randn(2, 3, 7, 5)
    y = C.AdaptiveAvgPooling2D(mx.nd.array(x, dtype="float64"), output_size=(3, 4)).asnumpy()
    want = np.zeros((2, 3, 3, 4))
    for i in range(3):
        for j in range(4):
            hs, he = (i * 7) // 3, -(-(i + 1) * 7 // 3)
            ws, we = (j * 5) // 4, -(-(j + 1) * 5 // 4)
            want[..., i, j] = x[..., hs:he, ws:we].mean(axis=(-2, -1))
    np.testing.assert_allclose(y, want, rtol=1e-13)


@pytest.mark.parametrize("kw,shape", [
    ({"height": 2, "width": 3}, (2, 3)),
    ({"scale_height": 1.5, "scale_width": 0.5}, (6, 2)),
    ({"scale_width": 2.0}, (1, 1)),          # MXNet ignores scale_width without scale_height
    ({"mode": "odd_scale", "scale_height": 2.0, "scale_width": 2.0}, (8, 9)),
    ({"mode": "to_even_up"}, (4, 6)),
    ({"mode": "to_odd_down"}, (3, 5)),
])
def test_bilinear_resize_output_shapes(kw, shape):
    assert C.BilinearResize2D(mx.nd.ones((2, 3, 4, 5)), **kw).shape == (2, 3) + shape


def test_bilinear_resize_like_and_errors():
    x, like = mx.nd.ones((1, 2, 4, 5)), mx.nd.ones((1, 1, 3, 3))
    x.attach_grad()
    like.attach_grad()
    with autograd.record():
        y = C.BilinearResize2D(x, like, mode="like")
    y.backward()
    assert y.shape == (1, 2, 3, 3)
    assert np.all(like.grad.asnumpy() == 0)
    np.testing.assert_allclose(x.grad.asnumpy().sum(), 18.0, rtol=1e-6)
    with pytest.raises(MXNetError, match="4-D"):
        C.BilinearResize2D(mx.nd.ones((2, 3, 4)), height=2, width=2)
    with pytest.raises(MXNetError, match="'bogus'"):
        C.BilinearResize2D(mx.nd.ones((1, 1, 2, 2)), mode="bogus")


@pytest.mark.parametrize("o,shape", [((), (1, 1)), (2, (2, 2)), ((2, 3), (2, 3)), ((1,), (1, 1))])
def test_adaptive_avg_pool_output_shapes(o, shape):
    assert C.AdaptiveAvgPooling2D(mx.nd.ones((2, 3, 4, 5)), output_size=o).shape == (2, 3) + shape


def test_second_order_through_adjoints():
    x = mx.nd.array(np.random.RandomState(2).randn(1, 2, 3, 4), dtype="float64")
    check_grads(lambda a: C.BilinearResize2D(a, height=5, width=2) ** 2, [x], order=2)
    check_grads(lambda a: C.AdaptiveAvgPooling2D(a, output_size=(2, 3)) ** 2, [x], order=2)


def test_float16_close_to_float32():
    x = np.random.RandomState(3).randn(1, 2, 4, 4).astype(np.float32)
    for fn, kw in ((C.BilinearResize2D, {"height": 6, "width": 3}),
                   (C.AdaptiveAvgPooling2D, {"output_size": 3})):
        a = fn(mx.nd.array(x, dtype="float16"), **kw).asnumpy()
        b = fn(mx.nd.array(x), **kw).asnumpy()
        assert a.dtype == np.float16
        np.testing.assert_allclose(a.astype(np.float32), b, rtol=2e-3, atol=2e-3)
