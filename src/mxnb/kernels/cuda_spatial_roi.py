"""ROIPooling and ROIAlign on mx.gpu() (registered through `cuda_spatial`'s tables).

One thread per output element reads its roi from the device and recomputes the
roi's geometry and sampling plan with the CPU's arithmetic (`kernels/detect_kernels.py`,
products through libdevice's unfused multiplies, see `cuda_spatial`), so outputs are
bit-equal with the CPU. The data gradients run one thread per data cell that
gathers, in the CPU's scatter order (roi, channel, bin, sample, corner), the terms
that land on it: no atomics, the same sums. float16 computes in float32.

ROIAlign with aligned=True copies the rois (R x 5 numbers) to the host to raise
MXNet's error on an empty roi: a kernel cannot raise.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import _float_rounding, launch
from .cuda_common import _max2, _min2, as_dtype, dev, flat, kernel, unfused_mul

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_FLT_MAX = float(np.finfo(np.float32).max)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, MT, FLOOR, CEIL, ROUND, GEO, SAMPLE, cuda are bound per kernel)


def _round(v):
    """C's round(): halves away from zero."""
    f = FLOOR(v)
    r = int(f)
    if v - f >= T(0.5):
        r += 1
    if v < T(0) and v - f == T(0.5):
        r -= 1
    return r


def _pool_bin(rois, n, p, q, scale, PH, PW, H, W):
    """(batch, hs, he, ws, we) of ROIPooling's bin (p, q) of roi n."""
    b = int(rois[n * 5])
    sw = ROUND(rois[n * 5 + 1] * scale)
    sh = ROUND(rois[n * 5 + 2] * scale)
    ew = ROUND(rois[n * 5 + 3] * scale)
    eh = ROUND(rois[n * 5 + 4] * scale)
    bh = T(max(eh - sh + 1, 1)) / T(PH)
    bw = T(max(ew - sw + 1, 1)) / T(PW)
    hs = min(max(int(FLOOR(T(p) * bh)) + sh, 0), H)
    he = min(max(int(CEIL(T(p + 1) * bh)) + sh, 0), H)
    ws = min(max(int(FLOOR(T(q) * bw)) + sw, 0), W)
    we = min(max(int(CEIL(T(q + 1) * bw)) + sw, 0), W)
    return b, hs, he, ws, we


def roi_pool_k(x, rois, out, arg, scale, lowest, B, C, H, W, PH, PW):
    """out, arg (R, C, PH, PW): the bin's max (from lowest; 0 when empty) and its in-plane
    offset (-1 when none); rois with a batch outside [0, B) give 0 and -1."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        q = t % PW
        p = (t // PW) % PH
        c = (t // (PH * PW)) % C
        n = t // (C * PH * PW)
        b, hs, he, ws, we = GEO(rois, n, p, q, scale, PH, PW, H, W)
        if b < 0 or b >= B:
            out[t] = T(0)
            arg[t] = T(-1)
            continue
        best = lowest
        idx = -1
        if he <= hs or we <= ws:
            best = lowest - lowest
        base = (b * C + c) * H * W
        for h in range(hs, he):
            for w in range(ws, we):
                v = x[base + h * W + w]
                if v > best:
                    best = v
                    idx = h * W + w
        out[t] = best
        arg[t] = T(idx)


def roi_pool_grad_k(dy, rois, arg, dx, C, H, W, PH, PW, R):
    """dx[b, c, h, w]: the sum of dy over the bins whose max is there, in (roi, bin) order."""
    for t in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        cell = t % (H * W)
        c = (t // (H * W)) % C
        b = t // (C * H * W)
        acc = T(0)
        for n in range(R):
            if int(rois[n * 5]) != b:
                continue
            o = (n * C + c) * PH * PW
            for k in range(PH * PW):
                if int(arg[o + k]) == cell:
                    acc += dy[o + k]
        dx[t] = acc


def _geometry(rois, n, ncol, scale, PH, PW, ratio, aligned):
    """(batch, start_h, start_w, bin_h, bin_w, grid_h, grid_w) of ROIAlign's roi n."""
    one = T(1)
    off = one / T(2) if aligned else T(0)
    c0 = ncol - 4
    b = int(rois[n * ncol]) if ncol == 5 else 0
    sw = MT(rois[n * ncol + c0], scale) - off
    sh = MT(rois[n * ncol + c0 + 1], scale) - off
    ew = MT(rois[n * ncol + c0 + 2], scale) - off
    eh = MT(rois[n * ncol + c0 + 3], scale) - off
    rw = ew - sw
    rh = eh - sh
    if not aligned:
        rw = max(rw, one)
        rh = max(rh, one)
    bh = rh / T(PH)
    bw = rw / T(PW)
    gh = ratio if ratio > 0 else int(CEIL(rh / T(PH)))
    gw = ratio if ratio > 0 else int(CEIL(rw / T(PW)))
    return b, sh, sw, bh, bw, gh, gw


