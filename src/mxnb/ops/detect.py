"""Bounding-box ops of `mx.nd.contrib`: box_iou, box_nms, box_encode, box_decode,
bipartite_matching (MXNet's `_contrib_*` names).

MXNet 1.9.1's rules, checked against it:

* box_iou: every lhs box against every rhs box, shape lhs.shape[:-1] + rhs.shape[:-1];
  0 where the boxes do not overlap. Its gradient is zero (MXNet's backward writes zeros).
* box_nms: per batch (all leading dims), keep boxes with score > valid_thresh (and, with
  id_index >= 0, class != background_id), sort them by score (descending, ties in input
  order), take the first topk, and drop each box whose IoU with a kept higher-scored box
  (of the same class unless force_suppress) is > overlap_thresh. Survivors are written
  first, in score order; the other rows are -1. topk=0 copies the input. out_format
  converts the survivors' coordinates, skipping any row whose first coordinate is < 0
  (MXNet's guard against the -1 rows). The gradient copies each output row's head
  gradient back to the row it came from (0 for dropped rows), through a hidden record
  of the source rows, as MXNet does; it is linear, so written with `take` it is
  differentiable again.
* box_encode, box_decode, bipartite_matching: MXNet defines zero gradients.

float16 is computed in float32 and rounded once.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_FORMATS = ("corner", "center")
_F32 = np.dtype(np.float32)
# The op-table walk backpropagates a single output; tests/test_detect.py checks these zeros.
_TWO_OUT = "two outputs, zero gradient (as MXNet); checked in tests/test_detect.py"


def _k():
    from ..kernels import detect_kernels

    return detect_kernels


def _work(a):
    """The array the kernels see: C-contiguous, float16 widened to float32."""
    return np.ascontiguousarray(a, dtype=_F32 if a.dtype == np.float16 else a.dtype)


def _fmt(op, name, v):
    if v not in _FORMATS:
        raise MXNetError(f"{op.name}: Invalid Input: '{v}', valid values are: "
                         f"{{'center', 'corner'}} (argument {name})")
    return v == "center"


def _real(op, *arrays):
    for a in arrays:
        if np.dtype(a.dtype).kind != "f":
            raise MXNetError(f"{op.name}: expects float16, float32 or float64 inputs, got "
                             f"{np.dtype(a.dtype).name} (shape {fmt_shape(a.shape)})")
    dt = np.dtype(arrays[0].dtype)
    for a in arrays[1:]:
        if np.dtype(a.dtype) != dt:
            raise MXNetError(f"{op.name}: all inputs must have the same dtype, got "
                             f"{dt.name} and {np.dtype(a.dtype).name}")
    return dt


def _exact(f, v):
    """f(v) rounded once from float64: NumPy's float32 exp/log can be 1 ulp off the
    correctly rounded value that MXNet's expf/logf give."""
    return f(v.astype(np.float64)).astype(v.dtype)


# ---------------------------------------------------------------- box_iou


def _iou_infer(op, inputs, attrs):
    lhs, rhs = inputs
    _fmt(op, "format", attrs["format"])
    for nm, a in (("lhs", lhs), ("rhs", rhs)):
        if a.ndim < 2:
            raise MXNetError(f"{op.name}: {nm} must have dim >= 2 {a.ndim} provided "
                             f"(shape {fmt_shape(a.shape)})")
        if tuple(a.shape)[-1] != 4:
            raise MXNetError(f"{op.name}: last dimension of {nm} must be 4 {tuple(a.shape)[-1]} "
                             f"provided (shape {fmt_shape(a.shape)})")
    return [(tuple(lhs.shape)[:-1] + tuple(rhs.shape)[:-1], _real(op, lhs, rhs))]


def _iou_fwd(op, ins, outs, attrs):
    lhs, rhs = (_work(a).reshape(-1, 4) for a in ins)
    res = np.empty(lhs.shape[0] * rhs.shape[0], lhs.dtype)
    _k().box_iou(lhs, rhs, res, attrs["format"] == "center")
    outs[0][...] = res.reshape(outs[0].shape)


