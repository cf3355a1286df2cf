"""Numba kernels for BilinearSampler / SpatialTransformer and Correlation (imported lazily).

Arrays are flat C-contiguous buffers. Templates are compiled once per float dtype
with `T` bound to the storage type and `D` to float64, and WITHOUT fast-math:
MXNet's CPU sampler mixes float32 and double (`1.0 - w` is a double) and the
numbers only match bit for bit when every rounding happens where C++ puts it
and no multiply-add is fused.

The sampler reads a zero outside the image (each of the four corners is checked
on its own), as MXNet 1.9.1's CPU `BilinearSampler` and `SpatialTransformer` do.
"""
# ruff: noqa: F821  (T, D, prange are bound per dtype by kernel())
import math
import sys
import types

import numpy as np

from .._jit import cache_enabled, numba
from . import builder

_nb = numba()


def _weights(gx, gy, H, W):
    """Top-left corner (ty, tx) and its weights (wy, wx) for one grid point."""
    xr = (gx + T(1)) * T(W - 1) / T(2)
    yr = (gy + T(1)) * T(H - 1) / T(2)
    ty = int(np.floor(yr))
    tx = int(np.floor(xr))
    wy = T(D(1.0) - D(yr - T(ty)))
    wx = T(D(1.0) - D(xr - T(tx)))
    return ty, tx, wy, wx


def bilinear_fwd(data, grid, out, N, C, H, W, OH, OW):
    """out[n, c, h, w] = data sampled at grid[n, :, h, w] (normalised to [-1, 1])."""
    P = OH * OW
    for t in prange(N * P):
        n = t // P
        p = t - n * P
        ty, tx, wy, wx = WEIGHTS(grid[n * 2 * P + p], grid[n * 2 * P + P + p], H, W)
        iny0 = ty >= 0 and ty <= H - 1
        iny1 = ty + 1 >= 0 and ty + 1 <= H - 1
        inx0 = tx >= 0 and tx <= W - 1
        inx1 = tx + 1 >= 0 and tx + 1 <= W - 1
        dwy, dwx = D(wy), D(wx)
        for c in range(C):
            base = (n * C + c) * H * W + ty * W + tx
            tl = data[base] if iny0 and inx0 else T(0)
            tr = data[base + 1] if iny0 and inx1 else T(0)
            bl = data[base + W] if iny1 and inx0 else T(0)
            br = data[base + W + 1] if iny1 and inx1 else T(0)
            out[(n * C + c) * P + p] = T(D(T(tl * wy) * wx) + D(T(tr * wy)) * (D(1.0) - dwx)
                                         + D(bl) * (D(1.0) - dwy) * dwx
                                         + D(br) * (D(1.0) - dwy) * (D(1.0) - dwx))


def bilinear_bwd(dy, data, grid, gdata, ggrid, N, C, H, W, OH, OW):
    """gdata (zeroed by the caller) and ggrid of bilinear_fwd, in MXNet's accumulation order."""
    P = OH * OW
    for n in prange(N):
        for p in range(P):
            ty, tx, wy, wx = WEIGHTS(grid[n * 2 * P + p], grid[n * 2 * P + P + p], H, W)
            iny0 = ty >= 0 and ty <= H - 1
            iny1 = ty + 1 >= 0 and ty + 1 <= H - 1
            inx0 = tx >= 0 and tx <= W - 1
            inx1 = tx + 1 >= 0 and tx + 1 <= W - 1
            dwy, dwx = D(wy), D(wx)
            ygw = T(0)
            xgw = T(0)
            for c in range(C):
                g = dy[(n * C + c) * P + p]
                base = (n * C + c) * H * W + ty * W + tx
                tl = T(0)
                tr = T(0)
                bl = T(0)
                br = T(0)
                if iny0 and inx0:
                    gdata[base] += T(g * wy) * wx
                    tl = data[base]
                if iny0 and inx1:
                    gdata[base + 1] = T(D(gdata[base + 1]) + D(T(g * wy)) * (D(1.0) - dwx))
                    tr = data[base + 1]
                if iny1 and inx0:
                    gdata[base + W] = T(D(gdata[base + W]) + D(g) * (D(1.0) - dwy) * dwx)
                    bl = data[base + W]
                if iny1 and inx1:
                    gdata[base + W + 1] = T(D(gdata[base + W + 1])
                                            + D(g) * (D(1.0) - dwy) * (D(1.0) - dwx))
                    br = data[base + W + 1]
                s = tl - tr - bl + br
                ygw -= g * (tr - br + s * wx)
                xgw -= g * (bl - br + s * wy)
            ggrid[n * 2 * P + P + p] = ygw * T(H - 1) / T(2)
            ggrid[n * 2 * P + p] = xgw * T(W - 1) / T(2)


