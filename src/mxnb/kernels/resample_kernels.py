"""Kernels of BilinearResize2D and AdaptiveAvgPooling2D (ops/resample.py) and their adjoints.

Imported on first use (it imports numba). Planes are (P, H, W) C-contiguous arrays
(P = batch * channels). The interpolation tables (source rows, +1 offsets and weights)
come from Python, computed in float32 as MXNet does; the kernels do MXNet's arithmetic
in the same order and accumulate the adjoints in MXNet's serial order, so float32
results match it bit for bit. No FMA contraction, for the same reason.
"""
from .._jit import njit

_OPTS = dict(error_model="numpy", nogil=True, boundscheck=False)


@njit(**_OPTS)
def resize_fwd(x, out, hi, hp, hl0, hl1, wi, wp, wl0, wl1):
    """out[p, i, j] = bilinear blend of x[p] at row table (hi, hp, hl*) and column table."""
    for p in range(x.shape[0]):
        for i in range(out.shape[1]):
            r0 = hi[i]
            r1 = r0 + hp[i]
            for j in range(out.shape[2]):
                c0 = wi[j]
                c1 = c0 + wp[j]
                out[p, i, j] = (hl0[i] * (wl0[j] * x[p, r0, c0] + wl1[j] * x[p, r0, c1])
                                + hl1[i] * (wl0[j] * x[p, r1, c0] + wl1[j] * x[p, r1, c1]))


@njit(**_OPTS)
def resize_adj(dy, dx, hi, hp, hl0, hl1, wi, wp, wl0, wl1):
    """dx += the adjoint of resize_fwd applied to dy (dx arrives zeroed)."""
    for p in range(dy.shape[0]):
        for i in range(dy.shape[1]):
            r0 = hi[i]
            r1 = r0 + hp[i]
            for j in range(dy.shape[2]):
                c0 = wi[j]
                c1 = c0 + wp[j]
                g = dy[p, i, j]
                dx[p, r0, c0] += hl0[i] * wl0[j] * g
                dx[p, r0, c1] += hl0[i] * wl1[j] * g
                dx[p, r1, c0] += hl1[i] * wl0[j] * g
                dx[p, r1, c1] += hl1[i] * wl1[j] * g


@njit(**_OPTS)
def adaptive_fwd(x, out, hs, he, ws, we, hk, wk):
    """out[p, i, j] = mean of x[p, hs[i]:he[i], ws[j]:we[j]] (sum / kW / kH, as MXNet).

    hk, wk: the window sizes in the data's dtype (an int divisor would promote float32
    to float64 and round twice).
    """
    for p in range(x.shape[0]):
        for i in range(out.shape[1]):
            kh = hk[i]
            for j in range(out.shape[2]):
                kw = wk[j]
                s = kh - kh
                for a in range(hs[i], he[i]):
                    for b in range(ws[j], we[j]):
                        s += x[p, a, b]
                out[p, i, j] = s / kw / kh


@njit(**_OPTS)
def adaptive_adj(dy, dx, hs, he, ws, we, hk, wk):
    """dx += the adjoint of adaptive_fwd applied to dy (dy / kH / kW into each window)."""
    for p in range(dy.shape[0]):
        for i in range(dy.shape[1]):
            kh = hk[i]
            for j in range(dy.shape[2]):
                kw = wk[j]
                g = dy[p, i, j] / kh / kw
                for a in range(hs[i], he[i]):
                    for b in range(ws[j], we[j]):
                        dx[p, a, b] += g
