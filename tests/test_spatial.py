"""GridGenerator, BilinearSampler and SpatialTransformer against MXNet 1.9.1 (pinned numbers).

The literals were printed by MXNet 1.9.1 (CPU, float32) on the inputs `seq` builds;
they are float32 values written as exact decimals, compared for equality.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import assert_almost_equal, check_grads


def seq(shape, mul=37, mod=23, off=11, div=8.0, dtype="float32"):
    n = int(np.prod(shape))
    return (((np.arange(n) * mul % mod) - off) / div).reshape(shape).astype(dtype)


DATA = seq((1, 2, 3, 4))
GRID = seq((1, 2, 2, 3), mul=29, mod=19, off=9, div=7.0)
DY = seq((1, 2, 2, 3), mul=13, mod=11, off=5, div=4.0)
LOC = (np.array([1, 0, 0, 0, 1, 0]) + seq((1, 6), mul=7, mod=5, off=2, div=9.0)).astype("float32")
DG = seq((1, 2, 2, 3), mul=5, mod=7, off=3, div=5.0)
FLOW = seq((1, 2, 2, 3), mul=3, mod=7, off=3, div=3.0)

# MXNet 1.9.1: [output, grad of input 0, grad of input 1], each flattened
BS = [[-0.6836735010147095, -0.45918363332748413, -0.7997448444366455, -0.6390306353569031,
       -0.8392857313156128, -0.7015308141708374, -0.18367348611354828, 0.4158163368701935,
       -0.11224490404129028, 0.23596936464309692, 0.03571425378322601, -0.17857146263122559],
      [-0.32397955656051636, 0.0, 0.0, 0.0, 0.16326530277729034, -0.08673465996980667,
       -0.010204210877418518, 0.02551017887890339, 0.0, -0.10969381779432297, 0.7780613303184509,
       0.1530611664056778, 0.08163264393806458, 0.0, 0.0, 0.0, 0.34693875908851624,
       -0.051020387560129166, -0.17346937954425812, -0.02551017887890339, 0.0,
       -0.05612241476774216, -0.7908164858818054, -0.1530611664056778],
      [2.7254462242126465, -0.20089298486709595, 0.3816964626312256, -0.3415178954601288,
       1.359375238418579, 4.620535850524902, -1.6071429252624512, 1.004464864730835,
       -0.2455356866121292, -1.0647321939468384, 2.1875, 0.5133926868438721]]
ST = [[-0.16203708946704865, -0.37499991059303284, 0.5555554628372192, 0.3750000596046448,
       -0.8101851940155029, 0.347222238779068, 0.5185184478759766, 0.20833337306976318,
       -0.5555554628372192, 0.2916666269302368, 0.06481480598449707, -1.013888955116272],
      [-0.3240741193294525, -0.7314814925193787, -0.41666659712791443, -0.1388888657093048, 0.0,
       0.013888887129724026, 0.06944439560174942, 0.277777761220932, 0.0833333432674408,
       0.2777778208255768, 0.555555522441864, 0.9722222089767456, -0.25925928354263306,
       -0.5740740895271301, -0.2777777314186096, 0.0, 0.0, 0.018518516793847084,
       0.09259252995252609, -0.277777761220932, 0.1666666865348816, 0.48148155212402344,
       0.7407407164573669, -0.9722222089767456],
      [1.359375238418579, -0.7968752384185791, -6.755208969116211, 3.9895832538604736,
       1.7395837306976318, 0.9583334922790527]]
GGA = [[-0.5555555820465088, 0.2222222238779068, 1.0, -0.5555555820465088, 0.2222222238779068, 1.0,
        -1.2222222089767456, -1.3333333730697632, -1.4444445371627808, 1.0000001192092896,
        0.888888955116272, 0.7777777910232544],
       [1.2000000476837158, 0.6000000238418579, 0.20000000298023224, 1.2000000476837158,
        0.6000000238418579, -0.19999998807907104]]
GGW = [[-2.0, 0.0, 2.0, -1.3333333730697632, 0.6666667461395264, 0.33333325386047363,
        -0.3333333134651184, -3.0, -1.0, 3.0, 0.33333325386047363, 2.3333334922790527],
       [-0.6000000238418579, 0.4000000059604645, 0.0, -0.4000000059604645, 0.6000000238418579,
        0.20000000298023224, -0.4000000059604645, -1.2000000476837158, 0.800000011920929, 0.0,
        -0.800000011920929, 1.2000000476837158]]


def run(fn, ins, dy, dtype="float32"):
    arrs = [mx.nd.array(a, dtype=dtype) for a in ins]
    for a in arrs:
        a.attach_grad()
    with autograd.record():
        y = fn(*arrs)
    y.backward(mx.nd.array(dy, dtype=dtype))
    return [y.asnumpy()] + [a.grad.asnumpy() for a in arrs]


def _st(d, loc):
    return mx.nd.SpatialTransformer(d, loc, target_shape=(2, 3), transform_type="affine",
                                    sampler_type="bilinear")


CASES = {
    "BilinearSampler": (lambda d, g: mx.nd.BilinearSampler(d, g), [DATA, GRID], DY, BS),
    "SpatialTransformer": (_st, [DATA, LOC], DY, ST),
    "GridGenerator_affine": (lambda t: mx.nd.GridGenerator(t, transform_type="affine",
                                                           target_shape=(2, 3)), [LOC], DG, GGA),
    "GridGenerator_warp": (lambda f: mx.nd.GridGenerator(f, transform_type="warp"), [FLOW], DG,
                           GGW),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_mxnet_bit_for_bit(name):
    fn, ins, dy, want = CASES[name]
    got = run(fn, ins, dy)
    assert got[0].dtype == np.float32
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.ravel(), np.array(w, np.float32))


def oracle_sample(x, grid):
    """Float64 bilinear sampling with zeros outside (the definition, written plainly)."""
    N, C, H, W = x.shape
    OH, OW = grid.shape[2:]
    out = np.zeros((N, C, OH, OW))
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                xr = (grid[n, 0, i, j] + 1) * (W - 1) / 2
                yr = (grid[n, 1, i, j] + 1) * (H - 1) / 2
                x0, y0 = int(np.floor(xr)), int(np.floor(yr))
                for dy_, dx_ in ((0, 0), (0, 1), (1, 0), (1, 1)):
                    yy, xx = y0 + dy_, x0 + dx_
                    if 0 <= yy < H and 0 <= xx < W:
                        w = (1 - abs(yr - yy)) * (1 - abs(xr - xx))
                        out[n, :, i, j] += w * x[n, :, yy, xx]
    return out


def test_sampler_matches_float64_oracle():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (2, 3, 5, 6))
    grid = rng.uniform(-1.4, 1.4, (2, 2, 4, 3))
    y = mx.nd.BilinearSampler(mx.nd.array(x, dtype="float64"), mx.nd.array(grid, dtype="float64"))
    assert y.dtype == np.float64 and y.shape == (2, 3, 4, 3)
    assert_almost_equal(y.asnumpy(), oracle_sample(x, grid), rtol=1e-12, atol=1e-12)
    y32 = mx.nd.BilinearSampler(mx.nd.array(x), mx.nd.array(grid))
    assert_almost_equal(y32.asnumpy(), oracle_sample(x, grid), rtol=1e-5, atol=1e-6)
    # float16 is computed in float32 and rounded once
    x16, g16 = x.astype(np.float16), grid.astype(np.float16)
    y16 = mx.nd.BilinearSampler(mx.nd.array(x16, dtype="float16"),
                                mx.nd.array(g16, dtype="float16"))
    assert y16.dtype == np.float16
    want = oracle_sample(x16.astype(np.float64), g16.astype(np.float64))
    assert_almost_equal(y16.asnumpy().astype(np.float64), want, rtol=1e-3, atol=1e-3)


def test_identity_transform_and_corners():
    x = mx.nd.array(DATA)
    ident = mx.nd.array([[1, 0, 0, 0, 1, 0]])
    y = mx.nd.SpatialTransformer(x, ident, target_shape=(3, 4), transform_type="affine",
                                 sampler_type="bilinear")
    assert_almost_equal(y.asnumpy(), DATA, rtol=1e-6, atol=1e-6)
    # (1, 1) is the last pixel exactly; (3, -1) is outside: 0
    one = mx.nd.ones((1, 1, 2, 2))
    assert mx.nd.BilinearSampler(one, mx.nd.array([[[[1.0]], [[1.0]]]])).asnumpy().item() == 1
    assert mx.nd.BilinearSampler(one, mx.nd.array([[[[3.0]], [[-1.0]]]])).asnumpy().item() == 0


def _smooth_grid(rng, shape, H, W):
    """Grid points well inside pixel cells (finite differences stay on one bilinear patch)."""
    cells = rng.randint(-1, max(H, W), size=shape) + rng.uniform(0.2, 0.8, size=shape)
    scale = np.array([W - 1, H - 1]).reshape(1, 2, 1, 1)
    return cells * 2 / scale - 1


def test_sampler_gradients_finite_differences():
    rng = np.random.RandomState(1)
    x = mx.nd.array(rng.uniform(-1, 1, (2, 2, 4, 5)), dtype="float64")
    grid = mx.nd.array(_smooth_grid(rng, (2, 2, 3, 2), 4, 5), dtype="float64")
    check_grads(lambda a, g: mx.nd.BilinearSampler(a, g), [x, grid], order=1)
    loc = mx.nd.array(np.array([[0.9, 0.1, 0.05, -0.1, 1.1, 0.02]] * 2), dtype="float64")
    check_grads(lambda a, t: mx.nd.SpatialTransformer(a, t, target_shape=(3, 2),
                                                      transform_type="affine",
                                                      sampler_type="bilinear"), [x, loc],
                order=1)


def test_grid_generator_second_order():
    rng = np.random.RandomState(2)
    t = mx.nd.array(rng.uniform(-1, 1, (2, 6)), dtype="float64")
    check_grads(lambda a: mx.nd.GridGenerator(a, transform_type="affine", target_shape=(3, 4))
                ** 2, [t], order=2)
    f = mx.nd.array(rng.uniform(-1, 1, (1, 2, 3, 4)), dtype="float64")
    check_grads(lambda a: mx.nd.GridGenerator(a, transform_type="warp") ** 2, [f], order=2)


@pytest.mark.parametrize("name", ["BilinearSampler", "SpatialTransformer"])
def test_fused_backward_equals_vjp(name):
    fn, ins, dy, _ = CASES[name]
    arrs = [mx.nd.array(a, dtype="float64") for a in ins]
    for a in arrs:
        a.attach_grad()
    with autograd.record():
        y = fn(*arrs)
    head = mx.nd.array(dy, dtype="float64")
    y.backward(head, retain_graph=True)
    fused = [a.grad.asnumpy().copy() for a in arrs]
    with autograd.record():
        grads = autograd.grad(y, arrs, head_grads=head, create_graph=True, retain_graph=True)
    for g, f in zip(grads, fused):
        np.testing.assert_allclose(g.asnumpy(), f, rtol=1e-12, atol=1e-13)


def test_vjp_picks_the_kernels_cell_on_pixel_centres():
    """Grid points exactly on pixels: the VJP's floor must pick the kernel's cell."""
    x = mx.nd.array(seq((1, 2, 3, 5)), dtype="float64")
    g = np.stack(np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 3)))[None]
    grid = mx.nd.array(g, dtype="float64")
    for a in (x, grid):
        a.attach_grad()
    head = mx.nd.array(seq((1, 2, 3, 5), mul=7, mod=5), dtype="float64")
    with autograd.record():
        y = mx.nd.BilinearSampler(x, grid)
    y.backward(head, retain_graph=True)
    fused = [x.grad.asnumpy().copy(), grid.grad.asnumpy().copy()]
    vjp = autograd.grad(y, [x, grid], head_grads=head, create_graph=True)
    assert_almost_equal(y.asnumpy(), x.asnumpy(), rtol=1e-15, atol=1e-15)
    for v, f in zip(vjp, fused):
        np.testing.assert_allclose(v.asnumpy(), f, rtol=1e-12, atol=1e-13)


def test_sampler_second_order():
    """The VJP is written in mxnb ops: second derivatives away from the pixel edges."""
    rng = np.random.RandomState(3)
    x = mx.nd.array(rng.uniform(-1, 1, (1, 2, 4, 5)), dtype="float64")
    grid = mx.nd.array(_smooth_grid(rng, (1, 2, 2, 3), 4, 5), dtype="float64")
    check_grads(lambda a, g: mx.nd.BilinearSampler(a, g), [x, grid], order=2)
    # loc close to the identity on a 3x2 target of a 4x5 image keeps points off the edges
    loc = mx.nd.array([[0.9, 0.1, 0.05, -0.1, 1.1, 0.02]], dtype="float64")
    check_grads(lambda a, t: mx.nd.SpatialTransformer(a, t, target_shape=(3, 2),
                                                      transform_type="affine",
                                                      sampler_type="bilinear"),
                [mx.nd.array(x.asnumpy(), dtype="float64"), loc], order=2)


def test_float64_and_shapes():
    y = mx.nd.SpatialTransformer(mx.nd.ones((2, 3, 4, 5), dtype="float64"),
                                 mx.nd.array([[1, 0, 0, 0, 1, 0]] * 2, dtype="float64"),
                                 target_shape=(6, 7), transform_type="affine",
                                 sampler_type="bilinear")
    assert y.shape == (2, 3, 6, 7) and y.dtype == np.float64
    g = mx.nd.GridGenerator(mx.nd.zeros((3, 2, 4, 5)), transform_type="warp")
    assert g.shape == (3, 2, 4, 5)
    assert_almost_equal(g.asnumpy()[0, 0, 0], np.linspace(-1, 1, 5), rtol=1e-6, atol=1e-6)



def test_size_one_sides_divide_by_zero_as_mxnet():
    ident = mx.nd.array([[1, 0, 0, 0, 1, 0]])
    g = mx.nd.GridGenerator(ident, transform_type="affine", target_shape=(1, 3)).asnumpy()
    assert np.isnan(g).all()
    w = mx.nd.GridGenerator(mx.nd.ones((1, 2, 1, 3)), transform_type="warp").asnumpy()
    np.testing.assert_array_equal(w[0, 0, 0], [0, 1, 2])
    assert np.isposinf(w[0, 1]).all()
    y = mx.nd.SpatialTransformer(mx.nd.ones((1, 1, 2, 2)), ident, target_shape=(1, 3),
                                 transform_type="affine", sampler_type="bilinear")
    assert np.isnan(y.asnumpy()).all()
    one_row = mx.nd.BilinearSampler(mx.nd.ones((1, 1, 1, 3)), mx.nd.array([[[[0.5]], [[0.5]]]]))
    assert one_row.asnumpy().item() == 1

ERRORS = [
    (lambda: mx.nd.BilinearSampler(mx.nd.zeros((2, 3, 4, 5)), mx.nd.zeros((2, 3, 3, 4))),
     "should be"),
    (lambda: mx.nd.BilinearSampler(mx.nd.zeros((2, 3, 4, 5)), mx.nd.zeros((3, 2, 3, 4))),
     "batch"),
    (lambda: mx.nd.BilinearSampler(mx.nd.zeros((2, 3, 4)), mx.nd.zeros((2, 2, 3, 4))), "4D"),
    (lambda: mx.nd.BilinearSampler(mx.nd.zeros((2, 3, 4, 5)),
                                   mx.nd.zeros((2, 2, 3, 4), dtype="float64")), "Non-uniform"),
    (lambda: mx.nd.BilinearSampler(mx.nd.zeros((2, 3, 4, 5), dtype="int32"),
                                   mx.nd.zeros((2, 2, 3, 4), dtype="int32")), "floating point"),
    (lambda: mx.nd.GridGenerator(mx.nd.zeros((2, 5)), transform_type="affine",
                                 target_shape=(3, 4)), "should be 6"),
    (lambda: mx.nd.GridGenerator(mx.nd.zeros((2, 6)), transform_type="affine"),
     "incorrect target_shape"),
    (lambda: mx.nd.GridGenerator(mx.nd.zeros((2, 3, 3, 4)), transform_type="warp"),
     "should be 2"),
    (lambda: mx.nd.GridGenerator(mx.nd.zeros((2, 6)), transform_type="bad",
                                 target_shape=(3, 4)), "valid values are"),
    (lambda: mx.nd.GridGenerator(mx.nd.zeros((2, 6))), "transform_type"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.zeros((2, 3, 4, 5)), mx.nd.zeros((2, 6)),
                                      target_shape=(3, 4), transform_type="affine"),
     "sampler_type"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.zeros((2, 3, 4, 5)), mx.nd.zeros((2, 5)),
                                      target_shape=(3, 4), transform_type="affine",
                                      sampler_type="bilinear"), "should be"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.zeros((2, 3, 4, 5)), mx.nd.zeros((2, 6)),
                                      target_shape=(3, 4), transform_type="warp",
                                      sampler_type="bilinear"), "valid values are"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn, msg = ERRORS[i]
    with pytest.raises(MXNetError, match=msg):
        fn()


# ---------------------------------------------------------------- im2col / col2im

IM2COL = [0, 0, 0, 0, -2, 1, 0, 3, -1, 0, 0, 0, 3, -1, 0, 1, -3, 0, 0, -2, 1, 0, 3, -1, 0, 0, 0, 3,
          -1, 0, 1, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, -2, 1, 0, 0, 0, -2, 1, 0, 3, -1, 0, 0, 0,
          3, 0, -2, 1, 0, 0, 0, -2, 1, 0, 3, -1, 0, 0, 0, 0]
COL2IM = [0.0, 0.0, 0.0, -0.25, 0.0, 0.0, 1.0, 0.0, 0.75, 0.0, 0.0, -0.75, 0.0, -1.0, 0.0, 0.0,
          0.25, 0.0, 0.0, 0.0, 0.0, -0.75, 0.0, -1.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.0, -1.5,
          0.0, 1.0, 0.0, 0.0, -0.5, 0.0, -0.75, 0.0]
COL2IM_F16 = [410.0, 608.5, 618.0, 404.75, 615.5, 919.0, 918.5, 611.0, 610.0, 916.5, 920.0, 611.0,
              412.75, 608.0, 613.5, 407.25]


def test_im2col_col2im_match_mxnet():
    a = mx.nd.array(np.arange(60).reshape(1, 2, 5, 6) % 7 - 3)
    y = mx.nd.im2col(a, kernel=(2, 2), stride=(2, 3), dilate=(2, 1), pad=(1, 1))
    assert y.shape == (1, 8, 9) and y.dtype == np.float32
    np.testing.assert_array_equal(y.asnumpy().ravel(), IM2COL)
    c = mx.nd.array((np.arange(8 * 9) * 5 % 11 - 5) / 4).reshape((1, 8, 9))
    z = mx.nd.col2im(c, output_size=(4, 5), kernel=(2, 2), stride=(2, 2), dilate=(1, 2),
                     pad=(1, 1))
    np.testing.assert_array_equal(z.asnumpy().ravel(), np.array(COL2IM, np.float32))
    # float16 sums round after every add, in MXNet's order
    h = mx.nd.array((np.arange(9 * 16) * 7 % 13) / 3 + 100).reshape((1, 9, 16)).astype("float16")
    z16 = mx.nd.col2im(h, output_size=(4, 4), kernel=(3, 3), pad=(1, 1))
    assert z16.dtype == np.float16
    np.testing.assert_array_equal(z16.asnumpy().ravel(), np.array(COL2IM_F16, np.float16))


def oracle_im2col(x, k, s, d, p):
    """Plain loops (float64): col[n, (c, *kidx), out position]."""
    sp = x.shape[2:]
    out = [(sp[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(len(k))]
    N, C = x.shape[:2]
    col = np.zeros((N, C) + tuple(k) + tuple(out))
    for kidx in np.ndindex(*k):
        for o in np.ndindex(*out):
            pos = [o[i] * s[i] - p[i] + kidx[i] * d[i] for i in range(len(k))]
            if all(0 <= pos[i] < sp[i] for i in range(len(k))):
                col[(slice(None), slice(None)) + kidx + o] = x[(slice(None), slice(None))
                                                              + tuple(pos)]
    return col.reshape(N, C * int(np.prod(k)), int(np.prod(out)))


@pytest.mark.parametrize("shape,k,s,d,p", [
    ((2, 3, 9), (3,), (2,), (2,), (1,)),
    ((1, 2, 5, 6), (2, 3), (1, 2), (2, 1), (1, 0)),
    ((1, 2, 4, 3, 5), (2, 2, 3), (2, 1, 1), (1, 1, 2), (1, 0, 1)),
])
def test_im2col_any_dims_and_adjoint(shape, k, s, d, p):
    """1-D and 3-D as well (MXNet 1.9.1 fails on those [FIX]); col2im is the adjoint."""
    rng = np.random.RandomState(4)
    x = rng.uniform(-1, 1, shape)
    kw = dict(kernel=k, stride=s, dilate=d, pad=p)
    col = mx.nd.im2col(mx.nd.array(x, dtype="float64"), **kw).asnumpy()
    np.testing.assert_array_equal(col, oracle_im2col(x, k, s, d, p))
    c = rng.uniform(-1, 1, col.shape)
    back = mx.nd.col2im(mx.nd.array(c, dtype="float64"), output_size=shape[2:], **kw).asnumpy()
    assert back.shape == shape
    np.testing.assert_allclose((col * c).sum(), (x * back).sum(), rtol=1e-12)
    xi = mx.nd.array(x, dtype="float64")
    check_grads(lambda a: mx.nd.im2col(a, **kw) ** 2, [xi], order=2)


def test_im2col_integers():
    x = mx.nd.array(np.arange(24).reshape(1, 2, 3, 4), dtype="int32")
    y = mx.nd.im2col(x, kernel=(2, 2))
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.asnumpy(), oracle_im2col(x.asnumpy(), (2, 2), (1, 1), (1, 1),
                                                             (0, 0)))


COL_ERRORS = [
    (lambda: mx.nd.im2col(mx.nd.zeros((2, 3, 5, 6)), kernel=(7, 3)), "kernel size exceed input"),
    (lambda: mx.nd.im2col(mx.nd.zeros((2, 3, 5, 6)), kernel=(2, 3), stride=(1,)),
     "Stride must have the same number of dimensions"),
    (lambda: mx.nd.im2col(mx.nd.zeros((2, 3, 5, 6)), kernel=(2, 3), dilate=(0, 1)),
     "incorrect dilate size"),
    (lambda: mx.nd.col2im(mx.nd.zeros((2, 18, 20)), output_size=(5, 6), kernel=(2, 3)),
     r"dshape\[2\] == out_dim \(20 vs. 16\)"),
    (lambda: mx.nd.col2im(mx.nd.zeros((2, 17, 16)), output_size=(5, 6), kernel=(2, 3)),
     "multiples of kernel size"),
    (lambda: mx.nd.col2im(mx.nd.zeros((2, 18, 20)), output_size=(5,), kernel=(2, 3)),
     "Output size must have the same number of dimensions"),
    (lambda: mx.nd.im2col(mx.nd.zeros((2, 3, 5, 6))), "kernel"),
]


@pytest.mark.parametrize("i", range(len(COL_ERRORS)))
def test_col_errors(i):
    fn, msg = COL_ERRORS[i]
    with pytest.raises(MXNetError, match=msg):
        fn()


# ---------------------------------------------------------------- Correlation

# MXNet 1.9.1: [output shape, output, grad of data1, grad of data2] for head gradient
# seq(output shape, 13, 11, 5, 4.0)
CORR_MUL = [[1, 9, 1, 2],
            [0.1269841194152832, 0.1329365074634552, -0.032738108187913895, 0.155753955245018,
             0.1676587462425232, 0.1626984179019928, 0.1051587164402008, 0.045634925365448,
             0.0734127014875412, 0.0347222276031971, 0.0158730149269104, -0.0962301567196846,
             -0.0605158731341362, -0.0843253955245018, 0.2053571343421936, 0.1736111044883728,
             -0.190476194024086, -0.0694444477558136],
            [0.0238095223903656, 0.1944444477558136, -0.1111111044883728, 0.075396828353405,
             0.0873015895485878, 0.1944444179534912, -0.111111119389534, 0.1349206268787384,
             0.0714285671710968, 0.1031746119260788, -0.0714285671710968, 0.0833333283662796,
             0.1428571343421936, 0.1468253880739212, -0.1964285671710968, -0.0138888880610466,
             0.041666656732559204, -0.003968263044953346, -0.007936496287584305,
             -0.0535714253783226, -0.007936511188745499, -0.0317460298538208, -0.1686507761478424,
             -0.0535714253783226],
            [0.1093749925494194, -0.0642361119389534, -0.1666666567325592, 0.0850694477558136,
             0.0486111156642437, 0.0555555485188961, -0.02777778171002865, -0.1093749850988388,
             0.0677083283662796, 0.0503472201526165, -0.029513873159885406, 0.013888893648982048,
             -0.0729166716337204, -0.125, -0.038194440305233, 0.126736119389534,
             -0.1302083432674408, -0.064236119389534, 0.2291666567325592, -0.0989583432674408,
             -0.0416666679084301, -0.048611119389534, 0.0868055671453476, -0.005208328366279602]]
CORR_ABS = [[1, 9, 3, 4],
            [0.9375, 0.8125, 0.4375, 1.0, 0.4375, 0.8125, 0.9375, 0.4375, 1.0, 0.4375,
             0.1696428507566452, 1.4285714626312256, 0.9375, 0.8125, 0.4375, 1.0, 0.4375, 0.8125,
             0.9375, 0.4375, 1.428571343421936, 0.1339285671710968, 0.026785746216773987,
             1.428571343421936, 0.9375, 0.8125, 0.4375, 1.0, 0.4375, 0.8125, 0.9375, 0.4375,
             1.4285714626312256, 0.2767857313156128, 0.6875, 1.0, 0.9375, 0.8125,
             0.5446428656578064, 1.4285714626312256, 0.4375, 0.8125, 1.5089285373687744,
             1.0446429252624512, 1.0, 0.4375, 0.4017857015132904, 0.1607142686843872,
             0.0803571492433548, 0.2410714328289032, 0.4017857313156128, 1.4285714626312256,
             0.8839285373687744, 1.6696429252624512, 1.3660714626312256, 1.3660714626312256,
             1.4285714626312256, 1.3660714626312256, 0.5446428060531616, 0.3035714328289032,
             0.223214253783226, 0.09821425378322601, 0.4375, 1.0, 0.7410714626312256,
             1.3660714626312256, 0.9375, 0.4375, 1.4285714626312256, 1.3660714626312256, 0.6875,
             1.0, 0.9375, 0.8125, 0.026785708963871002, 0.2142857313156128, 0.4375, 0.8125, 0.9375,
             0.4375, 1.0, 0.4375, 0.6875, 1.0, 0.6517857313156128, 1.3660714626312256,
             0.1696428507566452, 0.0714285671710968, 0.4375, 0.8125, 0.9375, 0.4375, 1.0, 0.4375,
             0.6875, 1.0, 0.7946428060531616, 1.3660714626312256, 0.4375, 1.0, 0.4375, 0.8125,
             0.9375, 0.4375, 1.0, 0.4375, 0.6875, 1.0],
            [0.75, -0.375, -0.75, 0.5, 0.5, 0.5, -1.0, 0.125, 0.75, 0.5, 0.0, -1.75, 0.75, 0.125,
             0.5, 1.0, 0.0, 1.5, -1.0, -1.125, -0.75, 0.5, 0.0, 0.75],
            [-1.0, 1.0, 1.25, 0.5, -0.25, 0.75, -0.75, -0.125, 0.0, -0.25, 0.5, 0.25, -0.5, -1.25,
             2.25, -0.75, -0.25, 0.75, -0.75, 0.125, -0.75, 0.0, 0.25, -0.5]]
CORR_A = seq((1, 2, 3, 4))
CORR_B = seq((1, 2, 3, 4), mul=29, mod=19, off=9, div=7.0)


@pytest.mark.parametrize("want,kw", [
    (CORR_MUL, dict(kernel_size=3, max_displacement=1, pad_size=1)),
    (CORR_ABS, dict(kernel_size=1, max_displacement=2, stride2=2, pad_size=2,
                    is_multiply=False))])
def test_correlation_matches_mxnet(want, kw):
    shape = tuple(want[0])
    got = run(lambda a, b: mx.nd.Correlation(a, b, **kw), [CORR_A, CORR_B],
              seq(shape, mul=13, mod=11, off=5, div=4.0))
    assert got[0].shape == shape
    for g, w in zip(got, want[1:]):
        np.testing.assert_array_equal(g.ravel(), np.array(w, np.float32))


def oracle_correlation(a, b, k, md, s1, s2, pad, mult):
    N, C, H, W = a.shape
    ap = np.pad(a, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    bp = np.pad(b, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    border = md + (k - 1) // 2
    OH = -(-(H + 2 * pad - 2 * border) // s1)
    OW = -(-(W + 2 * pad - 2 * border) // s1)
    r = md // s2
    out = np.zeros((N, (2 * r + 1) ** 2, OH, OW))
    for i in range(OH):
        for j in range(OW):
            y1, x1 = i * s1 + md, j * s1 + md
            for t, (dy, dx) in enumerate(np.ndindex(2 * r + 1, 2 * r + 1)):
                y2, x2 = y1 + (dy - r) * s2, x1 + (dx - r) * s2
                pa = ap[:, :, y1:y1 + k, x1:x1 + k]
                pb = bp[:, :, y2:y2 + k, x2:x2 + k]
                v = pa * pb if mult else np.abs(pa - pb)
                out[:, t, i, j] = v.sum((1, 2, 3)) / (k * k * C)
    return out


@pytest.mark.parametrize("kw", [
    dict(kernel_size=3, max_displacement=2, stride1=2, stride2=1, pad_size=2),
    dict(kernel_size=1, max_displacement=3, stride1=1, stride2=2, pad_size=3),
    dict(kernel_size=3, max_displacement=1, stride1=1, stride2=1, pad_size=0, is_multiply=False),
])
def test_correlation_oracle_and_gradients(kw):
    rng = np.random.RandomState(6)
    a, b = rng.uniform(-1, 1, (2, 3, 6, 7)), rng.uniform(-1, 1, (2, 3, 6, 7))
    full = dict(dict(is_multiply=True), **kw)
    want = oracle_correlation(a, b, full["kernel_size"], full["max_displacement"],
                              full["stride1"], full["stride2"], full["pad_size"],
                              full["is_multiply"])
    x, y = mx.nd.array(a, dtype="float64"), mx.nd.array(b, dtype="float64")
    got = mx.nd.Correlation(x, y, **kw)
    assert got.shape == want.shape
    assert_almost_equal(got.asnumpy(), want, rtol=1e-12, atol=1e-14)
    xs, ys = mx.nd.array(a[:1, :2, :5, :5], dtype="float64"), mx.nd.array(b[:1, :2, :5, :5],
                                                                         dtype="float64")
    check_grads(lambda p, q: mx.nd.Correlation(p, q, **kw) ** 2, [xs, ys],
                order=2 if full["is_multiply"] else 1)


def test_correlation_abs_is_first_order_only():
    x = mx.nd.array(CORR_A, dtype="float64")
    y = mx.nd.array(CORR_B, dtype="float64")
    x.attach_grad()
    with autograd.record():
        out = mx.nd.Correlation(x, y, is_multiply=False, pad_size=1)
        (g,) = autograd.grad(out.sum(), [x], create_graph=True, retain_graph=True)
        s = (g * g).sum()
    with pytest.raises(MXNetError, match="first-order"):
        s.backward()


CORR_ERRORS = [
    (dict(kernel_size=2), "odd"),
    (dict(kernel_size=9), "don't fit"),
]


@pytest.mark.parametrize("kw,msg", CORR_ERRORS)
def test_correlation_errors(kw, msg):
    a = mx.nd.zeros((2, 3, 7, 8))
    with pytest.raises(MXNetError, match=msg):
        mx.nd.Correlation(a, a, **kw)
    with pytest.raises(MXNetError, match="4D"):
        mx.nd.Correlation(mx.nd.zeros((2, 3, 7)), mx.nd.zeros((2, 3, 7)))
    with pytest.raises(MXNetError, match="Type inconsistent"):
        mx.nd.Correlation(a, a.astype("float64"))
    with pytest.raises(MXNetError, match="same shape"):
        mx.nd.Correlation(a, mx.nd.zeros((2, 3, 7, 7)))
