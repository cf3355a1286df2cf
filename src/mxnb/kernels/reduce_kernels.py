"""Reduction kernels: sum, prod, max, min, argmax, argmin and the sum of squares.

One compiled kernel per (template, reducer, dtype, serial|parallel) covers any
axes; float16 runs the float32 kernels, the other integer types the int64 ones,
and nansum, nanprod and the L1 norm map in NumPy first, so few kernels ever
compile (each costs about a second). This module imports numba; `ops/reduce.py`
imports it on the first reduction.

Layout. For one run of reduced axes the input is an (outer, n, inner) array.
`reduce_rows` handles inner == 1: 64 SIMD lanes across each row, then a fixed
tree. The other templates read each outer block of n*inner contiguous elements
as a matrix whose rows are W = g*inner elements (g input rows per matrix row,
so that short inner dims still fill SIMD lanes): column j accumulates output
j % inner, independently of the others, over fixed chunks of rows and tiles of
columns; a fold then combines, per output, the chunk partials and the g lane
groups in a fixed order, then the n % g tail rows. Chunks depend on the shape
only, never on the thread count, and nothing is compiled with fastmath
reassociation, so every run, serial or parallel on any number of threads,
performs the same operations in the same order: the same bits.

Accuracy. float32 sums over the last axis accumulate in float64 lanes (under
half a float32 ulp of sum(|x|) for any n below 2**29); over other axes in
float32 partials of 8 rows added into float64 (NumPy's column sum is a plain
float32 running sum). float64 sums use Kahan compensation in every lane and in
the fold: the error does not grow with n (pairwise grows with log n). Integer
sums and products wrap in int64 and then in the output type, which equals
MXNet's wrapping in the type.

Several reduced runs (axes (0, 2) of NCHW) reduce one run at a time, the last
first, through float64 (or int64) intermediates. argmax/argmin over the last
axis take the max/min from `reduce_rows`, then scan for its first position.
"""
import hashlib
import math
import types

import numpy as np

from .. import __version__
from .._jit import cache_enabled, numba
from . import builder
from . import reduce_templates as _t
from .reduce_templates import (FB, LANES, TW, first_rows, reduce_arg, reduce_cols32,
                               reduce_kahan, reduce_plain, reduce_rows)

_nb = numba()

PAR_TASKS = 16        # a shape is split into at least this many tasks when it is big enough
MIN_TASK = 1 << 15    # and no task is smaller than this many elements

# ---------------------------------------------------------------- building

_inline = _nb.njit(inline="always")
_H = {n: _inline(getattr(_t, n)) for n in (
    "_to_f64", "_to_i64", "_same", "_sq_f64", "_add", "_mul", "_max", "_min", "_gt", "_lt",
    "_fin_float", "_fin_int")}

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
    """The globals a template is compiled with for reducer `kind` on storage dtype `dtype`."""
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
                "SELECT": True,
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
    if inner == 1:
        return reduce_rows
    return reduce_cols32 if kind == "sum" and np.dtype(dtype) == np.float32 else reduce_plain


def _digest():
    """Hash of both source files and the version: numba's cache only checks a file's stamp."""
    h = hashlib.sha1(__version__.encode())
    for path in (__file__, _t.__file__):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:10]


_HASH = _digest()
_kernels = {}


def kernel(tmpl, kind, dtype, variant):
    """The compiled kernel for (template, reducer, storage dtype, 'ser'|'par'), built once."""
    key = (tmpl, kind, np.dtype(dtype).char, variant)
    return builder.built_once(_kernels, key, lambda: _build(tmpl, kind, np.dtype(dtype), variant))


