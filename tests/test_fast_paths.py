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


# (Python scalar, the double MXNet 1.9.1 computes x * scalar with), pinned from MXNet: its
# frontend passes str(scalar) and dmlc::stod parses it digit by digit, an ulp off here.
MXNET_DOUBLE_SCALARS = [
    ("-0x1.d5109e211a640p-2", "-0x1.d5109e211a641p-2"),
    ("0x1.e03e9779ce330p-1", "0x1.e03e9779ce32fp-1"),
    ("-0x1.61448b78e1e7dp+0", "-0x1.61448b78e1e7ep+0"),
    ("0x1.d342e0fb43500p-1", "0x1.d342e0fb434ffp-1")]
# (Python float, the float32 MXNet's clip uses as its bound): dmlc::stof of str(v).
MXNET_FLOAT_ATTRS = [
    ("0x1.4a87e6e219598p+0", "0x1.4a87e80000000p+0"),
    ("0x1.6417ceda2ccd0p+1", "0x1.6417d00000000p+1"),
    ("0x1.1cfc0ef7ef233p+1", "0x1.1cfc100000000p+1"),
    ("0x1.bf2a514611963p+0", "0x1.bf2a500000000p+0")]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalars_reach_kernels_as_mxnet_parses_them(dtype):
    # Every path (short forward, general forward, fused backward runs, create_graph VJPs)
    # must use MXNet's parse of str(v): `double` scalars through stod, `float` attributes
    # (clip's bounds) through stof, then the cast to the array's dtype.
    x = mx.nd.array(np.linspace(-3, 3, 64), dtype=dtype)
    t = np.dtype(dtype).type
    for v, m in MXNET_DOUBLE_SCALARS:
        v, m = float.fromhex(v), float.fromhex(m)
        np.testing.assert_array_equal((x * v).asnumpy(), x.asnumpy() * t(m))
        np.testing.assert_array_equal(mx.nd._mul_scalar(x, scalar=v).asnumpy(),
                                      x.asnumpy() * t(m))
        xg = x.copy()
        xg.attach_grad()
        with mx.autograd.record():
            y = (xg * v) * 1.0          # a backward run of two scalar nodes
        y.backward()
        np.testing.assert_array_equal(xg.grad.asnumpy(), np.full(64, t(m)))
        with mx.autograd.record():
            (g,) = mx.autograd.grad(xg * v, [xg], create_graph=True)
        np.testing.assert_array_equal(g.asnumpy(), np.full(64, t(m)))
    for v, m in MXNET_FLOAT_ATTRS:
        v, m = float.fromhex(v), float.fromhex(m)
        got = mx.nd.clip(x, -v, v).asnumpy()
        np.testing.assert_array_equal(got, np.clip(x.asnumpy(), t(-m), t(m)))
    # ints and short decimals parse exactly: the dtype's own rounding
    for s in (2, 16777217, -16777219, 2**53, 0.1, 1.5, 1e-8, True):
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal((x * s).asnumpy(), x.asnumpy() * t(s), err_msg=repr(s))
