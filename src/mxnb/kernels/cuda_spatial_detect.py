"""box_iou, box_encode, box_decode and MultiBoxPrior on mx.gpu() (registered through
`cuda_spatial`'s tables; MXNet defines zero gradients for all four).

One thread per output box (or box pair) does the CPU's arithmetic in its order
(`kernels/detect_kernels.py`, `ops/detect.py`, `ops/multibox.py`), products through
libdevice's unfused multiplies (see `cuda_spatial`): float32 is bit-equal with the
CPU. box_encode's log and box_decode's exp are taken in double and rounded once, as
on the CPU; in float64 they are CUDA's exp/log, which may differ from NumPy's in the
last bit. MultiBoxPrior's anchors depend only on the shapes and attributes: the
per-row, per-column and per-anchor float32 terms come from the CPU's formulas, the
kernel combines them. float16 computes in float32.

box_nms, bipartite_matching, MultiBoxTarget, MultiBoxDetection (and CTCLoss) stay
on the host: each is a sequential greedy pass (suppress or match in score order,
each step depending on the previous ones).
"""
import math  # noqa: F401  (device functions call math.*)

import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, dev, flat, kernel, unfused_mul

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, MT, INTERSECT, AREA, cuda are bound per kernel)


def _intersect(a1, a2, b1, b2, center):
    """Overlap of two intervals; corner: (min, max), center: (mid, size)."""
    if center:
        aw = a2 / T(2)
        bw = b2 / T(2)
        al = a1 - aw
        ar = a1 + aw
        bl = b1 - bw
        br = b1 + bw
        left = bl if bl > al else al
        right = br if br < ar else ar
    else:
        left = a1 if a1 > b1 else b1
        right = a2 if a2 < b2 else b2
    w = right - left
    return w if w > T(0) else T(0)


def _area(b0, b1, b2, b3, center):
    if center:
        w = b2
        h = b3
    else:
        w = b2 - b0
        h = b3 - b1
    if w < T(0) or h < T(0):
        return T(0)
    return MT(w, h)


