"""mx.nd.random.<sampler>_like draws what the sampler draws for data's shape, dtype and context
(values: MXNet 1.9.1 after mx.random.seed(3))."""
import numpy as np

import mxnb as mx


def test_like_samplers_match_mxnet():
    x = mx.nd.zeros((2, 2))
    mx.random.seed(3)
    e = mx.nd.random.exponential_like(x, lam=4)
    np.testing.assert_array_equal(e.asnumpy(), np.float32(
        [[0.22005131840705872, 0.1368972659111023], [0.14557641744613647, 0.09919837862253189]]))
    mx.random.seed(3)
    u = mx.nd.random.uniform_like(x, 1, 2)
    nb = mx.nd.random.negative_binomial_like(x, k=3, p=0.4)
    np.testing.assert_array_equal(u.asnumpy(), np.float32(
        [[1.5853022336959839, 1.4216575622558594], [1.441391110420227, 1.3275271654129028]]))
    assert nb.asnumpy().tolist() == [[1.0, 5.0], [6.0, 1.0]]


def test_like_samplers_take_shape_dtype_and_defaults():
    x = mx.nd.zeros((3, 1), dtype="float64")
    for name in ("uniform_like", "normal_like", "exponential_like", "gamma_like",
                 "poisson_like", "negative_binomial_like", "generalized_negative_binomial_like"):
        y = getattr(mx.nd.random, name)(x)
        assert y.shape == (3, 1) and y.dtype == np.float64 and y.context == x.context
