"""Deformable convolutions and (deformable) PSROIPooling against MXNet 1.9.1 literals,
NumPy float64 oracles and finite differences.

Inputs come from np.random.RandomState (the same stream in MXNet's NumPy 1.23 and here).
MXNet 1.9.1's CPU build has no backward for ModulatedDeformableConvolution ("only
implemented in GPU"): its gradients are checked against finite differences and against
the derivative MXNet's GPU kernels compute, which the fused Numba backward implements.
"""
import math

import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import check_grads

DC = mx.nd.contrib.DeformableConvolution
MDC = mx.nd.contrib.ModulatedDeformableConvolution

# ---------------------------------------------------------------- MXNet 1.9.1 literals
# RandomState(7): x (1,1,3,3), offset (1,8,2,2) in +-1.5, weight (1,1,2,2), bias 0.25,
# mask (1,4,2,2) in [0.2,1), head gradient (1,1,2,2); kernel (2,2), num_filter 1.
DCN_Y = [0.200004622, 0.178802282, 0.43554318, 0.399499059]
DCN_GX = [0.0593616068, 0.0406542867, 0.0294185672, 0.234927699, -0.0941617638, 0.00804422051,
          -0.00397121534, -0.0177558456, -0.00534423348]
DCN_GOFF = [0, 0.254123151, -0.170968622, -0.0636252984, 0, 0.242900595, 0.031459935,
            -0.0451886617, 0, 0.441461116, 0, 0, 0, 0.142243028, 0, 0, 0, -0.139347911, 0, 0, 0,
            0.0957156718, 0, 0.0412071384, -0.0268571246, 0.0146368109, 0, 4.51537724e-10,
            -0.0170582645, 0, 0, -0.00595098035]
DCN_GW = [0.0942247733, -0.292665541, -0.511470854, 0.130663604]
DCN_GB = [-0.72502017]
MDCN_Y = [0.304908991, 0.212815687, 0.466707647, 0.266178012]
# RandomState(8): x (2,4,5,6), offset (2,24,3,6) in +-3, weight (4,2,3,2), mask (2,12,3,6);
# kernel (3,2), stride (2,1), dilate (1,2), pad (1,1), 4 filters, 2 groups, 2 deformable
# groups, no bias. Output sums over (h, w), and y[1, :, 2, :].
DCN2_SUMS = [-2.73457909, -0.50784874, -0.448051333, -0.805096984, -2.07607365, -1.70563912,
             -4.74094248, 7.54814672]
DCN2_ROW = [-0.894103944, -0.468091935, -0.154796526, -0.0397039652, 0.22653383, -0.122219563,
            0.0831509158, 0.0415343232, -0.542118371, -0.195718691, -0.280937731, -0.118987814,
            -0.0336294137, 0.243249208, -0.498857409, -0.798652887, -0.293037087, -0.312777519,
            -0.388009369, 1.04069459, 0.585108817, 0.925582647, 1.38851702, 1.05878067]
MDCN2_ROW = [-0.111540206, -0.155032471, -0.076192528, -0.0604944974, 0.0943107307,
             -0.342382431, 0.0325592458, 0.046844732, -0.27831167, -0.425567776, -0.117768161,
             0.249526069, -0.184288085, -0.217622265, -0.00276199752, -0.177461803,
             0.0150431152, -0.322629154, -0.23853001, 0.390115947, 0.117840506, 0.323968083,
             0.0868838057, 0.476975292]
KW2 = dict(kernel=(3, 2), stride=(2, 1), dilate=(1, 2), pad=(1, 1), num_filter=4, num_group=2,
           num_deformable_group=2, no_bias=True)


def _small():
    rs = np.random.RandomState(7)
    x = rs.uniform(-1, 1, (1, 1, 3, 3)).astype(np.float32)
    off = rs.uniform(-1.5, 1.5, (1, 8, 2, 2)).astype(np.float32)
    w = rs.uniform(-1, 1, (1, 1, 2, 2)).astype(np.float32)
    m = rs.uniform(0.2, 1, (1, 4, 2, 2)).astype(np.float32)
    dy = rs.uniform(-1, 1, (1, 1, 2, 2)).astype(np.float32)
    return x, off, w, np.array([0.25], np.float32), m, dy


def _big():
    rs = np.random.RandomState(8)
    x = rs.uniform(-1, 1, (2, 4, 5, 6)).astype(np.float32)
    off = rs.uniform(-3, 3, (2, 24, 3, 6)).astype(np.float32)
    w = rs.uniform(-1, 1, (4, 2, 3, 2)).astype(np.float32)
    m = rs.uniform(0, 1, (2, 12, 3, 6)).astype(np.float32)
    return x, off, w, m


def _close(a, want, rtol=1e-5, atol=1e-6):
    a = np.asarray(a).ravel()
    # the literals are float32 printed with 9 digits: they round-trip exactly
    np.testing.assert_allclose(a, np.asarray(want, dtype=a.dtype), rtol=rtol, atol=atol)