register(Op("_contrib_box_iou", ("lhs", "rhs"), attrs=(("format", "corner"),),
            infer=_iou_infer, forward=_host(_iou_fwd), zero_grad=True,
            doc="IoU of every lhs box with every rhs box (boxes on the last axis, 4 wide).",
            test={"shapes": [(3, 4), (2, 4)], "domain": (0.0, 2.0)}))

# ---------------------------------------------------------------- box_nms

_NMS_ATTRS = (("overlap_thresh", 0.5), ("valid_thresh", 0.0), ("topk", -1), ("coord_start", 2),
              ("score_index", 1), ("id_index", -1), ("background_id", -1),
              ("force_suppress", False), ("in_format", "corner"), ("out_format", "corner"))


def _nms_infer(op, inputs, attrs):
    (x,) = inputs
    _fmt(op, "in_format", attrs["in_format"])
    _fmt(op, "out_format", attrs["out_format"])
    shp = tuple(x.shape)
    if len(shp) < 2:
        raise MXNetError(f"{op.name}: input must have dim >= 2 the last two dimensions are "
                         f"num_box and box_width {fmt_shape(shp)} provided")
    w = shp[-1]
    cs, si, ii = int(attrs["coord_start"]), int(attrs["score_index"]), int(attrs["id_index"])
    expected = 6 if ii >= 0 else 5
    if w < expected:
        raise MXNetError(f"{op.name}: the last dimension must have at least 5 elements namely "
                         f"(score, coordinates x 4) {w} provided, {expected} expected.")
    if not 0 <= si < w:
        raise MXNetError(f"{op.name}: score_index: {si} out of range: (0, {w})")
    if cs <= si <= cs + 3:
        raise MXNetError(f"{op.name}: score_index: {si} conflict with coordinates: "
                         f"({cs}, {cs + 3}).")
    if not (cs >= 0 and cs + 3 < w):
        raise MXNetError(f"{op.name}: coordinates: ({cs}, {cs + 3}) out of range:: (0, {w})")
    if ii >= 0:
        if ii >= w:
            raise MXNetError(f"{op.name}: id_index: {ii} out of range: (0, {w})")
        if cs <= ii <= cs + 3:
            raise MXNetError(f"{op.name}: id_index: {ii} conflict with coordinates: "
                             f"({cs}, {cs + 3}).")
        if ii == si:
            raise MXNetError(f"{op.name}: id_index: {ii} conflict with score_index: {si}")
    dt = _real(op, x)
    return [(shp, dt), (shp[:-1] + (1,), dt)]


def _convert(rows, cs, to_center):
    """MXNet's in-place corner<->center conversion, skipping rows whose first coordinate
    is negative (the -1 rows; real boxes left of 0 are skipped too, as in MXNet)."""
    b = rows[:, cs:cs + 4]
    keep = ~(b[:, 0] < 0)
    c = b[keep]
    if to_center:
        new = np.stack([(c[:, 0] + c[:, 2]) / 2, (c[:, 1] + c[:, 3]) / 2,
                        c[:, 2] - c[:, 0], c[:, 3] - c[:, 1]], axis=1)
    else:
        hw, hh = c[:, 2] / 2, c[:, 3] / 2
        new = np.stack([c[:, 0] - hw, c[:, 1] - hh, c[:, 0] + hw, c[:, 1] + hh], axis=1)
    b[keep] = new.astype(rows.dtype)


