"""Activation, LeakyReLU and Dropout on mx.gpu() through their CUDA kernels, against the CPU.

The activations run the same scalar functions on both sides; the device's exp/tanh/erf
are not the CPU's (mxnb's own float32 polynomials, libm), so values and fused gradients
agree within an ulp or two (float64 rtol 1e-14, float32 4e-7, float16 1e-3) rather than
bit for bit (prelu's float64 output is checked exact). Random ops
(rrelu in training, Dropout) draw from the GPU pool, which after `mx.random.seed(s)` gives
gpu(0) the CPU pool's numbers: their masks, outputs and gradients equal the CPU's exactly.
"""
import warnings

import numpy as np
import pytest

import mxnb as mx
from mxnb.ops.nn import expand_gamma

GPU, CPU = mx.gpu(0), mx.cpu(0)
GUARDED = {"Activation", "LeakyReLU", "Dropout"}
DTYPES = ["float32", "float64", "float16"]
TOL = {"float32": dict(rtol=4e-7, atol=1e-7), "float64": dict(rtol=1e-14, atol=1e-300),
       "float16": dict(rtol=1e-3, atol=1e-4)}


@pytest.fixture(autouse=True)
def no_host(host_guard):
    """Fail if an op under test runs through the host (others, like reshape, may)."""
    host_guard(GUARDED)
    # uint32 wraparound in the simulator's generator threads warns on NumPy scalars
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _run(ctx, fn, hosts, seed=None, dy_seed=5, train=True):
    """(outputs, input gradients, dy) of fn on ctx; seeds the stream first when `seed` is set."""
    if seed is not None:
        mx.random.seed(seed)
    xs = [mx.nd.array(h, ctx=ctx, dtype=h.dtype) for h in hosts]
    for x in xs:
        x.attach_grad()
    with mx.autograd.record(train_mode=train):
        ys = fn(*xs)
    ys = ys if isinstance(ys, list) else [ys]
    y = ys[0]
    dy = np.random.RandomState(dy_seed).uniform(-1, 1, y.shape).astype(y.dtype)
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=dy.dtype))
    for x in xs:
        assert x.grad.context == ctx
    assert all(o.context == ctx for o in ys)
    return [o.asnumpy() for o in ys], [x.grad.asnumpy() for x in xs], dy


def _compare(fn, hosts, tol, seed=None, train=True):
    out_g, g_g, dy = _run(GPU, fn, hosts, seed, train=train)
    out_c, g_c, _ = _run(CPU, fn, hosts, seed, train=train)
    for a, b in zip(out_g + g_g, out_c + g_c):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), **tol)
    return out_g, g_g, dy


def _x(shape, dtype, lo=-3.0, hi=3.0, seed=0):
    x = np.random.RandomState(seed).uniform(lo, hi, shape)
    x.ravel()[:2] = (0.0, -0.0)        # the branch points
    return x.astype(dtype)


# ---------------------------------------------------------------- Activation

