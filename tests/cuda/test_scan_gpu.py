"""cumsum, _gather_along and _scatter_along on gpu(0) (`cuda_scan`), against the same calls on
cpu(0), bit for bit: cumsum sums each line in the CPU's order (float16 rounded at every
step), the gather moves bits, and the scatter-add sums repeated indices in increasing j,
the CPU kernel's order. Nothing goes through the host.
"""
import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim
nd = mx.nd
GPU, CPU = mx.gpu(0), mx.cpu(0)
OPS = {"cumsum", "_gather_along", "_scatter_along", "flip", "pick", "sort"}


@pytest.fixture(autouse=True)
def no_host(host_guard):
    host_guard(OPS)


def _same_bits(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    np.testing.assert_array_equal(a, b)
    assert (a.view(np.uint8) == b.view(np.uint8)).all()     # -0.0 and NaNs included


def _data(dtype, shape=(2, 3, 4)):
    # magnitudes far apart, so that any change in the order of the sums changes the bits
    rng = np.random.RandomState(3)
    x = rng.uniform(-1, 1, shape) * 10.0 ** rng.randint(-3, 4, shape)
    if np.dtype(dtype).kind != "f":
        x = rng.randint(-100, 100, shape)
    x = x.astype(dtype)
    if np.dtype(dtype).kind == "f":
        x.reshape(-1)[0] = -0.0      # the first element is copied, not added to +0.0
    return x


# ---------------------------------------------------------------- cumsum


# integer sums wrap to their width, as on the CPU (the simulator warns as it computes them)
@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "uint8"])
@pytest.mark.parametrize("kw", [{}, {"axis": 0}, {"axis": 1}, {"axis": -1},
                                {"axis": 2, "dtype": "float64"}, {"dtype": "float16"},
                                {"axis": 1, "dtype": "int8"}], ids=str)
def test_cumsum_forward(dtype, kw):
    x = _data(dtype)
    got = [nd.cumsum(nd.array(x, ctx=c, dtype=dtype), **kw) for c in (GPU, CPU)]
    assert got[0].context == GPU
    _same_bits(got[0].asnumpy(), got[1].asnumpy())


def test_cumsum_float16_rounds_every_step():
    # 2048 + 1 + 1 in float16: each sum rounds back to 2048 (one float32 sum would give 2050)
    x = nd.array([2048, 1, 1, 1], ctx=GPU, dtype="float16")
    np.testing.assert_array_equal(nd.cumsum(x).asnumpy(), [2048, 2048, 2048, 2048])


def test_cumsum_matches_a_float64_reference():
    x = _data("float64", (3, 5))
    np.testing.assert_allclose(nd.cumsum(nd.array(x, ctx=GPU, dtype="float64"), axis=1)
                               .asnumpy(), np.cumsum(x, axis=1), rtol=1e-15)


def test_cumsum_axis_error():
    with pytest.raises(mx.base.MXNetError, match="out of bounds"):
        nd.cumsum(nd.zeros((2, 3), ctx=GPU), axis=2)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("kw", [{}, {"axis": 0}, {"axis": -1}, {"axis": 1, "dtype": "float64"}],
                         ids=str)
def test_cumsum_gradient(dtype, kw):
    def grads(ctx):
        x = nd.array(_data(dtype), ctx=ctx, dtype=dtype)
        x.attach_grad()
        with mx.autograd.record():
            y = nd.cumsum(x, **kw)
        head = nd.array(_data(y.dtype, y.shape), ctx=ctx, dtype=y.dtype)
        y.backward(head)
        assert x.grad.context == ctx
        return x.grad.asnumpy()

    _same_bits(grads(GPU), grads(CPU))


def test_cumsum_second_order():
    def second(ctx):
        x = nd.array(_data("float64", (3, 4)), ctx=ctx, dtype="float64")
        x.attach_grad()
        with mx.autograd.record():
            (g,) = mx.autograd.grad(nd.sum(nd.cumsum(x, axis=1) * x), [x], create_graph=True)
            z = nd.sum(g * g)
        z.backward()
        assert g.context == ctx and x.grad.context == ctx
        return g.asnumpy(), x.grad.asnumpy()

    for a, b in zip(second(GPU), second(CPU)):
        _same_bits(a, b)


# ---------------------------------------------------------------- gather / scatter along


def _index(shape, n, dtype, seed=4):
    idx = np.random.RandomState(seed).randint(0, n, shape).astype(np.float64)
    if np.dtype(dtype).kind == "f":
        idx = idx + 0.7           # truncated toward zero, as the CPU does
    return idx.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather_and_scatter_along(dtype, axis):
    data = _data(dtype)
    ishape = list(data.shape)
    ishape[axis] = 2
    n = data.shape[axis]
    for idt in ("float32", "int64"):
        idx = _index(tuple(ishape), n, idt)
        small = _data(dtype, tuple(ishape))
        res = []
        for ctx in (GPU, CPU):
            d = nd.array(data, ctx=ctx, dtype=dtype)
            i = nd.array(idx, ctx=ctx, dtype=idt)
            s = nd.array(small, ctx=ctx, dtype=dtype)
            res.append([nd._gather_along(d, i, axis=axis).asnumpy(),
                        nd._scatter_along(s, i, axis=axis, size=n).asnumpy()])
        for a, b in zip(*res):
            _same_bits(a, b)