def _build(tmpl, kind, dtype, variant):
    g = {"__name__": __name__, "__builtins__": __builtins__, "np": np, "math": math,
         "prange": _nb.prange, "min": min, "max": max, "TW": TW, "FB": FB, "LANES": LANES,
         "SELECT": False}
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
    """One (outer, n, inner) reduction: its fixed geometry and scratch sizes.

    Rows are chunked so that there are at least PAR_TASKS tasks (for any thread count)
    of at least MIN_TASK elements: both depend on the shape only, so the chunking, and
    with it every result, is the same on any number of threads.
    """

    __slots__ = ("outer", "n", "inner", "g", "rows_per", "tpb", "plen", "size")

    def __init__(self, outer, n, inner, tmpl):
        self.outer, self.n, self.inner = outer, n, inner
        if tmpl is reduce_rows:
            g = 1
            if n >= 4 * LANES:
                nrows = n // LANES
                want = -(-PAR_TASKS // outer)
                rows_per = max(-(-nrows // want), -(-MIN_TASK // LANES))
                nch = -(-nrows // rows_per)
                task = min(rows_per, nrows) * LANES
                plen = outer * nch if nch > 1 else 0
            else:
                rows_per, task, plen = 1, max(1, n), 0
        else:
            g = 1 if inner >= LANES else max(1, min(-(-LANES // inner), n // 4))
            W = g * inner
            tw = min(TW, W)
            nrows = n // g
            want = -(-PAR_TASKS // (outer * -(-W // TW)))
            rows_per = max(1, -(-nrows // want), -(-MIN_TASK // tw))
            nch = max(1, -(-nrows // rows_per))
            task = max(1, min(rows_per, nrows) * tw)
            direct = g == 1 and nch == 1 and tmpl is not reduce_arg
            plen = 0 if direct else outer * nch * W
            if tmpl is reduce_kahan:
                plen *= 2
        self.g, self.rows_per, self.tpb, self.plen = g, rows_per, max(1, MIN_TASK // task), plen
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

    def run(self, x, dst, div, post, parallel=True):
        ps = self.ps
        if self.tmpl is reduce_arg:
            args = (x, np.empty(ps.plen, self.pdtype), np.empty(ps.plen, np.int64), dst, ps.outer,
                    ps.n, ps.inner, ps.g, ps.rows_per, ps.tpb)
        else:
            args = (x, np.empty(ps.plen, self.pdtype), dst, ps.outer, ps.n, ps.inner, ps.g,
                    ps.rows_per, ps.tpb, div, post)
        b = _B[0] if _B else _builder()
        if parallel and b.use_parallel(ps.size, 1):
            if self.par is None:
                self.par = kernel(self.tmpl, self.kind, self.dtype, "par")
            b.run_parallel(self.par, self.ser, *args)
        else:
            self.ser(*args)


class _ArgRows:
    """argmax/argmin over the last axis: the max/min kernel, then `first_rows`."""

    dst_dtype = None

    def __init__(self, kind, dtype, outer, n):
        self.kind, self.dtype, self.outer, self.n = kind, np.dtype(dtype), outer, n
        self.ext = _Step("max" if kind == "argmax" else "min", dtype, outer, n, 1, True)
        self.ser = kernel(first_rows, kind, dtype, "ser")
        self.par = None

    def run(self, x, dst, div, post, parallel=True):
        m = np.empty(self.outer, self.dtype)
        self.ext.run(x, m, 1.0, 0, parallel)
        b = _B[0] if _B else _builder()
        if parallel and b.use_parallel(self.outer * self.n, 1):
            if self.par is None:
                self.par = kernel(first_rows, self.kind, self.dtype, "par")
            b.run_parallel(self.par, self.ser, x, m, dst, self.outer, self.n)
        else:
            self.ser(x, m, dst, self.outer, self.n)


_steps = {}


def _make_steps(kind, dtype, shape, axes):
    passes = plan(shape, axes)
    if kind in ("argmax", "argmin") and passes[0][2] == 1:
        return [_ArgRows(kind, dtype, passes[0][0], passes[0][1])]
    steps = []
    for i, (outer, n, inner) in enumerate(passes):
        st = _Step(kind, dtype, outer, n, inner, i == len(passes) - 1)
        steps.append(st)
        dtype = st.dst_dtype
        kind = _LATER.get(kind, kind)
    return steps


def reduce(kind, x, axes, out, div=1.0, post=0, parallel=True):
    """Reduce C-contiguous `x` over `axes` into `out` (any shape of the kept size), in place.

    kind: sum, nansum, asum (sum of |x|), ssq (sum of squares), prod, nanprod, max, min,
    argmax, argmin (int64 `out`, indices along the one reduced run). post=1 divides the
    float result by `div` (mean), post=2 takes its square root (L2 norm). parallel=False
    keeps it serial (the result is the same): next to BLAS calls, OpenMP threads still
    spinning after a parallel region slow OpenBLAS's threads down.

    >>> out = np.empty(3, np.float32)
    >>> reduce("sum", np.ones((2, 3), np.float32), (0,), out); out
    array([2., 2., 2.], dtype=float32)
    """
    key = (kind, x.dtype.char, x.shape, axes)
    steps = _steps.get(key)
    if steps is None:
        if x.size == 0:
            return _empty(kind, out, post)
        if kind in _PREMAP:
            kind, fn = _PREMAP[kind]
            return reduce(kind, fn(x), axes, out, div, post, parallel)
        if x.dtype == np.float16 or (x.dtype.kind in "iu" and x.dtype != np.int64):
            # float16 runs the float32 kernels and other integers the int64 ones (exact, and
            # integer sums wrap alike): fewer kernels to compile.
            wide = np.float32 if x.dtype == np.float16 else np.int64
            x = x.astype(wide)
            if kind in ("argmax", "argmin"):
                return reduce(kind, x, axes, out, parallel=parallel)
            # a float16 sum rounds once, from float64 (float32 first would round twice)
            tmp = np.empty(out.shape, acc_dtype(kind, wide))
            reduce(kind, x, axes, tmp, div, post, parallel)
            np.copyto(out, tmp, casting="unsafe")
            return out
        if len(_steps) > 4096:
            _steps.clear()
        steps = _steps[key] = _make_steps(kind, x.dtype, x.shape, axes)
    cur = x.reshape(-1)
    if len(steps) == 1:
        steps[0].run(cur, out.reshape(-1), div, post, parallel)
        return out
    for st in steps:
        dst = out.reshape(-1) if st.dst_dtype is None else np.empty(
            st.ps.outer * st.ps.inner, st.dst_dtype)
        last = st.dst_dtype is None
        st.run(cur, dst, div if last else 1.0, post if last else 0, parallel)
        cur = dst
    return out


def _empty(kind, out, post):
    """An empty reduction: NumPy's identities (sum 0, prod 1; mean NaN), an error for the rest."""
    if out.size == 0:
        return out
    if kind in ("max", "min", "argmax", "argmin"):
        from ..base import MXNetError

        raise MXNetError(f"{kind}: cannot reduce an empty axis (no identity for {kind})")
    with np.errstate(invalid="ignore"):
        out[...] = 1 if kind in ("prod", "nanprod") else (np.nan if post == 1 else 0)
    return out
