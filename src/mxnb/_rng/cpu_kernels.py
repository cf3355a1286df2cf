"""CPU kernels of MXNet 1.9.1's random samplers (imported lazily: imports numba).

Every sampler of the parallel pool has the same shape, taken from MXNet's
`LaunchRNG` (`src/operator/random/sampler.h`): the flat output of `N` values
is cut into `nthread = min(ceil(N / 64), 1024)` chunks of `step = ceil(N /
nthread)`, and chunk `t` draws sequentially from generator `t`. A chunk's
values depend only on its generator, so the kernels run the chunks with
`prange` and the result does not depend on the number of threads.

Parameters come as float64 arrays with one entry per parameter element, and
element `i` uses entry `i // nb` (MXNet's `nBatch`). The arithmetic follows
the C++ types of MXNet's kernels: scalar parameters are C++ `float`s there
(and float32 arrays give float `IType`s), double ones promote the arithmetic
to double. `p32` says the float64 entries hold such floats; where that
changes the rounding (uniform and normal into float32) the kernel switches to
float32 arithmetic, elsewhere the float promotes exactly to double anyway.
One float64 signature per kernel keeps the number of compilations down; for
the same reason the scalar samplers (`cpu_samplers.py`) always write float64
(randint: int64), exactly what MXNet's C++ then converts to the output type.

Each driver exists twice, serial and parallel, compiled from the same code
under different names so that Numba's on-disk cache keeps them apart.
"""
import types as _pytypes

import numpy as np

from mxnb._jit import njit
from mxnb._rng import mt_core as _c
from mxnb._rng.cpu_samplers import (_exponential_chunk, _gamma_chunk, _gnegbin_chunk,
                                    _negbin_chunk, _poisson_chunk, _randint_chunk)

prange = _c._nb.prange
_U = np.uint32
_U64 = np.uint64
_F32 = np.float32
_NS = _U64(_c.NSTATE)
_SMALL_BATCH = 32     # below this many samples per parameter, draw one by one


# ---------------------------------------------------------------------------
# seeding
# ---------------------------------------------------------------------------
@njit(nogil=True)
def seed_states(mt, pos, base):
    """Seed row t of `mt` with (base + t) mod 2**32 and mark it exhausted."""
    for t in range(mt.shape[0]):
        _c.init_genrand(mt, t, _U(_U(base) + _U(t)))
        pos[t] = _NS


# ---------------------------------------------------------------------------
# chunk routines: fill out[i:end) from generator t at position p, return p
# ---------------------------------------------------------------------------
@njit(nogil=True)
def _uniform_f32_run(mt, g, p, out, i, end, a, scale):
    # a, scale: float32 (MXNet's float parameters) or float64 (double ones)
    while i < end:
        if p == _NS:
            _c.twist(mt, g)
            p = _U64(0)
        n = min(_NS - p, end - i)
        for j in range(_U64(0), n):
            out[i + j] = a + scale * _c.u01_f32(_c.temper(mt[g, p + j]))
        i += n
        p += n
    return p


@njit(nogil=True)
def _uniform_f32_chunk(mt, t, p, out, i, end, lo, hi, nb, p32):
    g = _U64(t)
    k = i // nb
    if nb < _U64(_SMALL_BATCH):
        # a few samples per parameter: one at a time
        seg = min(end, (k + _U64(1)) * nb)
        while i < end:
            y, p = _c.raw(mt, g, p)
            u = _c.u01_f32(y)
            if p32:
                a = _F32(lo[k])
                out[i] = a + (_F32(hi[k]) - a) * u
            else:
                out[i] = lo[k] + (hi[k] - lo[k]) * u
            i += _U64(1)
            if i == seg:
                k += _U64(1)
                seg = min(end, seg + nb)
        return p
    while i < end:
        seg = min(end, (k + _U64(1)) * nb)
        if p32:
            a = _F32(lo[k])
            p = _uniform_f32_run(mt, g, p, out, i, seg, a, _F32(hi[k]) - a)
        else:
            p = _uniform_f32_run(mt, g, p, out, i, seg, lo[k], hi[k] - lo[k])
        i = seg
        k += _U64(1)
    return p


