"""mx.nd.RNN against MXNet 1.9.1 (pinned float32 outputs and gradients) and against a NumPy
float64 oracle written from cuDNN's equations (projection, state clips and sequence lengths,
which MXNet's CPU path ignores or refuses); gradients to order 2 by finite differences."""
import numpy as np
import pytest

import mxnb as mx
from mxnb.base import MXNetError
from mxnb.test_utils import check_grads

T, N, I, H = 3, 2, 3, 2
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def param_size(mode, L, D, P=None, ins=I):
    G, R = GATES[mode], P or H
    return sum(D * (G * H * ((ins if l == 0 else D * R) + R) + 2 * G * H + (P or 0) * H)
               for l in range(L))


def det(n, a, b, s, dtype=np.float32):
    """Inputs both frameworks can rebuild exactly (no RNG)."""
    return (s * np.sin(np.arange(n) * a + b)).astype(dtype)


def det_inputs(mode, L, D, P=None, dtype=np.float32):
    R = P or H
    x = det(T * N * I, 0.7, 0.1, 1.0, dtype).reshape(T, N, I)
    p = det(param_size(mode, L, D, P), 1.3, 0.2, 0.5, dtype)
    h = det(L * D * N * R, 0.9, 0.5, 0.3, dtype).reshape(L * D, N, R)
    c = det(L * D * N * H, 1.1, 0.3, 0.4, dtype).reshape(L * D, N, H)
    return x, p, h, c


# ---------------------------------------------------------------- NumPy float64 oracle


def _sig(v):
    return 1 / (1 + np.exp(-v))


def oracle(x, params, h0, c0, mode, L, D, P=None, clip=None, lengths=None):
    """cuDNN's equations in float64, MXNet's flat parameter layout; returns out, hy, cy."""
    x, params = np.asarray(x, np.float64), np.asarray(params, np.float64)
    G, R = GATES[mode], P or H
    Tn, Nn, _ = x.shape
    lengths = np.full(Nn, Tn) if lengths is None else np.asarray(lengths)
    off, W = 0, {}
    for l in range(L):
        ins = x.shape[2] if l == 0 else D * R
        for d in range(D):
            shapes = [("wx", (G * H, ins)), ("wh", (G * H, R))] + ([("wr", (P, H))] if P else [])
            for nm, shp in shapes:
                W[l, d, nm] = params[off:off + shp[0] * shp[1]].reshape(shp)
                off += shp[0] * shp[1]
    for l in range(L):
        for d in range(D):
            for nm in ("bx", "bh"):
                W[l, d, nm] = params[off:off + G * H]
                off += G * H
    assert off == params.size
    inp, hy, cy = x, [], []
    for l in range(L):
        outs = []
        for d in range(D):
            k = l * D + d
            w = {nm: W[l, d, nm] for nm in ("wx", "wh", "bx", "bh", "wr") if (l, d, nm) in W}
            h, c = np.array(h0[k], np.float64), np.array(c0[k], np.float64)
            y = np.zeros((Tn, Nn, R))
            for t in (range(Tn - 1, -1, -1) if d else range(Tn)):
                gx = inp[t] @ w["wx"].T + w["bx"]
                gh = h @ w["wh"].T + w["bh"]
                if mode == "lstm":
                    i, f, g, o = np.split(gx + gh, 4, axis=1)
                    cn = _sig(f) * c + _sig(i) * np.tanh(g)
                    if clip is not None:
                        cn = np.clip(cn, *clip)
                    hn = _sig(o) * np.tanh(cn)
                    if P:
                        hn = hn @ w["wr"].T
                elif mode == "gru":
                    xr, xz, xn = np.split(gx, 3, axis=1)
                    hr, hz, hn_ = np.split(gh, 3, axis=1)
                    r, z = _sig(xr + hr), _sig(xz + hz)
                    n = np.tanh(xn + r * hn_)
                    hn, cn = (1 - z) * n + z * h, c
                else:
                    a = gx + gh
                    hn, cn = (np.tanh(a) if mode == "rnn_tanh" else np.maximum(a, 0)), c
                valid = (t < lengths)[:, None]
                h, c = np.where(valid, hn, h), np.where(valid, cn, c)
                y[t] = np.where(valid, h, 0)
            outs.append(y)
            hy.append(h)
            cy.append(c)
        inp = np.concatenate(outs, axis=2)
    return inp, np.stack(hy), np.stack(cy)


