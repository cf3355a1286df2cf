"""`mx.nd.ROIPooling` and `mx.nd.contrib.ROIAlign`, with gradients w.r.t. the data.

MXNet 1.9.1's rules, checked against it:

* ROIPooling: rois (R, 5) = [batch, x1, y1, x2, y2], scaled by spatial_scale and
  rounded (halves away from zero); a roi is at least 1x1; bin (ph, pw) covers rows
  [floor(ph * bh), ceil((ph + 1) * bh)) shifted to the roi and clipped to the map, with
  bh = roi_height / pooled_h in the data's dtype. Each bin is the max over it, from
  -FLT_MAX (0 for an empty bin). The position of the first maximum is kept (MXNet's
  hidden max-index output) and the gradient goes there, summed over rois.
* ROIAlign: rois (R, 5) (MXNet 1.9.1 refuses (R, 4)); coordinates scaled, not rounded, and
  shifted by -0.5 when aligned=True; unaligned rois are at least 1x1. Each bin averages
  sample_ratio^2 bilinear samples (or ceil(roi_size / pooled_size) per side when
  sample_ratio <= 0); samples beyond [-1, size] count as 0. position_sensitive takes
  channel c * PH * PW + ph * PW + pw for bin (ph, pw) and gives C / (PH * PW) channels.
  The gradient spreads dy * w / count to the four neighbours of each sample.
* Rois with a batch index outside [0, batch) give zeros and no gradient. [FIX] MXNet
  1.9.1's ROIAlign then also zeroes unrelated outputs of other rois.
* The gradient w.r.t. rois is zero, as in MXNet.

The gradients scatter-add through `_scatter_flat` (their VJP is `_gather_flat`), so
both ops are differentiable to any order. Numbers match MXNet's CPU kernels bit for
bit in float32 (same operation order, no FMA).
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_FLT_MAX = float(np.finfo(np.float32).max)


def _k():
    from ..kernels import detect_kernels

    return detect_kernels


def _work(a):
    return np.ascontiguousarray(a, dtype=np.float32 if a.dtype == np.float16 else a.dtype)


def _pooled_size(attrs):
    v = attrs["pooled_size"]
    return (int(v), int(v)) if isinstance(v, (int, np.integer)) else tuple(int(a) for a in v)


def _pooled(op, attrs):
    v = _pooled_size(attrs)
    if len(v) != 2 or min(v) < 1:
        raise MXNetError(f"{op.name}: pooled_size must be two positive ints (h, w), got {v}")
    return v


def _check(op, data, rois, ncols, attrs):
    ss = float(attrs["spatial_scale"])
    if not 0.0 <= ss <= 1.0:
        raise MXNetError(f"{op.name}: value {attrs['spatial_scale']} for Parameter spatial_scale "
                         "exceed bound [0,1]")
    if data.ndim != 4:
        raise MXNetError(f"{op.name}: data should be a 4D tensor, got {fmt_shape(data.shape)}")
    if rois.ndim != 2 or rois.shape[1] not in ncols:
        want = " or ".join(str(c) for c in ncols)
        raise MXNetError(f"{op.name}: rois should be a 2D tensor of shape [num_rois, {want}], "
                         f"got {fmt_shape(rois.shape)}")
    for nm, a in (("data", data), ("rois", rois)):
        if np.dtype(a.dtype).kind != "f":
            raise MXNetError(f"{op.name}: {nm} must be float16, float32 or float64, got "
                             f"{np.dtype(a.dtype).name}")
    if np.dtype(data.dtype) != np.dtype(rois.dtype):
        raise MXNetError(f"{op.name}: data ({np.dtype(data.dtype).name}) and rois "
                         f"({np.dtype(rois.dtype).name}) must have the same dtype")
    return np.dtype(data.dtype)


def _scatter_raw(vals, idx, n):
    """Zeros of size n with vals added at idx (idx == n is a discard slot), in order."""
    from .indexing import scatter_flat

    return scatter_flat(vals.reshape(-1), idx.reshape(-1), (n + 1,))[:n]


def _scatter_nd(vals, idx, shape):
    """The same with mxnb ops (differentiable again: its VJP is a gather)."""
    from ..ndarray.creation import array

    n = int(np.prod(shape))
    index = array(idx.reshape(-1), ctx=vals.context, dtype=np.int64)
    flat = nd._scatter_flat(nd.reshape(vals, shape=(-1,)), index, shape=(n + 1,))
    return nd.reshape(nd.slice_axis(flat, axis=0, begin=0, end=n), shape=shape)


# ---------------------------------------------------------------- ROIPooling


def _pool_infer(op, inputs, attrs):
    data, rois = inputs
    dt = _check(op, data, rois, (5,), attrs)
    ph, pw = _pooled(op, attrs)
    shp = (rois.shape[0], data.shape[1], ph, pw)
    return [(shp, dt), (shp, dt)]


def _pool_fwd(op, ins, outs, attrs):
    x, rois = (_work(a) for a in ins)
    dt = x.dtype.type
    out = np.empty(outs[0].shape, x.dtype)
    arg = np.empty(outs[0].shape, x.dtype)
    _k().roi_pool_fwd(x, rois, dt(np.float32(attrs["spatial_scale"])), dt(-_FLT_MAX), out, arg)
    outs[0][...] = out
    outs[1][...] = arg


def _pool_index(x_shape, rois, arg):
    """Flat data index of each output's maximum; x.size (discard) where there is none."""
    b, c, h, w = x_shape
    arg = np.asarray(arg).astype(np.int64)
    bi = np.asarray(rois)[:, 0].astype(np.int64)
    base = (bi[:, None] * c + np.arange(c)[None, :]) * (h * w)
    idx = base[:, :, None, None] + arg
    return np.where(arg >= 0, idx, b * c * h * w)


