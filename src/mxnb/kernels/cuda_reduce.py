"""Reductions on mx.gpu(): sum, mean, prod, nansum, nanprod, max, min, norm, argmax, argmin.

The axes are normalised as on the CPU (`ops/reduce.py`), and split into
(outer, n, inner) passes by the CPU's plan (`reduce_kernels.plan`: one pass
per run of reduced axes, the last run first, float64/int64 intermediates).

One pass on the device is itself a few launches of `reduce_pass`. The n
reduced rows are cut into `lanes` interleaved lanes (row i goes to lane
i % lanes, so neighbouring threads read neighbouring elements even when
inner is 1) and each lane into chunks of at most ROWS rows; one thread
combines one (outer, chunk, lane, inner) task, in row order, into a partial.
The partials, (outer, chunks * lanes, inner), are reduced again the same way
until a single chunk of a single lane is left. The chunking depends on the
shape only, never on the launch configuration, and every partial is combined
by one thread in a fixed order: the result is the same bit for bit for any
threads per block and grid size. Work per thread is at most ROWS elements.

float32 accumulates in float64 (like the CPU), integers in int64 (wrapping
in the output type on store, as MXNet); max and min keep the input type,
with NaN sticky. float16 computes through float32 copies.

Gradients are one elementwise kernel (`reduce_bwd`) that maps each input
element to its output through the 4-d broadcast plan of the kept shape.
"""
import math  # noqa: F401  (the device functions call math.*)
import os

import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, dev, flat, kernel

LANES = 32
ROWS = max(2, int(os.environ.get("MXNB_CUDA_REDUCE_ROWS", "") or 128))
_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_I64 = np.dtype(np.int64)
_BIG = np.int64(2 ** 62)

# ---------------------------------------------------------------- scalar helpers
# ruff: noqa: F821  (ACC, T, INIT, LOAD, COMB, FIN, BETTER, GRAD, cuda are bound per kernel)


def _ld_plain(x, x2, j, s, c):
    return ACC(x[j])


def _ld_nan0(x, x2, j, s, c):
    v = x[j]
    return ACC(v) if v == v else ACC(0)


def _ld_nan1(x, x2, j, s, c):
    v = x[j]
    return ACC(v) if v == v else ACC(1)


def _ld_abs(x, x2, j, s, c):
    return ACC(abs(x[j]))


def _ld_sq(x, x2, j, s, c):
    v = ACC(x[j])
    return v * v


def _ld_exp(x, x2, j, s, c):
    # exp in the input's type (expf for float32), as the CPU softmax; summed in float64
    return ACC(math.exp((x[j] - s) * c))


def _ld_mul2(x, x2, j, s, c):
    return ACC(x[j]) * ACC(x2[j])


def _ld_sqdev(x, x2, j, s, c):
    d = ACC(x[j]) - ACC(s)
    return d * d


def _ld_muldev(x, x2, j, s, c):
    return ACC(x2[j]) * (ACC(x[j]) - ACC(s))


def _ld_zero(x, x2, j, s, c):
    return ACC(1) if x[j] == 0 else ACC(0)


def _ld_nonzero(x, x2, j, s, c):
    v = x[j]
    return ACC(v) if v != 0 else ACC(1)


def _ld_nonzero_nan(x, x2, j, s, c):
    v = x[j]
    return ACC(v) if (v != 0 and v == v) else ACC(1)


def _add(a, v):
    return a + v


def _mul(a, v):
    return a * v


def _max(a, v):
    # NaN is sticky, as MXNet's max of a slice holding one; ties keep the first
    return v if (v > a or v != v) else a


def _min(a, v):
    return v if (v < a or v != v) else a


def _fin_float(a, div, post):
    if post == 1:
        return a / div
    if post == 2:
        return math.sqrt(a)
    return a


def _fin_same(a, div, post):
    return a


def _gt(v, a):
    return v > a or (v != v and a == a)


def _lt(v, a):
    return v < a or (v != v and a == a)