_ACT_REF = {
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "softrelu": (lambda x: np.log1p(np.exp(x)), lambda x: 1 / (1 + np.exp(-x))),
    "softsign": (lambda x: x / (1 + np.abs(x)), lambda x: 1 / (1 + np.abs(x)) ** 2),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("act", sorted(_ACT_REF))
def test_activation_matches_cpu_and_float64(act, dtype):
    x = _x((3, 5), dtype)
    (y,), (dx,), dy = _compare(lambda a: mx.nd.Activation(a, act_type=act), [x], TOL[dtype])
    f, g = _ACT_REF[act]
    x64 = x.astype(np.float64)
    ref_tol = dict(rtol=1e-12, atol=1e-14) if dtype == "float64" else \
        dict(rtol=2e-6, atol=1e-7) if dtype == "float32" else dict(rtol=2e-3, atol=1e-3)
    np.testing.assert_allclose(y.astype(np.float64), f(x64), **ref_tol)
    np.testing.assert_allclose(dx.astype(np.float64), dy.astype(np.float64) * g(x64), **ref_tol)


def test_activation_int_data_and_bad_act_type():
    x = np.array([[-2, 0, 3]], np.int32)
    (y,), _, _ = _run(GPU, lambda a: mx.nd.Activation(a, act_type="relu"), [x])
    assert y.dtype == np.int32 and y.tolist() == [[0, 0, 3]]
    with pytest.raises(mx.base.MXNetError, match="act_type"):
        mx.nd.Activation(mx.nd.ones((2,), ctx=GPU), act_type="swish")


# ---------------------------------------------------------------- LeakyReLU

_SL, _SA = 1.0507009873554805, 1.6732632423543772
_LEAKY_REF = {
    "leaky": lambda x, s: np.where(x > 0, x, s * x),
    "elu": lambda x, s: np.where(x > 0, x, s * np.expm1(x)),
    "selu": lambda x, s: np.where(x > 0, _SL * x, _SL * _SA * np.expm1(x)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("act", ["leaky", "elu", "selu", "gelu"])
def test_leaky_family_matches_cpu(act, dtype):
    x = _x((2, 7), dtype)
    (y,), _, _ = _compare(lambda a: mx.nd.LeakyReLU(a, act_type=act, slope=0.3), [x], TOL[dtype])
    if act in _LEAKY_REF and dtype == "float64":
        # `slope` is a `float` attribute in MXNet: float64 arrays get float32(0.3)
        np.testing.assert_allclose(y, _LEAKY_REF[act](x, float(np.float32(0.3))), rtol=1e-12,
                                   atol=1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("xshape,gshape", [((2, 3, 4), (3,)), ((2, 3, 2, 2), (3,)),
                                           ((3, 5), (1,)), ((2, 3, 4), (2, 3)), ((4, 3), (3,))],
                         ids=str)
def test_prelu_matches_cpu(xshape, gshape, dtype):
    x = _x(xshape, dtype)
    gamma = np.random.RandomState(1).uniform(0.1, 0.5, gshape).astype(dtype)
    # gamma's gradient is a sum over the broadcast axes: cuda_reduce's fixed order, not
    # NumPy's, so a few ulp of the sum apart (float16 rounds partial sums on the CPU)
    tol = TOL[dtype] if dtype != "float64" else dict(rtol=1e-13, atol=1e-14)
    if dtype == "float16":
        tol = dict(rtol=5e-3, atol=5e-3)
    (y,), (dx, dg), dy = _compare(lambda a, g: mx.nd.LeakyReLU(a, g, act_type="prelu"),
                                  [x, gamma], tol)
    x64, dy64 = x.astype(np.float64), dy.astype(np.float64)
    gb = gamma.astype(np.float64).reshape(expand_gamma(gshape, xshape))
    if dtype == "float64":
        np.testing.assert_array_equal(y, np.where(x64 > 0, x64, gb * x64))
        axes = tuple(i for i, d in enumerate(gb.shape) if d == 1 and xshape[i] != 1)
        np.testing.assert_allclose(dg, np.sum(dy64 * (x64 <= 0) * x64, axis=axes,
                                              keepdims=True).reshape(gshape), rtol=1e-13)


@pytest.mark.parametrize("dtype", DTYPES)
def test_rrelu_training_mask_equals_cpu(dtype):
    x = _x((3, 11), dtype)
    attrs = dict(act_type="rrelu", lower_bound=0.1, upper_bound=0.4)
    (y, m), (dx,), dy = _compare(lambda a: mx.nd.LeakyReLU(a, **attrs), [x],
                                 dict(rtol=0, atol=0), seed=17)
    m64 = m.astype(np.float64)
    assert (m64 >= 0.1 - 1e-3).all() and (m64 <= 0.4 + 1e-3).all() and len(set(m.ravel())) > 20
    np.testing.assert_array_equal(y, np.where(x > 0, x, x * m))
    np.testing.assert_array_equal(dx, np.where(x > 0, dy, dy * m))


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_rrelu_prediction_uses_the_mean_slope(dtype):
    x = _x((2, 9), dtype)
    attrs = dict(act_type="rrelu", lower_bound=0.2, upper_bound=0.3)
    (y, m), (dx,), dy = _compare(lambda a: mx.nd.LeakyReLU(a, **attrs), [x],
                                 dict(rtol=0, atol=0), train=False)
    assert not m.any()
    s = np.dtype(dtype).type(0.25)
    np.testing.assert_array_equal(y, np.where(x > 0, x, x * s))
    np.testing.assert_array_equal(dx, np.where(x > 0, dy, dy * s))


def test_rrelu_zero_bounds_and_seeded_stream():
    x = _x((2, 5), "float32")
    (y, m), (dx,), dy = _compare(
        lambda a: mx.nd.LeakyReLU(a, act_type="rrelu", lower_bound=0.0, upper_bound=0.0), [x],
        dict(rtol=0, atol=0), seed=3)
    assert not m.any() and (y == np.maximum(x, 0)).all()
    # the slope draw moves the GPU pool as the CPU's: the next uniform matches too
    mx.random.seed(8)
    mx.nd.LeakyReLU(mx.nd.array(x, ctx=GPU), act_type="rrelu")
    u_gpu = mx.nd.random.uniform(shape=(4,), ctx=GPU).asnumpy()
    mx.random.seed(8)
    mx.nd.LeakyReLU(mx.nd.array(x, ctx=CPU), act_type="rrelu")
    assert u_gpu.tolist() == mx.nd.random.uniform(shape=(4,), ctx=CPU).asnumpy().tolist()


def test_leaky_second_order_stays_on_gpu():
    x = _x((2, 6), "float64")
    gamma = np.array([0.2, 0.3], np.float64)

    def second(ctx):
        a = mx.nd.array(x, ctx=ctx, dtype="float64")
        g = mx.nd.array(gamma, ctx=ctx, dtype="float64")
        a.attach_grad()
        g.attach_grad()
        with mx.autograd.record():
            y = mx.nd.LeakyReLU(a, act_type="elu", slope=0.7) \
                + mx.nd.Activation(a, act_type="tanh") \
                + mx.nd.LeakyReLU(a.reshape((6, 2)), g, act_type="prelu").reshape((2, 6))
            ga, gg = mx.autograd.grad(mx.nd.sum(y * y), [a, g], create_graph=True)
            z = mx.nd.sum(ga * ga) + mx.nd.sum(gg * gg)
        z.backward()
        assert a.grad.context == ctx and g.grad.context == ctx
        return [t.asnumpy() for t in (ga, gg, a.grad, g.grad)]

    for u, v in zip(second(GPU), second(CPU)):
        np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-13)


# ---------------------------------------------------------------- Dropout


def _mask_ref(seed, shape, axes, p, dtype):
    """MXNet's mask from the CPU stream: (u < 1 - p) * (1 / (1 - p)), u in float32/float64."""
    mshape = tuple(1 if i in axes else d for i, d in enumerate(shape))
    mx.random.seed(seed)
    udt = "float64" if dtype == "float64" else "float32"
    u = mx.nd.random.uniform(shape=mshape, dtype=udt).asnumpy()
    pk = np.float32(1 - p)
    return ((u < pk).astype(np.float32) * (np.float32(1) / pk)).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("attrs", [{"p": 0.4}, {"p": 0.5, "axes": (1,)},
                                   {"p": 0.6, "axes": (0, 2)}, {"p": 0.25, "mode": "always"}],
                         ids=str)
def test_dropout_seeded_mask_equals_cpu(attrs, dtype):
    x = _x((3, 4, 5), dtype, seed=2)
    (y,), (dx,), dy = _compare(lambda a: mx.nd.Dropout(a, **attrs), [x], dict(rtol=0, atol=0),
                               seed=11, train=attrs.get("mode") != "always")
    m = _mask_ref(11, x.shape, attrs.get("axes", ()), attrs["p"], dtype)
    assert 0 < (m != 0).mean() < 1
    np.testing.assert_array_equal(y, x * m)
    np.testing.assert_array_equal(dx, dy * m)


def test_dropout_identity_outside_training_and_p0():
    x = _x((2, 6), "float32")
    for fn, train in [(lambda a: mx.nd.Dropout(a, p=0.5), False),
                      (lambda a: mx.nd.Dropout(a, p=0.0, mode="always"), True)]:
        mx.random.seed(4)
        (y,), (dx,), dy = _run(GPU, fn, [x], train=train)
        np.testing.assert_array_equal(y, x)
        np.testing.assert_array_equal(dx, dy)
        # no draw was made: the stream is where the seed left it
        u = mx.nd.random.uniform(shape=(3,), ctx=GPU).asnumpy()
        mx.random.seed(4)
        assert u.tolist() == mx.nd.random.uniform(shape=(3,), ctx=GPU).asnumpy().tolist()


def test_dropout_p1_is_nan_as_mxnet():
    x = _x((2, 3), "float32")
    with mx.autograd.train_mode():
        y = mx.nd.Dropout(mx.nd.array(x, ctx=GPU), p=1.0).asnumpy()
    assert np.isnan(y).all()


def test_dropout_draws_continue_the_gpu_stream():
    mx.random.seed(21)
    with mx.autograd.train_mode():
        a = mx.nd.Dropout(mx.nd.ones((40,), ctx=GPU), p=0.5).asnumpy()
        b = mx.nd.Dropout(mx.nd.ones((40,), ctx=GPU), p=0.5).asnumpy()
    mx.random.seed(21)
    u1 = mx.nd.random.uniform(shape=(40,), ctx=CPU).asnumpy()
    u2 = mx.nd.random.uniform(shape=(40,), ctx=CPU).asnumpy()
    np.testing.assert_array_equal(a, np.where(u1 < 0.5, 2.0, 0.0).astype(np.float32))
    np.testing.assert_array_equal(b, np.where(u2 < 0.5, 2.0, 0.0).astype(np.float32))