def run(mode, L, D, x, w, h, c, dtype="float32", **kw):
    arrs = [mx.nd.array(x, dtype=dtype), mx.nd.array(w, dtype=dtype), mx.nd.array(h, dtype=dtype)]
    if mode == "lstm":
        arrs.append(mx.nd.array(c, dtype=dtype))
    return mx.nd.RNN(*arrs, state_size=H, num_layers=L, bidirectional=D == 2, mode=mode,
                     state_outputs=True, **kw)


# ---------------------------------------------------------------- MXNet 1.9.1, pinned

# out/hy/cy of `det_inputs` in float32 (MXNet's default oneDNN path; its native path agrees to
# 1.3e-7), and the gradients of sum(o * cos(0.37 * arange)) over all outputs o.
MXNET = {
    ('lstm', 1, 1): dict(
        out=[
            -0.27188393, 0.16093616, -0.0040613497, 0.1526913, 0.017112212, 0.009674857,
            -0.27399904, 0.13953131, -0.0357792, 0.18027209, 0.019794758, -0.00989411
        ],
        hy=[-0.0357792, 0.18027209, 0.019794758, -0.00989411],
        cy=[-0.084330134, 0.3393235, 0.030864762, -0.019150801],
    ),
    ('lstm', 2, 2): dict(
        out=[
            -0.043081403, -0.102773055, 0.06181673, 0.13957676, -0.22764863, -0.12789387,
            0.032963388, 0.13968362, -0.13697892, -0.1596935, 0.038354326, 0.1406339, -0.18727003,
            -0.14314438, 0.062399775, 0.10748987, -0.18360305, -0.21913223, 0.12013509, 0.09434307,
            -0.20933668, -0.17170873, 0.0066042636, 0.06581071
        ],
        hy=[
            0.076839745, 0.14985098, 0.14545132, 0.012150717, 0.08314588, -0.21685694,
            -0.042981017, -0.07642241, -0.18360305, -0.21913223, -0.20933668, -0.17170873,
            0.06181673, 0.13957676, 0.032963388, 0.13968362
        ],
        cy=[
            0.23234196, 0.31702623, 0.26642007, 0.027315073, 0.15704213, -0.4779535, -0.104777515,
            -0.19229835, -0.32026836, -0.39333555, -0.3510946, -0.31221718, 0.12961158, 0.3589568,
            0.06506842, 0.3325015
        ],
        dx=[
            -0.05618925, -0.053162556, 0.027747419, 0.18284638, 0.1393708, -0.10828335,
            0.017265726, 0.11600953, 0.044799097, -0.08034295, -0.019726142, 0.06978951,
            0.027936108, -0.37653255, -0.22938012, 0.02917555, 0.19847393, 0.07700755
        ],
        dp=[
            -0.3249307, -0.4084218, -0.29982576, 0.23303205, 0.12905067, -0.03562526, 0.18272485,
            0.15495604, 0.054308977, -0.07117108, -0.07267183, -0.039993886, 0.36566424,
            0.12691203, -0.17152889, -0.31627467, -0.41762966, -0.32256684, -0.033777162,
            -0.07344994, -0.078578055, 0.047306973, 0.01863358, -0.018803474, -0.048477843,
            0.03548407, 0.041107573, 0.012096554, 0.030085107, -0.0062999805, -0.007448641,
            0.016161963, 0.11756303, 0.17760704, -0.02850955, 0.08707854, -0.0038908413,
            0.01028747, 0.0068674255, 0.0023788637, 0.12825969, 0.03783094, -0.070390284,
            -0.006776629, 0.1497435, 0.23583692, -0.040970504, -0.03744363, -0.016306428,
            0.10547538, 0.050052963, -0.028910145, -0.30665118, -0.048139874, 0.23301238,
            -0.0879356, -0.0135405585, 0.06722281, 0.060964663, 0.02653523, -0.020374129,
            0.037069693, 0.03585119, 0.017771315, 0.00993147, -0.031273067, 0.0062495805,
            0.01778874, -0.021019388, -0.002459587, 0.011727172, -0.026548991, -0.036376074,
            0.0705152, -0.017057855, 0.034243133, -0.0038568703, -0.018935781, 0.0052058185,
            -0.0083548445, 0.034634627, 0.035590984, -0.0039799735, -0.01978867, 0.025951367,
            0.02427899, -0.00884822, -0.010776502, 0.015282236, 0.02148743, 0.00860178,
            -0.008616037, 0.01691015, 0.016241085, -0.0028257696, -0.005429239, -0.0845166,
            -0.11981256, -0.02500052, 0.07846574, -0.16794968, -0.14970121, 0.022860058,
            0.06869972, 0.012427541, 0.0019406668, 0.0038713666, 0.0008287995, 0.020929951,
            9.9404715e-05, -0.0016537635, 0.00588101, -0.042896263, -0.056843907, -0.034937948,
            -0.043625273, -0.046587907, -0.045343764, -0.026288325, -0.02749626, 0.1558303,
            0.17841747, 0.22442117, 0.27843463, -0.020299152, -0.016476057, -0.0197971,
            -0.023952853, -0.0005781087, 0.0038428926, 0.0014030666, -0.0036320833, -0.0070343153,
            0.018400174, 0.00869665, -0.020579511, 0.00028116564, 0.005015565, -0.0048552356,
            -0.0012115093, -0.0016246991, 0.013337567, 0.00012716977, -0.012742002, -0.017812872,
            0.06751995, 0.0011407416, -0.0392927, -0.016663574, 0.09693287, 0.014736021,
            -0.093623236, -0.0020594941, 0.01093275, -0.0047412384, -0.0076422268, -0.018831141,
            0.014357714, 0.005527797, -0.018434405, -0.0026562111, 0.0003990042, 0.0021178399,
            0.013654518, -0.010453983, -0.0040412643, -0.002411367, 0.0071317814, -0.07049502,
            -0.0016347207, -0.018578019, 0.04994172, -0.016768215, -0.0045154495, -0.018137738,
            -0.005657791, 0.39132106, 0.2506573, 0.0009366609, 0.14104071, 1.948477, 0.909788,
            0.13544832, 0.052810475, 0.39132106, 0.2506573, 0.0009366609, 0.14104071, 1.948477,
            0.909788, 0.13544832, 0.052810475, 0.0098469965, 0.22348711, -0.09406188,
            -0.0055360347, -0.7524829, -1.0630503, 0.0063250624, 0.06711067, 0.0098469965,
            0.22348711, -0.09406188, -0.0055360347, -0.7524829, -1.0630503, 0.0063250624,
            0.06711067, 0.4680047, 0.30145645, 0.2750486, 0.20970897, -1.562478, -2.02207,
            0.09278545, 0.09085785, 0.4680047, 0.30145645, 0.2750486, 0.20970897, -1.562478,
            -2.02207, 0.09278545, 0.09085785, 0.035172515, 0.15602116, 0.019883083, 0.10711057,
            0.40975714, 0.7941826, 0.067157015, 0.061679963, 0.035172515, 0.15602116, 0.019883083,
            0.10711057, 0.40975714, 0.7941826, 0.067157015, 0.061679963
        ],
        dh=[
            -0.07004464, -0.077309445, -0.02306633, -0.02185781, -0.005671108, -0.02362369,
            -0.075112656, 0.017074987, 0.039352074, -0.03583648, -0.03039506, -0.0119187245,
            -0.03937453, 0.039678484, -0.015726296, -0.009640093
        ],
        dc=[
            0.09785088, 0.06448612, 0.05328549, 0.015525992, -0.09229004, -0.15219988, -0.21239623,
            -0.3072741, -0.19914177, -0.041427705, -0.2457493, -0.21115226, 0.16974422, 0.09238647,
            0.020376228, 0.0011333278
        ],
    ),
    ('gru', 1, 1): dict(
        out=[
            -0.027392326, 0.38619712, 0.34525445, 0.44193536, 0.5697257, 0.08935348, -0.0012330007,
            0.4761614, 0.5105103, 0.45584205, 0.57821095, 0.13697033
        ],
        hy=[0.5105103, 0.45584205, 0.57821095, 0.13697033],
    ),
    ('gru', 2, 2): dict(
        out=[
            0.30503035, 0.069725245, -0.08336066, -0.14146924, 0.048860587, -0.09737608,
            -0.054849047, -0.080054045, 0.22852589, 0.075902164, -0.10514623, -0.21653996,
            0.15619038, -0.062441114, -0.050026562, 0.013944247, 0.17977557, 0.03888244,
            -0.17126982, -0.15341459, 0.19397801, 0.0438247, 0.019959258, 0.07593585
        ],
        hy=[
            0.5646603, 0.27807063, 0.61463314, -0.025617057, -0.30722082, -0.43832973, -0.40235502,
            -0.06598317, 0.17977557, 0.03888244, 0.19397801, 0.0438247, -0.08336066, -0.14146924,
            -0.054849047, -0.080054045
        ],
        dx=[
            -0.047030497, -0.035689622, 0.02793663, -0.043735147, 0.20059165, 0.15105125,
            -0.15463258, 0.068087235, 0.1910591, 0.027870975, -0.06809964, -0.06430412, 0.14751558,
            0.02433353, -0.1344972, -0.17937593, 0.07532252, 0.21967332
        ],
        dp=[
            0.026965275, 0.015708541, -0.0029361648, -0.022270035, -0.00039074896, 0.021672314,
            0.2358289, 0.26693603, 0.172499, -0.39646024, -0.2746093, -0.023605322, 0.059258997,
            0.0770383, 0.0585853, 0.108283386, -0.07242231, -0.21906665, 0.036962338, 0.012832687,
            -0.041232135, -0.016750209, 0.00086468155, -0.0678373, -0.10216552, 0.068656296,
            0.23310652, 0.13568902, 0.11598098, 0.09083508, -0.0038978287, 0.00052003213,
            0.0046933135, 0.04100736, 0.044693086, 0.02735896, -0.089550786, -0.052496437,
            0.009247802, 0.17445296, -0.023942288, -0.2110771, 0.0049970206, -0.0124035105,
            -0.023970477, 0.17529094, 0.3868878, 0.41652524, -0.0019013437, -7.9099904e-05,
            0.020087093, 0.0017568087, 0.02128243, 0.034664784, -0.004287583, -0.05113746,
            0.016680656, 0.013880229, 0.24625419, 0.10736224, -0.04830502, 0.0006178245,
            0.020234548, 0.0068818904, 0.030744012, -0.0033915234, -0.01100204, -0.00066502555,
            -0.013413862, 0.008291484, 0.005091232, -0.002572338, 0.033069696, 0.022038566,
            -0.029586045, -0.02088336, -0.5239755, -0.04167711, 0.2488083, 0.11671248, -0.5329031,
            0.0036602095, 0.22782873, 0.047780387, -0.0140414145, 0.005494063, 0.0075505567,
            -0.0042548766, -0.00943784, -0.006736169, 0.014780579, -0.0031286958, -0.10540608,
            0.034859292, -0.06346571, 0.034670934, 0.0033141284, -0.011068899, 0.0055391206,
            0.008070979, 0.0015640208, 0.013097251, -0.009658235, -0.010421676, -0.0113188485,
            -0.008959678, 0.007970547, -0.0050106524, -0.017732011, 0.0036447179, 0.004606296,
            0.004359558, -0.038792416, 0.1430661, -0.071788706, -0.09848751, 0.028486662,
            0.26413423, -0.19576588, -0.22637323, 0.0030474353, 0.0023985268, -0.0045544542,
            -0.0032907042, 0.0067566084, 0.00034554373, -0.0036006207, -0.0028478252, -0.015132468,
            -0.012537842, -0.040348023, -0.035792615, 0.09371294, -0.12056364, -0.21282579,
            -0.037619416, 1.3824146, 1.1967249, 0.09371294, -0.12056364, -0.21282579, -0.037619416,
            0.6994629, 0.45831198, 0.018218888, -0.09666537, -0.11316716, -0.03546609, -0.3195165,
            -1.8816779, 0.018218888, -0.09666537, -0.11316716, -0.03546609, -0.13737789,
            -1.1319221, -0.07682286, 0.040932603, -0.0035239458, 0.10426302, -0.9528953,
            -0.8299588, -0.07682286, 0.040932603, -0.0035239458, 0.10426302, -0.59956044,
            -0.38001937, -0.016878795, 0.029063499, -0.014732163, -0.030490812, 0.2168343,
            0.61136156, -0.016878795, 0.029063499, -0.014732163, -0.030490812, 0.09581202,
            0.30979148
        ],
        dh=[
            0.040850237, 0.34390703, 0.08394874, 0.20635581, -0.085428245, -0.22891068,
            -0.31042683, -0.30901548, 0.2256014, 0.21574736, -0.09748791, -0.23395276, 0.35426646,
            0.3093381, -0.060251486, -0.15476081
        ],
    ),
    ('rnn_tanh', 1, 1): dict(
        out=[
            0.70360243, -0.2898644, 0.45037946, -0.5616198, -0.08122203, 0.357701, 0.7532077,
            -0.1839045, 0.33283398, -0.53924716, -0.046082824, 0.31156412
        ],
        hy=[0.33283398, -0.53924716, -0.046082824, 0.31156412],
    ),
    ('rnn_tanh', 2, 2): dict(
        out=[
            -0.21444307, 0.23611256, -0.25838986, 0.34847575, 0.08243294, 0.24358997, -0.41495115,
            0.058592785, 0.03716083, 0.15436095, -0.30005538, 0.16540255, -0.06774191, 0.13558406,
            -0.19462547, 0.25875416, -0.0689067, 0.24381666, -0.2920021, 0.2587744, -0.06619229,
            0.04927196, -0.057374354, 0.10699216
        ],
        hy=[
            0.2912226, -0.5607661, -0.083112136, 0.2765296, 0.38359395, 0.39355865, 0.5674631,
            -0.54849786, -0.0689067, 0.24381666, -0.06619229, 0.04927196, -0.25838986, 0.34847575,
            -0.41495115, 0.058592785
        ],
    ),
    ('rnn_relu', 1, 1): dict(
        out=[
            0.87439936, 0.0, 0.4851762, 0.0, 0.021125764, 0.20585552, 1.0324888, 0.0, 0.3871923,
            0.0, 0.1034829, 0.13658074
        ],
        hy=[0.3871923, 0.0, 0.1034829, 0.13658074],
    ),
    ('rnn_relu', 2, 2): dict(
        out=[
            0.0, 0.45992938, 0.0, 0.02971813, 0.0, 0.40066093, 0.0, 0.0, 0.0, 0.28540853, 0.0,
            0.07321809, 0.2261796, 0.3468908, 0.0, 0.0, 0.04191769, 0.4436314, 0.0, 0.07344255,
            0.0, 0.24213785, 0.097066924, 0.07563847
        ],
        hy=[
            0.347547, 0.0, 0.057547197, 0.09784168, 0.49710625, 0.31397465, 0.7575623, 0.0,
            0.04191769, 0.4436314, 0.0, 0.24213785, 0.0, 0.02971813, 0.0, 0.0
        ],
    ),
}


