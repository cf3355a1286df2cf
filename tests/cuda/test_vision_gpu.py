"""The ops of `kernels/cuda_vision` (small ops, im2col/col2im, mx.nd.image with resize,
_random_pdf_*, count_sketch) on mx.gpu(): the CPU's results (bit for bit where the arithmetic
is the same, in the same order; tolerances with their reason elsewhere), gradients on the
device, seeded random augmenters drawing the CPU's numbers, and no host round trip
(`host_fallback` / `host_backward` refused for the ops under test).
"""
import numpy as np
import pytest

import mxnb as mx

GPU, CPU = mx.gpu(0), mx.cpu(0)
GUARDED = {"_contrib_round_ste", "_contrib_sign_ste", "amp_multicast", "SVMOutput",
           "IdentityAttachKLSparseReg", "_slice_assign", "_slice_assign_scalar",
           "_getitem_basic", "_scatter_basic", "linalg_extracttrian", "linalg_maketrian",
           "BatchNorm_v1", "Convolution_v1", "Pooling_v1", "im2col", "col2im",
           "Pooling", "BatchNorm", "Convolution", "round", "sign", "cast"}


@pytest.fixture(autouse=True)
def no_host(host_guard):
    host_guard(GUARDED)


def _bits(a):
    a = np.ascontiguousarray(a)
    return a.view(np.uint8).tobytes(), a.shape, a.dtype


def _same(a, b):
    """Bit-equal (so -0.0 and +0.0 differ), same shape and dtype."""
    assert _bits(a) == _bits(b), (a, b)


def _head(shape, dtype, seed=9):
    dy = np.random.RandomState(seed).uniform(-2, 2, shape).astype(dtype)
    dy.reshape(-1)[0] = -0.0
    return dy


def _run(ctx, fn, hosts, grad=True, seed=9):
    xs = [mx.nd.array(h, ctx=ctx, dtype=h.dtype) for h in hosts]
    if not grad:
        return fn(*xs).asnumpy(), []
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        y = fn(*xs)
    dy = _head(y.shape, y.dtype, seed)
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=dy.dtype))
    for x in xs:
        assert x.grad.context == ctx
    return y.asnumpy(), [x.grad.asnumpy() for x in xs]


def _compare(fn, hosts, grad=True, bitwise=True, rtol=0, atol=0):
    yg, gg = _run(GPU, fn, hosts, grad)
    yc, gc = _run(CPU, fn, hosts, grad)
    for a, b in zip([yg] + gg, [yc] + gc):
        if bitwise:
            _same(a, b)
        else:
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    return yg, gg


R = np.random.RandomState(0)

# ---------------------------------------------------------------- small ops


@pytest.mark.parametrize("name", ["round_ste", "sign_ste"])
@pytest.mark.parametrize("dt", ["float32", "float16"])
def test_ste_forward_and_identity_gradient(name, dt):
    x = np.array([[-1.5, -0.5, 0.0, 0.5], [1.5, 2.49, -2.5, 3.7]], dt)
    y, (g,) = _compare(getattr(mx.nd.contrib, name), [x])
    half_away = np.sign(x) * np.floor(np.abs(x) + 0.5)  # MXNet rounds half away from zero
    np.testing.assert_array_equal(y, half_away if name == "round_ste" else np.sign(x))
    _same(g, _head(x.shape, x.dtype))  # straight through: the head gradient itself


def test_amp_multicast_casts_and_casts_gradients_back():
    a, b, c = (R.uniform(-2, 2, (2, 3)).astype(d) for d in ("float16", "float32", "float64"))
    for narrow in (False, True):
        def f(x, y, z):
            outs = mx.nd.amp_multicast(x, y, z, num_outputs=3, cast_narrow=narrow)
            return mx.nd.concat(*[o.astype("float64") for o in outs], dim=0)
        _compare(f, [a, b, c])


_SVM_X = [[0.5, -0.3, 1.7, -2.0], [-0.9, 0.2, 0.05, 1.2], [1.1, -1.5, 0.3, 0.0]]


