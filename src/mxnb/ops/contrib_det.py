"""`mx.nd.contrib.DeformableConvolution` and `ModulatedDeformableConvolution` (2-D, NCHW).

Each output pixel's taps are moved by learned offsets: the input is sampled
bilinearly at the moved taps (a deformable im2col, `kernels/deform.py`, a Numba
kernel parallel over patch rows) and the patch matrix goes through one BLAS gemm per
group, as in Convolution. The modulated form (DCNv2) multiplies each sample by a mask.

MXNet 1.9.1's rules, checked against it: offset is (N, DG * KH * KW * 2, OH, OW) with
[dh, dw] per tap, mask (N, DG * KH * KW, OH, OW); deformable group g offsets channels
[g * C / DG, (g + 1) * C / DG). The sampling rules (where a sample counts, how corners
past the border are read) differ between the two ops: see kernels/deform.py. The
gradients (data, offset, mask, weight, bias) are the exact derivatives of those
piecewise-bilinear samples, which is what MXNet's kernels compute.

The fused backward runs the Numba adjoints; the VJP writes the same gradient with mxnb
ops (gathers of the four corners, bilinear weights as functions of the offsets, scatter
back), so both ops are differentiable to any order.
"""
import numpy as np

from .. import _blas
from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .nn import check_inputs
from .nn_conv import _as_tuple, conv_geo
from .registry import Op, fmt_shape, register
from .roi import _scatter_nd

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _k():
    from ..kernels import deform

    return deform


def _mod(op):
    return op.name == "_contrib_ModulatedDeformableConvolution"


def _split(op, ins):
    """(x, offset, mask or None, weight, bias or None) of an input list."""
    m = _mod(op)
    x, off = ins[0], ins[1]
    mask = ins[2] if m else None
    w = ins[2 + m]
    b = ins[3 + m] if len(ins) > 3 + m else None
    return x, off, mask, w, b


def _geo(op, attrs, x_shape):
    if len(_as_tuple(attrs["kernel"])) != 2:
        raise MXNetError(f"{op.name}: not implemented: only 2-D kernels (h, w) are supported, "
                         f"got kernel {attrs['kernel']}")
    if len(x_shape) != 4:
        raise MXNetError(f"{op.name}: Input data should be 4D in batch-num_filter-y-x, got "
                         f"data shape {fmt_shape(x_shape)}")
    geo = conv_geo(op, attrs, x_shape)
    dg = int(attrs["num_deformable_group"])
    if dg < 1 or geo.C % dg:
        raise MXNetError(f"{op.name}: num_deformable_group {dg} must divide the input channels "
                         f"{geo.C}")
    return geo, dg


def _check_map(op, name, a, geo, per):
    """offset / mask: (N, dg * per, OH, OW); returns its deformable group count."""
    if a.ndim != 4 or a.shape[0] != geo.N:
        raise MXNetError(f"{op.name}: {name} should be (batch {geo.N}, channels, {geo.OH}, "
                         f"{geo.OW}), got {fmt_shape(a.shape)}")
    if a.shape[1] % (geo.KH * geo.KW):
        raise MXNetError(f"{op.name}: Check failed: {name}shape[1] % (param_.kernel[0] * "
                         f"param_.kernel[1]) == 0U ({a.shape[1] % (geo.KH * geo.KW)} vs. 0) : "
                         "offset filter must divide deformable group size")
    for ax, what, want in ((2, "height", geo.OH), (3, "width", geo.OW)):
        if a.shape[ax] != want:
            raise MXNetError(f"{op.name}: Check failed: oshape[{ax}] == {name}shape[{ax}] ({want} "
                             f"vs. {a.shape[ax]}) : output {what} must equal to {name} map "
                             f"{what}")
    return a.shape[1] // per