@njit(nogil=True)
def _uniform_f64_chunk(mt, t, p, out, i, end, lo, hi, nb, p32):
    g = _U64(t)
    k = i // nb
    while i < end:
        seg = min(end, (k + _U64(1)) * nb)
        a = lo[k]
        if p32:
            scale = np.float64(_F32(hi[k]) - _F32(a))
        else:
            scale = hi[k] - a
        k += _U64(1)
        if nb < _U64(_SMALL_BATCH):
            while i < seg:
                w0, p = _c.raw(mt, g, p)
                w1, p = _c.raw(mt, g, p)
                out[i] = a + scale * _c.u01_f64(w0, w1)
                i += _U64(1)
            continue
        while i < seg:
            if p == _NS:
                _c.twist(mt, g)
                p = _U64(0)
            n = min((_NS - p) >> _U64(1), seg - i)
            for j in range(_U64(0), n):
                q = p + _U64(2) * j
                u = _c.u01_f64(_c.temper(mt[g, q]), _c.temper(mt[g, q + _U64(1)]))
                out[i + j] = a + scale * u
            i += n
            p += _U64(2) * n
            if i < seg and p == _NS - _U64(1):
                # the pair straddles a twist
                lo_word = _c.temper(mt[g, p])
                _c.twist(mt, g)
                out[i] = a + scale * _c.u01_f64(lo_word, _c.temper(mt[g, 0]))
                p = _U64(1)
                i += _U64(1)
    return p


@njit(nogil=True, error_model="numpy")
def _polar_emit(out, i, ys, rs, c, s, m):
    # s, m: float32 (float parameters) or float64 (double ones). Two loops:
    # logf works in double (4 lanes), the rest in float32 (8 lanes).
    for q in range(_U64(0), c):
        rs[q] = _F32(-2.0) * _c.logf(rs[q]) / rs[q]
    for q in range(_U64(0), c):
        out[i + q] = ys[q] * np.sqrt(rs[q]) * s + m


@njit(nogil=True, error_model="numpy")
def _normal_f32_chunk(mt, t, p, out, i, end, loc, sd, nb, p32):
    # The polar method's accept/reject is per generator, so work one state
    # block at a time in passes that each vectorise on their own: convert the
    # block to 2u-1, compute r2 per pair, keep the accepted pairs in order
    # (the only scalar pass), then transform them (glibc logf transcribed)
    # straight into `out`.
    g = _U64(t)
    half = _c.NSTATE // 2
    v = np.empty(_c.NSTATE, np.float32)
    r2 = np.empty(half, np.float32)
    ok = np.empty(half, np.uint64)
    ys = np.empty(half, np.float32)
    rs = np.empty(half, np.float32)
    two = _F32(2.0)
    one = _F32(1.0)
    zero = _F32(0.0)
    if nb < _U64(_SMALL_BATCH):
        # a few samples per parameter: one at a time beats the block passes
        k = i // nb
        seg = min(end, (k + _U64(1)) * nb)
        while i < end:
            z, p = _c.normal_f32(mt, g, p)
            if p32:
                out[i] = z * _F32(sd[k]) + _F32(loc[k])
            else:
                out[i] = z * sd[k] + loc[k]
            i += _U64(1)
            if i == seg:
                k += _U64(1)
                seg = min(end, seg + nb)
        return p
    while i < end:
        k = i // nb
        seg = min(end, (k + _U64(1)) * nb)
        while i < seg:
            if p == _NS:
                _c.twist(mt, g)
                p = _U64(0)
            nw = _NS - p
            if nw == _U64(1):
                # the pair straddles a twist
                x = two * _c.u01_f32(_c.temper(mt[g, p])) - one
                _c.twist(mt, g)
                y = two * _c.u01_f32(_c.temper(mt[g, 0])) - one
                p = _U64(1)
                c = _U64(0)
                q = x * x + y * y
                if q <= one and q != zero:
                    ys[0] = y
                    rs[0] = q
                    c = _U64(1)
            else:
                # convert only about what the segment needs (one sample per
                # parameter must not convert a whole block per sample)
                need = seg - i
                nw = min(nw, _U64(2) * (need + (need >> _U64(1)) + _U64(16)))
                c, j = _normal_f32_block(mt, g, p, nw, need, v, r2, ok, ys, rs)
                p += _U64(2) * j
            if p32:
                _polar_emit(out, i, ys, rs, c, _F32(sd[k]), _F32(loc[k]))
            else:
                _polar_emit(out, i, ys, rs, c, sd[k], loc[k])
            i += c
    return p