# kind: (load, combine, the kind its partials are reduced with)
_KINDS = {
    "sum": (_ld_plain, _add, "sum"), "nansum": (_ld_nan0, _add, "sum"),
    "asum": (_ld_abs, _add, "sum"), "ssq": (_ld_sq, _add, "sum"),
    "prod": (_ld_plain, _mul, "prod"), "nanprod": (_ld_nan1, _mul, "prod"),
    "max": (_ld_plain, _max, "max"), "min": (_ld_plain, _min, "min"),
    "sumexp": (_ld_exp, _add, "sum"), "sumprod": (_ld_mul2, _add, "sum"),
    "sqdev": (_ld_sqdev, _add, "sum"), "muldev": (_ld_muldev, _add, "sum"),
    "zeros": (_ld_zero, _add, "sum"), "prodnz": (_ld_nonzero, _mul, "prod"),
    "nanprodnz": (_ld_nonzero_nan, _mul, "prod"),
}

# ---------------------------------------------------------------- templates


def reduce_pass(x, x2, shift, out, outer, n, inner, lanes, rows, nch, c, div, post):
    """out[(o, ch, q, k)] = COMB over rows i = (ch*rows + r)*lanes + q < n of LOAD(x[o, i, k])."""
    total = outer * nch * lanes * inner
    for t in range(cuda.grid(1), total, cuda.gridsize(1)):
        k = t % inner
        r = t // inner
        q = r % lanes
        r = r // lanes
        ch = r % nch
        o = r // nch
        i1 = min(n, (ch + 1) * rows * lanes)
        sv = shift[o * inner + k]  # only sumexp reads it; a valid index for any x passed
        base = o * n * inner + k
        acc = INIT
        for i in range(ch * rows * lanes + q, i1, lanes):
            acc = COMB(acc, LOAD(x, x2, base + i * inner, sv, c))
        out[t] = FIN(acc, div, post)


def arg_pass(x, xi, ov, oi, outer, n, inner, lanes, rows, nch, first):
    """reduce_pass for argmax/argmin: (value, index) partials; ties go to the smaller index."""
    total = outer * nch * lanes * inner
    for t in range(cuda.grid(1), total, cuda.gridsize(1)):
        k = t % inner
        r = t // inner
        q = r % lanes
        r = r // lanes
        ch = r % nch
        o = r // nch
        i1 = min(n, (ch + 1) * rows * lanes)
        base = o * n * inner + k
        bv = INIT
        bi = BIG
        for i in range(ch * rows * lanes + q, i1, lanes):
            j = base + i * inner
            v = x[j]
            idx = i
            if first == 0:
                idx = xi[j]
            if BETTER(v, bv) or ((v == bv or (v != v and bv != bv)) and idx < bi):
                bv = v
                bi = idx
        ov[t] = bv
        oi[t] = bi


def reduce_bwd(dy, x, y, p, z, dx, scale, dims, so):
    """dx[i] = GRAD(dy[j], x[i], y[j], p[j], z[j], scale); j: i's output (kept-shape strides so)"""
    d1 = dims[1]
    d2 = dims[2]
    d3 = dims[3]
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        i3 = i % d3
        r = i // d3
        i2 = r % d2
        r = r // d2
        i1 = r % d1
        i0 = r // d1
        j = i0 * so[0] + i1 * so[1] + i2 * so[2] + i3 * so[3]
        dx[i] = GRAD(dy[j], x[i], y[j], p[j], z[j], scale)


def int_mean(out, count):
    """MXNet's integer mean: the sum wrapped in the type, divided truncating toward zero."""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        v = np.int64(out[i])
        q = abs(v) // count
        out[i] = q if v >= 0 else -q


# ---------------------------------------------------------------- gradient rules


def _g_sum(g, v, w, p, z, s):
    return g


def _g_mean(g, v, w, p, z, s):
    return g / s


def _g_nansum(g, v, w, p, z, s):
    return g if v == v else T(0)


def _g_extreme(g, v, w, p, z, s):
    return g if v == w else T(0)


def _g_prod(g, v, w, p, z, s):
    # the product of the other elements, exactly, also at zeros (as the CPU)
    if v == 0:
        return (p if z == 1 else T(0)) * g
    return w / v * g


def _g_nanprod(g, v, w, p, z, s):
    if v != v:
        return T(0)
    if v == 0:
        return (p if z == 1 else T(0)) * g
    return w / v * g


def _g_norm1(g, v, w, p, z, s):
    return g * (T(1) if v > 0 else (T(-1) if v < 0 else v * T(0)))


def _g_norm2(g, v, w, p, z, s):
    return v * (g / (w if w != 0 else T(1)))


_GRADS = {"sum": _g_sum, "mean": _g_mean, "nansum": _g_nansum, "max": _g_extreme,
          "min": _g_extreme, "prod": _g_prod, "nanprod": _g_nanprod, "norm1": _g_norm1,
          "norm2": _g_norm2}