def _heads(outs):
    return [mx.nd.array(np.cos(np.arange(o.size) * 0.37).reshape(o.shape)) for o in outs]


@pytest.mark.parametrize("key", sorted(MXNET))
def test_matches_mxnet(key):
    mode, L, D = key
    ref = MXNET[key]
    x, p, h, c = det_inputs(mode, L, D)
    args = [mx.nd.array(a) for a in ((x, p, h, c) if mode == "lstm" else (x, p, h))]
    for a in args:
        a.attach_grad()
    with mx.autograd.record():
        outs = mx.nd.RNN(*args, state_size=H, num_layers=L, bidirectional=D == 2, mode=mode,
                         state_outputs=True)
    assert len(outs) == (3 if mode == "lstm" else 2)
    for name, o in zip(("out", "hy", "cy"), outs):
        assert o.dtype == np.float32
        np.testing.assert_allclose(o.asnumpy().ravel(), ref[name], rtol=2e-6, atol=2e-7)
    if "dx" not in ref:
        return
    mx.autograd.backward(outs, _heads(outs))
    for name, a in zip(("dx", "dp", "dh", "dc"), args):
        np.testing.assert_allclose(a.grad.asnumpy().ravel(), ref[name], rtol=1e-5, atol=5e-7)


@pytest.mark.parametrize("mode", sorted(GATES))
def test_oracle_float64(mode):
    x, p, h, c = det_inputs(mode, 2, 2, dtype=np.float64)
    got = run(mode, 2, 2, x, p, h, c, dtype="float64")
    want = oracle(x, p, h, c, mode, 2, 2)
    for g, w in zip(got, want):
        assert g.dtype == np.float64
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-12, atol=1e-14)