def _sample(sh, sw, bh, bw, gh, gw, p, q, iy, ix, H, W):
    """(valid, 4 plane offsets, 4 weights) of one bilinear sample (0s where invalid)."""
    one = T(1)
    half = one / T(2)
    y = sh + MT(T(p), bh) + MT(T(iy) + half, bh) / T(gh)
    x = sw + MT(T(q), bw) + MT(T(ix) + half, bw) / T(gw)
    z = T(0)
    if y < T(-1) or y > T(H) or x < T(-1) or x > T(W):
        return False, 0, 0, 0, 0, z, z, z, z
    if y <= z:
        y = z
    if x <= z:
        x = z
    yl = int(y)
    xl = int(x)
    if yl >= H - 1:
        yh = yl = H - 1
        y = T(yl)
    else:
        yh = yl + 1
    if xl >= W - 1:
        xh = xl = W - 1
        x = T(xl)
    else:
        xh = xl + 1
    ly = y - T(yl)
    lx = x - T(xl)
    hy = one - ly
    hx = one - lx
    return (True, yl * W + xl, yl * W + xh, yh * W + xl, yh * W + xh,
            MT(hy, hx), MT(hy, lx), MT(ly, hx), MT(ly, lx))


def roi_align_k(x, rois, out, ncol, scale, ratio, aligned, psroi, B, CU, C, H, W, PH, PW):
    """out (R, C, PH, PW): MXNet's sum over the bin's samples of w1 v1 + ... + w4 v4 / count
    (an invalid sample adds 0 * v at offset 0, as the CPU's zeroed tables do)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        q = t % PW
        p = (t // PW) % PH
        c = (t // (PH * PW)) % C
        n = t // (C * PH * PW)
        b, sh, sw, bh, bw, gh, gw = GEO(rois, n, ncol, scale, PH, PW, ratio, aligned)
        if b < 0 or b >= B:
            out[t] = T(0)
            continue
        cu = c * PH * PW + p * PW + q if psroi else c
        base = (b * CU + cu) * H * W
        count = T(gh * gw)
        acc = count - count
        for iy in range(gh):
            for ix in range(gw):
                ok, p0, p1, p2, p3, w0, w1, w2, w3 = SAMPLE(sh, sw, bh, bw, gh, gw, p, q, iy,
                                                            ix, H, W)
                acc += (MT(w0, x[base + p0]) + MT(w1, x[base + p1]) + MT(w2, x[base + p2])
                        + MT(w3, x[base + p3]))
        out[t] = acc / count


def roi_align_grad_k(dy, rois, dx, ncol, scale, ratio, aligned, psroi, C, CU, H, W, PH, PW,
                     R):
    """dx[b, cu, h, w]: the sum of dy w / count over the valid samples' corners there, in the
    CPU's order (roi, bin, sample, corner)."""
    for t in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        cell = t % (H * W)
        cu = (t // (H * W)) % CU
        b = t // (CU * H * W)
        acc = T(0)
        for n in range(R):
            rb, sh, sw, bh, bw, gh, gw = GEO(rois, n, ncol, scale, PH, PW, ratio, aligned)
            if rb != b:
                continue
            count = T(gh * gw)
            for p in range(PH):
                for q in range(PW):
                    if psroi:
                        k = cu - p * PW - q
                        if k < 0 or k % (PH * PW) != 0:
                            continue
                        c = k // (PH * PW)
                    else:
                        c = cu
                    g = dy[((n * C + c) * PH + p) * PW + q]
                    for iy in range(gh):
                        for ix in range(gw):
                            ok, p0, p1, p2, p3, w0, w1, w2, w3 = SAMPLE(
                                sh, sw, bh, bw, gh, gw, p, q, iy, ix, H, W)
                            if not ok:
                                continue
                            if p0 == cell:
                                acc += MT(g, w0) / count
                            if p1 == cell:
                                acc += MT(g, w1) / count
                            if p2 == cell:
                                acc += MT(g, w2) / count
                            if p3 == cell:
                                acc += MT(g, w3) / count
        dx[t] = acc


def _k(template, dtype):
    dt = np.dtype(dtype)
    mt = unfused_mul(dt)
    r = _float_rounding(dt.type)
    # device functions see the builtin min/max, which numba's CUDA target fails on ints
    env = dict(T=dt.type, MT=mt, FLOOR=r["floor"], CEIL=r["ceil"], min=dev(_min2),
               max=dev(_max2))
    env["ROUND"] = dev(_round, **env)
    if template in (roi_pool_k, roi_pool_grad_k):
        env["GEO"] = dev(_pool_bin, **env)
    else:
        env["GEO"] = dev(_geometry, **env)
        env["SAMPLE"] = dev(_sample, **env)
    return kernel(template, dt.name, **env)


# ---------------------------------------------------------------- ops


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def _into(tmp, out):
    if tmp is not out:
        cuda_launch.cast_into(flat(tmp), flat(out))


def _like(out, cdt):
    return out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)


