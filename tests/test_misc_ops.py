"""ops/misc.py and ndarray/contrib_misc.py against NumPy oracles and MXNet 1.9.1's numbers.

Literals marked "MXNet 1.9.1" were printed by the real MXNet (CPU build) on the same inputs.
fft, ifft and count_sketch run only on the GPU in MXNet, so they are checked against their
definitions (cuFFT's unnormalised transforms; the count-sketch sum) instead.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import assert_almost_equal, check_grads


def _grad(f, x, head=None):
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward(head)
    return x.grad.asnumpy()


def _grad_vjp(f, x, head):
    """The same gradient through the ops' VJPs (create_graph=True)."""
    x.attach_grad()
    with autograd.record():
        y = f(x)
        (g,) = autograd.grad(y, [x], head_grads=head, create_graph=True)
    return g.asnumpy()

# ---------------------------------------------------------------- slice_assign


def test_slice_assign_writes_in_place_as_mxnet():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    r = mx.nd.arange(100, 106).reshape((1, 3, 2))
    y = x.slice_assign(r, (1, None, None), (None, None, None), (None, None, 2))
    assert y is x
    ref = np.arange(24.0).reshape(2, 3, 4)
    ref[1:, :, ::2] = np.arange(100, 106).reshape(1, 3, 2)
    assert np.array_equal(x.asnumpy(), ref)
    x = mx.nd.arange(24).reshape((2, 3, 4))
    x.slice_assign(mx.nd.ones((2, 2, 2)), (None, 2, 3), (None, 0, 1), (None, -1, -1))
    # MXNet 1.9.1
    assert x.asnumpy().tolist() == [
        [[0, 1, 2, 3], [4, 5, 1, 1], [8, 9, 1, 1]], [[12, 13, 14, 15], [16, 17, 1, 1],
                                                      [20, 21, 1, 1]]]


def test_slice_assign_scalar_as_mxnet():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    assert x.slice_assign_scalar(-7.5, (0, 1), (2, 3), (1, 1)) is x
    ref = np.arange(24.0).reshape(2, 3, 4)
    ref[0:2, 1:3] = -7.5
    assert np.array_equal(x.asnumpy(), ref)
    xi = mx.nd.arange(6, dtype="int32").reshape((2, 3))
    xi.slice_assign_scalar(2.7, (0,), (1,), (None,))
    assert xi.asnumpy().tolist() == [[2, 2, 2], [3, 4, 5]]  # MXNet 1.9.1: cast truncates
    f16 = mx.nd._slice_assign_scalar(mx.nd.ones((2, 3), dtype="float16"), scalar=0.1,
                                     begin=(0,), end=(1,), step=())
    assert f16.asnumpy().tolist() == [[0.0999755859375] * 3, [1.0] * 3]  # MXNet 1.9.1
    # Python slice rules on out-of-range and negative bounds (MXNet 1.9.1's results)
    ones = mx.nd.ones((2, 3))
    cases = [(((-1, -2), (None, None), ()), [[1, 1, 1], [1, 2, 2]]),
             (((None, None), (None, -5), (None, -1)), [[2, 2, 2], [2, 2, 2]]),
             (((None, 10), (None, -10), (None, -2)), [[2, 1, 2], [2, 1, 2]])]
    for (b, e, s), want in cases:
        got = mx.nd._slice_assign_scalar(ones, scalar=2, begin=b, end=e, step=s)
        assert got.asnumpy().tolist() == want
    assert ones.asnumpy().tolist() == [[1, 1, 1], [1, 1, 1]]  # the op form copies


def test_slice_assign_errors_as_mxnet():
    a = mx.nd.ones((2, 3))
    with pytest.raises(MXNetError, match=r"Shape inconsistent, Provided = \[1,3\], inferred "
                                         r"shape=\[2,3\]"):
        mx.nd._slice_assign(a, mx.nd.ones((1, 3)), begin=(0,), end=(2,), step=())
    with pytest.raises(MXNetError, match="expected float32, got float64"):
        mx.nd._slice_assign(a, mx.nd.ones((2, 3), dtype="float64"), begin=(0,), end=(2,),
                            step=())
    with pytest.raises(MXNetError, match="Slicing axis exceeds data dimensions"):
        mx.nd._slice_assign(a, a, begin=(0, 0, 0), end=(2, 1, 1), step=())
    with pytest.raises(MXNetError, match=r"step\[1\] cannot be 0"):
        a.slice_assign_scalar(1, (0, 0), (2, 3), (1, 0))
    assert a.asnumpy().tolist() == [[1, 1, 1], [1, 1, 1]]


