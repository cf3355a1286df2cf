"""Chunk routines of the scalar samplers: randint, exponential, gamma, poisson and the
negative binomials.

Each fills out[i:end) from generator t at position p and returns the new
position; `cpu_kernels.py` runs them over MXNet's chunks. They draw one value
at a time, as MXNet's kernels do, keeping the C++ type promotions of MXNet's
code (`src/operator/random/sampler.h`), where double literals make some
steps double. They write float64 (randint: int64) holding exactly what MXNet
converts to the output dtype, so one compiled kernel serves every dtype.
Imported lazily (imports numba).
"""
import math

import numpy as np

from mxnb._jit import njit
from mxnb._rng import mt_core as _c

_U64 = np.uint64
_F32 = np.float32


@njit(nogil=True)
def _randint_chunk(mt, t, p, out, i, end, low, span, nb):
    # MXNet: lower + rand_int64() % (upper - lower), with
    # rand_int64() = int64(r1 << 31) + r2 computed in uint64 (so it can wrap)
    # and C++'s truncating %.
    g = _U64(t)
    k = i // nb
    seg = min(end, (k + _U64(1)) * nb)
    while i < end:
        a, p = _c.raw(mt, g, p)
        b, p = _c.raw(mt, g, p)
        v = np.int64((_U64(a) << _U64(31)) + _U64(b))
        d = span[k]
        if v >= 0:
            r = v % d
        else:
            r = -np.int64((_U64(0) - _U64(v)) % _U64(d))
        out[i] = low[k] + r
        i += _U64(1)
        if i == seg:
            k += _U64(1)
            seg = min(end, seg + nb)
    return p


@njit(nogil=True, error_model="numpy")
def _exponential_chunk(mt, t, p, out, i, end, lam, nb, dbl):
    g = _U64(t)
    k = i // nb
    seg = min(end, (k + _U64(1)) * nb)
    while i < end:
        if dbl:
            u, p = _c.draw_f64(mt, g, p)
        else:
            u32, p = _c.draw_f32(mt, g, p)
            u = np.float64(u32)
        out[i] = -math.log(1.0 - u) / lam[k]
        i += _U64(1)
        if i == seg:
            k += _U64(1)
            seg = min(end, seg + nb)
    return p


@njit(nogil=True, error_model="numpy")
def _gamma_f32(mt, g, p, a, b):
    # MXNet's SampleGamma<xpu, IType, float> (Marsaglia-Tsang), keeping its
    # C++ promotions: double literals make some steps double, then store float.
    if a < 1:
        d = _F32(np.float64(a) + 2.0 / 3.0)
    else:
        d = _F32(np.float64(a) - 1.0 / 3.0)
    k = _F32(math.sqrt(9.0 * np.float64(d)))
    c = _F32(1.0 / np.float64(k))
    while True:
        z, p = _c.normal_f32(mt, g, p)
        if z > -k:
            x = _F32(1.0 + np.float64(c * z))
            v = x * x * x
            u, p = _c.draw_f32(mt, g, p)
            lhs = math.log(1.0 - np.float64(u))
            zd = np.float64(z)
            vd = np.float64(v)
            if lhs < 0.5 * zd * zd + np.float64(d) * (1.0 - vd + math.log(vd)):
                # b is a float64 holding MXNet's float or double beta: the
                # double product of two float32 values rounds like float32's
                sample = _F32(np.float64(d * v) * b)
                break
    if a < 1:
        u, p = _c.draw_f32(mt, g, p)
        e = np.float64(_F32(1.0 / np.float64(a)))
        return _F32(np.float64(sample) * math.pow(np.float64(u), e)), p
    return sample, p


@njit(nogil=True, error_model="numpy")
def _gamma_f64(mt, g, p, a, b):
    if a < 1:
        d = np.float64(a) + 2.0 / 3.0
    else:
        d = np.float64(a) - 1.0 / 3.0
    k = math.sqrt(9.0 * d)
    c = 1.0 / k
    while True:
        z, p = _c.normal_f64(mt, g, p)
        if z > -k:
            x = 1.0 + c * z
            v = x * x * x
            u, p = _c.draw_f64(mt, g, p)
            if math.log(1.0 - u) < 0.5 * z * z + d * (1.0 - v + math.log(v)):
                sample = np.float64(d * v * b)
                break
    if a < 1:
        u, p = _c.draw_f64(mt, g, p)
        return sample * math.pow(u, 1.0 / np.float64(a)), p
    return sample, p


@njit(nogil=True, error_model="numpy")
def _gamma_chunk(mt, t, p, out, i, end, alpha, beta, nb, dbl):
    g = _U64(t)
    k = i // nb
    seg = min(end, (k + _U64(1)) * nb)
    while i < end:
        if dbl:
            v, p = _gamma_f64(mt, g, p, alpha[k], beta[k])
            out[i] = v
        else:
            v32, p = _gamma_f32(mt, g, p, alpha[k], beta[k])
            out[i] = v32
        i += _U64(1)
        if i == seg:
            k += _U64(1)
            seg = min(end, seg + nb)
    return p


