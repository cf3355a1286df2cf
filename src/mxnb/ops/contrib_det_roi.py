"""`mx.nd.contrib.PSROIPooling` and `DeformablePSROIPooling` (R-FCN position-sensitive pooling).

MXNet 1.9.1's rules, checked against it (CPU forward and backward):

* rois (R, 5) = [batch, x1, y1, x2, y2]; corners rounded (halves away from zero) and
  scaled; the roi ends one pixel past x2 / y2. Bin (ph, pw) of output channel ct reads
  channel (ct * group_size + gh) * group_size + gw of the data, (gh, gw) the bin's group
  cell; so data needs output_dim * group_size^2 channels ([FIX] MXNet reads past its
  buffer when it has fewer; mxnb raises).
* PSROIPooling averages the pixels of the bin [floor(ph * bh + y1), ceil((ph + 1) * bh + y1))
  (clipped to the map; an empty bin gives 0).
* DeformablePSROIPooling shifts the roi by -0.5, moves each bin by trans * trans_std * roi
  size (trans (R, 2 * classes, part_size, part_size), [dx, dy] per class and part; none
  with no_trans) and averages sample_per_part^2 bilinear samples, skipping samples beyond
  half a pixel outside the map and clamping the rest onto it.
* Gradients: w.r.t. data (and trans), as MXNet's kernels; zero w.r.t. rois. Rois with a
  batch index outside [0, batch) give zeros and no gradient ([FIX] MXNet reads other memory).

Both are gathers through a sampling plan made in NumPy from the rois (and trans): the
forward sums in MXNet's order (float32 results match it to the last bit or two), and
the VJP scatters back through `_scatter_flat`, so they are differentiable to any order.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register
from .roi import _check, _scatter_nd


def _round(v):
    """C's round (halves away from zero), in float64 (exact for float32 corners)."""
    v = np.asarray(v, np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def _sizes(op, attrs, data):
    P = int(attrs["pooled_size"])
    gs = int(attrs["group_size"]) or P
    od = int(attrs["output_dim"])
    if min(P, gs, od) < 1:
        raise MXNetError(f"{op.name}: pooled_size, group_size and output_dim must be positive, "
                         f"got {P}, {gs}, {od}")
    if data.shape[1] < od * gs * gs:
        raise MXNetError(f"{op.name}: data has {data.shape[1]} channels, fewer than output_dim "
                         f"* group_size^2 = {od} * {gs}^2 (data shape {fmt_shape(data.shape)})")
    return P, gs, od


def _channels(od, P, gs, dt):
    """The data channel of each (ct, ph, pw): its bin's position-sensitive group cell."""
    g = np.clip(np.floor(np.arange(P).astype(dt) * dt(gs) / dt(P)).astype(np.int64), 0, gs - 1)
    return (np.arange(od)[:, None, None] * gs + g[None, :, None]) * gs + g[None, None, :]


def _planes(x_shape, rois, chan):
    """Flat offset of plane (batch of roi r, chan[...]) as (R, od, P, P), and the valid rois."""
    B, C, H, W = x_shape
    b = np.trunc(np.asarray(rois[:, 0], np.float64)).astype(np.int64)
    ok = (b >= 0) & (b < B)
    return ((np.where(ok, b, 0)[:, None, None, None] * C + chan[None]) * (H * W)), ok


def _seq_sum(v):
    """Sum over the last axis one term after another (MXNet's loop order)."""
    s = v[..., 0].copy()
    for i in range(1, v.shape[-1]):
        s += v[..., i]
    return s


def _gather_raw(x, idx):
    xp = np.concatenate([np.ascontiguousarray(x).reshape(-1), np.zeros(1, x.dtype)])
    return xp[idx]


def _gather_nd(x, idx):
    from ..ndarray.creation import array

    xp = nd.concat(nd.reshape(x, shape=(-1,)), nd.zeros_like(nd.slice_axis(
        nd.reshape(x, shape=(-1,)), axis=0, begin=0, end=1)), dim=0)
    return nd.reshape(nd._gather_flat(xp, array(idx.reshape(-1), ctx=x.context,
                                                dtype=np.int64)), shape=idx.shape)


def _work(a):
    return np.ascontiguousarray(a, dtype=np.float32 if a.dtype == np.float16 else a.dtype)


# ---------------------------------------------------------------- PSROIPooling


def _ps_infer(op, inputs, attrs):
    data, rois = inputs
    dt = _check(op, data, rois, (5,), attrs)
    P, gs, od = _sizes(op, attrs, data)
    return [((rois.shape[0], od, P, P), dt)]


def _ps_plan(x_shape, rois, attrs):
    """(idx (R, od, P, P, S) flat data indices, x.size where unused; area (R, 1, P, P))."""
    B, C, H, W = x_shape
    P = int(attrs["pooled_size"])
    gs = int(attrs["group_size"]) or P
    od = int(attrs["output_dim"])
    dt = rois.dtype.type
    ss = dt(np.float32(attrs["spatial_scale"]))
    p = np.arange(P).astype(dt)

    def bounds(lo, hi, size):
        start = dt(1) * _round(lo).astype(dt) * ss
        end = (_round(hi) + 1).astype(dt) * ss
        length = np.maximum((end - start).astype(np.float64), 0.1).astype(dt)
        bin_ = length / dt(P)
        a = np.floor(p[None] * bin_[:, None] + start[:, None])
        b = np.ceil((p[None] + dt(1)) * bin_[:, None] + start[:, None])
        return (np.clip(a, 0, size).astype(np.int64), np.clip(b, 0, size).astype(np.int64))

    hs, he = bounds(rois[:, 2], rois[:, 4], H)
    ws, we = bounds(rois[:, 1], rois[:, 3], W)
    nh = np.maximum(he - hs, 0)
    nw = np.maximum(we - ws, 0)
    hm, wm = max(int(nh.max(initial=0)), 1), max(int(nw.max(initial=0)), 1)
    plane, ok = _planes(x_shape, rois, _channels(od, P, gs, dt))
    ih, iw = np.arange(hm), np.arange(wm)
    rows = hs[:, :, None] + ih                                           # (R, P, hm)
    cols = ws[:, :, None] + iw                                           # (R, P, wm)
    inside = ((ih < nh[:, :, None])[:, :, None, :, None]
              & (iw < nw[:, :, None])[:, None, :, None, :])              # (R, P, P, hm, wm)
    pix = rows[:, :, None, :, None] * W + cols[:, None, :, None, :]
    idx = plane[..., None, None] + pix[:, None]
    keep = inside[:, None] & ok[:, None, None, None, None, None]
    idx = np.where(keep, idx, B * C * H * W).reshape(idx.shape[:4] + (hm * wm,))
    area = (nh[:, :, None] * nw[:, None, :])[:, None].astype(dt)        # (R, 1, P, P)
    return idx, np.where(ok[:, None, None, None], area, dt(0))


def _ps_fwd(op, ins, outs, attrs):
    x, rois = (_work(a) for a in ins)
    idx, area = _ps_plan(x.shape, rois, attrs)
    s = _seq_sum(_gather_raw(x, idx))
    with np.errstate(invalid="ignore", divide="ignore"):
        outs[0][...] = np.where(area > 0, s / np.where(area > 0, area, 1), 0)


def _ps_vjp(op, dys, ins, outs, attrs):
    from ..ndarray.creation import array

    x, rois = ins
    idx, area = _ps_plan(x.shape, _work(rois.asnumpy()), attrs)
    inv = np.where(area > 0, 1.0 / np.where(area > 0, area, 1), 0.0)
    w = np.where(idx < x.size, 1.0, 0.0) * inv[..., None]
    vals = nd.broadcast_mul(nd.expand_dims(dys[0], axis=4), array(w, ctx=x.context, dtype=x.dtype))
    return [_scatter_nd(vals, idx, tuple(x.shape)), nd.zeros_like(rois)]


def _ps_inputs(rng):
    x = rng.uniform(-1, 1, (2, 8, 6, 7))
    return [x, np.array([[0, 0.4, 1.2, 4.6, 5.1], [1, 2, 1, 6, 3], [0, 3, 3, 3, 3]])]


register(Op("_contrib_PSROIPooling", ("data", "rois"),
            attrs=(("spatial_scale", None), ("output_dim", None), ("pooled_size", None),
                   ("group_size", 0)),
            infer=_ps_infer, forward=_host(_ps_fwd), vjp=_ps_vjp, nondiff_inputs=(1,),
            doc="""Position-sensitive average pooling of each roi [batch, x1, y1, x2, y2].

>>> x = mx.nd.ones((1, 8, 4, 4)); r = mx.nd.array([[0, 0, 0, 3, 3]])
>>> mx.nd.contrib.PSROIPooling(x, r, spatial_scale=1.0, output_dim=2, pooled_size=2).shape
(1, 2, 2, 2)""",
            test={"inputs": _ps_inputs,
                  "attrs": {"spatial_scale": 0.5, "output_dim": 2, "pooled_size": 2}}))

# ---------------------------------------------------------------- DeformablePSROIPooling

_DPS_ATTRS = (("spatial_scale", None), ("output_dim", None), ("group_size", None),
              ("pooled_size", None), ("part_size", 0), ("sample_per_part", 1),
              ("trans_std", 0.0), ("no_trans", False))


def _dps_infer(op, inputs, attrs):
    want = 2 if attrs["no_trans"] else 3
    if len(inputs) != want:
        raise MXNetError(f"{op.name}: Check failed: num_inputs == infered_num_inputs "
                         f"({len(inputs)} vs. {want}) : Operator {op.name} expects {want} "
                         f"inputs, but got {len(inputs)} instead.")
    data, rois = inputs[:2]
    dt = _check(op, data, rois, (5,), attrs)
    P, gs, od = _sizes(op, attrs, data)
    if want == 3:
        tr = inputs[2]
        ps = int(attrs["part_size"]) or P
        if (tr.ndim != 4 or tr.shape[0] != rois.shape[0] or tr.shape[1] < 2 or tr.shape[1] % 2
                or tuple(tr.shape[2:]) != (ps, ps) or od % (tr.shape[1] // 2)):
            raise MXNetError(f"{op.name}: trans should be (num_rois {rois.shape[0]}, "
                             f"2 * num_classes, part_size {ps}, {ps}) with num_classes "
                             f"dividing output_dim {od}, got {fmt_shape(tr.shape)}")
        if np.dtype(tr.dtype) != dt:
            raise MXNetError(f"{op.name}: trans ({np.dtype(tr.dtype).name}) must have the "
                             f"data's dtype ({dt.name})")
    return [((rois.shape[0], od, P, P), dt)]


def _dps_plan(x_shape, rois, trans, attrs):
    """The samples of every bin: idx (R, od, P, P, S, 4) corner indices, dist (dx, dy) and
    valid / unclamped flags (R, od, P, P, S), count (R, od, P, P), tidx (R, od, P, P)
    flat trans index of dx (dy is one part plane further), and k (R, 2) = trans_std *
    roi (width, height)."""
    B, C, H, W = x_shape
    P = int(attrs["pooled_size"])
    gs = int(attrs["group_size"]) or P
    od = int(attrs["output_dim"])
    ps = int(attrs["part_size"]) or P
    spp = int(attrs["sample_per_part"])
    dt = rois.dtype.type
    ss = dt(np.float32(attrs["spatial_scale"]))
    ts = dt(np.float32(attrs["trans_std"]))
    R = rois.shape[0]
    p = np.arange(P).astype(dt)
    half = dt(0.5)
    sw = _round(rois[:, 1]).astype(dt) * ss - half
    sh = _round(rois[:, 2]).astype(dt) * ss - half
    rw = np.maximum(((_round(rois[:, 3]) + 1).astype(dt) * ss - half - sw).astype(np.float64),
                    0.1).astype(dt)
    rh = np.maximum(((_round(rois[:, 4]) + 1).astype(dt) * ss - half - sh).astype(np.float64),
                    0.1).astype(dt)
    bw, bh = rw / dt(P), rh / dt(P)
    sbw, sbh = bw / dt(spp), bh / dt(spp)
    part = np.floor(p / dt(P) * dt(ps)).astype(np.int64)
    cls = np.arange(od) // (od if trans is None else od // (trans.shape[1] // 2))
    tidx = ((np.arange(R)[:, None, None, None] * (trans.shape[1] if trans is not None else 2)
             + 2 * cls[None, :, None, None]) * ps + part[None, None, :, None]) * ps \
        + part[None, None, None, :]
    if trans is None:
        rx = ry = tx = ty = np.zeros((R, od, P, P), dt)
    else:
        tf = trans.reshape(-1)
        rx, ry = tf[tidx], tf[tidx + ps * ps]
        tx, ty = rx * ts, ry * ts
    wst = (p[None, :] * bw[:, None] + sw[:, None])[:, None, None, :] + tx * rw[:, None, None, None]
    hst = (p[None, :] * bh[:, None] + sh[:, None])[:, None, :, None] + ty * rh[:, None, None, None]
    i = np.arange(spp).astype(dt)
    w = (wst[..., None, None] + i[None, :] * sbw[:, None, None, None, None, None]).reshape(
        R, od, P, P, 1, spp)
    h = (hst[..., None, None] + i[:, None] * sbh[:, None, None, None, None, None]).reshape(
        R, od, P, P, spp, 1)
    w, h = np.broadcast_arrays(w, h)
    w, h = w.reshape(R, od, P, P, -1), h.reshape(R, od, P, P, -1)
    valid = ~((w < -half) | (w > dt(W) - half) | (h < -half) | (h > dt(H) - half))
    wc = np.minimum(np.maximum(w, dt(0)), dt(W - 1))
    hc = np.minimum(np.maximum(h, dt(0)), dt(H - 1))
    x0, x1 = np.floor(wc), np.ceil(wc)
    y0, y1 = np.floor(hc), np.ceil(hc)
    plane, ok = _planes(x_shape, rois, _channels(od, P, gs, dt))
    valid &= ok[:, None, None, None, None]
    corners = [(y0, x0), (y1, x0), (y0, x1), (y1, x1)]
    idx = np.stack([plane[..., None] + (r.astype(np.int64) * W + c.astype(np.int64))
                    for r, c in corners], axis=-1)
    idx = np.where(valid[..., None], idx, B * C * H * W)
    count = valid.sum(axis=-1).astype(dt)
    free_x = ((w >= 0) & (w <= W - 1)).astype(np.float64)
    free_y = ((h >= 0) & (h <= H - 1)).astype(np.float64)
    return dict(idx=idx, dx=wc - x0, dy=hc - y0, valid=valid, count=count, tidx=tidx,
                free=(free_x, free_y), k=np.stack([ts * rw, ts * rh], axis=1),
                t=(rx, ry))


def _dps_fwd(op, ins, outs, attrs):
    x, rois = _work(ins[0]), _work(ins[1])
    trans = _work(ins[2]) if len(ins) == 3 else None
    pl = _dps_plan(x.shape, rois, trans, attrs)
    X = _gather_raw(x, pl["idx"])
    one = x.dtype.type(1)
    dx, dy = pl["dx"], pl["dy"]
    v = ((one - dx) * (one - dy) * X[..., 0] + (one - dx) * dy * X[..., 1]
         + dx * (one - dy) * X[..., 2] + dx * dy * X[..., 3])
    s = _seq_sum(np.where(pl["valid"], v, x.dtype.type(0)))
    cnt = pl["count"]
    outs[0][...] = np.where(cnt > 0, s / np.where(cnt > 0, cnt, one), 0)


def _dps_vjp(op, dys, ins, outs, attrs):
    from ..ndarray.creation import array

    x, rois = ins[0], ins[1]
    trans = ins[2] if len(ins) == 3 else None
    pl = _dps_plan(x.shape, _work(rois.asnumpy()), None if trans is None else
                   _work(trans.asnumpy()), attrs)
    const = lambda a: array(np.asarray(a, np.float64), ctx=x.context, dtype=x.dtype)  # noqa
    bmul = nd.broadcast_mul
    cnt = pl["count"].astype(np.float64)
    g = bmul(dys[0], const(np.where(cnt > 0, 1.0 / np.where(cnt > 0, cnt, 1), 0.0)))
    g = bmul(nd.expand_dims(g, axis=4), const(pl["valid"]))             # (R, od, P, P, S)
    fx, fy = pl["free"]
    if trans is None:
        dx, dy = const(pl["dx"]), const(pl["dy"])
    else:
        # the fractions as functions of trans: d(dist)/d(trans) = trans_std * roi size
        kx = pl["k"][:, 0].astype(np.float64)[:, None, None, None, None]
        ky = pl["k"][:, 1].astype(np.float64)[:, None, None, None, None]
        flat = nd.reshape(trans, shape=(-1,))
        P2 = int(trans.shape[2]) * int(trans.shape[3])
        tx = nd.expand_dims(_gather_nd(flat, pl["tidx"]), axis=4)
        ty = nd.expand_dims(_gather_nd(flat, pl["tidx"] + P2), axis=4)
        t0x = pl["t"][0].astype(np.float64)[..., None]
        t0y = pl["t"][1].astype(np.float64)[..., None]
        dx = nd.broadcast_add(bmul(bmul(tx, const(kx)), const(fx)),
                              const(pl["dx"] - fx * kx * t0x))
        dy = nd.broadcast_add(bmul(bmul(ty, const(ky)), const(fy)),
                              const(pl["dy"] - fy * ky * t0y))
    dx1, dy1 = 1 - dx, 1 - dy
    wts = nd.stack(dx1 * dy1, dx1 * dy, dx * dy1, dx * dy, axis=5)
    gx = _scatter_nd(bmul(nd.expand_dims(g, axis=5), wts), pl["idx"], tuple(x.shape))
    res = [gx, nd.zeros_like(rois)]
    if trans is not None:
        X = _gather_nd(x, pl["idx"])
        ddx = nd.sum(X * nd.stack(-dy1, -dy, dy1, dy, axis=5), axis=5)
        ddy = nd.sum(X * nd.stack(-dx1, dx1, -dx, dx, axis=5), axis=5)
        gtx = nd.sum(g * bmul(ddx, const(fx * kx)), axis=4)
        gty = nd.sum(g * bmul(ddy, const(fy * ky)), axis=4)
        both = nd.stack(gtx, gty, axis=0)
        idx = np.stack([pl["tidx"], pl["tidx"] + P2])
        res.append(_scatter_nd(both, idx, tuple(trans.shape)))
    return res


def _dps_inputs(no_trans):
    def make(rng):
        ins = _ps_inputs(rng)
        if not no_trans:
            ins.append(rng.uniform(-1, 1, (3, 4, 2, 2)))
        return ins
    return make


register(Op("_contrib_DeformablePSROIPooling", ("data", "rois", "trans"),
            optional_inputs=("trans",), attrs=_DPS_ATTRS, infer=_dps_infer,
            forward=_host(_dps_fwd), vjp=_dps_vjp, nondiff_inputs=(1,),
            doc="""Deformable position-sensitive roi pooling (bilinear samples, moved by trans).

>>> x = mx.nd.ones((1, 8, 4, 4)); r = mx.nd.array([[0, 0, 0, 3, 3]])
>>> mx.nd.contrib.DeformablePSROIPooling(x, r, spatial_scale=1.0, output_dim=2,
...                                      group_size=2, pooled_size=2, no_trans=True).shape
(1, 2, 2, 2)""",
            test={"attrs": {"spatial_scale": 0.5, "output_dim": 2, "group_size": 2,
                            "pooled_size": 2, "sample_per_part": 2, "trans_std": 0.1},
                  "cases": [{"inputs": _dps_inputs(True), "attrs": {"no_trans": True}},
                            {"inputs": _dps_inputs(False)}]}))

# ---------------------------------------------------------------- RROIAlign


def _rr_infer(op, inputs, attrs):
    data, rois = inputs
    if data.ndim != 4:
        raise MXNetError(f"{op.name}: Check failed: dshape.ndim() == 4U : data should be a 4D "
                         f"tensor, got {fmt_shape(data.shape)}")
    if rois.ndim != 2 or rois.shape[1] != 6:
        raise MXNetError(f"{op.name}: Check failed: bshape[1] == 6U : bbox should be a 2D tensor "
                         f"of shape [batch, 6], got {fmt_shape(rois.shape)}")
    dt = np.dtype(data.dtype)
    if dt.kind != "f" or np.dtype(rois.dtype) != dt:
        raise MXNetError(f"{op.name}: data ({dt.name}) and rois ({np.dtype(rois.dtype).name}) "
                         "must have the same float dtype")
    ph, pw = _pooled2(op, attrs)
    return [((rois.shape[0], data.shape[1], ph, pw), dt)]


def _pooled2(op, attrs):
    v = attrs["pooled_size"]
    v = (int(v), int(v)) if np.isscalar(v) else tuple(int(a) for a in v)
    if len(v) != 2 or min(v) < 1:
        raise MXNetError(f"{op.name}: pooled_size must be two positive ints (h, w), got {v}")
    return v


def _rr_plan(x_shape, rois, attrs):
    """idx (R, C, PH, PW, S, 4) corner indices (x.size where unused), weights
    (R, 1, PH, PW, S, 4) and the sample count (R,) of MXNet's rotated sampling grid."""
    B, C, H, W = x_shape
    PH, PW = _pooled2(None, attrs)
    dt = rois.dtype.type
    f = lambda v: np.asarray(v, dt)  # noqa: E731
    ss = dt(np.float32(attrs["spatial_scale"]))
    sr = int(attrs["sampling_ratio"])
    R = rois.shape[0]
    cw, ch = rois[:, 1] * ss, rois[:, 2] * ss
    rw = np.maximum(rois[:, 3] * ss, dt(1))
    rh = np.maximum(rois[:, 4] * ss, dt(1))
    theta = (rois[:, 5].astype(np.float64) * np.pi / 180.0).astype(dt)
    cos = np.cos(theta.astype(np.float64)).astype(dt)
    sin = np.sin(theta.astype(np.float64)).astype(dt)
    sh, sw = f(-rh / dt(2)), f(-rw / dt(2))
    bh, bw = rh / dt(PH), rw / dt(PW)
    gh = np.full(R, sr) if sr > 0 else np.ceil(rh / dt(PH)).astype(np.int64)
    gw = np.full(R, sr) if sr > 0 else np.ceil(rw / dt(PW)).astype(np.int64)
    mh, mw = max(int(gh.max(initial=1)), 1), max(int(gw.max(initial=1)), 1)
    r_ = (slice(None),) + (None,) * 4
    ph = np.arange(PH).reshape(1, PH, 1, 1, 1)
    pw = np.arange(PW).reshape(1, 1, PW, 1, 1)
    iy = np.arange(mh).reshape(1, 1, 1, mh, 1)
    ix = np.arange(mw).reshape(1, 1, 1, 1, mw)
    yy = (sh[r_] + ph.astype(dt) * bh[r_]) + (iy + dt(0.5)).astype(dt) * bh[r_] / gh.astype(dt)[r_]
    xx = (sw[r_] + pw.astype(dt) * bw[r_]) + (ix + dt(0.5)).astype(dt) * bw[r_] / gw.astype(dt)[r_]
    x = xx * cos[r_] + yy * sin[r_] + cw[r_]
    y = yy * cos[r_] - xx * sin[r_] + ch[r_]
    inside = (iy < gh[r_]) & (ix < gw[r_])
    empty = (y < -1.0) | (y > H) | (x < -1.0) | (x > W)
    y, x = np.maximum(y, dt(0)), np.maximum(x, dt(0))
    yl, xl = y.astype(np.int64), x.astype(np.int64)
    cy, cx = yl >= H - 1, xl >= W - 1
    yl, xl = np.where(cy, H - 1, yl), np.where(cx, W - 1, xl)
    y, x = np.where(cy, yl.astype(dt), y), np.where(cx, xl.astype(dt), x)
    yh, xh = np.where(cy, yl, yl + 1), np.where(cx, xl, xl + 1)
    ly, lx = y - yl.astype(dt), x - xl.astype(dt)
    hy, hx = dt(1) - ly, dt(1) - lx
    wts = np.stack([hy * hx, hy * lx, ly * hx, ly * lx], axis=-1)
    pos = np.stack([yl * W + xl, yl * W + xh, yh * W + xl, yh * W + xh], axis=-1)
    b = np.trunc(rois[:, 0].astype(np.float64)).astype(np.int64)
    okb = (b >= 0) & (b < B)
    use = (inside & ~empty & okb[r_])[..., None]
    plane = (np.where(okb, b, 0)[:, None] * C + np.arange(C)[None]) * (H * W)   # (R, C)
    idx = plane[:, :, None, None, None, None] + pos.reshape(R, 1, PH, PW, mh * mw, 4)
    idx = np.where(use.reshape(R, 1, PH, PW, mh * mw, 1), idx, B * C * H * W)
    wts = np.where(use, wts, dt(0)).reshape(R, 1, PH, PW, mh * mw, 4)
    return idx, wts, (gh * gw).astype(dt)


def _rr_fwd(op, ins, outs, attrs):
    x, rois = _work(ins[0]), _work(ins[1])
    idx, wts, count = _rr_plan(x.shape, rois, attrs)
    X = _gather_raw(x, idx)
    v = (wts[..., 0] * X[..., 0] + wts[..., 1] * X[..., 1] + wts[..., 2] * X[..., 2]
         + wts[..., 3] * X[..., 3])
    outs[0][...] = _seq_sum(v) / count[:, None, None, None]


def _rr_vjp(op, dys, ins, outs, attrs):
    from ..ndarray.creation import array

    x, rois = ins
    idx, wts, count = _rr_plan(x.shape, _work(rois.asnumpy()), attrs)
    w = wts.astype(np.float64) / count.astype(np.float64)[:, None, None, None, None, None]
    g = nd.expand_dims(nd.expand_dims(dys[0], axis=4), axis=5)
    vals = nd.broadcast_mul(g, array(w, ctx=x.context, dtype=x.dtype))
    return [_scatter_nd(vals, idx, tuple(x.shape)), nd.zeros_like(rois)]


def _rr_inputs(rng):
    x = rng.uniform(-1, 1, (2, 2, 6, 7))
    return [x, np.array([[0, 3.1, 2.4, 4.2, 2.7, 30], [1, 2.2, 3.3, 3.1, 4.3, -65]])]


register(Op("_contrib_RROIAlign", ("data", "rois"),
            attrs=(("pooled_size", None), ("spatial_scale", None), ("sampling_ratio", -1)),
            infer=_rr_infer, forward=_host(_rr_fwd), vjp=_rr_vjp, nondiff_inputs=(1,),
            doc="""Rotated ROIAlign: rois [batch, x_center, y_center, w, h, angle (degrees)].

Each bin averages bilinear samples of a grid rotated by the angle around the
centre. MXNet 1.9.1 has no backward for it (it raises); mxnb gives the data
gradient (the samples' bilinear weights, scattered back) and zero for rois.

>>> x = mx.nd.ones((1, 1, 4, 4)); r = mx.nd.array([[0, 2, 2, 2, 2, 45]])
>>> mx.nd.contrib.RROIAlign(x, r, pooled_size=(2, 2), spatial_scale=1.0).shape
(1, 1, 2, 2)""",
            test={"inputs": _rr_inputs, "attrs": {"pooled_size": (2, 2), "spatial_scale": 0.8},
                  "cases": [{}, {"attrs": {"sampling_ratio": 2}}]}))