def test_default_single_output_and_out():
    x, p, h, c = det_inputs("gru", 1, 1)
    y = mx.nd.RNN(mx.nd.array(x), mx.nd.array(p), mx.nd.array(h), state_size=H, num_layers=1,
                  mode="gru")
    assert isinstance(y, mx.nd.NDArray) and y.shape == (T, N, H)
    np.testing.assert_allclose(y.asnumpy().ravel(), MXNET["gru", 1, 1]["out"], rtol=2e-6,
                               atol=2e-7)
    o = mx.nd.zeros((T, N, H))
    r = mx.nd.RNN(mx.nd.array(x), mx.nd.array(p), mx.nd.array(h), state_size="2",
                  num_layers="1", mode="gru", out=o)
    assert r is o
    np.testing.assert_array_equal(o.asnumpy(), y.asnumpy())


def test_projection_lstmp():
    P = 1
    x, p, h, c = det_inputs("lstm", 2, 2, P=P, dtype=np.float64)
    got = run("lstm", 2, 2, x, p, h, c, dtype="float64", projection_size=P)
    assert [g.shape for g in got] == [(T, N, 2 * P), (4, N, P), (4, N, H)]
    for g, w in zip(got, oracle(x, p, h, c, "lstm", 2, 2, P=P)):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-12, atol=1e-14)


