"""Correlation and its two gradient ops on mx.gpu() (registered through `cuda_spatial`).

The forward runs one thread per output value and sums the k x k x C patch in
the CPU's order (row, column, channel; `kernels/spatial_kernels.py`), reading
the NCHW inputs with zeros outside the image where the CPU reads its padded
copies: the same terms, the same sums. Each gradient runs one thread per input
cell that gathers, in the CPU's scatter order (output row, column, displacement),
the terms that land on it; only the outputs whose patch can reach the cell are
visited. Products go through libdevice's unfused multiplies (see `cuda_spatial`),
so results are bit-equal with the CPU. float16 computes in float32.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, dev, flat, kernel, unfused_mul

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, MT, AT, cuda are bound per kernel)


def _at(x, n, C, c, H, W, y, xx, pad):
    """x[n, c, y - pad, xx - pad] of an NCHW array: the zero-padded input's value."""
    yy = y - pad
    xc = xx - pad
    if yy < 0 or yy >= H or xc < 0 or xc >= W:
        return T(0)
    return x[((n * C + c) * H + yy) * W + xc]


def corr_k(a, b, out, C, H, W, OH, OW, k, md, s1, s2, r, gw, pad, mult):
    """out[n, tc, i, j] = sum over the patch (h, w, c) of a b (or |a - b|) / (k k C)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        j = t % OW
        i = (t // OW) % OH
        tc = (t // (OW * OH)) % (gw * gw)
        n = t // (OW * OH * gw * gw)
        x1 = j * s1 + md
        y1 = i * s1 + md
        x2 = x1 + (tc % gw - r) * s2
        y2 = y1 + (tc // gw - r) * s2
        acc = T(0)
        for h in range(k):
            for w in range(k):
                for c in range(C):
                    va = AT(a, n, C, c, H, W, y1 + h, x1 + w, pad)
                    vb = AT(b, n, C, c, H, W, y2 + h, x2 + w, pad)
                    if mult:
                        acc += MT(va, vb)
                    else:
                        acc += abs(va - vb)
        out[t] = acc / T(k * k * C)


def corr_grad_k(og, a, b, g, C, H, W, OH, OW, k, md, s1, s2, r, gw, pad, mult, which):
    """g[n, c, y, x]: the gradient of data1 (which 1) or data2 (2), gathered over the
    outputs (i, j, tc) whose patch holds the cell, in that order (the CPU's)."""
    for t in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        xx = t % W
        yy = (t // W) % H
        c = (t // (W * H)) % C
        n = t // (W * H * C)
        # data2's patches are shifted by up to r s2 each way
        reach = 0 if which == 1 else r * s2
        py = yy + pad - md
        px = xx + pad - md
        i0 = max(0, -((reach + k - 1 - py) // s1))
        i1 = min(OH - 1, (py + reach) // s1)
        j0 = max(0, -((reach + k - 1 - px) // s1))
        j1 = min(OW - 1, (px + reach) // s1)
        sumelems = T(k * k * C)
        acc = T(0)
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                x1 = j * s1 + md
                y1 = i * s1 + md
                for tc in range(gw * gw):
                    x2 = x1 + (tc % gw - r) * s2
                    y2 = y1 + (tc // gw - r) * s2
                    if which == 1:
                        h = yy + pad - y1
                        w = xx + pad - x1
                    else:
                        h = yy + pad - y2
                        w = xx + pad - x2
                    if h < 0 or h >= k or w < 0 or w >= k:
                        continue
                    o = og[(((n * gw * gw) + tc) * OH + i) * OW + j]
                    va = AT(a, n, C, c, H, W, y1 + h, x1 + w, pad)
                    vb = AT(b, n, C, c, H, W, y2 + h, x2 + w, pad)
                    if mult:
                        v = vb if which == 1 else va
                    elif (va >= vb) == (which == 1):
                        v = T(1)
                    else:
                        v = T(-1)
                    acc += MT(o, v) / sumelems
        g[t] = acc


def _k(template, dtype):
    from .cuda_common import _max2, _min2

    dt = np.dtype(dtype)
    mt = unfused_mul(dt)
    env = dict(T=dt.type, MT=mt, min=dev(_min2), max=dev(_max2))
    env["AT"] = dev(_at, **env)
    return kernel(template, dt.name, **env)


# ---------------------------------------------------------------- ops


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def _geo(op, attrs, shape):
    from ..ops.correlation import corr_geo

    return corr_geo(op, attrs, tuple(shape))


def _args(geo):
    return (geo.C, geo.H, geo.W, geo.OH, geo.OW, geo.k, geo.md, geo.s1, geo.s2, geo.r, geo.gw,
            geo.pad, geo.mult)


def correlate_dev(a, b, geo, out):
    cdt = _cdt(a.dtype)
    o = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    if o.size:
        launch(_k(corr_k, cdt), o.size, flat(as_dtype(a, cdt)), flat(as_dtype(b, cdt)), flat(o),
               *_args(geo))
    if o is not out:
        cuda_launch.cast_into(flat(o), flat(out))


def _correlate(a, b, geo):
    out = cuda_launch.empty((geo.N, geo.gw ** 2, geo.OH, geo.OW), a.dtype)
    correlate_dev(a, b, geo, out)
    return out


def corr_grad_dev(og, a, b, geo, which):
    """The gradient of data1 (which=1) or data2 (which=2) from og, in a's dtype."""
    cdt = _cdt(a.dtype)
    g = cuda_launch.empty(tuple(a.shape), cdt)
    if g.size:
        if og.size:
            launch(_k(corr_grad_k, cdt), g.size, flat(as_dtype(og, cdt)), flat(as_dtype(a, cdt)),
                   flat(as_dtype(b, cdt)), flat(g), *_args(geo), which)
        else:
            cuda_launch.fill(g, 0)
    return as_dtype(g, a.dtype)


def _fwd(op, ins, outs, attrs):
    correlate_dev(ins[0], ins[1], _geo(op, attrs, ins[0].shape), outs[0])


def _bwd(op, dys, ins, outs, attrs):
    geo = _geo(op, attrs, ins[0].shape)
    return [corr_grad_dev(dys[0], *ins, geo, 1), corr_grad_dev(dys[0], *ins, geo, 2)]


def _g_fwd(which):
    def forward(op, ins, outs, attrs):
        g, a, b = ins
        outs[0].copy_to_device(corr_grad_dev(g, a, b, _geo(op, attrs, a.shape), which))
    return forward


def _g1_bwd(op, dys, ins, outs, attrs):
    from ..ops.correlation import _first_order_only

    _first_order_only(op, attrs)
    g, a, b = ins
    geo = _geo(op, attrs, a.shape)
    return [_correlate(dys[0], b, geo), None, corr_grad_dev(g, dys[0], b, geo, 2)]


def _g2_bwd(op, dys, ins, outs, attrs):
    from ..ops.correlation import _first_order_only

    _first_order_only(op, attrs)
    g, a, b = ins
    geo = _geo(op, attrs, a.shape)
    return [_correlate(a, dys[0], geo), corr_grad_dev(g, a, dys[0], geo, 1), None]


FORWARD = {"Correlation": _fwd, "_correlation_backward_data1": _g_fwd(1),
           "_correlation_backward_data2": _g_fwd(2)}
BACKWARD = {"Correlation": _bwd, "_correlation_backward_data1": _g1_bwd,
            "_correlation_backward_data2": _g2_bwd}


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
        sigs = {corr_k: (a,) * 3 + (i,) * 12 + (b,), corr_grad_k: (a,) * 4 + (i,) * 12 + (b, i)}
        for tmpl, sig in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         dt == _F32))
    return jobs