def _nms_fwd(op, ins, outs, attrs):
    x = _work(ins[0])
    shp = x.shape
    n, w = shp[-2], shp[-1]
    nb = int(np.prod(shp[:-2])) if len(shp) > 2 else 1
    rows = x.reshape(nb * n, w)
    dt = rows.dtype.type
    topk = int(attrs["topk"])
    topk = n if topk < 0 else min(n, topk)
    out = np.full((nb * n, w), -1, rows.dtype)
    rec = np.full(nb * n, -1, rows.dtype)
    if topk < 1:
        out[...] = rows
        rec[...] = np.arange(nb * n)
    else:
        si, ii = int(attrs["score_index"]), int(attrs["id_index"])
        cs = int(attrs["coord_start"])
        scores = rows[:, si]
        valid = scores > dt(np.float32(attrs["valid_thresh"]))
        if ii >= 0:
            valid &= rows[:, ii] != dt(np.float32(attrs["background_id"]))
        idx = np.flatnonzero(valid)
        if idx.size:
            batch = idx // n
            order = idx[np.lexsort((-scores[idx], batch))]
            starts = np.searchsorted(batch[np.lexsort((-scores[idx], batch))],
                                     np.arange(nb + 1)).astype(np.int64)
            center = attrs["in_format"] == "center"
            _k().nms(rows, order.astype(np.int64), starts, topk, cs, ii,
                     float(np.float32(attrs["overlap_thresh"])), bool(attrs["force_suppress"]),
                     center, np.empty(nb * n, rows.dtype), out, rec)
            if attrs["in_format"] != attrs["out_format"]:
                _convert(out, cs, attrs["out_format"] == "center")
    outs[0][...] = out.reshape(outs[0].shape)
    outs[1][...] = rec.reshape(outs[1].shape)


def _nms_bwd(op, dys, ins, outs, attrs):
    dy = dys[0]
    w = dy.shape[-1]
    rec = np.asarray(outs[1]).reshape(-1).astype(np.int64)
    src = np.flatnonzero(rec >= 0)
    dx = np.zeros((rec.size, w), dy.dtype)
    dx[rec[src]] = dy.reshape(-1, w)[src]
    return [dx.reshape(dy.shape)]


def _nms_vjp(op, dys, ins, outs, attrs):
    from ..ndarray.creation import array, zeros

    dy = dys[0]
    w = tuple(dy.shape)[-1]
    rec = outs[1].asnumpy().reshape(-1).astype(np.int64)
    m = rec.size
    inv = np.full(m, m, np.int64)   # row m of the padded head gradient is zeros
    src = np.flatnonzero(rec >= 0)
    inv[rec[src]] = src
    pad = nd.concat(nd.reshape(dy, shape=(m, w)), zeros((1, w), ctx=dy.context, dtype=dy.dtype),
                    dim=0)
    idx = array(inv.astype(np.int32), ctx=dy.context, dtype=np.int32)
    return [nd.reshape(nd.take(pad, idx, axis=0), shape=tuple(dy.shape))]


def _nms_inputs(rng):
    """Boxes whose kept set does not change under small perturbations."""
    x = np.array([[[0, 0.9, 0, 0, 1, 1], [0, 0.8, 0.1, 0.1, 1.1, 1.1],
                   [1, 0.7, 0, 0, 1, 1], [0, 0.3, 2, 2, 3, 3],
                   [0, 0.05, 5, 5, 6, 6]]], np.float64)
    return [x + rng.uniform(-0.01, 0.01, x.shape)]


register(Op("_contrib_box_nms", ("data",), aliases=("_contrib_box_non_maximum_suppression",),
            attrs=_NMS_ATTRS, infer=_nms_infer, forward=_host(_nms_fwd), backward=_nms_bwd,
            vjp=_nms_vjp, num_outputs=2, num_visible=lambda attrs: 1, smooth=True,
            doc="Non-maximum suppression: survivors sorted by score first, -1 rows after.",
            test={"inputs": _nms_inputs,
                  "cases": [{"attrs": {"id_index": 0, "valid_thresh": 0.1}},
                            {"attrs": {"force_suppress": True, "topk": 3}}]}))

# ---------------------------------------------------------------- box_encode / box_decode


