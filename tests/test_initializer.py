"""mx.init: registry, create, dumps strings, dispatch, every initializer's maths and errors.

Seeded literals were printed by MXNet 1.9.1 (CPU) with the same calls.
"""
import json
import logging
import warnings

import numpy as np
import pytest

import mxnb as mx
from mxnb.base import MXNetError

I = mx.init
f32 = np.float32


def D(name, attrs=None, global_init=None):
    return I.InitDesc(name, attrs, global_init)


def run(init, name, shape, dtype="float32", fill=0.0):
    arr = mx.nd.full(shape, fill, dtype=dtype)
    init(D(name), arr)
    return arr.asnumpy()


# ---------------------------------------------------------------------------
# module, registry, create
# ---------------------------------------------------------------------------
def test_init_is_initializer_and_registry_keys():
    assert mx.init is mx.initializer
    assert sorted(I._REGISTRY) == ["bilinear", "constant", "fusedrnn", "lstmbias", "msraprelu",
                                   "normal", "one", "ones", "orthogonal", "uniform", "xavier",
                                   "zero", "zeros"]
    assert I._REGISTRY["zeros"] is I.Zero and I._REGISTRY["ones"] is I.One
    assert not issubclass(I.Mixed, I.Initializer) and not issubclass(I.Load, I.Initializer)


def test_create_every_input_form():
    assert isinstance(I.create("xavier"), I.Xavier)
    assert I.create("Xavier", magnitude=2)._kwargs["magnitude"] == 2
    assert I.create('["normal", {"sigma": 0.8}]') == I.Normal(0.8)
    assert I.create('{"initializer": "normal", "sigma": 0.3}') == I.Normal(0.3)
    assert I.create({"initializer": "uniform", "scale": 0.2}) == I.Uniform(0.2)
    assert I.create(initializer="normal", sigma=2.0) == I.Normal(2.0)
    assert type(I.create("ONES")) is I.One and type(I.create("zeros")) is I.Zero
    z = I.Zero()
    assert I.create(z) is z
    with pytest.raises(KeyError, match="initializer"):
        I.create()
    with pytest.raises(AssertionError,
                       match="initializer is already an instance. Additional arguments are invalid"):
        I.create(z, 1)
    with pytest.raises(AssertionError, match="initializer is already an instance"):
        I.create(z, a=1)
    with pytest.raises(AssertionError, match="^initializer must be of string type$"):
        I.create(3)
    with pytest.raises(AssertionError, match="^foo is not registered. Please register with "
                                             "initializer.register first$"):
        I.create("foo")
    with pytest.raises(AssertionError):
        I.create('["normal", {"sigma": 0.8}]', 1)
    with pytest.raises(TypeError):
        I.create("zeros", 1)


def test_register_alias_and_override_warning():
    @I.register
    @I.alias("myinit", "MyInit2")
    class CustomInit(I.Initializer):
        def __init__(self):
            super().__init__()

        def _init_weight(self, _, arr):
            arr[:] = 0.1

    try:
        for name in ("custominit", "myinit", "myinit2", "MYINIT"):
            assert type(I.create(name)) is CustomInit
        w = mx.nd.zeros((2,))
        I.create("myinit")(D("x_weight"), w)
        np.testing.assert_array_equal(w.asnumpy(), [f32(0.1)] * 2)
        with pytest.warns(UserWarning) as rec:
            @I.register
            class Xavier(I.Initializer):
                pass
        msg = str(rec[0].message)
        assert msg == (f"\033[91mNew initializer {__name__}.Xavier registered with name xavier "
                       "isoverriding existing initializer mxnb.initializer.Xavier\033[0m")
        assert I._REGISTRY["xavier"] is Xavier
    finally:
        for k in ("custominit", "myinit", "myinit2"):
            I._REGISTRY.pop(k, None)
        I._REGISTRY["xavier"] = I.Xavier
    with pytest.raises(AssertionError, match="Can only register subclass of Initializer"):
        I.register(int)


def test_initdesc():
    d = D("abc")
    assert d == "abc" and hash(d) == hash("abc") and repr(d) == "'abc'"
    assert d.attrs == {} and d.global_init is None
    attrs = {"a": 1}
    assert D("x", attrs).attrs is attrs
    assert D("x" + "y", None, I.One()).global_init == I.One()


