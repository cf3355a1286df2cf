"""Embedding, SoftmaxOutput (Softmax) and softmax_cross_entropy on mx.gpu().

Embedding's forward is a row gather, one thread per output element; indices
are clipped on the device as the CPU clips them (NaN and negatives to 0, the
top to input_dim - 1, then truncated). Its weight gradient is a scatter-add
made deterministic without atomics: the (small) index array is copied to the
host, sorted stably there, and one thread per (distinct row, column) sums its
dy rows in the order the CPU's serial kernel adds them, so dw equals the CPU's
bit for bit. `_embedding_backward` (the op the VJP records) runs the same two
kernels the other way round. sparse_grad: the CPU ignores it (the gradient is
dense), so does this.

SoftmaxOutput's forward is softmax (`cuda_nn`'s reductions and kernel); its
backward is one elementwise kernel that computes (y - target) * (mask *
scale) [* dy] in float64 and rounds once, as the CPU's NumPy expression does,
so it is bit-equal to it. Labels are truncated on the device; 'valid'
normalisation counts the labels that differ from ignore_label with a device
reduction.

softmax_cross_entropy's forward is the softmax and a float64 sum (a fixed-order
device reduction) of log(max(p[label], 1e-8)); its backward is (p - one_hot) *
dy rounded to the data's dtype after each step, as NumPy does in float16.
"""
import math  # noqa: F401  (device functions call math.*)

import numpy as np

from . import cuda_launch, cuda_nn
from .cuda_build import launch
from .cuda_common import as_dtype, dev, flat, kernel
from .cuda_reduce import run_pass

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, LABEL, RND, cuda are bound per kernel)


def _label(v):
    """MXNet's static_cast<int> of a float label: toward zero, NaN to INT_MIN, saturating."""
    if v != v or v <= -2147483648.0:
        return -2147483648
    if v >= 2147483647.0:
        return 2147483647
    return int(v)


def _round_half(v):
    """v rounded to float16 and back: NumPy rounds every float16 operation's result."""
    return F32(F16(v))


def _ident(v):
    return v