def test_slice_assign_has_no_gradient_as_mxnet():
    a = mx.nd.ones((2, 3))
    a.attach_grad()
    with autograd.record():
        c = mx.nd._slice_assign(a, mx.nd.zeros((1, 2)), begin=(1, 0), end=(2, 2), step=())
    assert c.asnumpy().tolist() == [[1, 1, 1], [0, 0, 1]]
    with pytest.raises(MXNetError, match="_slice_assign is non-differentiable"):
        c.backward()

# ---------------------------------------------------------------- round_ste / sign_ste


def test_round_and_sign_ste():
    x = mx.nd.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49])
    # MXNet 1.9.1: halves round away from zero
    assert mx.nd.contrib.round_ste(x).asnumpy().tolist() == [-3, -2, -1, 1, 2, 3, 0]
    assert mx.nd.contrib.sign_ste(mx.nd.array([-2.5, 0, 0.5])).asnumpy().tolist() == [-1, 0, 1]
    head = mx.nd.array([1, 2, 3])
    for f in (mx.nd.contrib.round_ste, mx.nd.contrib.sign_ste):
        x = mx.nd.array([-2.5, 0, 0.5], dtype="float64")
        assert _grad(f, x, head).tolist() == [1, 2, 3]  # MXNet 1.9.1: head gradient passes
        assert _grad_vjp(f, x, head).tolist() == [1, 2, 3]
    xi = mx.nd.array([-2, 0, 3], dtype="int32")
    assert mx.nd.contrib.round_ste(xi).asnumpy().tolist() == [-2, 0, 3]

# ---------------------------------------------------------------- fft / ifft


def _fft_oracle(x):
    z = np.fft.fft(x.astype(np.float64), axis=-1)
    out = np.empty(x.shape[:-1] + (2 * x.shape[-1],))
    out[..., 0::2], out[..., 1::2] = z.real, z.imag
    return out


@pytest.mark.parametrize("shape", [(3, 5), (2, 1, 2, 4)])
def test_fft_ifft_forward(shape):
    rng = np.random.RandomState(0)
    x = rng.randn(*shape).astype(np.float32)
    y = mx.nd.contrib.fft(mx.nd.array(x))
    assert y.shape == shape[:-1] + (2 * shape[-1],) and y.dtype == np.float32
    assert_almost_equal(y, _fft_oracle(x), rtol=1e-5, atol=1e-5)
    # MXNet's ifft is unnormalised (no 1/d) and keeps the real part: ifft(fft(x)) = d * x
    assert_almost_equal(mx.nd.contrib.ifft(y), shape[-1] * x, rtol=1e-5, atol=1e-5)
    c = rng.randn(*shape[:-1], 2 * shape[-1])
    z = c[..., 0::2] + 1j * c[..., 1::2]
    got = mx.nd.contrib.ifft(mx.nd.array(c, dtype="float64"))
    assert_almost_equal(got, np.fft.ifft(z, axis=-1).real * shape[-1], rtol=1e-12, atol=1e-12)


def test_fft_gradients():
    rng = np.random.RandomState(1)
    x = mx.nd.array(rng.randn(2, 3), dtype="float64")
    check_grads(lambda a: mx.nd.contrib.fft(a), [x], order=2)
    c = mx.nd.array(rng.randn(2, 6), dtype="float64")
    check_grads(lambda a: mx.nd.contrib.ifft(a), [c], order=2)
    head = mx.nd.array(rng.randn(2, 6), dtype="float64")
    assert_almost_equal(_grad(mx.nd.contrib.fft, x, head),
                        _grad_vjp(mx.nd.contrib.fft, x, head), rtol=1e-12, atol=1e-12)


def test_fft_errors():
    with pytest.raises(MXNetError, match="2-D"):
        mx.nd.contrib.fft(mx.nd.ones((2, 3, 4)))
    with pytest.raises(MXNetError, match="even"):
        mx.nd.contrib.ifft(mx.nd.ones((2, 3)))