@pytest.mark.parametrize("kw", [{}, {"use_linear": True},
                                {"margin": 0.5, "regularization_coefficient": 2.0}])
@pytest.mark.parametrize("dt", ["float32", "float64", "float16"])
def test_svm_output_gradient(kw, dt):
    x = np.array(_SVM_X, dt)
    lab = np.array([2, -1, 3.7], dt)  # out-of-range labels match no class; 3.7 is class 3
    _compare(lambda a, b: mx.nd.SVMOutput(a, b, **kw), [x, lab])
    if dt == "float32" and not kw:
        _, (g, _) = _run(GPU, lambda a, b: mx.nd.SVMOutput(a, b), [x, np.array([2, 0, 3], dt)])
        want = [[3.0, 1.399999976158142, -0.0, -0.0],  # MXNet 1.9.1 (head gradient ignored)
                [-3.799999952316284, 2.4000000953674316, 2.0999999046325684, 4.400000095367432],
                [4.199999809265137, -0.0, 2.5999999046325684, -2.0]]
        _same(g, np.array(want, np.float32))


def test_svm_output_float16_as_mxnet():
    x = mx.nd.array([[0.5, -0.3], [1, 2]], ctx=GPU, dtype="float16")
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.SVMOutput(x, mx.nd.array([1, 0], ctx=GPU, dtype="float16"))
    y.backward(mx.nd.ones((2, 2), ctx=GPU, dtype="float16"))
    assert x.grad.context == GPU
    assert x.grad.asnumpy().tolist() == [[3.0, -2.599609375], [-0.0, 6.0]]  # MXNet 1.9.1


@pytest.mark.parametrize("shape", [(2, 3), (2, 2, 2)])
def test_kl_sparse_reg_updates_moving_avg_on_the_device(shape):
    data = R.uniform(0.05, 0.95, shape).astype(np.float32)
    ma0 = R.uniform(0.1, 0.9, shape[-1]).astype(np.float32)
    kw = dict(sparseness_target=0.3, penalty=0.5, momentum=0.5)
    res = {}
    for ctx in (GPU, CPU):
        ma = mx.nd.array(ma0, ctx=ctx)
        _, (g,) = _run(ctx, lambda a: mx.nd.IdentityAttachKLSparseReg(a, ma, **kw), [data])
        res[ctx] = g, ma.asnumpy()
    for a, b in zip(res[GPU], res[CPU]):
        _same(a, b)
    # MXNet 1.9.1 (the first case of tests/test_misc_ops.py)
    ma = mx.nd.array([0.1, 0.5, 0.3], ctx=GPU)
    _, (g,) = _run(GPU, lambda a: mx.nd.IdentityAttachKLSparseReg(a, ma),
                   [np.array([[0.2, 0.7, 0.1], [0.5, 0.9, 0.3]], np.float32)])
    assert ma.asnumpy().tolist() == [0.125, 0.5299999713897705, 0.2900000214576721]
    dy = _head((2, 3), np.float32)   # MXNet 1.9.1's gradient is dy + the penalty row
    pen = np.array([2.0002286434173584, 2.0017261505126953, 2.000922679901123], np.float32)
    np.testing.assert_allclose(g, dy + (pen - np.float32(2)), rtol=0, atol=2e-7)


def test_slice_assign_and_scalar():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    r = -np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    key = dict(begin=(None, 2, 3), end=(None, 0, 0), step=(None, -1, -1))
    _compare(lambda a, b: mx.nd._slice_assign(a, b, **key), [x, r], grad=False)
    _compare(lambda a: mx.nd._slice_assign_scalar(a, scalar=-7.5, begin=(0, 1), end=(2, 3)),
             [x], grad=False)
    xi = np.arange(6, dtype=np.int32).reshape(2, 3)
    y, _ = _compare(lambda a: mx.nd._slice_assign_scalar(a, scalar=2.7, begin=(0,), end=(1,)),
                    [xi], grad=False)
    assert y.tolist() == [[2, 2, 2], [3, 4, 5]]  # MXNet 1.9.1: the cast truncates
    g = mx.nd.array(x, ctx=GPU)
    assert g.slice_assign(mx.nd.array(r, ctx=GPU), *key.values()) is g  # in place
    want = x.copy()
    want[:, 2:0:-1, 3:0:-1] = r
    _same(g.asnumpy(), want)


