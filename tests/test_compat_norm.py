"""norm(ord=2) runs MXNet's scaled recurrence (mshadow_op::nrm2): MXNet 1.9.1's bits, pinned.

The exact root of a float64 sum of squares is an ulp away from MXNet for some slices
(19.032866 against MXNet's 19.032867 below); these literals come from MXNet 1.9.1.
"""
import numpy as np
import pytest

import mxnb as mx

X = np.array([[[1., -2, 3, 0.5], [4, 5, -6, 2], [0, 1, 2, 3]],
              [[7, 8, -9, 1], [1, 1, 1, 1], [2, -3, 4, 5]]])

F32 = {
    (): [1100497744],
    (0,): [1088570928, 1090777211, 1092078097, 1066343357, 1082388603, 1084435243,
           1086498301, 1074731965, 1073741824, 1078616770, 1083120573, 1085970216],
    (0, 2): [1097298583, 1091797824, 1090777211],
    (-1,): [1081186367, 1091567616, 1081046864, 1096772999, 1073741824, 1089152682],
}
F64 = {
    (): ["0x1.30869ed317c78p+4"],
    (0,): ["0x1.c48c6001f0ac0p+2", "0x1.07e0f66afed07p+3", "0x1.2f9422c23c47ep+3",
           "0x1.1e3779b97f4a8p+0", "0x1.07e0f66afed07p+2", "0x1.465655f122ff7p+2",
           "0x1.854bfb363dc38p+2", "0x1.1e3779b97f4a8p+1", "0x1.0000000000000p+1",
           "0x1.94c583ada5b53p+1", "0x1.1e3779b97f4a8p+2", "0x1.752e50db3a3a1p+2"],
    (0, 2): ["0x1.cee52e38987dfp+3", "0x1.2706821902e9ap+3", "0x1.07e0f66afed06p+3"],
    # sqrt(16 + 25 + 36 + 4) is 9, and MXNet's recurrence gives 9.000000000000002
    (-1,): ["0x1.e3307cc56cf5cp+1", "0x1.2000000000001p+3", "0x1.deeea11683f48p+1",
            "0x1.bedb0defaf662p+3", "0x1.0000000000000p+1", "0x1.d64d51e0db1c6p+2"],
}


def _norm(dtype, axis):
    a = mx.nd.array(X, dtype=dtype)
    return (mx.nd.norm(a) if axis == () else mx.nd.norm(a, axis=axis)).asnumpy().ravel()


@pytest.mark.parametrize("axis", list(F32))
def test_float32_norm_is_mxnets_bits(axis):
    assert _norm("float32", axis).view(np.uint32).tolist() == F32[axis]


@pytest.mark.parametrize("axis", list(F64))
def test_float64_norm_is_mxnets_bits(axis):
    assert [float(v).hex() for v in _norm("float64", axis)] == F64[axis]


def test_printed_as_mxnet_prints_it():
    assert str(mx.nd.norm(mx.nd.array(X))) == "\n[19.032867]\n<NDArray 1 @cpu(0)>"


def test_close_to_the_exact_root_and_safe_from_overflow():
    rng = np.random.RandomState(0)
    for dt, rtol in (("float32", 3e-6), ("float64", 1e-14)):
        for scale in (1e-30, 1.0, 1e30):
            x = rng.randn(7, 40) * scale
            got = mx.nd.norm(mx.nd.array(x, dtype=dt), axis=1).asnumpy()
            want = np.linalg.norm(x.astype(dt).astype(np.float64), axis=1)
            np.testing.assert_allclose(got, want, rtol=rtol)
    # squares of 1e200 overflow float64; the scaled recurrence does not
    big = mx.nd.norm(mx.nd.array([1e200, 1e200], dtype="float64")).asnumpy()[0]
    assert big == pytest.approx(np.sqrt(2) * 1e200, rel=1e-15)


def test_infinities_and_nans():
    inf, nan = np.inf, np.nan
    assert mx.nd.norm(mx.nd.array([inf, 1.0])).asnumpy()[0] == inf        # as MXNet
    assert np.isnan(mx.nd.norm(mx.nd.array([inf, 1.0, nan])).asnumpy()[0])  # as MXNet
    # [FIX] MXNet's recurrence makes inf / inf = NaN of two infinities; the norm is inf
    assert mx.nd.norm(mx.nd.array([inf, -inf])).asnumpy()[0] == inf


def test_gradient_unchanged():
    x = mx.nd.array(X)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.norm(x, axis=1)
    y.backward()
    want = X / np.linalg.norm(X, axis=1, keepdims=True)
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-6)
