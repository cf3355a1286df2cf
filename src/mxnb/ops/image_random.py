"""The colour augmenters of `mx.nd.image`, with MXNet 1.9.1's draws and float arithmetic.

MXNet draws every parameter from its `kRandom` resource: one `std::mt19937` seeded with
s*127 (+ device id) by `mx.random.seed(s)`, shared with `shuffle` and `multinomial`; mxnb's
pool keeps that generator (`GeneratorPool.raw(n, generator=-1)`). The draws follow
libstdc++ (the one MXNet's wheels are built with):

* `uniform_real_distribution<float>(a, b)`: u = float(w) / 2**32 (one 32-bit word w; 1.0
  becomes the float just below), then u * (b - a) + a in float;
* `bernoulli_distribution(0.5)`: (w1 + w2 * 2**32) / 2**64 in double, true below 0.5;
* `normal_distribution<float>`: Marsaglia's polar method in float, the second value of a
  pair served next (the distribution lives for one call, so an odd draw wastes one);
* `std::shuffle` of 4: for i = 1..3 swap i with `uniform_int_distribution(0, i)`.

The image arithmetic copies `image_random-inl.h` (C++ float, no FMA), including its
saturation quirk: the gray level is the last channel's term only (`gray = ...` inside the
channel loop) [COPY]. Imported on the first call of a random op (no numba unless logf is
needed, for the lighting normals).
"""
import numpy as np

_F = np.float32
_COEF = (_F(0.299), _F(0.587), _F(0.114))
_TWO32 = 4294967296.0
_BELOW_ONE = np.nextafter(_F(1), _F(0))


def _generator():
    from ..context import cpu
    from ..ndarray.random import _pool

    return _pool(cpu())


def _words(n):
    return _generator().raw(n, generator=-1)


def uniform(a, b):
    """std::uniform_real_distribution<float>(a, b)(engine)."""
    u = _F(_F(_words(1)[0]) / _F(_TWO32))
    if u >= _F(1):
        u = _BELOW_ONE
    return _F(_F(u * _F(_F(b) - _F(a))) + _F(a))


def bernoulli():
    """std::bernoulli_distribution(0.5)(engine): generate_canonical<double, 53>."""
    w1, w2 = (float(w) for w in _words(2))
    r = (w1 + w2 * _TWO32) / (_TWO32 * _TWO32)
    if r >= 1.0:
        r = np.nextafter(1.0, 0.0)
    return r < 0.5


def _logf(x):
    from .._rng import cpu_kernels

    out = np.empty(1, np.float32)
    cpu_kernels.logf_array(np.array([x], np.float32), out)
    return out[0]


def normals(n, std):
    """n draws of one std::normal_distribution<float>(0, std)."""
    vals = []
    while len(vals) < n:
        while True:
            u1, u2 = uniform(0, 1), uniform(0, 1)
            x = _F(float(_F(2) * u1) - 1.0)
            y = _F(float(_F(2) * u2) - 1.0)
            r2 = _F(_F(x * x) + _F(y * y))
            if not (r2 > 1 or r2 == 0):
                break
        mult = np.sqrt(_F(_F(_F(-2) * _logf(r2)) / r2), dtype=np.float32)
        vals += [_F(y * mult), _F(x * mult)]
    return [_F(_F(v * _F(std)) + _F(0)) for v in vals[:n]]


def shuffle4():
    """std::shuffle of {0, 1, 2, 3} (one word per swap, pre-GCC 11 uniform_int)."""
    order = [0, 1, 2, 3]
    for i in range(1, 4):
        erange = i + 1
        scaling = 0xFFFFFFFF // erange
        past = erange * scaling
        while True:
            w = int(_words(1)[0])
            if w < past:
                break
        j = w // scaling
        order[i], order[j] = order[j], order[i]
    return order


# ---------------------------------------------------------------- the adjustments


def _mul(x, a):
    """DType * float in C++: double for float64 data, float otherwise."""
    if x.dtype == np.float64:
        return x * np.float64(a)
    return x.astype(_F) * _F(a)


def _store(out, v):
    from .image import _store as store

    store(out, v)


def _brightness(x, out, alpha):
    _store(out, _mul(x.astype(_F), alpha))     # static_cast<float>(input) * alpha


def _seq_sum(terms):
    """C++'s `float sum += term` over the terms in order (each add rounded to float)."""
    if terms.size == 0:
        return _F(0)
    if terms.dtype != np.float64:
        # float terms: NumPy's accumulate adds strictly in order, rounding each sum to float
        return np.add.accumulate(terms.astype(_F).ravel())[-1]
    from ..kernels.image_kernels import float_sum_of_doubles

    return _F(float_sum_of_doubles(np.ascontiguousarray(terms, np.float64).ravel()))


def _contrast(x, out, alpha):
    length = x.shape[0] * x.shape[1]
    if x.shape[2] > 1:
        terms = np.stack([_mul(x[..., c], _COEF[c]) for c in range(3)], axis=-1)
    else:
        terms = x
    with np.errstate(all="ignore"):
        mean = _F(_seq_sum(terms) / _F(length))
        beta = _F(_F(_F(1) - _F(alpha)) * mean)
        v = _mul(x, alpha) + (np.float64(beta) if x.dtype == np.float64 else beta)
    _store(out, v.astype(_F))