def _encode_infer(op, inputs, attrs):
    s, m, a, r, means, stds = inputs
    if s.ndim != 2:
        raise MXNetError(f"{op.name}: samples shape must have dim == 2, {s.ndim} provided")
    if m.ndim < 2:
        raise MXNetError(f"{op.name}: matches shape must have dim == 2, {m.ndim} provided")
    if a.ndim < 3 or tuple(a.shape)[-1] != 4:
        raise MXNetError(f"{op.name}: anchors must have dim >= 3 and a last dimension of 4, "
                         f"{fmt_shape(a.shape)} provided")
    if r.ndim < 3 or tuple(r.shape)[-1] != 4:
        raise MXNetError(f"{op.name}: refs must have dim >= 3 and a last dimension of 4, "
                         f"{fmt_shape(r.shape)} provided")
    for nm, v in (("means", means), ("stds", stds)):
        if tuple(v.shape) != (4,):
            raise MXNetError(f"{op.name}: Shape inconsistent, Provided = {fmt_shape(v.shape)}, "
                             f"inferred shape=[4] (input {nm})")
    b, n = a.shape[0], a.shape[1]
    if tuple(s.shape) != (b, n) or m.size != b * n:
        raise MXNetError(f"{op.name}: samples {fmt_shape(s.shape)} and matches "
                         f"{fmt_shape(m.shape)} must be (batch, num_anchors) = ({b}, {n})")
    dt = _real(op, s, m, a, r, means, stds)
    return [(tuple(a.shape), dt), (tuple(a.shape), dt)]


def _encode_fwd(op, ins, outs, attrs):
    s, m, a, r, means, stds = (_work(v) for v in ins)
    b, n = a.shape[0], a.shape[1]
    a = a.reshape(b, n, 4)
    r = r.reshape(b, -1, 4)
    dt = a.dtype.type
    half = dt(0.5)
    match = m.reshape(b, n).astype(np.int64)
    ref = r[np.arange(b)[:, None], match]
    rw = ref[..., 2] - ref[..., 0]
    rh = ref[..., 3] - ref[..., 1]
    rx = ref[..., 0] + rw * half
    ry = ref[..., 1] + rh * half
    aw = a[..., 2] - a[..., 0]
    ah = a[..., 3] - a[..., 1]
    ax = a[..., 0] + aw * half
    ay = a[..., 1] + ah * half
    valid = s.reshape(b, n) > dt(0.5)
    with np.errstate(all="ignore"):
        t = np.stack([((rx - ax) / aw - means[0]) / stds[0],
                      ((ry - ay) / ah - means[1]) / stds[1],
                      (_exact(np.log, rw / aw) - means[2]) / stds[2],
                      (_exact(np.log, rh / ah) - means[3]) / stds[3]], axis=-1)
    t = np.where(valid[..., None], t, dt(0))
    outs[0][...] = t.reshape(outs[0].shape)
    outs[1][...] = np.broadcast_to(valid[..., None], (b, n, 4)).reshape(outs[1].shape)


register(Op("_contrib_box_encode", ("samples", "matches", "anchors", "refs", "means", "stds"),
            infer=_encode_infer, forward=_host(_encode_fwd), zero_grad=True, num_outputs=2,
            doc="Box regression targets of matched anchors, and their masks.",
            test={"skip": _TWO_OUT}))


def _decode_infer(op, inputs, attrs):
    x, a = inputs
    _fmt(op, "format", attrs["format"])
    if x.ndim != 3 or tuple(x.shape)[-1] != 4:
        raise MXNetError(f"{op.name}: data shape must have dim == 3 and a last dimension of 4, "
                         f"{fmt_shape(x.shape)} provided")
    if a.ndim < 3 or tuple(a.shape)[-1] != 4:
        raise MXNetError(f"{op.name}: anchors shape must have dim >= 3 and a last dimension of "
                         f"4, {fmt_shape(a.shape)} provided")
    if a.size != x.shape[1] * 4:
        raise MXNetError(f"{op.name}: anchors {fmt_shape(a.shape)} must hold one box per data "
                         f"box, (1, {x.shape[1]}, 4)")
    return [(tuple(x.shape), _real(op, x, a))]