def test_slice_assign_has_no_gradient_on_the_device_either():
    x = mx.nd.zeros((2, 3), ctx=GPU)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd._slice_assign_scalar(x, scalar=1.0, begin=(0,), end=(1,))
    with pytest.raises(mx.base.MXNetError, match="non-differentiable"):
        y.backward()


def test_getitem_gradient_has_no_negative_zero():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    _compare(lambda a: a[1:, ::2] * 2, [x])
    _compare(lambda a: a[2], [x])


@pytest.mark.parametrize("kw", [{}, {"lower": False}, {"offset": 1}, {"offset": -2}])
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_linalg_triangles(kw, dt):
    a = R.uniform(-1, 1, (2, 4, 4)).astype(dt)
    v, _ = _compare(lambda m: mx.nd.linalg.extracttrian(m, **kw), [a])
    _compare(lambda u: mx.nd.linalg.maketrian(u, **kw), [v])


def test_v1_layers_run_the_device_kernels():
    x = R.uniform(-1, 1, (2, 3, 5, 4)).astype(np.float64)
    w = R.uniform(-1, 1, (4, 3, 3, 2)).astype(np.float64)
    _compare(lambda a, b: mx.nd.Convolution_v1(a, b, kernel=(3, 2), num_filter=4, no_bias=True),
             [x, w], bitwise=False, rtol=1e-12, atol=1e-13)  # its own summation order
    gam, bet = np.ones(3) * 1.5, np.zeros(3)
    mm, mv = np.zeros(3), np.ones(3)
    _compare(lambda a, g, b: mx.nd.BatchNorm_v1(a, g, b, mx.nd.array(mm, ctx=a.context, dtype=mm.dtype),
                                                mx.nd.array(mv, ctx=a.context, dtype=mv.dtype), fix_gamma=False),
             [x, gam, bet], bitwise=False, rtol=1e-12, atol=1e-12)
    for dt in ("float32", "float16"):
        for kw in (dict(kernel=(2, 2), stride=(2, 2), pool_type="avg", pooling_convention="full"),
                   dict(kernel=(3, 2), pad=(1, 0), pool_type="avg"),
                   dict(kernel=(2, 2), pool_type="max")):
            _compare(lambda a: mx.nd.Pooling_v1(a, **kw), [x.astype(dt)])


# ---------------------------------------------------------------- im2col / col2im


_COL = [((2, 2, 4, 5), dict(kernel=(2, 3), stride=(2, 1), dilate=(1, 2), pad=(1, 1))),
        ((1, 2, 5), dict(kernel=(3,), stride=(2,))),
        ((1, 1, 3, 3, 4), dict(kernel=(2, 2, 2), pad=(1, 0, 1), stride=(1, 2, 2)))]


@pytest.mark.parametrize("shape,kw", _COL)
def test_im2col_col2im(shape, kw):
    x = R.uniform(-1, 1, shape).astype(np.float32)
    col, _ = _compare(lambda a: mx.nd.im2col(a, **kw), [x])
    _compare(lambda c: mx.nd.col2im(c, output_size=shape[2:], **kw), [col])


@pytest.mark.parametrize("dt", ["float16", "int32", "float64"])
def test_im2col_col2im_dtypes(dt):
    shape, kw = _COL[0]
    x = (R.uniform(-1, 1, shape) * (100 if dt == "int32" else 1)).astype(dt)
    col, _ = _compare(lambda a: mx.nd.im2col(a, **kw), [x], grad=dt != "int32")
    _compare(lambda c: mx.nd.col2im(c, output_size=shape[2:], **kw), [col],
             grad=dt != "int32")