# ---------------------------------------------------------------------------
# dumps, equality, round trips
# ---------------------------------------------------------------------------
DUMPS = [
    (I.Zero(), '["zero", {}]'),
    (I.One(), '["one", {}]'),
    (I.Constant(0.5), '["constant", {"value": 0.5}]'),
    (I.Constant(2), '["constant", {"value": 2}]'),
    (I.Constant(mx.nd.array([1, 2])), '["constant", {"value": [1.0, 2.0]}]'),
    (I.Constant(np.array([1, 2])), '["constant", {"value": [1, 2]}]'),
    (I.Uniform(), '["uniform", {"scale": 0.07}]'),
    (I.Uniform(0.1), '["uniform", {"scale": 0.1}]'),
    (I.Normal(), '["normal", {"sigma": 0.01}]'),
    (I.Normal(0.8), '["normal", {"sigma": 0.8}]'),
    (I.Orthogonal(), '["orthogonal", {"scale": 1.414, "rand_type": "uniform"}]'),
    (I.Xavier(), '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'),
    (I.Xavier(factor_type="in", magnitude=2.45),
     '["xavier", {"rnd_type": "uniform", "factor_type": "in", "magnitude": 2.45}]'),
    (I.Xavier("gaussian", "out", 2),
     '["xavier", {"rnd_type": "gaussian", "factor_type": "out", "magnitude": 2}]'),
    (I.MSRAPrelu(), '["msraprelu", {"factor_type": "avg", "slope": 0.25}]'),
    (I.Bilinear(), '["bilinear", {}]'),
    (I.LSTMBias(), '["lstmbias", {"forget_bias": 1.0}]'),
    (I.FusedRNN(None, 10, 2, "lstm"),
     '["fusedrnn", {"init": null, "num_hidden": 10, "num_layers": 2, "mode": "lstm", '
     '"bidirectional": false, "forget_bias": 1.0}]'),
    (I.FusedRNN(I.Xavier(), 10, 2, "gru", True, 0.5),
     '["fusedrnn", {"init": "[\\"xavier\\", {\\"rnd_type\\": \\"uniform\\", \\"factor_type\\": '
     '\\"avg\\", \\"magnitude\\": 3}]", "num_hidden": 10, "num_layers": 2, "mode": "gru", '
     '"bidirectional": true, "forget_bias": 0.5}]'),
    (I.Initializer(a=1, b="x"), '["initializer", {"a": 1, "b": "x"}]'),
]


@pytest.mark.parametrize("init, text", DUMPS)
def test_dumps_exact_strings(init, text):
    assert init.dumps() == text


@pytest.mark.parametrize("init, text", [d for d in DUMPS if type(d[0]) is not I.Initializer])
def test_create_of_dumps_round_trips(init, text):
    again = I.create(init.dumps())
    assert type(again) is type(init) and again == init and again.dumps() == text


def test_constant_fix_dumps_does_not_mutate():
    v = mx.nd.array([1, 2])
    c = I.Constant(v)
    c.dumps()
    assert c._kwargs["value"] is v and c.value is v
    assert I.Constant([1, 2]).dumps() == '["constant", {"value": [1, 2]}]'
    assert I.Constant(np.float32(2)).dumps() == '["constant", {"value": 2.0}]'
    assert I.Constant(np.array(2.5)).dumps() == '["constant", {"value": 2.5}]'
    assert I.create(I.Constant(v).dumps()) == I.Constant(v)
    assert I.Constant(v) != I.Constant(mx.nd.array([1, 3]))


def test_equality_and_unhashable():
    assert I.Uniform() == I.Uniform(0.07) and I.Uniform() != I.Uniform(0.1)
    assert I.Uniform() != I.Normal() and (I.Uniform() == 3) is False
    assert I.Constant(np.float32(2)) == I.Constant(2.0)
    for init in (I.Normal(), I.Mixed([".*"], [I.Zero()]), I.Load({})):
        with pytest.raises(TypeError, match="unhashable type"):
            hash(init)