def emb_gather(data, w, out, nrows, d):
    """out[r, j] = w[k, j], k = data[r] clipped to [0, nrows) and truncated (NaN -> 0)."""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        v = data[i // d]
        k = 0
        if v >= nrows - 1:
            k = nrows - 1
        elif v > 0:
            k = int(v)
        out[i] = w[k * d + i % d]


def emb_scatter(g, perm, ptr, rows, dw, d):
    """dw[rows[u], j] = sum of g[perm[k], j] for k in [ptr[u], ptr[u+1]), in that order."""
    for i in range(cuda.grid(1), rows.shape[0] * d, cuda.gridsize(1)):
        u = i // d
        j = i % d
        acc = T(0)
        for k in range(ptr[u], ptr[u + 1]):
            acc += g[perm[k] * d + j]
        dw[rows[u] * d + j] = acc


def so_valid(label, ign, m):
    """m = 1 where the truncated label differs from ignore_label, else 0 (float64)."""
    for i in range(cuda.grid(1), label.shape[0], cuda.gridsize(1)):
        m[i] = np.float64(1) if LABEL(label[i]) != ign else np.float64(0)


def so_grad(y, dy, label, cnt, dx, c, d, ign, use_ignore, thit, tmiss, gs, divd, out_grad):
    """dx = (y - target) * (mask * scale) [* dy] in float64, scale = gs / max(cnt, 1) [/ d].

    Element i has class (i // d) % c and label (i // (c d)) d + i % d.
    """
    cv = cnt[0]
    if cv < 1:
        cv = np.float64(1)
    scale = gs / cv
    if divd:
        scale = scale / np.float64(d)
    for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        li = LABEL(label[(i // (c * d)) * d + i % d])
        t = thit if (i // d) % c == li else tmiss
        m = np.float64(1)
        if use_ignore and li == ign:
            m = np.float64(0)
        g = (np.float64(y[i]) - t) * (m * scale)
        if out_grad:
            g = g * np.float64(dy[i])
        dx[i] = g


def sce_pick(p, label, lp, c):
    """lp[r] = log(max(p[r, label[r]], 1e-8)) in float64 (a label out of range picks 0)."""
    for r in range(cuda.grid(1), lp.shape[0], cuda.gridsize(1)):
        li = LABEL(label[r])
        v = np.float64(0)
        if li >= 0 and li < c:
            v = np.float64(p[r * c + li])
        if v < np.float64(1e-8):  # NaN stays NaN, as np.maximum keeps it
            v = np.float64(1e-8)
        lp[r] = math.log(v)


def sce_grad(p, label, dy, dx, c):
    """dx = (p - one_hot(label)) * dy[0], rounded per step as the data's dtype rounds."""
    for i in range(cuda.grid(1), p.shape[0], cuda.gridsize(1)):
        h = T(1) if i % c == LABEL(label[i // c]) else T(0)
        dx[i] = RND(RND(p[i] - h) * dy[0])


def _k(template, dtype, half=False):
    """`template` for compute dtype `dtype`; half=True rounds RND to float16 (float16 data)."""
    dtype = np.dtype(dtype)
    rnd = dev(_round_half, F16=np.float16, F32=np.float32) if half else dev(_ident)
    return kernel(template, dtype.name + ("_h" if half else ""), T=dtype.type,
                  LABEL=dev(_label), RND=rnd)


def _cdt(*dts):
    return _F64 if any(np.dtype(d) == _F64 for d in dts) else _F32


def _into(tmp, out):
    if tmp is not out:
        cuda_launch.cast_into(flat(tmp), flat(out))


def _scratch(out, cdt):
    return out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)


# ---------------------------------------------------------------- Embedding


def _bits(a):
    """A flat view the gather copies bit for bit (float16 as uint16: no float16 loads)."""
    a = flat(a)
    return a.view(np.uint16) if np.dtype(a.dtype) == _F16 else a


def gather_rows(w, data, out):
    """out (data.shape + (d,)) = the rows of device array w (n, d) named by device `data`."""
    n, d = w.shape
    if out.size:
        launch(_k(emb_gather, _bits(w).dtype), out.size, flat(as_dtype(data, _F64)), _bits(w),
               _bits(out), n, d)


def scatter_rows(g, data, out):
    """out (n, d) = rows of g (..., d) summed by index, in the CPU's order (bit-equal to it)."""
    from ..ops.nn_norm import _indices

    n, d = out.shape
    cdt = _F32 if np.dtype(out.dtype) == _F16 else np.dtype(out.dtype)  # as the CPU
    dw = _scratch(out, cdt)
    cuda_launch.fill(dw, 0)
    # NOTE: the indices go to the host (they are few: one per row of g) to be sorted stably
    # there; the rows themselves stay on the device.
    idx = _indices(cuda_launch.to_host(data), n).reshape(-1)
    if idx.size:
        perm = np.argsort(idx, kind="stable")
        rows, starts = np.unique(idx[perm], return_index=True)
        ptr = np.append(starts, idx.size).astype(np.int64)
        launch(_k(emb_scatter, cdt), rows.size * d, flat(as_dtype(g, cdt)),
               cuda_launch.to_device(perm.astype(np.int64)), cuda_launch.to_device(ptr),
               cuda_launch.to_device(rows.astype(np.int64)), flat(dw), d)
    _into(dw, out)


def _emb_fwd(op, ins, outs, attrs):
    data, w = ins
    gather_rows(w, data, outs[0])


def _emb_bwd(op, dys, ins, outs, attrs):
    data, w = ins
    dw = cuda_launch.empty(tuple(w.shape), w.dtype)
    scatter_rows(dys[0], data, dw)
    return [None, dw]


def _embb_fwd(op, ins, outs, attrs):
    g, data = ins
    scatter_rows(g, data, outs[0])


def _embb_bwd(op, dys, ins, outs, attrs):
    g, data = ins
    dg = cuda_launch.empty(tuple(g.shape), g.dtype)
    gather_rows(dys[0], data, dg)
    return [dg, None]


# ---------------------------------------------------------------- SoftmaxOutput


def softmax_into(x, out, outer, n, inner):
    """out = softmax of device array x over the middle of (outer, n, inner) (`cuda_nn`'s)."""
    if x.size == 0:
        return
    cdt = _cdt(x.dtype, out.dtype)
    xc = flat(as_dtype(x, cdt))
    m = cuda_launch.empty((outer * inner,), cdt)
    s = cuda_launch.empty((outer * inner,), cdt)
    run_pass("max", xc, m, outer, n, inner)
    run_pass("sumexp", xc, s, outer, n, inner, shift=m, c=1.0)
    oc = _scratch(out, cdt)
    launch(cuda_nn._k(cuda_nn.softmax_apply, cdt), x.size, xc, m, s, flat(oc), n, inner,
           cdt.type(1), False)
    _into(oc, out)


def _so_fwd(op, ins, outs, attrs):
    from ..ops.nn_softmax import _so_layout

    x, label = ins
    softmax_into(x, outs[0], *_so_layout(op, attrs, tuple(x.shape), tuple(label.shape)))


def _f32_or_64(a):
    """a itself (float32/float64), or float16 widened to float32 (exactly)."""
    return as_dtype(a, _F32) if np.dtype(a.dtype) == _F16 else a


def _so_bwd(op, dys, ins, outs, attrs):
    from ..ops.nn_softmax import _trunc_labels

    y, label = outs[0], ins[1]
    dx = cuda_launch.empty(tuple(y.shape), y.dtype)
    if y.size == 0:
        return [dx, None]
    ys = tuple(y.shape)
    multi = bool(attrs["multi_output"])
    if multi:
        c, d = ys[1], int(np.prod(ys[2:], dtype=np.int64))
    else:
        c, d = y.size // label.size, 1
    ign = int(_trunc_labels(np.float64(attrs["ignore_label"])))
    alpha = float(attrs["smooth_alpha"])
    thit, tmiss = (1.0 - alpha, alpha / (c - 1) if c > 1 else 0.0) if alpha else (1.0, 0.0)
    lab = flat(as_dtype(label, _F64))
    norm = attrs["normalization"]
    if norm == "valid":
        m = cuda_launch.empty((label.size,), _F64)
        launch(_k(so_valid, _F64), label.size, lab, ign, m)
        cnt = cuda_launch.empty((1,), _F64)
        run_pass("sum", m, cnt, 1, label.size, 1)
    else:
        cnt = cuda_launch.full((1,), _F64, (label.size // d) if norm == "batch" else 1)
    yc = flat(_f32_or_64(y))
    dyc = flat(as_dtype(dys[0], yc.dtype))
    dd = _scratch(dx, _F64)
    launch(_k(so_grad, yc.dtype), y.size, yc, dyc, lab, cnt, flat(dd), c, d, ign,
           bool(attrs["use_ignore"]), thit, tmiss, float(attrs["grad_scale"]),
           multi and norm != "valid", bool(attrs["out_grad"]))
    _into(dd, dx)
    return [dx, None]


# ---------------------------------------------------------------- softmax_cross_entropy


def _sce_fwd(op, ins, outs, attrs):
    x, label = ins
    loss, p = outs
    rows, c = x.shape
    softmax_into(x, p, rows, c, 1)
    lp = cuda_launch.empty((rows,), _F64)
    lab = flat(as_dtype(label, _F64))
    if rows:
        pc = flat(_f32_or_64(p))
        launch(_k(sce_pick, pc.dtype), rows, pc, lab, lp, c)
    s = cuda_launch.empty((1,), _F64)
    if rows:
        run_pass("sum", lp, s, 1, rows, 1, div=-1.0, post=1)  # -sum, as the CPU's
    else:
        cuda_launch.fill(s, -0.0)  # -np.sum([]), as the CPU
    _into(s, loss)


def _sce_bwd(op, dys, ins, outs, attrs):
    p, label = outs[1], ins[1]
    half = np.dtype(p.dtype) == _F16
    pc = flat(_f32_or_64(p))
    dx = cuda_launch.empty(tuple(p.shape), p.dtype)
    if p.size:
        dd = _scratch(dx, pc.dtype)
        launch(_k(sce_grad, pc.dtype, half), p.size, pc, flat(as_dtype(label, _F64)),
               flat(as_dtype(dys[0], pc.dtype)), flat(dd), p.shape[1])
        _into(dd, dx)
    return [dx, None]


FORWARD = {"Embedding": _emb_fwd, "_embedding_backward": _embb_fwd,
           "SoftmaxOutput": _so_fwd, "softmax_cross_entropy": _sce_fwd}
BACKWARD = {"Embedding": _emb_bwd, "_embedding_backward": _embb_bwd,
            "SoftmaxOutput": _so_bwd, "softmax_cross_entropy": _sce_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i, b, f = types.int64, types.boolean, types.float64
    ia = types.Array(i, 1, "C")
    fa = types.Array(f, 1, "C")
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        f32 = dt == _F32
        sigs = [(emb_gather, False, (fa, a, a, i, i), False),
                (emb_scatter, False, (a, ia, ia, ia, a, i), f32),
                (so_grad, False, (a, a, fa, fa, fa, i, i, i, b, f, f, f, b, b), False),
                (sce_pick, False, (a, fa, fa, i), False),
                (sce_grad, False, (a, fa, a, a, i), False)]  # labels are float64
        if f32:
            sigs += [(sce_grad, True, (a, fa, a, a, i), False),
                     (emb_gather, False, (fa,) + (types.Array(types.uint16, 1, "C"),) * 2
                      + (i, i), False),
                     (so_valid, False, (fa, i, fa), False)]
        for tmpl, half, sig, only32 in sigs:
            kd = _F64 if tmpl is so_valid else (
                np.dtype(np.uint16) if sig[1].dtype == types.uint16 else dt)
            jobs.append((f"{tmpl.__name__}{'_h' if half else ''}/{kd.name}",
                         lambda tmpl=tmpl, kd=kd, half=half: _k(tmpl, kd, half), sig, only32))
    return jobs