@njit(nogil=True, error_model="numpy")
def _normal_f32_block(mt, g, p, nw, need, v, r2, ok, ys, rs):
    """Accepted (y, r2) of the pairs in words [p, p+nw) of row g, at most
    `need` of them, in ys/rs: (count, pairs consumed)."""
    two = _F32(2.0)
    one = _F32(1.0)
    zero = _F32(0.0)
    for j in range(_U64(0), nw):
        v[j] = two * _c.u01_f32(_c.temper(mt[g, p + j])) - one
    npair = nw >> _U64(1)
    for j in range(_U64(0), npair):
        x = v[_U64(2) * j]
        y = v[_U64(2) * j + _U64(1)]
        q = x * x + y * y
        r2[j] = q
        ok[j] = _U64(1) if (q <= one and q != zero) else _U64(0)
    c = _U64(0)
    if need >= npair:
        # every pair is needed: no early stop in the scalar pass
        for j in range(_U64(0), npair):
            ys[c] = v[_U64(2) * j + _U64(1)]   # overwritten if rejected
            rs[c] = r2[j]
            c += ok[j]
        return c, npair
    j = _U64(0)
    while j < npair and c < need:
        ys[c] = v[_U64(2) * j + _U64(1)]
        rs[c] = r2[j]
        c += ok[j]
        j += _U64(1)
    return c, j


