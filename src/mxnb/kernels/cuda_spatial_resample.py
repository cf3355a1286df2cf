"""BilinearResize2D and AdaptiveAvgPooling2D (and their adjoint ops) on mx.gpu().

Registered through `cuda_spatial`'s tables. The interpolation and window tables
are the CPU's (`ops/resample.py` computes them from the shapes alone, in float32
as MXNet does) and are copied to the device; the kernels do the CPU kernels'
arithmetic (`kernels/resample_kernels.py`) in the same order, products through
libdevice's unfused multiplies (see `cuda_spatial`), so float32 and float64 are
bit-equal with the CPU. The adjoints run one thread per input cell that gathers
from the output cells reading it, in the CPU's scatter order (row-major over
the output, then the four corners): the row and column ranges to visit come
from the tables. float16 computes in float32 and is rounded once, as on the CPU.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, flat, kernel, unfused_mul

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, MT, cuda are bound per kernel)


def resize_k(x, out, hi, hp, hl0, hl1, wi, wp, wl0, wl1, h, w, oh, ow):
    """out[p, i, j] = the bilinear blend of x[p] at row table (hi, hp, hl*) and column table."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        j = t % ow
        i = (t // ow) % oh
        b = (t // (oh * ow)) * h * w
        r0 = b + hi[i] * w
        r1 = r0 + hp[i] * w
        c0 = wi[j]
        c1 = c0 + wp[j]
        out[t] = (MT(hl0[i], MT(wl0[j], x[r0 + c0]) + MT(wl1[j], x[r0 + c1]))
                  + MT(hl1[i], MT(wl0[j], x[r1 + c0]) + MT(wl1[j], x[r1 + c1])))


def resize_adj_k(dy, dx, hi, hp, hl0, hl1, wi, wp, wl0, wl1, rlo, rhi, clo, chi,
                 h, w, oh, ow):
    """dx[p, r, c]: the adjoint of resize_k, gathered in the CPU's scatter order."""
    for t in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        c = t % w
        r = (t // w) % h
        b = (t // (h * w)) * oh * ow
        acc = T(0)
        for i in range(rlo[r], rhi[r]):
            r0 = hi[i]
            r1 = r0 + hp[i]
            if r0 != r and r1 != r:
                continue
            for j in range(clo[c], chi[c]):
                c0 = wi[j]
                c1 = c0 + wp[j]
                if c0 != c and c1 != c:
                    continue
                g = dy[b + i * ow + j]
                if r0 == r and c0 == c:
                    acc += MT(MT(hl0[i], wl0[j]), g)
                if r0 == r and c1 == c:
                    acc += MT(MT(hl0[i], wl1[j]), g)
                if r1 == r and c0 == c:
                    acc += MT(MT(hl1[i], wl0[j]), g)
                if r1 == r and c1 == c:
                    acc += MT(MT(hl1[i], wl1[j]), g)
        dx[t] = acc


def adaptive_k(x, out, hs, he, ws, we, hk, wk, h, w, oh, ow):
    """out[p, i, j] = sum of x[p] over the window / kW / kH (MXNet's order)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        j = t % ow
        i = (t // ow) % oh
        b = (t // (oh * ow)) * h * w
        s = T(0)
        for a in range(hs[i], he[i]):
            for c in range(ws[j], we[j]):
                s += x[b + a * w + c]
        out[t] = s / wk[j] / hk[i]


def adaptive_adj_k(dy, dx, hs, he, ws, we, hk, wk, rlo, rhi, clo, chi, h, w, oh, ow):
    """dx[p, r, c]: the sum of dy / kH / kW over the windows holding (r, c), in row-major
    window order (the CPU's)."""
    for t in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        c = t % w
        r = (t // w) % h
        b = (t // (h * w)) * oh * ow
        acc = T(0)
        for i in range(rlo[r], rhi[r]):
            if r < hs[i] or r >= he[i]:
                continue
            for j in range(clo[c], chi[c]):
                if c < ws[j] or c >= we[j]:
                    continue
                acc += dy[b + i * ow + j] / hk[i] / wk[j]
        dx[t] = acc


def _k(template, dtype):
    dt = np.dtype(dtype)
    mt = unfused_mul(dt)
    return kernel(template, dt.name, T=dt.type, MT=mt)


# ---------------------------------------------------------------- tables


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def _ranges(n_in, n_out, touches):
    """(lo, hi) per input index: the output indices whose `touches(i)` (a set of input
    indices) hold it lie in [lo, hi); (0, 0) where none do."""
    lo = np.zeros(n_in, np.int64)
    hi = np.zeros(n_in, np.int64)
    for i in range(n_out):
        for r in touches(i):
            if hi[r] == 0:
                lo[r] = i
            hi[r] = i + 1
    return lo, hi


def _dev(*arrs):
    return [cuda_launch.to_device(np.ascontiguousarray(a)) for a in arrs]


def _resize_tables(n_in, n_out, align, dt, adjoint):
    from ..ops.resample import _table

    i0, off, l0, l1 = _table(n_in, n_out, align, dt)
    t = _dev(i0, off, l0, l1)
    if adjoint:
        t += _dev(*_ranges(n_in, n_out, lambda i: (int(i0[i]), int(i0[i] + off[i]))))
    return t


def _window_tables(n_in, n_out, dt, adjoint):
    from ..ops.resample import _windows

    s, e, k = _windows(n_in, n_out, dt)
    t = [s, e, k]
    if adjoint:
        t += list(_ranges(n_in, n_out, lambda i: range(int(s[i]), int(e[i]))))
    return _dev(*t)


def _run(x, out, kind, align=True):
    """out (N, C, *) from x (N, C, *): the resize or adaptive pooling ('resize', 'pool') or
    their adjoints ('resize_adj', 'pool_adj'); float16 through float32."""
    if not out.size:
        return
    cdt = _cdt(x.dtype)
    xc = flat(as_dtype(x, cdt))
    o = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    h, w = x.shape[2:]
    oh, ow = out.shape[2:]
    adjoint = kind.endswith("_adj")
    if kind.startswith("resize") and (h, w) == (oh, ow):
        flat(o).copy_to_device(xc)
    elif kind.startswith("resize"):
        # the tables map the larger side (forward: the output; adjoint: dy) to the image
        (ih, iw), (uh, uw) = ((oh, ow), (h, w)) if adjoint else ((h, w), (oh, ow))
        th = _resize_tables(ih, uh, align, cdt, adjoint)
        tw = _resize_tables(iw, uw, align, cdt, adjoint)
        if adjoint:
            tabs = th[:4] + tw[:4] + th[4:] + tw[4:]
            launch(_k(resize_adj_k, cdt), out.size, xc, flat(o), *tabs, oh, ow, h, w)
        else:
            launch(_k(resize_k, cdt), out.size, xc, flat(o), *th, *tw, h, w, oh, ow)
    else:
        (ih, iw), (uh, uw) = ((oh, ow), (h, w)) if adjoint else ((h, w), (oh, ow))
        th = _window_tables(ih, uh, cdt, adjoint)
        tw = _window_tables(iw, uw, cdt, adjoint)
        if adjoint:
            tabs = th[:2] + tw[:2] + th[2:3] + tw[2:3] + th[3:] + tw[3:]
            launch(_k(adaptive_adj_k, cdt), out.size, xc, flat(o), *tabs, oh, ow, h, w)
        else:
            tabs = th[:2] + tw[:2] + th[2:] + tw[2:]
            launch(_k(adaptive_k, cdt), out.size, xc, flat(o), *tabs, h, w, oh, ow)
    if o is not out:
        cuda_launch.cast_into(flat(o), flat(out))


def _new(shape, like_hw, dtype):
    return cuda_launch.empty(tuple(shape[:2]) + tuple(like_hw), dtype)


# ---------------------------------------------------------------- ops


def _align(attrs):
    return bool(attrs["align_corners"])


def _resize_fwd(op, ins, outs, attrs):
    _run(ins[0], outs[0], "resize", _align(attrs))


def _resize_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    g = _new(x.shape, x.shape[2:], x.dtype)
    _run(dys[0], g, "resize_adj", _align(attrs))
    return [g] + ([cuda_launch.zeros(tuple(ins[1].shape), ins[1].dtype)] if len(ins) > 1
                  else [])


def _adj_resize_fwd(op, ins, outs, attrs):
    _run(ins[0], outs[0], "resize_adj", _align(attrs))


def _adj_resize_bwd(op, dys, ins, outs, attrs):
    dy = ins[0]
    g = _new(dy.shape, dy.shape[2:], dy.dtype)
    _run(dys[0], g, "resize", _align(attrs))
    return [g]


def _pool_fwd(op, ins, outs, attrs):
    _run(ins[0], outs[0], "pool")


def _pool_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    g = _new(x.shape, x.shape[2:], x.dtype)
    _run(dys[0], g, "pool_adj")
    return [g]


def _adj_pool_fwd(op, ins, outs, attrs):
    _run(ins[0], outs[0], "pool_adj")


def _adj_pool_bwd(op, dys, ins, outs, attrs):
    dy = ins[0]
    g = _new(dy.shape, dy.shape[2:], dy.dtype)
    _run(dys[0], g, "pool")
    return [g]


FORWARD = {"_contrib_BilinearResize2D": _resize_fwd, "_bilinear_resize_adjoint": _adj_resize_fwd,
           "_contrib_AdaptiveAvgPooling2D": _pool_fwd,
           "_adaptive_avg_pool_adjoint": _adj_pool_fwd}
BACKWARD = {"_contrib_BilinearResize2D": _resize_bwd, "_bilinear_resize_adjoint": _adj_resize_bwd,
            "_contrib_AdaptiveAvgPooling2D": _pool_bwd,
            "_adaptive_avg_pool_adjoint": _adj_pool_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i = types.int64
    ia = types.Array(types.int64, 1, "C")
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        sigs = {resize_k: (a, a) + (ia, ia, a, a) * 2 + (i,) * 4,
                resize_adj_k: (a, a) + (ia, ia, a, a) * 2 + (ia,) * 4 + (i,) * 4,
                adaptive_k: (a, a) + (ia,) * 4 + (a, a) + (i,) * 4,
                adaptive_adj_k: (a, a) + (ia,) * 4 + (a, a) + (ia,) * 4 + (i,) * 4}
        for tmpl, sig in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         dt == _F32))
    return jobs