def _pool_bwd(op, dys, ins, outs, attrs):
    x, rois = ins
    idx = _pool_index(x.shape, rois, outs[1])
    g = _scatter_raw(np.ascontiguousarray(dys[0]), idx, x.size).reshape(x.shape)
    return [g.astype(x.dtype, copy=False), np.zeros(rois.shape, rois.dtype)]


def _pool_vjp(op, dys, ins, outs, attrs):
    x, rois = ins
    idx = _pool_index(x.shape, rois.asnumpy(), outs[1].asnumpy())
    return [_scatter_nd(dys[0], idx, x.shape), nd.zeros_like(rois)]


def _roi_inputs(rng):
    x = rng.permutation(2 * 2 * 6 * 7).reshape(2, 2, 6, 7) / 10.0   # distinct: stable maxima
    return [x, np.array([[0, 0, 0, 4, 4], [1, 1.2, 0.5, 5.7, 4.2], [0, 2, 1, 6, 5]])]


register(Op("ROIPooling", ("data", "rois"), attrs=(("pooled_size", None), ("spatial_scale", None)),
            infer=_pool_infer, forward=_host(_pool_fwd), backward=_pool_bwd, vjp=_pool_vjp,
            num_outputs=2, num_visible=lambda attrs: 1, nondiff_inputs=(1,),
            doc="Max pooling of each region of interest [batch, x1, y1, x2, y2] to pooled_size.",
            test={"inputs": _roi_inputs, "attrs": {"pooled_size": (2, 2), "spatial_scale": 1.0}}))

# ---------------------------------------------------------------- ROIAlign


def _align_infer(op, inputs, attrs):
    data, rois = inputs
    dt = _check(op, data, rois, (5,), attrs)
    ph, pw = _pooled(op, attrs)
    c = data.shape[1]
    if attrs["position_sensitive"]:
        if c % (ph * pw):
            raise MXNetError(f"{op.name}: position_sensitive needs channels ({c}) divisible by "
                             f"pooled_size {ph}x{pw}")
        c //= ph * pw
    return [((rois.shape[0], c, ph, pw), dt)]


def _align_tables(x_shape, rois, attrs):
    """(grid, pos, wts, valid) of ops' kernels for the rois (MXNet's sampling plan)."""
    k = _k()
    ph, pw = _pooled_size(attrs)
    dt = rois.dtype.type
    nr = rois.shape[0]
    geo = np.empty((nr, 4), rois.dtype)
    grid = np.empty((nr, 3), np.int64)
    k.roi_align_geometry(rois, dt(np.float32(attrs["spatial_scale"])), ph, pw,
                         int(attrs["sample_ratio"]), bool(attrs["aligned"]), geo, grid)
    ns = int((grid[:, 1] * grid[:, 2]).max()) if nr else 1
    pos = np.zeros((nr, ph, pw, max(ns, 1), 4), np.int64)
    wts = np.zeros((nr, ph, pw, max(ns, 1), 4), rois.dtype)
    valid = np.zeros((nr, ph, pw, max(ns, 1)), np.bool_)
    if attrs["aligned"] and nr and (geo[:, 2] <= 0).any() | (geo[:, 3] <= 0).any():
        # MXNet aborts the process here (a CHECK in its kernel); raise instead.
        raise MXNetError("_contrib_ROIAlign: Check failed: roi_width > 0 and roi_height > 0 "
                         "(an aligned roi has zero or negative size)")
    k.roi_align_tables(geo, grid, x_shape[2], x_shape[3], pos, wts, valid)
    return grid, pos, wts, valid


