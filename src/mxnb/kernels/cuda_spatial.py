"""GridGenerator, BilinearSampler and SpatialTransformer on mx.gpu(), and the tables that
register the other spatial and detection ops' device kernels: the sampler's private ops
(`cuda_spatial_sampler`), BilinearResize2D / AdaptiveAvgPooling2D (`cuda_spatial_resample`),
ROIPooling / ROIAlign (`cuda_spatial_roi`), box_iou / box_encode / box_decode / MultiBoxPrior
(`cuda_spatial_detect`) and Correlation (`cuda_spatial_corr`).

Every kernel does the CPU kernel's arithmetic (`ops/spatial.py`,
`kernels/spatial_kernels.py`) in the same order, so results match it bit for
bit: products that feed a sum go through MT / MD, libdevice's round-to-nearest
multiplies, which the CUDA compiler never fuses into a multiply-add (NVVM
contracts a * b + c by default; the CPU kernels do not). The affine grid's
float32 sum is MXNet's BLAS fma(t1, y, t0 x) + t2: a real fma here.

The sampler's data gradient (an adjoint) is two passes, neither with atomics: a
counting sort of each image's grid points by their top-left corner (one thread
per image, in point order, so stable), then one thread per data cell that merges
the four buckets of points touching it in point order, the order the CPU
scatters them: sums are bit-equal and never depend on the launch.
`_affine_grid_backward` (a product with the (H W, 3) pixel table) sums each of
the 6 N outputs serially in pixel order; the CPU sums it through BLAS, so the
two agree to rounding, not bits.

float16 data (BilinearSampler) computes in float32, as on the CPU.
"""
import math  # noqa: F401  (device functions call math.*)

import numpy as np

from . import cuda_launch
from . import cuda_spatial_corr as cuda_corr
from . import cuda_spatial_detect as cuda_detect
from . import cuda_spatial_resample as cuda_resample
from . import cuda_spatial_roi as cuda_roi
from . import cuda_spatial_sampler as cuda_sampler
from .cuda_build import SIMULATOR, _float_rounding, launch
from .cuda_common import as_dtype, dev, flat, kernel, unfused_mul

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, D, MT, MD, FMA, ACC, FLOOR, WEIGHTS, cuda are bound per kernel)


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
    order); also stores each point's corner and weights for the data gradient."""
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


def _key(ty, tx, H, W):
    """The bucket of a point whose top-left corner is (ty, tx): -1 when it touches no cell."""
    if ty < -1 or ty > H - 1 or tx < -1 or tx > W - 1:
        return -1
    return (ty + 1) * (W + 1) + tx + 1


def point_buckets_k(tys, txs, offs, cur, lst, H, W, P, N):
    """Per image (one thread each), a counting sort of its points by top-left corner:
    bucket k holds lst[n P + offs[n (K+1) + k] : ... + offs[n (K+1) + k + 1]], in point
    order (stable by construction; no atomics)."""
    K = (H + 1) * (W + 1)
    for n in range(cuda.grid(1), N, cuda.gridsize(1)):
        ob = n * (K + 1)
        for k in range(K + 1):
            offs[ob + k] = 0
        for p in range(P):
            key = KEY(tys[n * P + p], txs[n * P + p], H, W)
            if key >= 0:
                offs[ob + key + 1] += 1
        for k in range(K):
            offs[ob + k + 1] += offs[ob + k]
            cur[n * K + k] = offs[ob + k]
        for p in range(P):
            key = KEY(tys[n * P + p], txs[n * P + p], H, W)
            if key >= 0:
                lst[n * P + cur[n * K + key]] = p
                cur[n * K + key] += 1