def box_iou_k(lhs, rhs, out, R, center):
    """out[i * R + j] = IoU of lhs box i and rhs box j."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        i = 4 * (t // R)
        j = 4 * (t % R)
        inter = INTERSECT(lhs[i], lhs[i + 2], rhs[j], rhs[j + 2], center)
        inter *= INTERSECT(lhs[i + 1], lhs[i + 3], rhs[j + 1], rhs[j + 3], center)
        if inter <= T(0):
            out[t] = T(0)
            continue
        la = AREA(lhs[i], lhs[i + 1], lhs[i + 2], lhs[i + 3], center)
        ra = AREA(rhs[j], rhs[j + 1], rhs[j + 2], rhs[j + 3], center)
        out[t] = inter / (la + ra - inter)


def box_encode_k(s, m, a, r, means, stds, out, mask, N, M):
    """Targets (out) and masks of box t = (b, n): anchor a[b, n] against ref r[b, m[b, n]]."""
    for t in range(cuda.grid(1), s.shape[0], cuda.gridsize(1)):
        b = t // N
        half = T(0.5)
        valid = s[t] > half
        k = int(m[t])
        if k < 0:       # NumPy's negative index
            k += M
        if not valid or k < 0 or k >= M:
            for c in range(4):
                out[4 * t + c] = T(0)
                mask[4 * t + c] = T(1) if valid else T(0)
            if valid:   # out of range: the CPU raises IndexError; mark it
                for c in range(4):
                    out[4 * t + c] = T(math.nan)
            continue
        q = 4 * (b * M + k)
        rw = r[q + 2] - r[q]
        rh = r[q + 3] - r[q + 1]
        rx = r[q] + MT(rw, half)
        ry = r[q + 1] + MT(rh, half)
        p = 4 * t
        aw = a[p + 2] - a[p]
        ah = a[p + 3] - a[p + 1]
        ax = a[p] + MT(aw, half)
        ay = a[p + 1] + MT(ah, half)
        out[p] = ((rx - ax) / aw - means[0]) / stds[0]
        out[p + 1] = ((ry - ay) / ah - means[1]) / stds[1]
        out[p + 2] = (T(math.log(np.float64(rw / aw))) - means[2]) / stds[2]
        out[p + 3] = (T(math.log(np.float64(rh / ah))) - means[3]) / stds[3]
        for c in range(4):
            mask[p + c] = T(1)


def box_decode_k(x, a, out, N, s0, s1, s2, s3, clip, corner):
    """Corner boxes of regression offsets x (B, N, 4) against anchors a (N, 4)."""
    for t in range(cuda.grid(1), out.shape[0] // 4, cuda.gridsize(1)):
        q = 4 * (t % N)
        half = T(0.5)
        ax = a[q]
        ay = a[q + 1]
        aw = a[q + 2]
        ah = a[q + 3]
        if corner:
            aw = aw - ax
            ah = ah - ay
            ax = ax + MT(aw, half)
            ay = ay + MT(ah, half)
        p = 4 * t
        ox = MT(MT(x[p], s0), aw) + ax
        oy = MT(MT(x[p + 1], s1), ah) + ay
        dw = MT(x[p + 2], s2)
        dh = MT(x[p + 3], s3)
        if clip > T(0):
            dw = dw if dw < clip else clip
            dh = dh if dh < clip else clip
        ow = MT(MT(T(math.exp(np.float64(dw))), aw), half)
        oh = MT(MT(T(math.exp(np.float64(dh))), ah), half)
        out[p] = ox - ow
        out[p + 1] = oy - oh
        out[p + 2] = ox + ow
        out[p + 3] = oy + oh


def prior_k(cy, cx, hw, hh, out, W, A, clip):
    """out (H W A, 4) float32: (cx - hw, cy - hh, cx + hw, cy + hh) per cell and anchor."""
    for t in range(cuda.grid(1), out.shape[0] // 4, cuda.gridsize(1)):
        k = t % A
        cell = t // A
        y = cy[cell // W]
        x = cx[cell % W]
        v0 = x - hw[k]
        v1 = y - hh[k]
        v2 = x + hw[k]
        v3 = y + hh[k]
        if clip:
            v0 = min(max(v0, np.float32(0)), np.float32(1))
            v1 = min(max(v1, np.float32(0)), np.float32(1))
            v2 = min(max(v2, np.float32(0)), np.float32(1))
            v3 = min(max(v3, np.float32(0)), np.float32(1))
        out[4 * t] = v0
        out[4 * t + 1] = v1
        out[4 * t + 2] = v2
        out[4 * t + 3] = v3


def _k(template, dtype):
    dt = np.dtype(dtype)
    mt = unfused_mul(dt)
    env = dict(T=dt.type, MT=mt)
    env["INTERSECT"] = dev(_intersect, **env)
    env["AREA"] = dev(_area, **env)
    return kernel(template, dt.name, **env)


# ---------------------------------------------------------------- ops


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def _run_into(outs, cdt, body):
    """Run `body(tmps)` on outputs in the compute type, then cast into `outs`."""
    tmps = [o if np.dtype(o.dtype) == cdt else cuda_launch.empty(tuple(o.shape), cdt)
            for o in outs]
    body(tmps)
    for t, o in zip(tmps, outs):
        if t is not o:
            cuda_launch.cast_into(flat(t), flat(o))


def _iou_fwd(op, ins, outs, attrs):
    lhs, rhs = ins
    cdt = _cdt(lhs.dtype)
    R = rhs.size // 4

    def body(tmps):
        if tmps[0].size:
            launch(_k(box_iou_k, cdt), tmps[0].size, flat(as_dtype(lhs, cdt)),
                   flat(as_dtype(rhs, cdt)), flat(tmps[0]), R, attrs["format"] == "center")
    _run_into(outs, cdt, body)


def _encode_fwd(op, ins, outs, attrs):
    s, m, a, r, means, stds = ins
    cdt = _cdt(s.dtype)
    B, N = a.shape[0], a.shape[1]
    M = r.size // (4 * B) if B else 0

    def body(tmps):
        if s.size:
            launch(_k(box_encode_k, cdt), s.size, *(flat(as_dtype(v, cdt)) for v in ins),
                   flat(tmps[0]), flat(tmps[1]), N, M)
    _run_into(outs, cdt, body)


def _decode_fwd(op, ins, outs, attrs):
    x, a = ins
    cdt = _cdt(x.dtype)
    T = cdt.type
    std = [T(np.float32(attrs[f"std{i}"])) for i in range(4)]

    def body(tmps):
        if tmps[0].size:
            launch(_k(box_decode_k, cdt), tmps[0].size // 4, flat(as_dtype(x, cdt)),
                   flat(as_dtype(a, cdt)), flat(tmps[0]), x.shape[1], *std,
                   T(np.float32(attrs["clip"])), attrs["format"] == "corner")
    _run_into(outs, cdt, body)


def _prior_tables(op, h, w, attrs):
    """The CPU's float32 centres (rows, columns) and anchor half sizes (width, height)."""
    from ..ops.multibox import _F32 as f32, _floats

    sizes = np.array(_floats(attrs["sizes"], "sizes", op), f32)
    ratios = np.array(_floats(attrs["ratios"], "ratios", op), f32)
    sy, sx = (f32(v) for v in _floats(attrs["steps"], "steps", op))
    oy, ox = (f32(v) for v in _floats(attrs["offsets"], "offsets", op))
    if sy <= 0 or sx <= 0:
        sy, sx = f32(1) / f32(h), f32(1) / f32(w)
    cy = (np.arange(h).astype(f32) + oy) * sy
    cx = (np.arange(w).astype(f32) + ox) * sx
    fh, fw, two = f32(h), f32(w), f32(2)
    r = np.sqrt(ratios[1:])
    hw = np.concatenate([sizes * fh / fw / two, sizes[0] * fh / fw * r / two])
    hh = np.concatenate([sizes / two, sizes[0] / r / two])
    return cy, cx, hw, hh


def _prior_fwd(op, ins, outs, attrs):
    h, w = ins[0].shape[2], ins[0].shape[3]
    cy, cx, hw, hh = (cuda_launch.to_device(np.ascontiguousarray(v))
                      for v in _prior_tables(op, h, w, attrs))

    def body(tmps):
        if tmps[0].size:
            launch(_k(prior_k, _F32), tmps[0].size // 4, cy, cx, hw, hh, flat(tmps[0]), w,
                   hw.size, bool(attrs["clip"]))
    _run_into(outs, _F32, body)


FORWARD = {"_contrib_box_iou": _iou_fwd, "_contrib_box_encode": _encode_fwd,
           "_contrib_box_decode": _decode_fwd, "_contrib_MultiBoxPrior": _prior_fwd}
BACKWARD = {}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i, b = types.int64, types.boolean
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        s = from_dtype(dt)
        sigs = {box_iou_k: (a, a, a, i, b), box_encode_k: (a,) * 8 + (i, i),
                box_decode_k: (a, a, a, i) + (s,) * 5 + (b,)}
        if dt == _F32:
            sigs[prior_k] = (a,) * 5 + (i, i, b)
        for tmpl, sig in sigs.items():
            # box_encode / box_decode take their log / exp in double, as the CPU does
            f32 = dt == _F32 and tmpl not in (box_encode_k, box_decode_k)
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig, f32))
    return jobs
