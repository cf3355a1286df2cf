"""sort, argsort and topk on gpu(0): a stable merge sort per row on the device
(`cuda_sort`), with the CPU's order bit for bit: ties in index order both ways, NaNs last
ascending and first descending, -0.0 tied with 0.0, indices cast to their dtype as C does.
"""
import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim
nd = mx.nd


@pytest.fixture(autouse=True)
def no_host(host_guard):
    host_guard({"sort", "argsort", "topk"})


def _data(dtype):
    x = np.array([[3, -0.0, 1, np.nan, 0.0, 1, -2, 1],
                  [np.nan, 5, 5, -1, np.nan, 0, 2, -0.0],
                  [7, 6, 5, 4, 3, 2, 1, 0]], dtype=np.float64)
    if np.dtype(dtype).kind != "f":
        x = np.nan_to_num(x, nan=9)
    return x.astype(dtype)


def _both(fn, dtype, grad=True):
    res = []
    for ctx in (mx.gpu(0), mx.cpu(0)):
        x = nd.array(_data(dtype), ctx=ctx, dtype=dtype)
        x.attach_grad()
        with mx.autograd.record():
            y = fn(x)
        outs = y if isinstance(y, list) else [y]
        if grad:
            head = nd.array(np.arange(outs[0].size).reshape(outs[0].shape) + 1, ctx=ctx,
                            dtype=dtype)
            mx.autograd.backward([outs[0]], [head])
        got = [o.asnumpy() for o in outs] + ([x.grad.asnumpy()] if grad else [])
        assert all(o.context == ctx for o in outs)
        res.append(got)
    for a, b in zip(*res):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
        if a.dtype.kind == "f":     # -0.0 against 0.0 and NaN payloads: the same bits
            assert (a.view(np.uint8) == b.view(np.uint8)).all()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32"])
@pytest.mark.parametrize("kw", [{}, {"is_ascend": False}, {"axis": 0}, {"axis": None}],
                         ids=str)
def test_sort_and_its_gradient(dtype, kw):
    _both(lambda x: nd.sort(x, **kw), dtype, grad=np.dtype(dtype).kind == "f")


@pytest.mark.parametrize("kw", [{}, {"is_ascend": False, "dtype": "int64"},
                                {"axis": 0, "dtype": "uint8"}, {"axis": None,
                                                                "dtype": "float16"}], ids=str)
def test_argsort(kw):
    _both(lambda x: nd.argsort(x, **kw), "float32", grad=False)


@pytest.mark.parametrize("kw", [{"k": 3, "ret_typ": "value"}, {"k": 2, "ret_typ": "both"},
                                {"k": 4, "ret_typ": "indices", "is_ascend": True},
                                {"k": 2, "ret_typ": "mask", "axis": 0},
                                {"k": 0, "ret_typ": "value", "axis": None}], ids=str)
def test_topk(kw):
    grad = kw["ret_typ"] in ("value", "both")
    _both(lambda x: nd.topk(x, **kw), "float64", grad=grad)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("case", ["sort", "topk", "pick"])
def test_negative_zero_head_gradients_give_the_cpus_bits(case, dtype):
    # The CPU adds the head gradient into zeros, so -0.0 comes back +0.0; the device moves
    # the bits, then cuda_common.unsign_zeros clears the sign.
    fns = {"sort": lambda x: nd.sort(x, axis=1),
           "topk": lambda x: nd.topk(x, axis=1, k=2, ret_typ="value"),
           "pick": lambda x: nd.pick(x, nd.array([0, 2, 1], ctx=x.context), axis=1)}
    grads = []
    for ctx in (mx.gpu(0), mx.cpu(0)):
        x = nd.array(np.arange(12).reshape(3, 4) % 5, ctx=ctx, dtype=dtype)
        x.attach_grad()
        with mx.autograd.record():
            y = fns[case](x)
        head = np.where(np.arange(y.size).reshape(y.shape) % 2, -0.0, 1.5)
        y.backward(nd.array(head, ctx=ctx, dtype=dtype))
        grads.append(x.grad.asnumpy())
    gpu, cpu = grads
    assert np.signbit(cpu).sum() == 0
    np.testing.assert_array_equal(gpu.view(f"u{gpu.itemsize}"), cpu.view(f"u{cpu.itemsize}"))