def _infer(op, inputs, attrs):
    m = _mod(op)
    names = ("data", "offset") + (("mask",) if m else ()) + ("weight",)
    names += () if attrs["no_bias"] else ("bias",)
    check_inputs(op, inputs, names)
    x, off, mask, w, b = _split(op, inputs)
    geo, dg = _geo(op, attrs, x.shape)
    k = geo.KH * geo.KW
    got = _check_map(op, "offset", off, geo, 2 * k)
    if got != dg:
        raise MXNetError(f"{op.name}: Check failed: offsetshape[1] / (2 * param_.kernel[0] * "
                         f"param_.kernel[1]) == param_.num_deformable_group ({got} vs. {dg}) : "
                         "offset filter must divide deformable group size")
    if mask is not None and _check_map(op, "mask", mask, geo, k) != dg:
        raise MXNetError(f"{op.name}: Check failed: maskshape[1] / (param_.kernel[0] * "
                         f"param_.kernel[1]) == param_.num_deformable_group ("
                         f"{mask.shape[1] // k} vs. {dg}) : mask filter must divide "
                         "deformable group size")
    dt = np.dtype(x.dtype)
    if dt.kind != "f":
        raise MXNetError(f"{op.name}: data must be float16, float32 or float64, got {dt.name}")
    for nm, a in zip(names[1:], inputs[1:]):
        if np.dtype(a.dtype) != dt:
            raise MXNetError(f"{op.name}: Check failed: (*in_type)[i] == dtype : This layer "
                             f"requires uniform type. Expected '{dt.name}' v.s. given "
                             f"'{np.dtype(a.dtype).name}' at '{nm}'")
    for a, want in ((w, geo.wshape()), (b, (geo.F,))):
        if a is not None and tuple(a.shape) != want:
            raise MXNetError(f"{op.name}: Shape inconsistent, Provided = "
                             f"[{','.join(str(d) for d in a.shape)}], inferred shape="
                             f"({','.join(str(d) for d in want)})")
    return [(geo.yshape(), dt)]


# ---------------------------------------------------------------- raw (NumPy / Numba) passes


def _args(geo, dg):
    return (geo.N, geo.C, geo.H, geo.W, geo.KH, geo.KW, geo.sh, geo.sw, geo.ph, geo.pw,
            geo.dh, geo.dw, geo.OH, geo.OW, dg)


class _Raw:
    """The compute-dtype flat inputs of one call (float16 computes in float32)."""

    def __init__(self, op, attrs, ins):
        x, off, mask, w, b = _split(op, ins)
        self.geo, self.dg = _geo(op, attrs, x.shape)
        self.mod = mask is not None
        self.cdt = _F64 if np.dtype(x.dtype) == _F64 else _F32
        flat = lambda a: np.ascontiguousarray(a, dtype=self.cdt).reshape(-1)  # noqa: E731
        self.x, self.off = flat(x), flat(off)
        self.mask = flat(mask) if self.mod else np.ones(1, self.cdt)
        g = self.geo
        self.G, self.Fg = g.G, g.F // g.G
        self.CgK = g.C // g.G * g.KH * g.KW
        self.P = g.OH * g.OW
        self.w3 = np.ascontiguousarray(w, dtype=self.cdt).reshape(self.G, self.Fg, self.CgK)
        self.b = b

    def run(self, name, n_work, *args):
        _k().run(getattr(_k(), name), n_work, 40, self.cdt, *args)

    def im2col(self):
        g = self.geo
        col = np.empty((g.C * g.KH * g.KW, g.N * self.P), self.cdt)
        self.run("deform_im2col", col.size, self.x, self.off, self.mask, self.mod,
                 *_args(g, self.dg), col.reshape(-1))
        return col

    def rows(self, a, i, per):
        return a[i * per:(i + 1) * per]


def _forward(op, ins, outs, attrs):
    r = _Raw(op, attrs, ins)
    g = r.geo
    col = r.im2col()
    Y = np.empty((g.F, g.N * r.P), r.cdt)
    for i in range(r.G):
        np.dot(r.w3[i], r.rows(col, i, r.CgK), out=r.rows(Y, i, r.Fg))
    _blas.used(g.F * r.CgK * g.N * r.P)
    y = Y.reshape(g.F, g.N, r.P).transpose(1, 0, 2)
    if r.b is not None:
        y = y + np.asarray(r.b, dtype=r.cdt).reshape(1, -1, 1)
    np.copyto(outs[0], y.reshape(outs[0].shape), casting="unsafe")