def _saturation(x, out, alpha):
    if x.shape[2] == 1:
        np.copyto(out, x)
        return
    alpha_o = _F(_F(1) - _F(alpha))
    with np.errstate(all="ignore"):
        gray = _mul(x[..., 2:3], _COEF[2]).astype(_F) * alpha_o    # [COPY] last channel only
        if x.dtype == np.float64:
            v = gray.astype(np.float64) + _mul(x, alpha)
        else:
            v = gray + _mul(x, alpha)
    _store(out, v.astype(_F))


_SECTORS = np.array([[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]])


def _hue(x, out, alpha):
    if x.shape[2] == 1:
        np.copyto(out, x)   # [FIX] MXNet leaves the output unwritten
        return
    with np.errstate(all="ignore"):
        rgb = x.astype(_F)
        r, g, b = (rgb[..., k] / _F(255) for k in range(3))
        vmax = np.maximum(np.maximum(r, g), b)
        vmin = np.minimum(np.minimum(r, g), b)
        diff = vmax - vmin
        l = (vmax + vmin) * _F(0.5)
        big = diff > np.finfo(_F).eps
        s = ((l < _F(0.5)) * diff) / (vmax + vmin)
        s = s + ((l >= _F(0.5)) * diff) / (_F(2) - vmax - vmin)
        d = _F(60) / diff
        h = ((vmax == r) * (g - b)) * d
        h = h + ((vmax != r) & (vmax == g)) * ((b - r) * d + _F(120))
        h = h + ((vmax != r) & (vmax != g)) * ((r - g) * d + _F(240))
        h = h + (h < _F(0)) * _F(360)
        h = np.where(big, h, _F(0)).astype(_F)
        s = np.where(big, s, _F(0)).astype(_F)

        h = h + _F(_F(alpha) * _F(360))
        p2 = ((l <= _F(0.5)) * l) * (_F(1) + s)
        p2 = p2 + (l > _F(0.5)) * ((l + s) - l * s)
        p1 = _F(2) * l - p2
        h = h * _F(1.0 / 60.0)
        while True:
            neg = h < 0
            if not neg.any():
                break
            h = np.where(neg, h + _F(6), h)
        while True:
            over = h >= 6
            if not over.any():
                break
            h = np.where(over, h - _F(6), h)
        sector = np.minimum(h.astype(np.int64), 5)
        h = h - sector.astype(_F)
        tab = np.stack([p2, p1, p1 + (p2 - p1) * (_F(1) - h), p1 + (p2 - p1) * h], axis=-1)
        idx = _SECTORS[sector]
        bo = np.take_along_axis(tab, idx[..., 0:1], -1)[..., 0]
        go = np.take_along_axis(tab, idx[..., 1:2], -1)[..., 0]
        ro = np.take_along_axis(tab, idx[..., 2:3], -1)[..., 0]
        gray = s == 0
        res = np.stack([np.where(gray, l, ro), np.where(gray, l, go), np.where(gray, l, bo)],
                       axis=-1).astype(_F) * _F(255)
    _store(out, res)


# AlexNet's eigenvectors times eigenvalues, products in double stored as floats
_EIG = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                 [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                 [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]]).astype(_F)


def adjust_lighting(x, out, alpha):
    """MXNet's AdjustLightingImpl with float alphas (R, G, B)."""
    if x.shape[2] == 1:
        np.copyto(out, x)   # [FIX] MXNet leaves the output unwritten
        return
    a = [_F(v) for v in alpha]
    pca = [_F(_F(_F(_EIG[k, 0] * a[0]) + _F(_EIG[k, 1] * a[1])) + _F(_EIG[k, 2] * a[2]))
           for k in range(3)]
    _store(out, x.astype(_F) + np.array(pca, _F))


# ---------------------------------------------------------------- the ops' forwards


def flip_left_right(x, out):
    np.copyto(out, x if bernoulli() else np.flip(x, 1))


def flip_top_bottom(x, out):
    np.copyto(out, x if bernoulli() else np.flip(x, 0))


def brightness(x, out, lo, hi):
    _brightness(x, out, uniform(lo, hi))


def contrast(x, out, lo, hi):
    _contrast(x, out, uniform(lo, hi))


def saturation(x, out, lo, hi):
    _saturation(x, out, uniform(lo, hi))


def hue(x, out, lo, hi):
    _hue(x, out, uniform(lo, hi))


def lighting(x, out, alpha_std):
    adjust_lighting(x, out, normals(3, alpha_std))


def color_jitter(x, out, b, c, s, h):
    cur = x
    for k in shuffle4():
        if k == 0 and b > 0:
            _brightness(cur, out, _F(1.0 + float(uniform(-b, b))))
        elif k == 1 and c > 0:
            _contrast(cur, out, _F(1.0 + float(uniform(-c, c))))
        elif k == 2 and s > 0:
            _saturation(cur, out, _F(_F(1) + uniform(-s, s)))
        elif k == 3 and h > 0:
            _hue(cur, out, uniform(-h, h))
        else:
            continue
        cur = out
    if cur is x:
        np.copyto(out, x)   # [FIX] MXNet leaves the output unwritten when nothing applies
