"""`_image_resize` on mx.gpu(): OpenCV's resize as `ops/image_resize.py` reproduces it, bit for bit.

The tap tables are built on the host by the CPU op's own (cached) builders; each pass of
`kernels/resize_kernels.py` becomes a kernel with one thread per output element doing that
loop's arithmetic in the same order (float taps: each product rounded, then added left to
right; 8-bit taps: int64 fixed point with OpenCV's shifts; bicubic 8-bit rows: float32 for the
first multiple of 8 values, as OpenCV's SSE2 path). Area resizing: integer factors average
blocks (four terms at a time for floats), other downscales weight rows of horizontal sums.
int8 images are resized as their bytes (uint8), as on the CPU. No gradient, as MXNet.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import _cast_fn, launch
from .cuda_common import bits, flat, kernel
from .cuda_vision import _kb, bits_zero

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ruff: noqa: F821  (T, STORE, RINT, INTEGER and cuda are bound per kernel)

# ================================================================ _image_resize
# OpenCV's resize as `ops/image_resize.py` reproduces it: the tap tables are built on the host
# (the same cached builders), and each pass of `kernels/resize_kernels.py` becomes a kernel
# with one thread per output element doing that loop's arithmetic in the same order (float
# taps: product rounded, then added left to right; 8-bit taps: int64 fixed point).


def rs_nearest(x, iy, ix, out, W, C, dw):
    """out[e, d, c] = x[iy[e], ix[d], c] (bits)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        e = t // (C * dw)
        out[t] = x[(iy[e] * W + ix[d]) * C + c]


