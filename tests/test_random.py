"""mx.random / mx.nd.random: MXNet 1.9.1's seeded numbers, shapes, dtypes, out=, errors, moments.

Every literal below was printed by MXNet 1.9.1 (CPU, NumPy 1.23) with the same calls.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.base import MXNetError

R = mx.nd.random
f32 = np.float32


def vals(a):
    return a.asnumpy().ravel().tolist()


# ---------------------------------------------------------------------------
# the stream, against MXNet 1.9.1
# ---------------------------------------------------------------------------
SEED42_U10 = [0.82909364, 0.7478349, 0.55818135, 0.5657354, 0.63112146, 0.9964986,
              0.7411964, 0.54220843, 0.09796188, 0.37050414]
SEED0_U10 = [0.5488135, 0.5928446, 0.71518934, 0.84426576, 0.60276335, 0.8579456,
             0.5448832, 0.8472517, 0.4236548, 0.6235637]


def test_aliases_and_module():
    for name in ("uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
                 "multinomial", "shuffle"):
        assert getattr(mx.random, name) is getattr(mx.nd.random, name)
    import inspect
    sig = inspect.signature(R.uniform)
    assert list(sig.parameters) == ["low", "high", "shape", "dtype", "ctx", "out", "kwargs"]
    assert repr(sig.parameters["shape"].default) == "_Null"
    assert list(inspect.signature(R.multinomial).parameters) == [
        "data", "shape", "get_prob", "out", "dtype", "kwargs"]
    assert inspect.signature(R.exponential).parameters["scale"].default == 1


@pytest.mark.parametrize("seed, expect", [(42, SEED42_U10), (0, SEED0_U10)])
def test_uniform_seeded_matches_mxnet(seed, expect):
    mx.random.seed(seed)
    x = R.uniform(shape=(10,))
    assert x.dtype == np.float32 and x.shape == (10,)
    np.testing.assert_array_equal(x.asnumpy(), np.array(expect, f32))


def test_stream_continues_between_calls():
    # spec 6.3: 3 then 1 gives the first four numbers; 5 and 10 samples share a prefix
    mx.random.seed(42)
    assert vals(R.uniform(shape=(3,))) == [f32(v) for v in SEED42_U10[:3]]
    assert vals(R.uniform()) == [f32(SEED42_U10[3])]
    mx.random.seed(42)
    five = vals(R.uniform(shape=5))
    mx.random.seed(42)
    ten = vals(R.uniform(shape=10))
    assert five == ten[:5]


def test_fresh_process_is_seed_zero_and_import_is_numba_free():
    import subprocess
    import sys
    code = ("import sys, mxnb as mx; mx.init.Xavier(); print('numba' in sys.modules); "
            "print(mx.nd.random.uniform(shape=(3,)).asnumpy().tolist())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "False"
    assert eval(out[1]) == [f32(v) for v in SEED0_U10[:3]]


def test_chunked_draw_matches_mxnet():
    # 100003 samples: 1024 chunks of 98, each from its own generator
    mx.random.seed(0)
    a = R.uniform(shape=(100003,)).asnumpy()
    idx = [0, 1, 97, 98, 99, 195, 196, 100002]
    expect = [0.54881352186203, 0.5928446054458618, 0.6078306436538696, 0.4170219898223877,
              0.9971848130226135, 0.11949047446250916, 0.4359948933124542, 0.44290292263031006]
    assert a[idx].tolist() == expect
    assert float(a.astype(np.float64).sum()) == pytest.approx(50000.94535303698, rel=1e-12)


def test_normal_seeded_matches_mxnet():
    mx.random.seed(0)
    np.testing.assert_allclose(vals(R.normal(shape=(6,))), [
        2.2122063636779785, 0.774003803730011, 1.043440341949463, 1.1839255094528198,
        1.8917113542556763, -1.234741449356079], rtol=2e-7)
    mx.random.seed(42)
    np.testing.assert_allclose(vals(R.normal(shape=(6,))), [
        0.5294427871704102, 1.975368618965149, 0.2912939488887787, -0.2518538534641266,
        -0.1155032068490982, -0.6891397833824158], rtol=2e-7)
    mx.random.seed(0)
    a = R.normal(shape=(3000,)).asnumpy()
    np.testing.assert_allclose(a[[0, 4, 5]], [2.2122063636779785, 1.8917113542556763,
                                              -1.234741449356079], rtol=2e-7)
    mx.random.seed(0)
    np.testing.assert_allclose(vals(R.randn(2, 2, loc=1, scale=2)), [
        5.424412727355957, 2.5480074882507324, 3.086880683898926, 3.3678510189056396], rtol=2e-7)


def test_float64_and_float16_streams_match_mxnet():
    mx.random.seed(42)
    u = R.uniform(shape=(4,), dtype="float64")
    assert u.dtype == np.float64
    assert vals(u) == [0.7478349089690236, 0.5657353972918776, 0.9964986025893878,
                       0.5422084535800843]
    mx.random.seed(42)
    h = R.uniform(shape=(4,), dtype="float16")
    assert h.dtype == np.float16
    assert vals(h) == [0.748046875, 0.56591796875, 0.99658203125, 0.5419921875]
    mx.random.seed(42)
    np.testing.assert_allclose(vals(R.normal(shape=(4,), dtype="float64")), [
        0.4190285409966869, 0.00991739174538943, -1.4094262081130746, -1.365814213855403],
        rtol=1e-14)


def test_other_samplers_match_mxnet():
    mx.random.seed(7)
    r = R.randint(-3, 9, shape=(8,))
    assert r.dtype == np.int32 and vals(r) == [0, -2, -3, 0, 8, 2, 2, 6]
    mx.random.seed(7)
    r = R.randint(-3, 9, shape=(4,), dtype="int64")
    assert r.dtype == np.int64 and vals(r) == [0, -2, -3, 0]
    mx.random.seed(0)
    np.testing.assert_allclose(vals(R.exponential(2, shape=(4,))), [
        1.5917490720748901, 1.7971206903457642, 2.5118613243103027, 3.7192087173461914],
        rtol=1e-6)
    mx.random.seed(0)
    np.testing.assert_allclose(vals(R.gamma(2, 3, shape=(4,))), [
        19.393465042114258, 6.384967803955078, 11.129828453063965, 13.323088645935059],
        rtol=1e-6)
    mx.random.seed(0)
    np.testing.assert_allclose(vals(R.gamma(0.5, 1, shape=(4,))), [
        3.9621100425720215, 1.934989094734192, 0.6848082542419434, 0.00034986110404133797],
        rtol=1e-5)
    mx.random.seed(0)
    p = R.poisson(3, shape=(6,))
    assert p.dtype == np.float32 and vals(p) == [7.0, 4.0, 2.0, 3.0, 5.0, 3.0]
    mx.random.seed(0)
    assert vals(R.poisson(20, shape=(4,))) == [16.0, 27.0, 15.0, 16.0]


def test_parameter_arrays_match_mxnet():
    mx.random.seed(0)
    u = R.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11]), shape=(3,))
    assert u.shape == (2, 3)
    assert vals(u) == [f32(v) for v in (0.54881352186203, 0.5928446054458618,
                                        0.7151893377304077, 10.844265937805176,
                                        10.602763175964355, 10.857945442199707)]
    mx.random.seed(0)
    n = R.normal(mx.nd.array([0, 10]), mx.nd.array([1, 2]), shape=(3,))
    np.testing.assert_allclose(vals(n), [2.2122063636779785, 0.774003803730011,
                                         1.043440341949463, 12.367851257324219,
                                         13.783422470092773, 7.530517101287842], rtol=2e-7)
    # no shape: one sample per parameter; 2-D parameters keep their shape in front
    assert R.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11])).shape == (2,)
    assert R.uniform(mx.nd.array([[0, 10]]), mx.nd.array([[1, 11]]), shape=2).shape == (1, 2, 2)
    e = R.exponential(mx.nd.array([1., 2.]), shape=2)
    g = R.gamma(mx.nd.array([1., 2.]), mx.nd.array([1., 1.]), shape=2)
    p = R.poisson(mx.nd.array([1., 2.]), shape=2)
    assert e.shape == g.shape == p.shape == (2, 2)
    assert R.normal(mx.nd.array([0., 1.]), mx.nd.array([1., 1.]), dtype="float64").dtype == \
        np.float64


def test_multinomial_and_shuffle_match_mxnet():
    mx.random.seed(0)
    m = R.multinomial(mx.nd.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]), shape=5)
    assert m.shape == (2, 5) and m.dtype == np.int32
    assert vals(m) == [2, 2, 2, 2, 2, 1, 0, 1, 0, 1]
    mx.random.seed(0)
    idx, logp = R.multinomial(mx.nd.array([0.2, 0.3, 0.5]), shape=4, get_prob=True)
    assert vals(idx) == [2, 2, 2, 2]
    assert vals(logp) == [f32(-0.6931471824645996)] * 4
    mx.random.seed(0)
    assert vals(R.shuffle(mx.nd.arange(8))) == [0.0, 2.0, 3.0, 5.0, 7.0, 1.0, 6.0, 4.0]
    mx.random.seed(0)
    s2 = R.shuffle(mx.nd.arange(8).reshape((4, 2)))
    assert vals(s2) == [0.0, 1.0, 6.0, 7.0, 2.0, 3.0, 4.0, 5.0]


def test_seed_forms():
    mx.random.seed(2**32 + 42)          # MXNet passes the seed through a C int
    assert vals(R.uniform(shape=(2,))) == [f32(v) for v in SEED42_U10[:2]]
    mx.random.seed(-1)
    assert vals(R.uniform(shape=(2,))) == [f32(0.6450092196464539), f32(0.4805133044719696)]
    mx.random.seed(np.int64(42))
    assert vals(R.uniform(shape=(2,))) == [f32(v) for v in SEED42_U10[:2]]
    mx.random.seed(True)
    a = vals(R.uniform(shape=(2,)))
    mx.random.seed(1)
    assert a == vals(R.uniform(shape=(2,)))
    for bad in (3.0, "3", np.uint32(3), np.int16(3), None):
        with pytest.raises(ValueError, match="seed_state must be int"):
            mx.random.seed(bad)
    with pytest.raises(KeyError):
        mx.random.seed(3, ctx="foo")
    assert mx.random.seed(3) is None


def test_seed_with_context_seeds_the_single_generator_with_the_bare_seed():
    # MXNet: seed(s, ctx) seeds every CPU pool; its parallel pool as seed(s),
    # its single generator (multinomial, shuffle) with s instead of s*127
    mx.random.seed(5, ctx=mx.cpu())
    assert vals(R.shuffle(mx.nd.arange(8))) == [2.0, 5.0, 6.0, 3.0, 4.0, 0.0, 1.0, 7.0]
    mx.random.seed(3, ctx=mx.cpu(1))
    a = vals(R.uniform(shape=(2,)))
    mx.random.seed(3)
    assert vals(R.uniform(shape=(2,))) == a == [f32(0.5853022336959839), f32(0.421657532453537)]
    mx.random.seed(42)
    assert vals(R.uniform(shape=2, ctx=mx.cpu(1))) == [f32(v) for v in SEED42_U10[:2]]


def test_sigmoid_function_example():
    # spec 3.4, with mx.random.seed(42)
    class sigmoid(mx.autograd.Function):
        def forward(self, x):
            y = 1 / (1 + mx.nd.exp(-x))
            self.save_for_backward(y)
            return y

        def backward(self, dy):
            y, = self.saved_tensors
            return dy * y * (1 - y)

    mx.random.seed(42)
    x = R.uniform(shape=(10,))
    x.attach_grad()
    with mx.autograd.record():
        m = sigmoid()(x)
    m.backward()
    np.testing.assert_array_equal(x.asnumpy(), np.array(SEED42_U10, f32))
    np.testing.assert_allclose(m.asnumpy(), [0.69616324, 0.67870677, 0.6360316, 0.6377785,
                                             0.6527437, 0.73036957, 0.6772574, 0.632326,
                                             0.5244709, 0.5915808], rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), [0.21151999, 0.21806389, 0.2314954,
                                                  0.23101708, 0.22666936, 0.19692986,
                                                  0.21857981, 0.23248982, 0.24940117,
                                                  0.24161296], rtol=1e-6)


# ---------------------------------------------------------------------------
# shapes, dtypes, out=
# ---------------------------------------------------------------------------
def test_shapes_and_defaults():
    assert R.uniform().shape == (1,)
    assert R.uniform(shape=5).shape == (5,)
    assert R.uniform(-1, 1, (2, 2)).shape == (2, 2)
    assert R.uniform(shape=[2, 3]).shape == (2, 3)
    assert R.uniform(shape=np.int64(2)).shape == (2,)
    assert R.normal(shape=(2, 3, 4)).shape == (2, 3, 4)
    assert R.randn(2, 3).shape == (2, 3)
    x = R.uniform(ctx=mx.cpu(1))
    assert x.context == mx.cpu(1)
    with mx.cpu(2):
        assert R.normal(shape=(2,)).context == mx.cpu(2)


@pytest.mark.parametrize("fn", [R.uniform, R.normal, R.exponential, R.gamma, R.poisson])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", np.float64])
def test_float_dtypes(fn, dtype):
    x = fn(shape=(3,), dtype=dtype)
    assert x.dtype == np.dtype(dtype).type


def test_dtype_none_is_float64_as_in_mxnet():
    assert R.uniform(0, 1, shape=(2,), dtype=None).dtype == np.float64
    assert R.multinomial(mx.nd.array([0.5, 0.5]), dtype=None).dtype == np.float64
    with pytest.raises(TypeError):
        R.uniform(0, 1, dtype="None")


def test_out_writes_in_place_and_returns_out():
    o = mx.nd.zeros((2, 3))
    mx.random.seed(0)
    r = R.uniform(out=o)
    assert r is o
    np.testing.assert_array_equal(o.asnumpy().ravel(), np.array(SEED0_U10[:6], f32))
    d = mx.nd.zeros((2,), dtype="float64")
    assert R.normal(out=d).dtype == np.float64
    oi = mx.nd.zeros((2, 3), dtype="int32")
    assert R.randint(0, 5, out=oi) is oi
    assert 0 <= oi.asnumpy().min() and oi.asnumpy().max() < 5
    po = mx.nd.zeros((2, 4))
    assert R.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11]), shape=4, out=po) is po
    assert (po.asnumpy()[1] >= 10).all()


# ---------------------------------------------------------------------------
# errors: each leaves out and the stream as they were
# ---------------------------------------------------------------------------
BAD_CALLS = [
    (lambda o: R.uniform(dtype="int32"), MXNetError, "Invalid Input: 'int32'"),
    (lambda o: R.normal(dtype="uint8"), MXNetError, "valid values are"),
    (lambda o: R.randint(0, 10, dtype="float32"), MXNetError, "Invalid Input: 'float32'"),
    (lambda o: R.uniform(1, 0), MXNetError,
     "low must be less or equal to high in uniform distribution"),
    (lambda o: R.normal(0, -1), MXNetError, "scale parameter in gaussian has to be positive"),
    (lambda o: R.normal(0, 0), MXNetError, "scale parameter in gaussian has to be positive"),
    (lambda o: R.exponential(-1), MXNetError,
     "lambda parameter in exponential distribution has to be positive"),
    (lambda o: R.gamma(0, 1), MXNetError, "alpha parameter in gamma distribution"),
    (lambda o: R.gamma(1, -1), MXNetError, "beta parameter in gamma distribution"),
    (lambda o: R.poisson(-1), MXNetError, "has to be non-negative"),
    (lambda o: R.randint(6, 5), MXNetError, "low must be less or equal to high"),
    (lambda o: R.randint(5, 5), MXNetError, "randint: high must be greater than low"),
    (lambda o: R.randint(0.5, 10), MXNetError, "expect long but value='0.5'"),
    (lambda o: R.uniform(True, 2), MXNetError, "expect float but value='True'"),
    (lambda o: R.uniform(shape=(2, 0)), MXNetError, "inferring shapes failed"),
    (lambda o: R.uniform(shape=()), MXNetError, "inferring shapes failed"),
    (lambda o: R.uniform(shape=None), MXNetError, "inferring shapes failed"),
    (lambda o: R.uniform(shape=2.0), MXNetError, r"expect Shape\(tuple\) but value='2.0'"),
    (lambda o: R.randn(), MXNetError, "inferring shapes failed"),
    (lambda o: R.uniform(0, 1, (2,), foo=1), MXNetError, "Cannot find argument 'foo'"),
    (lambda o: R.uniform(ctx="cpu"), MXNetError, "Invalid context string cpu"),
    (lambda o: R.uniform(mx.nd.array([0, 1]), 1.0), AssertionError,
     "Distribution parameters must all have the same type"),
    (lambda o: R.uniform("a", 1), ValueError,
     "Distribution parameters must be either NDArray or numbers"),
    (lambda o: R.uniform(mx.nd.array([0, 1]), mx.nd.array([1, 2, 3])), MXNetError,
     "inferring shapes failed"),
    (lambda o: R.randint(mx.nd.array([0]), mx.nd.array([3])), TypeError, "randint"),
    (lambda o: R.exponential(0), ZeroDivisionError, "division by zero"),
    (lambda o: R.randn(2, shape=(3,)), TypeError, "multiple values for keyword argument"),
    (lambda o: R.uniform(out=o.astype("int32")), MXNetError,
     "Output type must be float16, float32, float64"),
    (lambda o: R.uniform(shape=(4,), out=o), MXNetError,
     r"Shape inconsistent, Provided = \[2,3\], inferred shape=\[4\]"),
    (lambda o: R.normal(dtype="float16", out=o), MXNetError,
     "Output type does not match requested type: 0 vs 2"),
    (lambda o: R.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11]), out=o), MXNetError,
     r"Provided = \[2,3\], inferred shape=\[2\]"),
    (lambda o: R.randint(0, 10, out=o), MXNetError, "Output type must be int32, int64"),
    (lambda o: R.multinomial([0.1, 0.9]), AssertionError,
     "Argument data must have NDArray type"),
    (lambda o: R.multinomial(mx.nd.array([0.5, 0.5]), dtype="int64"), MXNetError,
     "Invalid Input: 'int64'"),
    (lambda o: R.multinomial(mx.nd.array([0.5, 0.5]), ctx=mx.cpu()), MXNetError,
     "Cannot find argument 'ctx'"),
    (lambda o: R.shuffle(mx.nd.arange(4), out=mx.nd.zeros(5)), MXNetError,
     r"expected \[4\], got \[5\]"),
]


@pytest.mark.parametrize("call, exc, msg", BAD_CALLS)
def test_errors_leave_out_and_stream_untouched(call, exc, msg):
    o = mx.nd.array(np.arange(6).reshape(2, 3))
    mx.random.seed(0)
    with pytest.raises(exc, match=msg):
        call(o)
    np.testing.assert_array_equal(o.asnumpy(), np.arange(6).reshape(2, 3))
    assert vals(R.uniform(shape=(2,))) == [f32(v) for v in SEED0_U10[:2]]
    assert vals(R.shuffle(mx.nd.arange(8))) == [0.0, 2.0, 3.0, 5.0, 7.0, 1.0, 6.0, 4.0]


def test_gpu_context_without_gpu_is_refused():
    if mx.num_gpus():
        pytest.skip("a GPU (or the simulator) is present")
    with pytest.raises(MXNetError, match="gpu"):
        R.uniform(ctx=mx.gpu(0))


# ---------------------------------------------------------------------------
# distributions (moments with a fixed seed) and thread-count invariance
# ---------------------------------------------------------------------------
def _z(mean, expect, var, n):
    return abs(mean - expect) / np.sqrt(var / n)


def test_moments():
    mx.random.seed(123)
    n = 4000
    u = R.uniform(-2, 6, shape=(n,)).asnumpy().astype(np.float64)
    assert u.min() >= -2 and u.max() < 6
    assert _z(u.mean(), 2, 64 / 12, n) < 5 and u.var() == pytest.approx(64 / 12, rel=0.1)
    g = R.normal(3, 2, shape=(n,)).asnumpy().astype(np.float64)
    assert _z(g.mean(), 3, 4, n) < 5 and g.std() == pytest.approx(2, rel=0.06)
    e = R.exponential(2, shape=(n,)).asnumpy().astype(np.float64)
    assert e.min() >= 0 and _z(e.mean(), 2, 4, n) < 5
    ga = R.gamma(3, 0.5, shape=(n,)).asnumpy().astype(np.float64)
    assert _z(ga.mean(), 1.5, 0.75, n) < 5 and ga.var() == pytest.approx(0.75, rel=0.15)
    p = R.poisson(4, shape=(n,)).asnumpy().astype(np.float64)
    assert (p == np.round(p)).all() and _z(p.mean(), 4, 4, n) < 5
    assert p.var() == pytest.approx(4, rel=0.15)
    ri = R.randint(-5, 5, shape=(n,), dtype="int64").asnumpy()
    assert ri.min() == -5 and ri.max() == 4 and _z(ri.mean(), -0.5, 99 / 12, n) < 5
    m = R.multinomial(mx.nd.array([0.1, 0.2, 0.7]), shape=n).asnumpy()
    freq = np.bincount(m, minlength=3) / n
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=0.03)
    s = R.shuffle(mx.nd.arange(50)).asnumpy()
    assert sorted(s.tolist()) == list(range(50)) and s.tolist() != list(range(50))


def test_parallel_and_serial_draws_are_identical():
    from mxnb.ndarray.random import _pools

    pool = _pools["cpu"]
    old = pool.parallel
    try:
        out = []
        for par in (False, True):
            pool.parallel = par
            mx.random.seed(9)
            out.append(R.uniform(-1, 1, shape=(70000,)).asnumpy())
        np.testing.assert_array_equal(out[0], out[1])
    finally:
        pool.parallel = old


def test_negative_binomial_and_shuffle_op_names():
    # MXNet's op-name forms of the samplers (pinned from MXNet 1.9.1 with mx.random.seed(3)).
    nd = mx.nd
    # (own functions with the ops' signatures, ctx before dtype: see test_compat_core.py)
    mx.random.seed(3)
    assert nd.random_negative_binomial(k=3, p=0.4, shape=(4,)).asnumpy().tolist() == [1, 3, 6, 2]
    mx.random.seed(3)
    got = nd.sample_negative_binomial(nd.array([3, 5]), nd.array([0.4, 0.5]), shape=(2,))
    assert got.asnumpy().tolist() == [[1, 3], [6, 2]]
    mx.random.seed(3)
    assert nd.shuffle(nd.arange(5)).asnumpy().tolist() == [0, 4, 1, 2, 3]