def _decode_fwd(op, ins, outs, attrs):
    x, a = (_work(v) for v in ins)
    dt = x.dtype.type
    a = a.reshape(1, -1, 4)
    ax, ay, aw, ah = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    if attrs["format"] == "corner":
        aw = aw - ax
        ah = ah - ay
        ax = ax + aw * dt(0.5)
        ay = ay + ah * dt(0.5)
    std = [dt(np.float32(attrs[f"std{i}"])) for i in range(4)]
    clip = dt(np.float32(attrs["clip"]))
    ox = x[..., 0] * std[0] * aw + ax
    oy = x[..., 1] * std[1] * ah + ay
    dw = x[..., 2] * std[2]
    dh = x[..., 3] * std[3]
    if float(np.float32(attrs["clip"])) > 0:
        dw = np.where(dw < clip, dw, clip)
        dh = np.where(dh < clip, dh, clip)
    with np.errstate(over="ignore"):
        ow = _exact(np.exp, dw) * aw * dt(0.5)
        oh = _exact(np.exp, dh) * ah * dt(0.5)
    outs[0][...] = np.stack([ox - ow, oy - oh, ox + ow, oy + oh], axis=-1)


register(Op("_contrib_box_decode", ("data", "anchors"),
            attrs=(("std0", 1.0), ("std1", 1.0), ("std2", 1.0), ("std3", 1.0), ("clip", -1.0),
                   ("format", "center")),
            infer=_decode_infer, forward=_host(_decode_fwd), zero_grad=True,
            doc="Corner boxes from regression offsets relative to anchors.",
            test={"inputs": lambda rng: [rng.uniform(-0.5, 0.5, (2, 3, 4)),
                                         np.array([[[0, 0, 2, 2], [1, 1, 3, 4],
                                                    [0.5, 0.5, 1, 2]]], np.float64)]}))

# ---------------------------------------------------------------- bipartite_matching


def _bm_infer(op, inputs, attrs):
    (x,) = inputs
    if x.ndim < 2:
        raise MXNetError(f"{op.name}: score matrix must have dim >= 2 {x.ndim} provided")
    dt = _real(op, x)
    shp = tuple(x.shape)
    return [(shp[:-1], dt), (shp[:-2] + shp[-1:], dt)]


def _bm_fwd(op, ins, outs, attrs):
    x = _work(ins[0])
    r, c = x.shape[-2], x.shape[-1]
    nb = x.size // (r * c) if r * c else 0
    flat = x.reshape(nb, r * c)
    ascend = bool(attrs["is_ascend"])
    # MXNet sorts all scores with a stable sort (ascending, or descending), then stably by batch.
    order = np.argsort(flat if ascend else -flat, axis=1, kind="stable").astype(np.int64)
    srt = np.take_along_axis(flat, order, axis=1)
    rm = np.full((nb, r), -1, x.dtype)
    cm = np.full((nb, c), -1, x.dtype)
    _k().bipartite(np.ascontiguousarray(srt), order, rm, cm,
                   float(np.float32(attrs["threshold"])), ascend, int(attrs["topk"]))
    outs[0][...] = rm.reshape(outs[0].shape)
    outs[1][...] = cm.reshape(outs[1].shape)


register(Op("_contrib_bipartite_matching", ("data",),
            attrs=(("is_ascend", False), ("threshold", None), ("topk", -1)),
            infer=_bm_infer, forward=_host(_bm_fwd), zero_grad=True, num_outputs=2,
            doc="Greedy bipartite matching of a score matrix: (row -> col, col -> row), -1 "
                "where unmatched.",
            test={"skip": _TWO_OUT}))