def test_state_clip():
    x, p, h, c = det_inputs("lstm", 1, 2, dtype=np.float64)
    got = run("lstm", 1, 2, x, p, h, c, dtype="float64", lstm_state_clip_min=-0.05,
              lstm_state_clip_max=0.1)
    cy = got[2].asnumpy()
    assert cy.min() >= -0.05 and cy.max() <= 0.1 and np.isclose(cy, 0.1).any()
    for g, w in zip(got, oracle(x, p, h, c, "lstm", 1, 2, clip=(-0.05, 0.1))):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-12, atol=1e-14)
    # without the clip the cell leaves that range
    free = run("lstm", 1, 2, x, p, h, c, dtype="float64")[2].asnumpy()
    assert free.max() > 0.1


def test_state_clip_nan():
    x, p, h, c = det_inputs("lstm", 1, 1)
    c = np.full_like(c, np.nan)
    kw = dict(lstm_state_clip_min=-0.5, lstm_state_clip_max=0.5)
    assert np.isnan(run("lstm", 1, 1, x, p, h, c, **kw)[2].asnumpy()).all()
    stopped = run("lstm", 1, 1, x, p, h, c, lstm_state_clip_nan=True, **kw)
    for o in stopped:
        assert np.isfinite(o.asnumpy()).all()