# ---------------------------------------------------------------- count_sketch


def test_count_sketch_matches_mxnet_doc_example():
    x = mx.nd.array([[1.2, 2.5, 3.4], [3.2, 5.7, 6.6]])
    out = mx.nd.contrib.count_sketch(x, mx.nd.array([[0, 3, 4]]), mx.nd.array([[1, -1, 1]]),
                                     out_dim=5)
    assert_almost_equal(out, np.array([[1.2, 0, 0, -2.5, 3.4], [3.2, 0, 0, -5.7, 6.6]]),
                        rtol=1e-6, atol=0)


def test_count_sketch_collisions_and_gradient():
    rng = np.random.RandomState(2)
    x = rng.randn(2, 1, 3, 6)
    h = np.array([[0, 2, 2, 1, 0, 2]], dtype=np.float64)
    s = np.array([[1, -1, 1, 1, -1, -1]], dtype=np.float64)
    ref = np.zeros((2, 1, 3, 3))
    for i in range(6):
        ref[..., int(h[0, i])] += x[..., i] * s[0, i]
    args = [mx.nd.array(a, dtype="float64") for a in (x, h, s)]
    assert_almost_equal(mx.nd.contrib.count_sketch(*args, out_dim=3), ref, rtol=1e-12, atol=0)
    check_grads(lambda a: mx.nd.contrib.count_sketch(a, args[1], args[2], out_dim=3),
                [args[0]], order=2)
    with pytest.raises(MXNetError, match="same length"):
        mx.nd.contrib.count_sketch(mx.nd.ones((2, 3)), mx.nd.ones((1, 2)), mx.nd.ones((1, 2)),
                                   out_dim=3)
    with pytest.raises(MXNetError, match="out_dim"):
        mx.nd.contrib.count_sketch(mx.nd.ones((1, 2)), mx.nd.array([[0, 7]]),
                                   mx.nd.ones((1, 2)), out_dim=3)

# ---------------------------------------------------------------- rand_zipfian


def test_rand_zipfian_draws_mxnets_stream():
    mx.random.seed(7)
    s, ct, cs = mx.nd.contrib.rand_zipfian(mx.nd.array([3, 0, 7]), 6, 10)
    # MXNet 1.9.1, mx.random.seed(7)
    assert s.dtype == np.int64 and s.asnumpy().tolist() == [8, 9, 1, 0, 3, 8]
    assert ct.dtype == np.float64
    assert ct.asnumpy().tolist() == [0.5583485330127835, 1.7343889579073268, 0.2947160461739332]
    assert cs.asnumpy().tolist() == [0.26363248683885043, 0.2384845932652352, 1.01455250204063,
                                     1.7343889579073268, 0.5583485330127835, 0.26363248683885043]

# ---------------------------------------------------------------- SVMOutput

_SVM_X = [[0.5, -0.3, 1.7, -2.0], [-0.9, 0.2, 0.05, 1.2], [1.1, -1.5, 0.3, 0.0]]
_SVM_CASES = [  # MXNet 1.9.1, head gradient 3 (ignored)
    ({}, [[3.0, 1.399999976158142, -0.0, -0.0],
          [-3.799999952316284, 2.4000000953674316, 2.0999999046325684, 4.400000095367432],
          [4.199999809265137, -0.0, 2.5999999046325684, -2.0]]),
    ({"use_linear": True}, [[1.0, 1.0, -0.0, 0.0], [-1.0, 1.0, 1.0, 1.0],
                            [1.0, 0.0, 1.0, -1.0]]),
    ({"margin": 0.5, "regularization_coefficient": 2.0},
     [[4.0, 0.7999999523162842, -0.0, -0.0],
      [-5.599999904632568, 2.799999952316284, 2.200000047683716, 6.800000190734863],
      [6.400000095367432, -0.0, 3.200000047683716, -2.0]]),
    ({"margin": 0.5, "regularization_coefficient": 2.0, "use_linear": 1},
     [[2.0, 2.0, -0.0, 0.0], [-2.0, 2.0, 2.0, 2.0], [2.0, 0.0, 2.0, -2.0]])]