# ---------------------------------------------------------------- building


def acc_dtype(kind, dtype):
    dtype = np.dtype(dtype)
    if kind in ("max", "min"):
        return dtype
    return _F64 if dtype.kind == "f" else _I64


def _init(comb, acc):
    if comb is _add:
        return acc.type(0)
    if comb is _mul:
        return acc.type(1)
    if acc.kind == "f":
        return acc.type(-np.inf if comb is _max else np.inf)
    info = np.iinfo(acc)
    return acc.type(info.min if comb is _max else info.max)


def pass_kernel(kind, dtype):
    """The reduce_pass kernel of `kind` on input `dtype`."""
    dtype = np.dtype(dtype)
    load, comb, _ = _KINDS[kind]
    acc = acc_dtype(kind, dtype)
    fin = _fin_float if acc.kind == "f" and comb in (_add, _mul) else _fin_same
    return kernel(reduce_pass, f"{kind}_{dtype.name}", LOAD=dev(load, ACC=acc.type),
                  COMB=dev(comb), FIN=dev(fin), INIT=_init(comb, acc))


def arg_kernel(kind, dtype):
    dtype = np.dtype(dtype)
    better = _gt if kind == "argmax" else _lt
    return kernel(arg_pass, f"{kind}_{dtype.name}", BETTER=dev(better), BIG=_BIG,
                  INIT=_init(_max if kind == "argmax" else _min, dtype))


def bwd_kernel(rule, dtype):
    dtype = np.dtype(dtype)
    return kernel(reduce_bwd, f"{rule}_{dtype.name}", GRAD=dev(_GRADS[rule], T=dtype.type))


