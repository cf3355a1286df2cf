"""Elementwise results pinned to MXNet 1.9.1's answers (found by tools/diff)."""
import numpy as np

import mxnb as mx


def _bits(a):
    """Values with the sign of zero made visible."""
    a = np.asarray(a, dtype=np.float64)
    return [(float(v), bool(np.signbit(v))) for v in a]


def test_round_rint_of_integers_is_identity():
    for dt in ("int8", "int32"):
        x = mx.nd.array([-3, 2, 0, 5], dtype=dt)
        assert mx.nd.round(x).asnumpy().tolist() == [-3, 2, 0, 5]
        assert mx.nd.rint(x).asnumpy().tolist() == [-3, 2, 0, 5]
    # floats keep MXNet's halves: round away from zero, rint toward -inf
    x = mx.nd.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999997])
    assert mx.nd.round(x).asnumpy().tolist() == [1, 2, 3, -1, -2, 0]
    assert mx.nd.rint(x).asnumpy().tolist() == [0, 1, 2, -1, -2, 0]


def test_mod_zero_signs_match_mxnet():
    a = mx.nd.array([-2., 2, -2, 2, 0, -0.0, 3, -3])
    b = mx.nd.array([2., -2, -2, 2, -2, 2, 1.5, -1.5])
    # MXNet 1.9.1 prints [ 0.  0. -0.  0.  0. -0.  0. -0.]
    assert _bits((a % b).asnumpy()) == _bits([0., 0., -0., 0., 0., -0., 0., -0.])
    assert _bits((a % 2).asnumpy()) == _bits([0., 0., 0., 0., 0., -0., 1., 1.])
    assert _bits((a % -2).asnumpy()) == _bits([-0., 0., -0., 0., 0., 0., -1., -1.])
    assert _bits((4 % b).asnumpy()) == _bits([0., 0., 0., 0., 0., 0., 1., -0.5])
    assert _bits((-4 % b).asnumpy()) == _bits([0., -0., -0., 0., -0., 0., 0.5, -1.])


def test_mod_values_follow_python_sign_rule():
    a = mx.nd.array([5.5, -5.5, 5.5, -5.5])
    b = mx.nd.array([2., 2., -2., -2.])
    assert (a % b).asnumpy().tolist() == [1.5, 0.5, -0.5, -1.5]
    ai = mx.nd.array([-7, 7, -7, 7, -6], dtype="int32")
    bi = mx.nd.array([2, -2, -2, 2, 3], dtype="int32")
    assert (ai % bi).asnumpy().tolist() == [1, -1, -1, 1, 0]
    assert (ai % 3).asnumpy().tolist() == [2, 1, 2, 1, 0]
    assert (mx.nd.array([1., 2.]) % 0).asnumpy().tolist() == [0., 0.]


def test_clip_tests_a_max_first():
    # MXNet: x > a_max ? a_max : (x < a_min ? a_min : x)
    y = mx.nd.clip(mx.nd.array([-2., 0.5, 3., np.nan]), 1, -1).asnumpy()
    assert y[:3].tolist() == [1., -1., -1.] and np.isnan(y[3])
    y = mx.nd.clip(mx.nd.array([np.nan, 1.]), 0, 0.5).asnumpy()
    assert np.isnan(y[0]) and y[1] == 0.5