@pytest.mark.parametrize("kw,want", _SVM_CASES)
def test_svm_output_gradient_as_mxnet(kw, want):
    x = mx.nd.array(_SVM_X)
    lab = mx.nd.array([2, 0, 3])
    y = mx.nd.SVMOutput(x, lab, **kw)
    assert np.array_equal(y.asnumpy(), x.asnumpy())
    g = _grad(lambda a: mx.nd.SVMOutput(a, lab, **kw), x, mx.nd.ones((3, 4)) * 3)
    assert g.tolist() == want
    assert np.array_equal(np.signbit(g), np.signbit(np.array(want, np.float32)))
    x64 = mx.nd.array(_SVM_X, dtype="float64")
    lab64 = lab.astype("float64")
    head = mx.nd.ones((3, 4), dtype="float64")
    assert_almost_equal(_grad_vjp(lambda a: mx.nd.SVMOutput(a, lab64, **kw), x64, head),
                        np.array(want), rtol=1e-6, atol=1e-7)


def test_svm_output_shapes_labels_dtypes():
    x3 = mx.nd.array(np.arange(24).reshape(2, 3, 4) / 10 - 1.0)
    g = _grad(lambda a: mx.nd.SVMOutput(a, mx.nd.array([[1, 2, 0], [0, 3, 2]])), x3)
    # MXNet 1.9.1: rows are all axes but the last
    assert g.tolist() == [
        [[-0.0, -3.799999952316284, 0.3999999761581421, 0.6000000238418579],
         [0.7999999523162842, 1.0, -2.799999952316284, 1.399999976158142],
         [-2.4000000953674316, 1.7999999523162842, 2.0, 2.200000047683716]],
        [[-1.600000023841858, 2.5999999046325684, 2.799999952316284, 3.0],
         [3.200000047683716, 3.4000000953674316, 3.5999999046325684, -0.20000004768371582],
         [4.0, 4.199999809265137, -0.0, 4.599999904632568]]]
    x = mx.nd.array(_SVM_X)
    g = _grad(lambda a: mx.nd.SVMOutput(a, mx.nd.array([5, -1, 3.7])), x)
    assert g.tolist() == [  # MXNet 1.9.1: labels outside match no class; 3.7 is class 3
        [3.0, 1.399999976158142, 5.400000095367432, -0.0],
        [0.20000004768371582, 2.4000000953674316, 2.0999999046325684, 4.400000095367432],
        [4.199999809265137, -0.0, 2.5999999046325684, -2.0]]
    x16 = mx.nd.array([[0.5, -0.3], [1, 2]], dtype="float16")
    g = _grad(lambda a: mx.nd.SVMOutput(a, mx.nd.array([1, 0], dtype="float16")), x16)
    assert g.dtype == np.float16 and g.tolist() == [[3.0, -2.599609375], [-0.0, 6.0]]
    with pytest.raises(MXNetError, match=r"Shape inconsistent, Provided = \[2\], inferred "
                                         r"shape=\[3\]"):
        mx.nd.SVMOutput(x, mx.nd.array([2, 0]))
    with pytest.raises(MXNetError, match="Expected 'float64' v.s. given 'float32' at 'label'"):
        mx.nd.SVMOutput(x.astype("float64"), mx.nd.array([2, 0, 1]))
    with pytest.raises(MXNetError, match="only support floating point types, not int32"):
        mx.nd.SVMOutput(mx.nd.ones((2, 3), dtype="int32"), mx.nd.ones((2,), dtype="int32"))

# ---------------------------------------------------------------- IdentityAttachKLSparseReg

_KL_CASES = [  # MXNet 1.9.1 (through the op's C API: mx.nd cannot pass the aux state)
    ([[0.2, 0.7, 0.1], [0.5, 0.9, 0.3]], [0.1, 0.5, 0.3], {},
     [2.0002286434173584, 2.0017261505126953, 2.000922679901123],
     [0.125, 0.5299999713897705, 0.2900000214576721]),
    ([[0.2, 0.7, 0.1], [0.5, 0.9, 0.3]], [0.1, 0.5, 0.3],
     dict(sparseness_target=0.3, penalty=0.5, momentum=0.5),
     [1.7849462032318115, 2.769230842590332, 1.8666666746139526],
     [0.22499999403953552, 0.6499999761581421, 0.25]),
    ([[[0.2, 0.7], [0.1, 0.4]], [[0.5, 0.9], [0.3, 0.8]]], [0.2, 0.6], dict(penalty=0.5),
     [2.326859474182129, 3.0718789100646973], [0.20749999582767487, 0.6100000143051147])]