def _align_fwd(op, ins, outs, attrs):
    x, rois = (_work(a) for a in ins)
    grid, pos, wts, _ = _align_tables(x.shape, rois, attrs)
    out = np.empty(outs[0].shape, x.dtype)
    b, c, h, w = x.shape
    _k().roi_align_fwd(x.reshape(b, c, h * w), grid, pos, wts,
                       bool(attrs["position_sensitive"]), out)
    outs[0][...] = out


def _align_plan(x_shape, rois, attrs, out_shape):
    """Flat data indices (x.size = discard) and weights / count of every gradient term,
    shaped (R, C, PH, PW, S, 4) in MXNet's order, and the counts (R,)."""
    grid, pos, wts, valid = _align_tables(x_shape, rois, attrs)
    b, cu, h, w = x_shape
    nr, c, ph, pw = out_shape
    if attrs["position_sensitive"]:
        chan = (np.arange(c)[:, None, None] * ph * pw + np.arange(ph)[None, :, None] * pw
                + np.arange(pw)[None, None, :])
    else:
        chan = np.broadcast_to(np.arange(c)[:, None, None], (c, ph, pw))
    bi = grid[:, 0]
    base = (bi[:, None, None, None] * cu + chan[None]) * (h * w)          # (R, C, PH, PW)
    idx = base[..., None, None] + pos[:, None]                           # (R, C, PH, PW, S, 4)
    ok = valid[:, None, :, :, :, None] & ((bi >= 0) & (bi < b))[:, None, None, None, None,
                                                                  None]
    idx = np.where(ok, idx, b * cu * h * w)
    count = (grid[:, 1] * grid[:, 2]).astype(wts.dtype)
    return idx, wts[:, None], count


def _align_bwd(op, dys, ins, outs, attrs):
    x, rois = ins
    r = _work(rois)
    idx, wts, count = _align_plan(x.shape, r, attrs, dys[0].shape)
    dy = _work(dys[0]).astype(wts.dtype, copy=False)
    vals = dy[..., None, None] * wts / count[:, None, None, None, None, None]
    g = _scatter_raw(np.ascontiguousarray(vals), idx, x.size).reshape(x.shape)
    return [g.astype(x.dtype, copy=False), np.zeros(rois.shape, rois.dtype)]


def _align_vjp(op, dys, ins, outs, attrs):
    from ..ndarray.creation import array

    x, rois = ins
    dy = dys[0]
    r = _work(rois.asnumpy())
    idx, wts, count = _align_plan(x.shape, r, attrs, dy.shape)
    w_nd = array(wts.astype(x.dtype), ctx=dy.context, dtype=x.dtype)
    c_nd = array(count.astype(x.dtype).reshape(-1, 1, 1, 1, 1, 1), ctx=dy.context,
                 dtype=x.dtype)
    vals = nd.broadcast_div(nd.broadcast_mul(nd.reshape(dy, shape=tuple(dy.shape) + (1, 1)), w_nd),
                            c_nd)
    return [_scatter_nd(vals, idx, x.shape), nd.zeros_like(rois)]


register(Op("_contrib_ROIAlign", ("data", "rois"),
            attrs=(("pooled_size", None), ("spatial_scale", None), ("sample_ratio", -1),
                   ("position_sensitive", False), ("aligned", False)),
            infer=_align_infer, forward=_host(_align_fwd), backward=_align_bwd, vjp=_align_vjp,
            nondiff_inputs=(1,),
            doc="Bilinear-sampled average pooling of each region of interest to pooled_size.",
            test={"inputs": _roi_inputs, "attrs": {"pooled_size": (2, 2), "spatial_scale": 1.0},
                  "cases": [{}, {"attrs": {"sample_ratio": 2, "aligned": True,
                                           "spatial_scale": 0.7}}]}))
