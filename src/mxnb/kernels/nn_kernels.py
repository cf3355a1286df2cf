"""Numba kernels of the nn ops: softmax / log_softmax, and the normalisation statistics.

Imported lazily (it imports numba), by the ops on their first call. Kernels are
templates compiled per (dtype, serial|parallel) with the dtype's math bound as
globals, like the elementwise kernels (`builder.py`): the qualname carries a
hash of this file and of the math helpers, so numba's on-disk cache never
serves a stale kernel. One dispatcher per (kernel, variant, dtype) keeps each
at one signature.

Layout: an op reduces over one axis of a C-contiguous array seen as
(outer, n, inner); the kernels take flat 1-D buffers and those three sizes.
With inner == 1 (the last axis) each row is contiguous; otherwise a task
handles a block of up to `BLK` adjacent inner columns, so the loops over a
block are elementwise and vectorise.

Reductions (sums, dot products) are separate small functions compiled with
`reassoc` so they vectorise; the kernels that call them are compiled without
it, because the float32 `exp` helper relies on exact IEEE arithmetic.
"""
# ruff: noqa: F821  (T, EXP, LOG, EXPX, LOGX, RSUM, RDOT, SMSUM, SMDOT, SMDIV, DIVX, prange:
# bound per dtype)
import math
import sys
import types

import numpy as np

from .._jit import cache_enabled, numba
from . import builder

_nb = numba()
_REDUCE_OPTS = dict(cache=cache_enabled(), fastmath={"reassoc", "nsz", "contract"},
                    error_model="numpy", boundscheck=False, nogil=True)
BLK = 64  # inner columns per task when the reduced axis is not the last


@_nb.njit(**_REDUCE_OPTS)
def rsum(x):
    """Sum of a 1-D array, vectorised (reassociated)."""
    s = x[0]
    for i in range(1, x.shape[0]):
        s += x[i]
    return s


@_nb.njit(**_REDUCE_OPTS)
def rdot(a, b):
    """Dot product of two 1-D arrays, vectorised (reassociated)."""
    s = a[0] * b[0]
    for i in range(1, a.shape[0]):
        s += a[i] * b[i]
    return s


@_nb.njit(**_REDUCE_OPTS)
def rsqdev(x, mu):
    """Sum of (x - mu)^2."""
    s = (x[0] - mu) * (x[0] - mu)
    for i in range(1, x.shape[0]):
        d = x[i] - mu
        s += d * d
    return s


@_nb.njit(**_REDUCE_OPTS)
def rdotdev(a, x, mu):
    """Sum of a * (x - mu)."""
    s = a[0] * (x[0] - mu)
    for i in range(1, a.shape[0]):
        s += a[i] * (x[i] - mu)
    return s


@_nb.njit(**_REDUCE_OPTS)
def rdot3dev(a, b, x, mu):
    """Sum of a * b * (x - mu)."""
    s = a[0] * b[0] * (x[0] - mu)
    for i in range(1, a.shape[0]):
        s += a[i] * b[i] * (x[i] - mu)
    return s


@_nb.njit(cache=cache_enabled(), error_model="numpy", boundscheck=False, nogil=True)
def seqsum(x):
    """Sum of a 1-D array in index order, each add rounded (MXNet's float64 softmax sum)."""
    s = x[0]
    for i in range(1, x.shape[0]):
        s += x[i]
    return s


@_nb.njit(cache=cache_enabled(), error_model="numpy", boundscheck=False, nogil=True)
def seqdot(a, b):
    """Dot product in index order, no fused multiply-adds (MXNet's float64 softmax backward)."""
    s = a[0] * b[0]
    for i in range(1, a.shape[0]):
        s += a[i] * b[i]
    return s


# ---------------------------------------------------------------- compiling

_kernels = {}
# templates that reproduce MXNet's arithmetic step by step: no fused multiply-adds in any dtype
EXACT = frozenset({"ln_fwd_mx", "bn_stats_mx", "bn_apply_mx", "bn_sums_mx", "bn_dx_mx",
                   "softmax_fwd", "softmax_bwd"})