def rs_h_float(x, ix, wx, hs, W, C, dw, taps):
    """hs[y, d, c] = x[y, ix[d, 0], c] * wx[d, 0] + ..., left to right."""
    for t in range(cuda.grid(1), hs.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        y = t // (C * dw)
        acc = T(x[(y * W + ix[d * taps]) * C + c]) * wx[d * taps]
        for k in range(1, taps):
            acc = acc + T(x[(y * W + ix[d * taps + k]) * C + c]) * wx[d * taps + k]
        hs[t] = acc


def rs_v_float(hs, iy, wy, out, C, dw, taps):
    """out[e, d, c] = hs[iy[e, 0], d, c] * wy[e, 0] + ..., left to right."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % (C * dw)
        e = t // (C * dw)
        acc = hs[iy[e * taps] * C * dw + r] * wy[e * taps]
        for k in range(1, taps):
            acc = acc + hs[iy[e * taps + k] * C * dw + r] * wy[e * taps + k]
        out[t] = acc


def rs_h_int(x, ix, wx, hs, W, C, dw, taps):
    """hs[y, d, c] = sum_k x[y, ix[d, k], c] * wx[d, k] in int64 (8-bit data)."""
    for t in range(cuda.grid(1), hs.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        y = t // (C * dw)
        acc = np.int64(0)
        for k in range(taps):
            acc += np.int64(x[(y * W + ix[d * taps + k]) * C + c]) * wx[d * taps + k]
        hs[t] = acc


def rs_v_int(hs, iy, by, out, C, dw, taps, mode, lo, hi):
    """OpenCV's 8-bit vertical passes: bilinear (mode 0), the 22-bit FixedPtCast (1), or
    bicubic (2: float32 SSE2 arithmetic for the first multiple of 8 values of a row)."""
    nsimd = (dw * C) // 8 * 8
    scale = np.float32(1.0 / (2048 * 2048))
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % (C * dw)
        e = t // (C * dw)
        if mode == 0:
            v = (((by[e * taps] * (hs[iy[e * taps] * C * dw + r] >> 4)) >> 16)
                 + ((by[e * taps + 1] * (hs[iy[e * taps + 1] * C * dw + r] >> 4)) >> 16)
                 + 2) >> 2
        elif mode == 2 and r < nsimd:
            f = np.float32(hs[iy[e * taps] * C * dw + r]) * (np.float32(by[e * taps]) * scale)
            for k in range(1, taps):
                f = f + np.float32(hs[iy[e * taps + k] * C * dw + r]) * (
                    np.float32(by[e * taps + k]) * scale)
            v = np.int64(RINT(f))
        else:
            acc = np.int64(0)
            for k in range(taps):
                acc += by[e * taps + k] * hs[iy[e * taps + k] * C * dw + r]
            v = (acc + (1 << 21)) >> 22
        out[t] = min(max(v, lo), hi)


def rs_area_fast(x, out, W, C, dw, sy, sx, scale, lo, hi):
    """Integer-factor area averaging: OpenCV's block sums (row-major, four terms at a time
    for floats; int64 for 8-bit data, (sum + 2) >> 2 for 2x2, else rounded sum * scale)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        e = t // (C * dw)
        base = ((e * sy) * W + d * sx) * C + c
        if INTEGER:
            tot = np.int64(0)
            for a in range(sy):
                for b in range(sx):
                    tot += np.int64(x[base + (a * W + b) * C])
            if sx == 2 and sy == 2:
                v = (tot + 2) >> 2
            else:
                v = np.int64(RINT(np.float32(tot) * np.float32(scale)))
            out[t] = STORE(min(max(v, lo), hi))
        else:
            n = sy * sx
            if sx == 2 and sy == 2:
                tot = ((T(x[base]) + T(x[base + C])) + T(x[base + W * C])) + T(
                    x[base + (W + 1) * C])
            else:
                tot = T(0)
                k = 0
                while k + 4 <= n:
                    g = T(x[base + ((k // sx) * W + k % sx) * C])
                    for j in range(1, 4):
                        g = g + T(x[base + (((k + j) // sx) * W + (k + j) % sx) * C])
                    tot = tot + g
                    k += 4
                while k < n:
                    tot = tot + T(x[base + ((k // sx) * W + k % sx) * C])
                    k += 1
            out[t] = STORE(tot * T(scale))


def rs_area_general(x, xi, xw, yi, yw, out, W, C, dw, dh, nx, ny, lo, hi):
    """OpenCV's ResizeArea_Invoker: each row's horizontal weighted sum (taps in table order),
    then those rows weighted and added, then rounded and clipped for 8-bit data."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        e = t // (C * dw)
        acc = T(0)
        for k in range(ny):
            y = yi[k * dh + e]
            buf = T(x[(y * W + xi[d]) * C + c]) * xw[d]
            for j in range(1, nx):
                buf = buf + T(x[(y * W + xi[j * dw + d]) * C + c]) * xw[j * dw + d]
            term = yw[k * dh + e] * buf
            acc = term if k == 0 else acc + term
        if INTEGER:
            out[t] = STORE(min(max(np.int64(RINT(acc)), lo), hi))
        else:
            out[t] = STORE(acc)


def _rint_fn(wide):
    """Round half to even (np.rint): libdevice's, in the kernel's float width."""
    from .cuda_build import SIMULATOR

    if SIMULATOR:
        return np.rint
    from numba.cuda import libdevice

    return libdevice.rint if wide else libdevice.rintf


def _kr(template, dtype):
    """A resize kernel for a storage dtype (8-bit data: int64 taps; floats: their own type)."""
    dt = np.dtype(dtype)
    wt = dt.type if dt.kind == "f" else np.float32
    return kernel(template, f"rs_{dt.name}", T=wt, STORE=_cast_fn(dt.type, "store"),
                  RINT=_rint_fn(dt == _F64), INTEGER=dt.kind in "iu")


def _dflat(a, dtype=None):
    return cuda_launch.to_device(np.ascontiguousarray(a if dtype is None else a.astype(dtype))
                                 .reshape(-1))


def _resize_one_dev(x, out, dh, dw, interp):
    """One (H, W, C) device image into out (dh, dw, C), as `image_resize.resize_one`."""
    import math as _m

    from ..ops import image_resize as R

    dt = np.dtype(x.dtype)
    if dt == np.int8:   # resized as its bytes, like the CPU (MXNet's [COPY])
        x, out, dt = x.view(np.uint8), out.view(np.uint8), np.dtype(np.uint8)
    h, w, C = (int(v) for v in x.shape)
    if (h, w) == (dh, dw):
        return out.copy_to_device(x)
    n = out.size
    sx, sy = w / dw, h / dh
    isx, isy = round(sx), round(sy)
    fast = abs(sx - isx) < 2.2e-16 and abs(sy - isy) < 2.2e-16
    if interp == 1 and fast and isx == 2 and isy == 2:
        interp = 3
    wt = np.float64 if dt == _F64 else np.float32
    lo, hi = (int(np.iinfo(dt).min), int(np.iinfo(dt).max)) if dt.kind in "iu" else (0, 0)
    if interp == 0:
        iy = np.minimum(np.floor(np.arange(dh) * (h / dh)).astype(np.int64), h - 1)
        ix = np.minimum(np.floor(np.arange(dw) * (w / dw)).astype(np.int64), w - 1)
        launch(_kb(rs_nearest, dt.itemsize), n, bits(x), _dflat(iy), _dflat(ix), bits(out),
               w, C, dw)
        return
    if interp == 3 and sx >= 1 and sy >= 1:
        if fast:
            launch(_kr(rs_area_fast, dt), n, flat(x), flat(out), w, C, dw, isy, isx,
                   float(np.float32(1.0 / (isx * isy))), lo, hi)
            return
        xi, xw = R._tap_table(R._area_tab(w, dw), dw)
        yi, yw = R._tap_table(R._area_tab(h, dh), dh)
        launch(_kr(rs_area_general, dt), n, flat(x), _dflat(xi), _dflat(xw, wt), _dflat(yi),
               _dflat(yw, wt), flat(out), w, C, dw, dh, int(xi.shape[0]), int(yi.shape[0]),
               lo, hi)
        return
    if interp in (2, 4):
        taps = 4 if interp == 2 else 8
        (iy, wy), (ix, wx) = R._kernel_tab(dh, h, taps), R._kernel_tab(dw, w, taps)
    else:
        area = interp == 3
        y0, y1, a0, a1 = R._linear_tab(dh, h, area, False)
        x0, x1, b0, b1 = R._linear_tab(dw, w, area, True)
        iy, wy = np.stack([y0, y1], 1), np.stack([a0, a1], 1)
        ix, wx = np.stack([x0, x1], 1), np.stack([b0, b1], 1)
    tx, ty = int(ix.shape[1]), int(iy.shape[1])
    if dt.kind in "iu":
        hs = cuda_launch.empty((h * dw * C,), np.int64)
        launch(_kr(rs_h_int, dt), hs.size, flat(x), _dflat(ix), _dflat(R._fix(wx)), hs, w, C,
               dw, tx)
        mode = {2: 0, 4: 2}.get(ty, 1)
        launch(_kr(rs_v_int, dt), n, hs, _dflat(iy), _dflat(R._fix(wy)), flat(out), C, dw, ty,
               mode, lo, hi)
        return
    hs = cuda_launch.empty((h * dw * C,), wt)
    launch(_kr(rs_h_float, dt), hs.size, flat(x), _dflat(ix), _dflat(wx, wt), hs, w, C, dw, tx)
    launch(_kr(rs_v_float, dt), n, hs, _dflat(iy), _dflat(wy, wt), flat(out), C, dw, ty)


def _resize_fwd(op, ins, outs, attrs):
    from ..ops.image import _resize_size

    x, out = ins[0], outs[0]
    h, w = _resize_size(op, tuple(x.shape), attrs)
    interp = int(attrs["interp"])
    if len(x.shape) == 3:
        return _resize_one_dev(x, out, h, w, interp)
    per_in, per_out = x.size // int(x.shape[0]), out.size // int(x.shape[0])
    for i in range(int(x.shape[0])):
        xi = flat(x)[i * per_in:(i + 1) * per_in].reshape(tuple(x.shape[1:]))
        oi = flat(out)[i * per_out:(i + 1) * per_out].reshape(tuple(out.shape[1:]))
        _resize_one_dev(xi, oi, h, w, interp)


FORWARD = {"_image_resize": _resize_fwd}
BACKWARD = {}   # resize has no gradient (MXNet 1.9.1's fails; the CPU op raises)


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i, f64 = types.int64, types.float64

    def arr(dt):
        return types.Array(from_dtype(np.dtype(dt)), 1, "C")

    ai = arr(np.int64)
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64, np.dtype(np.uint8)):
            continue   # resize takes float32, float64 and 8-bit images (int8 as uint8)
        a = arr(dt)
        aw = arr(_F64 if dt == _F64 else _F32)
        f32 = dt != _F64
        if dt.kind == "f":
            jobs += [(f"rs_h_float/{d}", lambda dt=dt: _kr(rs_h_float, dt),
                      (a, ai, aw, aw, i, i, i, i), f32),
                     (f"rs_v_float/{d}", lambda dt=dt: _kr(rs_v_float, dt),
                      (aw, ai, aw, a, i, i, i), f32)]
        else:
            jobs += [("rs_h_int/uint8", lambda dt=dt: _kr(rs_h_int, dt),
                      (a, ai, ai, ai, i, i, i, i), True),
                     ("rs_v_int/uint8", lambda dt=dt: _kr(rs_v_int, dt),
                      (ai, ai, ai, a) + (i,) * 6, True)]
        jobs += [(f"rs_area_fast/{d}", lambda dt=dt: _kr(rs_area_fast, dt),
                  (a, a) + (i,) * 5 + (f64, i, i), f32),  # the scale arrives as a double, used as T
                 (f"rs_area_general/{d}", lambda dt=dt: _kr(rs_area_general, dt),
                  (a, ai, aw, ai, aw, a) + (i,) * 8, f32),
                 (f"rs_nearest/u{dt.itemsize}", lambda w=dt.itemsize: _kb(rs_nearest, w),
                  (arr(bits_zero(dt.itemsize)),) + (ai, ai) + (arr(bits_zero(dt.itemsize)),)
                  + (i,) * 3, False)]
    return jobs