def _backward(op, dys, ins, outs, attrs):
    r = _Raw(op, attrs, ins)
    g = r.geo
    x, off, mask, w, b = _split(op, ins)
    dy = np.asarray(dys[0], dtype=r.cdt).reshape(g.N, g.F, r.P)
    dyT = np.ascontiguousarray(dy.transpose(1, 0, 2)).reshape(g.F, g.N * r.P)
    col = r.im2col()
    dw = np.empty((r.G, r.Fg, r.CgK), r.cdt)
    dcol = np.empty_like(col)
    for i in range(r.G):
        # NOTE: col @ dy.T, then transposed: the orientation nn_conv found fast in OpenBLAS.
        dw[i] = np.dot(r.rows(col, i, r.CgK), r.rows(dyT, i, r.Fg).T).T
        np.dot(r.w3[i].T, r.rows(dyT, i, r.Fg), out=r.rows(dcol, i, r.CgK))
    _blas.used(2 * g.F * r.CgK * g.N * r.P)
    dcf = dcol.reshape(-1)
    dx = np.zeros(r.x.shape, r.cdt)
    r.run("deform_col2im", dx.size * g.KH * g.KW, dcf, r.off, r.mask, r.mod, *_args(g, r.dg),
          dx)
    doff = np.empty(r.off.shape, r.cdt)
    dmask = np.empty(r.mask.shape if r.mod else 1, r.cdt)
    r.run("deform_col2coord", doff.size * g.C // r.dg, dcf, r.x, r.off, r.mask, r.mod,
          *_args(g, r.dg), doff, dmask)
    res = [dx.reshape(x.shape).astype(x.dtype, copy=False),
           doff.reshape(off.shape).astype(off.dtype, copy=False)]
    if r.mod:
        res.append(dmask.reshape(mask.shape).astype(mask.dtype, copy=False))
    res.append(dw.reshape(w.shape).astype(w.dtype, copy=False))
    if b is not None:
        res.append(dy.sum(axis=(0, 2), dtype=np.float64).astype(b.dtype))
    return res


# ---------------------------------------------------------------- VJP in mxnb ops