def corr_fwd(ap, bp, out, N, C, PH, PW, OH, OW, k, md, s1, s2, r, gw, mult):
    """out[n, tc, i, j]: the patch product (or absolute difference) sum over (h, w, c) / (k k C).

    ap and bp are the zero-padded inputs in (N, PH, PW, C) layout, as MXNet lays them out.
    """
    TC = gw * gw
    sumelems = T(k * k * C)
    for n in prange(N):
        for i in range(OH):
            for j in range(OW):
                x1 = j * s1 + md
                y1 = i * s1 + md
                for tc in range(TC):
                    x2 = x1 + (tc % gw - r) * s2
                    y2 = y1 + (tc // gw - r) * s2
                    acc = T(0)
                    for h in range(k):
                        pa = ((n * PH + y1 + h) * PW + x1) * C
                        pb = ((n * PH + y2 + h) * PW + x2) * C
                        for q in range(k * C):
                            if mult:
                                acc += ap[pa + q] * bp[pb + q]
                            else:
                                acc += abs(ap[pa + q] - bp[pb + q])
                    out[((n * TC + tc) * OH + i) * OW + j] = acc / sumelems


def corr_grad(og, ap, bp, g, N, C, H, W, PH, PW, OH, OW, k, md, s1, s2, r, gw, pad, mult,
              which):
    """MXNet's Correlation input gradient: of data1 (which=1) or data2 (which=2), into g.

    g must be zeroed; it is laid out (N, H, W, C) so that the channel loop runs along
    memory (the caller transposes it). Sums run in MXNet's order (i, j, tc, h, w, c) per
    image.
    """
    TC = gw * gw
    sumelems = T(k * k * C)
    for n in prange(N):
        for i in range(OH):
            for j in range(OW):
                x1 = j * s1 + md
                y1 = i * s1 + md
                for tc in range(TC):
                    x2 = x1 + (tc % gw - r) * s2
                    y2 = y1 + (tc // gw - r) * s2
                    o = og[((n * TC + tc) * OH + i) * OW + j]
                    yw = y1 if which == 1 else y2
                    xw = x1 if which == 1 else x2
                    for h in range(k):
                        yy = yw + h - pad
                        if yy < 0 or yy >= H:
                            continue
                        for w in range(k):
                            xx = xw + w - pad
                            if xx < 0 or xx >= W:
                                continue
                            pa = ((n * PH + y1 + h) * PW + x1 + w) * C
                            pb = ((n * PH + y2 + h) * PW + x2 + w) * C
                            for c in range(C):
                                if mult:
                                    v = bp[pb + c] if which == 1 else ap[pa + c]
                                elif (ap[pa + c] >= bp[pb + c]) == (which == 1):
                                    v = T(1)
                                else:
                                    v = T(-1)
                                gi = ((n * H + yy) * W + xx) * C + c
                                g[gi] += o * v / sumelems


HELPERS = {"WEIGHTS": _weights}

# ---------------------------------------------------------------- compiling

_kernels = {}


def kernel(template, dtype, parallel=False):
    """The compiled `template` for float `dtype` (built once per process, cached on disk)."""
    dtype = np.dtype(dtype)
    key = (template.__name__, dtype.char, parallel)
    return builder.built_once(_kernels, key, lambda: _compile(template, dtype, parallel))


def _compile(template, dtype, parallel):
    g = {"__builtins__": __builtins__, "prange": _nb.prange if parallel else range, "np": np,
         "math": math, "T": dtype.type, "D": np.float64}
    variant = "par" if parallel else "ser"
    qual = f"spatial_{template.__name__}_{variant}_{dtype.name}_{builder._source_hash(template)}"
    for name, helper in getattr(sys.modules[template.__module__], "HELPERS", {}).items():
        h = types.FunctionType(helper.__code__, g, f"{qual}_{name}", None, None)
        h.__qualname__ = f"{qual}_{name}"
        g[name] = _nb.njit(inline="always", error_model="numpy")(h)
    fn = types.FunctionType(template.__code__, g, qual, None, None)
    fn.__qualname__ = qual
    fn.__module__ = __name__
    opts = dict(cache=cache_enabled(), error_model="numpy", boundscheck=False, nogil=True)
    if parallel:
        opts["parallel"] = True
    return _nb.njit(**opts)(fn)


def run(template, n_work, cost, dtype, *args):
    """Run `template` serially or in parallel, chosen from the work size."""
    builder.run_sized(lambda par: kernel(template, dtype, par), n_work, cost, *args)