@njit(nogil=True, error_model="numpy")
def _normal_f64_chunk(mt, t, p, out, i, end, loc, sd, nb, p32):
    # As the float32 chunk, with four raw words per try: two per double.
    g = _U64(t)
    quarter = _c.NSTATE // 4
    v = np.empty(_c.NSTATE // 2, np.float64)
    r2 = np.empty(quarter, np.float64)
    ok = np.empty(quarter, np.uint64)
    ys = np.empty(quarter, np.float64)
    rs = np.empty(quarter, np.float64)
    four = _U64(4)
    if nb < _U64(_SMALL_BATCH):
        k = i // nb
        seg = min(end, (k + _U64(1)) * nb)
        while i < end:
            z, p = _c.normal_f64(mt, g, p)
            out[i] = z * sd[k] + loc[k]
            i += _U64(1)
            if i == seg:
                k += _U64(1)
                seg = min(end, seg + nb)
        return p
    while i < end:
        k = i // nb
        seg = min(end, (k + _U64(1)) * nb)
        m = loc[k]
        s = sd[k]
        while i < seg:
            if p == _NS:
                _c.twist(mt, g)
                p = _U64(0)
            need = seg - i
            nq = min((_NS - p) >> _U64(2), need + (need >> _U64(1)) + _U64(8))
            if nq == _U64(0):
                # the try straddles a twist: the scalar path handles it
                z, p = _c.normal_f64_once(mt, g, p)
                if z == z:
                    out[i] = z * s + m
                    i += _U64(1)
                continue
            for j in range(_U64(0), _U64(2) * nq):
                q = p + _U64(2) * j
                u = _c.u01_f64(_c.temper(mt[g, q]), _c.temper(mt[g, q + _U64(1)]))
                v[j] = 2.0 * u - 1.0
            for j in range(_U64(0), nq):
                x = v[_U64(2) * j]
                y = v[_U64(2) * j + _U64(1)]
                q2 = x * x + y * y
                r2[j] = q2
                ok[j] = _U64(1) if (q2 <= 1.0 and q2 != 0.0) else _U64(0)
            c = _U64(0)
            j = _U64(0)
            while j < nq and c < need:
                ys[c] = v[_U64(2) * j + _U64(1)]
                rs[c] = r2[j]
                c += ok[j]
                j += _U64(1)
            p += four * j
            for q in range(_U64(0), c):
                w = rs[q]
                out[i + q] = ys[q] * np.sqrt(-2.0 * _c.log_f64(w) / w) * s + m
            i += c
    return p


# ---------------------------------------------------------------------------
# drivers: one prange over the chunks. Written once, compiled twice.
# ---------------------------------------------------------------------------
def _uniform_f32(mt, pos, out, nthread, step, lo, hi, nb, p32):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _uniform_f32_chunk(mt, t, pos[t], out, s, e, lo, hi, _U64(nb), p32)


def _uniform_f64(mt, pos, out, nthread, step, lo, hi, nb, p32):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _uniform_f64_chunk(mt, t, pos[t], out, s, e, lo, hi, _U64(nb), p32)


def _normal_f32(mt, pos, out, nthread, step, loc, sd, nb, p32):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _normal_f32_chunk(mt, t, pos[t], out, s, e, loc, sd, _U64(nb), p32)


def _normal_f64(mt, pos, out, nthread, step, loc, sd, nb, p32):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _normal_f64_chunk(mt, t, pos[t], out, s, e, loc, sd, _U64(nb), p32)


def _randint(mt, pos, out, nthread, step, low, span, nb):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _randint_chunk(mt, t, pos[t], out, s, e, low, span, _U64(nb))


def _exponential(mt, pos, out, nthread, step, lam, nb, dbl):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _exponential_chunk(mt, t, pos[t], out, s, e, lam, _U64(nb), dbl)


def _gamma(mt, pos, out, nthread, step, alpha, beta, nb, dbl):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _gamma_chunk(mt, t, pos[t], out, s, e, alpha, beta, _U64(nb), dbl)


def _poisson(mt, pos, out, nthread, step, lam, nb):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _poisson_chunk(mt, t, pos[t], out, s, e, lam, _U64(nb))


def _negative_binomial(mt, pos, out, nthread, step, k, pr, nb):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _negbin_chunk(mt, t, pos[t], out, s, e, k, pr, _U64(nb))


def _generalized_negative_binomial(mt, pos, out, nthread, step, mu, alpha, nb, p32):
    n = _U64(out.shape[0])
    for t in prange(nthread):
        s = _U64(t) * _U64(step)
        e = min(s + _U64(step), n)
        if s < e:
            pos[t] = _gnegbin_chunk(mt, t, pos[t], out, s, e, mu, alpha, _U64(nb), p32)


def _clone(fn, suffix):
    new = _pytypes.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + suffix,
                                fn.__defaults__, fn.__closure__)
    new.__qualname__ = fn.__qualname__ + suffix
    new.__module__ = fn.__module__
    new.__doc__ = fn.__doc__
    return new


def _variants(fn):
    """(serial, parallel) dispatchers of one driver."""
    ser = njit(nogil=True, error_model="numpy")(_clone(fn, "_ser"))
    par = njit(nogil=True, parallel=True)(_clone(fn, "_par"))
    return ser, par


