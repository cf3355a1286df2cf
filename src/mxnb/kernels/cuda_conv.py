"""Convolution, Deconvolution and the weight-gradient op on mx.gpu(): im2col + gemm.

Convolution is im2col (one thread per patch-matrix element), one batched
`gemm` over the groups (`cuda_linalg`), and a reorder into NCHW with the bias;
the input gradient (which is Deconvolution's forward) is a `gemm` and col2im
(one thread per input element, gathering its kernel offsets in the CPU's
order: no atomics), the weight gradient a `gemm` accumulated over chunks of
images, the bias gradient a reduction (`cuda_reduce`). Chunks of images keep
the patch matrix within the op's `workspace` megabytes, as on the CPU.

Everything is 2-D: 1-D ops run with H = 1, as on the CPU. float16 computes in
float32; integer data runs on the host (MXNet refuses most of it anyway).
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, flat, kernel
from .cuda_linalg import gemm
from .cuda_reduce import reduce

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, cuda are bound per kernel)


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
    return kernel(template, dtype.name, T=dtype.type)


def _cdt(*dts):
    return _F64 if any(np.dtype(d) == _F64 for d in dts) else _F32


def _is_int(*arrs):
    return any(np.dtype(a.dtype).kind != "f" for a in arrs)


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


FORWARD = {"Convolution": _conv_fwd, "Deconvolution": _deconv_fwd, "_conv_wgrad": _wgrad_fwd}
BACKWARD = {"Convolution": _conv_bwd, "Deconvolution": _deconv_bwd, "_conv_wgrad": _wgrad_bwd}


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
        sigs = {im2col: (a, a) + (i,) * 15, col2im: (a,) * 3 + (i,) * 15 + (b,),
                pack: (a, a) + (i,) * 4, unpack: (a,) * 3 + (i,) * 4 + (b,)}
        for tmpl, sig in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         dt == _F32))
    return jobs