def test_mixed_and_load_dumps_round_trip(tmp_path):
    m = I.Mixed(["bias", ".*"], [I.Zero(), I.Uniform(0.1)])
    text = m.dumps()
    assert json.loads(text) == ["mixed", {"patterns": ["bias", ".*"],
                                          "initializers": ['["zero", {}]',
                                                           '["uniform", {"scale": 0.1}]']}]
    again = I.create(text)
    assert type(again) is I.Mixed and again == m and again.dumps() == text
    assert again != I.Mixed(["bias", ".*"], [I.Zero(), I.Uniform(0.2)])

    ld = I.Load({"arg:w": mx.nd.array([[1, 2]]), "aux:arg:v": mx.nd.array([3], dtype="int32")},
                default_init=I.One())
    text = ld.dumps()
    assert json.loads(text) == ["load", {
        "param": {"w": {"dtype": "float32", "shape": [1, 2], "data": [1.0, 2.0]},
                  "arg:arg:v": {"dtype": "int32", "shape": [1], "data": [3]}},
        "default_init": '["one", {}]', "verbose": False}]
    again = I.create(text)
    assert type(again) is I.Load and again == ld and sorted(again.param) == ["arg:v", "w"]
    assert again.param["arg:v"].dtype == np.int32

    fname = str(tmp_path / "p.params")
    mx.nd.save(fname, {"arg:fc_weight": mx.nd.array([[1, 2], [3, 4]])})
    lf = I.Load(fname, verbose=True)
    assert json.loads(lf.dumps()) == ["load", {"param": fname, "default_init": None,
                                               "verbose": True}]
    assert I.create(lf.dumps()) == lf
    nested = I.Mixed(["fc", ".*"], [lf, m])
    assert I.create(nested.dumps()) == nested


# ---------------------------------------------------------------------------
# __call__: suffix dispatch, __init__ attribute, legacy path, verbosity
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, expect", [
    ("x_weight", 5.0), ("x_bias", 0.0), ("x_gamma", 1.0), ("x_beta", 0.0), ("x_min", 0.0),
    ("x_max", 1.0), ("x_bias_quantize", 0.0)])
def test_suffix_dispatch(name, expect):
    assert (run(I.Constant(5), name, (3,), fill=7.0) == expect).all()


def test_dispatch_quirks():
    # only weight/bias/gamma/beta reach subclass methods; Zero on a gamma gives 1
    assert (run(I.Zero(), "x_gamma", (2,)) == 1).all()
    assert (run(I.Uniform(), "x_bias", (2,), fill=3.0) == 0).all()
    assert (run(I.Xavier(), "fc_bias", (4,), fill=3.0) == 0).all()      # no 2-D check on bias
    msg = ('Unknown initialization pattern for x_moving_mean. Default initialization is now '
           'limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
           'mx.sym.Variable(init=mx.init.*) to set initialization pattern')
    arr = mx.nd.full((2,), 7.0)
    with pytest.raises(ValueError) as e:
        I.Uniform()(D("x_moving_mean"), arr)
    assert str(e.value) == msg
    assert (arr.asnumpy() == 7).all()
    with pytest.raises(NotImplementedError, match="^Must override it$"):
        I.Initializer()(D("x_weight"), arr)


def test_quantized_weight_is_one_broadcast_draw():
    mx.random.seed(0)
    assert run(I.Initializer(), "x_weight_quantize", (3,), dtype="int8").tolist() == [48] * 3


def test_init_attribute_routes_to_init_weight():
    # Q20: the __init__ attribute always uses _init_weight, whatever the suffix
    arr = mx.nd.zeros((3,))
    I.Zero()(D("x_bias", {"__init__": "one"}), arr)
    assert (arr.asnumpy() == 1).all()
    arr = mx.nd.zeros((9,))
    I.Zero()(D("x_bias", {"__init__": I.LSTMBias(2).dumps()}), arr)
    assert arr.asnumpy().tolist() == [0, 0, 2, 2, 0, 0, 0, 0, 0]
    d = D("x_moving_var", {"__init__": '["one", {}]'})
    I.Uniform()(d, arr)
    assert (arr.asnumpy() == 1).all() and d.global_init == I.Uniform()


