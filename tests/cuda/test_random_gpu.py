"""mx.random / mx.nd.random / mx.init on gpu(0), under Numba's simulator (tiny sizes).

`NUMBA_ENABLE_CUDASIM=1 PYTHONPATH=src python -m pytest tests/cuda/test_random_gpu.py`.
The GPU pool runs the same MT19937 stream as the CPU, so gpu(0) gives the CPU's numbers.
"""
import warnings

import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim
R = mx.nd.random
SEED42 = [0.82909364, 0.7478349, 0.55818135, 0.5657354, 0.63112146]


@pytest.fixture(autouse=True)
def _quiet():
    # uint32 wraparound in the simulator's Python threads warns on NumPy scalars
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def test_seeded_uniform_on_gpu_matches_cpu():
    mx.random.seed(42)
    x = R.uniform(shape=(5,), ctx=mx.gpu(0))
    assert x.context == mx.gpu(0) and x.dtype == np.float32
    np.testing.assert_array_equal(x.asnumpy(), np.array(SEED42, np.float32))
    mx.random.seed(42, ctx=mx.gpu(0))
    assert x.asnumpy().tolist() == R.uniform(shape=(5,), ctx=mx.gpu(0)).asnumpy().tolist()
    mx.random.seed(0)
    n_gpu = R.normal(1, 2, shape=(6,), ctx=mx.gpu(0)).asnumpy()
    mx.random.seed(0)
    np.testing.assert_allclose(n_gpu, R.normal(1, 2, shape=(6,)).asnumpy(), rtol=1e-6)


def test_out_params_and_int_on_gpu():
    o = mx.nd.zeros((2, 3), ctx=mx.gpu(0))
    assert R.uniform(-1, 1, out=o) is o
    a = o.asnumpy()
    assert a.min() >= -1 and a.max() < 1 and len(set(a.ravel().tolist())) == 6
    r = R.randint(0, 7, shape=(20,), ctx=mx.gpu(0))
    assert r.dtype == np.int32 and 0 <= r.asnumpy().min() and r.asnumpy().max() < 7
    p = R.uniform(mx.nd.array([0, 10], ctx=mx.gpu(0)), mx.nd.array([1, 11], ctx=mx.gpu(0)),
                  shape=3)
    assert p.context == mx.gpu(0) and p.shape == (2, 3) and (p.asnumpy()[1] >= 10).all()
    s = R.shuffle(mx.nd.arange(6, ctx=mx.gpu(0)))
    assert s.context == mx.gpu(0) and sorted(s.asnumpy().tolist()) == list(range(6))


def test_initializers_fill_gpu_arrays():
    mx.random.seed(0)
    w = mx.nd.zeros((4, 3), ctx=mx.gpu(0))
    mx.init.Xavier()(mx.init.InitDesc("fc_weight"), w)
    assert w.asnumpy().ravel()[:4].tolist() == [0.0903850793838501, 0.17191481590270996,
                                                0.3984532356262207, 0.6374562978744507]
    b = mx.nd.zeros((1, 1, 4, 4), ctx=mx.gpu(0))
    mx.init.Bilinear()(mx.init.InitDesc("up_weight"), b)
    assert b.asnumpy()[0, 0, 0].tolist() == [0.0625, 0.1875, 0.1875, 0.0625]
    o = mx.nd.zeros((3, 5), ctx=mx.gpu(0))
    mx.init.Orthogonal()(mx.init.InitDesc("o_weight"), o)
    g = o.asnumpy().astype(np.float64)
    np.testing.assert_allclose(g @ g.T, 1.414 ** 2 * np.eye(3), atol=1e-5)
    f = mx.nd.zeros((56,), ctx=mx.gpu(0))
    mx.init.FusedRNN(None, 2, 1, "lstm", forget_bias=3)._init_weight(
        mx.init.InitDesc("parameters", global_init=mx.init.One()), f)
    assert f.asnumpy().tolist() == [1.0] * 40 + [0, 0, 3, 3, 0, 0, 0, 0] * 2