def _scale(attrs, cdt):
    return cdt.type(np.float32(attrs["spatial_scale"]))


def _pool_fwd(op, ins, outs, attrs):
    x, rois = ins
    cdt = _cdt(x.dtype)
    out, arg = (_like(o, cdt) for o in outs)
    B, C, H, W = x.shape
    R, _, PH, PW = outs[0].shape
    if out.size:
        launch(_k(roi_pool_k, cdt), out.size, flat(as_dtype(x, cdt)), flat(as_dtype(rois, cdt)),
               flat(out), flat(arg), _scale(attrs, cdt), cdt.type(-_FLT_MAX), B, C, H, W, PH, PW)
    _into(out, outs[0])
    _into(arg, outs[1])


def _pool_bwd(op, dys, ins, outs, attrs):
    x, rois = ins
    cdt = _cdt(x.dtype)
    B, C, H, W = x.shape
    R, _, PH, PW = outs[0].shape
    dx = cuda_launch.empty(tuple(x.shape), cdt)
    if x.size:
        launch(_k(roi_pool_grad_k, cdt), x.size, flat(as_dtype(dys[0], cdt)),
               flat(as_dtype(rois, cdt)), flat(as_dtype(outs[1], cdt)), flat(dx), C, H, W, PH, PW,
               R)
    return [as_dtype(dx, x.dtype), cuda_launch.zeros(tuple(rois.shape), rois.dtype)]


def _align_args(op, ins, attrs, out_shape):
    x, rois = ins
    if attrs["aligned"] and rois.shape[0]:
        from ..ops.roi import _align_tables

        host = np.ascontiguousarray(rois.copy_to_host(), _cdt(rois.dtype))
        _align_tables(tuple(x.shape), host, attrs)       # raises MXNet's error on empty rois
    B, CU, H, W = x.shape
    R, C, PH, PW = out_shape
    return (int(rois.shape[1]), int(attrs["sample_ratio"]), bool(attrs["aligned"]),
            bool(attrs["position_sensitive"]), B, CU, C, H, W, PH, PW, R)


def _align_fwd(op, ins, outs, attrs):
    x, rois = ins
    cdt = _cdt(x.dtype)
    out = _like(outs[0], cdt)
    ncol, ratio, aligned, ps, B, CU, C, H, W, PH, PW, R = _align_args(op, ins, attrs,
                                                                      outs[0].shape)
    if out.size:
        launch(_k(roi_align_k, cdt), out.size, flat(as_dtype(x, cdt)), flat(as_dtype(rois, cdt)),
               flat(out), ncol, _scale(attrs, cdt), ratio, aligned, ps, B, CU, C, H, W, PH, PW)
    _into(out, outs[0])


def _align_bwd(op, dys, ins, outs, attrs):
    x, rois = ins
    cdt = _cdt(x.dtype)
    ncol, ratio, aligned, ps, B, CU, C, H, W, PH, PW, R = _align_args(op, ins, attrs,
                                                                      dys[0].shape)
    dx = cuda_launch.empty(tuple(x.shape), cdt)
    if x.size:
        launch(_k(roi_align_grad_k, cdt), x.size, flat(as_dtype(dys[0], cdt)),
               flat(as_dtype(rois, cdt)), flat(dx), ncol, _scale(attrs, cdt), ratio, aligned, ps,
               C, CU, H, W, PH, PW, R)
    return [as_dtype(dx, x.dtype), cuda_launch.zeros(tuple(rois.shape), rois.dtype)]


FORWARD = {"ROIPooling": _pool_fwd, "_contrib_ROIAlign": _align_fwd}
BACKWARD = {"ROIPooling": _pool_bwd, "_contrib_ROIAlign": _align_bwd}


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
        sigs = {roi_pool_k: (a,) * 4 + (s, s) + (i,) * 6,
                roi_pool_grad_k: (a,) * 4 + (i,) * 6,
                roi_align_k: (a, a, a, i, s, i, b, b) + (i,) * 7,
                roi_align_grad_k: (a, a, a, i, s, i, b, b) + (i,) * 7}
        for tmpl, sig in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         dt == _F32))
    return jobs
