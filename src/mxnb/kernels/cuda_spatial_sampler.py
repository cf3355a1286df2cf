"""The sampler's private ops on mx.gpu(): `_bilinear_corners`, `_bilinear_gather` and its
adjoint `_bilinear_scatter` (BilinearSampler's VJP; registered through `cuda_spatial`).

The scatter is two passes without atomics: a counting sort of each (image, corner)
row's points by index (one thread per row, in point order, so stable), then one
thread per destination cell summing its buckets in np.add.at's order (corner,
then point): the CPU's sums, independent of the launch.
float16 sums round every partial sum to float16, as NumPy's float16 add.at does.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import _float_rounding, launch
from .cuda_common import as_dtype, bits, dev, flat, kernel, unfused_mul

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


def index_buckets_k(idx, offs, cur, lst, HW, P, rows):
    """Per (n, k) row (one thread each), a counting sort of its points by index: bucket
    `cell` holds lst[row P + offs[row (HW+1) + cell] : ...], in point order (stable by
    construction, no atomics); indices outside [0, HW) are dropped."""
    for r in range(cuda.grid(1), rows, cuda.gridsize(1)):
        ob = r * (HW + 1)
        for k in range(HW + 1):
            offs[ob + k] = 0
        for p in range(P):
            i = int(idx[r * P + p])
            if i >= 0 and i < HW:
                offs[ob + i + 1] += 1
        for k in range(HW):
            offs[ob + k + 1] += offs[ob + k]
            cur[r * HW + k] = offs[ob + k]
        for p in range(P):
            i = int(idx[r * P + p])
            if i >= 0 and i < HW:
                lst[r * P + cur[r * HW + i]] = p
                cur[r * HW + i] += 1


def scatter_k(v, offs, lst, out, C, HW, P):
    """out (N, C, HW): the sum of v (N, 4, C, P) at its indices, in np.add.at's order
    (k, then p, from the buckets); ROUND rounds each partial sum to the storage type
    (float16: per add)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        cell = t % HW
        c = (t // HW) % C
        n = t // (C * HW)
        acc = T(0)
        for k in range(4):
            nk = n * 4 + k
            ob = nk * (HW + 1)
            for q in range(offs[ob + cell], offs[ob + cell + 1]):
                acc = ROUND(acc + v[(nk * C + c) * P + lst[nk * P + q]])
        out[t] = acc


def _ident(v):
    return v


def _round16(v):
    return np.float32(np.float16(v))


def _k(template, dtype, f16=False):
    dt = np.dtype(dtype)
    mt = unfused_mul(dt)
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
    HW, P = out.shape[2] * out.shape[3], v.shape[3] * v.shape[4]
    rows = v.shape[0] * 4
    offs = cuda_launch.empty((rows * (HW + 1),), np.int64)
    cur = cuda_launch.empty((rows * HW,), np.int64)
    lst = cuda_launch.empty((rows * P,), np.int64)
    launch(_k(index_buckets_k, _F64), rows, flat(as_dtype(idx, _F64)), offs, cur, lst, HW, P,
           rows)
    launch(_k(scatter_k, cdt, f16), out.size, flat(as_dtype(v, cdt)), offs, lst, flat(o),
           v.shape[2], HW, P)
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
    ia = types.Array(types.int64, 1, "C")
    # (the index arrays are float64, converted to integers)
    jobs = [("index_buckets_k", lambda: _k(index_buckets_k, _F64), (f64a,) + (ia,) * 3 + (i,) * 3,
             False)]
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        jobs.append((f"corners_k/{d}", lambda dt=dt: _k(corners_k, dt), (a, a, i, i, i),
                     dt == _F32))
        jobs.append((f"scatter_k/{d}", lambda dt=dt: _k(scatter_k, dt), (a, ia, ia, a, i, i, i),
                     dt == _F32))
        if dt == _F32:
            jobs.append(("scatter_k/float16", lambda: _k(scatter_k, _F32, True),
                         (a, ia, ia, a, i, i, i), False))
    for w in ("uint16", "uint32", "uint64"):
        u = types.Array(getattr(types, w), 1, "C")
        jobs.append((f"gather_k/{w}", lambda: _k(gather_k, _F64), (u, f64a, u, i, i, i), False))
    return jobs