def test_legacy_string_path():
    arr = mx.nd.zeros((2,))
    with pytest.warns(DeprecationWarning) as rec:
        I.One()("fc_weight", arr)
    assert str(rec[0].message) == (
        "\033[91mCalling initializer with init(str, NDArray) has been deprecated.please use "
        "init(mx.init.InitDesc(...), NDArray) instead.\033[0m")
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert (arr.asnumpy() == 1).all()
        with pytest.raises(TypeError, match="^name must be string$"):
            I.One()(3, arr)
        with pytest.raises(TypeError, match="^arr must be NDArray$"):
            I.One()("x_weight", [1])
        for name, expect in (("x_moving_mean", 0), ("x_moving_var", 1), ("x_moving_inv_var", 0),
                             ("x_moving_avg", 0), ("stn_loc_weight", 0)):
            a = mx.nd.full((6,), 9.0)
            I.Constant(5)(name, a)
            assert (a.asnumpy() == expect).all(), name
        a = mx.nd.zeros((6,))
        I.Initializer()("stn_loc_bias", a)
        assert a.asnumpy().tolist() == [1, 0, 0, 0, 1, 0]
        with pytest.raises(AssertionError):
            I.Initializer()("stn_loc_bias", mx.nd.zeros((5,)))
        a = mx.nd.zeros((1, 1, 4, 4))
        I.Initializer()("upsampling0_weight", a)
        assert a.asnumpy()[0, 0, 1].tolist() == [0.1875, 0.5625, 0.5625, 0.1875]


def test_set_verbosity_logs_rms(caplog):
    caplog.set_level(logging.INFO)
    init = I.Xavier()
    assert init.set_verbosity(True) is init
    mx.random.seed(0)
    init(D("fc_weight"), mx.nd.zeros((4, 3)))
    init(D("fc_bias"), mx.nd.zeros((3,)))
    init(D("fc_weight", {"__init__": "zeros"}), mx.nd.zeros((3,)))
    mx.random.seed(0)
    I.Uniform(0.5).set_verbosity(True)(D("fc_weight"), mx.nd.zeros((4, 3)))
    assert [r.getMessage() for r in caplog.records] == [
        "Initialized fc_weight as weight: 0.37525654", "Initialized fc_bias as bias: 0.0",
        "Initialized fc_weight as zeros: 0.0", "Initialized fc_weight as weight: 0.2026617"]
    caplog.clear()
    I.One().set_verbosity(True, print_func=lambda x: "custom")(D("w_gamma"), mx.nd.zeros((2,)))
    assert caplog.records[0].getMessage() == "Initialized w_gamma as gamma: custom"


# ---------------------------------------------------------------------------
# each initializer's values
# ---------------------------------------------------------------------------
def test_mixed_example_weights():
    # spec 8.4: Module.init_params(Mixed(['bias', '.*'], [Zero(), Uniform(0.1)])) after seed 0
    init = I.Mixed(["bias", ".*"], [I.Zero(), I.Uniform(0.1)])
    mx.random.seed(0)
    b = mx.nd.full((1,), 5.0)
    init(D("fullyconnected1_bias"), b)         # sorted order: the bias first, no draw
    w = mx.nd.zeros((1, 3))
    init(D("fullyconnected1_weight"), w)
    assert b.asnumpy().tolist() == [0.0]
    # printed by MXNet as [[0.0097627  0.01856892 0.04303787]]
    assert w.asnumpy().tolist() == [[0.009762704372406006, 0.018568918108940125,
                                     0.04303786903619766]]


def test_xavier_example_weights():
    # spec 8.4: fc_weight (4, 3) is the first draw after seed 0 in init_params(Xavier())
    mx.random.seed(0)
    w = run(I.Xavier(), "fc_weight", (4, 3))
    expect = [0.0903850793838501, 0.17191481590270996, 0.3984532356262207, 0.6374562978744507,
              0.19028079509735107, 0.6627864837646484, 0.08310747146606445, 0.6429852247238159,
              -0.14136385917663574, 0.22879552841186523, 0.27014338970184326,
              -0.2140834927558899]
    assert w.ravel().tolist() == expect


def test_seeded_uniform_normal_xavier_msra_match_mxnet():
    mx.random.seed(0)
    u16 = run(I.Uniform(), "x_weight", (3, 4), dtype="float16")
    assert u16.ravel()[:4].tolist() == [0.01300048828125, 0.048187255859375, 0.05010986328125,
                                        0.048614501953125]
    mx.random.seed(0)
    n64 = run(I.Normal(), "x_weight", (3, 4), dtype="float64")
    np.testing.assert_allclose(n64.ravel()[:4], [0.011227949156924967, 0.0007085923609838449,
                                                 -0.01422325810051942, -0.0029139394893972965],
                               rtol=1e-13)
    mx.random.seed(0)
    np.testing.assert_allclose(run(I.Normal(2), "x_weight", (3, 4)).ravel()[:4], [
        4.424412727355957, 1.548007607460022, 2.086880683898926, 2.3678510189056396], rtol=2e-7)
    mx.random.seed(0)
    np.testing.assert_allclose(run(I.Xavier("gaussian", "in", 2), "x_weight", (4, 3)).ravel()[:4],
                               [1.806259036064148, 0.6319714784622192, 0.8519654870033264,
                                0.9666711688041687], rtol=2e-7)
    mx.random.seed(0)
    np.testing.assert_allclose(run(I.MSRAPrelu(), "x_weight", (4, 3, 2, 2)).ravel()[:4], [
        0.8111705183982849, 0.2838112413883209, 0.3826080858707428, 0.43412110209465027],
        rtol=2e-7)