def sample_plan(off, geo, dg, modulated):
    """The sampling plan of kernels/deform.py in NumPy, shaped (N, DG, K, P): valid (0/1),
    ah / aw (lh = ch * (offset_h + ah)), ch / cw (0 where clamped), and the flat data index
    of each corner, (N, DG, Cg, K, P, 4), x.size where the corner is not read."""
    N, C, H, W = geo.N, geo.C, geo.H, geo.W
    K, P = geo.KH * geo.KW, geo.OH * geo.OW
    dt = off.dtype.type
    o = off.reshape(N, dg, K, 2, P)
    oh, ow = o[:, :, :, 0], o[:, :, :, 1]
    k = np.arange(K)
    ih = ((k // geo.KW) * geo.dh)[:, None]
    iw = ((k % geo.KW) * geo.dw)[:, None]
    p = np.arange(P)
    hin = ((p // geo.OW) * geo.sh - geo.ph)[None, :]
    win = ((p % geo.OW) * geo.sw - geo.pw)[None, :]
    hs = (hin + ih).astype(dt) + oh
    ws = (win + iw).astype(dt) + ow
    if modulated:
        ok = (hs > -1) & (ws > -1) & (hs < H) & (ws < W)
        hl, wl = np.floor(hs), np.floor(ws)
        ah, aw = (hin + ih) - hl, (win + iw) - wl
        hh, wh = hl + 1, wl + 1
        ch = cw = np.ones(hs.shape)
    else:
        ok = (hs >= 0) & (ws >= 0) & (hs < H) & (ws < W)
        rl, cl = np.floor(ih.astype(dt) + oh), np.floor(iw.astype(dt) + ow)
        clh, clw = rl >= H - hin - 1, cl >= W - win - 1
        rl = np.where(clh, H - hin - 1, rl)
        cl = np.where(clw, W - win - 1, cl)
        ch, cw = (~clh).astype(np.float64), (~clw).astype(np.float64)
        ah, aw = ih - rl, iw - cl
        hl, wl = hin + rl, win + cl
        hh, wh = np.minimum(hl + 1, H - 1), np.minimum(wl + 1, W - 1)
    corners = []
    for r, c in ((hl, wl), (hl, wh), (hh, wl), (hh, wh)):
        inside = ok & (r >= 0) & (r < H) & (c >= 0) & (c < W)
        corners.append(np.where(inside, r * W + c, -1).astype(np.int64))
    pos = np.stack(corners, axis=-1)[:, :, None]                       # (N, DG, 1, K, P, 4)
    cg = C // dg
    plane = (np.arange(N)[:, None, None] * C + np.arange(C).reshape(dg, cg)[None]) * (H * W)
    idx = np.where(pos >= 0, plane[:, :, :, None, None, None] + pos, N * C * H * W)
    return ok.astype(np.float64), ah, aw, ch, cw, idx


def _vjp(op, dys, ins, outs, attrs):
    from ..ndarray.creation import array

    x, off, mask, w, b = _split(op, ins)
    dy = dys[0]
    geo, dg = _geo(op, attrs, x.shape)
    N, C, G = geo.N, geo.C, geo.G
    K, P = geo.KH * geo.KW, geo.OH * geo.OW
    Cg, Fg = C // dg, geo.F // G
    CgK = C // G * K
    dt, ctx = x.dtype, x.context
    ok, ah, aw, ch, cw, idx = sample_plan(off.asnumpy(), geo, dg, mask is not None)
    const = lambda a: array(np.asarray(a, np.float64), ctx=ctx, dtype=dt)  # noqa: E731
    bmul = nd.broadcast_mul
    o = nd.reshape(off, shape=(N, dg, K, 2, P))
    oh = nd.reshape(nd.slice_axis(o, axis=3, begin=0, end=1), shape=(N, dg, K, P))
    ow = nd.reshape(nd.slice_axis(o, axis=3, begin=1, end=2), shape=(N, dg, K, P))
    lh = bmul(const(ch), nd.broadcast_add(oh, const(ah)))
    lw = bmul(const(cw), nd.broadcast_add(ow, const(aw)))
    okc = const(ok)
    lh1, lw1 = 1 - lh, 1 - lw
    wts = bmul(nd.stack(lh1 * lw1, lh1 * lw, lh * lw1, lh * lw, axis=4),
               nd.expand_dims(okc, axis=4))                             # (N, DG, K, P, 4)
    xpad = nd.concat(nd.reshape(x, shape=(-1,)), const(np.zeros(1)), dim=0)
    X = nd.reshape(nd._gather_flat(xpad, array(idx.reshape(-1), ctx=ctx, dtype=np.int64)),
                   shape=idx.shape)                                     # (N, DG, Cg, K, P, 4)
    val = nd.sum(bmul(X, nd.expand_dims(wts, axis=2)), axis=5)          # (N, DG, Cg, K, P)
    m = None if mask is None else nd.expand_dims(nd.reshape(mask, shape=(N, dg, K, P)), axis=2)
    col = val if m is None else bmul(val, m)
    # the gemm: y[n, g] = w[g] @ col[n, g] per image and group
    colg = nd.reshape(col, shape=(N * G, CgK, P))
    dyg = nd.reshape(dy, shape=(N * G, Fg, P))
    wg = nd.reshape(nd.broadcast_to(nd.reshape(w, shape=(1, G, Fg, CgK)), shape=(N, G, Fg, CgK)),
                    shape=(N * G, Fg, CgK))
    dcol = nd.reshape(nd.batch_dot(wg, dyg, transpose_a=True), shape=(N, dg, Cg, K, P))
    dw = nd.reshape(nd.sum(nd.reshape(nd.batch_dot(dyg, colg, transpose_b=True),
                                      shape=(N, G * Fg * CgK)), axis=0), shape=w.shape)
    # the sampling's adjoint
    gs = dcol if m is None else bmul(dcol, m)
    dx = _scatter_nd(bmul(nd.expand_dims(gs, axis=5), nd.expand_dims(wts, axis=2)), idx,
                     tuple(x.shape))
    dwh = nd.stack(-lw1, -lw, lw1, lw, axis=4)
    dww = nd.stack(-lh1, lh1, -lh, lh, axis=4)
    gh = nd.sum(gs * nd.sum(bmul(X, nd.expand_dims(dwh, axis=2)), axis=5), axis=2)
    gw = nd.sum(gs * nd.sum(bmul(X, nd.expand_dims(dww, axis=2)), axis=5), axis=2)
    gh = bmul(gh, const(ok * ch))
    gw = bmul(gw, const(ok * cw))
    doff = nd.reshape(nd.stack(gh, gw, axis=3), shape=off.shape)
    res = [dx, doff]
    if mask is not None:
        res.append(nd.reshape(nd.sum(val * dcol, axis=2), shape=mask.shape))
    res.append(dw)
    if b is not None:
        res.append(nd.sum(dy, axis=(0, 2, 3)))
    return res


def _inputs(modulated, dg, shape=(2, 4, 5, 4), k=(3, 2), F=4, out=(5, 2)):
    def make(rng):
        n, c = shape[:2]
        kk = k[0] * k[1]
        ins = [rng.uniform(-1, 1, shape), rng.uniform(-1.6, 1.6, (n, dg * kk * 2) + out)]
        if modulated:
            ins.append(rng.uniform(0.2, 1, (n, dg * kk) + out))
        return ins + [rng.uniform(-1, 1, (F, c // 2) + k), rng.uniform(-1, 1, (F,))]
    return make


_ATTRS = (("kernel", None), ("stride", ()), ("dilate", ()), ("pad", ()), ("num_filter", None),
          ("num_group", 1), ("num_deformable_group", 1), ("workspace", 1024),
          ("no_bias", False), ("layout", "None"))
_CASE = dict(kernel=(3, 2), stride=(1, 2), dilate=(1, 2), pad=(1, 1), num_filter=4, num_group=2)


def _register(name, modulated, doc):
    ins = ("data", "offset") + (("mask",) if modulated else ()) + ("weight", "bias")
    attrs = _ATTRS + ((("im2col_step", 64),) if modulated else ())
    register(Op(name, ins, optional_inputs=("bias",), attrs=attrs, infer=_infer,
                forward=_host(_forward), backward=_backward, vjp=_vjp, doc=doc,
                test={"attrs": _CASE, "tol": {"rtol": 1e-4, "atol": 1e-5},
                      "cases": [{"inputs": _inputs(modulated, 2),
                                 "attrs": dict(_CASE, num_deformable_group=2)},
                                {"inputs": _inputs(modulated, 1)}]}))


_register("_contrib_DeformableConvolution", False, """2-D deformable convolution (DCNv1).

offset (N, DG * KH * KW * 2, OH, OW) moves each tap [dh, dw]; samples are bilinear.

>>> x = mx.nd.ones((1, 1, 3, 3)); w = mx.nd.ones((1, 1, 2, 2))
>>> mx.nd.contrib.DeformableConvolution(x, mx.nd.zeros((1, 8, 2, 2)), w, kernel=(2, 2),
...                                     num_filter=1, no_bias=True).asnumpy().ravel()
array([4., 4., 4., 4.], dtype=float32)""")
_register("_contrib_ModulatedDeformableConvolution", True, """2-D modulated deformable
convolution (DCNv2): the deformable convolution with each sample scaled by mask
(N, DG * KH * KW, OH, OW).""")