@pytest.mark.parametrize("mode,D", [("lstm", 2), ("gru", 1), ("rnn_relu", 2)])
def test_sequence_length(mode, D):
    lengths = [3, 1]
    x, p, h, c = det_inputs(mode, 2, D, dtype=np.float64)
    args = [mx.nd.array(a, dtype="float64") for a in ((x, p, h, c) if mode == "lstm" else (x, p, h))]
    got = mx.nd.RNN(*args, mx.nd.array(lengths, dtype="int32"), state_size=H, num_layers=2,
                    bidirectional=D == 2, mode=mode, state_outputs=True, use_sequence_length=True)
    want = oracle(x, p, h, c, mode, 2, D, lengths=lengths)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-12, atol=1e-14)
    # each sequence alone, cut to its length, gives the same numbers (padding is invisible)
    for b, n in enumerate(lengths):
        one = run(mode, 2, D, x[:n, b:b + 1], p, h[:, b:b + 1], c[:, b:b + 1], dtype="float64")
        np.testing.assert_allclose(got[0].asnumpy()[:n, b], one[0].asnumpy()[:, 0], rtol=1e-12)
        assert not got[0].asnumpy()[n:, b].any()
        for g, o in zip(got[1:], one[1:]):
            np.testing.assert_allclose(g.asnumpy()[:, b], o.asnumpy()[:, 0], rtol=1e-12)


