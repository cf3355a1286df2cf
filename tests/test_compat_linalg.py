"""mx.nd.linalg (mxnb/ndarray/linalg.py, inverse/det ops in ops/compat.py) vs MXNet 1.9.1.

REF holds what MXNet 1.9.1 printed for the calls in `_compute`, gradients included.
"""
import numpy as np
import pytest

import mxnb as mx

REF = {'det': [[8.0, -0.5], [-0.5]],
 'extractdiag': [[[0.0, 0.4000000059604645, 0.800000011920929],
                  [0.9000000357627869, 1.3000000715255737, 1.7000000476837158]],
                 [[0.6000000238418579], [1.5]]],
 'g_det': [[[3.0, -2.0], [-2.0, 4.0]], [[2.0, -5.0], [-0.5, 1.0]]],
 'g_gemm2': [[[6.0, 9.0], [24.0, 24.0]], [[63.0, 26.0], [81.0, 33.5]]],
 'g_inverse': [[[0.09375, 0.0625], [-0.0625, -0.375]], [[126.0, -340.0], [-23.0, 62.0]]],
 'g_slogdet': [[[0.375, -0.25], [-0.25, 0.5]], [[-4.0, 10.0], [1.0, -2.0]]],
 'g_sumlogdiag': [[[0.25, 0.0], [0.0, 0.3333333432674408]], [[1.0, 0.0], [0.0, 0.5]]],
 'gemm': [[[0.9000000357627869, 0.9800000190734863, 1.0600000619888306],
           [0.7800000309944153, 0.9199999570846558, 1.059999942779541],
           [0.6600000858306885, 0.85999995470047, 1.059999942779541]],
          [[8.100000381469727, 8.720000267028809, 9.34000015258789],
           [8.520000457763672, 9.200000762939453, 9.880001068115234],
           [8.940000534057617, 9.680000305175781, 10.420001029968262]]],
 'gemm2_batch': [[[0.14000000059604645, 0.3799999952316284, 0.6200000643730164],
                  [0.3799999952316284, 1.2599999904632568, 2.140000104904175],
                  [0.6200000643730164, 2.140000104904175, 3.6600003242492676]],
                 [[7.340000152587891, 9.5, 11.660000801086426],
                  [9.5, 12.300000190734863, 15.100000381469727],
                  [11.660000801086426, 15.100000381469727, 18.540000915527344]]],
 'gemm2_ta': [[[0.4000000059604645, 0.46000000834465027, 0.5199999809265137, 0.5800000429153442],
               [0.46000000834465027, 0.5350000262260437, 0.6100000143051147, 0.6850000023841858],
               [0.5199999809265137, 0.6100000143051147, 0.7000000476837158, 0.7900000214576721],
               [0.5800000429153442, 0.6850000023841858, 0.7900000214576721, 0.8950000405311584]],
              [[4.0, 4.240000247955322, 4.4800004959106445, 4.720000267028809],
               [4.240000247955322, 4.49500036239624, 4.750000476837158, 5.005000114440918],
               [4.4800004959106445, 4.750000476837158, 5.020000457763672, 5.289999961853027],
               [4.720000267028809, 5.005000114440918, 5.289999961853027, 5.574999809265137]]],
 'inverse': [[[0.375, -0.25], [-0.25, 0.5]], [[-4.0, 1.0], [10.0, -2.0]]],
 'makediag': [[[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]],
              [[[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]],
               [[0.0, 3.0, 0.0], [0.0, 0.0, 4.0], [0.0, 0.0, 0.0]]]],
 'slogdet': [[-1.0], [0.6931471824645996]],
 'sumlogdiag': [[2.4849066734313965, 0.6931471824645996], [2.4849066734313965]],
 'syrk': [[[21.0, 14.0], [14.0, 13.0]], [[40.0, 28.0, 8.0], [28.0, 26.0, 4.0], [8.0, 4.0, 2.0]]]}


def _compute():
    got = {}

    def p(name, a):
        got[name] = [x.asnumpy().tolist() for x in a] if isinstance(a, (list, tuple)) \
            else a.asnumpy().tolist()

    b = mx.nd.arange(24).reshape((2, 3, 4)) * 0.1
    p("gemm2_batch", mx.nd.linalg.gemm2(b, b, transpose_b=True))
    p("gemm2_ta", mx.nd.linalg.gemm2(b, b, transpose_a=True, alpha=0.5))
    c = mx.nd.arange(18).reshape((2, 3, 3)) * 0.1
    p("gemm", mx.nd.linalg.gemm(c, c, c, transpose_a=True, alpha=2., beta=-1.))
    a = mx.nd.array([[4., 2, 1], [2, 3, 0]])
    p("syrk", [mx.nd.linalg.syrk(a), mx.nd.linalg.syrk(a, transpose=True, alpha=2.)])
    p("extractdiag", [mx.nd.linalg.extractdiag(c), mx.nd.linalg.extractdiag(c, offset=-2)])
    p("makediag", [mx.nd.linalg.makediag(mx.nd.array([1., 2, 3])),
                   mx.nd.linalg.makediag(mx.nd.array([[1., 2], [3, 4]]), offset=1)])
    m = mx.nd.array([[[4., 2], [2, 3]], [[1, 0.5], [5, 2]]])
    p("sumlogdiag", [mx.nd.linalg.sumlogdiag(m), mx.nd.linalg.sumlogdiag(m[0])])
    p("inverse", mx.nd.linalg.inverse(m))
    p("det", [mx.nd.linalg.det(m), mx.nd.linalg.det(m[1])])
    p("slogdet", mx.nd.linalg.slogdet(mx.nd.array([[1., 2], [3, 4]])))
    m.attach_grad()
    fs = {"g_inverse": lambda t: mx.nd.linalg.inverse(t) * mx.nd.arange(8).reshape((2, 2, 2)),
          "g_det": lambda t: mx.nd.linalg.det(t), "g_slogdet": lambda t: mx.nd.linalg.slogdet(t)[1],
          "g_sumlogdiag": lambda t: mx.nd.linalg.sumlogdiag(t),
          "g_gemm2": lambda t: (mx.nd.linalg.gemm2(t, t, transpose_b=True)
                                * mx.nd.arange(8).reshape((2, 2, 2)))}
    for k, f in fs.items():
        with mx.autograd.record():
            y = f(m)
        y.backward()
        p(k, m.grad)
    return got


@pytest.fixture(scope="module")
def got():
    return _compute()


@pytest.mark.parametrize("name", sorted(REF))
def test_matches_mxnet(got, name):
    want, have = REF[name], got[name]
    if name in ("syrk", "extractdiag", "makediag", "sumlogdiag", "det", "slogdet"):
        assert len(want) == len(have)
        for w, h in zip(want, have):
            np.testing.assert_allclose(np.array(h), np.array(w), rtol=2e-6, atol=1e-6)
    else:
        np.testing.assert_allclose(np.array(have), np.array(want), rtol=2e-6, atol=1e-6)


def test_errors():
    with pytest.raises(mx.MXNetError):
        mx.nd.linalg.inverse(mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError):
        mx.nd.linalg.det(mx.nd.ones((2, 2), dtype="int32"))