@pytest.mark.parametrize("data,ma0,kw,grad_row,ma1", _KL_CASES)
@pytest.mark.parametrize("graph", [False, True])
def test_kl_sparse_reg_as_mxnet(data, ma0, kw, grad_row, ma1, graph):
    x = mx.nd.array(data)
    ma = mx.nd.array(ma0)
    head = mx.nd.ones(x.shape) * 2
    f = lambda a: mx.nd.IdentityAttachKLSparseReg(a, ma, **kw)  # noqa: E731
    assert np.array_equal(f(x).asnumpy(), x.asnumpy())
    assert ma.asnumpy().tolist() == np.float32(ma0).tolist()  # forward leaves it alone
    g = _grad_vjp(f, x, head) if graph else _grad(f, x, head)
    want = np.broadcast_to(np.array(grad_row, np.float32), x.shape)
    assert_almost_equal(g, want, rtol=1e-6, atol=0)
    assert_almost_equal(ma, np.array(ma1, np.float32), rtol=1e-7, atol=0)
    if not graph:
        assert np.array_equal(g, want)


def test_kl_sparse_reg_needs_its_aux_state():
    with pytest.raises(MXNetError, match="expects 2 inputs, but got 1"):
        mx.nd.IdentityAttachKLSparseReg(mx.nd.ones((2, 3)))

# ---------------------------------------------------------------- the _v1 layers


def test_pooling_v1_divides_by_the_kernel_area():
    x = mx.nd.array(np.arange(2 * 1 * 5 * 5).reshape(2, 1, 5, 5) * 1.0)
    y = mx.nd.Pooling_v1(x, kernel=(2, 2), pool_type="avg", stride=(2, 2),
                         pooling_convention="full")
    # MXNet 1.9.1 (Pooling gives 6.5, 16.5, ... at the clipped windows)
    assert y[0, 0].asnumpy().tolist() == [[3, 5, 3.25], [13, 15, 8.25], [10.25, 11.25, 6]]
    g = _grad(lambda a: mx.nd.Pooling_v1(a, kernel=(3, 3), pool_type="avg", stride=(2, 2),
                                         pad=(1, 1), pooling_convention="full"), x)
    r = [0.1111111119389534, 0.2222222238779068, 0.4444444477558136]  # MXNet 1.9.1
    a, b = [r[0], r[1], r[0], r[1], r[0]], [r[1], r[2], r[1], r[2], r[1]]
    assert g[0, 0].tolist() == [a, b, a, b, a]
    for pt in ("max", "sum"):
        kw = dict(kernel=(2, 2), pool_type=pt, stride=(2, 2), pooling_convention="full")
        assert np.array_equal(mx.nd.Pooling_v1(x, **kw).asnumpy(),
                              mx.nd.Pooling(x, **kw).asnumpy())


def test_batchnorm_and_convolution_v1_are_the_new_layers():
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.uniform(-1, 1, (2, 3, 5, 5)))
    w = mx.nd.array(rng.uniform(-1, 1, (4, 3, 3, 3)))
    kw = dict(kernel=(3, 3), num_filter=4, pad=(1, 1), stride=(2, 2), no_bias=True)
    assert np.array_equal(mx.nd.Convolution_v1(x, w, **kw).asnumpy(),
                          mx.nd.Convolution(x, w, **kw).asnumpy())
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 3, 4, 4)))
    g, b = mx.nd.array([1, 2, 3.0]), mx.nd.array([0.1, 0, -0.1])
    stats = [[mx.nd.array([0.1, 0.2, 0.3]), mx.nd.array([1, 2, 3.0])] for _ in range(2)]
    x.attach_grad()
    with autograd.record():
        y1 = mx.nd.BatchNorm_v1(x, g, b, *stats[0], fix_gamma=False)
        y2 = mx.nd.BatchNorm(x, g, b, *stats[1], fix_gamma=False)
    assert np.array_equal(y1.asnumpy(), y2.asnumpy())
    y1.backward()
    g1 = x.grad.copy()
    y2.backward()
    assert np.array_equal(g1.asnumpy(), x.grad.asnumpy())
    assert np.array_equal(stats[0][1].asnumpy(), stats[1][1].asnumpy())
    # MXNet 1.9.1's BatchNorm_v1 updates the moving variance to these (as BatchNorm does)
    assert_almost_equal(stats[0][1], np.array([0.9287322, 1.8418016, 2.7255342]), rtol=1e-6)

