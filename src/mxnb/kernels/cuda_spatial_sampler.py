"""The sampler's private ops on mx.gpu(): `_bilinear_corners`, `_bilinear_gather` and its
adjoint `_bilinear_scatter` (BilinearSampler's VJP; registered through `cuda_spatial`).

The scatter runs one thread per destination cell summing its values in np.add.at's
order (corner, then point), so sums are the CPU's and never depend on the launch.
float16 sums round every partial sum to float16, as NumPy's float16 add.at does.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import SIMULATOR, _float_rounding, launch
from .cuda_common import as_dtype, bits, dev, flat, kernel

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, MT, FLOOR, ROUND, cuda are bound per kernel)


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


def _mul(a, b):
    return a * b


def _k(template, dtype, f16=False):
    dt = np.dtype(dtype)
    if SIMULATOR:
        mt = dev(_mul)
    else:
        from numba.cuda import libdevice

        mt = libdevice.fmul_rn if dt == _F32 else libdevice.dmul_rn
    return kernel(template, dt.name + ("_f16" if f16 else ""), T=dt.type, MT=mt,
                  FLOOR=_float_rounding(dt.type)["floor"],
                  ROUND=dev(_round16) if f16 else dev(_ident))


# ---------------------------------------------------------------- ops


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def _into(tmp, out):
    if tmp is not out:
        cuda_launch.cast_into(flat(tmp), flat(out))


def _out_like(out, cdt):
    return out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)


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

FORWARD = {"_bilinear_corners": _corners_fwd, "_bilinear_gather": _gather_fwd,
           "_bilinear_scatter": _scatter_fwd}
BACKWARD = {"_bilinear_gather": _gather_bwd, "_bilinear_scatter": _scatter_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i = types.int64
    f64a = types.Array(types.float64, 1, "C")
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        jobs.append((f"corners_k/{d}", lambda dt=dt: _k(corners_k, dt), (a, a, i, i, i),
                     dt == _F32))
        # (scatter_k's index arrays are float64, converted to integers)
        jobs.append((f"scatter_k/{d}", lambda dt=dt: _k(scatter_k, dt), (a, f64a, a, i, i, i),
                     False))
        if dt == _F32:
            jobs.append(("scatter_k/float16", lambda: _k(scatter_k, _F32, True),
                         (a, f64a, a, i, i, i), False))
    for w in ("uint16", "uint32", "uint64"):
        u = types.Array(getattr(types, w), 1, "C")
        jobs.append((f"gather_k/{w}", lambda: _k(gather_k, _F64), (u, f64a, u, i, i, i), False))
    return jobs