def sample_data_grad_k(dy, gdata, offs, lst, wys, wxs, C, H, W, P):
    """gdata[n, c, y, x]: the sampler's data gradient, gathered from the four buckets of
    points that touch the cell (as their tl, tr, bl or br corner), merged in point order:
    the CPU's scatter order, so the same sums."""
    K = (H + 1) * (W + 1)
    for t in range(cuda.grid(1), gdata.shape[0], cuda.gridsize(1)):
        x = t % W
        y = (t // W) % H
        nc = t // (H * W)
        n = nc // C
        ob = n * (K + 1)
        lb = n * P
        k0 = (y + 1) * (W + 1) + x + 1
        k2 = y * (W + 1) + x + 1
        a0 = offs[ob + k0]
        e0 = offs[ob + k0 + 1]
        a1 = offs[ob + k0 - 1]
        e1 = offs[ob + k0]
        a2 = offs[ob + k2]
        e2 = offs[ob + k2 + 1]
        a3 = offs[ob + k2 - 1]
        e3 = offs[ob + k2]
        acc = T(0)
        while True:
            best = P
            which = -1
            if a0 < e0 and lst[lb + a0] < best:
                best = lst[lb + a0]
                which = 0
            if a1 < e1 and lst[lb + a1] < best:
                best = lst[lb + a1]
                which = 1
            if a2 < e2 and lst[lb + a2] < best:
                best = lst[lb + a2]
                which = 2
            if a3 < e3 and lst[lb + a3] < best:
                best = lst[lb + a3]
                which = 3
            if which < 0:
                break
            g = dy[nc * P + best]
            wy = wys[lb + best]
            wx = wxs[lb + best]
            if which == 0:
                a0 += 1
                acc += MT(T(g * wy), wx)
            elif which == 1:
                a1 += 1
                acc = T(D(acc) + MD(D(T(g * wy)), D(1.0) - D(wx)))
            elif which == 2:
                a2 += 1
                acc = T(D(acc) + MD(MD(D(g), D(1.0) - D(wy)), D(wx)))
            else:
                a3 += 1
                acc = T(D(acc) + MD(MD(D(g), D(1.0) - D(wy)), D(1.0) - D(wx)))
        gdata[t] = acc


def _k(template, dtype):
    dt = np.dtype(dtype)
    T = dt.type
    mt, md = unfused_mul(dt), unfused_mul(np.float64)
    if SIMULATOR:
        fma = _fma_sim
    else:
        from numba.cuda import libdevice

        fma = libdevice.fmaf
    floor = _float_rounding(T)["floor"]
    env = dict(T=T, D=np.float64, MT=mt, MD=md, FMA=fma, FLOOR=floor)
    env["WEIGHTS"] = dev(_weights, **env)
    env["ACC"] = dev(_acc32 if dt == _F32 else _acc64, **env)
    env["KEY"] = dev(_key)
    return kernel(template, dt.name, **env)


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
            K = (H + 1) * (W + 1)
            offs = cuda_launch.empty((N * (K + 1),), np.int64)
            cur = cuda_launch.empty((N * K,), np.int64)
            lst = cuda_launch.empty((N * P,), np.int64)
            launch(_k(point_buckets_k, cdt), N, tys, txs, offs, cur, lst, H, W, P, N)
            launch(_k(sample_data_grad_k, cdt), x.size, dyc, flat(gx), offs, lst, wys, wxs,
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


FORWARD = {"_affine_grid": _ag_fwd, "_affine_grid_backward": _agb_fwd, "GridGenerator": _gg_fwd,
           "_grid_warp_scale": _ws_fwd, "BilinearSampler": _bs_fwd, "SpatialTransformer": _st_fwd}
BACKWARD = {"_affine_grid": _ag_bwd, "_affine_grid_backward": _agb_bwd, "GridGenerator": _gg_bwd,
            "_grid_warp_scale": _ws_bwd, "BilinearSampler": _bs_bwd, "SpatialTransformer": _st_bwd}
_MODULES = (cuda_sampler, cuda_resample, cuda_roi, cuda_detect, cuda_corr)
for _m in _MODULES:
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
        sigs = {affine_grid_k: (a,) * 4 + (i,), affine_grad_k: (a,) * 4 + (i,),
                warp_grid_k: (a, a, i, i, s, s), warp_scale_k: (a, a, i, s, s),
                sample_k: (a,) * 3 + (i,) * 4,
                sample_grid_grad_k: (a,) * 4 + (ia, ia, a, a) + (i,) * 4,
                point_buckets_k: (ia,) * 5 + (i,) * 4,
                sample_data_grad_k: (a, a, ia, ia, a, a) + (i,) * 4}
        for tmpl, sig in sigs.items():
            # the sampler computes in double where MXNet's float32 kernel does
            f32 = dt == _F32 and tmpl not in (sample_k, sample_grid_grad_k, sample_data_grad_k)
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig, f32))
    return jobs + [j for m in _MODULES for j in m.ptx_jobs(dtypes)]