def test_uniform_and_normal_moments():
    mx.random.seed(1)
    u = run(I.Uniform(0.3), "w_weight", (60, 60)).astype(np.float64)
    assert u.min() >= -0.3 and u.max() < 0.3 and abs(u.mean()) < 0.3 * 5 / np.sqrt(3 * 3600)
    assert u.max() > 0.29 and u.min() < -0.29
    n = run(I.Normal(0.5), "w_weight", (60, 60)).astype(np.float64)
    assert abs(n.mean()) < 5 * 0.5 / 60 and n.std() == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize("factor_type, factor", [("avg", (32 * 9 + 64 * 9) / 2),
                                                 ("in", 32 * 9), ("out", 64 * 9)])
def test_xavier_fans_on_4d(factor_type, factor):
    mx.random.seed(3)
    bound = np.sqrt(2.45 / factor)
    w = run(I.Xavier(factor_type=factor_type, magnitude=2.45), "conv_weight", (64, 32, 3, 3))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / np.sqrt(3), rel=0.02)
    g = run(I.Xavier("gaussian", factor_type, 2.45), "conv_weight", (64, 32, 3, 3))
    assert g.std() == pytest.approx(bound, rel=0.02)


def test_xavier_attributes_and_msra():
    assert I.Xavier(magnitude=2).magnitude == 2.0
    assert I.Xavier(magnitude=2)._kwargs["magnitude"] == 2
    m = I.MSRAPrelu()
    assert m.magnitude == pytest.approx(2 / 1.0625) and m.rnd_type == "gaussian"
    assert m.factor_type == "avg" and m._kwargs == {"factor_type": "avg", "slope": 0.25}
    mx.random.seed(4)
    w = run(m, "w_weight", (200, 300))
    assert w.std() == pytest.approx(np.sqrt(2 / 1.0625 / 250), rel=0.03)


def _sign_align(a, ref, axis):
    s = np.sign(np.sum(a * ref, axis=axis, keepdims=True))
    return a * s


def test_orthogonal():
    mx.random.seed(0)
    w = run(I.Orthogonal(), "x_weight", (3, 5)).astype(np.float64)
    np.testing.assert_allclose(w @ w.T, 1.414 ** 2 * np.eye(3), atol=1e-5)
    expect = np.array([[-0.9049864411354065, -0.007480926346033812, -0.7391399145126343,
                        0.17444458603858948, -0.7769047021865845],
                       [0.01115408819168806, 0.4288524091243744, 0.7319445013999939,
                        1.0224734544754028, -0.4839034974575043],
                       [-0.4102037250995636, -0.11339572817087173, -0.3758293390274048,
                        0.8022036552429199, 1.0166081190109253]])
    # SVD signs depend on the LAPACK build: compare rows up to sign
    np.testing.assert_allclose(_sign_align(w, expect, 1), expect, atol=1e-5)
    mx.random.seed(0)
    w = run(I.Orthogonal(rand_type="normal"), "x_weight", (5, 3)).astype(np.float64)
    np.testing.assert_allclose(w.T @ w, 1.414 ** 2 * np.eye(3), atol=1e-5)
    expect = np.array([[-0.6988222599029541, 0.9790318608283997, -0.07519638538360596],
                       [-0.6893259286880493, -0.9902521967887878, 0.13845711946487427],
                       [0.5479354858398438, 0.05276595428586006, 1.111329197883606],
                       [0.8554248809814453, -0.049082931131124496, -0.6982963681221008],
                       [-0.06235647201538086, -0.23473399877548218, -0.5018971562385559]])
    np.testing.assert_allclose(_sign_align(w, expect, 0), expect, atol=1e-5)
    mx.random.seed(0)
    w = run(I.Orthogonal(scale=2), "x_weight", (2, 2, 3)).reshape(2, 6).astype(np.float64)
    np.testing.assert_allclose(w @ w.T, 4 * np.eye(2), atol=1e-5)