def subpasses(n, inner):
    """[(n, lanes, rows, chunks), ...]: the launches that reduce n rows down to one.

    Fixed by the shape alone (never by the launch configuration). Rows shorter
    than ROWS take one launch; longer ones get up to LANES lanes (at least 2 rows
    each), so a warp reads neighbouring elements even when inner is 1. Each
    launch leaves chunks * lanes < n rows; the last has one lane and one chunk.
    """
    out = []
    while n > ROWS:
        lanes = 1 if inner >= LANES else max(1, min(LANES // inner, n // 2))
        nch = -(-(-(-n // lanes)) // ROWS)
        out.append((n, lanes, ROWS, nch))
        n = nch * lanes
    out.append((n, 1, max(n, 1), 1))
    return out


def _scalar(dtype, v):
    dtype = np.dtype(dtype)
    return dtype.type(v) if dtype.kind == "f" else np.float64(v)


def run_pass(kind, x, dst, outer, n, inner, div=1.0, post=0, x2=None, shift=None, c=1.0):
    """Reduce flat device array x, as (outer, n, inner), into flat dst (outer * inner)."""
    cur, k = x, kind
    steps = subpasses(n, inner)
    for si, (m, lanes, rows, nch) in enumerate(steps):
        last = si == len(steps) - 1
        size = outer * nch * lanes * inner
        d = dst if last else cuda_launch.empty((size,), acc_dtype(k, cur.dtype))
        launch(pass_kernel(k, cur.dtype), size, cur, cur if x2 is None else x2,
               cur if shift is None else shift, d, outer, m, inner, lanes, rows, nch,
               _scalar(cur.dtype, c), float(div) if last else 1.0, post if last else 0)
        cur, k, x2, shift = d, _KINDS[k][2], None, None


def reduce(kind, x, axes, out, div=1.0, post=0):
    """Reduce device array x over `axes` into device array `out` (any shape of the kept size).

    kind: sum, nansum, asum, ssq, prod, nanprod, max, min (as `reduce_kernels.reduce`);
    post=1 divides the result by `div`, post=2 takes its square root.

    >>> reduce("sum", x, (1,), out)   # x (2, 3) float32 on the GPU, out (2,)
    """
    from .reduce_kernels import plan

    dt = np.dtype(x.dtype)
    if dt == _F16:
        tmp = cuda_launch.empty((out.size,), _F32)
        reduce(kind, as_dtype(x, _F32), axes, tmp, div, post)
        cuda_launch.cast_into(tmp, flat(out))
        return
    if np.dtype(out.dtype).kind in "iu" and acc_dtype(kind, dt) != np.dtype(out.dtype):
        # int64 sums wrap into the narrower type through the cast kernel (the simulator
        # refuses an out-of-range store that a GPU would truncate)
        tmp = cuda_launch.empty((out.size,), _I64)
        reduce(kind, x, axes, tmp, div, post)
        cuda_launch.cast_into(tmp, flat(out))
        return
    passes = plan(tuple(x.shape), tuple(axes))
    cur, k = flat(x), kind
    for pi, (outer, n, inner) in enumerate(passes):
        last = pi == len(passes) - 1
        dst = flat(out) if last else cuda_launch.empty((outer * inner,), acc_dtype(k, cur.dtype))
        run_pass(k, cur, dst, outer, n, inner, div if last else 1.0, post if last else 0)
        cur, k = dst, _KINDS[k][2]


def argreduce(kind, x, axis, out):
    """argmax/argmin of device array x along `axis` (None: flattened) into `out` (any dtype)."""
    dt = np.dtype(x.dtype)
    if dt == _F16:
        x = as_dtype(x, _F32)
    shape = tuple(x.shape)
    if axis is None:
        outer, n, inner = 1, x.size, 1
    else:
        outer = int(np.prod(shape[:axis], dtype=np.int64))
        n = shape[axis]
        inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    cur = flat(x)
    idx = None
    steps = subpasses(n, inner)
    for si, (m, lanes, rows, nch) in enumerate(steps):
        size = outer * nch * lanes * inner
        ov = cuda_launch.empty((size,), cur.dtype)
        oi = cuda_launch.empty((size,), _I64)
        launch(arg_kernel(kind, cur.dtype), size, cur, oi if idx is None else idx, ov, oi,
               outer, m, inner, lanes, rows, nch, 1 if idx is None else 0)
        cur, idx = ov, oi
    cuda_launch.cast_into(idx, flat(out))


def grad(rule, dy, x, y, keep, p=None, z=None, scale=1.0):
    """dx (x's shape) of a reduction from dy (kept shape); None when the plan has over 4 dims."""
    from . import bcast

    _, dims, so, _ = bcast.plan(tuple(keep), tuple(x.shape))
    if dims is None:
        return None
    dt = np.dtype(x.dtype)
    cdt = _F32 if dt == _F16 else dt
    xs, dys = as_dtype(x, cdt), as_dtype(dy, cdt)
    ys = dys if y is None else as_dtype(y, cdt)
    dx = cuda_launch.empty(tuple(x.shape), cdt)
    launch(bwd_kernel(rule, cdt), x.size, flat(dys), flat(xs), flat(ys),
           flat(ys if p is None else p), flat(ys if z is None else z), flat(dx), cdt.type(scale),
           dims, so)
    return as_dtype(dx, dt)


# ---------------------------------------------------------------- the ops


def _int_mean(out, count):
    launch(kernel(int_mean, np.dtype(out.dtype).name), out.size, flat(out), np.int64(count))


def _fwd(op, ins, outs, attrs):
    from ..ops import reduce as R

    x, out = ins[0], outs[0]
    if x.size == 0:
        return op.forward(op, ins, outs, attrs)  # NumPy's identities and errors, on the host
    axes = R.reduced_axes(op, tuple(x.shape), attrs)
    if op.name != "mean":
        return reduce(op.name, x, axes, out)
    count = R._count(tuple(x.shape), axes)
    if np.dtype(x.dtype).kind == "f":
        reduce("sum", x, axes, out, float(count), 1)
    else:
        reduce("sum", x, axes, out)
        _int_mean(out, count)


def _bwd(op, dys, ins, outs, attrs):
    from ..ops import reduce as R

    x, y = ins[0], outs[0]
    if np.dtype(x.dtype).kind != "f" or x.size == 0:
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    shape = tuple(x.shape)
    axes = R.reduced_axes(op, shape, attrs)
    keep = R._keep(shape, axes)
    name = op.name
    if name == "mean":
        g = grad("mean", dys[0], x, None, keep, scale=R._count(shape, axes))
    elif name in ("prod", "nanprod"):
        cdt = np.dtype(x.dtype)
        p = cuda_launch.empty(keep, cdt)
        z = cuda_launch.empty(keep, cdt)
        reduce("prodnz" if name == "prod" else "nanprodnz", x, axes, p)
        reduce("zeros", x, axes, z)
        cdt = _F32 if cdt == _F16 else cdt
        g = grad(name, dys[0], x, y, keep, as_dtype(p, cdt), as_dtype(z, cdt))
    else:
        g = grad(name, dys[0], x, y if name in ("max", "min") else None, keep)
    if g is None:
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    return [g]


def _norm_fwd(op, ins, outs, attrs):
    from ..ops import reduce as R

    x, out = ins[0], outs[0]
    dt = np.dtype(x.dtype)
    order = R._norm_ord(op, attrs)
    if x.size == 0 or (order == 2 and dt.kind != "f"):
        return op.forward(op, ins, outs, attrs)  # MXNet's integer L2 rule runs on the host
    axes = R.reduced_axes(op, tuple(x.shape), attrs)
    tgt = out if np.dtype(out.dtype) == dt else cuda_launch.empty(tuple(out.shape), dt)
    if order == 1:
        reduce("asum", x, axes, tgt)
    else:
        reduce("ssq", x, axes, tgt, 1.0, 2)
        if dt == _F64:
            # float64 squares can over- or underflow: the CPU's scaled algorithm, on the host,
            # for the rare calls that need it (one copy of the result to check)
            h = tgt.copy_to_host()
            if not np.all((h >= 1e-145) & (h <= 1e150)):
                return op.forward(op, ins, outs, attrs)
    if tgt is not out:
        cuda_launch.cast_into(flat(tgt), flat(out))


def _norm_bwd(op, dys, ins, outs, attrs):
    from ..ops import reduce as R

    x = ins[0]
    if np.dtype(x.dtype).kind != "f" or x.size == 0:
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    shape = tuple(x.shape)
    keep = R._keep(shape, R.reduced_axes(op, shape, attrs))
    if R._norm_ord(op, attrs) == 1:
        g = grad("norm1", dys[0], x, None, keep)
    else:
        g = grad("norm2", dys[0], x, outs[0], keep)
    if g is None:
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    return [g]


def _arg_fwd(op, ins, outs, attrs):
    from ..ops import reduce as R

    x = ins[0]
    if x.size == 0:
        return op.forward(op, ins, outs, attrs)
    if op.name == "argmax_channel":
        axis, kind = R._arg_axis(op, tuple(x.shape), {"axis": 1}), "argmax"
    else:
        axis, kind = R._arg_axis(op, tuple(x.shape), attrs), op.name
    argreduce(kind, x, axis, outs[0])


_NAMES = ("sum", "mean", "prod", "nansum", "nanprod", "max", "min")
FORWARD = dict({n: _fwd for n in _NAMES}, norm=_norm_fwd, argmax=_arg_fwd, argmin=_arg_fwd,
               argmax_channel=_arg_fwd)
BACKWARD = dict({n: _bwd for n in _NAMES}, norm=_norm_bwd)


# ---------------------------------------------------------------- PTX checks


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    def arr(d):
        return types.Array(from_dtype(np.dtype(d)), 1, "C")

    i64, f64 = types.int64, types.float64
    tup = types.UniTuple(types.int64, 4)
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt == _F16:  # float16 reaches these kernels as float32 copies
            continue
        a = arr(dt)
        c = from_dtype(dt) if dt.kind == "f" else f64
        kinds = list(_KINDS) if dt.kind == "f" else ["sum", "prod", "max", "min", "asum"]
        for kind in kinds:
            outs = {acc_dtype(kind, dt), dt} if kind == "sum" else {acc_dtype(kind, dt)}
            for o in sorted(outs, key=str):
                # float32 kinds accumulate in float64 by design: no float64 check here
                jobs.append((f"reduce_pass/{kind}/{d}->{o.name}",
                             lambda kind=kind, dt=dt: pass_kernel(kind, dt),
                             (a, a, a, arr(o)) + (i64,) * 6 + (c, f64, i64), False))
        for kind in ("argmax", "argmin"):
            jobs.append((f"arg_pass/{kind}/{d}", lambda kind=kind, dt=dt: arg_kernel(kind, dt),
                         (a, arr(_I64), a, arr(_I64)) + (i64,) * 7, dt == _F32))
        if dt.kind == "f":
            for rule in _GRADS:
                jobs.append((f"reduce_bwd/{rule}/{d}",
                             lambda rule=rule, dt=dt: bwd_kernel(rule, dt),
                             (a,) * 6 + (from_dtype(dt), tup, tup), dt == _F32))
        else:
            jobs.append((f"int_mean/{d}", lambda dt=dt: kernel(int_mean, dt.name), (a, i64), False))
    return jobs
