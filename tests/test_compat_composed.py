"""Operators mxnb composes from others (mxnb/ndarray/compat.py) vs MXNet 1.9.1 literals.

REF holds what MXNet 1.9.1 printed for the calls in `_compute` (tools/diff found these
operators missing); values are float32, compared to 1e-6.
"""
import numpy as np
import pytest

import mxnb as mx

REF = {'d2s': [[[[0.0, 4.0, 1.0, 5.0], [8.0, 12.0, 9.0, 13.0], [2.0, 6.0, 3.0, 7.0],
           [10.0, 14.0, 11.0, 15.0]]]],
 'diag': [[0.0, 5.0, 10.0], [2.0, 7.0], [4.0, 9.0],
          [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]],
 'diag3': [[1.0, 14.0], [5.0, 18.0], [9.0, 22.0]],
 'gather': [[20.0, 21.0, 22.0, 23.0], [4.0, 5.0, 6.0, 7.0]],
 'group': [[[[-1.4518147706985474, -1.051314115524292], [-0.6508135199546814, -0.2503128945827484]],
            [[0.15018773078918457, 0.5506883263587952], [0.9511889815330505, 1.7521902322769165]],
            [[0.30495303869247437, -0.8071221113204956], [2.5291032791137695, 2.5291032791137695]],
            [[1.4170281887054443, 1.4170281887054443], [3.6411783695220947, -3.0312724113464355]]]],
 'inst': [[[0.9997778534889221, -0.9997778534889221], [2.9993603229522705, -0.9993603229522705]],
          [[-0.9980060458183289, 0.9980060458183289], [-0.9999375343322754, 2.9999375343322754]]],
 'khatri': [[1.0, -2.0], [2.0, 1.0], [1.0, 2.0], [3.0, -4.0], [6.0, 2.0], [3.0, 4.0]],
 'l2_chan': [[[0.3162277638912201, -0.9701425433158875], [0.9486832618713379, 0.24253563582897186]],
             [[0.5547001957893372, 0.9284766912460327], [-0.8320503234863281, 0.3713906705379486]]],
 'l2_inst': [[[0.26490646600723267, -0.5298129320144653],
              [0.7947194576263428, 0.13245323300361633]],
             [[0.4444444477558136, 0.5555555820465088], [-0.6666666865348816, 0.2222222238779068]]],
 'l2_spat': [[[0.4472135901451111, -0.8944271802902222], [0.9863938689231873, 0.16439898312091827]],
             [[0.6246950626373291, 0.7808687686920166], [-0.9486832618713379, 0.3162277638912201]]],
 'lrn': [[[[0.6500270962715149, 1.1881769895553589], [1.6190611124038696, 1.8385542631149292]],
          [[3.2501354217529297, 3.5437467098236084], [3.706523895263672, 4.079685688018799]],
          [[0.0, -0.6012036204338074], [1.0590068101882935, 0.9291444420814514]],
          [[0.8075728416442871, 0.7989354133605957], [2.1575849056243896, -2.1575849056243896]]]],
 'moments': [[2.0, -0.125], [7.5, 12.296875]],
 's2d': [[[[0.0, 2.0], [8.0, 10.0]], [[1.0, 3.0], [9.0, 11.0]], [[4.0, 6.0], [12.0, 14.0]],
          [[5.0, 7.0], [13.0, 15.0]]]],
 'scatter': [[3.0, 4.0], [1.0, 2.0], [0.0, 0.0]],
 'seqlast': [[0.0, 1.0], [10.0, 11.0]],
 'seqlast1': [0.0, 4.0],
 'seqlast_grad': [[[1.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [3.0, 4.0]]],
 'seqmask': [[[0.0, 1.0], [2.0, 3.0]], [[-1.0, -1.0], [6.0, 7.0]], [[-1.0, -1.0], [10.0, 11.0]]],
 'seqmask1': [[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]],
 'seqrev': [[[4.0, 5.0], [10.0, 11.0]], [[0.0, 1.0], [6.0, 7.0]], [[8.0, 9.0], [2.0, 3.0]]],
 'smact': [[[0.2689414322376251, 0.7310585975646973], [0.11920291930437088, 0.8807970285415649]]],
 'split_v2': [[[0.0], [4.0], [8.0]], [[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]], [[3.0], [7.0], [11.0]]],
 'up': [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0], [3.0, 3.0, 4.0, 4.0], [3.0, 3.0, 4.0, 4.0]]]]}


