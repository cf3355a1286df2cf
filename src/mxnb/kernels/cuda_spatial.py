"""GridGenerator, BilinearSampler and SpatialTransformer on mx.gpu() (the resample ops:
`cuda_resample`, registered from here).

Every kernel does the CPU kernel's arithmetic (`ops/spatial.py`,
`kernels/spatial_kernels.py`) in the same order, so results match it bit for
bit: products that feed a sum go through MT / MD, libdevice's round-to-nearest
multiplies, which the CUDA compiler never fuses into a multiply-add (NVVM
contracts a * b + c by default; the CPU kernels do not). The affine grid's
float32 sum is MXNet's BLAS fma(t1, y, t0 x) + t2: a real fma here.

The adjoints (the sampler's data gradient, `_bilinear_scatter`) run one thread
per destination cell, gathering the contributions in the order the CPU
scatters them, so sums are bit-equal and never depend on the launch (no
atomics). Their cost is (cells x grid points): fine for the image sizes these
ops see, quadratic in the worst case. `_affine_grid_backward` (a product with
the (H W, 3) pixel table) sums each of the 6 N outputs serially in pixel
order; the CPU sums it through BLAS, so the two agree to rounding, not bits.

float16 data (BilinearSampler and its private ops) computes in float32, as on
the CPU.
"""
import math  # noqa: F401  (device functions call math.*)

import numpy as np

from . import cuda_corr, cuda_detect, cuda_launch, cuda_resample, cuda_roi
from .cuda_build import SIMULATOR, _float_rounding, launch
from .cuda_common import as_dtype, bits, dev, flat, kernel

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, D, MT, MD, ACC, FLOOR, ROUND, cuda are bound per kernel)


def _mul(a, b):
    return a * b


def _fma_sim(a, b, c):
    from ..ops.spatial import _fma32

    return np.float32(_fma32(np.asarray(a, np.float32), np.asarray(b, np.float32),
                             np.asarray(c, np.float32)))


def _acc32(t0, t1, t2, x, y):
    """MXNet's float32 BLAS sum: fma(t1, y, t0 x) + t2."""
    return FMA(t1, y, MT(t0, x)) + t2


def _acc64(t0, t1, t2, x, y):
    return (MT(t0, x) + MT(t1, y)) + t2


def _weights(gx, gy, H, W):
    """Top-left corner (ty, tx) and its weights (wy, wx) for one grid point (as the CPU)."""
    xr = (gx + T(1)) * T(W - 1) / T(2)
    yr = (gy + T(1)) * T(H - 1) / T(2)
    ty = int(FLOOR(yr))
    tx = int(FLOOR(xr))
    wy = T(D(1.0) - D(yr - T(ty)))
    wx = T(D(1.0) - D(xr - T(tx)))
    return ty, tx, wy, wx


