"""BatchNorm on mx.gpu() through its CUDA kernels (`kernels/cuda_bn.py`), against the CPU op.

Training statistics are summed on the device in another order than on the CPU
(all in float64 there; the CPU sums float32 rows in float32 first), so values
and gradients match to rounding: tight float64 tolerances, float32 ones for
float32 data. The moving-statistics update is compared bit for bit with the
CPU's formula applied to the same saved statistics.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_reduce
from mxnb.ops import nn_norm

GPU, CPU = mx.gpu(0), mx.cpu(0)
TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=2e-5, atol=2e-5),
       "float16": dict(rtol=2e-3, atol=2e-3)}


@pytest.fixture(autouse=True)
def no_host(host_guard, monkeypatch):
    """Fail if BatchNorm runs through the host (other ops of a test may)."""
    host_guard({"BatchNorm"})
    monkeypatch.setattr(cuda_reduce, "ROWS", 4)  # the sums take several launches


def _hosts(shape, axis, dtype, seed=0):
    rng = np.random.RandomState(seed)
    c = shape[axis]
    pdt = "float32" if dtype == "float16" else dtype
    x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    params = [rng.uniform(0.5, 2, c), rng.uniform(-1, 1, c), rng.uniform(-1, 1, c),
              rng.uniform(0.5, 2, c)]
    dy = rng.uniform(-1, 1, shape).astype(dtype)
    return [x] + [p.astype(pdt) for p in params], dy


def _bn(ctx, hosts, dy, fwd_train=True, bwd_train=True, **attrs):
    """Outputs, gradients and the parameters after one recorded forward and backward."""
    x, g, b, mm, mv = (mx.nd.array(h, ctx=ctx, dtype=h.dtype) for h in hosts)
    for a in (x, g, b):
        a.attach_grad()
    with mx.autograd.record(train_mode=fwd_train):
        y, mean, inv = mx.nd.BatchNorm(x, g, b, mm, mv, output_mean_var=True, **attrs)
    after_fwd = (mm.asnumpy(), mv.asnumpy())
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=dy.dtype), train_mode=bwd_train)
    for a in (y, mean, inv, x.grad, g.grad, b.grad, mm, mv, g):
        assert a.context == ctx
    return {"y": y.asnumpy(), "mean": mean.asnumpy(), "inv": inv.asnumpy(),
            "dx": x.grad.asnumpy(), "dgamma": g.grad.asnumpy(), "dbeta": b.grad.asnumpy(),
            "mm": mm.asnumpy(), "mv": mv.asnumpy(), "gamma": g.asnumpy(),
            "mm_fwd": after_fwd[0], "mv_fwd": after_fwd[1]}


def _compare(hosts, dy, dtype, **kw):
    gpu, cpu = _bn(GPU, hosts, dy, **kw), _bn(CPU, hosts, dy, **kw)
    for k in gpu:
        assert gpu[k].dtype == cpu[k].dtype and gpu[k].shape == cpu[k].shape, k
        np.testing.assert_allclose(gpu[k], cpu[k], err_msg=k, **TOL[dtype])
    return gpu, cpu


def np_bn(x, gamma, beta, axis, eps):
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return y * gamma.reshape(shape) + beta.reshape(shape), mean, 1 / np.sqrt(var + eps)


CASES = [((4, 3), 1, {}),                                                      # inner 1
         ((2, 3, 5), 1, {"fix_gamma": False, "eps": 1e-4, "momentum": 0.8}),  # two passes
         ((3, 2, 4), -1, {"fix_gamma": False}),                                # negative axis
         ((5, 2, 3), 0, {"fix_gamma": False, "momentum": 0.0}),                # outer 1
         ((2, 3, 2, 2), 1, {"use_global_stats": True, "fix_gamma": False}),
         ((2, 3, 2, 2), -3, {"use_global_stats": True})]                       # fix_gamma too


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,axis,attrs", CASES, ids=lambda v: str(v))
def test_forward_backward_and_moving_stats_match_the_cpu(shape, axis, attrs, dtype):
    hosts, dy = _hosts(shape, axis, dtype)
    gpu, cpu = _compare(hosts, dy, dtype, axis=axis, **attrs)
    ax = axis % len(shape)
    ugs = attrs.get("use_global_stats", False)
    fix = attrs.get("fix_gamma", True)
    # the forward leaves the moving statistics alone; the training backward updates them
    assert np.array_equal(gpu["mm_fwd"], hosts[3]) and np.array_equal(gpu["mv_fwd"], hosts[4])
    assert np.array_equal(gpu["mm"], hosts[3]) == ugs
    if ugs:
        # no sums on this path but gamma's and beta's gradients: the float64 per-channel
        # coefficients and dx = dy * A are the CPU's bit for bit (y = x * A + B too, up to
        # the CPU fusing it into one FMA, which the simulator does not)
        for k in ("mean", "inv", "dx"):
            assert gpu[k].tobytes() == cpu[k].tobytes(), k
    if fix:
        assert not gpu["dgamma"].any()
        assert np.array_equal(gpu["gamma"], hosts[1] if ugs else np.ones_like(hosts[1]))
    x64 = hosts[0].astype(np.float64)
    g64 = np.ones(shape[ax]) if fix else hosts[1].astype(np.float64)
    if ugs:
        mean, inv = hosts[3].astype(np.float64), 1 / np.sqrt(hosts[4] + attrs.get("eps", nn_norm.BN_EPS))
        shp = [1] * len(shape)
        shp[ax] = -1
        ref = (x64 - mean.reshape(shp)) * (g64 * inv).reshape(shp) + hosts[2].reshape(shp)
    else:
        ref, mean, inv = np_bn(x64, g64, hosts[2].astype(np.float64), ax,
                               attrs.get("eps", nn_norm.BN_EPS))
    for got, want in ((gpu["y"], ref), (gpu["mean"], mean), (gpu["inv"], inv)):
        np.testing.assert_allclose(got, want, **TOL[dtype])


def test_the_moving_update_is_the_cpus_formula_bit_for_bit():
    """moving = moving * momentum + stat * (1 - momentum) from the saved mean and inverse std
    (variance 1 / inv^2 - eps: the biased one), done by the backward on the device arrays."""
    for dtype in ("float32", "float64"):
        hosts, dy = _hosts((3, 4, 2), 1, dtype, seed=5)
        gpu = _bn(GPU, hosts, dy, momentum=0.7, eps=1e-2, fix_gamma=False)
        mm, mv = hosts[3].copy(), hosts[4].copy()
        nn_norm._bn_update_moving({"momentum": 0.7, "eps": 1e-2}, mm, mv, gpu["mean"], gpu["inv"])
        assert gpu["mm"].tobytes() == mm.tobytes() and gpu["mv"].tobytes() == mv.tobytes()


@pytest.mark.parametrize("fwd_train,bwd_train", [(True, False), (False, True), (False, False)])
def test_train_modes_of_forward_and_backward(fwd_train, bwd_train):
    """The forward's mode picks the statistics; the backward's picks the formula and update."""
    hosts, dy = _hosts((3, 2, 3), 1, "float64", seed=2)
    gpu, _ = _compare(hosts, dy, "float64", fwd_train=fwd_train, bwd_train=bwd_train,
                   fix_gamma=False)
    if not bwd_train:  # no update
        assert np.array_equal(gpu["mm"], hosts[3]) and np.array_equal(gpu["mv"], hosts[4])
    else:  # updated from the moving statistics themselves: (nearly) unchanged
        np.testing.assert_allclose(gpu["mm"], hosts[3], rtol=1e-12)
        np.testing.assert_allclose(gpu["mv"], hosts[4], rtol=1e-12)


X3 = [[1., 2], [3, 6], [5, 1]]
DY3 = [[1, 2], [3, 4], [5, 6]]
GLOBAL_DX = [[1.4138602, 1.4128015], [4.2415805, 2.825603], [7.069301, 4.2384043]]


def _modes(fwd_train, bwd_train, **kw):
    x = mx.nd.array(X3, ctx=GPU)
    g, b = mx.nd.array([2.0, 0.5], ctx=GPU), mx.nd.array([0.3, -0.2], ctx=GPU)
    mm, mv = mx.nd.array([0.5, 1.0], ctx=GPU), mx.nd.array([2.0, 0.5], ctx=GPU)
    for a in (x, g, b):
        a.attach_grad()
    with mx.autograd.record(train_mode=fwd_train):
        y = mx.nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False, **kw)
    y.backward(mx.nd.array(DY3, ctx=GPU), train_mode=bwd_train)
    return y, x.grad.asnumpy(), g.grad.asnumpy(), b.grad.asnumpy(), mm.asnumpy(), mv.asnumpy()


def test_mxnet_literals_on_the_gpu():
    # spec Q28: batch mean [2, 4], var [1, 4]; moving 0 / 1 -> [0.2, 0.4] / [1.0, 1.3]
    x = mx.nd.array([[1., 2], [3, 6]], ctx=GPU)
    g, b = mx.nd.ones(2, ctx=GPU), mx.nd.zeros(2, ctx=GPU)
    mm, mv = mx.nd.zeros(2, ctx=GPU), mx.nd.ones(2, ctx=GPU)
    for a in (x, g, b):
        a.attach_grad()
    with mx.autograd.record():
        y = mx.nd.BatchNorm(x, g, b, mm, mv)
    assert mm.asnumpy().tolist() == [0, 0] and mv.asnumpy().tolist() == [1, 1]
    y.backward()
    np.testing.assert_allclose(mm.asnumpy(), [0.2, 0.4], rtol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), [1.0, 1.3], rtol=1e-6)
    np.testing.assert_allclose(y.asnumpy(), [[-0.9995, -0.999875], [0.9995, 0.999875]], rtol=1e-5)
    assert not x.grad.asnumpy().any() and not g.grad.asnumpy().any()
    np.testing.assert_allclose(b.grad.asnumpy(), [2, 2])
    # use_global_stats, and a prediction-mode backward after a training forward
    for fwd, bwd, kw in ((True, True, {"use_global_stats": True}), (True, False, {})):
        y, dx, dg, db, mm, mv = _modes(fwd, bwd, **kw)
        np.testing.assert_allclose(dx, GLOBAL_DX, rtol=1e-6)
        np.testing.assert_allclose(dg, [21.561369, 31.081633], rtol=1e-6)
        np.testing.assert_allclose(db, [9, 12])
        assert mm.tolist() == [0.5, 1.0] and mv.tolist() == [2.0, 0.5]
    np.testing.assert_allclose(_modes(True, True, use_global_stats=True)[0].asnumpy(),
                               [[1.0069301, 0.5064008], [3.8346505, 3.3320038],
                                [6.662371, -0.2]], rtol=1e-6, atol=1e-7)
    # prediction forward, training backward: the training formula with the moving statistics
    _, dx, _, _, mm, mv = _modes(False, True)
    np.testing.assert_allclose(dx, [[-6.419486, -11.752667], [-17.95883, -51.69932],
                                    [-29.498173, 1.4128015]], rtol=1e-5)
    np.testing.assert_allclose(mm, [0.5, 1.0], rtol=1e-6)
    np.testing.assert_allclose(mv, [2.0, 0.5], rtol=1e-6)


def test_float16_data_with_float32_parameters():
    for shape, axis, kw in (((2, 3, 4), 1, {"fix_gamma": False}),
                            ((2, 3, 4), -1, {"use_global_stats": True})):
        hosts, dy = _hosts(shape, axis, "float16", seed=3)
        gpu, _ = _compare(hosts, dy, "float16", axis=axis, **kw)
        assert gpu["y"].dtype == np.float16 and gpu["dx"].dtype == np.float16
        assert gpu["mean"].dtype == gpu["dgamma"].dtype == gpu["mm"].dtype == np.float32


@pytest.mark.parametrize("ugs", [False, True])
def test_second_order_on_the_device(ugs):
    rng = np.random.RandomState(6)
    hosts = [rng.standard_normal((3, 2, 4)), rng.uniform(0.5, 2, 2), rng.uniform(-1, 1, 2),
             rng.uniform(-1, 1, 2), rng.uniform(0.5, 2, 2)]

    def second(ctx):
        x, g, b, mm, mv = (mx.nd.array(h, ctx=ctx, dtype="float64") for h in hosts)
        x.attach_grad()
        g.attach_grad()
        with mx.autograd.record():
            y = mx.nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False, use_global_stats=ugs)
            gx, gg = mx.autograd.grad(mx.nd.sum(y * y * y), [x, g], create_graph=True)
            z = mx.nd.sum(gx * x) + mx.nd.sum(gg * gg)
        z.backward()
        for a in (gx, x.grad, g.grad, mm):
            assert a.context == ctx
        return [a.asnumpy() for a in (y, gx, gg, x.grad, g.grad, mm, mv)]

    for u, v in zip(second(GPU), second(CPU)):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


def test_never_through_the_host(host_guard):
    host_guard()
    hosts, dy = _hosts((2, 3, 3), 1, "float32", seed=7)
    for kw in ({"fix_gamma": False}, {"use_global_stats": True}):
        _bn(GPU, hosts, dy, **kw)
    _bn(GPU, hosts, dy, fwd_train=False, bwd_train=True)
