"""softmax, log_softmax, LayerNorm and Pooling on mx.gpu() (Convolution: `cuda_conv`).

softmax is three launches over the (outer, n, inner) view of its axis: the
max and the sum of exp((x - max) / t) are reductions (`cuda_reduce`, so a long
axis is shared among threads, in a fixed order), then one elementwise kernel
writes the result; its gradient is a reduction (sum(dy * y), or sum(dy)) and
one elementwise kernel.

LayerNorm is the same pattern: the mean, the squared deviations from it and, in
the backward, sum(dy gamma) and sum(dy gamma (x - mean)) are reductions over the
axis; the normalisation and the gradient are elementwise kernels; gamma's and
beta's gradients are reductions over the other axes. (BatchNorm, whose backward
also updates the moving statistics in place, has its own kernels: `cuda_bn`.)

Pooling runs one thread per output element (forward) or per input element
(backward: it gathers from the windows that contain it, in the order the CPU
kernel scatters, so sums match it bit for bit and no atomics are needed).
Max pooling's gradient goes to each window's first maximum, as in MXNet.

Pooling is 2-D: 1-D runs with H = 1, as on the CPU. float16 computes in float32;
integer data runs on the host.
"""
import math  # noqa: F401  (device functions call math.*)

import numpy as np

from . import cuda_conv, cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, dev, flat, kernel
from .cuda_reduce import reduce, run_pass

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, NEG_INF, ARGMAX, cuda are bound per kernel)


