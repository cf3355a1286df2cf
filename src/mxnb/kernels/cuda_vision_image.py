"""mx.nd.image on mx.gpu() (`ops/image.py`, `ops/image_random.py`): to_tensor, normalize,
crop, the flips, adjust_lighting and every random augmenter, with the CPU's results bit for bit.

The random parameters are drawn on the host, from the same generator and in the same order
as the CPU op (`image_random.uniform`, `bernoulli`, `normals`, `shuffle4`), so a seeded run
gives the same numbers on either device; the image arithmetic is then elementwise kernels
doing the CPU's float operations in its order (float64 data in double where the CPU is),
stored with MXNet's `saturate_cast` (uint8 clipped, other integers converted as C does).
contrast's mean is C++'s in-order `float sum +=` over the image, so it is one thread's loop
(exact, not parallel); hue is NumPy's masked formulation of the CPU op, one thread a pixel.
Gradients: MXNet's identity for the augmenters, the mirrored dy for the plain flips [FIX],
dy scattered back for crop, dy / std for normalize, dy / 255 transposed back for to_tensor.

On a real GPU, NVVM may contract a multiply and an add into one FMA, which can move a last
bit against the CPU (normalize, the colour ops); the simulator is exact. Resize:
`cuda_vision_resize`.
"""
import math  # noqa: F401  (kernels may call math.*)

import numpy as np

from . import cuda_launch
from .cuda_build import _cast_fn, _IDENT, launch
from .cuda_common import flat, kernel
from .cuda_vision import _copy, _ste_bwd

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ruff: noqa: F821  (T, LOAD, STORE, SAT, B, PICK, ... and cuda are bound per kernel)

# ================================================================ mx.nd.image
# to_tensor, normalize, crop, the flips and the colour adjustments that are elementwise once
# their random parameters are drawn (on the host, from the same generator and in the same
# order as the CPU op, so a seeded run gives the same numbers on either device). contrast
# (an in-order float sum over the image), hue, color_jitter (which chains them) and resize
# (OpenCV's arithmetic) still run through the host.