def test_scatter_sums_repeats_in_the_cpus_order():
    # one line, every index the same: 1e8 + 1 - 1e8 + 1 in float32 gives 1, not 2 or 0
    dy = np.array([[1e8, 1, -1e8, 1, 3, -2]], np.float32)
    idx = np.array([[1, 1, 1, 1, 0, 1]], np.int32)
    got = [nd._scatter_along(nd.array(dy, ctx=c), nd.array(idx, ctx=c, dtype="int32"), axis=1,
                             size=3).asnumpy() for c in (GPU, CPU)]
    _same_bits(*got)
    np.testing.assert_array_equal(got[0], [[3, -1, 0]])  # float32 rounding, in that order


@pytest.mark.parametrize("idt", ["float16", "uint8", "int32", "float64"])
def test_index_dtypes(idt):
    data = _data("float32", (2, 5))
    idx = np.array([[0, 4, 2], [1, 1, 3]], idt)
    got = [nd._gather_along(nd.array(data, ctx=c), nd.array(idx, ctx=c, dtype=idt), axis=1)
           .asnumpy() for c in (GPU, CPU)]
    _same_bits(*got)


def test_negative_fractions_truncate_to_zero():
    data = _data("float64", (2, 3))
    idx = np.array([[-0.5, 2.9], [0.2, -0.9]])
    got = [nd._gather_along(nd.array(data, ctx=c, dtype="float64"), nd.array(idx, ctx=c,
                                                                             dtype="float64"),
                            axis=1).asnumpy() for c in (GPU, CPU)]
    _same_bits(*got)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")  # the simulator's
@pytest.mark.parametrize("bad", [3.0, -1.0, np.nan, np.inf])
def test_out_of_range_raises_the_cpus_error(bad):
    idx = np.array([[0, bad], [1, 2]])
    msgs = []
    for ctx in (GPU, CPU):
        d = nd.zeros((2, 3), ctx=ctx)
        i = nd.array(idx, ctx=ctx, dtype="float64")
        with pytest.raises(mx.base.MXNetError) as e1:
            nd._gather_along(d, i, axis=1)
        with pytest.raises(mx.base.MXNetError) as e2:
            nd._scatter_along(nd.zeros((2, 2), ctx=ctx), i, axis=1, size=3)
        msgs.append((str(e1.value), str(e2.value)))
    assert msgs[0] == msgs[1]
    assert "index out of range [0, 3)" in msgs[0][0]


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_gather_scatter_gradients_through_autograd(dtype):
    def grads(ctx):
        data = nd.array(_data(dtype, (3, 4)), ctx=ctx, dtype=dtype)
        small = nd.array(_data(dtype, (3, 4)), ctx=ctx, dtype=dtype)
        idx = nd.array(_index((3, 4), 4, "int64"), ctx=ctx, dtype="int64")
        data.attach_grad()
        small.attach_grad()
        with mx.autograd.record():
            y = nd._gather_along(data, idx, axis=1) * 3 + nd._scatter_along(small, idx, axis=1,
                                                                           size=4)
        y.backward(nd.array(_data(dtype, (3, 4)), ctx=ctx, dtype=dtype))
        assert data.grad.context == ctx and small.grad.context == ctx
        return data.grad.asnumpy(), small.grad.asnumpy()

    for a, b in zip(grads(GPU), grads(CPU)):
        _same_bits(a, b)


@pytest.mark.parametrize("which", ["pick", "sort"])
def test_second_order_of_pick_and_sort(which):
    # NOTE: no -0.0 in x: sort's first-order device backward (cuda_sort) writes dy where
    # the CPU adds it to zeros, so a -0.0 there comes back as -0.0 on the GPU, +0.0 on the CPU
    xs = _data("float64", (3, 4))
    xs[0, 0] = 0.5

    def second(ctx):
        x = nd.array(xs, ctx=ctx, dtype="float64")
        x.attach_grad()
        with mx.autograd.record():
            if which == "pick":
                y = nd.pick(x, nd.array([3, 0, 3], ctx=ctx), axis=1)
            else:
                y = nd.sort(x, axis=0)
            (g,) = mx.autograd.grad(nd.sum(y * y * y), [x], create_graph=True)
            z = nd.sum(g * g)
        z.backward()
        assert g.context == ctx and x.grad.context == ctx
        return g.asnumpy(), x.grad.asnumpy()

    for a, b in zip(second(GPU), second(CPU)):
        _same_bits(a, b)
