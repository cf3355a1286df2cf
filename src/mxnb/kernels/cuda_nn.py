"""softmax, log_softmax, LayerNorm, Pooling, Convolution and Deconvolution on mx.gpu().

softmax is three launches over the (outer, n, inner) view of its axis: the
max and the sum of exp((x - max) / t) are reductions (`cuda_reduce`, so a long
axis is shared among threads, in a fixed order), then one elementwise kernel
writes the result; its gradient is a reduction (sum(dy * y), or sum(dy)) and
one elementwise kernel.

LayerNorm is the same pattern: the mean, the squared deviations from it and, in
the backward, sum(dy gamma) and sum(dy gamma (x - mean)) are reductions over the
axis; the normalisation and the gradient are elementwise kernels; gamma's and
beta's gradients are reductions over the other axes. (BatchNorm still runs on
the host: its moving statistics are updated in place by the backward.)

Pooling runs one thread per output element (forward) or per input element
(backward: it gathers from the windows that contain it, in the order the CPU
kernel scatters, so sums match it bit for bit and no atomics are needed).
Max pooling's gradient goes to each window's first maximum, as in MXNet.

Convolution is im2col (one thread per patch-matrix element), one batched
`gemm` over the groups, and a reorder into NCHW with the bias; the input
gradient is a `gemm` and col2im (one thread per input element, gathering its
kernel offsets in the CPU's order), the weight gradient a `gemm` accumulated
over chunks of images, the bias gradient a reduction. Chunks of images keep
the patch matrix within the op's `workspace` megabytes, as on the CPU.

Everything is 2-D: 1-D ops run with H = 1, as on the CPU. float16 computes in
float32; integer data runs on the host (MXNet refuses most of it anyway).
"""
import math  # noqa: F401  (device functions call math.*)

import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, dev, flat, kernel
from .cuda_linalg import gemm
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


def im2col(x, col, n0, nimg, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH, OW):
    """col[(c, kh, kw), (n, oh, ow)] = x[n0 + n, c, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw] or 0."""
    ncol = nimg * OH * OW
    for t in range(cuda.grid(1), col.shape[0], cuda.gridsize(1)):
        q = t % ncol
        row = t // ncol
        kw = row % KW
        r = row // KW
        kh = r % KH
        c = r // KH
        ow = q % OW
        r = q // OW
        oh = r % OH
        n = r // OH
        ih = oh * sh - ph + kh * dh
        iw = ow * sw - pw + kw * dw
        v = T(0)
        if ih >= 0 and ih < H and iw >= 0 and iw < W:
            v = x[((n0 + n) * C + c) * H * W + ih * W + iw]
        col[t] = v


