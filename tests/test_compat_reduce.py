"""sum, mean and norm(ord=2) run MXNet's own serial recurrences: MXNet 1.9.1's bits, pinned.

sum/mean are Kahan's compensated sum in the data's precision, in order; norm is
mshadow_op::nrm2's scaled recurrence. A float64 or pairwise sum, or the exact root of a
float64 sum of squares, is an ulp away from MXNet for many slices (19.032866 against
MXNet's 19.032867 below). The literals come from MXNet 1.9.1.
"""
import math

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


# ---------------------------------------------------------------- sum and mean

Y = (np.arange(60, dtype=np.float64).reshape(3, 4, 5) * 0.37 - 7.1) ** 3 / 9.0
SUMS = {
    ("float32", "sum", ()): [1163587310],
    ("float32", "sum", (0, 2)): [1128342042, 1141828928, 1149445661, 1154686170],
    ("float32", "mean", ()): [1114212196],
    ("float32", "mean", (0, 2)): [1095631422, 1108898953, 1116464227, 1122054103],
    ("float64", "sum", ()): ["0x1.b5dddb22d0e56p+11"],
    ("float64", "sum", (0, 2)): ["0x1.824432ca57a7bp+7", "0x1.1dda7fcb923a2p+9",
                                 "0x1.064c3afb7e910p+10", "0x1.a639b50b0f27cp+10"],
    ("float64", "mean", ()): ["0x1.d30ec79c9a8e4p+5"],
    ("float64", "mean", (0, 2)): ["0x1.9c047a716e90cp+3", "0x1.30e910d924824p+5",
                                  "0x1.17c8c772a9233p+6", "0x1.c25fb00bcbe62p+6"],
}


@pytest.mark.parametrize("key", list(SUMS), ids=lambda k: "-".join(map(str, k)))
def test_sum_and_mean_are_mxnets_bits(key):
    dtype, op, axis = key
    a = mx.nd.array(Y, dtype=dtype)
    r = (getattr(mx.nd, op)(a) if axis == () else getattr(mx.nd, op)(a, axis=axis))
    r = r.asnumpy().ravel()
    got = r.view(np.uint32).tolist() if dtype == "float32" else [float(v).hex() for v in r]
    assert got == SUMS[key]


def test_compensated_sums_are_accurate_and_keep_the_documented_fixes():
    rng = np.random.RandomState(1)
    x = (rng.standard_normal((30, 500)) * np.exp(rng.uniform(-5, 5, (30, 500)))).astype(np.float32)
    got = mx.nd.sum(mx.nd.array(x), axis=1).asnumpy()
    exact = np.array([math.fsum(r) for r in x.astype(np.float64)])
    # compensated summation's bound: half an ulp of the result plus 2 eps times the sum of |x|
    bound = np.spacing(np.abs(exact).astype(np.float32)) / 2 + \
        2 * np.finfo(np.float32).eps * np.abs(x.astype(np.float64)).sum(axis=1)
    assert np.all(np.abs(got - exact) <= bound)
    # float32 intermediates that overflow: the sum is taken in float64 instead (MXNet: inf)
    assert mx.nd.sum(mx.nd.array([3e38, 3e38, -3e38])).asnumpy()[0] == np.float32(3e38)
    # infinities and NaNs as MXNet 1.9.1 gives them
    assert mx.nd.sum(mx.nd.array([np.inf, 1, 2])).asnumpy()[0] == np.inf
    assert np.isnan(mx.nd.sum(mx.nd.array([1, np.inf, 2, -np.inf])).asnumpy()[0])
    assert np.isnan(mx.nd.mean(mx.nd.array([np.nan, 1])).asnumpy()[0])
    # the same along an axis (MXNet 1.9.1: [inf, 3.], then [nan, 3.])
    inf = np.inf
    assert mx.nd.sum(mx.nd.array([[inf, 1], [1, 2]]), axis=0).asnumpy().tolist() == [inf, 3.0]
    r = mx.nd.sum(mx.nd.array([[inf, 1], [-inf, 2]]), axis=0).asnumpy()
    assert np.isnan(r[0]) and r[1] == 3.0


# ---------------------------------------------------------------- moments
# MXNet's moments reduces with safe accumulation (float64 Kahan sums for float32 data, float32
# for float16), casts to the data's type and divides there; the variance sums the squared
# differences, each rounded to the data's type. Literals: MXNet 1.9.1.

def _moments_x():
    a = mx.nd.arange(24).reshape((2, 3, 2, 2))
    return (a * 0.37 - 2.1) ** 2 * 0.1 - a * 0.05


@pytest.mark.parametrize("axes,mean,var", [
    ((1, 2), [-0.08403334021568298, -0.1388433277606964, 1.0653268098831177, 1.3390768766403198],
     [0.07340122014284134, 0.03838494047522545, 0.8076891899108887, 0.9825788140296936]),
    ((0, 2, 3), [0.18051506578922272, 0.39935505390167236, 1.0562751293182373],
     [0.03392242640256882, 0.4803144633769989, 1.8203067779541016])])