DRIVERS = {
    name: _variants(fn)
    for name, fn in (
        ("uniform_f32", _uniform_f32), ("uniform_f64", _uniform_f64),
        ("normal_f32", _normal_f32), ("normal_f64", _normal_f64),
        ("randint", _randint), ("exponential", _exponential),
        ("gamma", _gamma), ("poisson", _poisson),
        ("negative_binomial", _negative_binomial),
        ("generalized_negative_binomial", _generalized_negative_binomial),
    )
}


# ---------------------------------------------------------------------------
# the single generator (MXNet's kRandom resource): multinomial, shuffle
# ---------------------------------------------------------------------------
@njit(nogil=True, error_model="numpy")
def multinomial(mt, pos, probs, out, logp, want_logp):
    """MXNet's `_sample_multinomial` on the single generator (row 0).

    All `k*m` uniforms are drawn first in row-major order, then each row is a
    binary search in the float32 cumulative table of its probabilities (the
    sum is accumulated in double, as MXNet does). An index equal to the row
    length means the uniform fell above the last cumulative value.
    """
    g = _U64(0)
    p = pos[0]
    nrow, ncat = probs.shape
    m = out.shape[1]
    cum = np.empty(ncat, np.float32)
    us = np.empty(m, np.float32)
    for r in range(nrow):
        for j in range(m):
            us[j], p = _c.draw_f32(mt, g, p)
        acc = 0.0
        for c in range(ncat):
            acc += probs[r, c]
            cum[c] = _F32(acc)
        for j in range(m):
            left = 0
            right = ncat
            while right - left > 0:
                mid = left + (right - left) // 2
                if cum[mid] < us[j]:
                    left = mid + 1
                else:
                    right = mid
            out[r, j] = left
            if want_logp:
                logp[r, j] = _c.logf(_F32(probs[r, min(left, ncat - 1)]))
    pos[0] = p


@njit(nogil=True)
def _uniform_index(mt, g, p, b):
    """libstdc++ (pre-GCC 11) `uniform_int_distribution(0, b)` on MT19937."""
    if b == _U64(0xFFFFFFFF):
        y, p = _c.raw(mt, g, p)
        return _U64(y), p
    erange = b + _U64(1)
    scaling = _U64(0xFFFFFFFF) // erange
    past = erange * scaling
    while True:
        y, p = _c.raw(mt, g, p)
        if _U64(y) < past:
            return _U64(y) // scaling, p


@njit(nogil=True)
def shuffle_perm(mt, pos, perm, forward):
    """Permute `perm` in place as MXNet's `_shuffle` permutes rows.

    forward=True is `std::shuffle` (1-D input): for i = 1..n-1 swap i with a
    uniform j in [0, i]. forward=False is MXNet's own Fisher-Yates for N-d
    input: for i = n-1..1 swap i with a uniform j in [0, i].
    """
    g = _U64(0)
    p = pos[0]
    n = perm.shape[0]
    if forward:
        for i in range(1, n):
            j, p = _uniform_index(mt, g, p, _U64(i))
            tmp = perm[i]
            perm[i] = perm[j]
            perm[j] = tmp
    else:
        for i in range(n - 1, 0, -1):
            j, p = _uniform_index(mt, g, p, _U64(i))
            tmp = perm[i]
            perm[i] = perm[j]
            perm[j] = tmp
    pos[0] = p


@njit(nogil=True, error_model="numpy")
def logf_array(x, out):
    """out[i] = glibc's float32 logf(x[i]), vectorised, for positive normal x.

    Zero, subnormal, negative and non-finite inputs give unspecified values.
    """
    for i in range(_U64(0), _U64(x.shape[0])):
        out[i] = _c.logf(x[i])


@njit(nogil=True)
def raw_words(mt, pos, row, out):
    """The next `out.size` raw 32-bit outputs of generator `row` (for tests)."""
    g = _U64(row)
    p = pos[row]
    for i in range(out.shape[0]):
        out[i], p = _c.raw(mt, g, p)
    pos[row] = p