def col2im(col, x, b, n0, nimg, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH, OW, bias):
    """x[n0 + n, c, ih, iw] = sum of the col entries im2col copies from there (+ b[c])."""
    ncol = nimg * OH * OW
    plane = H * W
    for t in range(cuda.grid(1), nimg * C * plane, cuda.gridsize(1)):
        iw = t % W
        r = t // W
        ih = r % H
        r = r // H
        c = r % C
        n = r // C
        acc = T(0)
        for kh in range(KH):
            th = ih + ph - kh * dh
            if th >= 0 and th % sh == 0 and th // sh < OH:
                cb = n * OH * OW + (th // sh) * OW
                for kw in range(KW):
                    tw = iw + pw - kw * dw
                    if tw >= 0 and tw % sw == 0 and tw // sw < OW:
                        acc += col[((c * KH + kh) * KW + kw) * ncol + cb + tw // sw]
        if bias:
            acc += b[c]
        x[n0 * C * plane + t] = acc


def pack(y, D, n0, nimg, F, P):
    """D[f, n*P + p] = y[n0 + n, f, p]: a chunk of NCHW gradients as one (F, nimg*P) matrix."""
    ncol = nimg * P
    for t in range(cuda.grid(1), D.shape[0], cuda.gridsize(1)):
        q = t % ncol
        f = t // ncol
        D[t] = y[((n0 + q // P) * F + f) * P + q % P]


def unpack(Y, y, b, n0, nimg, F, P, bias):
    """y[n0 + n, f, p] = Y[f, n*P + p] (+ b[f]): a chunk's product into NCHW order."""
    for t in range(cuda.grid(1), nimg * F * P, cuda.gridsize(1)):
        p = t % P
        r = t // P
        f = r % F
        v = Y[f * nimg * P + (r // F) * P + p]
        if bias:
            v += b[f]
        y[n0 * F * P + t] = v


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
    from ..ops.nn_pool import pool_geo

    return pool_geo(op, attrs, tuple(x.shape))


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


def _pool_fwd(op, ins, outs, attrs):
    x = ins[0]
    if _is_int(x):
        return op.forward(op, ins, outs, attrs)
    pool_dev(x, _pool_geo(op, attrs, x), outs[0])


def _pool_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    if _is_int(x):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    pool_grad_dev(dys[0], x, _pool_geo(op, attrs, x), dx)
    return [dx]


def _pgrad_fwd(op, ins, outs, attrs):
    g, x = ins
    if _is_int(x):
        return op.forward(op, ins, outs, attrs)
    pool_grad_dev(g, x, _pool_geo(op, attrs, x), outs[0])


def _pgrad_bwd(op, dys, ins, outs, attrs):
    g, x = ins
    if _is_int(x):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    geo = _pool_geo(op, attrs, x)
    r = cuda_launch.empty(tuple(g.shape), g.dtype)
    if geo[11] == 0:
        pool_gather_dev(dys[0], x, geo, r)
    else:
        pool_dev(dys[0], geo, r)
    return [r, None]


def _gather_fwd(op, ins, outs, attrs):
    g, x = ins
    if _is_int(x):
        return op.forward(op, ins, outs, attrs)
    pool_gather_dev(g, x, _pool_geo(op, attrs, x), outs[0])


def _gather_bwd(op, dys, ins, outs, attrs):
    g, x = ins
    if _is_int(x):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    dg = cuda_launch.empty(tuple(x.shape), x.dtype)
    pool_grad_dev(dys[0], x, _pool_geo(op, attrs, x), dg)
    return [dg, None]


# ---------------------------------------------------------------- convolution


def _geo_args(geo, m):
    return (m, geo.C, geo.H, geo.W, geo.KH, geo.KW, geo.sh, geo.sw, geo.ph, geo.pw, geo.dh,
            geo.dw, geo.OH, geo.OW)


def _chunks(geo, cdt, ws_mb):
    from ..ops.nn_conv import _chunks

    return _chunks(geo, cdt, ws_mb)


def conv_fwd_dev(x, w, b, geo, out, ws_mb=1024):
    """out (geo.yshape()) = conv(x, w) + b on device arrays, in float32 or float64."""
    cdt = _cdt(x.dtype, w.dtype)
    P, K = geo.OH * geo.OW, geo.KH * geo.KW
    Fg, CgK = geo.F // geo.G, geo.C // geo.G * K
    xc, wc = flat(as_dtype(x, cdt)), flat(as_dtype(w, cdt))
    bc = wc if b is None else flat(as_dtype(b, cdt))
    y = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    for n0, m in _chunks(geo, cdt, ws_mb):
        col = cuda_launch.empty((geo.C * K * m * P,), cdt)
        launch(_k(im2col, cdt), col.size, xc, col, n0, *_geo_args(geo, m))
        Y = cuda_launch.empty((geo.F * m * P,), cdt)
        gemm(wc, col, Y, Fg, m * P, CgK, batch=geo.G)
        launch(_k(unpack, cdt), m * geo.F * P, Y, flat(y), bc, n0, m, geo.F, P, b is not None)
    if y is not out:
        cuda_launch.cast_into(flat(y), flat(out))


def conv_dgrad_dev(dy, w, geo, out, b=None, ws_mb=1024):
    """out (geo.xshape()) = the transposed convolution of dy with w (+ b per channel)."""
    cdt = _cdt(dy.dtype, w.dtype)
    P, K = geo.OH * geo.OW, geo.KH * geo.KW
    Fg, CgK = geo.F // geo.G, geo.C // geo.G * K
    dyc, wc = flat(as_dtype(dy, cdt)), flat(as_dtype(w, cdt))
    bc = wc if b is None else flat(as_dtype(b, cdt))
    dx = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    for n0, m in _chunks(geo, cdt, ws_mb):
        D = cuda_launch.empty((geo.F * m * P,), cdt)
        launch(_k(pack, cdt), D.size, dyc, D, n0, m, geo.F, P)
        col = cuda_launch.empty((geo.C * K * m * P,), cdt)
        gemm(wc, D, col, CgK, m * P, Fg, ta=True, batch=geo.G)
        launch(_k(col2im, cdt), m * geo.C * geo.H * geo.W, col, flat(dx), bc, n0,
               *_geo_args(geo, m), b is not None)
    if dx is not out:
        cuda_launch.cast_into(flat(dx), flat(out))


def conv_wgrad_dev(x, dy, geo, out, ws_mb=1024):
    """out (geo.wshape()) = the weight gradient: dy times the patches of x, over the images."""
    cdt = _cdt(x.dtype, dy.dtype)
    P, K = geo.OH * geo.OW, geo.KH * geo.KW
    Fg, CgK = geo.F // geo.G, geo.C // geo.G * K
    xc, dyc = flat(as_dtype(x, cdt)), flat(as_dtype(dy, cdt))
    dw = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    for i, (n0, m) in enumerate(_chunks(geo, cdt, ws_mb)):
        col = cuda_launch.empty((geo.C * K * m * P,), cdt)
        launch(_k(im2col, cdt), col.size, xc, col, n0, *_geo_args(geo, m))
        D = cuda_launch.empty((geo.F * m * P,), cdt)
        launch(_k(pack, cdt), D.size, dyc, D, n0, m, geo.F, P)
        gemm(D, col, dw, Fg, CgK, m * P, tb=True, batch=geo.G, accumulate=i > 0)
    if dw is not out:
        cuda_launch.cast_into(flat(dw), flat(out))


def _bias_grad(g, dtype):
    """Sum of g over every axis but 1 (float64 accumulation), as a (channels,) array."""
    db = cuda_launch.empty((g.shape[1],), dtype)
    reduce("sum", g.reshape((g.shape[0], g.shape[1], g.size // (g.shape[0] * g.shape[1]))),
           (0, 2), db)
    return db


def _conv_fwd(op, ins, outs, attrs):
    from ..ops.nn_conv import conv_geo

    if _is_int(*ins):
        return op.forward(op, ins, outs, attrs)
    geo = conv_geo(op, attrs, tuple(ins[0].shape))
    conv_fwd_dev(ins[0], ins[1], ins[2] if len(ins) == 3 else None, geo, outs[0],
                 attrs["workspace"])


def _conv_bwd(op, dys, ins, outs, attrs):
    from ..ops.nn_conv import conv_geo

    if _is_int(*ins):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    x, w, g = ins[0], ins[1], dys[0]
    geo = conv_geo(op, attrs, tuple(x.shape))
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    dw = cuda_launch.empty(tuple(w.shape), w.dtype)
    conv_dgrad_dev(g, w, geo, dx, None, attrs["workspace"])
    conv_wgrad_dev(x, g, geo, dw, attrs["workspace"])
    return [dx, dw] + ([_bias_grad(g, ins[2].dtype)] if len(ins) == 3 else [])


def _deconv_fwd(op, ins, outs, attrs):
    from ..ops.nn_conv import deconv_geo

    if _is_int(*ins):
        return op.forward(op, ins, outs, attrs)
    geo = deconv_geo(op, attrs, tuple(ins[0].shape))
    conv_dgrad_dev(ins[0], ins[1], geo, outs[0], ins[2] if len(ins) == 3 else None,
                   attrs["workspace"])


def _deconv_bwd(op, dys, ins, outs, attrs):
    from ..ops.nn_conv import deconv_geo

    if _is_int(*ins):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    x, w, g = ins[0], ins[1], dys[0]
    geo = deconv_geo(op, attrs, tuple(x.shape))
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    dw = cuda_launch.empty(tuple(w.shape), w.dtype)
    conv_fwd_dev(g, w, None, geo, dx, attrs["workspace"])
    conv_wgrad_dev(g, x, geo, dw, attrs["workspace"])
    return [dx, dw] + ([_bias_grad(g, ins[2].dtype)] if len(ins) == 3 else [])


def _wgrad_geo(op, attrs, x, dy):
    from ..ops.nn_conv import _wgrad_geo

    return _wgrad_geo(op, attrs, x, dy)


def _wgrad_fwd(op, ins, outs, attrs):
    if _is_int(*ins):
        return op.forward(op, ins, outs, attrs)
    conv_wgrad_dev(ins[0], ins[1], _wgrad_geo(op, attrs, ins[0], ins[1]), outs[0])


def _wgrad_bwd(op, dys, ins, outs, attrs):
    if _is_int(*ins):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    x, dy = ins
    geo = _wgrad_geo(op, attrs, x, dy)
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    ddy = cuda_launch.empty(tuple(dy.shape), dy.dtype)
    conv_dgrad_dev(dy, dys[0], geo, dx)
    conv_fwd_dev(x, dys[0], None, geo, ddy)
    return [dx, ddy]


FORWARD = {"softmax": _sm_fwd, "log_softmax": _sm_fwd, "LayerNorm": _ln_fwd,
           "Pooling": _pool_fwd,
           "_pooling_backward": _pgrad_fwd, "_pooling_gather": _gather_fwd,
           "Convolution": _conv_fwd, "Deconvolution": _deconv_fwd, "_conv_wgrad": _wgrad_fwd}
BACKWARD = {"softmax": _sm_bwd, "log_softmax": _sm_bwd, "LayerNorm": _ln_bwd,
            "Pooling": _pool_bwd,
            "_pooling_backward": _pgrad_bwd, "_pooling_gather": _gather_bwd,
            "Convolution": _conv_bwd, "Deconvolution": _deconv_bwd, "_conv_wgrad": _wgrad_bwd}


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
                pool_gather: (a,) * 3 + (i,) * 10, im2col: (a, a) + (i,) * 15,
                col2im: (a,) * 3 + (i,) * 15 + (b,), pack: (a, a) + (i,) * 4,
                unpack: (a,) * 3 + (i,) * 4 + (b,)}
        for tmpl, sig in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         dt == _F32))
    return jobs