def softmax_apply(x, m, s, out, n, inner, c, logmode):
    """out = exp((x - m) * c) / s, or (x - m) * c - log(s) (m, s per (outer, inner))."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        j = (i // (n * inner)) * inner + i % inner
        d = (x[i] - m[j]) * c
        if logmode:
            out[i] = d - math.log(s[j])
        else:
            out[i] = math.exp(d) * (T(1) / s[j])


def softmax_grad(dy, y, s, dx, n, inner, c, logmode):
    """dx of softmax (y * (dy - s), s = sum(dy y)) or log_softmax (dy - exp(y) s, s = sum(dy))."""
    for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        j = (i // (n * inner)) * inner + i % inner
        if logmode:
            dx[i] = (dy[i] - math.exp(y[i]) * s[j]) * c
        else:
            dx[i] = y[i] * (dy[i] - s[j]) * c


def ln_std(var, std, eps):
    """std = sqrt(var + eps), in the compute type (as the CPU)."""
    for i in range(cuda.grid(1), var.shape[0], cuda.gridsize(1)):
        std[i] = math.sqrt(var[i] + eps)


def ln_apply(x, mean, std, gamma, beta, out, n, inner):
    """out = (x - mean) / std * gamma + beta along the normalised axis."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        q = i // inner
        jj = q % n
        j = (q // n) * inner + i % inner
        out[i] = (x[i] - mean[j]) * (T(1) / std[j]) * gamma[jj] + beta[jj]


def ln_scale(dy, gamma, gg, n, inner):
    """gg = dy * gamma along the normalised axis."""
    for i in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        gg[i] = dy[i] * gamma[(i // inner) % n]


def ln_grad(gg, x, mean, std, s1, s2, dy, dx, gx, n, inner):
    """dx = inv (gg - s1/n - xhat s2 inv/n); gx = dy xhat (for gamma's gradient)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        j = (i // (n * inner)) * inner + i % inner
        inv = T(1) / std[j]
        xh = (x[i] - mean[j]) * inv
        dx[i] = inv * (gg[i] - s1[j] / T(n) - xh * (s2[j] * inv / T(n)))
        gx[i] = dy[i] * xh


def _window_argmax(x, base, W, hs, he, ws, we):
    """Flat in-plane index of the first maximum of a window (NaN counts as largest), or -1."""
    best = -1
    m = T(0)
    for ih in range(hs, he):
        for iw in range(ws, we):
            v = x[base + ih * W + iw]
            if best < 0 or v > m or (v != v and m == m):
                m = v
                best = ih * W + iw
    return best


def pool_fwd(x, y, H, W, OH, OW, KH, KW, sh, sw, ph, pw, mode, cip):
    """Max (mode 0), average (1) or sum (2) pooling, one thread per output element."""
    for t in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        ow = t % OW
        r = t // OW
        oh = r % OH
        base = (r // OH) * H * W
        h0 = oh * sh - ph
        h1 = min(h0 + KH, H + ph)
        hs = max(h0, 0)
        he = min(h1, H)
        w0 = ow * sw - pw
        w1 = min(w0 + KW, W + pw)
        ws = max(w0, 0)
        we = min(w1, W)
        if mode == 0:
            m = NEG_INF
            for ih in range(hs, he):
                for iw in range(ws, we):
                    v = x[base + ih * W + iw]
                    if v > m or v != v:
                        m = v
            y[t] = m
        else:
            s = T(0)
            for ih in range(hs, he):
                for iw in range(ws, we):
                    s += x[base + ih * W + iw]
            if mode == 1:
                cnt = (h1 - h0) * (w1 - w0) if cip else (he - hs) * (we - ws)
                s = s / T(max(cnt, 1))
            y[t] = s


def pool_bwd(dy, x, dx, H, W, OH, OW, KH, KW, sh, sw, ph, pw, mode, cip):
    """dx of pooling, one thread per input element gathering from the windows holding it."""
    for t in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        iw = t % W
        r = t // W
        ih = r % H
        p = r // H
        base = p * H * W
        gb = p * OH * OW
        me = ih * W + iw
        oh0 = max(0, (ih + ph - KH) // sh + 1)
        oh1 = min(OH - 1, (ih + ph) // sh)
        ow0 = max(0, (iw + pw - KW) // sw + 1)
        ow1 = min(OW - 1, (iw + pw) // sw)
        acc = T(0)
        for oh in range(oh0, oh1 + 1):
            h0 = oh * sh - ph
            h1 = min(h0 + KH, H + ph)
            hs = max(h0, 0)
            he = min(h1, H)
            for ow in range(ow0, ow1 + 1):
                w0 = ow * sw - pw
                w1 = min(w0 + KW, W + pw)
                ws = max(w0, 0)
                we = min(w1, W)
                g = dy[gb + oh * OW + ow]
                if mode == 0:
                    if ARGMAX(x, base, W, hs, he, ws, we) == me:
                        acc += g
                else:
                    if mode == 1:
                        cnt = (h1 - h0) * (w1 - w0) if cip else (he - hs) * (we - ws)
                        g = g / T(max(cnt, 1))
                    acc += g
        dx[t] = acc


def pool_gather(g, x, y, H, W, OH, OW, KH, KW, sh, sw, ph, pw):
    """y[window] = g at the window's first maximum of x (the adjoint of max pooling's dx)."""
    for t in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        ow = t % OW
        r = t // OW
        oh = r % OH
        base = (r // OH) * H * W
        h0 = oh * sh - ph
        w0 = ow * sw - pw
        k = ARGMAX(x, base, W, max(h0, 0), min(h0 + KH, H), max(w0, 0), min(w0 + KW, W))
        y[t] = g[base + k] if k >= 0 else T(0)


def _k(template, dtype):
    dtype = np.dtype(dtype)
    return kernel(template, dtype.name, T=dtype.type, NEG_INF=dtype.type(-np.inf),
                  ARGMAX=dev(_window_argmax, T=dtype.type))


# ---------------------------------------------------------------- softmax


def _cdt(*dts):
    return _F64 if any(np.dtype(d) == _F64 for d in dts) else _F32


def _sm_geometry(op, x, attrs):
    from ..ops import nn_softmax as S

    return S.geometry(tuple(x.shape), S._axis(op, attrs, x)), S._invt(attrs)


def _sm_fwd(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    if x.size == 0:
        return
    (outer, n, inner), invt = _sm_geometry(op, x, attrs)
    cdt = _cdt(x.dtype, out.dtype)
    xc = flat(as_dtype(x, cdt))
    m = cuda_launch.empty((outer * inner,), cdt)
    s = cuda_launch.empty((outer * inner,), cdt)
    run_pass("max", xc, m, outer, n, inner)
    run_pass("sumexp", xc, s, outer, n, inner, shift=m, c=invt)
    oc = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    launch(_k(softmax_apply, cdt), x.size, xc, m, s, flat(oc), n, inner, cdt.type(invt),
           op.name == "log_softmax")
    if oc is not out:
        cuda_launch.cast_into(flat(oc), flat(out))


def _sm_bwd(op, dys, ins, outs, attrs):
    x, y, dy = ins[0], outs[0], dys[0]
    (outer, n, inner), invt = _sm_geometry(op, x, attrs)
    cdt = _cdt(x.dtype, y.dtype, dy.dtype)
    dyc, yc = flat(as_dtype(dy, cdt)), flat(as_dtype(y, cdt))
    logmode = op.name == "log_softmax"
    s = cuda_launch.empty((outer * inner,), cdt)
    dx = cuda_launch.empty(tuple(x.shape), cdt)
    if x.size:
        if logmode:
            run_pass("sum", dyc, s, outer, n, inner)
        else:
            run_pass("sumprod", dyc, s, outer, n, inner, x2=yc)
        launch(_k(softmax_grad, cdt), x.size, dyc, yc, s, flat(dx), n, inner, cdt.type(invt),
               logmode)
    return [as_dtype(dx, x.dtype)]


# ---------------------------------------------------------------- LayerNorm


def _ln_geometry(op, x, attrs):
    from ..ops import nn_norm as N
    from ..ops.nn_softmax import geometry

    ax = N._ln_axis(op, attrs, x)
    return ax, geometry(tuple(x.shape), ax)


def _out_into(tmp, out):
    if tmp is not out:
        cuda_launch.cast_into(flat(tmp), flat(out))


def _ln_fwd(op, ins, outs, attrs):
    x, gamma, beta = ins
    if x.size == 0:
        return op.forward(op, ins, outs, attrs)
    _, (outer, n, inner) = _ln_geometry(op, x, attrs)
    cdt = _cdt(x.dtype)
    xc = flat(as_dtype(x, cdt))
    same = np.dtype(outs[0].dtype) == cdt
    y, mean, std = (o if same else cuda_launch.empty(tuple(o.shape), cdt) for o in outs)
    run_pass("sum", xc, flat(mean), outer, n, inner, n, 1)
    var = cuda_launch.empty((outer * inner,), cdt)
    run_pass("sqdev", xc, var, outer, n, inner, n, 1, shift=flat(mean))
    launch(_k(ln_std, cdt), var.size, var, flat(std), cdt.type(float(attrs["eps"])))
    launch(_k(ln_apply, cdt), x.size, xc, flat(mean), flat(std), flat(as_dtype(gamma, cdt)),
           flat(as_dtype(beta, cdt)), flat(y), n, inner)
    for t, o in zip((y, mean, std), outs):
        _out_into(t, o)


def _ln_bwd(op, dys, ins, outs, attrs):
    x, gamma, beta = ins
    if x.size == 0:
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    ax, (outer, n, inner) = _ln_geometry(op, x, attrs)
    cdt = _cdt(x.dtype)
    xc, dyc = flat(as_dtype(x, cdt)), flat(as_dtype(dys[0], cdt))
    mean, std = flat(as_dtype(outs[1], cdt)), flat(as_dtype(outs[2], cdt))
    gg = cuda_launch.empty((x.size,), cdt)
    launch(_k(ln_scale, cdt), x.size, dyc, flat(as_dtype(gamma, cdt)), gg, n, inner)
    s1 = cuda_launch.empty((outer * inner,), cdt)
    s2 = cuda_launch.empty((outer * inner,), cdt)
    run_pass("sum", gg, s1, outer, n, inner)
    run_pass("muldev", xc, s2, outer, n, inner, x2=gg, shift=mean)
    dx = cuda_launch.empty(tuple(x.shape), cdt)
    gx = cuda_launch.empty(tuple(x.shape), cdt)
    launch(_k(ln_grad, cdt), x.size, gg, xc, mean, std, s1, s2, dyc, flat(dx), flat(gx), n, inner)
    others = tuple(d for d in range(len(x.shape)) if d != ax)
    dgamma = cuda_launch.empty((n,), gamma.dtype)
    dbeta = cuda_launch.empty((n,), gamma.dtype)
    reduce("sum", gx, others, dgamma)
    reduce("sum", dyc.reshape(tuple(x.shape)), others, dbeta)
    return [as_dtype(dx, x.dtype), dgamma, dbeta]


# ---------------------------------------------------------------- pooling


def _pool_geo(op, attrs, x):
    """The kernels' flat geometry (planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw, mode, cip),
    or None where the device kernels do not apply (integer data, lp pooling, channels-last
    layouts, 3-D pooling's two passes, 'same' windows): those run through the host."""
    from ..ops.nn_pool import pool_geo

    geo = pool_geo(op, attrs, tuple(x.shape))  # validates, raising MXNet's errors
    if (_is_int(x) or geo.p or geo.last or len(geo.passes) != 1
            or attrs.get("pooling_convention") == "same"):
        return None
    return geo.passes[0]


def _pool_cdt(dtype):
    return _F64 if np.dtype(dtype) == _F64 else _F32


def pool_dev(x, geo, out):
    """Pooling of device array x into `out` (geometry from `ops.nn_pool.pool_geo`)."""
    cdt = _pool_cdt(x.dtype)
    y = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    if out.size:
        launch(_k(pool_fwd, cdt), out.size, flat(as_dtype(x, cdt)), flat(y), *geo[1:])
    if y is not out:
        cuda_launch.cast_into(flat(y), flat(out))


def pool_grad_dev(dy, x, geo, out):
    """Pooling's input gradient from dy, into `out` (x's shape)."""
    cdt = _pool_cdt(x.dtype)
    dx = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    if x.size:
        launch(_k(pool_bwd, cdt), x.size, flat(as_dtype(dy, cdt)), flat(as_dtype(x, cdt)),
               flat(dx), *geo[1:])
    if dx is not out:
        cuda_launch.cast_into(flat(dx), flat(out))


def pool_gather_dev(g, x, geo, out):
    cdt = _pool_cdt(x.dtype)
    y = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    if out.size:
        launch(_k(pool_gather, cdt), out.size, flat(as_dtype(g, cdt)), flat(as_dtype(x, cdt)),
               flat(y), *geo[1:11])
    if y is not out:
        cuda_launch.cast_into(flat(y), flat(out))


def _is_int(*arrs):
    return any(np.dtype(a.dtype).kind != "f" for a in arrs)


def _device_fwd(run):
    """A pooling op's forward: `run(geo, ins, out)` on the device, else through the host.
    The data is the last input of each (Pooling's only one; the gradient ops' second)."""
    def impl(op, ins, outs, attrs):
        geo = _pool_geo(op, attrs, ins[-1])
        if geo is None:
            return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
        run(geo, ins, outs[0])
    return impl


def _device_bwd(run):
    """A pooling op's fused backward: `run(geo, dy, ins)` on the device, else the host's."""
    def impl(op, dys, ins, outs, attrs):
        geo = _pool_geo(op, attrs, ins[-1])
        if geo is None:
            return cuda_launch.host_backward(op, dys, ins, outs, attrs)
        return run(geo, dys[0], ins)
    return impl


def _like(a):
    return cuda_launch.empty(tuple(a.shape), a.dtype)


def _pool_dx(geo, dy, ins):
    dx = _like(ins[0])
    pool_grad_dev(dy, ins[0], geo, dx)
    return [dx]


def _pgrad_dg(geo, dy, ins):
    g, x = ins
    r = _like(g)
    if geo[11] == 0:
        pool_gather_dev(dy, x, geo, r)
    else:
        pool_dev(dy, geo, r)
    return [r, None]


def _gather_dg(geo, dy, ins):
    dg = _like(ins[1])
    pool_grad_dev(dy, ins[1], geo, dg)
    return [dg, None]


_pool_fwd = _device_fwd(lambda geo, ins, out: pool_dev(ins[0], geo, out))
_pgrad_fwd = _device_fwd(lambda geo, ins, out: pool_grad_dev(ins[0], ins[1], geo, out))
_gather_fwd = _device_fwd(lambda geo, ins, out: pool_gather_dev(ins[0], ins[1], geo, out))
_pool_bwd, _pgrad_bwd, _gather_bwd = map(_device_bwd, (_pool_dx, _pgrad_dg, _gather_dg))


FORWARD = {"softmax": _sm_fwd, "log_softmax": _sm_fwd, "LayerNorm": _ln_fwd,
           "Pooling": _pool_fwd,
           "_pooling_backward": _pgrad_fwd, "_pooling_gather": _gather_fwd}
BACKWARD = {"softmax": _sm_bwd, "log_softmax": _sm_bwd, "LayerNorm": _ln_bwd,
            "Pooling": _pool_bwd,
            "_pooling_backward": _pgrad_bwd, "_pooling_gather": _gather_bwd}
FORWARD.update(cuda_conv.FORWARD)
BACKWARD.update(cuda_conv.BACKWARD)


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i, b = types.int64, types.boolean
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        s = from_dtype(dt)
        sigs = {softmax_apply: (a,) * 4 + (i, i, s, b), softmax_grad: (a,) * 4 + (i, i, s, b),
                ln_std: (a, a, s), ln_apply: (a,) * 6 + (i, i), ln_scale: (a,) * 3 + (i, i),
                ln_grad: (a,) * 9 + (i, i),
                pool_fwd: (a, a) + (i,) * 11 + (b,), pool_bwd: (a,) * 3 + (i,) * 11 + (b,),
                pool_gather: (a,) * 3 + (i,) * 10}
        for tmpl, sig in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         dt == _F32))
    return jobs + cuda_conv.ptx_jobs(dtypes)