# ---------------------------------------------------------------- float64 oracle


def _bil_v1(im, h, w):
    H, W = im.shape
    hl, wl = math.floor(h), math.floor(w)
    if hl >= H - 1:
        hl = hh = H - 1
        h = hl
    else:
        hh = hl + 1
    if wl >= W - 1:
        wl = wh = W - 1
        w = wl
    else:
        wh = wl + 1
    lh, lw = h - hl, w - wl
    return ((1 - lh) * (1 - lw) * im[hl, wl] + (1 - lh) * lw * im[hl, wh]
            + lh * (1 - lw) * im[hh, wl] + lh * lw * im[hh, wh])


def _bil_v2(im, h, w):
    H, W = im.shape
    hl, wl = math.floor(h), math.floor(w)

    def at(r, c):
        return im[r, c] if 0 <= r < H and 0 <= c < W else 0.0
    lh, lw = h - hl, w - wl
    return ((1 - lh) * (1 - lw) * at(hl, wl) + (1 - lh) * lw * at(hl, wl + 1)
            + lh * (1 - lw) * at(hl + 1, wl) + lh * lw * at(hl + 1, wl + 1))


def dcn_ref(x, off, w, b, kernel, stride=(1, 1), dilate=(1, 1), pad=(0, 0), G=1, DG=1,
            mask=None):
    """The deformable convolution in plain float64 loops (DCNv1, or DCNv2 with mask)."""
    N, C, H, W = x.shape
    KH, KW = kernel
    OH = (H + 2 * pad[0] - dilate[0] * (KH - 1) - 1) // stride[0] + 1
    OW = (W + 2 * pad[1] - dilate[1] * (KW - 1) - 1) // stride[1] + 1
    col = np.zeros((N, C, KH, KW, OH, OW))
    for n, c, i, j, oh, ow in np.ndindex(N, C, KH, KW, OH, OW):
        g, k = c // (C // DG), i * KW + j
        hi = oh * stride[0] - pad[0] + i * dilate[0] + off[n, g * 2 * KH * KW + 2 * k, oh, ow]
        wi = ow * stride[1] - pad[1] + j * dilate[1] + off[n, g * 2 * KH * KW + 2 * k + 1, oh, ow]
        if mask is None:
            v = _bil_v1(x[n, c], hi, wi) if (0 <= hi < H and 0 <= wi < W) else 0.0
        elif -1 < hi < H and -1 < wi < W:
            v = _bil_v2(x[n, c], hi, wi) * mask[n, g * KH * KW + k, oh, ow]
        else:
            v = 0.0
        col[n, c, i, j, oh, ow] = v
    F = w.shape[0]
    y = np.zeros((N, F, OH, OW))
    fg, cg = F // G, C // G
    for g in range(G):
        y[:, g * fg:(g + 1) * fg] = np.einsum('fckl,nckluv->nfuv', w[g * fg:(g + 1) * fg],
                                              col[:, g * cg:(g + 1) * cg])
    return y if b is None else y + b[None, :, None, None]


# ---------------------------------------------------------------- DeformableConvolution


def test_dcn_matches_mxnet_forward_and_gradients():
    x, off, w, b, _, dy = _small()
    ins = [mx.nd.array(a) for a in (x, off, w, b)]
    for a in ins:
        a.attach_grad()
    with autograd.record():
        y = DC(*ins, kernel=(2, 2), num_filter=1)
    y.backward(mx.nd.array(dy))
    _close(y.asnumpy(), DCN_Y, rtol=1e-6)
    for a, want in zip(ins, (DCN_GX, DCN_GOFF, DCN_GW, DCN_GB)):
        _close(a.grad.asnumpy(), want, rtol=1e-5, atol=1e-7)


def test_dcn_groups_strides_match_mxnet_and_oracle():
    x, off, w, m = _big()
    y = DC(*map(mx.nd.array, (x, off, w)), **KW2).asnumpy()
    assert y.shape == (2, 4, 3, 6)
    _close(y.sum(axis=(2, 3)), DCN2_SUMS, rtol=1e-5, atol=1e-5)
    _close(y[1, :, 2, :], DCN2_ROW)
    ref = dcn_ref(*(a.astype(np.float64) for a in (x, off, w)), None, (3, 2), (2, 1), (1, 2),
                  (1, 1), 2, 2)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=2e-6)
    y64 = DC(*(mx.nd.array(a, dtype=np.float64) for a in (x, off, w)), **KW2).asnumpy()
    assert y64.dtype == np.float64
    np.testing.assert_allclose(y64, ref, rtol=1e-12, atol=1e-12)