def affine_grid_k(theta, xs, ys, out, P):
    """out (N, 2, P) = theta (N, 6) applied to the pixel table (xs, ys, 1)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        p = t % P
        r = t // P
        out[t] = ACC(theta[3 * r], theta[3 * r + 1], theta[3 * r + 2], xs[p], ys[p])


def affine_grad_k(g, xs, ys, out, P):
    """out (N, 6): the (N 2, P) gradient times the (P, 3) pixel table, summed in pixel order."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        col = t % 3
        base = (t // 3) * P
        s = T(0)
        for p in range(P):
            if col == 0:
                s += MT(g[base + p], xs[p])
            elif col == 1:
                s += MT(g[base + p], ys[p])
            else:
                s += g[base + p]
        out[t] = s


def warp_grid_k(flow, out, H, W, sx, sy):
    """GridGenerator 'warp': ((flow_x + j) / sx - 1, (flow_y + i) / sy - 1)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        j = t % W
        i = (t // W) % H
        if (t // (H * W)) % 2 == 0:
            out[t] = (flow[t] + T(j)) / sx - T(1)
        else:
            out[t] = (flow[t] + T(i)) / sy - T(1)


def warp_scale_k(g, out, HW, sx, sy):
    """Channel 0 divided by sx, channel 1 by sy."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        if (t // HW) % 2 == 0:
            out[t] = g[t] / sx
        else:
            out[t] = g[t] / sy


def sample_k(data, grid, out, C, H, W, P):
    """out[n, c, p] = data[n, c] sampled bilinearly at grid[n, :, p] (0 outside)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        p = t % P
        nc = t // P
        n = nc // C
        ty, tx, wy, wx = WEIGHTS(grid[n * 2 * P + p], grid[n * 2 * P + P + p], H, W)
        iny0 = ty >= 0 and ty <= H - 1
        iny1 = ty + 1 >= 0 and ty + 1 <= H - 1
        inx0 = tx >= 0 and tx <= W - 1
        inx1 = tx + 1 >= 0 and tx + 1 <= W - 1
        dwy = D(wy)
        dwx = D(wx)
        base = nc * H * W + ty * W + tx
        tl = data[base] if iny0 and inx0 else T(0)
        tr = data[base + 1] if iny0 and inx1 else T(0)
        bl = data[base + W] if iny1 and inx0 else T(0)
        br = data[base + W + 1] if iny1 and inx1 else T(0)
        out[t] = T(D(MT(T(tl * wy), wx)) + MD(D(T(tr * wy)), D(1.0) - dwx)
                   + MD(MD(D(bl), D(1.0) - dwy), dwx)
                   + MD(MD(D(br), D(1.0) - dwy), D(1.0) - dwx))


def sample_grid_grad_k(dy, data, grid, ggrid, tys, txs, wys, wxs, C, H, W, P):
    """ggrid of the sampler, one thread per grid point summing over channels (the CPU's
    order); also stores each point's corner and weights for `sample_data_grad_k`."""
    for t in range(cuda.grid(1), tys.shape[0], cuda.gridsize(1)):
        p = t % P
        n = t // P
        ty, tx, wy, wx = WEIGHTS(grid[n * 2 * P + p], grid[n * 2 * P + P + p], H, W)
        tys[t] = ty
        txs[t] = tx
        wys[t] = wy
        wxs[t] = wx
        iny0 = ty >= 0 and ty <= H - 1
        iny1 = ty + 1 >= 0 and ty + 1 <= H - 1
        inx0 = tx >= 0 and tx <= W - 1
        inx1 = tx + 1 >= 0 and tx + 1 <= W - 1
        ygw = T(0)
        xgw = T(0)
        for c in range(C):
            g = dy[(n * C + c) * P + p]
            base = (n * C + c) * H * W + ty * W + tx
            tl = data[base] if iny0 and inx0 else T(0)
            tr = data[base + 1] if iny0 and inx1 else T(0)
            bl = data[base + W] if iny1 and inx0 else T(0)
            br = data[base + W + 1] if iny1 and inx1 else T(0)
            s = tl - tr - bl + br
            ygw -= MT(g, tr - br + MT(s, wx))
            xgw -= MT(g, bl - br + MT(s, wy))
        ggrid[n * 2 * P + P + p] = ygw * T(H - 1) / T(2)
        ggrid[n * 2 * P + p] = xgw * T(W - 1) / T(2)


def sample_data_grad_k(dy, gdata, tys, txs, wys, wxs, C, H, W, P):
    """gdata[n, c, y, x]: the sampler's data gradient, gathered over the grid points in the
    CPU's scatter order (each point touches a cell through at most one corner)."""
    for t in range(cuda.grid(1), gdata.shape[0], cuda.gridsize(1)):
        x = t % W
        y = (t // W) % H
        nc = t // (H * W)
        n = nc // C
        acc = T(0)
        for p in range(P):
            q = n * P + p
            ty = tys[q]
            tx = txs[q]
            dr = y - ty
            dc = x - tx
            if dr < 0 or dr > 1 or dc < 0 or dc > 1:
                continue
            g = dy[nc * P + p]
            wy = wys[q]
            wx = wxs[q]
            if dr == 0 and dc == 0:
                acc += MT(T(g * wy), wx)
            elif dr == 0:
                acc = T(D(acc) + MD(D(T(g * wy)), D(1.0) - D(wx)))
            elif dc == 0:
                acc = T(D(acc) + MD(MD(D(g), D(1.0) - D(wy)), D(wx)))
            else:
                acc = T(D(acc) + MD(MD(D(g), D(1.0) - D(wy)), D(1.0) - D(wx)))
        gdata[t] = acc


def corners_k(grid, out, H, W, P):
    """out (N, 4, P): flat index y * W + x of each point's tl, tr, bl, br neighbour, or -1."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        p = t % P
        k = (t // P) % 4
        n = t // (4 * P)
        xr = (grid[n * 2 * P + p] + T(1)) * T(W - 1) / T(2)
        yr = (grid[n * 2 * P + P + p] + T(1)) * T(H - 1) / T(2)
        yy = FLOOR(yr) + T(k // 2)
        xx = FLOOR(xr) + T(k % 2)
        if yy >= T(0) and yy <= T(H - 1) and xx >= T(0) and xx <= T(W - 1):
            out[t] = MT(yy, T(W)) + xx
        else:
            out[t] = T(-1)


def gather_k(x, idx, out, C, HW, P):
    """out (N, 4, C, P) = x (N, C, HW) at idx (N, 4, P); 0 at a negative index (bit moves)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        p = t % P
        c = (t // P) % C
        nk = t // (C * P)
        n = nk // 4
        i = int(idx[nk * P + p])
        out[t] = x[(n * C + c) * HW + i] if i >= 0 else 0


def scatter_k(v, idx, out, C, HW, P):
    """out (N, C, HW): the sum of v (N, 4, C, P) at idx (N, 4, P), in np.add.at's order
    (k, then p); ROUND rounds each partial sum to the storage type (float16: per add)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        cell = t % HW
        c = (t // HW) % C
        n = t // (C * HW)
        acc = T(0)
        for k in range(4):
            nk = n * 4 + k
            for p in range(P):
                if int(idx[nk * P + p]) == cell:
                    acc = ROUND(acc + v[(nk * C + c) * P + p])
        out[t] = acc


def _ident(v):
    return v


def _round16(v):
    return np.float32(np.float16(v))


def _k(template, dtype, f16=False):
    dt = np.dtype(dtype)
    T = dt.type
    if SIMULATOR:
        mt = md = dev(_mul)
        fma = _fma_sim
    else:
        from numba.cuda import libdevice

        mt = libdevice.fmul_rn if dt == _F32 else libdevice.dmul_rn
        md = libdevice.dmul_rn
        fma = libdevice.fmaf
    floor = _float_rounding(T)["floor"]
    env = dict(T=T, D=np.float64, MT=mt, MD=md, FMA=fma, FLOOR=floor)
    env["WEIGHTS"] = dev(_weights, **env)
    env["ACC"] = dev(_acc32 if dt == _F32 else _acc64, **env)
    env["ROUND"] = dev(_round16) if f16 else dev(_ident)
    return kernel(template, dt.name + ("_f16" if f16 else ""), **env)


# ---------------------------------------------------------------- helpers


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def _into(tmp, out):
    if tmp is not out:
        cuda_launch.cast_into(flat(tmp), flat(out))


def _out_like(out, cdt):
    return out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)


def _table(H, W, dtype, st):
    from ..ops.spatial import _dst

    x, y = _dst(H, W, np.dtype(dtype), st)
    return cuda_launch.to_device(np.ascontiguousarray(x)), cuda_launch.to_device(
        np.ascontiguousarray(y))


def affine_grid_dev(theta, out, st=False):
    """out (N, 2, H, W) = the affine grid of theta (N, 6) (device arrays, same dtype)."""
    H, W = out.shape[2:]
    if out.size:
        xs, ys = _table(H, W, theta.dtype, st)
        launch(_k(affine_grid_k, theta.dtype), out.size, flat(theta), xs, ys, flat(out), H * W)


def affine_grad_dev(g, st=False):
    """(N, 6) gradient of the affine grid from g (N, 2, H, W)."""
    N, _, H, W = g.shape
    out = cuda_launch.empty((N, 6), g.dtype)
    if out.size:
        xs, ys = _table(H, W, g.dtype, st)
        launch(_k(affine_grad_k, g.dtype), out.size, flat(g), xs, ys, flat(out), H * W)
    return out


def _scales(H, W, dtype):
    from ..ops.spatial import _scales

    return _scales(H, W, dtype)


def warp_scale_dev(g):
    out = cuda_launch.empty(tuple(g.shape), g.dtype)
    if g.size:
        sx, sy = _scales(g.shape[2], g.shape[3], g.dtype)
        launch(_k(warp_scale_k, g.dtype), g.size, flat(g), flat(out),
               g.shape[2] * g.shape[3], sx, sy)
    return out


def sample_dev(x, grid, out):
    """BilinearSampler of device arrays x (N, C, H, W), grid (N, 2, OH, OW) into out."""
    N, C, H, W = x.shape
    cdt = _cdt(x.dtype)
    y = _out_like(out, cdt)
    if out.size:
        launch(_k(sample_k, cdt), out.size, flat(as_dtype(x, cdt)), flat(as_dtype(grid, cdt)),
               flat(y), C, H, W, grid.shape[2] * grid.shape[3])
    _into(y, out)


def sample_grad_dev(dy, x, grid):
    """(d data, d grid) of the sampler from dy, as device arrays in x's dtype."""
    N, C, H, W = x.shape
    P = grid.shape[2] * grid.shape[3]
    cdt = _cdt(x.dtype)
    xc, gc, dyc = (flat(as_dtype(a, cdt)) for a in (x, grid, dy))
    gx = cuda_launch.zeros(tuple(x.shape), cdt)
    gg = cuda_launch.zeros(tuple(grid.shape), cdt)
    if dy.size:
        tys = cuda_launch.empty((N * P,), np.int64)
        txs = cuda_launch.empty((N * P,), np.int64)
        wys = cuda_launch.empty((N * P,), cdt)
        wxs = cuda_launch.empty((N * P,), cdt)
        launch(_k(sample_grid_grad_k, cdt), N * P, dyc, xc, gc, flat(gg), tys, txs, wys, wxs,
               C, H, W, P)
        if x.size:
            launch(_k(sample_data_grad_k, cdt), x.size, dyc, flat(gx), tys, txs, wys, wxs,
                   C, H, W, P)
    return as_dtype(gx, x.dtype), as_dtype(gg, x.dtype)


# ---------------------------------------------------------------- ops


def _target(op, attrs):
    from ..ops.spatial import _target

    return _target(op, attrs)


def _ag_fwd(op, ins, outs, attrs):
    affine_grid_dev(ins[0], outs[0], bool(attrs["st"]))


def _agb_fwd(op, ins, outs, attrs):
    outs[0].copy_to_device(affine_grad_dev(ins[0], bool(attrs["st"])))


def _ag_bwd(op, dys, ins, outs, attrs):
    return [affine_grad_dev(dys[0], bool(attrs["st"]))]


def _agb_bwd(op, dys, ins, outs, attrs):
    H, W = _target(op, attrs)
    g = cuda_launch.empty((dys[0].shape[0], 2, H, W), dys[0].dtype)
    affine_grid_dev(dys[0], g, bool(attrs["st"]))
    return [g]


def _gg_fwd(op, ins, outs, attrs):
    x, y = ins[0], outs[0]
    if attrs["transform_type"] == "affine":
        return affine_grid_dev(x, y)
    H, W = y.shape[2:]
    if y.size:
        sx, sy = _scales(H, W, x.dtype)
        launch(_k(warp_grid_k, x.dtype), y.size, flat(x), flat(y), H, W, sx, sy)


def _gg_bwd(op, dys, ins, outs, attrs):
    if attrs["transform_type"] == "affine":
        return [affine_grad_dev(dys[0])]
    return [warp_scale_dev(dys[0])]


def _ws_fwd(op, ins, outs, attrs):
    outs[0].copy_to_device(warp_scale_dev(ins[0]))


def _ws_bwd(op, dys, ins, outs, attrs):
    return [warp_scale_dev(dys[0])]


def _bs_fwd(op, ins, outs, attrs):
    sample_dev(ins[0], ins[1], outs[0])


def _bs_bwd(op, dys, ins, outs, attrs):
    return list(sample_grad_dev(dys[0], ins[0], ins[1]))


def _st_fwd(op, ins, outs, attrs):
    affine_grid_dev(ins[1], outs[1], st=True)
    sample_dev(ins[0], outs[1], outs[0])


def _st_bwd(op, dys, ins, outs, attrs):
    gx, gg = sample_grad_dev(dys[0], ins[0], outs[1])
    if len(dys) > 1 and dys[1] is not None:     # the hidden grid output's own gradient
        gg = cuda_launch.add_raw(gg, dys[1])
    return [gx, affine_grad_dev(gg, st=True)]


def corners_dev(grid, out, H, W):
    cdt = _cdt(grid.dtype)
    o = _out_like(out, cdt)
    if out.size:
        launch(_k(corners_k, cdt), out.size, flat(as_dtype(grid, cdt)), flat(o), H, W,
               grid.shape[2] * grid.shape[3])
    _into(o, out)


def gather_dev(x, idx, out):
    """out (N, 4, C, OH, OW) = x (N, C, H, W) at idx (N, 4, OH, OW) (bits moved)."""
    if out.size:
        N, C, H, W = x.shape
        xb, ob = bits(x), bits(out)
        launch(_k(gather_k, _F64), out.size, xb, flat(as_dtype(idx, _F64)), ob, C, H * W,
               idx.shape[2] * idx.shape[3])


def scatter_dev(v, idx, out):
    """out (N, C, H, W) = the adjoint of `gather_dev` applied to v (N, 4, C, OH, OW)."""
    if not out.size:
        return
    f16 = np.dtype(v.dtype) == _F16
    cdt = _cdt(v.dtype)
    o = _out_like(out, cdt)
    launch(_k(scatter_k, cdt, f16), out.size, flat(as_dtype(v, cdt)), flat(as_dtype(idx, _F64)),
           flat(o), v.shape[2], out.shape[2] * out.shape[3], v.shape[3] * v.shape[4])
    _into(o, out)


def _corners_fwd(op, ins, outs, attrs):
    corners_dev(ins[0], outs[0], int(attrs["height"]), int(attrs["width"]))


def _gather_fwd(op, ins, outs, attrs):
    gather_dev(ins[0], ins[1], outs[0])


def _gather_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    r = cuda_launch.empty(tuple(x.shape), dys[0].dtype)
    scatter_dev(dys[0], ins[1], r)
    return [r, None]


def _scatter_fwd(op, ins, outs, attrs):
    scatter_dev(ins[0], ins[1], outs[0])


def _scatter_bwd(op, dys, ins, outs, attrs):
    v = ins[0]
    r = cuda_launch.empty(tuple(v.shape), dys[0].dtype)
    gather_dev(dys[0], ins[1], r)
    return [r, None]


FORWARD = {"_affine_grid": _ag_fwd, "_affine_grid_backward": _agb_fwd, "GridGenerator": _gg_fwd,
           "_grid_warp_scale": _ws_fwd, "BilinearSampler": _bs_fwd, "SpatialTransformer": _st_fwd,
           "_bilinear_corners": _corners_fwd, "_bilinear_gather": _gather_fwd,
           "_bilinear_scatter": _scatter_fwd}
BACKWARD = {"_affine_grid": _ag_bwd, "_affine_grid_backward": _agb_bwd, "GridGenerator": _gg_bwd,
            "_grid_warp_scale": _ws_bwd, "BilinearSampler": _bs_bwd, "SpatialTransformer": _st_bwd,
            "_bilinear_gather": _gather_bwd, "_bilinear_scatter": _scatter_bwd}
for _m in (cuda_resample, cuda_roi, cuda_detect, cuda_corr):
    FORWARD.update(_m.FORWARD)
    BACKWARD.update(_m.BACKWARD)


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i = types.int64
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        ia = types.Array(types.int64, 1, "C")
        s = from_dtype(dt)
        f64a = types.Array(types.float64, 1, "C")
        sigs = {affine_grid_k: (a,) * 4 + (i,), affine_grad_k: (a,) * 4 + (i,),
                warp_grid_k: (a, a, i, i, s, s), warp_scale_k: (a, a, i, s, s),
                sample_k: (a,) * 3 + (i,) * 4,
                sample_grid_grad_k: (a,) * 4 + (ia, ia, a, a) + (i,) * 4,
                sample_data_grad_k: (a, a, ia, ia, a, a) + (i,) * 4,
                corners_k: (a, a, i, i, i), scatter_k: (a, f64a, a, i, i, i)}
        for tmpl, sig in sigs.items():
            # the sampler computes in double where MXNet's float32 kernel does
            # (and the index arrays of scatter_k are float64, converted to integers)
            f32 = dt == _F32 and tmpl not in (sample_k, sample_grid_grad_k, sample_data_grad_k,
                                              scatter_k)
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig, f32))
        if dt == _F32:
            jobs.append(("scatter_k/float16", lambda: _k(scatter_k, _F32, True),
                         (a, f64a, a, i, i, i), False))
    f64a = types.Array(types.float64, 1, "C")
    for w in ("uint16", "uint32", "uint64"):
        u = types.Array(getattr(types, w), 1, "C")
        jobs.append((f"gather_k/{w}", lambda: _k(gather_k, _F64), (u, f64a, u, i, i, i), False))
    return jobs + [j for m in (cuda_resample, cuda_roi, cuda_detect, cuda_corr)
                   for j in m.ptx_jobs(dtypes)]