def _math(dtype):
    """EXP/LOG for one dtype: a vectorisable polynomial for float32 where mxnb has one."""
    env = {"T": dtype.type, "EXP": math.exp, "LOG": math.log, "SQRT": math.sqrt, "RSUM": rsum,
           "RDOT": rdot, "RSQDEV": rsqdev, "RDOTDEV": rdotdev, "RDOT3DEV": rdot3dev, "BLK": BLK,
           "np": np, "min": min, "max": max, "U": np.uint64, "SMSUM": rsum, "SMDOT": rdot,
           "SMDIV": False}
    if dtype == np.float64:
        # softmax in float64 as MXNet computes it: the row sum in order, then a division per
        # element (float32 keeps the vectorised sum and one reciprocal: MXNet's float32 softmax
        # runs in oneDNN, whose bits no order reproduces).
        env["SMSUM"] = seqsum
        env["SMDOT"] = seqdot
        env["SMDIV"] = True
    if dtype == np.float32:
        try:
            from .fastmath import exp_f32, log_f32
        except ImportError:
            pass
        else:
            env["EXP"] = _nb.njit(inline="always")(exp_f32)
            env["LOG"] = _nb.njit(inline="always")(log_f32)
    # softmax over an axis that is not the last: MXNet's own kernel (its oneDNN softmax takes
    # the last axis only), whose float32 arithmetic is reproducible: glibc's expf and logf, the
    # sum in order in float32 (as the loop below runs it), a division per element
    env.update(EXPX=env["EXP"], LOGX=env["LOG"], DIVX=env["SMDIV"])
    if dtype == np.float32 and not builder.FAST_MATH:
        g = builder._glibc_f32()
        env.update(EXPX=g["exp"], LOGX=g["log"], DIVX=True)
    return env


def kernel(template, dtype, parallel):
    """The compiled `template` for float `dtype`, serial or parallel (built once per process)."""
    dtype = np.dtype(dtype)
    key = (template.__name__, dtype.char, parallel)
    return builder.built_once(_kernels, key, lambda: _compile(template, dtype, parallel))


def _compile(template, dtype, parallel):
    g = {"__builtins__": __builtins__, "prange": _nb.prange}
    g.update(_math(dtype))
    variant = "par" if parallel else "ser"
    qual = f"nn_{template.__name__}_{variant}_{dtype.name}_{builder._source_hash(template)}"
    # Helpers a template module lists in HELPERS are compiled with the same bindings.
    for name, helper in getattr(sys.modules[template.__module__], "HELPERS", {}).items():
        h = types.FunctionType(helper.__code__, g, f"{qual}_{name}", None, None)
        h.__qualname__ = f"{qual}_{name}"
        g[name] = _nb.njit(inline="always")(h)
    fn = types.FunctionType(template.__code__, g, qual, None, None)
    fn.__qualname__ = qual
    fn.__module__ = __name__
    # float64 kernels keep each multiply and add rounded apart, as MXNet's CPU build does, and
    # so do the templates that reproduce MXNet's float32 bits (EXACT).
    fused = dtype != np.float64 and template.__name__ not in EXACT
    opts = dict(cache=cache_enabled(), fastmath={"contract"} if fused else False,
                error_model="numpy", boundscheck=False, nogil=True)
    if parallel:
        opts["parallel"] = True
    return _nb.njit(**opts)(fn)


def run(template, n_work, cost, dtype, *args):
    """Run `template` serially or in parallel, chosen from the work size like elementwise ops."""
    builder.run_sized(lambda par: kernel(template, dtype, par), n_work, cost, *args)


# ---------------------------------------------------------------- softmax templates