def test_mdcn_matches_mxnet_and_oracle():
    x, off, w, b, m, _ = _small()
    y = MDC(*map(mx.nd.array, (x, off, m, w, b)), kernel=(2, 2), num_filter=1)
    _close(y.asnumpy(), MDCN_Y, rtol=1e-6)
    x, off, w, m = _big()
    y = MDC(*map(mx.nd.array, (x, off, m, w)), **KW2).asnumpy()
    _close(y[1, :, 2, :], MDCN2_ROW)
    ref = dcn_ref(*(a.astype(np.float64) for a in (x, off, w)), None, (3, 2), (2, 1), (1, 2),
                  (1, 1), 2, 2, mask=m.astype(np.float64))
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=2e-6)


def test_dcn_zero_offset_is_convolution():
    rs = np.random.RandomState(1)
    x = mx.nd.array(rs.uniform(-1, 1, (2, 3, 6, 5)))
    w = mx.nd.array(rs.uniform(-1, 1, (4, 3, 3, 3)))
    b = mx.nd.array(rs.uniform(-1, 1, (4,)))
    kw = dict(kernel=(3, 3), pad=(1, 1), num_filter=4)
    want = mx.nd.Convolution(x, w, b, **kw).asnumpy()
    off = mx.nd.zeros((2, 18, 6, 5))
    np.testing.assert_allclose(DC(x, off, w, b, **kw).asnumpy(), want, rtol=1e-5, atol=1e-5)
    m = mx.nd.ones((2, 9, 6, 5))
    np.testing.assert_allclose(MDC(x, off, m, w, b, **kw).asnumpy(), want, rtol=1e-5, atol=1e-5)


def _grad_inputs(modulated, big_offsets):
    rs = np.random.RandomState(3)
    lo = 2.2 if big_offsets else -1.4
    ins = [rs.uniform(-1, 1, (1, 2, 2, 3)), rs.uniform(lo, lo + 2.8, (1, 8, 3, 2))]
    if modulated:
        ins.append(rs.uniform(0.2, 1, (1, 4, 3, 2)))
    ins += [rs.uniform(-1, 1, (2, 2, 2, 2)), rs.uniform(-1, 1, (2,))]
    return [mx.nd.array(a, dtype=np.float64) for a in ins]


