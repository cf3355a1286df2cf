"""The loops of `ops/image_resize.py` (OpenCV's separable resize), compiled.

Each does exactly the arithmetic of the NumPy formulation it replaced, in the same order:
integer taps in int64 (exact in any order), float taps as a product rounded to the weight
type and then added, tap after tap (no FMA: no fastmath). A 224x224x3 uint8 bilinear resize
took 10 ms in NumPy.
"""
import numpy as np

from .._jit import njit

_OPTS = dict(error_model="numpy", nogil=True, boundscheck=False)


@njit(**_OPTS)
def h_int(x, ix, wx, out):
    """out[y, d, c] = sum_t x[y, ix[d, t], c] * wx[d, t], in int64."""
    H, _, C = x.shape
    dw, T = ix.shape
    for y in range(H):
        for d in range(dw):
            for c in range(C):
                acc = np.int64(0)
                for t in range(T):
                    acc += np.int64(x[y, ix[d, t], c]) * wx[d, t]
                out[y, d, c] = acc


@njit(**_OPTS)
def h_float(x, ix, wx, out):
    """out[y, d, c] = x[.., ix[d, 0], ..] * wx[d, 0] + x[.., ix[d, 1], ..] * wx[d, 1] + ...,
    each product rounded to the common type (x and wx share it), added left to right."""
    H, _, C = x.shape
    dw, T = ix.shape
    for y in range(H):
        for d in range(dw):
            for c in range(C):
                acc = x[y, ix[d, 0], c] * wx[d, 0]
                for t in range(1, T):
                    acc = acc + x[y, ix[d, t], c] * wx[d, t]
                out[y, d, c] = acc


@njit(**_OPTS)
def v_float(hs, iy, wy, out):
    """out[e, d, c] = hs[iy[e, 0], d, c] * wy[e, 0] + ... (rounded as h_float)."""
    dh, T = iy.shape
    _, dw, C = hs.shape
    for e in range(dh):
        for d in range(dw):
            for c in range(C):
                acc = hs[iy[e, 0], d, c] * wy[e, 0]
                for t in range(1, T):
                    acc = acc + hs[iy[e, t], d, c] * wy[e, t]
                out[e, d, c] = acc


@njit(**_OPTS)
def v_int_linear(hs, iy, by, lo, hi, out):
    """OpenCV's 8-bit bilinear vertical pass:
    ((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2 >> 2, clipped to [lo, hi]."""
    dh = iy.shape[0]
    _, dw, C = hs.shape
    for e in range(dh):
        b0 = by[e, 0]
        b1 = by[e, 1]
        for d in range(dw):
            for c in range(C):
                v = (((b0 * (hs[iy[e, 0], d, c] >> 4)) >> 16)
                     + ((b1 * (hs[iy[e, 1], d, c] >> 4)) >> 16) + 2) >> 2
                out[e, d, c] = min(max(v, lo), hi)


@njit(**_OPTS)
def v_int_fixed22(hs, iy, by, lo, hi, out):
    """The integer FixedPtCast with 22 bits: (sum_t by[e, t] * h_t + 2**21) >> 22, clipped."""
    dh, T = iy.shape
    _, dw, C = hs.shape
    for e in range(dh):
        for d in range(dw):
            for c in range(C):
                acc = np.int64(0)
                for t in range(T):
                    acc += by[e, t] * hs[iy[e, t], d, c]
                v = (acc + (1 << 21)) >> 22
                out[e, d, c] = min(max(v, lo), hi)


@njit(**_OPTS)
def v_int_cubic(hs, iy, by, lo, hi, out):
    """OpenCV's 8-bit bicubic vertical pass: SSE2 float32 arithmetic for the first multiple
    of 8 values of each output row (dw * C of them), the 22-bit FixedPtCast for the rest."""
    dh, T = iy.shape
    _, dw, C = hs.shape
    nsimd = (dw * C) // 8 * 8
    scale = np.float32(1.0 / (2048 * 2048))
    for e in range(dh):
        for d in range(dw):
            for c in range(C):
                if d * C + c < nsimd:
                    f = np.float32(hs[iy[e, 0], d, c]) * (np.float32(by[e, 0]) * scale)
                    for t in range(1, T):
                        f = f + np.float32(hs[iy[e, t], d, c]) * (np.float32(by[e, t]) * scale)
                    v = np.int64(np.rint(f))
                else:
                    acc = np.int64(0)
                    for t in range(T):
                        acc += by[e, t] * hs[iy[e, t], d, c]
                    v = (acc + (1 << 21)) >> 22
                out[e, d, c] = min(max(v, lo), hi)
