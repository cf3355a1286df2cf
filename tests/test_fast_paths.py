"""The short paths of small elementwise calls (ops.elemwise.fast_table) give the regular path's
results, and fall back to it for everything they do not handle."""
import numpy as np
import pytest

import mxnb as mx
from mxnb.base import MXNetError
from mxnb.ops import OPS

nd = mx.nd


def _arr(shape, dtype=np.float32, seed=0):
    return np.random.RandomState(seed).uniform(0.5, 1.5, shape).astype(dtype)


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_short_forward_matches_numpy(shape, dtype):
    a, b = _arr(shape, dtype), _arr(shape, dtype, 1)
    x, y = nd.array(a, dtype=dtype), nd.array(b, dtype=dtype)
    for _ in range(3):  # the first calls build the kernels through invoke; later ones are short
        np.testing.assert_allclose(nd.exp(x).asnumpy(), np.exp(a), rtol=1e-6)
        np.testing.assert_array_equal((x * y).asnumpy(), a * b)
        np.testing.assert_array_equal(nd.elemwise_sub(x, y).asnumpy(), a - b)
        # The scalar is cast to the array's dtype first, as MXNet does.
        np.testing.assert_array_equal((x * 0.1).asnumpy(), a * np.dtype(dtype).type(0.1))
        np.testing.assert_array_equal((-x).asnumpy(), -a)
        r = x + 2
        assert r.shape == shape and r.dtype == dtype


def test_short_paths_record_and_differentiate():
    a = _arr((3, 4), np.float64)
    x = nd.array(a, dtype=np.float64)
    x.attach_grad()
    for _ in range(3):
        with mx.autograd.record():
            y = nd.sigmoid(x) * nd.exp(x) * 1.5 + x
        y.backward()
    s = 1 / (1 + np.exp(-a))
    ref = 1.5 * (s * (1 - s) * np.exp(a) + s * np.exp(a)) + 1
    np.testing.assert_allclose(x.grad.asnumpy(), ref, rtol=1e-12)


def test_short_paths_fall_back_for_what_they_do_not_handle():
    x = nd.array(_arr((4,)))
    with pytest.raises(MXNetError, match="elemwise_add"):
        nd.elemwise_add(x, nd.array(_arr((5,))))
    h = nd.array(_arr((4,)), dtype=np.float16)
    assert (h * 2).dtype == np.float16 and (x * nd.ones((1,))).shape == (4,)
    i = nd.array([1, 2, 3], dtype=np.int32)
    np.testing.assert_array_equal((i * 2.7).asnumpy(), [2, 4, 6])  # 2.7 cast to int32 first
    out = nd.zeros((4,))
    nd.exp(x, out=out)
    np.testing.assert_allclose(out.asnumpy(), np.exp(x.asnumpy()), rtol=1e-6)


@pytest.mark.parametrize("name,extra", [("exp", {}), ("_mul_scalar", {"scalar": 1.5}),
                                        ("_plus_scalar", {"scalar": 0.25})])
def test_fused_backward_takes_strided_gradients(name, extra):
    # The short backward calls compiled entry points that need C-contiguous buffers; a
    # broadcast (zero-stride) dy must take the regular path and give the same numbers.
    op = OPS[name]
    x = _arr((12,), np.float64)
    y = np.empty_like(x)
    op.forward(op, [x], [y], extra)
    for _ in range(3):
        for strided in (np.broadcast_to(_arr((1,), np.float64, 2), (12,)),
                        _arr((24,), np.float64, 3)[::2]):
            dense = np.ascontiguousarray(strided)
            g1 = op.backward(op, [strided], [x], [y], extra)[0]
            g2 = op.backward(op, [dense], [x], [y], extra)[0]
            np.testing.assert_array_equal(g1, g2)


def test_binary_fused_backward_takes_strided_gradients():
    op = OPS["elemwise_mul"]
    a, b = _arr((12,), np.float64), _arr((12,), np.float64, 1)
    y = a * b
    for _ in range(3):
        strided = _arr((24,), np.float64, 2)[::2]
        da, db = op.backward(op, [strided], [a, b], [y], {})
        np.testing.assert_array_equal(da, strided * b)
        np.testing.assert_array_equal(db, strided * a)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalar_short_path_rounds_python_scalars_as_the_dtype_does(dtype):
    # The short path hands Python floats (and ints up to 2**53) to the kernel as float64;
    # T(p0) must round them exactly as MXNet's cast of the scalar to the array's dtype.
    x = mx.nd.array(np.linspace(-3, 3, 64), dtype=dtype)
    t = np.dtype(dtype).type
    for s in (0.1, 1 / 3, 1e-8, 3.4e38 * 1.01, 2, 16777217, -16777219, 2**53, 2**53 + 1,
              2**60 + 12345, True):
        for op in ("__mul__", "__add__", "__truediv__", "__sub__", "__pow__"):
            got = getattr(x, op)(s).asnumpy()
            with np.errstate(all="ignore"):
                ref = getattr(x.asnumpy(), op)(t(s))
            np.testing.assert_array_equal(got, ref, err_msg=f"{op} {s!r}")
