"""The spatial and detection ops on mx.gpu().

GridGenerator, BilinearSampler, SpatialTransformer (and their private ops), BilinearResize2D
and AdaptiveAvgPooling2D (and their adjoints), ROIPooling, ROIAlign, box_iou, box_encode,
box_decode, MultiBoxPrior and Correlation (and its gradient ops) run through device kernels
(`cuda_spatial` and the modules it registers) doing the CPU's arithmetic in its order: forward
and gradients are bit-equal with the CPU, and never run through the host. im2col and ctc_loss
still run through the host and give the CPU's numbers.
"""
import numpy as np
import pytest

import mxnb as mx

GPU, CPU = mx.gpu(0), mx.cpu(0)
DEVICE_OPS = {"GridGenerator", "_affine_grid", "_affine_grid_backward", "_grid_warp_scale",
              "BilinearSampler", "_bilinear_corners", "_bilinear_gather", "_bilinear_scatter",
              "SpatialTransformer", "_contrib_BilinearResize2D", "_bilinear_resize_adjoint",
              "_contrib_AdaptiveAvgPooling2D", "_adaptive_avg_pool_adjoint"}


def _grid(rng, shape=(1, 2, 2, 3)):
    return rng.uniform(-1.2, 1.2, shape)


def _run(ctx, fn, hosts, dtype, seed=5):
    xs = [mx.nd.array(h, ctx=ctx, dtype=dtype) for h in hosts]
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        y = fn(*xs)
    dy = np.random.RandomState(seed).uniform(-1, 1, y.shape)
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=y.dtype))
    assert y.context == ctx
    for x in xs:
        assert x.grad.context == ctx
    return [y.asnumpy()] + [x.grad.asnumpy() for x in xs]


def _same(fn, hosts, dtype, close=()):
    """gpu == cpu bit for bit (forward, then each input's gradient); the outputs listed in
    `close` (by position) to rounding instead (the CPU sums them through BLAS)."""
    for k, (g, c) in enumerate(zip(_run(GPU, fn, hosts, dtype), _run(CPU, fn, hosts, dtype))):
        assert g.dtype == c.dtype and g.shape == c.shape
        if k in close:
            np.testing.assert_allclose(g, c, rtol=1e-5 if dtype == "float32" else 1e-13)
        else:
            np.testing.assert_array_equal(g, c)


ST = np.array([[0.9, 0.1, 0.05, -0.1, 1.1, 0.02]])
DEVICE_CASES = {
    "GridGenerator-affine": (lambda t: mx.nd.GridGenerator(t, transform_type="affine",
                                                           target_shape=(2, 3)),
                             lambda rng: [rng.uniform(-1, 1, (2, 6))], (1,)),
    "GridGenerator-warp": (lambda f: mx.nd.GridGenerator(f, transform_type="warp"),
                           lambda rng: [rng.uniform(-1, 1, (1, 2, 2, 3))], ()),
    "BilinearSampler": (lambda a, g: mx.nd.BilinearSampler(a, g),
                        lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 4)), _grid(rng)], ()),
    "BilinearSampler-dense": (lambda a, g: mx.nd.BilinearSampler(a, g),   # cells shared
                              lambda rng: [rng.uniform(-1, 1, (2, 1, 2, 3)),
                                           _grid(rng, (2, 2, 4, 4))], ()),
    "SpatialTransformer": (lambda a, t: mx.nd.SpatialTransformer(
        a, t, target_shape=(2, 3), transform_type="affine", sampler_type="bilinear"),
        lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 4)), ST], (2,)),
    "_affine_grid-st": (lambda t: mx.nd._affine_grid(t, target_shape=(3, 2), st=True),
                        lambda rng: [rng.uniform(-1, 1, (1, 6))], (1,)),
    "_affine_grid_backward": (lambda g: mx.nd._affine_grid_backward(g, target_shape=(2, 3)),
                              lambda rng: [rng.uniform(-1, 1, (1, 2, 2, 3))], (0,)),
    "_grid_warp_scale": (lambda g: mx.nd._grid_warp_scale(g),
                         lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 2))], ()),
    "BilinearResize2D": (lambda a: mx.nd.contrib.BilinearResize2D(a, height=5, width=3),
                         lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 4))], ()),
    "BilinearResize2D-noalign": (lambda a: mx.nd.contrib.BilinearResize2D(
        a, height=2, width=7, align_corners=False),
        lambda rng: [rng.uniform(-1, 1, (1, 1, 3, 4))], ()),
    "_bilinear_resize_adjoint": (lambda a: mx.nd._bilinear_resize_adjoint(
        a, in_height=3, in_width=2, align_corners=False),
        lambda rng: [rng.uniform(-1, 1, (1, 1, 5, 4))], ()),
    "AdaptiveAvgPooling2D": (lambda a: mx.nd.contrib.AdaptiveAvgPooling2D(a, output_size=(3, 2)),
                             lambda rng: [rng.uniform(-1, 1, (1, 2, 5, 4))], ()),
    "_adaptive_avg_pool_adjoint": (lambda a: mx.nd._adaptive_avg_pool_adjoint(
        a, in_height=4, in_width=5), lambda rng: [rng.uniform(-1, 1, (1, 1, 3, 2))], ()),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(DEVICE_CASES))