def test_im2col_second_order_stays_on_the_device():
    shape, kw = _COL[0]
    x = mx.nd.array(R.uniform(-1, 1, shape), ctx=GPU, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        c = mx.nd.im2col(x, **kw)
        (g,) = mx.autograd.grad((c * c).sum(), [x], create_graph=True)
        z = (g * g).sum()
    z.backward()
    assert x.grad.context == GPU
    c = mx.nd.im2col(x, **kw)
    want = 8 * mx.nd.col2im(mx.nd.im2col(mx.nd.col2im(c, output_size=shape[2:], **kw), **kw),
                            output_size=shape[2:], **kw)
    np.testing.assert_allclose(x.grad.asnumpy(), want.asnumpy(), rtol=1e-12)


# ---------------------------------------------------------------- mx.nd.image

GUARDED |= {"_image_to_tensor", "_image_normalize", "_image_crop", "_image_flip_left_right",
            "_image_flip_top_bottom", "_image_adjust_lighting", "_image_random_flip_left_right",
            "_image_random_flip_top_bottom", "_image_random_brightness",
            "_image_random_saturation", "_image_random_lighting", "_image_random_contrast",
            "_image_random_hue", "_image_random_color_jitter"}


def _img(shape, dt):
    v = R.uniform(0, 255, shape)
    return v.astype(dt) if np.dtype(dt).kind in "iu" else (v / 100 - 1).astype(dt)


@pytest.mark.parametrize("dt", ["uint8", "float32", "float64", "float16", "int32"])
def test_to_tensor(dt):
    for shape in ((3, 4, 3), (2, 2, 3, 1)):
        y, _ = _compare(mx.nd.image.to_tensor, [_img(shape, dt)], grad=dt[0] == "f")
        assert y.dtype == np.float32


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "uint8", "int8"])
def test_normalize(dt):
    kw = dict(mean=(0.1, 0.2, 30.3), std=(0.5, 2.0, 0.25))
    _compare(lambda a: mx.nd.image.normalize(a, **kw), [_img((3, 2, 3), dt)], grad=dt[0] == "f")
    _compare(lambda a: mx.nd.image.normalize(a, mean=(0.5,), std=(3.0,)),
             [_img((2, 1, 2, 2), dt)], grad=dt[0] == "f")


def test_crop_and_flips():
    x = _img((4, 5, 3), "float32")
    _compare(lambda a: mx.nd.image.crop(a, x=1, y=2, width=3, height=2), [x])
    _compare(lambda a: mx.nd.image.crop(a, x=0, y=1, width=3, height=1),
             [_img((2, 3, 3, 1), "float32")])
    for name in ("flip_left_right", "flip_top_bottom"):
        y, (g,) = _compare(getattr(mx.nd.image, name), [x])
        axis = 1 if name == "flip_left_right" else 0
        _same(y, np.flip(x, axis))
        _same(g, np.flip(_head(x.shape, x.dtype), axis))  # mxnb mirrors dy back [FIX]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # hue's masked 0/0, as the CPU's