def test_dropout_between_layers_in_training_only():
    x, p, h, c = det_inputs("lstm", 2, 1)
    plain = run("lstm", 2, 1, x, p, h, c)[0].asnumpy()
    np.testing.assert_array_equal(run("lstm", 2, 1, x, p, h, c, p=0.5)[0].asnumpy(), plain)
    with mx.autograd.train_mode():
        mx.random.seed(3)
        a = run("lstm", 2, 1, x, p, h, c, p=0.5)[0].asnumpy()
        mx.random.seed(3)
        b = run("lstm", 2, 1, x, p, h, c, p=0.5)[0].asnumpy()
        # no dropout after the last layer: one layer is untouched
        x1, p1, h1, c1 = det_inputs("lstm", 1, 1)
        np.testing.assert_array_equal(run("lstm", 1, 1, x1, p1, h1, c1, p=0.5)[0].asnumpy(),
                                      run("lstm", 1, 1, x1, p1, h1, c1)[0].asnumpy())
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, plain)


@pytest.mark.parametrize("mode", sorted(GATES))
def test_grads_order2(mode):
    L, D = (1, 2) if mode in ("lstm", "gru") else (2, 1)
    x, p, h, c = det_inputs(mode, L, D, dtype=np.float64)
    args = [mx.nd.array(a, dtype="float64") for a in ((x, p, h, c) if mode == "lstm" else (x, p, h))]

    def f(*a):
        return mx.nd.RNN(*a, state_size=H, num_layers=L, bidirectional=D == 2, mode=mode,
                         state_outputs=True)

    check_grads(f, args, order=2)


def test_grads_projection_and_sequence_length():
    P = 1
    x, p, h, c = det_inputs("lstm", 1, 2, P=P, dtype=np.float64)
    seq = mx.nd.array([2, 3], dtype="int32")

    def f(*a):
        return mx.nd.RNN(*a, seq, state_size=H, num_layers=1, bidirectional=True, mode="lstm",
                         projection_size=P, use_sequence_length=True, state_outputs=True)

    check_grads(f, [mx.nd.array(a, dtype="float64") for a in (x, p, h, c)], order=1)