def softmax_fwd(x, out, outer, n, inner, invt, logmode):
    """out = softmax((x - max) * invt) over n (log_softmax when logmode), per (outer, inner).

    Over a leading axis (inner > 1) as MXNet's own kernel: (x - max) / temperature."""
    c = T(invt)
    tt = T(1.0 / invt)
    if inner == 1:
        for r in prange(outer):
            row = x[r * n:(r + 1) * n]
            orow = out[r * n:(r + 1) * n]
            m = row[0]
            for j in range(n):
                v = row[j]
                m = v if v > m else m
            for j in range(n):
                orow[j] = EXP((row[j] - m) * c)
            s = SMSUM(orow)
            if logmode:
                ls = LOG(s)
                for j in range(n):
                    orow[j] = (row[j] - m) * c - ls
            elif SMDIV:
                for j in range(n):
                    orow[j] = orow[j] / s
            else:
                rs = T(1) / s
                for j in range(n):
                    orow[j] = orow[j] * rs
        return
    nblk = (inner + BLK - 1) // BLK
    for t in prange(outer * nblk):
        base = (t // nblk) * n * inner
        b0 = (t % nblk) * BLK
        w = min(BLK, inner - b0)
        m = np.empty(w, x.dtype)
        s = np.zeros(w, x.dtype)
        first = x[base + b0:base + b0 + w]
        for k in range(w):
            m[k] = first[k]
        for j in range(n):
            xr = x[base + j * inner + b0:base + j * inner + b0 + w]
            for k in range(w):
                v = xr[k]
                m[k] = v if v > m[k] else m[k]
        for j in range(n):
            o = base + j * inner + b0
            xr = x[o:o + w]
            orow = out[o:o + w]
            for k in range(w):
                e = EXPX((xr[k] - m[k]) / tt)
                orow[k] = e
                s[k] += e
        if logmode:
            for k in range(w):
                s[k] = LOGX(s[k])
            for j in range(n):
                o = base + j * inner + b0
                xr = x[o:o + w]
                orow = out[o:o + w]
                for k in range(w):
                    orow[k] = (xr[k] - m[k]) / tt - s[k]
        elif DIVX:
            for j in range(n):
                orow = out[base + j * inner + b0:base + j * inner + b0 + w]
                for k in range(w):
                    orow[k] = orow[k] / s[k]
        else:
            for k in range(w):
                s[k] = T(1) / s[k]
            for j in range(n):
                orow = out[base + j * inner + b0:base + j * inner + b0 + w]
                for k in range(w):
                    orow[k] = orow[k] * s[k]


def softmax_bwd(dy, y, dx, outer, n, inner, invt, logmode):
    """dx of softmax (y * (dy - sum(dy y))) or log_softmax (dy - exp(y) sum(dy)), times invt.

    Over a leading axis (inner > 1) as MXNet's own kernel: the sum in order, then / temperature."""
    c = T(invt)
    tt = T(1.0 / invt)
    if inner == 1:
        for r in prange(outer):
            g = dy[r * n:(r + 1) * n]
            yr = y[r * n:(r + 1) * n]
            d = dx[r * n:(r + 1) * n]
            if logmode:
                s = SMSUM(g)
                for j in range(n):
                    d[j] = (g[j] - EXP(yr[j]) * s) * c
            else:
                s = SMDOT(g, yr)
                for j in range(n):
                    d[j] = yr[j] * (g[j] - s) * c
        return
    nblk = (inner + BLK - 1) // BLK
    for t in prange(outer * nblk):
        base = (t // nblk) * n * inner
        b0 = (t % nblk) * BLK
        w = min(BLK, inner - b0)
        s = np.zeros(w, dy.dtype)
        for j in range(n):
            o = base + j * inner + b0
            g = dy[o:o + w]
            yr = y[o:o + w]
            if logmode:
                for k in range(w):
                    s[k] += g[k]
            else:
                for k in range(w):
                    s[k] += g[k] * yr[k]
        for j in range(n):
            o = base + j * inner + b0
            g = dy[o:o + w]
            yr = y[o:o + w]
            d = dx[o:o + w]
            if logmode:
                for k in range(w):
                    d[k] = (g[k] - EXPX(yr[k]) * s[k]) / tt
            else:
                for k in range(w):
                    d[k] = yr[k] * (g[k] - s[k]) / tt


# ---------------------------------------------------------------- BatchNorm: per-channel passes
# x is seen as (outer, C, inner); channel c's elements are the rows (o, c) of length inner.
# With inner == 1 (channels last) the loops run over blocks of channels instead, so they
# stay contiguous and vectorise.


def bn_stats(x, outer, C, inner, mean, var):
    """Per-channel mean and biased variance (two passes, float64 accumulation across rows)."""
    m = outer * inner
    if inner == 1:
        nblk = (C + BLK - 1) // BLK
        for t in prange(nblk):
            c0 = t * BLK
            w = min(BLK, C - c0)
            acc = np.zeros(w, np.float64)
            for o in range(outer):
                row = x[o * C + c0:o * C + c0 + w]
                for k in range(w):
                    acc[k] += row[k]
            for k in range(w):
                mean[c0 + k] = acc[k] / m
                acc[k] = 0.0
            mu = mean[c0:c0 + w]
            for o in range(outer):
                row = x[o * C + c0:o * C + c0 + w]
                for k in range(w):
                    d = row[k] - mu[k]
                    acc[k] += d * d
            for k in range(w):
                var[c0 + k] = acc[k] / m
        return
    for c in prange(C):
        s = 0.0
        for o in range(outer):
            s += RSUM(x[(o * C + c) * inner:(o * C + c + 1) * inner])
        mu = s / m
        mean[c] = mu
        mt = T(mean[c])
        s = 0.0
        for o in range(outer):
            s += RSQDEV(x[(o * C + c) * inner:(o * C + c + 1) * inner], mt)
        var[c] = s / m


def bn_stats_mx(x, outer, C, inner, mean, var):
    """MXNet's per-channel mean and biased variance: sums in order over (outer, inner) in T,
    each divided by the count in T (one task per channel, so the order is kept)."""
    n = T(outer * inner)
    for c in prange(C):
        s = T(0)
        for o in range(outer):
            b = (o * C + c) * inner
            for i in range(inner):
                s += x[b + i]
        mu = T(s / n)
        q = T(0)
        for o in range(outer):
            b = (o * C + c) * inner
            for i in range(inner):
                d = x[b + i] - mu
                q += d * d
        mean[c] = mu
        var[c] = T(q / n)


def bn_apply_mx(x, y, outer, C, inner, mean, a, w, beta, own):
    """y = (x - mean) * a + beta per channel (oneDNN's float32 form, a = gamma / sd), or with
    `own` MXNet's ((x - mean) * a) * w + beta (a = inverse std, w = gamma)."""
    for c in prange(C):
        mu, ac, wc, bc = mean[c], a[c], w[c], beta[c]
        for o in range(outer):
            b = (o * C + c) * inner
            if own:
                for i in range(inner):
                    y[b + i] = (x[b + i] - mu) * ac * wc + bc
            else:
                for i in range(inner):
                    y[b + i] = (x[b + i] - mu) * ac + bc


def bn_sums_mx(dy, x, outer, C, inner, mean, sdy, dot):
    """Per channel, in order in T: sum(dy) and sum((x - mean) * dy)."""
    for c in prange(C):
        mu = mean[c]
        s = T(0)
        d = T(0)
        for o in range(outer):
            b = (o * C + c) * inner
            for i in range(inner):
                g = dy[b + i]
                s += g
                d += (x[b + i] - mu) * g
        sdy[c] = s
        dot[c] = d


def bn_dx_mx(dy, x, dx, outer, C, inner, mean, A, B, S, E, n, mode):
    """dx of MXNet's BatchNorm, per channel constants: mode 0 (oneDNN, float32 training)
    (dy - (A + (x - mean) * B * S / n)) * E; mode 1 (MXNet's own training)
    ((dy - A) - (x - mean) * B) * E; mode 2 dy * E."""
    nt = T(n)
    for c in prange(C):
        mu, ac, bc, sc, ec = mean[c], A[c], B[c], S[c], E[c]
        for o in range(outer):
            b = (o * C + c) * inner
            if mode == 0:
                for i in range(inner):
                    dx[b + i] = (dy[b + i] - (ac + (x[b + i] - mu) * bc * sc / nt)) * ec
            elif mode == 1:
                for i in range(inner):
                    dx[b + i] = ((dy[b + i] - ac) - (x[b + i] - mu) * bc) * ec
            else:
                for i in range(inner):
                    dx[b + i] = dy[b + i] * ec


def bn_grad_sums(dy, x, outer, C, inner, mean, sdy, sdyx):
    """Per channel: sum(dy) and sum(dy * (x - mean))."""
    if inner == 1:
        nblk = (C + BLK - 1) // BLK
        for t in prange(nblk):
            c0 = t * BLK
            w = min(BLK, C - c0)
            a = np.zeros(w, np.float64)
            b = np.zeros(w, np.float64)
            mu = mean[c0:c0 + w]
            for o in range(outer):
                g = dy[o * C + c0:o * C + c0 + w]
                row = x[o * C + c0:o * C + c0 + w]
                for k in range(w):
                    a[k] += g[k]
                    b[k] += g[k] * (row[k] - mu[k])
            for k in range(w):
                sdy[c0 + k] = a[k]
                sdyx[c0 + k] = b[k]
        return
    for c in prange(C):
        a = 0.0
        b = 0.0
        mt = T(mean[c])
        for o in range(outer):
            lo = (o * C + c) * inner
            a += RSUM(dy[lo:lo + inner])
            b += RDOTDEV(dy[lo:lo + inner], x[lo:lo + inner], mt)
        sdy[c] = a
        sdyx[c] = b


def chan_affine(x, out, outer, C, inner, A, B):
    """out = x * A[c] + B[c] per channel c."""
    if inner == 1:
        for o in prange(outer):
            row = x[o * C:(o + 1) * C]
            orow = out[o * C:(o + 1) * C]
            for c in range(C):
                orow[c] = row[c] * A[c] + B[c]
        return
    for r in prange(outer * C):
        c = r % C
        a = A[c]
        b = B[c]
        row = x[r * inner:(r + 1) * inner]
        orow = out[r * inner:(r + 1) * inner]
        for i in range(inner):
            orow[i] = row[i] * a + b


def chan_affine2(dy, x, out, outer, C, inner, A, B, D):
    """out = dy * A[c] + x * B[c] + D[c] per channel c (BatchNorm's input gradient)."""
    if inner == 1:
        for o in prange(outer):
            g = dy[o * C:(o + 1) * C]
            row = x[o * C:(o + 1) * C]
            orow = out[o * C:(o + 1) * C]
            for c in range(C):
                orow[c] = g[c] * A[c] + row[c] * B[c] + D[c]
        return
    for r in prange(outer * C):
        c = r % C
        a = A[c]
        b = B[c]
        d = D[c]
        g = dy[r * inner:(r + 1) * inner]
        row = x[r * inner:(r + 1) * inner]
        orow = out[r * inner:(r + 1) * inner]
        for i in range(inner):
            orow[i] = g[i] * a + row[i] * b + d


# ---------------------------------------------------------------- LayerNorm over rows


def ln_fwd(x, out, rows, n, gamma, beta, eps, mean, std):
    """Normalise each row of n: out = (x - mean) / std * gamma + beta, std = sqrt(var + eps)."""
    for r in prange(rows):
        row = x[r * n:(r + 1) * n]
        orow = out[r * n:(r + 1) * n]
        mu = T(RSUM(row) / T(n))
        sd = T(SQRT(RSQDEV(row, mu) / T(n) + T(eps)))
        inv = T(1) / sd
        for j in range(n):
            orow[j] = (row[j] - mu) * inv * gamma[j] + beta[j]
        mean[r] = mu
        std[r] = sd


def ln_fwd_mx(x, out, rows, n, gamma, beta, eps, mean, std):
    """MXNet's CPU LayerNorm over the last axis (LayerNormCPUKernel), bit for bit: each row's
    sum and sum of squared deviations in order in T, std = sqrt(sq / n + eps), and
    out = (x - mean) * gamma / std + beta evaluated left to right."""
    for r in prange(rows):
        row = x[r * n:(r + 1) * n]
        orow = out[r * n:(r + 1) * n]
        s = T(0)
        for j in range(n):
            s += row[j]
        mu = T(s / T(n))
        q = T(0)
        for j in range(n):
            d = row[j] - mu
            q += d * d
        sd = T(SQRT(T(q / T(n)) + T(eps)))
        for j in range(n):
            orow[j] = (row[j] - mu) * gamma[j] / sd + beta[j]
        mean[r] = mu
        std[r] = sd


def ln_bwd(dy, x, dx, gx, rows, n, gamma, mean, std):
    """dx of LayerNorm per row; gx = dy * xhat (summed over rows by the caller for d gamma)."""
    for r in prange(rows):
        g = dy[r * n:(r + 1) * n]
        row = x[r * n:(r + 1) * n]
        d = dx[r * n:(r + 1) * n]
        gxr = gx[r * n:(r + 1) * n]
        mu = mean[r]
        inv = T(1) / std[r]
        s1 = RDOT(g, gamma) / T(n)
        s2 = RDOT3DEV(g, gamma, row, mu) * inv / T(n)
        for j in range(n):
            xh = (row[j] - mu) * inv
            d[j] = inv * (g[j] * gamma[j] - s1 - xh * s2)
            gxr[j] = g[j] * xh


# ---------------------------------------------------------------- Embedding


def scatter_rows(idx, g, dw):
    """dw[idx[i]] += g[i] for every row i (serial: indices may repeat)."""
    d = g.shape[1]
    for i in range(idx.shape[0]):
        dst = dw[idx[i]]
        src = g[i]
        for j in range(d):
            dst[j] += src[j]


# ---------------------------------------------------------------- softmax with a length mask


def softmax_len_fwd(x, length, out, outer, n, inner, invt):
    """Softmax over the first length[r] entries along n of each (outer, inner) row; 0 after.

    `length` is int64, one entry per row (row r = o * inner + i), already clipped to [0, n].
    Rows of length 0 are all zeros, as in MXNet's use_length=True.
    """
    c = T(invt)
    if inner == 1:
        for r in prange(outer):
            L = length[r]
            row = x[r * n:(r + 1) * n]
            orow = out[r * n:(r + 1) * n]
            for j in range(L, n):
                orow[j] = T(0)
            if L == 0:
                continue
            m = row[0]
            for j in range(1, L):
                v = row[j]
                m = v if v > m else m
            for j in range(L):
                orow[j] = EXP((row[j] - m) * c)
            if SMDIV:
                sl = SMSUM(orow[:L])
                for j in range(L):
                    orow[j] = orow[j] / sl
                continue
            rs = T(1) / RSUM(orow[:L])
            for j in range(L):
                orow[j] = orow[j] * rs
        return
    nblk = (inner + BLK - 1) // BLK
    for t in prange(outer * nblk):
        o = t // nblk
        base = o * n * inner
        b0 = (t % nblk) * BLK
        w = min(BLK, inner - b0)
        lens = length[o * inner + b0:o * inner + b0 + w]
        m = np.empty(w, x.dtype)
        s = np.zeros(w, x.dtype)
        first = x[base + b0:base + b0 + w]
        for k in range(w):
            m[k] = first[k]
        for j in range(1, n):
            xr = x[base + j * inner + b0:base + j * inner + b0 + w]
            for k in range(w):
                v = xr[k]
                if j < lens[k] and v > m[k]:
                    m[k] = v
        for j in range(n):
            o0 = base + j * inner + b0
            xr = x[o0:o0 + w]
            orow = out[o0:o0 + w]
            for k in range(w):
                if j < lens[k]:
                    e = EXP((xr[k] - m[k]) * c)
                    orow[k] = e
                    s[k] += e
                else:
                    orow[k] = T(0)
        if SMDIV:
            for j in range(n):
                orow = out[base + j * inner + b0:base + j * inner + b0 + w]
                for k in range(w):
                    if j < lens[k]:
                        orow[k] = orow[k] / s[k]
            continue
        for k in range(w):
            s[k] = T(1) / s[k] if lens[k] > 0 else T(0)
        for j in range(n):
            orow = out[base + j * inner + b0:base + j * inner + b0 + w]
            for k in range(w):
                orow[k] = orow[k] * s[k]
