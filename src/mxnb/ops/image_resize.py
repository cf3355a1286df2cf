"""`cv2.resize` as MXNet 1.9.1's `_image_resize` calls it (OpenCV 3.4.2, no IPP).

The tap tables are built in Python (and cached per size); the separable passes run in
Numba loops (`kernels/resize_kernels.py`): a 224x224x3 bilinear resize to 160x160 takes
about 1 ms (10 ms as NumPy array expressions).

Modes (MXNet's `interp`): 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos (8x8).
Each follows OpenCV's `resize.cpp`:

* nearest: source index floor(d * src/dst), clamped to the last pixel;
* bilinear: source coordinate (d + 0.5) * scale - 0.5 with float weights, edges clamped;
  uint8 uses OpenCV's fixed-point path (weights * 2048 as shorts, the vertical pass
  `((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2) >> 2`); an exact 2x
  downscale is area averaging, as in OpenCV;
* bicubic: Keys' kernel with A = -0.75, indices clamped (replicated border), the same
  fixed-point scheme for uint8; Lanczos4 likewise with 8 taps;
* area: integer factors average blocks (uint8: rounded sums, 2x2: (sum + 2) >> 2); other
  downscales use OpenCV's overlap weights; upscales are bilinear with area weights.

An output of the input's size is a copy. float32/float64/uint8/int8 only (MXNet: float16 is
refused, int32 fails inside OpenCV). int8 has no entry in MXNet's dtype table (undefined
behaviour): where it ran, it resized the bytes as uint8, which mxnb does; elsewhere OpenCV
failed. Checked against MXNet 1.9.1 on 280 random (size, dtype, mode) cases of float32,
float64 and uint8 images: bit-identical.
"""
import functools
import math

import numpy as np

_F = np.float32


def _frozen(fn):
    """Cache a table builder (its Python loops cost milliseconds; pipelines repeat sizes),
    handing out read-only arrays so no caller can change a cached table."""
    @functools.lru_cache(maxsize=64)
    def cached(*args):
        res = fn(*args)
        for a in res:
            a.flags.writeable = False
        return res

    functools.update_wrapper(cached, fn)
    return cached


@_frozen
def _linear_tab(dst, src, area_mode, clamp):
    """Per-destination taps and float weights of one axis (OpenCV's xofs/alpha).

    OpenCV clamps the weights at the edges only horizontally (`clamp`); vertically it keeps
    them and clips the row indices, which rounds differently (it matters for uint8)."""
    inv = dst / src
    scale = 1.0 / inv
    idx = np.empty(dst, np.int64)
    fx = np.empty(dst, _F)
    for d in range(dst):
        if not area_mode:
            f = _F((d + 0.5) * scale - 0.5)
            s = math.floor(f)
            f = _F(f - _F(s))
        else:
            s = math.floor(d * scale)
            f = _F((d + 1) - (s + 1) * inv)
            f = _F(0) if f <= 0 else _F(f - _F(math.floor(f)))
        if clamp and s < 0:
            f, s = _F(0), 0
        if clamp and s >= src - 1:
            f, s = _F(0), src - 1
        idx[d] = s
        fx[d] = f
    return np.clip(idx, 0, src - 1), np.clip(idx + 1, 0, src - 1), _F(1) - fx, fx


def _cubic_coeffs(x):
    a = _F(-0.75)
    x = _F(x)
    c0 = ((a * (x + _F(1)) - _F(5) * a) * (x + _F(1)) + _F(8) * a) * (x + _F(1)) - _F(4) * a
    c1 = ((a + _F(2)) * x - (a + _F(3))) * x * x + _F(1)
    c2 = ((a + _F(2)) * (_F(1) - x) - (a + _F(3))) * (_F(1) - x) * (_F(1) - x) + _F(1)
    return [c0, c1, c2, _F(1) - c0 - c1 - c2]


_S45 = 0.70710678118654752440084436210485
_LANCZOS_CS = ((1, 0), (-_S45, -_S45), (0, 1), (_S45, -_S45), (-1, 0), (_S45, _S45), (0, -1),
               (-_S45, _S45))


