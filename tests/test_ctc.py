"""The CTC loss against MXNet 1.9.1 (pinned numbers) and a float64 oracle.

The literals were printed by MXNet 1.9.1 (CPU, float32): [loss, flattened data gradient
for the head gradient DY]; they are float32 values as exact decimals, compared for equality.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import assert_almost_equal, check_grads


def seq(shape, mul=37, mod=23, off=11, div=8.0):
    n = int(np.prod(shape))
    return (((np.arange(n) * mul % mod) - off) / div).reshape(shape).astype("float32")


X = seq((5, 3, 4))
DY = np.array([1.0, 0.5, 2.0], "float32")
FIRST = [[4.076707363128662, 5.382596492767334, 3.5665879249572754],
         [-0.041108325123786926, -0.6102463006973267, 0.09643125534057617, 0.5549235939979553,
          -0.27096545696258545, 0.042723849415779114, 0.2458587884902954, -0.01761716604232788,
          -0.48397910594940186, -0.21516287326812744, 0.10350596904754639, 0.595635712146759,
          0.01562534272670746, -0.0028064846992492676, -0.07853642106056213, 0.06571738421916962,
          -0.1281425505876541, 0.042723849415779114, 0.2458587884902954, -0.16043999791145325,
          0.09648790210485458, -0.6327706575393677, 0.40484756231307983, 0.13143476843833923,
          0.15546903014183044, 0.08544769883155823, -0.40055370330810547, 0.15963731706142426,
          -0.009267542511224747, 0.14851459860801697, 0.048215627670288086, -0.18746277689933777,
          -1.060431718826294, -0.24227768182754517, 0.9834351539611816, 0.3192746341228485,
          -0.4939769506454468, 0.15941041707992554, 0.03674878552556038, 0.2978178560733795,
          -0.20556671917438507, 0.31175458431243896, 0.10121189057826996, -0.20740008354187012,
          -0.5743139982223511, -0.12482789158821106, 0.10350596904754639, 0.595635712146759,
          0.10311850160360336, 0.6235091686248779, -0.7923451662063599, 0.06571738421916962,
          -0.27096545696258545, 0.042723849415779114, 0.2458587884902954, -0.01761716604232788,
          0.03490303456783295, -1.3376132249832153, 0.19286251068115234, 1.1098471879959106]]
LAST = [[5.768096923828125, 4.668200492858887, 4.5810017585754395],
        [-0.6431679725646973, 0.29702919721603394, 0.09643125534057617, 0.24970760941505432,
         0.13159872591495514, 0.042723849415779114, -0.030170559883117676, -0.14415201544761658,
         -0.6620520353317261, 0.3188208341598511, 0.10350596904754639, 0.23972564935684204,
         -0.22525575757026672, -0.025666654109954834, 0.20242378115653992, 0.04849826917052269,
         0.13159872591495514, 0.042723849415779114, -0.08754780888557434, -0.08677466958761215,
         -0.6850606799125671, 1.2470183372497559, 0.40484756231307983, -0.9668053388595581,
         0.2631974518299103, -0.42874714732170105, 0.4917175769805908, -0.3261680603027344,
         0.02580796554684639, 0.14851459860801697, -0.20452415943145752, 0.03020171821117401,
         -0.3243905305862427, 0.17089539766311646, 0.9834351539611816, -0.8299397230148315,
         0.4910186529159546, -0.02117908000946045, 0.05175298452377319, -0.5215926170349121,
         0.05417482182383537, 0.31175458431243896, -0.23219488561153412, -0.13373464345932007,
         -0.6045721769332886, 0.3188208341598511, 0.10350596904754639, 0.1822446882724762,
         0.10834964364767075, -0.3592715263366699, 0.20242378115653992, 0.04849828779697418,
         0.13159872591495514, 0.042723849415779114, -0.030170559883117676, -0.14415201544761658,
         -0.1711607724428177, 0.5940583944320679, 0.19286251068115234, -0.6157599687576294]]
LENS = [[4.076707363128662, 4.29470157623291, 4.979788780212402],
        [-0.041108325123786926, -0.6102463006973267, 0.09643125534057617, 0.5549235939979553,
         0.13159872591495514, 0.042723849415779114, 0.2458587884902954, -0.4201813340187073,
         -1.0179626941680908, 0.3188208341598511, 0.10350596904754639, 0.595635712146759,
         0.01562534272670746, -0.0028064846992492676, -0.07853642106056213, 0.06571738421916962,
         0.13159872591495514, -0.4572761654853821, 0.2458587884902954, 0.07981865853071213,
         -1.783300757408142, 1.2470183372497559, 0.40484756231307983, 0.13143476843833923,
         0.15546903014183044, 0.08544769883155823, -0.40055370330810547, 0.15963731706142426, 0.0,
         0.0, 0.0, 0.0, -1.4736051559448242, 0.17089539766311646, 0.9834351539611816,
         0.3192746341228485, -0.4939769506454468, 0.15941041707992554, 0.03674878552556038,
         0.2978178560733795, 0.0, 0.0, 0.0, 0.0, -1.0179626941680908, 0.3188208341598511,
         0.10350596904754639, 0.595635712146759, 0.10311850160360336, 0.6235091686248779,
         -0.7923451662063599, 0.06571738421916962, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]


def run(x, label, dy=None, dtype="float32", fn=None, **kw):
    fn = fn or mx.nd.ctc_loss
    d = mx.nd.array(x, dtype=dtype)
    d.attach_grad()
    extra = {}
    if "dl" in kw:
        extra["data_lengths"] = mx.nd.array(kw.pop("dl"), dtype=dtype)
    if "ll" in kw:
        extra["label_lengths"] = mx.nd.array(kw.pop("ll"), dtype=dtype)
    with autograd.record():
        loss = fn(d, mx.nd.array(label, dtype=dtype), **extra, **kw)
    loss.backward(None if dy is None else mx.nd.array(dy, dtype=dtype))
    return loss.asnumpy(), d.grad.asnumpy()


CASES = {
    "first": (dict(label=[[1, 2, 2], [3, 0, 0], [1, 1, 0]]), FIRST),
    "last": (dict(label=[[0, 1, 1], [2, -1, -1], [0, 0, -1]], blank_label="last"), LAST),
    "lengths": (dict(label=[[1, 2, 2], [3, 1, 0], [1, 1, 3]], use_data_lengths=True,
                     dl=[5, 2, 4], use_label_lengths=True, ll=[3, 2, 0]), LENS),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_mxnet_bit_for_bit(name):
    kw, (loss, grad) = CASES[name]
    got_loss, got_grad = run(X, dy=DY, **kw)
    assert got_loss.dtype == np.float32 and got_loss.shape == (3,)
    np.testing.assert_array_equal(got_loss, np.array(loss, np.float32))
    np.testing.assert_array_equal(got_grad.ravel(), np.array(grad, np.float32))


def oracle(acts, label, blank):
    """-log p(label | acts) in float64: the alpha recursion over every (t, s) cell."""
    lp = acts - acts.max(1, keepdims=True)
    lp = lp - np.log(np.exp(lp).sum(1, keepdims=True))
    ext = [blank]
    for v in label:
        ext += [int(v), blank]
    S = len(ext)
    a = np.full(S, -np.inf)
    a[0] = lp[0, ext[0]]
    if S > 1:
        a[1] = lp[0, ext[1]]
    for t in range(1, len(acts)):
        prev = a
        a = np.full(S, -np.inf)
        for s in range(S):
            terms = [prev[s]] + ([prev[s - 1]] if s else [])
            if s > 1 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(prev[s - 2])
            a[s] = np.logaddexp.reduce(terms) + lp[t, ext[s]]
    return -np.logaddexp(a[-1], a[-2] if S > 1 else -np.inf)


def test_loss_matches_float64_oracle():
    rng = np.random.RandomState(0)
    x = rng.uniform(-3, 3, (9, 4, 6))
    label = np.array([[1, 2, 2, 5], [3, 0, 0, 0], [4, 4, 4, 0], [5, 1, 3, 2]])
    loss, _ = run(x, label, dtype="float64")
    want = [oracle(x[:, n], [v for v in label[n] if v], 0) for n in range(4)]
    assert_almost_equal(loss, np.array(want), rtol=1e-12, atol=1e-12)
    loss32, _ = run(x, label)
    assert_almost_equal(loss32, np.array(want), rtol=1e-5, atol=1e-5)
    # 'last': blank C-1, padding -1, 0 is a label
    lab_last = np.where(label == 0, -1, label - 1)
    loss, _ = run(x, lab_last, dtype="float64", blank_label="last")
    want = [oracle(x[:, n], [v for v in lab_last[n] if v >= 0], 5) for n in range(4)]
    assert_almost_equal(loss, np.array(want), rtol=1e-12, atol=1e-12)


def test_lengths_and_unreachable_labels():
    rng = np.random.RandomState(1)
    x = rng.uniform(-2, 2, (6, 3, 5))
    label = np.array([[1, 2, 3], [1, 1, 4], [3, 2, 2]])
    loss, grad = run(x, label, dtype="float64", use_data_lengths=True, dl=[6, 4, 2],
                     use_label_lengths=True, ll=[3, 1, 3])
    assert_almost_equal(loss[:2], np.array([oracle(x[:, 0], [1, 2, 3], 0),
                                            oracle(x[:4, 1], [1], 0)]), rtol=1e-12, atol=1e-12)
    # [3, 2, 2] needs 4 steps, 2 given: loss 0 and no gradient, as in MXNet
    assert loss[2] == 0 and not grad[:, 2].any()
    assert not grad[4:, 1].any()                 # past the item's data length


def test_gradient_finite_differences():
    rng = np.random.RandomState(2)
    x = mx.nd.array(rng.uniform(-2, 2, (5, 2, 4)), dtype="float64")
    label = mx.nd.array([[1, 2, 2], [3, 0, 0]], dtype="float64")
    check_grads(lambda d: mx.nd.ctc_loss(d, label), [x], order=1)
    lens = mx.nd.array([3, 5], dtype="float64")
    check_grads(lambda d: mx.nd.CTCLoss(d, label, lens, use_data_lengths=True), [x], order=1)


def test_fused_equals_vjp_and_second_order_raises():
    x = mx.nd.array(X, dtype="float64")
    x.attach_grad()
    label = mx.nd.array([[1, 2, 2], [3, 0, 0], [1, 1, 0]], dtype="float64")
    head = mx.nd.array(DY, dtype="float64")
    with autograd.record():
        loss = mx.nd.ctc_loss(x, label)
    loss.backward(head, retain_graph=True)
    fused = x.grad.asnumpy().copy()
    with autograd.record():
        (g,) = autograd.grad(loss, [x], head_grads=head, create_graph=True, retain_graph=True)
        s = (g * g).sum()
    np.testing.assert_allclose(g.asnumpy(), fused, rtol=1e-14, atol=1e-15)
    with pytest.raises(MXNetError, match="non-differentiable"):
        s.backward()


def test_names():
    args = (mx.nd.array(X), mx.nd.array([[1, 2, 2], [3, 0, 0], [1, 1, 0]]))
    want = np.array(FIRST[0], np.float32)
    for fn in (mx.nd.ctc_loss, mx.nd.CTCLoss, mx.nd.contrib.ctc_loss, mx.nd.contrib.CTCLoss):
        np.testing.assert_array_equal(fn(*args).asnumpy(), want)
    np.testing.assert_array_equal(mx.nd.contrib.ctc_loss(*args, label_lengths=mx.nd.array(
        [3, 1, 2]), use_label_lengths=True).asnumpy(), want)


ERRORS = [
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((3, 2, 4)), mx.nd.zeros((3, 2))),
     "batch size for the labels and data"),
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((3, 2)), mx.nd.zeros((2, 2))), "must be 3"),
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((3, 2, 4)), mx.nd.zeros((2, 2)), blank_label="mid"),
     "valid values are"),
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((2, 1, 4)), mx.nd.ones((1, 3))),
     "cannot exceed the maximum sequence length"),
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((3, 2, 4)), mx.nd.zeros((2, 2)), mx.nd.array([3, 3, 3]),
                            use_data_lengths=True), "data and data lengths"),
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((3, 1, 4)), mx.nd.array([[5, 0]])), r"lie in \[0, 4\)"),
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((3, 2, 4)), mx.nd.zeros((2, 2)),
                            data_lengths=mx.nd.array([3, 2])),
     "expects 2 inputs, but got 3 instead"),
    (lambda: mx.nd.ctc_loss(mx.nd.zeros((3, 1, 4), dtype="int32"), mx.nd.array([[1, 0]])),
     "float32"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn, msg = ERRORS[i]
    with pytest.raises(MXNetError, match=msg):
        fn()