@pytest.mark.parametrize("dt", ["uint8", "float32", "float64", "int32"])
def test_adjust_lighting_and_random_colour_ops_same_draws(dt):
    x = _img((3, 4, 3), dt)
    grad = dt[0] == "f"
    _compare(lambda a: mx.nd.image.adjust_lighting(a, alpha=(0.3, -2.5, 1.7)), [x], grad=grad)
    for f in (lambda a: mx.nd.image.random_brightness(a, 0.2, 1.8),
              lambda a: mx.nd.image.random_saturation(a, 0.1, 2.5),
              lambda a: mx.nd.image.random_lighting(a, 3.0),
              lambda a: mx.nd.image.random_contrast(a, 0.1, 2.5),
              lambda a: mx.nd.image.random_hue(a, 0.1, 0.7),
              lambda a: mx.nd.image.random_color_jitter(a, 0.5, 0.6, 0.7, 0.4),
              lambda a: mx.nd.image.random_color_jitter(a, 0.0, 0.6, 0.7, 0.0),
              mx.nd.image.random_flip_left_right, mx.nd.image.random_flip_top_bottom):
        outs = {}
        for ctx in (GPU, CPU):
            mx.random.seed(7)
            outs[ctx] = [_run(ctx, f, [x], grad=grad) for _ in range(3)]
        for a, b in zip(outs[GPU], outs[CPU]):
            for u, v in zip([a[0]] + a[1], [b[0]] + b[1]):
                _same(u, v)
    one = _img((2, 3, 1), dt)
    _compare(lambda a: mx.nd.image.adjust_lighting(a, alpha=(0.3, -2.5, 1.7)), [one], grad=grad)
    for f in (lambda a: mx.nd.image.random_contrast(a, 0.1, 2.5),
              lambda a: mx.nd.image.random_color_jitter(a, 0.5, 0.6, 0.7, 0.4)):
        mx.random.seed(3)
        g = _run(GPU, f, [one], grad=False)[0]
        mx.random.seed(3)
        _same(g, _run(CPU, f, [one], grad=False)[0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_hue_covers_every_sector_and_gray_pixels():
    # one pixel per hue sector, a gray one and a black one, shifted by several amounts
    x = np.array([[[250, 10, 20], [200, 180, 0], [40, 220, 30], [0, 90, 200], [10, 0, 255],
                   [128, 128, 128], [0, 0, 0], [255, 255, 255]]], np.uint8)
    for lo, hi in ((0.0, 0.5), (0.3, 0.31), (0.8, 0.95)):
        mx.random.seed(5)
        g = _run(GPU, lambda a: mx.nd.image.random_hue(a, lo, hi), [x], grad=False)[0]
        mx.random.seed(5)
        _same(g, _run(CPU, lambda a: mx.nd.image.random_hue(a, lo, hi), [x], grad=False)[0])
        mx.random.seed(5)
        xf = x.astype(np.float32)
        g = _run(GPU, lambda a: mx.nd.image.random_hue(a, lo, hi), [xf], grad=False)[0]
        mx.random.seed(5)
        _same(g, _run(CPU, lambda a: mx.nd.image.random_hue(a, lo, hi), [xf], grad=False)[0])


# ---------------------------------------------------------------- _random_pdf_*

_PDF = {"uniform": [(0.0, 1.0), (-2.0, -1.0), (1.5, 3.0)],
        "normal": [(-1.0, 1.0), (-0.5, 0.5), (0.7, 1.5)],
        "gamma": [(0.5, 2.0), (1.2, 3.0), (0.5, 2.0)],
        "exponential": [(0.1, 2.0), (0.5, 2.0)],
        "poisson": [None, (0.5, 3.0)],
        "negative_binomial": [None, (1.0, 4.0), (0.2, 0.8)],
        "generalized_negative_binomial": [None, (0.5, 3.0), (0.3, 1.5)]}


def _pdf_inputs(name, dt):
    rng = np.random.RandomState(3)
    if name == "dirichlet":
        x = rng.uniform(0.5, 2.0, (2, 2, 3))
        return [(x / x.sum(-1, keepdims=True)).astype(dt), rng.uniform(0.8, 3.0, (2, 3)).astype(dt)]
    out = []
    for k, dom in enumerate(_PDF[name]):
        shape = (2, 3) if k == 0 else (2,)
        out.append(rng.randint(0, 6, shape) if dom is None else rng.uniform(*dom, shape))
    return [a.astype(dt) for a in out]


@pytest.mark.parametrize("name,is_log", [(n, False) for n in _PDF] + [
    ("dirichlet", False), ("gamma", True), ("negative_binomial", True), ("dirichlet", True)])
def test_random_pdf_forward_backward(name, is_log):
    GUARDED.update({"_random_pdf_" + name, "gammaln", "_polygamma", "sum"})
    f = getattr(mx.nd, "random_pdf_" + name)
    # The same mxnb ops as the CPU, each a device kernel: log, exp and lgamma are libdevice's
    # (the simulator's math) against the CPU kernels' own vectorised ones, and the sums run
    # in another order, so the results agree to a few float64 ulps, not bit for bit.
    _compare(lambda *a: f(*a, is_log=is_log), _pdf_inputs(name, "float64"), bitwise=False,
             rtol=1e-13, atol=1e-15)
    if name == "gamma" and not is_log:
        _compare(lambda *a: f(*a), _pdf_inputs(name, "float16"), grad=False, bitwise=False,
                 rtol=1e-3, atol=1e-4)  # float32 arithmetic, then rounded to float16


def test_random_pdf_second_order_on_the_device():
    x, mu, sigma = (mx.nd.array(a, ctx=GPU, dtype="float64") for a in _pdf_inputs("normal",
                                                                                  "float64"))
    sigma.attach_grad()
    with mx.autograd.record():
        y = mx.nd.random_pdf_normal(x, mu, sigma, is_log=True)
        (g,) = mx.autograd.grad(y.sum(), [sigma], create_graph=True)
        z = g.sum()
    z.backward()
    assert sigma.grad.context == GPU
    d = x.asnumpy() - mu.asnumpy()[:, None]
    s = sigma.asnumpy()[:, None]
    want = (-3 * d * d / s ** 4 + 1 / s ** 2).sum(axis=1)  # d/ds of ((d^2 - s^2) / s^3)
    np.testing.assert_allclose(sigma.grad.asnumpy(), want, rtol=1e-10)


# ---------------------------------------------------------------- count_sketch


@pytest.mark.parametrize("dt", ["float32", "float64", "float16"])
def test_count_sketch_collisions(dt):
    GUARDED.add("_contrib_count_sketch")
    rng = np.random.RandomState(4)
    x = rng.uniform(-2, 2, (3, 6)).astype(dt)
    h = np.array([[0, 3, 3, 1, 0, 3]], dt)   # collisions add in increasing i, as add.at
    s = np.array([[1, -1, 1, 1, -1, -1]], dt)
    y, (gx, gh, gs) = _compare(lambda a, b, c: mx.nd.contrib.count_sketch(a, b, c, out_dim=5),
                               [x, h, s])
    want = np.zeros((3, 5))
    np.add.at(want, (slice(None), h[0].astype(int)), x.astype(np.float64) * s[0])
    np.testing.assert_allclose(y, want, rtol=1e-3 if dt == "float16" else 1e-6, atol=1e-3)
    assert not gh.any() and not gs.any()
    x4 = rng.uniform(-2, 2, (1, 2, 1, 6)).astype(dt)
    _compare(lambda a, b, c: mx.nd.contrib.count_sketch(a, b, c, out_dim=4), [x4, h, s])


# ---------------------------------------------------------------- resize


@pytest.mark.parametrize("dt", ["float32", "uint8", "float64", "int8"])
def test_resize_every_mode(dt):
    GUARDED.add("_image_resize")
    x = _img((4, 6, 3), dt) if dt != "int8" else _img((4, 6, 3), "uint8").view(np.int8)
    # (w, h): shrink (area: overlap weights), 2x (area blocks), grow; 3x2 blocks for area
    sizes = [(4, 3), (3, 2), (8, 5)]
    wide = dt in ("float32", "uint8")
    for interp in range(5) if wide else (1, 2, 3):
        for size in sizes if wide else sizes[:2]:
            _compare(lambda a: mx.nd.image.resize(a, size=size, interp=interp), [x],
                     grad=False)
    _compare(lambda a: mx.nd.image.resize(a, size=(2, 2), interp=3), [x], grad=False)
    if wide:
        xb = np.stack([x, x[::-1]])
        _compare(lambda a: mx.nd.image.resize(a, size=(4, 3), interp=2), [xb], grad=False)
        _compare(lambda a: mx.nd.image.resize(a, size=(6, 4)), [x], grad=False)   # same size