def test_fused_backward_equals_vjp():
    x, p, h, c = det_inputs("gru", 2, 2, dtype=np.float64)
    args = [mx.nd.array(a, dtype="float64") for a in (x, p, h)]
    for a in args:
        a.attach_grad()
    with mx.autograd.record():
        outs = mx.nd.RNN(*args, state_size=H, num_layers=2, bidirectional=True, mode="gru",
                         state_outputs=True)
    heads = [hd.astype("float64") for hd in _heads(outs)]
    with mx.autograd.record():
        outs2 = mx.nd.RNN(*args, state_size=H, num_layers=2, bidirectional=True, mode="gru",
                          state_outputs=True)
        grads = mx.autograd.grad(outs2, args, heads, create_graph=True)
    mx.autograd.backward(outs, heads)
    for a, g in zip(args, grads):
        np.testing.assert_allclose(a.grad.asnumpy(), g.asnumpy(), rtol=1e-12, atol=1e-15)


def test_float16_and_dtype_rules():
    x, p, h, c = det_inputs("lstm", 1, 1)
    y = run("lstm", 1, 1, x, p, h, c, dtype="float16")
    assert all(o.dtype == np.float16 for o in y)
    np.testing.assert_allclose(y[0].asnumpy().ravel(), MXNET["lstm", 1, 1]["out"], atol=3e-3)


def _bad(match, *arrays, **kw):
    base = dict(state_size=H, num_layers=1, mode="lstm")
    base.update(kw)
    with pytest.raises(MXNetError, match=match):
        mx.nd.RNN(*arrays, **base)


def test_errors_match_mxnet():
    x, h = mx.nd.ones((T, N, I)), mx.nd.zeros((1, N, H))
    w = mx.nd.ones((56,))
    _bad(r"Shape inconsistent, Provided = \[55\], inferred shape=\(56,\)", x, mx.nd.ones((55,)),
         h, h)
    _bad(r"Shape inconsistent, Provided = \[8,7\], inferred shape=\(56,\)", x,
         mx.nd.ones((8, 7)), h, h)
    _bad(r"Shape inconsistent, Provided = \[2,2,2\], inferred shape=\(1,2,2\)", x, w,
         mx.nd.zeros((2, N, H)), h)
    _bad(r"Shape inconsistent, Provided = \[1,1,2\], inferred shape=\(1,2,2\)", x, w, h,
         mx.nd.zeros((1, 1, H)))
    _bad(r"Invalid Input: 'foo', valid values are: \{'gru', 'lstm', 'rnn_relu', 'rnn_tanh'\}",
         x, w, h, h, mode="foo")
    _bad(r"Operator RNN expects 4 inputs, but got 3 instead", x, w, h)
    _bad(r"Operator RNN expects 3 inputs, but got 4 instead", x, mx.nd.ones((42,)), h, h,
         mode="gru")
    _bad(r"Operator RNN expects 5 inputs, but got 4 instead", x, w, h, h,
         use_sequence_length=True)
    _bad(r"Operator RNN expects 4 inputs, but got 5 instead", x, w, h, h, mx.nd.array([3, 3]))
    _bad(r"Input data should be rank-3 tensor of dim \[sequence length, batch size, input size\]",
         x[0], w, h, h)
    _bad(r"This layer requires uniform type. Expected 'float64' v.s. given 'float32' at "
         r"'parameters'", x.astype("float64"), w, h, h)
    _bad(r"This operation only support floating point types, not int32", x.astype("int32"),
         w.astype("int32"), h.astype("int32"), h.astype("int32"))
    _bad(r"Required parameter num_layers of int \(non-negative\) is not presented", x, w, h, h,
         num_layers=None)
    _bad(r"Required parameter state_size of int \(non-negative\) is not presented", x, w, h, h,
         state_size=None)
    _bad(r"Required parameter mode of int is not presented", x, w, h, h, mode=None)
    _bad(r"value 2 for Parameter p exceed bound \[0,1\]", x, w, h, h, p=2)
    _bad(r"Shape inconsistent, Provided = \[1,2,2\], inferred shape=\(0,2,2\)", x, w, h, h,
         num_layers=0)