def test_bilinear_exact():
    w = run(I.Bilinear(), "up_weight", (1, 1, 4, 4))[0, 0]
    a, b, c = 0.0625, 0.1875, 0.5625
    assert w.tolist() == [[a, b, b, a], [b, c, c, b], [b, c, c, b], [a, b, b, a]]
    w3 = run(I.Bilinear(), "up_weight", (1, 1, 3, 3))[0, 0]
    assert w3.tolist() == [[a, b, b], [b, c, c], [b, c, c]]
    w = run(I.Bilinear(), "up_weight", (2, 1, 3, 5))
    row = [f32(v) for v in (1 / 9, 2 / 9, 3 / 9, 2 / 9, 1 / 9)]
    assert w[1, 0, 0].tolist() == row and w[0, 0, 2].tolist() == [f32(v * 3) for v in row]
    # the Python loop of MXNet, as an oracle
    shape = (2, 3, 5, 6)
    f = np.ceil(shape[3] / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    ref = np.zeros(int(np.prod(shape)), np.float32)
    for i in range(ref.size):
        x, y = i % shape[3], (i // shape[3]) % shape[2]
        ref[i] = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
    np.testing.assert_array_equal(run(I.Bilinear(), "up_weight", shape).ravel(), ref)


def test_lstmbias():
    assert run(I.LSTMBias(2), "x_weight", (9,), fill=5).tolist() == [0, 0, 2, 2, 0, 0, 0, 0, 0]
    assert run(I.LSTMBias(), "x_weight", (8,)).tolist() == [0, 0, 1, 1, 0, 0, 0, 0]
    # Q19: by suffix, a bias just gets zeros
    assert run(I.LSTMBias(2), "x_bias", (9,), fill=5).tolist() == [0] * 9


def test_fusedrnn_lstm_example():
    arr = mx.nd.full((56,), 7.0)
    I.FusedRNN(None, 2, 1, "lstm", forget_bias=3)._init_weight(D("parameters", None, I.One()),
                                                               arr)
    assert arr.asnumpy().tolist() == [1.0] * 40 + [0, 0, 3, 3, 0, 0, 0, 0] * 2
    arr2 = mx.nd.zeros((56,))
    fused = I.FusedRNN(None, 2, 1, "lstm", forget_bias=3).dumps()
    I.One()(D("parameters", {"__init__": fused}), arr2)
    assert arr2.asnumpy().tolist() == arr.asnumpy().tolist()


def test_fusedrnn_gru_and_tanh_match_mxnet():
    mx.random.seed(0)
    arr = mx.nd.zeros((180,))
    I.FusedRNN(I.Uniform(0.5), 2, 2, "gru", True)._init_weight(D("parameters", None, I.One()),
                                                               arr)
    a = arr.asnumpy()
    assert a[:4].tolist() == [0.04881352186203003, 0.09284460544586182, 0.21518933773040771,
                              0.34426575899124146]
    assert a[60:64].tolist() == [-0.23544439673423767, -0.3136676549911499, 0.27423369884490967,
                                 0.2369181513786316]
    assert a[131] == f32(0.16252684593200684) and (a[132:] == 0).all()
    assert float(a[:132].astype(np.float64).sum()) == pytest.approx(2.253309577703476, abs=1e-6)
    mx.random.seed(0)
    arr = mx.nd.zeros((14,))
    I.FusedRNN(None, 2, 1, "rnn_tanh")._init_weight(D("parameters", None, I.Xavier()), arr)
    assert arr.asnumpy().tolist() == [
        0.10694503784179688, 0.20341229438781738, 0.47145628929138184, 0.7542484998703003,
        0.2251431941986084, 0.7842196226119995, 0.10994088649749756, 0.8505896329879761,
        -0.18700683116912842, 0.30266809463500977, 0.0, 0.0, 0.0, 0.0]


def test_fusedrnn_string_init_fix():
    # Q16: MXNet raised KeyError for any string init
    f = I.FusedRNN('["xavier", {}]', 10, 2, "lstm")
    assert isinstance(f._init, I.Xavier) and f._kwargs["init"] == I.Xavier().dumps()
    assert I.FusedRNN("normal", 10, 2, "lstm")._init == I.Normal()


def test_load_and_mixed_semantics(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    ld = I.Load({"arg:w": mx.nd.array([[1, 2]]), "v": mx.nd.ones((2,))}, I.Zero(), verbose=True)
    assert sorted(ld.param) == ["v", "w"]
    a = mx.nd.zeros((1, 2))
    ld("w", a)
    assert a.asnumpy().tolist() == [[1, 2]]
    b = mx.nd.full((2,), 5.0)
    ld(D("z_weight"), b)
    assert b.asnumpy().tolist() == [0, 0]
    assert [r.getMessage() for r in caplog.records] == ["Initialized w by loading",
                                                        "Initialized z_weight by default"]
    fname = str(tmp_path / "m.params")
    mx.nd.save(fname, {"aux:bn_moving_mean": mx.nd.array([1, 2, 3])})
    c = mx.nd.zeros((3,))
    I.Load(fname)(D("bn_moving_mean"), c)
    assert c.asnumpy().tolist() == [1, 2, 3]
    with pytest.raises(AssertionError):
        I.Load([1])
    # Q13: anchored match, first pattern wins
    m = I.Mixed(["bias", ".*"], [I.Zero(), I.Constant(3)])
    d = mx.nd.full((2,), 9.0)
    m(D("fc_bias"), d)        # 'bias' does not match at the start: Constant, whose bias is 0
    assert d.asnumpy().tolist() == [0, 0]
    m(D("bias_weight"), d)
    assert d.asnumpy().tolist() == [0, 0]
    m(D("fc_weight"), d)
    assert d.asnumpy().tolist() == [3, 3]
    with pytest.raises(AssertionError):
        I.Mixed(["a"], [])


# ---------------------------------------------------------------------------
# errors of section 5.7; a failed initialization leaves the array as it was
# ---------------------------------------------------------------------------
ERRORS = [
    (I.Xavier(), "fc_weight", (4,), ValueError,
     "^Xavier initializer cannot be applied to vector fc_weight. It requires at least 2D.$"),
    (I.Xavier(factor_type="x"), "w_weight", (4, 3), ValueError, "^Incorrect factor type$"),
    (I.Xavier(rnd_type="x"), "w_weight", (4, 3), ValueError, "^Unknown random type$"),
    (I.MSRAPrelu(factor_type="x"), "w_weight", (4, 3), ValueError, "^Incorrect factor type$"),
    (I.Orthogonal(rand_type="foo"), "w_weight", (2, 2), ValueError, "^Unknown random type$"),
    (I.Orthogonal(), "w_weight", (4,), ValueError, "w_weight"),
    (I.Bilinear(), "w_weight", (4, 3), ValueError, "4-D"),
    (I.Uniform(), "w_weight", (4, 3), MXNetError, "Output type must be float16, float32"),
    (I.Constant(mx.nd.array([1, 2, 3])), "w_weight", (2, 2), ValueError, ""),
    (I.Mixed(["a"], [I.Zero()]), "b_weight", (2,), ValueError,
     r'^Parameter name %s did not match any pattern. Consideradd a "\.\*" pattern at the and '
     r'with default Initializer.$'),
    (I.Load({"w": mx.nd.ones((2, 2))}), "w", (3, 3), AssertionError,
     r"^Parameter w cannot be initialized from loading. Shape mismatch, target \(3, 3\) vs "
     r"loaded \(2, 2\)$"),
    (I.Load({"w": mx.nd.ones((2, 2))}), "zzz", (3, 3), AssertionError,
     "^Cannot Initialize zzz. Not found in loaded param and no default Initializer is "
     "provided.$"),
    (I.FusedRNN(I.One(), 2, 1, "lstm"), "p_weight", (55,), AssertionError,
     "^Invalid parameters size for FusedRNNCell$"),
    (I.FusedRNN(None, 2, 1, "lstm"), "p_weight", (56,), ValueError, "global"),
]


@pytest.mark.parametrize("init, name, shape, exc, msg", ERRORS)
def test_errors_keep_previous_contents(init, name, shape, exc, msg):
    dtype = "int32" if exc is MXNetError else "float32"
    arr = mx.nd.array(np.arange(np.prod(shape)).reshape(shape) + 1, dtype=dtype)
    with pytest.raises(exc, match=msg or None):
        init(D(name), arr)
    np.testing.assert_array_equal(arr.asnumpy(), np.arange(np.prod(shape)).reshape(shape) + 1)
