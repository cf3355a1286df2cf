"""Reduction kernels: sum, prod, max, min, argmax, argmin (and their nan/abs/square forms).

One compiled kernel per (reducer, dtype, serial|parallel) covers any axes. This
module imports numba; `ops/reduce.py` imports it on the first reduction.

Layout. For one run of reduced axes the input is an (outer, n, inner) array.
Each outer block of n*inner contiguous elements is read as a matrix whose rows
are W = g*inner contiguous elements (g consecutive input rows per matrix row,
so that W >= LANES): column j holds elements of output k = j % inner, and the
columns accumulate independently (SIMD across j). Tasks cover fixed chunks of
matrix rows and tiles of TW columns; a second loop folds, per output, the chunk
partials and the g lanes in a fixed order, then the n % g tail rows. Chunks
depend on the shape only, never on the thread count, and nothing is compiled
with fastmath reassociation, so every run, serial or parallel on any number of
threads, computes the same operations in the same order: the same bits.

Accuracy. float32 (and float16, converted to float32 first) sums accumulate in
float64 SIMD lanes: for any n below 2**29 the float64 error is under half a
float32 ulp of sum(|x|), so the result is as good as a correctly rounded sum
in nearly every case (NumPy's pairwise float32 sum loses a few ulps). float64
sums use Kahan compensation in every lane and in the fold, so their error does
not grow with n (pairwise grows with log n). Integer sums and products wrap in
int64 and then in the output type, which equals MXNet's wrapping in the type.

Several reduced runs (axes (0, 2) of NCHW) reduce one run at a time, the last
first, through float64 (or int64) intermediates.
"""
import hashlib
import math
import os
import threading
import types

import numpy as np

from .. import __version__
from .._jit import cache_enabled, numba

_nb = numba()

TW = 1024          # columns per task: a float64 accumulator tile of 8 KiB stays in L1
LANES = 64         # independent columns (SIMD lanes) per matrix row, at least
TASK = 1 << 18     # elements per task, about: sets the fixed row chunks
FB = 2048          # outputs per task in the fold loop

# ---------------------------------------------------------------- scalar helpers
# Bound into the templates per reducer and dtype; compiled inline.


def _to_f64(v):
    return np.float64(v)


def _to_i64(v):
    return np.int64(v)


def _same(v):
    return v


def _sq_f64(v):
    w = np.float64(v)
    return w * w


def _add(a, v):
    return a + v


def _mul(a, v):
    return a * v


def _max(a, v):
    # NaN is sticky (MXNet's max of a slice with a NaN is NaN); ties keep the first.
    return v if (v > a or v != v) else a


def _min(a, v):
    return v if (v < a or v != v) else a


def _gt(v, a):
    return v > a or (v != v and a == a)


def _lt(v, a):
    return v < a or (v != v and a == a)


def _fin_float(s, div, post):
    if post == 1:
        return s / div
    if post == 2:
        return math.sqrt(s)
    return s


def _fin_int(s, div, post):
    return s


# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (ACC, INIT, LOAD, COMB, FIN, BETTER, prange are bound per kernel)
# Every template runs its tasks in blocks of `tpb` (fixed by the shape), so the
# scratch arrays are allocated once per block rather than once per task.