def _compute():
    got = {}

    def p(name, a):
        got[name] = [x.asnumpy().tolist() for x in a] if isinstance(a, (list, tuple)) \
            else a.asnumpy().tolist()

    x = mx.nd.array([[[1., -2], [3, 0.5]], [[4, 5], [-6, 2]]])  # (2, 2, 2)
    m, v = mx.nd.moments(x, axes=(0, 2))
    p("moments", [m, v])
    for mode in ("inst", "chan", "spat"):
        p("l2_" + mode, mx.nd.L2Normalization(x, mode={"inst": "instance", "chan": "channel",
                                                       "spat": "spatial"}[mode]))
    p("inst", mx.nd.InstanceNorm(x, mx.nd.array([1., 2]), mx.nd.array([0., 1])))
    x4 = mx.nd.array([[[1., 2], [3, 4]], [[5, 6], [7, 9]], [[0, -1], [2, 2]],
                      [[1, 1], [3, -3]]]).reshape((1, 4, 2, 2))
    p("group", mx.nd.GroupNorm(x4, mx.nd.array([1., 2]), mx.nd.array([0., 1]), num_groups=2))
    p("lrn", mx.nd.LRN(x4, nsize=3, alpha=0.1, beta=0.5, knorm=1.5))
    p("up", mx.nd.UpSampling(mx.nd.array([[[[1., 2], [3, 4]]]]), scale=2, sample_type='nearest'))
    p("smact", mx.nd.SoftmaxActivation(mx.nd.array([[[1., 2], [3, 5]]])))
    s = mx.nd.arange(12).reshape((3, 2, 2))
    L = mx.nd.array([1, 3])
    p("seqmask", mx.nd.SequenceMask(s, L, use_sequence_length=True, value=-1))
    p("seqmask1", mx.nd.SequenceMask(mx.nd.arange(6).reshape((2, 3)), mx.nd.array([1, 2]),
                                     use_sequence_length=True, axis=1))
    p("seqlast", mx.nd.SequenceLast(s, L, use_sequence_length=True))
    p("seqlast1", mx.nd.SequenceLast(mx.nd.arange(6).reshape((2, 3)), mx.nd.array([1, 2]),
                                     use_sequence_length=True, axis=1))
    p("seqrev", mx.nd.SequenceReverse(s, mx.nd.array([2, 3]), use_sequence_length=True))
    a = mx.nd.arange(12).reshape((3, 4))
    p("diag", [mx.nd.diag(a), mx.nd.diag(a, k=2), mx.nd.diag(a, k=-1),
               mx.nd.diag(mx.nd.array([1, 2]), k=-1)])
    p("diag3", mx.nd.diag(mx.nd.arange(24).reshape((2, 3, 4)), k=1, axis1=0, axis2=2))
    p("gather", mx.nd.gather_nd(mx.nd.arange(24).reshape((2, 3, 4)),
                                mx.nd.array([[1, 0], [2, 1]])))
    p("scatter", mx.nd.scatter_nd(mx.nd.array([[1., 2], [3, 4]]), mx.nd.array([[1, 0]]),
                                  shape=(3, 2)))
    p("d2s", mx.nd.depth_to_space(mx.nd.arange(16).reshape((1, 4, 2, 2)), 2))
    p("s2d", mx.nd.space_to_depth(mx.nd.arange(16).reshape((1, 1, 4, 4)), 2))
    p("split_v2", mx.nd.split_v2(mx.nd.arange(12).reshape((3, 4)), (1, 3), axis=1))
    p("khatri", mx.nd.khatri_rao(mx.nd.array([[1., 2], [3, 4]]),
                                 mx.nd.array([[1., -1], [2, 0.5], [1, 1]])))
    xs = mx.nd.arange(12).reshape((3, 2, 2))
    xs.attach_grad()
    with mx.autograd.record():
        y = mx.nd.SequenceLast(xs, L, use_sequence_length=True) * mx.nd.array([[1., 2], [3, 4]])
    y.backward()
    p("seqlast_grad", xs.grad)
    return got


@pytest.fixture(scope="module")
def got():
    return _compute()