# ---------------------------------------------------------------- amp_multicast


def test_amp_multicast_dtypes_as_mxnet():
    f16, f32 = mx.nd.ones(2, dtype="float16"), mx.nd.ones(2)
    f64, i32 = mx.nd.ones(2, dtype="float64"), mx.nd.ones(2, dtype="int32")
    cases = [((f16, f32), {}, ["float32", "float32"]),
             ((f16, f32), {"cast_narrow": True}, ["float16", "float16"]),
             ((f16, f64), {}, ["float16", "float64"]), ((f32, f64), {}, ["float32", "float64"]),
             ((f16, i32), {}, ["float16", "int32"]),
             ((f16, f32, f64), {}, ["float32", "float32", "float64"])]  # MXNet 1.9.1
    for args, kw, want in cases:
        got = mx.nd.amp_multicast(*args, num_outputs=len(args), **kw)
        assert [np.dtype(o.dtype).name for o in got] == want
    assert mx.nd.amp_multicast(i32, num_outputs=1).dtype == np.int32
    # MXNet 1.9.1 (MXNET_MKLDNN_ENABLED=0; its oneDNN build refuses float16 and float64
    # here): without cast_narrow the target starts as the FIRST input's dtype.
    f64_first = [(("float64", "float16"), False, ["float64", "float64"]),
                 (("float64", "float16"), True, ["float64", "float16"]),
                 (("float64", "float16", "float32"), False, ["float64", "float32", "float32"]),
                 (("float64", "float16", "float32"), True, ["float64", "float16", "float16"]),
                 (("int32", "float16"), False, ["int32", "int32"]),
                 (("int32", "float16"), True, ["int32", "float16"]),
                 (("float64", "float32"), True, ["float64", "float32"]),
                 (("uint8", "float32", "float16"), False, ["uint8", "float32", "float32"]),
                 (("uint8", "float32", "float16"), True, ["uint8", "float16", "float16"])]
    for names, narrow, want in f64_first:
        got = mx.nd.amp_multicast(*[mx.nd.ones(2, dtype=n) for n in names],
                                  num_outputs=len(names), cast_narrow=narrow)
        assert [np.dtype(o.dtype).name for o in got] == want, (names, narrow)
    assert mx.nd.amp_multicast(f64, f16, num_outputs=2)[1].asnumpy().tolist() == [1.0, 1.0]
    with pytest.raises(MXNetError, match="expects 3 inputs, but got 2"):
        mx.nd.amp_multicast(f16, f32, num_outputs=3)
    a, b = mx.nd.array([1.5, 2], dtype="float16"), mx.nd.array([3.0, 4])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        r = mx.nd.amp_multicast(a, b, num_outputs=2)
        s = (r[0] * 2 + r[1] * 3).sum()
    s.backward()
    assert a.grad.dtype == np.float16 and a.grad.asnumpy().tolist() == [2, 2]
    assert b.grad.asnumpy().tolist() == [3, 3]

# ---------------------------------------------------------------- index_copy's gradient


def test_index_copy_gradient_as_mxnet():
    old = mx.nd.arange(12).reshape((4, 3))
    new = mx.nd.arange(100, 106).reshape((2, 3))
    idx = mx.nd.array([2, 0], dtype="int64")
    old.attach_grad()
    new.attach_grad()
    with autograd.record():
        z = mx.nd.contrib.index_copy(old, idx, new) * mx.nd.arange(12).reshape((4, 3))
    z.backward()
    # MXNet 1.9.1: the copied rows get no gradient in old_tensor, new_tensor gets their rows
    assert old.grad.asnumpy().tolist() == [[0, 0, 0], [3, 4, 5], [0, 0, 0], [9, 10, 11]]
    assert new.grad.asnumpy().tolist() == [[6, 7, 8], [0, 1, 2]]
