"""mx.nd.contrib interleaved attention matmuls, SyncBatchNorm, BatchNormWithReLU and hawkesll.

Forward values against a float64 NumPy oracle (einsum over the documented layout) and against
MXNet 1.9.1's numbers (contrib_nlp_mxnet_literals.py); gradients by float64 finite differences
to order 2, fused backward == VJP, and MXNet's error messages for bad shapes.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import check_grads

from contrib_nlp_mxnet_literals import ATTENTION, BN_RELU, HAWKES, SYNC_BN
from gradutil import fused_equals_vjp, grad_checks, nd64

C = mx.nd.contrib
S, B, H, D, SK = 3, 2, 2, 2, 4


def pat(shape, a, m, off, div):
    """Deterministic inputs, exactly representable: the ones the MXNet literals were made from."""
    n = int(np.prod(shape))
    return (((np.arange(n) * a) % m) - off).reshape(shape) / div


QKV = pat((S, B, H * 3 * D), 7, 13, 6, 4.)
ATT = pat((B * H, S, S), 5, 11, 5, 8.)
Q = pat((S, B, H * D), 3, 7, 3, 2.)
KV = pat((SK, B, H * 2 * D), 5, 9, 4, 4.)
ATT2 = pat((B * H, S, SK), 3, 10, 4, 8.)

# ---------------------------------------------------------------- float64 oracles


def _heads(a, parts, h):
    """(S, B, h*parts*D) -> (parts, B, h, S, D), by the documented reshape."""
    s, b, p = a.shape
    return a.reshape(s, b, h, parts, p // (parts * h)).transpose(3, 1, 2, 0, 4)


def ref_selfatt_qk(qkv, h):
    q, k, _ = _heads(qkv, 3, h)
    out = np.einsum("bhid,bhjd->bhij", q, k) / np.sqrt(q.shape[-1])
    return out.reshape(-1, *out.shape[2:])


def ref_valatt(v, att, h):
    b = v.shape[0]
    out = np.einsum("bhij,bhjd->ibhd", att.reshape(b, h, *att.shape[1:]), v)
    return out.reshape(out.shape[0], b, -1)


def ref_selfatt_valatt(qkv, att, h):
    return ref_valatt(_heads(qkv, 3, h)[2], att, h)


def ref_encdec_qk(q, kv, h):
    q = _heads(q, 1, h)[0]
    k = _heads(kv, 2, h)[0]
    out = np.einsum("bhid,bhjd->bhij", q, k) / np.sqrt(q.shape[-1])
    return out.reshape(-1, *out.shape[2:])


def ref_encdec_valatt(kv, att, h):
    return ref_valatt(_heads(kv, 2, h)[1], att, h)


OPS = {
    "selfatt_qk": (C.interleaved_matmul_selfatt_qk, ref_selfatt_qk, [QKV]),
    "selfatt_valatt": (C.interleaved_matmul_selfatt_valatt, ref_selfatt_valatt, [QKV, ATT]),
    "encdec_qk": (C.interleaved_matmul_encdec_qk, ref_encdec_qk, [Q, KV]),
    "encdec_valatt": (C.interleaved_matmul_encdec_valatt, ref_encdec_valatt, [KV, ATT2]),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_attention_matches_mxnet_and_numpy(name):
    f, ref, ins = OPS[name]
    want = ATTENTION[name]
    xs = [mx.nd.array(a) for a in ins]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs, heads=H)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy().ravel(), want["out"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(y.asnumpy(), ref(*ins, H), rtol=1e-6, atol=1e-6)
    y.backward(mx.nd.array(pat(y.shape, 3, 8, 4, 4.)))
    for x, g in zip(xs, want["grads"]):
        np.testing.assert_allclose(x.grad.asnumpy().ravel(), g, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(OPS))
def test_attention_random_shapes_against_oracle(name):
    f, ref, _ = OPS[name]
    rng = np.random.RandomState(5)
    s, b, h, d, sk = 4, 3, 3, 5, 2
    shapes = {"selfatt_qk": [(s, b, h * 3 * d)],
              "selfatt_valatt": [(s, b, h * 3 * d), (b * h, s, s)],
              "encdec_qk": [(s, b, h * d), (sk, b, h * 2 * d)],
              "encdec_valatt": [(sk, b, h * 2 * d), (b * h, s, sk)]}[name]
    ins = [rng.standard_normal(sh) for sh in shapes]
    for dt, tol in (("float32", 1e-5), ("float64", 1e-12), ("float16", 2e-2)):
        y = f(*[mx.nd.array(a, dtype=dt) for a in ins], heads=h)
        assert y.dtype == np.dtype(dt)
        np.testing.assert_allclose(y.asnumpy().astype(np.float64), ref(*ins, h), rtol=tol,
                                   atol=tol)


@pytest.mark.parametrize("name", sorted(OPS))
def test_attention_gradients(name):
    f, _, ins = OPS[name]
    rng = np.random.RandomState(1)
    arrays = [rng.uniform(-1, 1, a.shape) for a in ins]
    grad_checks(lambda *xs: f(*xs, heads=H), arrays, order=2)


def test_gluonnlp_style_attention_block():
    """scores -> softmax -> valatt, as GluonNLP's BERT cell does, against NumPy."""
    rng = np.random.RandomState(2)
    qkv = rng.standard_normal((5, 2, 4 * 3 * 3)).astype(np.float32)
    x = mx.nd.array(qkv)
    att = mx.nd.softmax(C.interleaved_matmul_selfatt_qk(x, heads=4), axis=-1)
    out = C.interleaved_matmul_selfatt_valatt(x, att, heads=4)
    sc = ref_selfatt_qk(qkv.astype(np.float64), 4)
    p = np.exp(sc - sc.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    np.testing.assert_allclose(out.asnumpy(), ref_selfatt_valatt(qkv, p, 4), rtol=1e-5,
                               atol=1e-5)


ERRORS = [
    (C.interleaved_matmul_selfatt_qk, [(3, 2, 12, 1)], "Input queries_keys_values should be 3D "
     "in seq_length-batch-proj_dim, currently is: 4D"),
    (C.interleaved_matmul_selfatt_valatt, [(3, 2, 12), (4, 3, 2)], "queries_keys_values.shape[0]"
     " and attention.shape[2] should be the same, currently are 3 and 2"),
    (C.interleaved_matmul_selfatt_valatt, [(3, 2, 12), (4, 3)], "Input attention should be 3D "
     "in batch-seq_length-seq_length, currently is: 2D"),
    (C.interleaved_matmul_selfatt_valatt, [(3, 2, 10), (4, 3, 3)], "queries_keys_values.shape[2]"
     " should be a multiple of 3, currently is 10"),
    (C.interleaved_matmul_encdec_qk, [(3, 2, 4), (5, 2, 6)], "keys_values.shape[2] should be "
     "equal to queries.shape[2] * 2, currently are: 6 and 4"),
    (C.interleaved_matmul_encdec_qk, [(3, 2, 4), (5, 3, 8)], "queries.shape[1] should be equal "
     "to keys_values.shape[1], currently are: 2 and 3"),
    (C.interleaved_matmul_encdec_qk, [(3, 2), (5, 2, 8)], "Input queries should be 3D in "
     "seq_length-batch-proj_dim, currently is 2D"),
    (C.interleaved_matmul_encdec_valatt, [(5, 2, 8), (4, 3, 4)], "keys_values.shape[0] should be"
     " equal to attention.shape[2], currently are 5 and 4"),
    (C.interleaved_matmul_encdec_valatt, [(5, 2, 8), (4, 3)], "Input attention should be 3D in "
     "batch-seq_length-seq_length, currently is 2D"),
    # mxnb-only checks, where MXNet reads a garbled layout or out of bounds
    (C.interleaved_matmul_selfatt_qk, [(3, 2, 10)], "should be a multiple of 3 * heads = 6"),
    (C.interleaved_matmul_selfatt_valatt, [(3, 2, 12), (2, 3, 3)], "attention.shape[0] should "
     "be equal to queries_keys_values.shape[1] * heads, currently are: 2 and 2"),
    (C.interleaved_matmul_encdec_valatt, [(5, 2, 8), (3, 3, 5)], "attention.shape[0] should be "
     "equal to keys_values.shape[1] * heads, currently are: 3 and 2"),
]


@pytest.mark.parametrize("f, shapes, msg", ERRORS)
def test_attention_shape_errors(f, shapes, msg):
    with pytest.raises(MXNetError) as e:
        f(*[mx.nd.zeros(s) for s in shapes], heads=2)
    assert msg in str(e.value) and f.__name__ in str(e.value)


def test_attention_dtype_and_heads_errors():
    with pytest.raises(MXNetError, match="at 1-th input: expected float32, got float64"):
        C.interleaved_matmul_encdec_qk(mx.nd.zeros((3, 2, 4)),
                                       mx.nd.zeros((5, 2, 8), dtype="float64"), heads=2)
    with pytest.raises(MXNetError, match="got int32"):
        C.interleaved_matmul_selfatt_qk(mx.nd.zeros((3, 2, 12), dtype="int32"), heads=2)
    with pytest.raises(MXNetError, match="heads must be positive"):
        C.interleaved_matmul_selfatt_qk(mx.nd.zeros((3, 2, 12)), heads=0)
    with pytest.raises(MXNetError, match="heads"):
        C.interleaved_matmul_selfatt_qk(mx.nd.zeros((3, 2, 12)))


def test_internal_names():
    for n in ("interleaved_matmul_selfatt_qk", "interleaved_matmul_selfatt_valatt",
              "interleaved_matmul_encdec_qk", "interleaved_matmul_encdec_valatt",
              "SyncBatchNorm", "BatchNormWithReLU"):
        assert getattr(C, n).__name__ == n
        assert callable(getattr(mx.nd, "_contrib_" + n))

# ---------------------------------------------------------------- SyncBatchNorm / BNReLU

X3 = pat((2, 3, 2), 5, 11, 5, 4.)
X4 = pat((2, 3, 2, 2), 5, 11, 5, 4.)


def _sync(*a, **k):
    return C.SyncBatchNorm(*a, key="k", **k)


def _bn_run(f, x, train=True, **kw):
    g = mx.nd.array([0.5, 2., -1.])
    mm, mv = mx.nd.array([0.1, 0.2, 0.3]), mx.nd.array([1., 2., 0.5])
    xs = [mx.nd.array(x), g, mx.nd.array([0.1, -0.2, 0.3])]
    for a in xs:
        a.attach_grad()
    with autograd.record(train_mode=train):
        y = f(xs[0], xs[1], xs[2], mm, mv, **kw)
    ys = y if isinstance(y, list) else [y]
    ys[0].backward(mx.nd.array(pat(x.shape, 3, 7, 3, 2.)), train_mode=train)
    return ys, xs, mm, mv


def _check_case(want, ys, xs, mm, mv):
    assert len(ys) == len(want["outs"])
    for o, w in zip(ys, want["outs"]):
        if w is None:  # unwritten (garbage) in MXNet; zeros in mxnb
            np.testing.assert_array_equal(o.asnumpy(), 0)
        else:
            np.testing.assert_allclose(o.asnumpy().ravel(), w, rtol=1e-5, atol=2e-6)
    for a, w in zip(xs, want["grads"]):
        np.testing.assert_allclose(a.grad.asnumpy().ravel(), w, rtol=1e-5, atol=2e-6)
    np.testing.assert_allclose(mm.asnumpy(), want["moving"][0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(mv.asnumpy(), want["moving"][1], rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(xs[1].asnumpy(), want["gamma"])


SYNC_CASES = {
    "train_fix": (X3, True, {}),
    "train": (X3, True, {"fix_gamma": False, "output_mean_var": True}),
    "train_4d": (X4, True, {"fix_gamma": False, "output_mean_var": True, "eps": 1e-5,
                            "momentum": 0.8}),
    "global": (X3, True, {"fix_gamma": False, "use_global_stats": True}),
    "global_fix": (X3, True, {"use_global_stats": True}),
    "predict": (X3, False, {"fix_gamma": False, "output_mean_var": True}),
}


@pytest.mark.parametrize("case", sorted(SYNC_CASES))
def test_sync_batchnorm_matches_mxnet(case):
    x, train, kw = SYNC_CASES[case]
    _check_case(SYNC_BN[case], *_bn_run(_sync, x, train, **kw))


def test_sync_batchnorm_extra_outputs_are_mean_and_variance():
    rng = np.random.RandomState(4)
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    with autograd.record():
        y, mean, var = C.SyncBatchNorm(mx.nd.array(x), mx.nd.ones(3), mx.nd.zeros(3),
                                       mx.nd.zeros(3), mx.nd.ones(3), key="a",
                                       output_mean_var=True)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(mean.asnumpy(), x64.mean((0, 2)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(var.asnumpy(), x64.var((0, 2)), rtol=1e-6)
    ref = (x64 - x64.mean((0, 2), keepdims=True)) / np.sqrt(x64.var((0, 2), keepdims=True) + 1e-3)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-5, atol=1e-5)


def test_sync_batchnorm_training_gradients():
    rng = np.random.RandomState(2)
    x = nd64(rng.standard_normal((3, 2, 4)))
    g, b = nd64(rng.uniform(0.5, 2, 2)), nd64(rng.uniform(-1, 1, 2))
    mm, mv = nd64(np.zeros(2)), nd64(np.ones(2))

    def f(a, gamma, beta):
        with autograd.train_mode():
            return C.SyncBatchNorm(a, gamma, beta, mm, mv, fix_gamma=False, key="t")

    check_grads(lambda *a: mx.nd.square(f(*a)), [x, g, b], order=2)
    fused_equals_vjp(f, [x, g, b])
    assert not np.allclose(mm.asnumpy(), 0)  # the backward passes updated the moving stats


def test_sync_batchnorm_errors():
    p = [mx.nd.ones(3) for _ in range(4)]
    with pytest.raises(MXNetError, match="key"):
        C.SyncBatchNorm(mx.nd.ones((2, 3)), *p)
    with pytest.raises(MXNetError, match="_contrib_SyncBatchNorm"):
        C.SyncBatchNorm(mx.nd.ones((6,)), *p, key="k")
    with pytest.raises(MXNetError, match="gamma"):
        C.SyncBatchNorm(mx.nd.ones((2, 4, 2)), *p, key="k")


BNR_CASES = {
    "train_fix": (X4, {}),
    "train": (X4, {"fix_gamma": False, "output_mean_var": True}),
    "global": (X4, {"fix_gamma": False, "use_global_stats": True}),
}


@pytest.mark.parametrize("case", sorted(BNR_CASES))
def test_batchnorm_with_relu_matches_mxnet(case):
    x, kw = BNR_CASES[case]
    _check_case(BN_RELU[case], *_bn_run(C.BatchNormWithReLU, x, True, **kw))


def test_batchnorm_with_relu_is_relu_of_batchnorm():
    rng = np.random.RandomState(6)
    x = rng.standard_normal((3, 4, 2)).astype(np.float32)
    args = [mx.nd.array(a) for a in (x, rng.uniform(0.5, 2, 4), rng.uniform(-1, 1, 4))]
    y = C.BatchNormWithReLU(*args, mx.nd.zeros(4), mx.nd.ones(4), axis=-2, fix_gamma=False)
    r = mx.nd.relu(mx.nd.BatchNorm(*args, mx.nd.zeros(4), mx.nd.ones(4), axis=-2,
                                   fix_gamma=False))
    np.testing.assert_array_equal(y.asnumpy(), r.asnumpy())


def test_batchnorm_with_relu_training_gradients():
    rng = np.random.RandomState(3)
    x = nd64(rng.standard_normal((3, 2, 4)))
    g, b = nd64(rng.uniform(0.5, 2, 2)), nd64(rng.uniform(-0.5, 0.5, 2))
    mm, mv = nd64(np.zeros(2)), nd64(np.ones(2))

    def f(a, gamma, beta):
        with autograd.train_mode():
            return C.BatchNormWithReLU(a, gamma, beta, mm, mv, fix_gamma=False)

    check_grads(f, [x, g, b], order=1)
    fused_equals_vjp(f, [x, g, b])

# ---------------------------------------------------------------- hawkesll


def hawkes_inputs(dt="float32", vl=(1, 2, 3, 4), mt=5.0, state=True):
    """MXNet's docstring example, with a state and varied marks (the literals' inputs)."""
    n, k = 4, 3
    return [np.tile([1.5, 2.0, 3.0], (n, 1)), np.array([0.2, 0.3, 0.4]), np.array([1., 2., 3.]),
            np.arange(12.).reshape(n, k) / 10 * state,
            np.array([[6, 7, 8, 9], [1, 2, 3, 4], [3, 4, 5, 6], [8, 9, 10, 11]]) / 10,
            np.array([[0, 1, 2, 0], [1, 1, 0, 2], [2, 0, 0, 1], [0, 0, 1, 1]], np.int32),
            np.array(vl, np.float64), np.full(n, mt)]


def _nd_inputs(arrays, dt):
    return [mx.nd.array(a, dtype="int32" if a.dtype == np.int32 else dt) for a in arrays]


def ref_hawkes(mu, alpha, beta, state, lags, marks, vl, mt):
    """The definition: sum of log intensities at the points minus the integrated intensity
    over (0, max_time], with the past (state) decaying from time 0."""
    n, k = mu.shape
    ll = np.zeros(n)
    sout = np.zeros((n, k))
    for i in range(n):
        c = int(np.ceil(vl[i]))
        times = np.cumsum(lags[i, :c])
        ks = marks[i, :c]
        for t, m in zip(times, ks):
            past = times[(times < t) & (ks == m)]
            lam = mu[i, m] + alpha[m] * beta[m] * (state[i, m] * np.exp(-beta[m] * t)
                                                   + np.exp(-beta[m] * (t - past)).sum())
            ll[i] += np.log(lam)
        for m in range(k):
            tm = times[ks == m]
            ll[i] -= (mu[i, m] * mt[i] + alpha[m] * state[i, m] * (1 - np.exp(-beta[m] * mt[i]))
                      + alpha[m] * (1 - np.exp(-beta[m] * (mt[i] - tm))).sum())
            sout[i, m] = (state[i, m] * np.exp(-beta[m] * mt[i])
                          + np.exp(-beta[m] * (mt[i] - tm)).sum())
    return ll, sout


HAWKES_CASES = {"f32": ("float32", {}), "f64": ("float64", {}),
                "frac": ("float32", {"vl": (0.5, 2.5, 0, 4), "mt": 3.0, "state": False})}


@pytest.mark.parametrize("case", sorted(HAWKES_CASES))
def test_hawkesll_matches_mxnet_and_definition(case):
    dt, kw = HAWKES_CASES[case]
    arrays = hawkes_inputs(**kw)
    xs = _nd_inputs(arrays, dt)
    for a in xs[:3]:
        a.attach_grad()
    with autograd.record():
        ll, s = C.hawkesll(*xs)
    assert ll.dtype == np.dtype(dt) and s.dtype == np.dtype(dt)
    ll.backward(mx.nd.array([1., -0.5, 2., 0.25], dtype=dt))
    want = HAWKES[case]
    # MXNet uses float32 expf/logf even on float64 data: agreement is to float32 precision.
    tol = dict(rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(ll.asnumpy(), want["ll"], **tol)
    np.testing.assert_allclose(s.asnumpy().ravel(), want["state"], **tol)
    for a, g in zip(xs[:3], want["grads"]):
        np.testing.assert_allclose(a.grad.asnumpy().ravel(), g, rtol=2e-6, atol=2e-7)
    rll, rs = ref_hawkes(*arrays)
    np.testing.assert_allclose(ll.asnumpy(), rll, rtol=1e-6 if dt == "float32" else 1e-12)
    np.testing.assert_allclose(s.asnumpy(), rs, rtol=1e-6 if dt == "float32" else 1e-12,
                               atol=1e-12)


def test_hawkesll_gradients():
    from mxnb.ops.contrib_hawkes import _test_inputs

    arrays = _test_inputs(np.random.RandomState(0))
    fixed = _nd_inputs(arrays[3:], "float64")

    def f(mu, alpha, beta):
        return C.hawkesll(mu, alpha, beta, *fixed)

    grad_checks(f, arrays[:3], order=2)


def test_hawkesll_state_head_and_state_gradient():
    """beta's gradient includes the state output's head (MXNet drops it); the input state
    gets zero, as in MXNet."""
    arrays = hawkes_inputs("float64")
    xs = _nd_inputs(arrays, "float64")
    for a in xs[:4]:
        a.attach_grad()
    with autograd.record():
        ll, s = C.hawkesll(*xs)
    autograd.backward([s], [mx.nd.ones(s.shape, dtype="float64")])
    np.testing.assert_array_equal(xs[0].grad.asnumpy(), 0)
    np.testing.assert_array_equal(xs[3].grad.asnumpy(), 0)
    eps = 1e-6
    num = []
    for k in range(3):
        bp, bm = arrays[2].copy(), arrays[2].copy()
        bp[k] += eps
        bm[k] -= eps
        sp = ref_hawkes(*arrays[:2], bp, *arrays[3:])[1].sum()
        sm = ref_hawkes(*arrays[:2], bm, *arrays[3:])[1].sum()
        num.append((sp - sm) / (2 * eps))
    np.testing.assert_allclose(xs[2].grad.asnumpy(), num, rtol=1e-6, atol=1e-9)


def test_hawkesll_errors():
    arrays = hawkes_inputs()
    xs = _nd_inputs(arrays, "float32")
    with pytest.raises(MXNetError, match="Provided = float32, inferred type = int32"):
        C.hawkesll(*xs[:5], xs[5].astype("float32"), *xs[6:])
    with pytest.raises(MXNetError, match=r"alpha has shape \[2\], expected \[3\]"):
        C.hawkesll(xs[0], xs[1][:2], *xs[2:])
    with pytest.raises(MXNetError, match="lda must be 2-D"):
        C.hawkesll(xs[1], *xs[1:])
    with pytest.raises(MXNetError, match="valid_length must be at most T = 4"):
        C.hawkesll(*xs[:6], mx.nd.array([1, 2, 3, 5]), xs[7])
    with pytest.raises(MXNetError, match=r"marks must lie in \[0, K\)"):
        C.hawkesll(*xs[:5], mx.nd.array(np.full((4, 4), 3), dtype="int32"), *xs[6:])