@njit(nogil=True, error_model="numpy")
def _poisson_one(mt, g, p, lam):
    # MXNet's SamplePoisson: float math throughout (expf, tanf, lgammaf), with
    # a few double literals; always the float32 generator.
    if lam < 12.0:
        t = _F32(math.exp(-lam))
        x = 0
        prod, p = _c.draw_f32(mt, g, p)
        while prod > t:
            x += 1
            u, p = _c.draw_f32(mt, g, p)
            prod = prod * u
        return np.float64(x), p
    pi = _F32(3.1415926)
    sq = _F32(math.sqrt(2.0 * np.float64(lam)))
    # MXNet's log(lambda) takes a float, so C++ calls logf: glibc's (transcribed in
    # mt_core), not the correctly rounded log; they differ for a few lambdas, which then
    # flips an acceptance now and then (a negative binomial draw showed it).
    if lam < np.inf:
        loglam = _c.logf(lam)
    else:
        loglam = _F32(math.log(np.float64(lam)))
    gg = _F32(lam * loglam) - _F32(math.lgamma(_F32(1.0 + np.float64(lam))))
    while True:
        while True:
            u, p = _c.draw_f32(mt, g, p)
            y = _F32(math.tan(_F32(pi * u)))
            em = _F32(sq * y) + lam
            if not em < 0.0:
                break
        em = np.floor(em)
        arg = _F32(_F32(em * loglam) - _F32(math.lgamma(_F32(1.0 + np.float64(em))))) - gg
        t = _F32(0.9 * (1.0 + np.float64(y * y)) * np.float64(_F32(math.exp(arg))))
        u, p = _c.draw_f32(mt, g, p)
        if not u > t:
            return _int_cast(em), p


@njit(nogil=True)
def _int_cast(v):
    # MXNet returns static_cast<int>(em): on x86 a NaN or out-of-range float gives
    # INT_MIN (cvttss2si's "integer indefinite"), e.g. for lam = inf or 3e9.
    if v != v or v >= 2147483648.0 or v < -2147483648.0:
        return -2147483648.0
    return np.float64(v)


@njit(nogil=True, error_model="numpy")
def _poisson_chunk(mt, t, p, out, i, end, lam, nb):
    g = _U64(t)
    k = i // nb
    seg = min(end, (k + _U64(1)) * nb)
    while i < end:
        v, p = _poisson_one(mt, g, p, _F32(lam[k]))
        out[i] = v
        i += _U64(1)
        if i == seg:
            k += _U64(1)
            seg = min(end, seg + nb)
    return p


# MXNet's negative binomials are gamma-Poisson mixtures on the float generator, whatever the
# output dtype (`SampleNegativeBinomialKernel` and `SampleGeneralizedNegativeBinomialKernel`
# in src/operator/random/sampler.h): lambda = SampleGamma<IType, float>(a, b), then
# SamplePoisson(lambda). `_gamma_f32` and `_poisson_one` are those two steps.


@njit(nogil=True, error_model="numpy")
def _negbin_chunk(mt, t, p, out, i, end, k, pr, nb):
    # float alpha = k; float prob = p; float beta = (1.0 - prob) / prob (in double)
    g = _U64(t)
    kk = i // nb
    seg = min(end, (kk + _U64(1)) * nb)
    while i < end:
        a = _F32(k[kk])
        q = _F32(pr[kk])
        b = _F32((1.0 - np.float64(q)) / np.float64(q))
        lam, p = _gamma_f32(mt, g, p, np.float64(a), np.float64(b))
        v, p = _poisson_one(mt, g, p, lam)
        out[i] = v
        i += _U64(1)
        if i == seg:
            kk += _U64(1)
            seg = min(end, seg + nb)
    return p


@njit(nogil=True, error_model="numpy")
def _gnegbin_chunk(mt, t, p, out, i, end, mu, alpha, nb, p32):
    # lambda = alpha == 0 ? float(mu) : SampleGamma(IType(1) / alpha, alpha * mu), the two
    # parameters computed in IType: float for scalars and float32 arrays (p32), else double.
    g = _U64(t)
    kk = i // nb
    seg = min(end, (kk + _U64(1)) * nb)
    while i < end:
        m = mu[kk]
        al = alpha[kk]
        if al == 0:
            lam = _F32(m)
        elif p32:
            a32 = _F32(al)
            lam, p = _gamma_f32(mt, g, p, np.float64(_F32(1) / a32),
                                np.float64(a32 * _F32(m)))
        else:
            lam, p = _gamma_f32(mt, g, p, 1.0 / al, al * m)
        v, p = _poisson_one(mt, g, p, lam)
        out[i] = v
        i += _U64(1)
        if i == seg:
            kk += _U64(1)
            seg = min(end, seg + nb)
    return p