@pytest.mark.parametrize("name", sorted(REF))
def test_matches_mxnet(got, name):
    want, have = REF[name], got[name]
    if name in ("moments", "diag", "split_v2"):  # lists of arrays
        assert len(want) == len(have)
        for w, h in zip(want, have):
            np.testing.assert_allclose(np.array(h), np.array(w), rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_allclose(np.array(have), np.array(want), rtol=1e-6, atol=1e-6)


def test_errors():
    with pytest.raises(mx.MXNetError):
        mx.nd.depth_to_space(mx.nd.ones((1, 3, 2, 2)), 2)
    with pytest.raises(mx.MXNetError):
        mx.nd.split_v2(mx.nd.ones((3, 4)), 2)
    with pytest.raises(AssertionError):
        mx.nd.diag(np.ones((2, 2)))


def _f64(shape, seed):
    return mx.nd.array(np.random.RandomState(seed).uniform(-2, 2, shape), dtype="float64")


@pytest.mark.parametrize("f", [
    lambda x, g, b: mx.nd.InstanceNorm(x, g, b, eps=0.1),
    lambda x, g, b: mx.nd.GroupNorm(nd_reshape(x), g[:1], b[:1], num_groups=1, eps=0.1),
    lambda x, g, b: mx.nd.LRN(x, nsize=3, alpha=0.5, knorm=3.0) * g.reshape((1, 3, 1)),
    lambda x, g, b: mx.nd.L2Normalization(x, mode="channel", eps=0.1) + b.reshape((1, 3, 1)),
    lambda x, g, b: mx.nd.moments(x, axes=(0, 2))[1] * g,
], ids=["InstanceNorm", "GroupNorm", "LRN", "L2Normalization", "moments"])
def test_composed_gradients(f):
    from mxnb.test_utils import check_grads

    check_grads(f, [_f64((2, 3, 2), 0), _f64((3,), 1), _f64((3,), 2)], order=1)


def nd_reshape(x):
    return x.reshape((2, 3, 2))



def test_methods_mxnet_has():
    x = mx.nd.arange(16).reshape((1, 4, 2, 2))
    assert x.depth_to_space(2)[0, 0, 0].asnumpy().tolist() == [0., 4., 1., 5.]
    assert x.depth_to_space(2).space_to_depth(2).asnumpy().tolist() == x.asnumpy().tolist()
    assert x.reshape((4, 4)).diag(k=1).asnumpy().tolist() == [1., 6., 11.]
    assert [p.shape for p in mx.nd.arange(6).split_v2(3)] == [(2,), (2,), (2,)]


def test_softmin():
    x = mx.nd.array([[1., 2, 3], [-1, 0, 5]])
    np.testing.assert_allclose(mx.nd.softmin(x).asnumpy(),  # MXNet 1.9.1
                               [[0.66524094, 0.24472848, 0.09003057],
                                [0.72973627, 0.26845497, 0.00180884]], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(mx.nd.softmin(x, temperature=2.0).asnumpy()[1],
                               [0.6037489, 0.36619222, 0.03005889], rtol=1e-6)
    np.testing.assert_allclose(x.softmin(axis=0).asnumpy()[0], [0.11920292, 0.11920292, 0.880797],
                               rtol=1e-6)


def test_legacy_helpers_match_mxnet():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    assert mx.nd.moveaxis(x, 0, 2).shape == (3, 4, 2)
    assert mx.nd.moveaxis(x, -1, 0).shape == (4, 2, 3)
    r = mx.nd.true_divide(mx.nd.array([1, 2], dtype="int32"), 2)
    assert r.dtype == np.int32 and r.asnumpy().tolist() == [0, 1]
    o = mx.nd.zeros((3, 4))
    assert mx.nd.onehot_encode(mx.nd.array([1, 3, 0]), o) is o
    assert o.asnumpy().argmax(axis=1).tolist() == [1, 3, 0] and o.asnumpy().sum() == 3
    assert mx.nd.ravel_multi_index(mx.nd.array([[0, 1, 2], [1, 0, 3]]), shape=(3, 4)) \
        .asnumpy().tolist() == [1., 4., 11.]
    assert mx.nd.unravel_index(mx.nd.array([5, 3, 11]), shape=(3, 4)).asnumpy().tolist() == \
        [[1., 0., 2.], [1., 3., 3.]]
    a = mx.nd.arange(6).reshape((2, 3))
    assert mx.nd.batch_take(a, mx.nd.array([2, 0], dtype="int32")).asnumpy().tolist() == [2., 3.]
    assert mx.nd.choose_element_0index(a, mx.nd.array([2, 0])).asnumpy().tolist() == [2., 3.]
    assert mx.nd.fill_element_0index(a, mx.nd.array([9., 8]), mx.nd.array([2, 0])) \
        .asnumpy().tolist() == [[0., 1., 9.], [8., 4., 5.]]
    assert mx.nd.cast_storage(a, stype="default").asnumpy().tolist() == a.asnumpy().tolist()


def test_cumsum_matches_mxnet():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    assert mx.nd.cumsum(x, axis=1)[0].asnumpy().tolist() == \
        [[0., 1., 2., 3.], [4., 6., 8., 10.], [12., 15., 18., 21.]]
    r = mx.nd.cumsum(mx.nd.array([1, 2, 3], dtype="int32"))
    assert r.dtype == np.int32 and r.asnumpy().tolist() == [1, 3, 6]
    assert mx.nd.cumsum(x).shape == (24,)
    assert mx.nd.cumsum(mx.nd.array([1.5, 2]), dtype="int32").asnumpy().tolist() == [1, 3]
    v = mx.nd.array([1., 2, 3])
    v.attach_grad()
    with mx.autograd.record():
        y = mx.nd.cumsum(v)
    y.backward(mx.nd.array([1., 10, 100]))
    assert v.grad.asnumpy().tolist() == [111., 110., 100.]


def test_histogram_matches_mxnet():
    a = mx.nd.array([0.1, 0.5, 0.7, 2.0, 3.5])
    counts, edges = mx.nd.histogram(a, bins=3)
    assert counts.asnumpy().tolist() == [3., 1., 1.]
    np.testing.assert_allclose(edges.asnumpy(), [0.1, 1.2333333, 2.3666666, 3.5], rtol=1e-6)
    counts, edges = mx.nd.histogram(a, bins=mx.nd.array([0., 1, 4]))
    assert counts.asnumpy().tolist() == [3, 2] and edges.asnumpy().tolist() == [0., 1., 4.]
    counts, edges = mx.nd.histogram(a, bins=4, range=(0, 2))
    assert counts.asnumpy().tolist() == [1, 2, 0, 1]
    assert edges.asnumpy().tolist() == [0., 0.5, 1., 1.5, 2.]