def to_tensor_k(x, out, H, W, C, mode):
    """out (N, C, H, W) float32 = x (N, H, W, C) / 255: mode 1 divides in double (float64
    data), mode 2 rounds the quotient to half precision (float16 data: mshadow's half_t / float
    is a half_t, 51 -> 0.19995117), mode 0 in float."""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        w = i % W
        h = (i // W) % H
        c = (i // (W * H)) % C
        n = i // (W * H * C)
        v = x[((n * H + h) * W + w) * C + c]
        if mode == 1:
            out[i] = np.float32(np.float64(LOAD(v)) / np.float64(255))
        elif mode == 2:
            out[i] = np.float32(LOAD(STORE(np.float32(LOAD(v)) / np.float32(255))))
        else:
            out[i] = np.float32(LOAD(v)) / np.float32(255)


def to_tensor_bwd_k(dy, dx, H, W, C):
    """dx (N, H, W, C) = dy (N, C, H, W) / 255 in float32, stored in dx's dtype."""
    for i in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        c = i % C
        w = (i // C) % W
        h = (i // (C * W)) % H
        n = i // (C * W * H)
        dx[i] = STORE(dy[((n * C + c) * H + h) * W + w] / np.float32(255))


def normalize_k(x, mean, std, out, hw, C):
    """out = (x - mean[c]) / std[c] in T (double for float64 data, else float), stored as C
    converts (integers: NaN to 0, truncation, wrap-around)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        c = (i // hw) % C
        y = (T(LOAD(x[i])) - mean[c]) / std[c]
        out[i] = SAT(y)


def normalize_bwd_k(dy, scale, dx, hw, C):
    """dx = dy * (1.0 / std[c]) in double, stored in dy's dtype."""
    for i in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        dx[i] = STORE(np.float64(LOAD(dy[i])) * scale[(i // hw) % C])


def colour_k(x, out, p, C, mode, alpha, beta):
    """MXNet's float arithmetic of brightness (mode 0: x * alpha), lighting (1: x + p[c]) and
    saturation (2: gray + x * alpha, gray the last channel's term times beta = 1 - alpha),
    stored with saturate_cast."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        xf = np.float32(LOAD(x[i]))
        if mode == 0:
            v = xf * alpha
        elif mode == 1:
            v = xf + p[i % C]
        else:
            x2 = x[i - i % C + 2]
            if WIDE:
                gray = np.float32(np.float64(LOAD(x2)) * np.float64(COEF2)) * beta
                v = np.float32(np.float64(gray) + np.float64(LOAD(x[i])) * np.float64(alpha))
            else:
                gray = (np.float32(LOAD(x2)) * COEF2) * beta
                v = gray + xf * alpha
        out[i] = SAT(v)


def _sat_u8(v):
    """saturate_cast<uint8>(float): clipped to [0, 255] (NaN gives 0, as x86's conversion)."""
    if v != v or v <= 0:
        return np.uint8(0)
    if v >= 255:
        return np.uint8(255)
    return np.uint8(v)


def _sat_int(v):
    """A C conversion to an integer type TP: NaN gives 0 (nan_to_num), truncation toward zero,
    then wrap-around."""
    return TP(np.int64(v if v == v else 0))


def _img_env(dtype, compute, clip_u8):
    """LOAD, STORE, SAT (saturate_cast, or a C conversion) and T for the image kernels."""
    from .cuda_common import dev

    dt = np.dtype(dtype)
    env = dict(T=compute, LOAD=_cast_fn(np.float32, "load") if dt == _F16 else _IDENT,
               STORE=_cast_fn(dt.type, "store"), WIDE=dt == _F64, COEF2=np.float32(0.114))
    if dt == np.uint8 and clip_u8:
        env["SAT"] = dev(_sat_u8)
    elif dt.kind in "iub":
        env["SAT"] = dev(_sat_int, TP=dt.type)
    else:
        env["SAT"] = _cast_fn(dt.type, "store")
    return env


def _ki(template, dtype, compute=np.float32, clip_u8=True):
    dt = np.dtype(dtype)
    tag = f"{dt.name}_{np.dtype(compute).name}{'' if clip_u8 else '_wrap'}"
    return kernel(template, tag, **_img_env(dt, compute, clip_u8))


def _to_tensor_fwd(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    H, W, C = (int(v) for v in x.shape[-3:])
    if out.size:
        dt = np.dtype(x.dtype)
        launch(_ki(to_tensor_k, dt), out.size, flat(x), flat(out), H, W, C,
               1 if dt == _F64 else (2 if dt == _F16 else 0))


def _to_tensor_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    H, W, C = (int(v) for v in x.shape[-3:])
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    if x.size:
        launch(_ki(to_tensor_bwd_k, x.dtype), x.size, flat(dys[0]), flat(dx), H, W, C)
    return [dx]


def _norm_geo(op, x, attrs):
    from ..ops.image import _norm_params

    mean, std = _norm_params(op, attrs, tuple(x.shape))
    C = mean.size
    return mean.reshape(-1), std.reshape(-1), C, int(np.prod(x.shape[-2:]))


def _normalize_fwd(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    mean, std, C, hw = _norm_geo(op, x, attrs)
    ct = np.float64 if np.dtype(x.dtype) == _F64 else np.float32
    if x.size:
        launch(_ki(normalize_k, x.dtype, ct, False), x.size, flat(x),
               cuda_launch.to_device(mean.astype(ct)), cuda_launch.to_device(std.astype(ct)),
               flat(out), hw, C)


def _normalize_bwd(op, dys, ins, outs, attrs):
    from ..ops.image import _norm_scale

    x, dy = ins[0], dys[0]
    _, _, C, hw = _norm_geo(op, x, attrs)
    scale = _norm_scale(op, attrs, tuple(x.shape)).reshape(-1)
    dx = cuda_launch.empty(tuple(dy.shape), dy.dtype)
    if dy.size:
        launch(_ki(normalize_bwd_k, dy.dtype), dy.size, flat(dy), cuda_launch.to_device(scale),
               flat(dx), hw, C)
    return [dx]


def _view(x, key):
    off, shape, strides, _ = cuda_launch._locate(tuple(x.shape), x.dtype, key)
    return off, shape, strides


def _gather_key(x, key, out):
    from . import cuda_layout

    cuda_layout.gather(x, out, _view(x, key))


def _crop_key(op, x, attrs):
    from ..ops.image import _crop_key as key

    return key(op, tuple(x.shape), attrs)


def _crop_fwd(op, ins, outs, attrs):
    _gather_key(ins[0], _crop_key(op, ins[0], attrs), outs[0])


def _crop_bwd(op, dys, ins, outs, attrs):
    from . import cuda_layout

    g = cuda_launch.zeros(tuple(ins[0].shape), dys[0].dtype)
    cuda_layout.scatter(dys[0], g, _view(g, _crop_key(op, ins[0], attrs)))
    return [g]


def _flip_key(axis):
    return (slice(None),) * axis + (slice(None, None, -1),)


def _flipped(x, axis, out=None):
    out = cuda_launch.empty(tuple(x.shape), x.dtype) if out is None else out
    _gather_key(x, _flip_key(axis), out)
    return out


def _flip_op(axis):
    def fwd(op, ins, outs, attrs):
        _flipped(ins[0], axis, outs[0])

    def bwd(op, dys, ins, outs, attrs):
        return [_flipped(dys[0], axis)]
    return fwd, bwd


def _random_flip(axis):
    def fwd(op, ins, outs, attrs):
        from ..ops import image_random as r

        if r.bernoulli():
            outs[0].copy_to_device(ins[0])
        else:
            _flipped(ins[0], axis, outs[0])
    return fwd


def _colour(x, out, mode, alpha=0.0, p=(0.0, 0.0, 0.0)):
    f = np.float32
    C = int(x.shape[-1])
    if x.size:
        launch(_ki(colour_k, x.dtype), x.size, flat(x), flat(out),
               cuda_launch.to_device(np.asarray(p, np.float32)), C, mode, f(alpha),
               f(f(1) - f(alpha)))


def _lighting_apply(op, x, out, alpha):
    from ..ops import image_random as r

    if int(x.shape[-1]) == 1:
        return out.copy_to_device(x)  # as the CPU: 1-channel images are copied
    f = np.float32
    a = [f(v) for v in alpha]
    E = r._EIG
    pca = [f(f(f(E[k, 0] * a[0]) + f(E[k, 1] * a[1])) + f(E[k, 2] * a[2])) for k in range(3)]
    _colour(x, out, 1, p=pca)


def _adjust_lighting_fwd(op, ins, outs, attrs):
    from ..base import MXNetError
    from ..ops.image import _floats

    alpha = _floats(op, "alpha", attrs["alpha"])
    if len(alpha) < 3:
        raise MXNetError(f"{op.name}: Check failed: i >= 0 && i < ndim(): index = {len(alpha)} "
                         f"must be in range [0, {len(alpha)})")
    _lighting_apply(op, ins[0], outs[0], alpha[:3])


def _random_lighting_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    _lighting_apply(op, ins[0], outs[0], r.normals(3, np.float32(attrs["alpha_std"])))


def _random_brightness_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    _colour(ins[0], outs[0], 0, r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"])))


def _random_saturation_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    alpha = r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"]))
    if int(ins[0].shape[-1]) == 1:
        return outs[0].copy_to_device(ins[0])
    _colour(ins[0], outs[0], 2, alpha)


_FLIP_LR, _FLIP_TB = _flip_op(1), _flip_op(0)
_IMAGE_FWD = {
    "_image_to_tensor": _to_tensor_fwd, "_image_normalize": _normalize_fwd,
    "_image_crop": _crop_fwd, "_image_flip_left_right": _FLIP_LR[0],
    "_image_flip_top_bottom": _FLIP_TB[0], "_image_adjust_lighting": _adjust_lighting_fwd,
    "_image_random_flip_left_right": _random_flip(1),
    "_image_random_flip_top_bottom": _random_flip(0),
    "_image_random_brightness": _random_brightness_fwd,
    "_image_random_saturation": _random_saturation_fwd,
    "_image_random_lighting": _random_lighting_fwd,
}
_IMAGE_BWD = {
    "_image_to_tensor": _to_tensor_bwd, "_image_normalize": _normalize_bwd,
    "_image_crop": _crop_bwd, "_image_flip_left_right": _FLIP_LR[1],
    "_image_flip_top_bottom": _FLIP_TB[1],
}
for _n in ("_image_adjust_lighting", "_image_random_flip_left_right",
           "_image_random_flip_top_bottom", "_image_random_brightness",
           "_image_random_saturation", "_image_random_lighting"):
    _IMAGE_BWD[_n] = _ste_bwd  # MXNet's identity (_copy) gradient, as the CPU op
FORWARD, BACKWARD = _IMAGE_FWD, _IMAGE_BWD


# ================================================================ colour: contrast, hue, jitter


def seq_sum_k(x, total, C, wide):
    """total[0] = C++'s `float sum += term` over the pixels in order, one thread: the terms
    are x * coef[c] for 3 channels (double products for float64 data), x itself for 1;
    each add rounds to float (in double first for float64 data, as the CPU)."""
    if cuda.grid(1) == 0:
        s = np.float32(0)
        for i in range(x.shape[0]):
            c = i % C
            if wide:
                t = np.float64(LOAD(x[i]))
                if C > 1:
                    t = t * np.float64(COEF[c])
                s = np.float32(np.float64(s) + t)
            else:
                t = np.float32(LOAD(x[i]))
                if C > 1:
                    t = t * COEF[c]
                s = s + t
        total[0] = s


def contrast_k(x, out, total, length, alpha, wide):
    """out = x * alpha + (1 - alpha) * mean, in float (double for float64 data, rounded to
    float), stored with saturate_cast."""
    mean = total[0] / np.float32(length)
    beta = (np.float32(1) - alpha) * mean
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        if wide:
            v = np.float32(np.float64(LOAD(x[i])) * np.float64(alpha) + np.float64(beta))
        else:
            v = np.float32(LOAD(x[i])) * alpha + beta
        out[i] = SAT(v)


def _b(c):
    return np.float32(1) if c else np.float32(0)


def hue_k(x, out, sectors, shift):
    """MXNet's RGB -> HLS, hue += shift (a fraction of a turn, times 360), HLS -> RGB, in
    float with NumPy's form of the CPU op (masks as 0/1 products), one thread per pixel."""
    f = np.float32
    for q in range(cuda.grid(1), x.shape[0] // 3, cuda.gridsize(1)):
        r = f(LOAD(x[3 * q])) / f(255)
        g = f(LOAD(x[3 * q + 1])) / f(255)
        b = f(LOAD(x[3 * q + 2])) / f(255)
        vmax = MAXF(MAXF(r, g), b)
        vmin = MINF(MINF(r, g), b)
        diff = vmax - vmin
        l = (vmax + vmin) * f(0.5)
        big = diff > EPS
        s = (B(l < f(0.5)) * diff) / (vmax + vmin)
        s = s + (B(l >= f(0.5)) * diff) / (f(2) - vmax - vmin)
        d = f(60) / diff
        h = (B(vmax == r) * (g - b)) * d
        h = h + B(vmax != r and vmax == g) * ((b - r) * d + f(120))
        h = h + B(vmax != r and vmax != g) * ((r - g) * d + f(240))
        h = h + B(h < f(0)) * f(360)
        if not big:
            h = f(0)
            s = f(0)
        h = h + shift
        p2 = (B(l <= f(0.5)) * l) * (f(1) + s)
        p2 = p2 + B(l > f(0.5)) * ((l + s) - l * s)
        p1 = f(2) * l - p2
        h = h * SIXTIETH
        while h < f(0):
            h = h + f(6)
        while h >= f(6):
            h = h - f(6)
        sec = min(int(h), 5)
        h = h - f(sec)
        t2 = p1 + (p2 - p1) * (f(1) - h)
        t3 = p1 + (p2 - p1) * h
        rgb0 = l
        rgb1 = l
        rgb2 = l
        if s != f(0):
            rgb2 = PICK(sectors[3 * sec], p2, p1, t2, t3)
            rgb1 = PICK(sectors[3 * sec + 1], p2, p1, t2, t3)
            rgb0 = PICK(sectors[3 * sec + 2], p2, p1, t2, t3)
        out[3 * q] = SAT(rgb0 * f(255))
        out[3 * q + 1] = SAT(rgb1 * f(255))
        out[3 * q + 2] = SAT(rgb2 * f(255))


def _pick(k, a, b, c, d):
    if k == 0:
        return a
    if k == 1:
        return b
    if k == 2:
        return c
    return d


def _maxf(a, b):
    return a if a >= b else b   # np.maximum of non-NaN floats


def _minf(a, b):
    return a if a <= b else b


def _kc(template, dtype):
    from .cuda_common import dev

    dt = np.dtype(dtype)
    env = _img_env(dt, np.float32, True)
    env.update(COEF=(np.float32(0.299), np.float32(0.587), np.float32(0.114)),
               B=dev(_b), PICK=dev(_pick), MAXF=dev(_maxf), MINF=dev(_minf),
               EPS=np.finfo(np.float32).eps, SIXTIETH=np.float32(1.0 / 60.0))
    return kernel(template, f"{dt.name}_colour", **env)


def _contrast(x, out, alpha):
    C = int(x.shape[-1])
    wide = np.dtype(x.dtype) == _F64
    total = cuda_launch.empty((1,), _F32)
    launch(_kc(seq_sum_k, x.dtype), 1, flat(x), total, C, wide)
    length = int(x.shape[0]) * int(x.shape[1])
    if x.size:
        launch(_kc(contrast_k, x.dtype), x.size, flat(x), flat(out), total, length,
               np.float32(alpha), wide)


def _hue(x, out, alpha):
    from ..ops.image_random import _SECTORS

    if int(x.shape[-1]) == 1:
        return out.copy_to_device(x)   # as the CPU
    f = np.float32
    if x.size:
        launch(_kc(hue_k, x.dtype), x.size // 3, flat(x), flat(out),
               cuda_launch.to_device(_SECTORS.reshape(-1).astype(np.int64)),
               f(f(alpha) * f(360)))


def _saturation(x, out, alpha):
    if int(x.shape[-1]) == 1:
        return out.copy_to_device(x)
    if x is out:
        x = _copy(x)   # the gray term reads another channel of the pixel
    _colour(x, out, 2, alpha)


def _random_contrast_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    _contrast(ins[0], outs[0], r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"])))


def _random_hue_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    alpha = r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"]))
    _hue(ins[0], outs[0], alpha)


def _color_jitter_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    F = np.float32
    b, c, s, h = (F(attrs[n]) for n in ("brightness", "contrast", "saturation", "hue"))
    x, out = ins[0], outs[0]
    cur = x
    for k in r.shuffle4():   # the CPU's draws, in its order
        if k == 0 and b > 0:
            _colour(cur, out, 0, F(1.0 + float(r.uniform(-b, b))))
        elif k == 1 and c > 0:
            _contrast(cur, out, F(1.0 + float(r.uniform(-c, c))))
        elif k == 2 and s > 0:
            _saturation(cur, out, F(F(1) + r.uniform(-s, s)))
        elif k == 3 and h > 0:
            _hue(cur, out, r.uniform(-h, h))
        else:
            continue
        cur = out
    if cur is x:
        out.copy_to_device(x)


_IMAGE_FWD.update({"_image_random_contrast": _random_contrast_fwd,
                   "_image_random_hue": _random_hue_fwd,
                   "_image_random_color_jitter": _color_jitter_fwd})
_IMAGE_BWD.update({n: _ste_bwd for n in ("_image_random_contrast", "_image_random_hue",
                                         "_image_random_color_jitter")})


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i, b = types.int64, types.boolean
    f32, f64 = types.float32, types.float64

    def arr(dt):
        return types.Array(from_dtype(np.dtype(dt)), 1, "C")

    a32, a64 = arr(_F32), arr(_F64)
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        a = arr(dt)
        ct = _F64 if dt == _F64 else _F32
        ac = arr(ct)
        f32ish = dt != _F64
        jobs += [(f"to_tensor_k/{d}", lambda dt=dt: _ki(to_tensor_k, dt), (a, a32, i, i, i, i),
                  False),  # float64 data divides in double (a runtime mode), as the CPU
                 (f"normalize_k/{d}", lambda dt=dt, ct=ct: _ki(normalize_k, dt, ct.type, False),
                  (a, ac, ac, a, i, i), f32ish),
                 (f"colour_k/{d}", lambda dt=dt: _ki(colour_k, dt), (a, a, a32, i, i, f32, f32),
                  f32ish)]  # saturation of float64 data computes in double, as the CPU
        jobs += [(f"seq_sum_k/{d}", lambda dt=dt: _kc(seq_sum_k, dt), (a, a32, i, b), False),
                 (f"contrast_k/{d}", lambda dt=dt: _kc(contrast_k, dt), (a, a, a32, i, f32, b),
                  False),  # float64 data: double arithmetic (a runtime flag), as the CPU
                 (f"hue_k/{d}", lambda dt=dt: _kc(hue_k, dt), (a, a, arr(np.int64), f32),
                  f32ish)]
        if dt.kind == "f":
            jobs += [(f"to_tensor_bwd_k/{d}", lambda dt=dt: _ki(to_tensor_bwd_k, dt),
                      (a32, a, i, i, i), f32ish),
                     (f"normalize_bwd_k/{d}", lambda dt=dt: _ki(normalize_bwd_k, dt),
                      (a, a64, a, i, i), False)]  # dy * (1.0 / std) in double, as the CPU
    return jobs
