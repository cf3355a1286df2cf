"""BatchNorm, LayerNorm and Embedding against NumPy float64 references and MXNet 1.9.1 literals."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.test_utils import check_grads

from test_nn_act import f64, fused_equals_vjp


def np_bn(x, gamma, beta, axis, eps):
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    mean = x.mean(axis=axes)
    var = x.var(axis=axes)
    xhat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return xhat * gamma.reshape(shape) + beta.reshape(shape), mean, var


def bn_params(c, rng, dtype="float64"):
    return [mx.nd.array(a, dtype=dtype) for a in (rng.uniform(0.5, 2, c), rng.uniform(-1, 1, c),
                                                   rng.uniform(-1, 1, c), rng.uniform(0.5, 2, c))]


# ---------------------------------------------------------------- BatchNorm: MXNet quirks


def test_batchnorm_updates_moving_stats_in_backward():
    """Spec Q28: batch mean [2,4], var [1,4], moving 0/1 -> [0.2,0.4] / [1.0,1.3] after backward."""
    x = mx.nd.array([[1., 2], [3, 6]])
    g, b, mm, mv = mx.nd.ones(2), mx.nd.zeros(2), mx.nd.zeros(2), mx.nd.ones(2)
    for a in (x, g, b):
        a.attach_grad()
    with autograd.record():
        y = mx.nd.BatchNorm(x, g, b, mm, mv)
    assert mm.asnumpy().tolist() == [0, 0] and mv.asnumpy().tolist() == [1, 1]
    y.backward()
    np.testing.assert_allclose(mm.asnumpy(), [0.2, 0.4], rtol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), [1.0, 1.3], rtol=1e-6)
    np.testing.assert_allclose(y.asnumpy(), [[-0.9995, -0.999875], [0.9995, 0.999875]], rtol=1e-5)
    assert not x.grad.asnumpy().any() and not g.grad.asnumpy().any()  # fix_gamma: zero
    np.testing.assert_allclose(b.grad.asnumpy(), [2, 2])


def test_batchnorm_moving_var_is_biased():
    x = mx.nd.array([[1., 2], [3, 6], [5, 1]])
    x.attach_grad()
    mm, mv = mx.nd.zeros(2), mx.nd.zeros(2)
    with autograd.record():
        y = mx.nd.BatchNorm(x, mx.nd.ones(2), mx.nd.zeros(2), mm, mv, momentum=0.0)
    y.backward()
    np.testing.assert_allclose(mm.asnumpy(), [3, 3], rtol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), [2.666667, 4.666667], rtol=1e-6)


X3 = [[1., 2], [3, 6], [5, 1]]
DY3 = [[1, 2], [3, 4], [5, 6]]


def _bn_modes(fwd_train, bwd_train, **kw):
    x = mx.nd.array(X3)
    g, b = mx.nd.array([2.0, 0.5]), mx.nd.array([0.3, -0.2])
    mm, mv = mx.nd.array([0.5, 1.0]), mx.nd.array([2.0, 0.5])
    for a in (x, g, b):
        a.attach_grad()
    with autograd.record(train_mode=fwd_train):
        y = mx.nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False, **kw)
    y.backward(mx.nd.array(DY3), train_mode=bwd_train)
    return y, x.grad.asnumpy(), g.grad.asnumpy(), b.grad.asnumpy(), mm.asnumpy(), mv.asnumpy()


GLOBAL_DX = [[1.4138602, 1.4128015], [4.2415805, 2.825603], [7.069301, 4.2384043]]


def test_batchnorm_use_global_stats():
    y, dx, dg, db, mm, mv = _bn_modes(True, True, use_global_stats=True)
    np.testing.assert_allclose(y.asnumpy(), [[1.0069301, 0.5064008], [3.8346505, 3.3320038],
                                             [6.662371, -0.2]], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dx, GLOBAL_DX, rtol=1e-6)
    np.testing.assert_allclose(dg, [21.561369, 31.081633], rtol=1e-6)
    np.testing.assert_allclose(db, [9, 12])
    assert mm.tolist() == [0.5, 1.0] and mv.tolist() == [2.0, 0.5]


def test_batchnorm_backward_mode_decides_formula_and_update():
    # training forward, prediction backward: global-stats gradient, no update
    _, dx, dg, db, mm, mv = _bn_modes(True, False)
    np.testing.assert_allclose(dx, GLOBAL_DX, rtol=1e-6)
    np.testing.assert_allclose(dg, [21.561369, 31.081633], rtol=1e-6)
    assert mm.tolist() == [0.5, 1.0] and mv.tolist() == [2.0, 0.5]
    # prediction forward, training backward: training formula with the moving statistics,
    # which the update then leaves unchanged (MXNet 1.9.1 numbers)
    _, dx, dg, db, mm, mv = _bn_modes(False, True)
    np.testing.assert_allclose(dx, [[-6.419486, -11.752667], [-17.95883, -51.69932],
                                    [-29.498173, 1.4128015]], rtol=1e-5)
    np.testing.assert_allclose(mm, [0.5, 1.0], rtol=1e-6)
    np.testing.assert_allclose(mv, [2.0, 0.5], rtol=1e-6)


def test_batchnorm_output_mean_var_and_4d_literals():
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.randn(2, 3, 2, 2))
    g, b = mx.nd.array([1.5, 0.5, 2.0]), mx.nd.array([0.1, 0.2, 0.3])
    mm, mv = mx.nd.array([0.5, 0.1, -0.2]), mx.nd.array([2., 1., 0.5])
    y, mean, inv = mx.nd.BatchNorm(x, g, b, mm, mv, output_mean_var=True, fix_gamma=False)
    np.testing.assert_allclose(y.asnumpy().ravel()[:4], [1.440395, -0.005873, 0.607651, 1.946035],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mean.asnumpy(), [0.5, 0.1, -0.2])
    np.testing.assert_allclose(inv.asnumpy(), [0.70693, 0.9995, 1.412802], rtol=1e-5)
    with autograd.train_mode():
        y, mean, inv = mx.nd.BatchNorm(x, g, b, mm, mv, output_mean_var=True, fix_gamma=False)
    np.testing.assert_allclose(y.asnumpy().ravel()[:4], [1.983842, -0.924187, 0.309434, 3.000537],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mean.asnumpy(), [0.880511, 0.304613, 0.016075], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(inv.asnumpy(), [1.421433, 1.016922, 0.870229], rtol=1e-5)
    assert mm.asnumpy().tolist() == pytest.approx([0.5, 0.1, -0.2])  # forward leaves them


def test_batchnorm_fix_gamma_overwrites_gamma():
    x = mx.nd.array(X3)
    g = mx.nd.array([2.0, 0.5])
    y = mx.nd.BatchNorm(x, g, mx.nd.array([0.3, -0.2]), mx.nd.zeros(2), mx.nd.ones(2))
    np.testing.assert_allclose(y.asnumpy()[0], [1.2995005, 1.7990007], rtol=1e-6)
    assert g.asnumpy().tolist() == [1, 1]
    g = mx.nd.array([2.0, 0.5])
    with autograd.train_mode():
        mx.nd.BatchNorm(x, g, mx.nd.zeros(2), mx.nd.zeros(2), mx.nd.ones(2), use_global_stats=True)
    assert g.asnumpy().tolist() == [2.0, 0.5]


# ---------------------------------------------------------------- BatchNorm: numerics


@pytest.mark.parametrize("shape,axis", [((4, 3, 2, 5), 1), ((6, 4), 1), ((3, 2, 5), -1),
                                        ((2, 70, 3), 1)])
def test_batchnorm_training_matches_numpy(shape, axis):
    rng = np.random.RandomState(1)
    x = rng.standard_normal(shape) * 2 + 1
    c = shape[axis]
    g, b, mm, mv = bn_params(c, rng)
    with autograd.train_mode():
        y, mean, inv = mx.nd.BatchNorm(f64(x), g, b, mm, mv, fix_gamma=False, axis=axis,
                                       eps=1e-3, output_mean_var=True)
    ref, rmean, rvar = np_bn(x, g.asnumpy(), b.asnumpy(), axis % x.ndim, 1e-3)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean.asnumpy(), rmean, rtol=1e-12)
    np.testing.assert_allclose(inv.asnumpy(), 1 / np.sqrt(rvar + 1e-3), rtol=1e-12)
    y32 = mx.nd.BatchNorm(mx.nd.array(x), *[mx.nd.array(p.asnumpy()) for p in (g, b, mm, mv)],
                          fix_gamma=False, axis=axis)
    shp = [1] * x.ndim
    shp[axis % x.ndim] = -1
    ref = ((x - mm.asnumpy().reshape(shp)) / np.sqrt(mv.asnumpy().reshape(shp) + 1e-3)
           * g.asnumpy().reshape(shp) + b.asnumpy().reshape(shp))
    np.testing.assert_allclose(y32.asnumpy(), ref, rtol=1e-5, atol=1e-5)


def test_batchnorm_training_gradients():
    rng = np.random.RandomState(2)
    x = f64(rng.standard_normal((3, 2, 4)))
    g, b, mm, mv = bn_params(2, rng)

    def f(a, gamma, beta):
        with autograd.train_mode():
            return mx.nd.BatchNorm(a, gamma, beta, mm, mv, fix_gamma=False)

    check_grads(lambda *a: mx.nd.square(f(*a)), [x, g, b], order=2)
    fused_equals_vjp(f, [x, g, b], f64(rng.standard_normal((3, 2, 4))))
    mm0, mv0 = mm.asnumpy(), mv.asnumpy()
    with autograd.train_mode():
        fused_equals_vjp(lambda a: mx.nd.BatchNorm(a, g, b, mm, mv, fix_gamma=True, axis=-2),
                         [x], f64(rng.standard_normal((3, 2, 4))))
    assert not np.allclose(mm.asnumpy(), mm0) and not np.allclose(mv.asnumpy(), mv0)


def test_batchnorm_global_gradients():
    rng = np.random.RandomState(3)
    x = f64(rng.standard_normal((2, 3, 4)))
    g, b, mm, mv = bn_params(3, rng)

    def f(a, gamma, beta):
        return mx.nd.BatchNorm(a, gamma, beta, mm, mv, fix_gamma=False, use_global_stats=True)

    check_grads(lambda *a: mx.nd.square(f(*a)), [x, g, b], order=2)
    fused_equals_vjp(f, [x, g, b], f64(rng.standard_normal((2, 3, 4))))


def test_batchnorm_dtypes_and_bad_input():
    x16 = mx.nd.array(X3, dtype="float16")
    p32 = [mx.nd.array([1., 1.]), mx.nd.zeros(2), mx.nd.zeros(2), mx.nd.ones(2)]
    r = mx.nd.BatchNorm(x16, *p32, output_mean_var=True)
    assert [a.dtype for a in r] == [np.float16, np.float32, np.float32]
    with pytest.raises(mx.MXNetError,
                       match="BatchNorm: .*Expected 'float32'.*'float16' at 'gamma'"):
        mx.nd.BatchNorm(x16, *[p.astype("float16") for p in p32])
    with pytest.raises(mx.MXNetError,
                       match="BatchNorm: .*Expected 'float64'.*'float32' at 'gamma'"):
        mx.nd.BatchNorm(mx.nd.array(X3, dtype="float64"), *p32)
    x = mx.nd.ones((2, 3, 4))
    ones3 = [mx.nd.ones(3) for _ in range(4)]
    with pytest.raises(mx.MXNetError,
                       match=r"BatchNorm: Channel axis out of range: axis 3.*\[2,3,4\]"):
        mx.nd.BatchNorm(x, *ones3, axis=3)
    with pytest.raises(mx.MXNetError,
                       match=r"BatchNorm: .*gamma has shape \[2\].*\[2,3,4\].*\[3\]"):
        mx.nd.BatchNorm(x, mx.nd.ones(2), *ones3[1:])
    with pytest.raises(mx.MXNetError, match=r"BatchNorm: .*moving_var has shape \[4\]"):
        mx.nd.BatchNorm(x, *ones3[:3], mx.nd.ones(4))
    with pytest.raises(TypeError, match="BatchNorm.*moving_var"):
        mx.nd.BatchNorm(x, *ones3[:3])
    with pytest.raises(mx.MXNetError, match="Channel axis out of range"):
        mx.nd.BatchNorm(mx.nd.ones(2), *[mx.nd.ones(2)] * 4)


# ---------------------------------------------------------------- LayerNorm


def np_ln(x, gamma, beta, axis, eps):
    mean = x.mean(axis=axis, keepdims=True)
    std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    shape = [1] * x.ndim
    shape[axis] = -1
    return (x - mean) / std * gamma.reshape(shape) + beta.reshape(shape), mean, std


@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_layernorm_matches_numpy(axis):
    rng = np.random.RandomState(4)
    x = rng.standard_normal((3, 4, 5)) * 3
    n = x.shape[axis]
    g, b = rng.uniform(0.5, 2, n), rng.uniform(-1, 1, n)
    y, mean, std = mx.nd.LayerNorm(f64(x), f64(g), f64(b), axis=axis, eps=1e-3,
                                   output_mean_var=True)
    # MXNet's eps is a `float` parameter: float32's 1e-3, also for float64 data.
    ref, rmean, rstd = np_ln(x, g, b, axis, float(np.float32(1e-3)))
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean.asnumpy(), rmean, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(std.asnumpy(), rstd, rtol=1e-12)
    y32 = mx.nd.LayerNorm(mx.nd.array(x), mx.nd.array(g), mx.nd.array(b), axis=axis, eps=1e-3)
    np.testing.assert_allclose(y32.asnumpy(), ref, rtol=1e-5, atol=1e-5)


def test_layernorm_mxnet_literals():
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.randn(2, 3, 4))
    rng.randn(3)  # keep the stream where the MXNet script had it
    g, b = mx.nd.array(rng.rand(4)), mx.nd.array(rng.rand(4))
    y, mean, std = mx.nd.LayerNorm(x, g, b, output_mean_var=True)
    assert mean.shape == (2, 3, 1) and std.shape == (2, 3, 1)
    np.testing.assert_allclose(mean.asnumpy().ravel(), [1.34596, 0.422253, 0.476424, 0.415063,
                                                        0.186973, -0.444275], rtol=1e-5)
    np.testing.assert_allclose(std.asnumpy().ravel(), [0.708015, 1.078804, 0.59309, 0.230905,
                                                       0.860531, 1.36506], rtol=1e-5)
    y, mean, std = mx.nd.LayerNorm(x, mx.nd.ones(3), mx.nd.zeros(3), axis=1, output_mean_var=True)
    assert mean.shape == (2, 1, 4)


def test_layernorm_gradients():
    rng = np.random.RandomState(5)
    x = f64(rng.standard_normal((2, 3, 4)))
    for axis, n in ((-1, 4), (1, 3)):
        g, b = f64(rng.uniform(0.5, 2, n)), f64(rng.uniform(-1, 1, n))
        check_grads(lambda a, c, d: mx.nd.square(mx.nd.LayerNorm(a, c, d, axis=axis, eps=0.1)),
                    [x, g, b], order=2)
        fused_equals_vjp(lambda a, c, d: mx.nd.LayerNorm(a, c, d, axis=axis, eps=0.1),
                         [x, g, b], f64(rng.standard_normal((2, 3, 4))))


def test_layernorm_bad_input():
    x = mx.nd.ones((2, 3, 4))
    with pytest.raises(mx.MXNetError,
                       match=r"LayerNorm: .*gamma has shape \[3\].*\[2,3,4\].*\[4\]"):
        mx.nd.LayerNorm(x, mx.nd.ones(3), mx.nd.zeros(3))
    with pytest.raises(mx.MXNetError, match=r"LayerNorm: Channel axis out of range: axis=3"):
        mx.nd.LayerNorm(x, mx.nd.ones(4), mx.nd.zeros(4), axis=3)
    with pytest.raises(mx.MXNetError, match="LayerNorm: .*floating point.*int32"):
        mx.nd.LayerNorm(x.astype("int32"), mx.nd.ones(4, dtype="int32"),
                        mx.nd.zeros(4, dtype="int32"))


# ---------------------------------------------------------------- Embedding

W = np.arange(12.).reshape(4, 3)


def test_embedding_mxnet_literals():
    d = mx.nd.array([[0, 3], [1.7, 5], [-1, 2]])
    w = mx.nd.array(W)
    w.attach_grad()
    with autograd.record():
        y = mx.nd.Embedding(d, w, input_dim=4, output_dim=3)
    # indices truncate toward zero and clip into [0, input_dim)
    np.testing.assert_array_equal(y.asnumpy(), W[[[0, 3], [1, 3], [0, 2]]])
    y.backward(mx.nd.array(np.arange(18).reshape(3, 2, 3)))
    np.testing.assert_array_equal(w.grad.asnumpy(), [[12, 14, 16], [6, 7, 8], [15, 16, 17],
                                                     [12, 14, 16]])
    y = mx.nd.Embedding(mx.nd.array([np.nan, 2.5, 3.99, -0.5, -1.5, 1e10, -np.inf]), w,
                        input_dim=4, output_dim=3)
    np.testing.assert_array_equal(y.asnumpy(), W[[0, 2, 3, 0, 0, 3, 0]])
    # the output takes the weight's dtype; `dtype` does not change it (as in MXNet)
    assert mx.nd.Embedding(d, w.astype("float64"), input_dim=4, output_dim=3,
                           dtype="float32").dtype == np.float64
    assert mx.nd.Embedding(d, w.astype("float16"), input_dim=4, output_dim=3).dtype == np.float16


def test_embedding_gradients():
    rng = np.random.RandomState(6)
    d = f64([[0, 3, 3], [1, 0, 3]])
    w = f64(rng.standard_normal((4, 3)))
    check_grads(lambda a: mx.nd.square(mx.nd.Embedding(d, a, input_dim=4, output_dim=3)), [w],
                order=2)
    fused_equals_vjp(lambda a: mx.nd.Embedding(d, a, input_dim=4, output_dim=3), [w],
                     f64(rng.standard_normal((2, 3, 3))))
    g = f64(rng.standard_normal((2, 3, 3)))
    ref = np.zeros((4, 3))
    np.add.at(ref, np.array([[0, 3, 3], [1, 0, 3]]), g.asnumpy())
    np.testing.assert_allclose(mx.nd._embedding_backward(g, d, input_dim=4, output_dim=3)
                               .asnumpy(), ref, rtol=1e-12)


def test_embedding_bad_input():
    d = mx.nd.array([1, 2])
    with pytest.raises(mx.MXNetError, match=r"Embedding: .*weight shape \[4,2\].*\[4,3\]"):
        mx.nd.Embedding(d, mx.nd.ones((4, 2)), input_dim=4, output_dim=3)
    with pytest.raises(mx.MXNetError, match="Embedding: Required parameter output_dim"):
        mx.nd.Embedding(d, mx.nd.ones((4, 3)), input_dim=4)
    with pytest.raises(mx.MXNetError, match=r"Embedding: .*shape \[\]"):
        mx.nd.Embedding(mx.nd.array(3.0), mx.nd.ones((4, 3)), input_dim=4, output_dim=3)


# ---------------------------------------------------------------- MXNet's bits
# float32 follows oneDNN's formulas (MXNet's CPU build runs BatchNorm there), float64 MXNet's
# own kernel; statistics are sums in order; eps defaults to the float 1e-3f. MXNet 1.9.1:
_BN_BITS = {
    "float32": dict(
        y=[-0.756898820400238, 2.210123300552368, -3.147573471069336],
        inv=[0.9793791770935059, 1.0057485103607178, 0.3973328173160553],
        dx=[0.0696723684668541, -0.8314898014068604, -0.09020724147558212],
        dg=[-1.6326509714126587, 1.9093265533447266, -1.3840694427490234],
        mm=[0.047280605882406235, 0.5786420106887817, -0.016742467880249023],
        mv=[1.0083106756210327, 1.7975202798843384, 1.6666381359100342]),
    "float64": dict(
        y=[-0.7568988623460089, 2.2101232160212243, -3.1475734693521367],
        inv=[0.979379219741242, 1.0057484185389913, 0.3973327948565667],
        dx=[0.0696723629231248, -0.8314897856417086, -0.09020725707175511],
        dg=[-1.6326510286727127, 1.9093263244576215, -1.3840693834606057],
        mm=[0.04728060948959476, 0.5786420006148124, -0.016742470611664284],
        mv=[1.0083106415773229, 1.7975203203554528, 1.6666381914173758])}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm_training_is_mxnets_bits(dtype):
    rs = np.random.RandomState(21)
    x = rs.standard_normal((4, 3)) * 2 + 1
    dy = rs.uniform(-1, 1, (4, 3))
    args = [mx.nd.array(a, dtype=dtype) for a in
            (x, [0.5, 1.5, 2.0], [0.1, -0.2, 0.3], [0.0, 0.5, -0.5], [1.0, 2.0, 0.5])]
    for a in args[:3]:
        a.attach_grad()
    with mx.autograd.record():
        y, _, inv = mx.nd.BatchNorm(*args, fix_gamma=False, momentum=0.8, output_mean_var=True)
    y.backward(mx.nd.array(dy, dtype=dtype))
    want = _BN_BITS[dtype]
    got = dict(y=y.asnumpy()[1], inv=inv.asnumpy(), dx=args[0].grad.asnumpy()[2],
               dg=args[1].grad.asnumpy(), mm=args[3].asnumpy(), mv=args[4].asnumpy())
    for k, v in want.items():
        assert got[k].tolist() == v, k


def test_batch_norm_inference_4d_is_mxnets_bits_and_eps_defaults_to_float_1e_3():
    rs = np.random.RandomState(21)
    rs.standard_normal((4, 3)), rs.uniform(-1, 1, (4, 3))  # the draws of the test above
    x = rs.standard_normal((2, 2, 2, 3)).astype("float32")
    y = mx.nd.BatchNorm(mx.nd.array(x), mx.nd.array([0.7, 1.3]), mx.nd.array([0.1, 0.2]),
                        mx.nd.array([0.3, -0.1]), mx.nd.array([0.9, 1.7]), fix_gamma=False)
    assert y.asnumpy()[1, 1, 0].tolist() == [-0.12225376069545746, 2.1393139362335205,
                                             1.2168108224868774]
    from mxnb.ops import OPS
    assert dict(OPS["BatchNorm"].attrs)["eps"] == 0.0010000000474974513