def test_device_kernels_match_cpu(name, dtype, host_guard):
    host_guard(DEVICE_OPS)
    fn, make, close = DEVICE_CASES[name]
    _same(fn, make(np.random.RandomState(0)), dtype, close)


@pytest.mark.parametrize("fn,shape", [
    (lambda a, g: mx.nd.BilinearSampler(a, g), None),
    (lambda a: mx.nd.contrib.BilinearResize2D(a, height=4, width=2), (1, 1, 2, 3)),
    (lambda a: mx.nd.contrib.AdaptiveAvgPooling2D(a, output_size=2), (1, 1, 3, 3))])
def test_float16_computes_in_float32(fn, shape, host_guard):
    host_guard(DEVICE_OPS)
    rng = np.random.RandomState(1)
    hosts = [rng.uniform(-1, 1, (1, 2, 3, 4)), _grid(rng)] if shape is None else \
        [rng.uniform(-1, 1, shape)]
    _same(fn, hosts, "float16")


@pytest.mark.parametrize("attrs,shape", [
    ({"scale_height": 1.5, "scale_width": 0.5}, (1, 1, 2, 4)),
    ({"mode": "odd_scale", "scale_height": 2.0, "scale_width": 0.6}, (1, 1, 3, 4)),
    ({"mode": "to_even_up"}, (1, 1, 3, 2)), ({"mode": "to_odd_down", "align_corners": False},
                                             (1, 1, 2, 3)),
    ({"height": 3, "width": 4}, (1, 1, 3, 4))])    # equal sizes: a copy
def test_resize_modes(attrs, shape, host_guard):
    host_guard(DEVICE_OPS)
    fn = (lambda a: mx.nd.contrib.BilinearResize2D(a, **attrs))
    _same(fn, [np.random.RandomState(2).uniform(-1, 1, shape)], "float32")


def test_resize_like_and_pool_sizes(host_guard):
    host_guard(DEVICE_OPS)
    rng = np.random.RandomState(3)
    x, like = rng.uniform(-1, 1, (1, 1, 2, 3)), rng.uniform(-1, 1, (1, 1, 4, 2))
    _same(lambda a, b: mx.nd.contrib.BilinearResize2D(a, b, mode="like"), [x, like], "float32")
    for size in ((), 1):
        _same(lambda a: mx.nd.contrib.AdaptiveAvgPooling2D(a, output_size=size), [x], "float64")


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_sampler_private_ops(dtype, host_guard):
    """The gather/scatter pair of the sampler's VJP, and the corner indices (some outside)."""
    host_guard(DEVICE_OPS)
    rng = np.random.RandomState(4)
    grid = _grid(rng, (1, 2, 2, 2)) * 1.3

    def corners(g):
        return mx.nd._bilinear_corners(g, height=3, width=2)
    idx = corners(mx.nd.array(grid, ctx=CPU, dtype=dtype)).asnumpy()
    assert (idx == -1).any() and (idx >= 0).any()
    np.testing.assert_array_equal(corners(mx.nd.array(grid, ctx=GPU, dtype=dtype)).asnumpy(), idx)
    x = rng.uniform(-1, 1, (1, 2, 3, 2))
    v = rng.uniform(-1, 1, (1, 4, 2, 2, 2))
    idx[0, 1, 0, 0] = idx[0, 0, 1, 1]        # two points sharing a cell: sums in order

    def gather(a, i):
        return mx.nd._bilinear_gather(a, i)

    def scatter(a, i):
        return mx.nd._bilinear_scatter(a, i, height=3, width=2)
    for fn, data in ((gather, x), (scatter, v)):
        res = []
        for ctx in (GPU, CPU):
            a = mx.nd.array(data, ctx=ctx, dtype=dtype)
            i = mx.nd.array(idx, ctx=ctx, dtype=idx.dtype)
            a.attach_grad()
            with mx.autograd.record():
                y = fn(a, i)
            y.backward(mx.nd.array(np.arange(y.size).reshape(y.shape) % 7 - 3, ctx=ctx,
                                   dtype=dtype) * 0.37)
            res.append((y.asnumpy(), a.grad.asnumpy()))
        for g, c in zip(*res):
            np.testing.assert_array_equal(g, c)