def reduce_rows(x, part, out, outer, n, inner, g, rows_per, tpb, div, post):
    """Reduce each contiguous row of n elements (inner == 1): 64 SIMD lanes, then a tree.

    Rows shorter than 4*LANES use 8 scalar lanes instead (the tree would dominate).
    """
    if n >= 4 * LANES:
        nrows = n // LANES
        nch = max(1, (nrows + rows_per - 1) // rows_per)
        ntasks = outer * nch
        for blk in prange((ntasks + tpb - 1) // tpb):
            # Two accumulators used in turn: with one, LLVM turns the select of max/min
            # into masked stores (vmaskmovps), several times slower on AMD.
            a = np.empty(LANES, ACC)
            a2 = np.empty(LANES, ACC)
            for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
                c = t % nch
                o = t // nch
                i0 = c * rows_per
                i1 = min(nrows, i0 + rows_per)
                for j in range(LANES):
                    a[j] = INIT
                base = o * n
                for i in range(i0, i1):
                    xv = x[base + i * LANES:base + i * LANES + LANES]
                    src, dst = (a, a2) if (i - i0) % 2 == 0 else (a2, a)
                    for j in range(LANES):
                        dst[j] = COMB(src[j], LOAD(xv[j]))
                src, dst = (a, a2) if (i1 - i0) % 2 == 0 else (a2, a)
                h = LANES // 2
                while h >= 1:
                    for j in range(h):
                        dst[j] = COMB(src[j], src[j + h])
                    src, dst = dst, src
                    h //= 2
                s = src[0]
                if nch == 1:
                    for i in range(nrows * LANES, n):
                        s = COMB(s, LOAD(x[base + i]))
                    out[o] = FIN(s, div, post)
                else:
                    part[t] = s
        if nch > 1:
            for o in prange(outer):
                s = INIT
                for c in range(nch):
                    s = COMB(s, part[o * nch + c])
                for i in range(nrows * LANES, n):
                    s = COMB(s, LOAD(x[o * n + i]))
                out[o] = FIN(s, div, post)
    else:
        m = n // 8
        for blk in prange((outer + tpb - 1) // tpb):
            for o in range(blk * tpb, min(outer, blk * tpb + tpb)):
                b = o * n
                s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = INIT
                for i in range(m):
                    p = b + 8 * i
                    s0 = COMB(s0, LOAD(x[p]))
                    s1 = COMB(s1, LOAD(x[p + 1]))
                    s2 = COMB(s2, LOAD(x[p + 2]))
                    s3 = COMB(s3, LOAD(x[p + 3]))
                    s4 = COMB(s4, LOAD(x[p + 4]))
                    s5 = COMB(s5, LOAD(x[p + 5]))
                    s6 = COMB(s6, LOAD(x[p + 6]))
                    s7 = COMB(s7, LOAD(x[p + 7]))
                s = COMB(COMB(COMB(s0, s1), COMB(s2, s3)), COMB(COMB(s4, s5), COMB(s6, s7)))
                for i in range(8 * m, n):
                    s = COMB(s, LOAD(x[b + i]))
                out[o] = FIN(s, div, post)


def reduce_plain(x, part, out, outer, n, inner, g, rows_per, tpb, div, post):
    """out[o, k] = FIN(COMB over i of LOAD(x[o, i, k])); partials in part (outer, nch, W)."""
    W = g * inner
    nrows = n // g
    nch = max(1, (nrows + rows_per - 1) // rows_per)
    ntiles = (W + TW - 1) // TW
    ntasks = outer * nch * ntiles
    direct = g == 1 and nch == 1
    for blk in prange((ntasks + tpb - 1) // tpb):
        acc = np.empty(TW, ACC)
        acc2 = np.empty(TW, ACC)
        for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
            tile = t % ntiles
            r = t // ntiles
            c = r % nch
            o = r // nch
            j0 = tile * TW
            tw = min(TW, W - j0)
            i0 = c * rows_per
            i1 = min(nrows, i0 + rows_per)
            a = acc[:tw]
            a2 = acc2[:tw]
            for j in range(tw):
                a[j] = INIT
            base = o * n * inner + j0
            for i in range(i0, i1):
                xv = x[base + i * W:base + i * W + tw]
                src, dst = (a, a2) if (i - i0) % 2 == 0 else (a2, a)  # see reduce_rows
                for j in range(tw):
                    dst[j] = COMB(src[j], LOAD(xv[j]))
            res = a if (i1 - i0) % 2 == 0 else a2
            if direct:
                ov = out[o * inner + j0:o * inner + j0 + tw]
                for j in range(tw):
                    ov[j] = FIN(res[j], div, post)
            else:
                pv = part[(o * nch + c) * W + j0:(o * nch + c) * W + j0 + tw]
                for j in range(tw):
                    pv[j] = res[j]
    if not direct:
        nkb = (inner + FB - 1) // FB
        ntail = n - nrows * g
        for t in prange(outer * nkb):
            o = t // nkb
            k0 = (t % nkb) * FB
            for k in range(k0, min(inner, k0 + FB)):
                s = INIT
                for c in range(nch):
                    pb = (o * nch + c) * W + k
                    for q in range(g):
                        s = COMB(s, part[pb + q * inner])
                tb = o * n * inner + nrows * W + k
                for i in range(ntail):
                    s = COMB(s, LOAD(x[tb + i * inner]))
                out[o * inner + k] = FIN(s, div, post)


def reduce_kahan(x, part, out, outer, n, inner, g, rows_per, tpb, div, post):
    """reduce_plain for float64 sums: Kahan-compensated lanes and fold.

    part holds the lane sums in its first half and their compensations in the second.
    """
    W = g * inner
    nrows = n // g
    nch = max(1, (nrows + rows_per - 1) // rows_per)
    ntiles = (W + TW - 1) // TW
    ntasks = outer * nch * ntiles
    direct = g == 1 and nch == 1
    half = part.shape[0] // 2
    for blk in prange((ntasks + tpb - 1) // tpb):
        acc = np.empty(TW, np.float64)
        cmp = np.empty(TW, np.float64)
        for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
            tile = t % ntiles
            r = t // ntiles
            c = r % nch
            o = r // nch
            j0 = tile * TW
            tw = min(TW, W - j0)
            i0 = c * rows_per
            i1 = min(nrows, i0 + rows_per)
            for j in range(tw):
                acc[j] = 0.0
                cmp[j] = 0.0
            base = o * n * inner + j0
            for i in range(i0, i1):
                xv = x[base + i * W:base + i * W + tw]
                for j in range(tw):
                    y = LOAD(xv[j]) - cmp[j]
                    s = acc[j] + y
                    cmp[j] = (s - acc[j]) - y
                    acc[j] = s
            if direct:
                ov = out[o * inner + j0:o * inner + j0 + tw]
                for j in range(tw):
                    ov[j] = FIN(acc[j] - cmp[j], div, post)
            else:
                pb = (o * nch + c) * W + j0
                for j in range(tw):
                    part[pb + j] = acc[j]
                    part[half + pb + j] = cmp[j]
    if not direct:
        nkb = (inner + FB - 1) // FB
        ntail = n - nrows * g
        for t in prange(outer * nkb):
            o = t // nkb
            k0 = (t % nkb) * FB
            for k in range(k0, min(inner, k0 + FB)):
                s = 0.0
                e = 0.0
                for c in range(nch):
                    pb = (o * nch + c) * W + k
                    for q in range(g):
                        y = part[pb + q * inner] - e
                        u = s + y
                        e = (u - s) - y
                        s = u
                        y = -part[half + pb + q * inner] - e
                        u = s + y
                        e = (u - s) - y
                        s = u
                tb = o * n * inner + nrows * W + k
                for i in range(ntail):
                    y = LOAD(x[tb + i * inner]) - e
                    u = s + y
                    e = (u - s) - y
                    s = u
                out[o * inner + k] = FIN(s - e, div, post)


def reduce_arg(x, part, pidx, out, outer, n, inner, g, rows_per, tpb):
    """out[o, k] = index along n of the first element BETTER than all others (NaN wins)."""
    W = g * inner
    nrows = n // g
    nch = max(1, (nrows + rows_per - 1) // rows_per)
    ntiles = (W + TW - 1) // TW
    ntasks = outer * nch * ntiles
    for blk in prange((ntasks + tpb - 1) // tpb):
        b1 = np.empty(TW, x.dtype)
        k1 = np.empty(TW, np.int64)
        b2 = np.empty(TW, x.dtype)
        k2 = np.empty(TW, np.int64)
        for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
            tile = t % ntiles
            r = t // ntiles
            c = r % nch
            o = r // nch
            j0 = tile * TW
            tw = min(TW, W - j0)
            i0 = c * rows_per
            i1 = min(nrows, i0 + rows_per)
            base = o * n * inner + j0
            pb = (o * nch + c) * W + j0
            if i0 >= i1:
                for j in range(tw):
                    pidx[pb + j] = -1
                continue
            xv = x[base + i0 * W:base + i0 * W + tw]
            for j in range(tw):
                b1[j] = xv[j]
                k1[j] = i0
            for i in range(i0 + 1, i1):
                xv = x[base + i * W:base + i * W + tw]
                # Two buffers in turn, as in reduce_rows (no masked stores).
                if (i - i0) % 2 == 1:
                    sb, si, db, di = b1, k1, b2, k2
                else:
                    sb, si, db, di = b2, k2, b1, k1
                for j in range(tw):
                    v = xv[j]
                    a = sb[j]
                    take = BETTER(v, a)
                    db[j] = v if take else a
                    di[j] = i if take else si[j]
            rb, ri = (b2, k2) if (i1 - i0) % 2 == 0 else (b1, k1)
            for j in range(tw):
                part[pb + j] = rb[j]
                pidx[pb + j] = ri[j]
    nkb = (inner + FB - 1) // FB
    ntail = n - nrows * g
    for t in prange(outer * nkb):
        o = t // nkb
        k0 = (t % nkb) * FB
        for k in range(k0, min(inner, k0 + FB)):
            b = x[o * n * inner + k]
            bk = np.int64(-1)
            for c in range(nch):
                pb = (o * nch + c) * W + k
                for q in range(g):
                    ii = pidx[pb + q * inner]
                    if ii < 0:
                        continue
                    v = part[pb + q * inner]
                    gi = ii * g + q
                    if bk < 0 or BETTER(v, b) or (
                            gi < bk and (v == b or (v != v and b != b))):
                        b = v
                        bk = gi
            tb = o * n * inner + nrows * W + k
            for i in range(ntail):
                v = x[tb + i * inner]
                if bk < 0 or BETTER(v, b):
                    b = v
                    bk = nrows * g + i
            out[o * inner + k] = bk


# ---------------------------------------------------------------- building

_inline = _nb.njit(inline="always")
_H = {f.__name__: _inline(f) for f in (
    _to_f64, _to_i64, _same, _sq_f64, _add, _mul, _max, _min, _gt, _lt, _fin_float, _fin_int)}

_SUMS = ("sum", "ssq")
_LATER = {"sum": "sum", "ssq": "sum", "prod": "prod", "max": "max", "min": "min"}
# Rare forms run as a NumPy map plus a kernel: fewer kernels to compile (each costs ~1 s).
_PREMAP = {
    "nansum": ("sum", lambda x: np.where(x == x, x, np.zeros((), x.dtype))),
    "nanprod": ("prod", lambda x: np.where(x == x, x, np.ones((), x.dtype))),
    "asum": ("sum", np.abs),
}


def acc_dtype(kind, dtype):
    """The type a reducer accumulates in (its intermediates between passes)."""
    if kind in ("max", "min"):
        return np.dtype(dtype)
    return np.dtype(np.float64 if np.dtype(dtype).kind == "f" else np.int64)


def _bindings(kind, dtype):
    """(templates that apply, globals) for reducer `kind` on storage dtype `dtype`."""
    dt = np.dtype(dtype)
    is_f = dt.kind == "f"
    h = _H
    if kind in ("argmax", "argmin"):
        return {"BETTER": h["_gt"] if kind == "argmax" else h["_lt"]}
    if kind in ("max", "min"):
        if is_f:
            init = dt.type(-np.inf if kind == "max" else np.inf)
        else:
            info = np.iinfo(dt)
            init = dt.type(info.min if kind == "max" else info.max)
        return {"ACC": dt.type, "INIT": init, "LOAD": h["_same"], "COMB": h["_" + kind],
                "FIN": h["_fin_float"] if is_f else h["_fin_int"]}
    if not is_f:
        prod = kind == "prod"
        return {"ACC": np.int64, "INIT": np.int64(1 if prod else 0), "LOAD": h["_to_i64"],
                "COMB": h["_mul"] if prod else h["_add"], "FIN": h["_fin_int"]}
    if kind == "prod":
        return {"ACC": np.float64, "INIT": np.float64(1.0), "LOAD": h["_to_f64"],
                "COMB": h["_mul"], "FIN": h["_fin_float"]}
    return {"ACC": np.float64, "INIT": np.float64(0.0),
            "LOAD": h["_sq_f64"] if kind == "ssq" else h["_to_f64"], "COMB": h["_add"],
            "FIN": h["_fin_float"]}


def template(kind, dtype, inner):
    """The template for a pass: argmax/argmin, Kahan for float64 sums, rows when inner == 1."""
    if kind in ("argmax", "argmin"):
        return reduce_arg
    if kind in _SUMS and np.dtype(dtype) == np.float64:
        return reduce_kahan
    return reduce_rows if inner == 1 else reduce_plain


def _digest():
    with open(__file__, "rb") as f:
        return hashlib.sha1(f.read() + __version__.encode()).hexdigest()[:10]


_HASH = _digest()
_kernels = {}
_lock = threading.Lock()


def kernel(tmpl, kind, dtype, variant):
    """The compiled kernel for (template, reducer, storage dtype, 'ser'|'par'), built once."""
    key = (tmpl, kind, np.dtype(dtype).char, variant)
    k = _kernels.get(key)
    if k is None:
        with _lock:
            k = _kernels.get(key)
            if k is None:
                k = _build(tmpl, kind, np.dtype(dtype), variant)
                _kernels[key] = k
    return k


def _build(tmpl, kind, dtype, variant):
    g = {"__name__": __name__, "__builtins__": __builtins__, "np": np, "math": math,
         "prange": _nb.prange, "min": min, "max": max, "TW": TW, "FB": FB, "LANES": LANES}
    g.update(_bindings(kind, dtype))
    name = f"{tmpl.__name__}_{kind}_{variant}_{dtype.name}_{_HASH}"
    fn = types.FunctionType(tmpl.__code__, g, name, None, None)
    fn.__qualname__ = name
    fn.__module__ = __name__
    # No fastmath: reassociation would let LLVM reorder the sums (and undo Kahan); the
    # lanes vectorise without it, since they are independent.
    return _nb.njit(cache=cache_enabled(), error_model="numpy", boundscheck=False,
                    nogil=True, parallel=(variant == "par"))(fn)


# ---------------------------------------------------------------- driver

_B = []


def _builder():
    if not _B:
        from . import builder

        _B.append(builder)
    return _B[0]


class _Pass:
    """One (outer, n, inner) reduction: its fixed geometry and scratch sizes."""

    __slots__ = ("outer", "n", "inner", "g", "rows_per", "tpb", "plen", "size")

    def __init__(self, outer, n, inner, tmpl):
        self.outer, self.n, self.inner = outer, n, inner
        if tmpl is reduce_rows:
            g = 1
            if n >= 4 * LANES:
                nrows = n // LANES
                rows_per = max(1, TASK // LANES)
                nch = -(-nrows // rows_per)
                task = min(rows_per, nrows) * LANES
                plen = outer * nch if nch > 1 else 0
            else:
                rows_per, task, plen = 1, max(1, n), 0
        else:
            g = 1 if inner >= LANES else max(1, min(-(-LANES // inner), n // 4))
            W = g * inner
            nrows = n // g
            rows_per = max(1, TASK // min(TW, W))
            nch = max(1, -(-nrows // rows_per))
            task = max(1, min(rows_per, nrows) * min(TW, W))
            direct = g == 1 and nch == 1 and tmpl is not reduce_arg
            plen = 0 if direct else outer * nch * W
            if tmpl is reduce_kahan:
                plen *= 2
        self.g, self.rows_per, self.tpb, self.plen = g, rows_per, max(1, TASK // task), plen
        self.size = outer * n * inner


def _plan(shape, axes):
    """The passes reducing `shape` over `axes`: one per run of reduced axes, last run first."""
    runs = groups(shape, axes)
    size = math.prod(shape)
    if not any(r for _, r in runs):
        return [(size, 1, 1)]
    sizes = [s for s, _ in runs]
    reds = [r for _, r in runs]
    passes = []
    while True:
        p = max(i for i, r in enumerate(reds) if r)
        passes.append((math.prod(sizes[:p]), sizes[p], math.prod(sizes[p + 1:])))
        if not any(reds[:p]):
            return passes
        del sizes[p], reds[p]
        if 0 < p < len(sizes) and not reds[p - 1] and not reds[p]:
            sizes[p - 1] *= sizes.pop(p)
            reds.pop(p)


_plans = {}


def plan(shape, axes):
    key = (shape, axes)
    p = _plans.get(key)
    if p is None:
        p = _plan(shape, axes)
        if len(_plans) > 4096:
            _plans.clear()
        _plans[key] = p
    return p


def groups(shape, axes):
    """Compact `shape` to alternating runs [[size, reduced], ...]; size-1 dims drop out."""
    out = []
    for d, s in enumerate(shape):
        if s == 1:
            continue
        red = d in axes
        if out and out[-1][1] == red:
            out[-1][0] *= s
        else:
            out.append([s, red])
    return out


class _Step:
    """One pass of a reduction, with everything a call needs resolved once per shape."""

    __slots__ = ("kind", "dtype", "tmpl", "ps", "pdtype", "dst_dtype", "ser", "par")

    def __init__(self, kind, dtype, outer, n, inner, last):
        self.kind, self.dtype = kind, np.dtype(dtype)
        self.tmpl = template(kind, dtype, inner)
        self.ps = _Pass(outer, n, inner, self.tmpl)
        self.pdtype = self.dtype if self.tmpl is reduce_arg else acc_dtype(kind, dtype)
        self.dst_dtype = None if last else acc_dtype(kind, dtype)
        self.ser = kernel(self.tmpl, kind, dtype, "ser")
        self.par = None

    def run(self, x, dst, div, post):
        ps = self.ps
        if self.tmpl is reduce_arg:
            args = (x, np.empty(ps.plen, self.pdtype), np.empty(ps.plen, np.int64), dst, ps.outer,
                    ps.n, ps.inner, ps.g, ps.rows_per, ps.tpb)
        else:
            args = (x, np.empty(ps.plen, self.pdtype), dst, ps.outer, ps.n, ps.inner, ps.g,
                    ps.rows_per, ps.tpb, div, post)
        b = _B[0] if _B else _builder()
        if b.use_parallel(ps.size, 1):
            if self.par is None:
                self.par = kernel(self.tmpl, self.kind, self.dtype, "par")
            b.run_parallel(self.par, self.ser, *args)
        else:
            self.ser(*args)


_steps = {}


def _make_steps(kind, dtype, shape, axes):
    passes = plan(shape, axes)
    steps = []
    for i, (outer, n, inner) in enumerate(passes):
        st = _Step(kind, dtype, outer, n, inner, i == len(passes) - 1)
        steps.append(st)
        dtype = st.dst_dtype
        kind = _LATER.get(kind, kind)
    return steps


def reduce(kind, x, axes, out, div=1.0, post=0):
    """Reduce C-contiguous `x` over `axes` into `out` (any shape of the kept size), in place.

    kind: sum, nansum, asum (sum of |x|), ssq (sum of squares), prod, nanprod, max, min,
    argmax, argmin (int64 `out`, indices along the one reduced run). post=1 divides the
    float result by `div` (mean), post=2 takes its square root (L2 norm).

    >>> out = np.empty(3, np.float32)
    >>> reduce("sum", np.ones((2, 3), np.float32), (0,), out); out
    array([2., 2., 2.], dtype=float32)
    """
    key = (kind, x.dtype.char, x.shape, axes)
    steps = _steps.get(key)
    if steps is None:
        if x.size == 0:
            raise ValueError("reduce: zero-size input")
        if kind in _PREMAP:
            kind, fn = _PREMAP[kind]
            return reduce(kind, fn(x), axes, out, div, post)
        if x.dtype == np.float16:
            x = x.astype(np.float32)
            if kind in ("argmax", "argmin"):
                return reduce(kind, x, axes, out)
            # float64 result rounded once to float16 (float32 first would round twice)
            tmp = np.empty(out.shape, np.float32 if kind in ("max", "min") else np.float64)
            reduce(kind, x, axes, tmp, div, post)
            np.copyto(out, tmp, casting="unsafe")
            return out
        if len(_steps) > 4096:
            _steps.clear()
        steps = _steps[key] = _make_steps(kind, x.dtype, x.shape, axes)
    cur = x.reshape(-1)
    if len(steps) == 1:
        steps[0].run(cur, out.reshape(-1), div, post)
        return out
    for st in steps:
        dst = out.reshape(-1) if st.dst_dtype is None else np.empty(
            st.ps.outer * st.ps.inner, st.dst_dtype)
        last = st.dst_dtype is None
        st.run(cur, dst, div if last else 1.0, post if last else 0)
        cur = dst
    return out
