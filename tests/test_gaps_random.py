"""negative_binomial and generalized_negative_binomial: MXNet 1.9.1's numbers, the distributions.

The literals were printed by MXNet 1.9.1 on the CPU. mxnb reproduces its gamma-Poisson mixture
on the same generator pool, so a seed gives the same counts; the moment tests check the
distributions independently of the stream.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb._rng.pool import GeneratorPool

INT_MIN = -2147483648.0


def test_mxnet_literals_scalar_parameters():
    for dt in ("float32", "float64", "float16"):   # one stream, whatever the dtype
        mx.random.seed(42)
        r = mx.nd.random.negative_binomial(3, 0.4, shape=(10,), dtype=dt)
        assert r.dtype == np.dtype(dt)
        assert r.asnumpy().tolist() == [7, 7, 1, 5, 1, 11, 2, 15, 2, 7]
    mx.random.seed(42)
    r = mx.nd.random.generalized_negative_binomial(2.5, 0.3, shape=(10,))
    assert r.dtype == np.float32
    assert r.asnumpy().tolist() == [5, 2, 3, 1, 2, 0, 4, 8, 5, 10]
    mx.random.seed(42)
    assert mx.nd.random.generalized_negative_binomial(2.5, 0, shape=(10,)).asnumpy().tolist() == \
        [7, 1, 0, 2, 2, 1, 2, 2, 4, 2]
    mx.random.seed(0)
    r = mx.nd.random.negative_binomial()
    assert r.shape == (1,) and r.asnumpy().tolist() == [0]
    mx.random.seed(5)
    r = mx.nd.random.generalized_negative_binomial(0.7, 2.0, shape=(300,)).asnumpy()
    assert r.sum() == 228 and r[-5:].tolist() == [0, 1, 1, 2, 0]
    # the stream goes on from where the last draw left it
    assert mx.random.negative_binomial(4, 0.25, shape=(3,)).asnumpy().tolist() == [17, 3, 19]


def test_mxnet_literals_many_chunks_and_large_means():
    # 5000 samples: 79 generators; the means near 2e4 take Poisson's rejection branch,
    # where MXNet's logf(lambda) matters (a correctly rounded log flips sample 2145).
    mx.random.seed(2122959041)
    r = mx.nd.random.negative_binomial(200, 0.01, shape=5000).asnumpy()
    assert r[2143:2148].tolist() == [19166, 19250, 20015, 18854, 20325]
    assert r[::997].tolist() == [17284, 17680, 19627, 20372, 20812, 19263]
    assert r.sum(dtype=np.float64) == 99062488


def test_mxnet_literals_parameter_arrays():
    for dt in ("float32", "float64"):
        mx.random.seed(7)
        r = mx.nd.random.negative_binomial(mx.nd.array([1, 2, 3], dtype=dt),
                                           mx.nd.array([0.2, 0.5, 0.9], dtype=dt), shape=4)
        assert r.dtype == np.float32 and r.shape == (3, 4)
        assert r.asnumpy().tolist() == [[6, 8, 0, 0], [8, 2, 1, 1], [0, 0, 0, 1]]
        mx.random.seed(7)
        r = mx.nd.random.generalized_negative_binomial(mx.nd.array([1, 2.5, 30], dtype=dt),
                                                       mx.nd.array([0.2, 0, 0.9], dtype=dt),
                                                       shape=4)
        assert r.asnumpy().tolist() == [[2, 1, 2, 1], [2, 1, 1, 1], [80, 8, 3, 42]]
    mx.random.seed(7)
    r = mx.nd.random.negative_binomial(mx.nd.array([1, 2], dtype="float64"),
                                       mx.nd.array([0.5, 0.5], dtype="float64"), dtype="float64")
    assert r.dtype == np.float64 and r.asnumpy().tolist() == [3, 2]
    r = mx.nd.random.negative_binomial(mx.nd.array([1.5, 2.7]), mx.nd.array([0.5, 0.5]),
                                       shape=(2, 3))
    assert r.shape == (2, 2, 3)   # k is a float here, as in MXNet's _sample_negative_binomial


def test_mxnet_edge_values_and_out():
    mx.random.seed(3)
    # static_cast<int> of an infinite or huge Poisson count is INT_MIN on x86, as in MXNet
    assert mx.nd.random.poisson(3e9, shape=2).asnumpy().tolist() == [INT_MIN, INT_MIN]
    assert mx.nd.random.negative_binomial(2, 1.5, shape=3).asnumpy().tolist() == [0, 0, 0]
    assert mx.nd.random.generalized_negative_binomial(0, 3, shape=3).asnumpy().tolist() == [0] * 3
    assert mx.nd.random.poisson(float("inf"), shape=2).asnumpy().tolist() == [INT_MIN, INT_MIN]
    assert mx.nd.random.negative_binomial(2, 0, shape=4).asnumpy().tolist() == [INT_MIN] * 4
    assert mx.nd.random.negative_binomial(0, 0.5, shape=4).asnumpy().tolist() == [0] * 4
    mx.random.seed(11)
    o = mx.nd.zeros((2, 3), dtype="float64")
    assert mx.nd.random.negative_binomial(5, 0.5, out=o) is o
    assert o.asnumpy().tolist() == [[5, 4, 5], [7, 8, 5]]


@pytest.mark.parametrize("k,p", [(3, 0.4), (0.5, 0.8), (20, 0.05)])
def test_negative_binomial_moments(k, p):
    # mean k(1-p)/p and variance k(1-p)/p^2 (failures before the k-th success)
    mx.random.seed(1)
    n = 200000
    args = (mx.nd.array([k]), mx.nd.array([p])) if k != int(k) else (k, p)
    x = mx.nd.random.negative_binomial(*args, shape=n).asnumpy().ravel().astype(np.float64)
    mean, var = k * (1 - p) / p, k * (1 - p) / p ** 2
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / n)
    assert abs(x.var() / var - 1) < 0.04
    assert (x >= 0).all() and (x == np.round(x)).all()
    # P(X = 0) = p^k
    assert abs((x == 0).mean() - p ** k) < 5 * np.sqrt(p ** k * (1 - p ** k) / n) + 1e-4


@pytest.mark.parametrize("mu,alpha", [(2.5, 0.3), (40.0, 1.5), (6.0, 0.0)])
def test_generalized_negative_binomial_moments(mu, alpha):
    # mean mu, variance mu + alpha mu^2 (alpha = 0: Poisson(mu))
    mx.random.seed(2)
    n = 200000
    x = mx.nd.random.generalized_negative_binomial(mu, alpha, shape=n, dtype="float64").asnumpy()
    var = mu + alpha * mu ** 2
    assert abs(x.mean() - mu) < 5 * np.sqrt(var / n)
    assert abs(x.var() / var - 1) < 0.04


@pytest.mark.parametrize("method,args", [("negative_binomial", (3, 0.4)),
                                         ("generalized_negative_binomial", (2.5, 0.3))])
def test_thread_count_invariance(method, args):
    outs = []
    for par in (False, True):
        pool = GeneratorPool(seed=9, parallel=par)
        out = np.empty(100000, np.float32)
        getattr(pool, method)(out, *args)
        outs.append(out)
    np.testing.assert_array_equal(*outs)


def test_bad_input():
    with pytest.raises(mx.MXNetError, match="Invalid Parameter format for k expect int but "
                                            "value='1.5'"):
        mx.nd.random.negative_binomial(1.5, 0.5)
    for bad in (True, 2 ** 31, 3.0):
        with pytest.raises(mx.MXNetError, match="for k expect int"):
            mx.nd.random.negative_binomial(bad, 0.5)
    assert mx.nd.random.negative_binomial(np.int64(3), 0.5).shape == (1,)
    with pytest.raises(mx.MXNetError, match=r"param.k >= 0 \(-1 vs. 0\) : k parameter in "
                                            "negative binomial distribution"):
        mx.nd.random.negative_binomial(-1, 0.5)
    with pytest.raises(mx.MXNetError, match=r"param.p >= 0 \(-0.5 vs. 0\)"):
        mx.nd.random.negative_binomial(2, -0.5)
    with pytest.raises(mx.MXNetError, match=r"param.p >= 0 \(nan vs. 0\)"):
        mx.nd.random.negative_binomial(2, float("nan"))
    with pytest.raises(mx.MXNetError, match=r"param.mu >= 0 \(-1 vs. 0\) : mu parameter in "
                                            "generalized negative binomial"):
        mx.nd.random.generalized_negative_binomial(-1, 0.5)
    with pytest.raises(mx.MXNetError, match=r"param.alpha >= 0 \(-0.5 vs. 0\)"):
        mx.nd.random.generalized_negative_binomial(1, -0.5)
    with pytest.raises(mx.MXNetError, match="for mu expect float"):
        mx.nd.random.generalized_negative_binomial(True, 0.5)
    with pytest.raises(mx.MXNetError, match=r"Invalid Input: 'int32'.*_random_negative_binomial"):
        mx.nd.random.negative_binomial(2, 0.5, shape=5, dtype="int32")
    with pytest.raises(mx.MXNetError, match="Cannot find argument 'foo'"):
        mx.nd.random.negative_binomial(2, 0.5, foo=1)
    with pytest.raises(mx.MXNetError, match=r"Shape inconsistent, Provided = \[2,2\], inferred "
                                            r"shape=\[3\]"):
        mx.nd.random.negative_binomial(3, 0.5, shape=(3,), out=mx.nd.zeros((2, 2)))
    with pytest.raises(mx.MXNetError, match="Output type does not match requested type"):
        mx.nd.random.negative_binomial(3, 0.5, shape=(2, 2), dtype="float64",
                                       out=mx.nd.zeros((2, 2)))
    with pytest.raises(AssertionError, match="must all have the same type"):
        mx.nd.random.negative_binomial(mx.nd.array([1, 2]), 0.5)
    with pytest.raises(mx.MXNetError, match=r"_sample_negative_binomial inferring shapes"):
        mx.nd.random.negative_binomial(mx.nd.array([1, 2]), mx.nd.array([0.5]))
    # MXNet 1.9.1 loops forever on these; mxnb refuses before drawing
    with pytest.raises(ValueError, match="k must be finite and >= 0"):
        mx.nd.random.negative_binomial(mx.nd.array([1.5, -2]), mx.nd.array([0.2, 0.5]))
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        mx.nd.random.generalized_negative_binomial(mx.nd.array([1.]), mx.nd.array([-1.]))
