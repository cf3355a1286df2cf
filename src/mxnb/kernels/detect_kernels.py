"""Kernels of the detection ops (ops/detect.py): box overlaps and non-maximum suppression.

Imported on first use (it imports numba). Every kernel computes in the dtype of its
arrays (float32 or float64; float16 arrives as float32), in MXNet's order of
operations, so float32 results match MXNet 1.9.1's CPU kernels bit for bit.
Thresholds arrive as float64 holding a float32 value: MXNet's parameters are
`float`, and `iou > thresh` promotes that float to the box dtype.
"""
import numpy as np

from .._jit import njit

# No FMA contraction: MXNet's CPU build rounds every product, and IoUs must match it bit for bit.
_OPTS = dict(error_model="numpy", nogil=True, boundscheck=False)


@njit(inline="always", **_OPTS)
def _consts(dtype):
    # Typed 0 and 2: a Python int or float literal would promote float32 math to float64.
    c = np.zeros(2, dtype)
    c[1] = 2
    return c[0], c[1]


@njit(inline="always", **_OPTS)
def _intersect(a1, a2, b1, b2, center, zero, two):
    """Overlap of two intervals along one axis; corner: (min, max), center: (mid, size)."""
    if center:
        aw = a2 / two
        bw = b2 / two
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
    return w if w > 0 else zero


@njit(inline="always", **_OPTS)
def _area(b0, b1, b2, b3, center, zero):
    if center:
        w = b2
        h = b3
    else:
        w = b2 - b0
        h = b3 - b1
    if w < 0 or h < 0:
        return zero
    return w * h


@njit(**_OPTS)
def box_iou(lhs, rhs, out, center):
    """out[i * R + j] = IoU of lhs box i and rhs box j (lhs (L, 4), rhs (R, 4), flat)."""
    zero, two = _consts(out.dtype)
    nl = lhs.shape[0]
    nr = rhs.shape[0]
    for i in range(nl):
        for j in range(nr):
            inter = _intersect(lhs[i, 0], lhs[i, 2], rhs[j, 0], rhs[j, 2], center, zero, two)
            inter *= _intersect(lhs[i, 1], lhs[i, 3], rhs[j, 1], rhs[j, 3], center, zero, two)
            if inter <= 0:
                out[i * nr + j] = 0
                continue
            la = _area(lhs[i, 0], lhs[i, 1], lhs[i, 2], lhs[i, 3], center, zero)
            ra = _area(rhs[j, 0], rhs[j, 1], rhs[j, 2], rhs[j, 3], center, zero)
            out[i * nr + j] = inter / (la + ra - inter)


@njit(**_OPTS)
def nms(data, order, starts, topk, cs, id_index, thresh, force, center, out, record):
    """Suppress, per batch, the boxes `order[starts[b]:starts[b+1]]` (sorted by score,
    global row numbers) in turn, then write the survivors in that order.

    data (B*N, W) rows; out (B*N, W) and record (B*N,) arrive filled with -1.
    Only the first `topk` of each batch take part, as in MXNet.
    """
    zero, two = _consts(data.dtype)
    nb = starts.shape[0] - 1
    n = data.shape[0] // nb if nb > 0 else 0
    idx = order.copy()
    for b in range(nb):
        s = starts[b]
        k = min(starts[b + 1] - s, topk)
        areas = np.empty(k, data.dtype)
        for t in range(k):
            r = idx[s + t]
            areas[t] = _area(data[r, cs], data[r, cs + 1], data[r, cs + 2], data[r, cs + 3],
                             center, zero)
        for ref in range(k):
            ri = idx[s + ref]
            if ri < 0:
                continue
            for p in range(ref + 1, k):
                pi = idx[s + p]
                if pi < 0:
                    continue
                if not force and id_index >= 0:
                    if int(data[ri, id_index]) != int(data[pi, id_index]):
                        continue
                inter = _intersect(data[ri, cs], data[ri, cs + 2], data[pi, cs],
                                   data[pi, cs + 2], center, zero, two)
                inter *= _intersect(data[ri, cs + 1], data[ri, cs + 3], data[pi, cs + 1],
                                    data[pi, cs + 3], center, zero, two)
                iou = inter / (areas[ref] + areas[p] - inter)
                if iou > thresh:
                    idx[s + p] = -1
        count = 0
        for t in range(k):
            r = idx[s + t]
            if r >= 0:
                o = b * n + count
                out[o, :] = data[r, :]
                record[o] = r
                count += 1


@njit(**_OPTS)
def bipartite(scores, order, rmark, cmark, thresh, ascend, topk):
    """Greedy matching of each (R, C) score matrix: order (B, R*C) ranks its entries."""
    nb, nr = rmark.shape
    nc = cmark.shape[1]
    for b in range(nb):
        count = 0
        for j in range(nr * nc):
            idx = order[b, j]
            r = idx // nc
            c = idx % nc
            if rmark[b, r] == -1 and cmark[b, c] == -1:
                s = scores[b, j]
                if (not ascend and s > thresh) or (ascend and s < thresh):
                    rmark[b, r] = c
                    cmark[b, c] = r
                    count += 1
                    if topk > 0 and count > topk:
                        break
                else:
                    break