@pytest.mark.parametrize("modulated", [False, True])
@pytest.mark.parametrize("big_offsets", [False, True])
def test_dcn_gradients_finite_differences(modulated, big_offsets):
    # big offsets push samples past the last row / column: DCNv1 clamps them there.
    f = MDC if modulated else DC
    ins = _grad_inputs(modulated, big_offsets)
    check_grads(lambda *a: f(*a, kernel=(2, 2), pad=(1, 0), num_filter=2), ins, order=1,
                rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("modulated", [False, True])
def test_dcn_fused_backward_equals_vjp(modulated):
    f = MDC if modulated else DC
    ins = _grad_inputs(modulated, False)
    kw = dict(kernel=(2, 2), pad=(1, 0), num_filter=2)
    head = mx.nd.array(np.random.RandomState(4).uniform(-1, 1, (1, 2, 3, 2)), dtype=np.float64)
    for a in ins:
        a.attach_grad()
    with autograd.record():
        y = f(*ins, **kw)
    y.backward(head)
    fused = [a.grad.asnumpy().copy() for a in ins]
    with autograd.record():
        y = f(*ins, **kw)
    vjp = autograd.grad(y, ins, head_grads=head, create_graph=True)
    for a, b in zip(fused, vjp):
        np.testing.assert_allclose(a, b.asnumpy(), rtol=1e-10, atol=1e-12)
    assert np.abs(fused[1]).sum() > 0 and np.abs(fused[0]).sum() > 0


def test_dcn_float16_computes_in_float32():
    x, off, w, b, _, _ = _small()
    y = DC(*(mx.nd.array(a, dtype=np.float16) for a in (x, off, w, b)), kernel=(2, 2),
           num_filter=1)
    assert y.dtype == np.float16
    _close(y.asnumpy().astype(np.float32), DCN_Y, rtol=2e-3, atol=2e-3)


def test_dcn_errors_name_op_and_shapes():
    x, off, w = mx.nd.ones((1, 2, 4, 4)), mx.nd.zeros((1, 18, 4, 4)), mx.nd.ones((3, 2, 3, 3))
    b = mx.nd.zeros((3,))
    kw = dict(kernel=(3, 3), pad=(1, 1), num_filter=3)
    cases = [
        ((x, mx.nd.zeros((1, 16, 4, 4)), w, b), {}, "offset filter must divide"),
        ((x, mx.nd.zeros((1, 18, 3, 4)), w, b), {},
         "output height must equal to offset map height"),
        ((x, off, mx.nd.ones((3, 2, 2, 3)), b), {},
         "Shape inconsistent, Provided = [3,2,2,3], inferred shape=(3,2,3,3)"),
        ((x, off, w, mx.nd.ones((4,))), {}, "Shape inconsistent, Provided = [4], inferred"),
        ((x, off, w, b), {"num_deformable_group": 2}, "(1 vs. 2)"),
        ((mx.nd.ones((1, 2, 4, 4), dtype=np.float64), off, w, b), {},
         "Expected 'float64' v.s. given 'float32' at 'offset'"),
        ((x, off, w), {}, "expects 4 inputs"),
    ]
    for ins, extra, msg in cases:
        with pytest.raises(MXNetError, match="DeformableConvolution") as e:
            DC(*ins, **dict(kw, **extra))
        assert msg in str(e.value)
    with pytest.raises(MXNetError, match="not implemented"):
        DC(mx.nd.ones((1, 2, 4)), off, w, b, kernel=(3,), num_filter=3)
    with pytest.raises(MXNetError, match="mask"):
        MDC(x, off, mx.nd.ones((1, 8, 4, 4)), w, b, **kw)


# ---------------------------------------------------------------- PSROIPooling

PS_ROIS = [[0, 0.4, 1.2, 4.6, 4.1], [1, 2, 1, 6, 3], [0, 3, 3, 3, 3]]
# RandomState(9): x (2,8,5,6), trans (3,4,2,2), head gradient (3,2,2,2); output_dim 2,
# pooled_size 2, spatial_scale 0.5; Deformable: group_size 2, sample_per_part 2,
# trans_std 0.3. Data gradients as sums over (h, w) and plane [0, 0].
PS_Y = [-0.410570949, 0.46842894, -0.497174084, -0.237069219, 0.25362885, 0.131457984,
        0.0145821273, -0.042129904, -0.310683101, -0.173462689, -0.285289526, -0.380738527,
        0.481698185, 0.190485686, 0.32353431, 0.188857302, -0.50379765, 0.516555965,
        -0.60073334, -0.83291316, 0.837857783, -0.0727312341, -0.727840602, -0.226775616]
PS_GX_SUMS = [-0.914559126, -0.663125753, -1.34652686, -0.340400696, -0.23792246, 0.538156748,
              0.285539925, -0.984151363, 0.520505786, -0.619032979, -0.234258085, 0.245560959,
              0.26961574, -0.0363508314, 0.272916734, -0.578327358]
PS_GX_ROW01 = [-0.219136342, -0.219136342, 0, 0, 0, 0, -0.219136342, -0.257150143, 0, 0, 0, 0]
DPS_Y = [-0.622498989, 0.596479535, -0.308593929, -0.0015643239, -0.0417243615, 0.115957171,
         0.195345819, -0.221887797, -0.790566921, 0.0704571381, 0.169132546, -0.513277948,
         0.649375618, 0.246256664, -0.321123391, -0.148008093, -0.482737064, 0.253448784,
         -0.546793997, -0.368559241, 0.708554745, 0.0278172735, -0.246985048, -0.170090809]
DPS_GX_ROW012 = [-0.548588395, -0.294646233, 0, 0, 0, 0, -0.0249091983, -0.0447859839, 0, 0, 0,
                 0, -0.000125050195, -0.00150436116, 0, 0, 0, 0]
DPS_GT = [-0.367451727, -0.00575729273, 0.138189018, 0.249508128, -0.0931860805, -0.026455773,
          0.121923149, 0.263702095, 0.184533954, -0.10271392, -0.00436626468, -0.00775719434,
          0.186060891, 0.0191663094, -0.0240104534, 0.0531318597, -0.0531009659, 0.116444722,
          0.129820347, 0.000656760298, 0.148383707, -0.133422688, 0.034918014, -0.00673809508,
          0.120099172, 0.00628798362, 0.0261322893, 0.242872387, -0.0325344503, 0.0111794975,
          -0.0289552938, -0.0285607763, 0.00215773471, 0.0276124831, -0.0241938476,
          -0.0659962595, 0.00202650018, 0.00955867674, 0.00162836688, -0.0541361794,
          0.0600310415, -0.0113896206, 0.0489282645, -0.0367053151, 0.0112085929, 0.0261941329,
          0.0478042811, 0.00987491291]
DPS_KW = dict(spatial_scale=0.5, output_dim=2, pooled_size=2, group_size=2, sample_per_part=2,
              trans_std=0.3)


def _ps_data():
    rs = np.random.RandomState(9)
    x = rs.uniform(-1, 1, (2, 8, 5, 6)).astype(np.float32)
    trans = rs.uniform(-1, 1, (3, 4, 2, 2)).astype(np.float32)
    dy = rs.uniform(-1, 1, (3, 2, 2, 2)).astype(np.float32)
    return x, np.array(PS_ROIS, np.float32), trans, dy


def psroi_ref(x, rois, ss, od, P, gs):
    """PSROIPooling in float64 loops (MXNet's rules)."""
    C, H, W = x.shape[1:]
    out = np.zeros((len(rois), od, P, P))
    for n, ct, ph, pw in np.ndindex(len(rois), od, P, P):
        r = rois[n]
        rnd = [math.floor(abs(v) + 0.5) * (1 if v >= 0 else -1) for v in r[1:]]
        sw, sh = rnd[0] * ss, rnd[1] * ss
        rw, rh = max((rnd[2] + 1) * ss - sw, 0.1), max((rnd[3] + 1) * ss - sh, 0.1)
        hs = min(max(math.floor(ph * rh / P + sh), 0), H)
        he = min(max(math.ceil((ph + 1) * rh / P + sh), 0), H)
        ws = min(max(math.floor(pw * rw / P + sw), 0), W)
        we = min(max(math.ceil((pw + 1) * rw / P + sw), 0), W)
        c = (ct * gs + min(ph * gs // P, gs - 1)) * gs + min(pw * gs // P, gs - 1)
        if he > hs and we > ws:
            out[n, ct, ph, pw] = x[int(r[0]), c, hs:he, ws:we].mean()
    return out


def test_psroi_matches_mxnet_and_oracle():
    x, rois, _, dy = _ps_data()
    X = mx.nd.array(x)
    X.attach_grad()
    with autograd.record():
        y = mx.nd.contrib.PSROIPooling(X, mx.nd.array(rois), spatial_scale=0.5, output_dim=2,
                                       pooled_size=2)
    y.backward(mx.nd.array(dy))
    _close(y.asnumpy(), PS_Y, rtol=0, atol=0)          # same summation order: bit for bit
    _close(X.grad.asnumpy().sum(axis=(2, 3)), PS_GX_SUMS, rtol=1e-6, atol=1e-7)
    _close(X.grad.asnumpy()[0, 0, :2], PS_GX_ROW01, rtol=1e-6, atol=1e-8)
    ref = psroi_ref(x.astype(np.float64), rois.astype(np.float64), 0.5, 2, 2, 2)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-6, atol=1e-7)
    y3 = mx.nd.contrib.PSROIPooling(mx.nd.array(x, dtype=np.float64), mx.nd.array(
        rois, dtype=np.float64), spatial_scale=0.7, output_dim=2, pooled_size=3, group_size=2)
    ref3 = psroi_ref(x.astype(np.float64), rois, float(np.float32(0.7)), 2, 3, 2)
    np.testing.assert_allclose(y3.asnumpy(), ref3, rtol=1e-12, atol=1e-14)


def test_deformable_psroi_matches_mxnet():
    x, rois, trans, dy = _ps_data()
    X, T = mx.nd.array(x), mx.nd.array(trans)
    X.attach_grad()
    T.attach_grad()
    with autograd.record():
        y = mx.nd.contrib.DeformablePSROIPooling(X, mx.nd.array(rois), T, **DPS_KW)
    y.backward(mx.nd.array(dy))
    _close(y.asnumpy(), DPS_Y, rtol=0, atol=0)         # bit for bit
    _close(X.grad.asnumpy().sum(axis=(2, 3)), PS_GX_SUMS, rtol=1e-6, atol=1e-6)
    _close(X.grad.asnumpy()[0, 0, :3], DPS_GX_ROW012, rtol=1e-6, atol=1e-8)
    _close(T.grad.asnumpy(), DPS_GT, rtol=1e-5, atol=1e-7)


def dpsroi_ref(x, rois, trans, ss, od, P, gs, ps, spp, ts):
    """DeformablePSROIPooling in float64 loops (MXNet's rules); trans None: no_trans."""
    C, H, W = x.shape[1:]
    out = np.zeros((len(rois), od, P, P))
    cec = od if trans is None else od // (trans.shape[1] // 2)
    for n, ct, ph, pw in np.ndindex(len(rois), od, P, P):
        r = rois[n]
        rnd = [math.floor(abs(v) + 0.5) * (1 if v >= 0 else -1) for v in r[1:]]
        sw, sh = rnd[0] * ss - 0.5, rnd[1] * ss - 0.5
        rw = max((rnd[2] + 1) * ss - 0.5 - sw, 0.1)
        rh = max((rnd[3] + 1) * ss - 0.5 - sh, 0.1)
        parth, partw, cid = math.floor(ph / P * ps), math.floor(pw / P * ps), ct // cec
        tx = 0 if trans is None else trans[n, 2 * cid, parth, partw] * ts
        ty = 0 if trans is None else trans[n, 2 * cid + 1, parth, partw] * ts
        c = (ct * gs + min(ph * gs // P, gs - 1)) * gs + min(pw * gs // P, gs - 1)
        im = x[int(r[0]), c]
        s = cnt = 0
        for ih, iw in np.ndindex(spp, spp):
            w = pw * rw / P + sw + tx * rw + iw * rw / P / spp
            h = ph * rh / P + sh + ty * rh + ih * rh / P / spp
            if w < -0.5 or w > W - 0.5 or h < -0.5 or h > H - 0.5:
                continue
            w, h = min(max(w, 0), W - 1), min(max(h, 0), H - 1)
            x0, y0, x1, y1 = math.floor(w), math.floor(h), math.ceil(w), math.ceil(h)
            dx, dy = w - x0, h - y0
            s += ((1 - dx) * (1 - dy) * im[y0, x0] + (1 - dx) * dy * im[y1, x0]
                  + dx * (1 - dy) * im[y0, x1] + dx * dy * im[y1, x1])
            cnt += 1
        out[n, ct, ph, pw] = s / cnt if cnt else 0.0
    return out


@pytest.mark.parametrize("no_trans", [True, False])
def test_deformable_psroi_float64_oracle(no_trans):
    x, rois, trans, _ = _ps_data()
    rois = np.concatenate([rois, [[1, -2, -3, 20, 20]]]).astype(np.float64)
    trans = np.concatenate([trans, trans[:1]]).astype(np.float64)
    kw = dict(spatial_scale=0.7, output_dim=2, pooled_size=3, group_size=2, part_size=2,
              sample_per_part=3, trans_std=0.2)
    args = [mx.nd.array(x, dtype=np.float64), mx.nd.array(rois, dtype=np.float64)]
    args += [] if no_trans else [mx.nd.array(trans, dtype=np.float64)]
    y = mx.nd.contrib.DeformablePSROIPooling(*args, no_trans=no_trans, **kw).asnumpy()
    f32 = lambda v: float(np.float32(v))  # noqa: E731  (MXNet's float parameters)
    ref = dpsroi_ref(x.astype(np.float64), rois, None if no_trans else trans, f32(0.7), 2, 3, 2,
                     2, 3, f32(0.2))
    np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-14)
    assert np.abs(ref).sum() > 1


@pytest.mark.parametrize("no_trans", [True, False])
def test_deformable_psroi_gradients_finite_differences(no_trans):
    x, rois, trans, _ = _ps_data()
    args = [mx.nd.array(x, dtype=np.float64), mx.nd.array(rois, dtype=np.float64)]
    kw = dict(DPS_KW, no_trans=no_trans)
    if not no_trans:
        args.append(mx.nd.array(trans, dtype=np.float64))
    check_grads(lambda *a: mx.nd.contrib.DeformablePSROIPooling(*a, **kw), args, order=2,
                wrt=[0] if no_trans else [0, 2], rtol=1e-4, atol=1e-6)


def test_psroi_errors():
    x, r = mx.nd.ones((1, 8, 4, 4)), mx.nd.array([[0, 0, 0, 3, 3]])
    kw = dict(spatial_scale=1.0, output_dim=2, pooled_size=2)
    with pytest.raises(MXNetError, match="rois should be a 2D tensor"):
        mx.nd.contrib.PSROIPooling(x, mx.nd.array([[0, 0, 0, 3]]), **kw)
    with pytest.raises(MXNetError, match="data should be a 4D tensor"):
        mx.nd.contrib.PSROIPooling(mx.nd.ones((8, 4, 4)), r, **kw)
    with pytest.raises(MXNetError, match="exceed bound"):
        mx.nd.contrib.PSROIPooling(x, r, **dict(kw, spatial_scale=2.0))
    with pytest.raises(MXNetError, match="fewer than output_dim"):
        mx.nd.contrib.PSROIPooling(x, r, **dict(kw, output_dim=3))
    with pytest.raises(MXNetError, match="expects 2 inputs, but got 3"):
        mx.nd.contrib.DeformablePSROIPooling(x, r, mx.nd.zeros((1, 2, 2, 2)), group_size=2,
                                             no_trans=True, **kw)
    with pytest.raises(MXNetError, match="trans should be"):
        mx.nd.contrib.DeformablePSROIPooling(x, r, mx.nd.zeros((1, 2, 3, 3)), group_size=2,
                                             **kw)


# ---------------------------------------------------------------- Proposal / MultiProposal
# RandomState(12): cls_prob (2,6,3,4), bbox_pred (2,12,3,4) in +-0.4, im_info below;
# scales (2,), ratios (0.5, 1, 2), feature_stride 8, rpn_min_size 6, pre 12, post 6,
# threshold 0.5 (Proposal on image 0); MultiProposal with iou_loss, post 4, threshold 0.3;
# PROP_WRAP: pre -1, post 20, threshold 0.2 (the 4 kept boxes repeat).
PROP_INFO = [[20, 28, 1.0], [24, 32, 0.5]]
PROP_KW = dict(scales=(2.0,), ratios=(0.5, 1.0, 2.0), feature_stride=8, rpn_min_size=6,
               rpn_pre_nms_top_n=12, rpn_post_nms_top_n=6, threshold=0.5, output_score=True)
PROP_ROIS = [0, 6.72665215, 4.83805847, 24.8061924, 19, 0, 0, 0.542471886, 16.7646294,
             15.8391829, 0, 5.84926891, 0, 13.9551058, 8.86856937, 0, 0, 0, 8.75740528,
             10.2162561, 0, 0, 0, 5.83775234, 18.2331066, 0, 14.5348206, 0, 24.1565514,
             16.7268181]
PROP_SCORES = [0.995138168, 0.825009227, 0.803516626, 0.767475665, 0.572404504, 0.506556094]
MPROP_ROIS = [0, 1.19392824, 6.09471416, 21.8575745, 17.324316, 0, 0.793424189, 0, 21.9351501,
              9.30605698, 0, 0, 0, 8.79135895, 19, 0, 13.9871407, 0, 24.8779945, 19, 1, 0,
              8.04775143, 9.06941795, 23, 1, 4.24881649, 4.34201288, 19.0972309, 18.8355675, 1,
              13.6426268, 7.76442766, 24.8010044, 23, 1, 11.7802105, 0, 27.0782013, 11.2767639]
MPROP_SCORES = [0.995138168, 0.825009227, 0.641678095, 0.506556094, 0.968618333, 0.930676043,
                0.91278398, 0.786844492]
PROP_WRAP5 = [0, 6.72665215, 4.83805847, 24.8061924, 19, 0, 5.84926891, 0, 13.9551058,
              8.86856937, 0, 0, 0, 8.05490685, 19, 0, 12.9052858, 0, 26.6401291, 6.18068361, 0,
              20.3723469, -2.14156723, 30, 16.9585075, 0, -3, 13.99856, 13.1912069, 22]


def _prop_data():
    rs = np.random.RandomState(12)
    cls = rs.uniform(0, 1, (2, 6, 3, 4)).astype(np.float32)
    bbox = rs.uniform(-0.4, 0.4, (2, 12, 3, 4)).astype(np.float32)
    return mx.nd.array(cls), mx.nd.array(bbox), mx.nd.array(PROP_INFO)


def test_proposal_matches_mxnet():
    cls, bbox, info = _prop_data()
    rois, scores = mx.nd.contrib.Proposal(cls[0:1], bbox[0:1], info[0:1], **PROP_KW)
    _close(rois.asnumpy(), PROP_ROIS, rtol=0, atol=0)
    _close(scores.asnumpy(), PROP_SCORES, rtol=0, atol=0)
    kw = dict(PROP_KW, output_score=False, rpn_post_nms_top_n=20, rpn_pre_nms_top_n=-1,
              threshold=0.2)
    wrap = mx.nd.contrib.Proposal(cls[0:1], bbox[0:1], info[0:1], **kw).asnumpy()
    assert wrap.shape == (20, 5)
    _close(wrap[:6], PROP_WRAP5, rtol=0, atol=0)
    np.testing.assert_array_equal(wrap[6:], np.concatenate([wrap[:6]] * 3)[:14])


def test_multiproposal_matches_mxnet():
    cls, bbox, info = _prop_data()
    rois, scores = mx.nd.contrib.MultiProposal(
        cls, bbox, info, **dict(PROP_KW, iou_loss=True, rpn_post_nms_top_n=4, threshold=0.3))
    _close(rois.asnumpy(), MPROP_ROIS, rtol=0, atol=0)
    _close(scores.asnumpy(), MPROP_SCORES, rtol=0, atol=0)


def test_proposal_anchors_are_faster_rcnn_anchors():
    from mxnb.ops.contrib_det_rpn import anchors

    want = [[-84, -40, 99, 55], [-176, -88, 191, 103], [-360, -184, 375, 199],
            [-56, -56, 71, 71], [-120, -120, 135, 135], [-248, -248, 263, 263],
            [-36, -80, 51, 95], [-80, -168, 95, 183], [-168, -344, 183, 359]]
    np.testing.assert_array_equal(anchors(16, (8, 16, 32), (0.5, 1, 2)), want)


def test_proposal_keeps_nms_survivors_and_has_zero_gradient():
    # zero deltas: the proposals are the anchors themselves, and NMS keeps IoU <= threshold.
    cls, bbox, info = _prop_data()
    zero = mx.nd.zeros(bbox[0:1].shape)
    kw = dict(PROP_KW, rpn_min_size=0, rpn_pre_nms_top_n=-1, rpn_post_nms_top_n=36,
              threshold=0.99)
    c = cls[0:1].copy()
    c.attach_grad()
    with autograd.record():
        rois, scores = mx.nd.contrib.Proposal(c, zero, mx.nd.array([[24, 32, 1]]), **kw)
    rois, scores = rois.asnumpy(), scores.asnumpy().ravel()
    assert (np.diff(scores) <= 0).all()
    assert np.isin(scores, c.asnumpy()[0, 3:].ravel()).all()
    assert len({tuple(r) for r in rois.tolist()}) == 36
    with autograd.record():
        y = mx.nd.contrib.Proposal(c, zero, mx.nd.array([[24, 32, 1]]), **kw)[0]
    y.backward()
    assert (c.grad.asnumpy() == 0).all()


def test_proposal_errors():
    cls, bbox, info = _prop_data()
    kw = dict(PROP_KW)
    with pytest.raises(MXNetError, match="multiple images each device is not implemented"):
        mx.nd.contrib.Proposal(cls, bbox, info, **kw)
    with pytest.raises(MXNetError, match=r"Provided = \[1,8,3,4\], inferred shape=\(1,12,3,4\)"):
        mx.nd.contrib.Proposal(cls[0:1], bbox[0:1, :8], info[0:1], **kw)
    with pytest.raises(MXNetError, match="Unsupported data type"):
        mx.nd.contrib.Proposal(cls[0:1].astype(np.float64), bbox[0:1].astype(np.float64),
                               info[0:1].astype(np.float64), **kw)
    with pytest.raises(MXNetError, match=r"height >= real_height \(3 vs. 5\)"):
        mx.nd.contrib.Proposal(cls[0:1], bbox[0:1], mx.nd.array([[40, 28, 1]]), **kw)


# ---------------------------------------------------------------- RROIAlign
# RandomState(13): x (2,3,7,8); RR_Y0: pooled (2,3), scale 1, channel 0 of every roi;
# RR_Y1: pooled (3,2), scale 0.7, sampling_ratio 2, channel 2.
RR_ROIS = [[0, 3.1, 2.4, 4.2, 2.7, 30], [1, 2.2, 3.3, 3.1, 4.3, -65], [0, 6.5, 5.5, 9, 7, 120],
           [1, 0.2, 0.1, 0.5, 0.3, 0], [0, 4, 3.5, 30, 20, 10]]
RR_Y0 = [-0.462270647, -0.367438972, -0.201003864, 0.287265986, 0.0259442329, 0.00649098121,
         0.328000277, 0.2934843, -0.0381618105, 0.0015877845, -0.256263614, -0.140762687, 0,
         -0.341768652, -0.0162262302, 0, -0.128980234, 0.111317299, 0.826602459, 0.69247371,
         0.468925774, 0.421293378, 0.312537789, 0.131278649, 0, 0.0213636272, 0,
         0.00544757536, -0.0561985634, 0]
RR_Y1 = [0.517634094, -0.240924776, 0.356875479, -0.212150812, 0.0771564841, -0.330471158,
         -0.154764578, -0.161075175, -0.228160307, -0.121016085, -0.266109645, -0.179222867,
         0.392983377, -0.166855574, -0.000986076891, -0.451286972, -0.395670772, 0.0563024357,
         0.123180024, -0.29722771, 0.117493317, -0.28990972, 0.0932630002, -0.258728683,
         -0.187869638, 0, -0.205129236, 0.227079704, -0.0138001107, -0.0574193671]


def _rr_data(dtype=np.float32):
    x = np.random.RandomState(13).uniform(-1, 1, (2, 3, 7, 8)).astype(np.float32)
    return mx.nd.array(x, dtype=dtype), mx.nd.array(RR_ROIS, dtype=dtype)


def test_rroialign_matches_mxnet():
    x, rois = _rr_data()
    y0 = mx.nd.contrib.RROIAlign(x, rois, pooled_size=(2, 3), spatial_scale=1.0)
    y1 = mx.nd.contrib.RROIAlign(x, rois, pooled_size=(3, 2), spatial_scale=0.7,
                                 sampling_ratio=2)
    assert y0.shape == (5, 3, 2, 3) and y1.shape == (5, 3, 3, 2)
    _close(y0.asnumpy()[:, 0], RR_Y0, rtol=0, atol=0)
    _close(y1.asnumpy()[:, 2], RR_Y1, rtol=0, atol=0)


def test_rroialign_unrotated_is_roialign():
    # rois of at least 1x1 (smaller ones grow around their centre here, from x1 in ROIAlign)
    x, rois = _rr_data(np.float64)
    r = rois.asnumpy()
    r[:, 5] = 0
    corners = np.stack([r[:, 0], r[:, 1] - r[:, 3] / 2, r[:, 2] - r[:, 4] / 2,
                        r[:, 1] + r[:, 3] / 2, r[:, 2] + r[:, 4] / 2], axis=1)
    y = mx.nd.contrib.RROIAlign(x, mx.nd.array(r, dtype=np.float64), pooled_size=(2, 3),
                                spatial_scale=1.0, sampling_ratio=2)
    want = mx.nd.contrib.ROIAlign(x, mx.nd.array(corners[:3], dtype=np.float64), (2, 3), 1.0,
                                  sample_ratio=2)
    np.testing.assert_allclose(y.asnumpy()[:3], want.asnumpy(), rtol=1e-12, atol=1e-12)


def test_rroialign_data_gradient_finite_differences():
    x, rois = _rr_data(np.float64)
    check_grads(lambda a, b: mx.nd.contrib.RROIAlign(a, b, pooled_size=(2, 2),
                                                     spatial_scale=0.8), [x, rois], order=2,
                wrt=[0])


def test_rroialign_errors():
    x, rois = _rr_data()
    with pytest.raises(MXNetError, match=r"bbox should be a 2D tensor of shape \[batch, 6\]"):
        mx.nd.contrib.RROIAlign(x, rois[:, :5], pooled_size=(2, 2), spatial_scale=1.0)
    with pytest.raises(MXNetError, match="data should be a 4D tensor"):
        mx.nd.contrib.RROIAlign(x[0], rois, pooled_size=(2, 2), spatial_scale=1.0)