@pytest.mark.parametrize("name", ["BilinearSampler", "SpatialTransformer", "BilinearResize2D",
                                  "AdaptiveAvgPooling2D"])
def test_second_order_on_device(name, host_guard):
    """create_graph=True: the VJPs run the private ops' device kernels; x.grad stays there.
    (Close, not bit-equal: the VJPs' sums are the device reductions' order, not NumPy's.)"""
    host_guard(DEVICE_OPS)
    fn, make, _ = DEVICE_CASES[name]
    hosts = make(np.random.RandomState(6))
    res = []
    for ctx in (GPU, CPU):
        xs = [mx.nd.array(h, ctx=ctx, dtype="float64") for h in hosts]
        for x in xs:
            x.attach_grad()
        with mx.autograd.record():
            y = fn(*xs)
            gs = mx.autograd.grad(mx.nd.sum(y * y), xs, create_graph=True)
            z = sum(mx.nd.sum(g * g) for g in gs)
        z.backward()
        assert all(x.grad.context == ctx for x in xs)
        res.append([g.asnumpy() for g in gs] + [x.grad.asnumpy() for x in xs])
    for g, c in zip(*res):
        np.testing.assert_allclose(g, c, rtol=1e-12, atol=1e-14)


def test_sampler_reads_zero_outside_and_grid_values():
    """A pinned case: MXNet 1.9.1's BilinearSampler at points inside and outside the image."""
    x = mx.nd.array([[[[1., 2.], [3., 4.]]]], ctx=GPU)
    g = mx.nd.array([[[[0., -1., 1.5]], [[0., -1., 0.]]]], ctx=GPU)
    np.testing.assert_array_equal(mx.nd.BilinearSampler(x, g).asnumpy(), [[[[2.5, 1., 2.25]]]])


HOST_CASES = {
    "im2col": (lambda a: mx.nd.im2col(a, kernel=(2, 2), pad=(1, 0)),
               lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 3))]),
    "ctc_loss": (lambda a: mx.nd.ctc_loss(a, mx.nd.array([[1, 2]], ctx=a.context)),
                 lambda rng: [rng.uniform(-1, 1, (4, 1, 3))]),
}


@pytest.mark.parametrize("name", sorted(HOST_CASES))
def test_host_ops_match_cpu(name):
    fn, make = HOST_CASES[name]
    _same(fn, make(np.random.RandomState(0)), "float32")


# ---------------------------------------------------------------- ROIPooling / ROIAlign

ROI_X = np.random.RandomState(7).permutation(2 * 2 * 6 * 7).reshape(2, 2, 6, 7) / 10.0
ROIS = np.array([[0, 0, 0, 4, 4], [1, 1.2, 0.5, 5.7, 4.2], [0, 2, 1, 6, 5],
                 [3, 1, 1, 2, 2], [0, 3.3, 2.1, 3.5, 2.2]])     # a batch out of range, a tiny roi
ROI_CASES = {
    "ROIPooling": lambda a, r: mx.nd.ROIPooling(a, r, pooled_size=(2, 3), spatial_scale=0.7),
    "ROIAlign": lambda a, r: mx.nd.contrib.ROIAlign(a, r, pooled_size=(2, 2), spatial_scale=1.0),
    "ROIAlign-aligned": lambda a, r: mx.nd.contrib.ROIAlign(
        a, r, pooled_size=(2, 2), spatial_scale=0.7, sample_ratio=2, aligned=True),
    # (MXNet 1.9.1 refuses rois of 4 columns, so mxnb does too: 5 columns here.)
    "ROIAlign-ps": lambda a, r: mx.nd.contrib.ROIAlign(
        a, r, pooled_size=(1, 2), spatial_scale=0.9, position_sensitive=True),
}


