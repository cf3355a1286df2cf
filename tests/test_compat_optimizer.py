"""Fused optimizer updates (mxnb/ndarray/optimizer_ops.py) vs MXNet 1.9.1 literals.

REF: weight and states after two in-place updates (out=weight) from the same start, as
MXNet 1.9.1 printed them; nag_mom_update keeps MXNet's read-after-write of the weight.
"""
import numpy as np
import pytest

import mxnb as mx

REF = {'adam': [[0.9854813814163208, -1.9854552745819092, 0.48545530438423157, 2.985797643661499],
          [0.21587416529655457, -0.35999998450279236, 0.35999998450279236, 0.03587738797068596],
          [0.06832455843687057, 0.1900000423192978, 0.1900000423192978, 0.0018877771217375994]],
 'ftrl': [[0.39951297640800476, -1.2029975652694702, 0.2887956500053406, 0.8914228081703186],
          [-4.912499904632568, 23.1982421875, -17.85960578918457, -7.117580890655518],
          [0.5, 2.0, 32.0, 0.08000000566244125]],
 'nag': [[1.0298992395401, -1.1495691537857056, -1.0427868366241455, 3.257824659347534],
         [0.04726899787783623, 0.3779856562614441, -0.586604654788971, 0.1391347497701645]],
 'nag_clip': [[1.164610505104065, -1.5452837944030762, 0.6669130325317383, 3.431691884994507],
              [0.10284259170293808, 0.22214475274085999, 0.10378943383693695, 0.21267633140087128]],
 'rmsprop': [[0.9612178802490234, -1.9610514640808105, 0.46105146408081055, 2.4910197257995605],
             [0.1290680170059204, 0.35999998450279236, 0.35999998450279236, 0.002099999925121665]],
 'rmspropalex': [[0.9371941089630127, -1.9368091821670532, 0.4366832375526428, 2.949474811553955],
                 [0.12900637090206146, 0.5172038078308105, 5.900852203369141, 0.003522322978824377],
                 [0.21550428867340088, -0.4315010607242584, 1.4575001001358032,
                  0.03560776636004448],
                 [-0.038020163774490356, 0.0382448211312294, -0.03832152485847473,
                  -0.03091362491250038]],
 'sgd': [[0.7981009483337402, -1.6961520910263062, 0.19915050268173218, 3.073962926864624]],
 'sgd_mom': [[1.251950979232788, -1.5654120445251465, 0.7534005045890808, 3.420093059539795],
             [0.10295099020004272, 0.22258800268173218, 0.1039004921913147, 0.21309298276901245]],
 'signsgd': [[0.7810999751091003, -1.761199951171875, 0.2910500168800354, 3.1392998695373535]],
 'signum': [[0.9895249605178833, -1.7805500030517578, 0.29551252722740173, 3.1695749759674072],
            [-0.03395003452897072, 0.3079000413417816, -0.6874752044677734, 0.06114998459815979]]}

# name: (op, number of states, their start value, arguments)
CALLS = {
    "sgd": ("sgd_update", 0, 0.0, dict(lr=0.1, wd=0.01, rescale_grad=2.0, clip_gradient=1.5)),
    "sgd_mom": ("sgd_mom_update", 1, 0.2, dict(lr=0.1, momentum=0.9, wd=0.01, clip_gradient=0.3,
                                                rescale_grad=2.0)),
    "nag": ("nag_mom_update", 1, 0.2, dict(lr=0.1, momentum=0.9, wd=0.1)),
    "nag_clip": ("nag_mom_update", 1, 0.2, dict(lr=0.1, momentum=0.9, wd=0.01, clip_gradient=0.3,
                                                rescale_grad=2.0)),
    "adam": ("adam_update", 2, 0.0, dict(lr=0.01, beta1=0.8, beta2=0.9, epsilon=1e-3, wd=0.1,
                                         clip_gradient=1.0)),
    "rmsprop": ("rmsprop_update", 1, 0.0, dict(lr=0.01, gamma1=0.8, epsilon=1e-3, wd=0.1,
                                               clip_gradient=1.0, clip_weights=2.5)),
    "rmspropalex": ("rmspropalex_update", 3, 0.0, dict(lr=0.01, gamma1=0.8, gamma2=0.7,
                                                       epsilon=1e-3, wd=0.1)),
    "ftrl": ("ftrl_update", 2, 0.0, dict(lr=0.1, lamda1=0.05, beta=0.5, wd=0.1)),
    "signsgd": ("signsgd_update", 0, 0.0, dict(lr=0.1, wd=0.1)),
    "signum": ("signum_update", 1, 0.1, dict(lr=0.1, momentum=0.9, wd=0.1, wd_lh=0.05)),
}


def _run(name):
    op, nstate, init, kwargs = CALLS[name]
    w = mx.nd.array([1., -2., 0.5, 3.])
    g = mx.nd.array([0.5, -1., 4., -0.2])
    states = [mx.nd.ones((4,)) * init for _ in range(nstate)]
    for _ in range(2):
        getattr(mx.nd, op)(w, g, *states, out=w, **kwargs)
    return [a.asnumpy().tolist() for a in [w] + states]


@pytest.mark.parametrize("name", sorted(REF))
def test_matches_mxnet(name):
    for want, have in zip(REF[name], _run(name)):
        np.testing.assert_allclose(have, want, rtol=2e-6, atol=1e-7)


def test_update_without_out_leaves_weight_and_reset_arrays():
    w = mx.nd.array([1., 2.])
    r = mx.nd.sgd_update(w, mx.nd.array([0.5, -1.]), lr=0.1, wd=0.01)
    np.testing.assert_allclose(r.asnumpy(), [0.949, 2.098], rtol=1e-6)
    assert w.asnumpy().tolist() == [1., 2.]
    a, b = mx.nd.ones((2,)), mx.nd.ones((3,))
    assert mx.nd.reset_arrays(a, b, num_arrays=2) == []
    assert a.asnumpy().sum() == 0 and b.asnumpy().sum() == 0
    assert mx.nd.all_finite(mx.nd.array([1., np.inf])).asnumpy().tolist() == [0.]
    assert mx.nd.multi_all_finite(mx.nd.ones((2,)), mx.nd.ones((1,)), num_arrays=2) \
        .asnumpy().tolist() == [1.]
    with pytest.raises(mx.MXNetError):
        mx.nd.sgd_update(w, w)