def _lanczos4_coeffs(x):
    """OpenCV's interpolateLanczos4: the sines from one sin/cos pair, normalised in float."""
    if x < np.finfo(_F).eps:
        return [_F(0)] * 3 + [_F(1)] + [_F(0)] * 4
    x = _F(x)
    # x + 3 - i is float arithmetic in OpenCV (x is a float), then double with pi
    y0 = -float(x + _F(3)) * math.pi * 0.25
    s0, c0 = math.sin(y0), math.cos(y0)
    coeffs = []
    total = _F(0)
    for i in range(8):
        y = -float(x + _F(3) - _F(i)) * math.pi * 0.25
        coeffs.append(_F((_LANCZOS_CS[i][0] * s0 + _LANCZOS_CS[i][1] * c0) / (y * y)))
        total = _F(total + coeffs[-1])
    total = _F(_F(1) / total)
    return [_F(c * total) for c in coeffs]


@_frozen
def _kernel_tab(dst, src, taps):
    """Indices (clamped: a replicated border) and weights of the cubic or Lanczos4 kernel."""
    scale = src / dst
    idx = np.empty((dst, taps), np.int64)
    w = np.empty((dst, taps), _F)
    coeffs = _cubic_coeffs if taps == 4 else _lanczos4_coeffs
    for d in range(dst):
        f = _F((d + 0.5) * scale - 0.5)
        s = math.floor(f)
        f = _F(f - _F(s))
        idx[d] = np.clip(np.arange(s - taps // 2 + 1, s + taps // 2 + 1), 0, src - 1)
        w[d] = coeffs(f)
    return idx, w


def _fix(w):
    """saturate_cast<short>(w * 2048): OpenCV rounds to nearest (half to even)."""
    return np.clip(np.rint(w.astype(_F) * _F(2048)), -32768, 32767).astype(np.int64)


def _separable(x, ty, tx, dtype):
    """Horizontal then vertical taps: ty/tx are (index, weight) lists of arrays."""
    from ..kernels import resize_kernels as k

    (iy, wy), (ix, wx) = ty, tx
    iy, ix = np.ascontiguousarray(iy, np.int64), np.ascontiguousarray(ix, np.int64)
    h, _, c = x.shape
    dh, dw = iy.shape[0], ix.shape[0]
    x = np.ascontiguousarray(x)
    if dtype == np.uint8 or dtype == np.int8:
        hs = np.empty((h, dw, c), np.int64)
        k.h_int(x, ix, np.ascontiguousarray(_fix(wx)), hs)
        info = np.iinfo(dtype)
        out = np.empty((dh, dw, c), dtype)
        # bilinear; bicubic (partly SIMD floats); Lanczos4 (no SIMD path in OpenCV)
        vert = {2: k.v_int_linear, 4: k.v_int_cubic}.get(iy.shape[1], k.v_int_fixed22)
        vert(hs, iy, np.ascontiguousarray(_fix(wy)), info.min, info.max, out)
        return out
    wt = np.float64 if dtype == np.float64 else _F
    hs = np.empty((h, dw, c), wt)
    k.h_float(x.astype(wt, copy=False), ix, np.ascontiguousarray(wx, wt), hs)
    v = np.empty((dh, dw, c), wt)
    k.v_float(hs, iy, np.ascontiguousarray(wy, wt), v)
    return v.astype(dtype, copy=False)


def _round_store(v, dtype):
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.clip(np.rint(v), info.min, info.max).astype(dtype)
    return v.astype(dtype)


def _area_fast(x, sy, sx, dh, dw):
    if x.dtype.kind in "iu":
        blocks = x[:dh * sy, :dw * sx].astype(np.int64).reshape(dh, sy, dw, sx, -1)
        tot = blocks.sum(axis=(1, 3))
        if sx == 2 and sy == 2:
            return np.clip((tot + 2) >> 2, *_lim(x.dtype)).astype(x.dtype)
        return _round_store(tot.astype(_F) * _F(1.0 / (sx * sy)), x.dtype)
    wt = np.float64 if x.dtype == np.float64 else _F
    blocks = x[:dh * sy, :dw * sx].astype(wt).reshape(dh, sy, dw, sx, -1)
    terms = [blocks[:, a, :, b] for a in range(sy) for b in range(sx)]
    if sx == 2 and sy == 2:
        tot = ((terms[0] + terms[1]) + terms[2]) + terms[3]
    else:   # OpenCV adds the block (row-major) four terms at a time into the sum
        tot = np.zeros_like(terms[0])
        k = 0
        while k + 4 <= len(terms):
            tot = tot + (((terms[k] + terms[k + 1]) + terms[k + 2]) + terms[k + 3])
            k += 4
        for t in terms[k:]:
            tot = tot + t
    return (tot * _F(1.0 / (sx * sy))).astype(x.dtype)


def _lim(dtype):
    info = np.iinfo(dtype)
    return info.min, info.max


def _area_tab(src, dst):
    """OpenCV's computeResizeAreaTab: (src index, dst index, float weight) triples."""
    scale = src / dst
    tab = []
    for dx in range(dst):
        fsx1 = dx * scale
        fsx2 = fsx1 + scale
        cell = min(scale, src - fsx1)
        sx1 = math.ceil(fsx1)
        sx2 = math.floor(fsx2)
        sx2 = min(sx2, src - 1)
        sx1 = min(sx1, sx2)
        if sx1 - fsx1 > 1e-3:
            tab.append((sx1 - 1, dx, _F((sx1 - fsx1) / cell)))
        for s in range(sx1, sx2):
            tab.append((s, dx, _F(1.0 / cell)))
        if fsx2 - sx2 > 1e-3:
            tab.append((sx2, dx, _F(min(min(fsx2 - sx2, 1.0), cell) / cell)))
    return tab


def _tap_table(tab, dst):
    """The area table as (taps, dst) index and weight arrays, padded with zero weights.

    Tap k of every destination is added in one vectorised step, in the table's order; a
    zero-weight pad adds an exact 0."""
    per = [[] for _ in range(dst)]
    for src_i, dst_i, wgt in tab:
        per[dst_i].append((src_i, wgt))
    n = max(len(p) for p in per)
    idx = np.zeros((n, dst), np.int64)
    wgt = np.zeros((n, dst), _F)
    for d, p in enumerate(per):
        for k, (i, w) in enumerate(p):
            idx[k, d], wgt[k, d] = i, w
    return idx, wgt


def _area_general(x, dh, dw):
    """OpenCV's ResizeArea_Invoker: horizontal sums per source row, then the rows weighted."""
    wt = np.float64 if x.dtype == np.float64 else _F
    h, w, _ = x.shape
    xi, xw = _tap_table(_area_tab(w, dw), dw)
    yi, yw = _tap_table(_area_tab(h, dh), dh)
    xs = x.astype(wt)
    buf = None
    for k in range(xi.shape[0]):
        t = xs[:, xi[k]] * xw[k].astype(wt)[None, :, None]
        buf = t if buf is None else buf + t
    acc = None
    for k in range(yi.shape[0]):
        t = yw[k].astype(wt)[:, None, None] * buf[yi[k]]
        acc = t if acc is None else acc + t
    return _round_store(acc, x.dtype)


def resize_one(x, dh, dw, interp):
    """One (H, W, C) image to (dh, dw, C), as cv2.resize(x, (dw, dh), interpolation=interp)."""
    if x.dtype == np.int8:
        # MXNet 1.9.1 hands int8 images to OpenCV as 8-bit unsigned: the bytes are resized
        # as uint8 [COPY]
        return resize_one(x.view(np.uint8), dh, dw, interp).view(np.int8)
    h, w, _ = x.shape
    if (h, w) == (dh, dw):
        return x.copy()
    sx, sy = w / dw, h / dh
    isx, isy = round(sx), round(sy)
    fast = abs(sx - isx) < 2.2e-16 and abs(sy - isy) < 2.2e-16
    if interp == 1 and fast and isx == 2 and isy == 2:
        interp = 3
    if interp == 0:
        iy = np.minimum(np.floor(np.arange(dh) * (h / dh)).astype(np.int64), h - 1)
        ix = np.minimum(np.floor(np.arange(dw) * (w / dw)).astype(np.int64), w - 1)
        return x[iy][:, ix]
    if interp == 3 and sx >= 1 and sy >= 1:
        return _area_fast(x, isy, isx, dh, dw) if fast else _area_general(x, dh, dw)
    if interp in (2, 4):
        taps = 4 if interp == 2 else 8
        return _separable(x, _kernel_tab(dh, h, taps), _kernel_tab(dw, w, taps), x.dtype)
    area = interp == 3
    y0, y1, a0, a1 = _linear_tab(dh, h, area, False)
    x0, x1, b0, b1 = _linear_tab(dw, w, area, True)
    return _separable(x, (np.stack([y0, y1], 1), np.stack([a0, a1], 1)),
                      (np.stack([x0, x1], 1), np.stack([b0, b1], 1)), x.dtype)