def _roi_run(ctx, fn, dtype):
    a = mx.nd.array(ROI_X, ctx=ctx, dtype=dtype)
    r = mx.nd.array(ROIS, ctx=ctx, dtype=dtype)
    a.attach_grad()
    with mx.autograd.record():
        y = fn(a, r)
    y.backward(mx.nd.array(np.random.RandomState(1).uniform(-1, 1, y.shape), ctx=ctx,
                           dtype=dtype))
    assert a.grad.context == ctx
    return y.asnumpy(), a.grad.asnumpy()


@pytest.mark.parametrize("name,dtype", [(n, "float32") for n in sorted(ROI_CASES)]
                         + [("ROIPooling", "float16"), ("ROIAlign", "float64")])
def test_roi_ops_match_cpu(name, dtype, host_guard):
    host_guard({"ROIPooling", "_contrib_ROIAlign"})
    fn = ROI_CASES[name]
    for g, c in zip(_roi_run(GPU, fn, dtype), _roi_run(CPU, fn, dtype)):
        assert g.dtype == c.dtype
        np.testing.assert_array_equal(g, c)


def test_roi_align_pinned_and_empty_aligned_roi_raises():
    x = mx.nd.array(np.arange(16.).reshape(1, 1, 4, 4), ctx=GPU)
    y = mx.nd.contrib.ROIAlign(x, mx.nd.array([[0, 0, 0, 2, 2]], ctx=GPU), pooled_size=(1, 1),
                               spatial_scale=1.0)
    np.testing.assert_array_equal(y.asnumpy(), [[[[5.0]]]])    # MXNet 1.9.1
    with pytest.raises(mx.base.MXNetError, match="roi_width > 0"):
        mx.nd.contrib.ROIAlign(x, mx.nd.array([[0, 1, 1, 1, 3]], ctx=GPU), pooled_size=(1, 1),
                               spatial_scale=1.0, aligned=True).asnumpy()


# ---------------------------------------------------------------- boxes and anchors

ANCHORS = np.array([[[0, 0, 2, 2], [1, 1, 3, 4], [0.5, 0.5, 1, 2]]])
_r = np.random.RandomState(8)
_REFS = _r.uniform(0, 1, (2, 2, 4)) + np.array([0, 0, 1, 1])
BOX_CASES = {
    "box_iou": (lambda a, b: mx.nd.contrib.box_iou(a, b),
                [_r.uniform(0, 2, (2, 3, 4)), _r.uniform(0, 2, (5, 4))]),
    "box_iou-center": (lambda a, b: mx.nd.contrib.box_iou(a, b, format="center"),
                       [_r.uniform(0, 2, (3, 4)), _r.uniform(0, 2, (1, 2, 4))]),
    "box_decode": (lambda x, a: mx.nd.contrib.box_decode(x, a, std0=0.1, std2=0.2, clip=0.3),
                   [_r.uniform(-1, 1, (2, 3, 4)), ANCHORS]),
    "box_decode-corner": (lambda x, a: mx.nd.contrib.box_decode(x, a, format="corner"),
                          [_r.uniform(-1, 1, (1, 3, 4)), ANCHORS]),
    "box_encode": (lambda *v: mx.nd.contrib.box_encode(*v),
                   [np.array([[1, 0, 1], [0.7, 1, 0.2]]), np.array([[0, 1, -1], [1, 0, 0]]),
                    np.concatenate([ANCHORS, ANCHORS + 0.3]), _REFS,
                    np.array([0, 0.1, 0, 0.2]), np.array([0.1, 0.1, 0.2, 0.2])]),
    "MultiBoxPrior": (lambda x: mx.nd.contrib.MultiBoxPrior(x, sizes=(0.3, 0.5),
                                                            ratios=(1, 2, 0.5)),
                      [np.zeros((1, 2, 3, 4))]),
    "MultiBoxPrior-clip-steps": (lambda x: mx.nd.contrib.MultiBoxPrior(
        x, sizes=(0.7,), ratios=(1, 3), clip=True, steps=(0.2, 0.3), offsets=(0.3, 0.6)),
        [np.zeros((1, 1, 2, 3))]),
}
BOX_OPS = {"_contrib_box_iou", "_contrib_box_encode", "_contrib_box_decode",
           "_contrib_MultiBoxPrior"}


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name", sorted(BOX_CASES))
def test_box_ops_match_cpu(name, dtype, host_guard):
    host_guard(BOX_OPS)
    fn, hosts = BOX_CASES[name]
    res = []
    for ctx in (GPU, CPU):
        out = fn(*[mx.nd.array(h, ctx=ctx, dtype=dtype) for h in hosts])
        res.append([o.asnumpy() for o in (out if isinstance(out, (list, tuple)) else [out])])
    for g, c in zip(*res):
        assert g.dtype == c.dtype
        if dtype == "float64" and name.startswith(("box_encode", "box_decode")):
            # CUDA's double log / exp against NumPy's: both within an ulp of the true value
            np.testing.assert_allclose(g, c, rtol=1e-15, atol=1e-15)
        else:
            np.testing.assert_array_equal(g, c)