def test_moments_float32_is_mxnets_bits(axes, mean, var):
    m, v = mx.nd.moments(_moments_x(), axes=axes)
    # (the mean of the axes (1, 2) was -0.13884331 from float32 sums; MXNet: -0.13884333)
    assert m.asnumpy().ravel().tolist() == mean
    assert v.asnumpy().ravel().tolist() == var


@pytest.mark.parametrize("dtype,mean,var", [
    ("float64", [0.6908118598614017, 0.7459832223371161, 0.700644875376595,
                 -0.17720096471732394, -0.5427584960105123, 1.0482589811941132,
                 0.6737666102749008],
     [7.380746358088333, 9.226648158181568, 7.746507471980032, 12.182352900314285,
      7.377042415914515, 10.46994682011115, 14.480412744719928]),
    ("float16", [0.69091796875, 0.74609375, 0.70068359375, -0.17724609375, -0.54296875,
                 1.0478515625, 0.673828125],
     [7.3828125, 9.21875, 7.75, 12.1875, 7.375, 10.46875, 14.484375])])
def test_moments_float64_and_float16_are_mxnets_bits(dtype, mean, var):
    a = np.random.RandomState(3).standard_normal((7, 9)) * 3 + 1
    m, v = mx.nd.moments(mx.nd.array(a, dtype=dtype), axes=(1,))
    assert m.dtype == np.dtype(dtype) and v.dtype == np.dtype(dtype)
    assert m.asnumpy().ravel().tolist() == mean
    assert v.asnumpy().ravel().tolist() == var


def test_moments_keep_their_gradient_and_recording():
    x = mx.nd.array(np.random.RandomState(4).standard_normal((3, 4)))
    x.attach_grad()
    with mx.autograd.record():
        m, v = mx.nd.moments(x, axes=(1,), keepdims=True)
        y = (m * 2 + v).sum()
    y.backward()
    a = x.asnumpy().astype(np.float64)
    want = 2 / 4 + 2 * (a - a.mean(1, keepdims=True)) / 4
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-6)
    assert m.shape == (3, 1) and v.shape == (3, 1)


def test_moments_of_infinities_fix():
    # FIX: MXNet's safe-accumulation sum has no infinity reset, so any infinity makes its mean
    # NaN (moments([inf, 1, 2]) is [nan], [nan] in MXNet 1.9.1, and a float16 variance whose
    # squares overflow is NaN too); here the mean is inf and an overflowing variance inf.
    m, v = mx.nd.moments(mx.nd.array([np.inf, 1, 2]), axes=(0,))
    assert m.asnumpy().tolist() == [np.inf] and np.isnan(v.asnumpy()).all()
    m, v = mx.nd.moments(mx.nd.array([300, -300, 1], dtype="float16"), axes=(0,))
    assert m.asnumpy().tolist() == [0.333251953125] and v.asnumpy().tolist() == [np.inf]


# ---------------------------------------------------------------- L2Normalization
# MXNet's CPU norm starts at eps (a float32 parameter) and adds each square in order in the
# data's type; a compensated or float64 sum of squares is an ulp away (0.48442486 against
# MXNet's 0.48442483 in the first case). Literals: MXNet 1.9.1.

@pytest.mark.parametrize("mode,want", [
    ("instance", [0.4844248294830322, 0.2738373279571533, 0.0933259055018425,
                  -0.05710943415760994, -0.1774686872959137, -0.2677518427371979]),
    ("channel", [0.7713318467140198, 0.5429785251617432, 0.21518009901046753,
                 -0.14140090346336365, -0.28257685899734497, -0.530911922454834]),
    ("spatial", [0.8541834354400635, 0.48285576701164246, 0.16456101834774017,
                 -0.1007007285952568, -0.3048176169395447, -0.45988667011260986])])
def test_l2_normalization_float32_is_mxnets_bits(mode, want):
    y = mx.nd.L2Normalization(_moments_x(), mode=mode)
    assert y.asnumpy()[0].ravel()[:6].tolist() == want


def test_l2_normalization_float64_and_float16_are_mxnets_bits():
    a = np.random.RandomState(5).standard_normal((2, 3, 4))
    y = mx.nd.L2Normalization(mx.nd.array(a, dtype="float64"), mode="channel", eps=1e-3)
    assert y.asnumpy()[1, :, 0].tolist() == [-0.23080464088321032, 0.740593507524137,
                                             -0.630743011918557]
    y = mx.nd.L2Normalization(mx.nd.array(a, dtype="float16"), mode="spatial", eps=0.5)
    assert y.asnumpy()[1, 0].tolist() == [-0.1739501953125, 0.292724609375, -0.80712890625,
                                          -0.339599609375]


def test_l2_normalization_gradient_reads_the_norm_it_divided_by():
    x = mx.nd.array(np.random.RandomState(6).standard_normal((2, 3, 2)))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.L2Normalization(x, mode="channel")
    y.backward(mx.nd.ones(y.shape))
    a = x.asnumpy().astype(np.float64)
    n = np.sqrt((a * a).sum(1, keepdims=True) + np.float32(1e-10))
    want = 1 / n - a * (a / n).sum(1, keepdims=True) / n ** 2
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- LayerNorm and InstanceNorm
# MXNet's CPU LayerNorm over the last axis (LayerNormCPUKernel) sums in order in the data's
# type and computes (x - mean) * gamma / std + beta; over another axis it takes float64-
# accumulated compensated sums and (x - mean) / std * gamma + beta. InstanceNorm multiplies
# by the float32 1 / n and computes gamma * (x - mean) / sqrt(var + eps) + beta. MXNet 1.9.1:

_LN_A = np.random.RandomState(8).standard_normal((3, 5)) * 3 + 1


@pytest.mark.parametrize("dtype,row,mean,std", [
    ("float32", [-0.3886556029319763, -0.3570959270000458, 1.1297798156738281,
                 -1.589674472808838, -1.0077569484710693],
     [-1.6683944463729858, 5.8680853843688965, 0.14032933115959167],
     [3.8488996028900146, 1.9313315153121948, 3.422720432281494]),
    ("float64", [-0.3886555697355777, -0.3570958445047631, 1.1297798188148467,
                 -1.5896742407771907, -1.0077567429852254],
     [-1.6683943793418314, 5.868085295336162, 0.140329373619197],
     [3.8488996235573993, 1.9313315847721781, 3.422720511505874])])
def test_layer_norm_last_axis_is_mxnets_bits(dtype, row, mean, std):
    g, b = np.linspace(0.5, 2, 5), np.linspace(-1, 1, 5)
    y, m, s = mx.nd.LayerNorm(mx.nd.array(_LN_A, dtype=dtype), mx.nd.array(g, dtype=dtype),
                              mx.nd.array(b, dtype=dtype), output_mean_var=True)
    assert y.asnumpy()[1].tolist() == row
    assert m.asnumpy().ravel().tolist() == mean and s.asnumpy().ravel().tolist() == std


def test_layer_norm_other_axis_and_instance_norm_are_mxnets_bits():
    g, b = np.linspace(0.5, 2, 3), np.linspace(-1, 1, 3)
    y = mx.nd.LayerNorm(mx.nd.array(_LN_A), mx.nd.array(g), mx.nd.array(b), axis=0)
    assert y.asnumpy()[:, 2].tolist() == [-1.46202552318573, 1.7364623546600342,
                                          0.06976234912872314]
    x = np.random.RandomState(9).standard_normal((2, 3, 7)) * 2 + 3
    y = mx.nd.InstanceNorm(mx.nd.array(x), mx.nd.array(g), mx.nd.array(b))
    assert y.asnumpy()[1, 2].tolist() == [
        0.004010319709777832, 2.3700873851776123, 2.128124237060547, 2.8463799953460693,
        3.081547498703003, -2.5396220684051514, -0.8905302286148071]


def test_instance_norm_gradient_still_matches_the_formula():
    x = mx.nd.array(np.random.RandomState(10).standard_normal((2, 2, 5)))
    g, b = mx.nd.array([1.5, 0.5]), mx.nd.array([0.1, -0.2])
    for a in (x, g, b):
        a.attach_grad()
    with mx.autograd.record():
        y = mx.nd.InstanceNorm(x, g, b)
    y.backward(mx.nd.ones(y.shape))
    a = x.asnumpy().astype(np.float64)
    xh = (a - a.mean(2, keepdims=True)) / np.sqrt(a.var(2, keepdims=True) + 1e-3)
    np.testing.assert_allclose(b.grad.asnumpy(), [10, 10])
    np.testing.assert_allclose(g.grad.asnumpy(), xh.sum((0, 2)), atol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), 0, atol=1e-5)  # sum of ones: d/dx is 0


# ---------------------------------------------------------------- prod and the L1 norm
# MXNet multiplies the factors in order in the data's type, and its L1 norm is the
# compensated sum of |x|. MXNet 1.9.1:

def test_prod_and_l1_norm_are_mxnets_bits():
    x = np.random.RandomState(12).uniform(0.5, 1.6, (3, 17)).astype("float32")
    assert mx.nd.prod(mx.nd.array(x), axis=1).asnumpy().tolist() == [
        0.5962009429931641, 0.6384535431861877, 1.4705365896224976]
    assert mx.nd.norm(mx.nd.array(x - np.float32(1.05)), ord=1, axis=1).asnumpy().tolist() == [
        5.651510238647461, 4.711083889007568, 4.316231727600098]
    assert mx.nd.prod(mx.nd.array(x, dtype="float64"), axis=0).asnumpy()[:3].tolist() == [
        0.821773815196573, 2.7311413258073296, 0.7183846806458186]


def test_prod_that_overflows_in_float32_keeps_the_wide_product():
    # FREE (tools/diff known core_ar_float32_46): where MXNet's float32 product overflows on
    # finite data, the product is taken in a wider type instead of MXNet's inf (or inf * 0)
    x = mx.nd.array([1e30, 1e30, 0.0, 1e-30])
    assert mx.nd.prod(x).asnumpy().tolist() == [0.0]
    assert mx.nd.prod(mx.nd.array([1e30, 1e30, 1e-30])).asnumpy().tolist() == [
        float(np.float32(1e30))]