def test_box_iou_pinned():
    """MXNet 1.9.1: IoU of [0, 0, 2, 2] with [1, 1, 3, 3] and a disjoint box."""
    a = mx.nd.array([[0, 0, 2, 2]], ctx=GPU)
    b = mx.nd.array([[1, 1, 3, 3], [5, 5, 6, 6]], ctx=GPU)
    np.testing.assert_array_equal(mx.nd.contrib.box_iou(a, b).asnumpy(),
                                  np.array([[1 / 7, 0]], np.float32))


# ---------------------------------------------------------------- Correlation

CORR_OPS = {"Correlation", "_correlation_backward_data1", "_correlation_backward_data2"}
_WALK = dict(kernel_size=3, max_displacement=2, stride1=2, stride2=1, pad_size=2)
CORR_CASES = [_WALK, dict(max_displacement=1, pad_size=1), dict(_WALK, is_multiply=False),
              dict(kernel_size=1, max_displacement=2, stride2=2, pad_size=1)]


def _corr_inputs():
    rng = np.random.RandomState(9)
    return [rng.uniform(-1, 1, (1, 2, 4, 5)), rng.uniform(-1, 1, (1, 2, 4, 5))]


@pytest.mark.parametrize("case,dtype", [(k, "float32") for k in range(len(CORR_CASES))]
                         + [(0, "float16"), (0, "float64"), (1, "float64")])
def test_correlation_matches_cpu(case, dtype, host_guard):
    host_guard(CORR_OPS)
    _same(lambda a, b: mx.nd.Correlation(a, b, **CORR_CASES[case]), _corr_inputs(), dtype)


def test_correlation_second_order_on_device(host_guard):
    """The gradient ops' own gradients (Correlation and each other) run on the device too."""
    host_guard(CORR_OPS)
    res = []
    for ctx in (GPU, CPU):
        xs = [mx.nd.array(h, ctx=ctx, dtype="float64") for h in _corr_inputs()]
        for x in xs:
            x.attach_grad()
        with mx.autograd.record():
            y = mx.nd.Correlation(*xs, **_WALK)
            gs = mx.autograd.grad(mx.nd.sum(y * y), xs, create_graph=True)
            z = mx.nd.sum(gs[0] * gs[1])
        z.backward()
        assert xs[0].grad.context == ctx
        res.append([g.asnumpy() for g in gs] + [x.grad.asnumpy() for x in xs])
    for g, c in zip(*res):
        np.testing.assert_array_equal(g, c)


def test_correlation_abs_is_first_order_only():
    xs = [mx.nd.array(h, ctx=GPU) for h in _corr_inputs()]
    g = mx.nd.ones((1, 25, 1, 2), ctx=GPU)
    attrs = dict(_WALK, is_multiply=False)
    xs[1].attach_grad()
    with pytest.raises(mx.base.MXNetError, match="non-differentiable"):
        with mx.autograd.record():
            y = mx.nd._correlation_backward_data1(g, xs[0], xs[1], **attrs)
        y.backward()


def test_gradients_do_not_depend_on_the_launch(monkeypatch, host_guard):
    """The gathered adjoints give the same bits with one thread or many blocks."""
    from mxnb.kernels import cuda_build

    host_guard(DEVICE_OPS)
    rng = np.random.RandomState(10)
    x, grid = rng.uniform(-1, 1, (1, 2, 3, 4)), _grid(rng, (1, 2, 3, 3)) * 0.8

    def grads():
        out = _run(GPU, lambda a, g: mx.nd.BilinearSampler(a, g), [x, grid], "float32")
        return out + _run(GPU, lambda a: mx.nd.contrib.AdaptiveAvgPooling2D(a, output_size=2),
                          [x], "float32")
    many = grads()
    monkeypatch.setattr(cuda_build.config, "threads", 1)
    monkeypatch.setattr(cuda_build.config, "max_blocks", 1)
    for a, b in zip(grads(), many):
        np.testing.assert_array_equal(a, b)
