"""Convolution and Deconvolution (1-D and 2-D, NCW / NCHW), with groups, stride, pad, dilation.

Three ops close the set under differentiation, so every order works:
conv(x, w) = Convolution; its input gradient is a transposed convolution,
which is exactly `Deconvolution(dy, w)` with the same geometry; its weight
gradient is `_conv_wgrad(x, dy)`. Each one's VJP is written with the other
two. The kernels (`kernels/nn_conv_kernels.py`) run im2col on a few images at
a time and multiply with NumPy's BLAS matmul.

Geometry is kept as a `Geo`: the convolution that maps an input of C
channels and H x W pixels to F channels and OH x OW (for a Deconvolution, the
convolution it is the transpose of).
"""
from typing import NamedTuple

import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .nn import check_inputs, shape_attr
from .registry import Op, fmt_shape, register

_K = []
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_COL_BYTES = 8 << 20  # patch matrix per chunk of images: small enough to stay in cache


def kernels():
    if not _K:
        from ..kernels import nn_conv_kernels, nn_kernels

        _K[:] = [nn_kernels, nn_conv_kernels]
    return _K


class Geo(NamedTuple):
    """A 2-D convolution from (N, C, H, W) to (N, F, OH, OW); 1-D ops have H = KH = 1."""
    ndim: int
    N: int
    C: int
    H: int
    W: int
    F: int
    G: int
    KH: int
    KW: int
    sh: int
    sw: int
    ph: int
    pw: int
    dh: int
    dw: int
    OH: int
    OW: int

    def xshape(self):
        return (self.N, self.C) + ((self.H, self.W) if self.ndim == 2 else (self.W,))

    def yshape(self):
        return (self.N, self.F) + ((self.OH, self.OW) if self.ndim == 2 else (self.OW,))

    def wshape(self):
        k = (self.KH, self.KW) if self.ndim == 2 else (self.KW,)
        return (self.F, self.C // self.G) + k


def _pad2(t, fill):
    return (fill,) + t if len(t) == 1 else t


def spatial_params(op, attrs):
    """kernel, stride, dilate, pad as tuples of the kernel's length (1 or 2)."""
    kernel = shape_attr(op.name, "kernel", attrs["kernel"], len(_as_tuple(attrs["kernel"])))
    nsp = len(kernel)
    if nsp not in (1, 2):
        raise MXNetError(f"{op.name}: only 1-D and 2-D kernels are supported, got kernel "
                         f"{kernel}")
    stride = shape_attr(op.name, "stride", attrs["stride"], nsp, 1)
    dilate = shape_attr(op.name, "dilate", attrs["dilate"], nsp, 1)
    pad = shape_attr(op.name, "pad", attrs["pad"], nsp, 0)
    for name, v, lo in (("kernel", kernel, 1), ("stride", stride, 1), ("dilate", dilate, 1),
                        ("pad", pad, 0)):
        if any(d < lo for d in v):
            raise MXNetError(f"{op.name}: incorrect {name} size: {v}")
    return kernel, stride, dilate, pad


def _as_tuple(v):
    return (v,) if isinstance(v, (int, np.integer)) else tuple(v)


def _layout(op, attrs, nsp):
    lay = attrs.get("layout")
    if lay not in (None, "None", ("NCW" if nsp == 1 else "NCHW")):
        raise MXNetError(f"{op.name}: layout {lay} is not supported (mxnb runs NCW and NCHW on "
                         "the CPU)")


def _data_check(op, x, nsp):
    if x.ndim != nsp + 2:
        want = "3D in batch-num_filter-x" if nsp == 1 else "4D in batch-num_filter-y-x"
        raise MXNetError(f"{op.name}: Input data should be {want}, got data shape "
                         f"{fmt_shape(x.shape)} for a {nsp}-D kernel")


def _groups(op, attrs, c, f):
    g = int(attrs["num_group"])
    if g < 1 or c % g or f % g:
        raise MXNetError(f"{op.name}: num_group {g} must divide the input channels {c} and "
                         f"num_filter {f}")
    return g


def conv_geo(op, attrs, xshape):
    """The Geo of Convolution(attrs) on data of shape xshape (checks MXNet's rules)."""
    kernel, stride, dilate, pad = spatial_params(op, attrs)
    nsp = len(kernel)
    f = int(attrs["num_filter"])
    n, c = xshape[0], xshape[1]
    g = _groups(op, attrs, c, f)
    sp = _pad2(tuple(xshape[2:]), 1)
    kh, kw = _pad2(kernel, 1)
    sh, sw = _pad2(stride, 1)
    dh, dw = _pad2(dilate, 1)
    ph, pw = _pad2(pad, 0)
    out = []
    for size, k, s, d, p in ((sp[0], kh, sh, dh, ph), (sp[1], kw, sw, dw, pw)):
        dk = d * (k - 1) + 1
        if dk > size + 2 * p:
            raise MXNetError(f"{op.name}: kernel size exceed input: dilated kernel {dk} > input "
                             f"{size} padded to {size + 2 * p} (data shape {fmt_shape(xshape)})")
        out.append((size + 2 * p - dk) // s + 1)
    return Geo(nsp, n, c, sp[0], sp[1], f, g, kh, kw, sh, sw, ph, pw, dh, dw, out[0], out[1])


def _cdt(*dts):
    return _F64 if any(np.dtype(d) == _F64 or np.dtype(d).kind in "iu" for d in dts) else _F32


def _chunk(geo, cdt):
    per = (geo.C * geo.KH * geo.KW) * (geo.OH * geo.OW) * cdt.itemsize
    return max(1, min(geo.N, _COL_BYTES // max(per, 1)))


def _pointwise(geo):
    return (geo.KH == geo.KW == 1 and geo.sh == geo.sw == 1 and geo.ph == geo.pw == 0)


def _im2col_args(geo, nb):
    return (nb, geo.C, geo.H, geo.W, geo.KH, geo.KW, geo.sh, geo.sw, geo.ph, geo.pw, geo.dh,
            geo.dw, geo.OH, geo.OW)


def conv_forward_raw(x, w, b, geo):
    """y = conv(x, w) + b on raw arrays, in the compute dtype (float32, or float64)."""
    nk, ck = kernels()
    cdt = _cdt(x.dtype, w.dtype)
    G, Fg, Cg, K, P = geo.G, geo.F // geo.G, geo.C // geo.G, geo.KH * geo.KW, geo.OH * geo.OW
    xf = np.ascontiguousarray(x, dtype=cdt).reshape(-1)
    w3 = np.ascontiguousarray(w, dtype=cdt).reshape(G, Fg, Cg * K)
    y = np.empty((geo.N, geo.F, P), cdt)
    if _pointwise(geo):
        x4 = xf.reshape(geo.N, G, Cg, P)
        for g in range(G):
            np.matmul(w3[g], x4[:, g], out=y[:, g * Fg:(g + 1) * Fg])
    else:
        nb = _chunk(geo, cdt)
        col = np.empty((nb, geo.C * K, P), cdt)
        for n0 in range(0, geo.N, nb):
            m = min(nb, geo.N - n0)
            nk.run(ck.im2col, m * geo.C * geo.H * geo.W, 1, cdt,
                   xf[n0 * geo.C * geo.H * geo.W:], col.reshape(-1), *_im2col_args(geo, m))
            for g in range(G):
                np.matmul(w3[g], col[:m, g * Cg * K:(g + 1) * Cg * K],
                          out=y[n0:n0 + m, g * Fg:(g + 1) * Fg])
    if b is not None:
        y += np.asarray(b, dtype=cdt).reshape(1, -1, 1)
    return y


def conv_dgrad_raw(dy, w, geo):
    """The transposed convolution: dx (shape geo.xshape()) from dy (geo.yshape()) and w."""
    nk, ck = kernels()
    cdt = _cdt(dy.dtype, w.dtype)
    G, Fg, Cg, K, P = geo.G, geo.F // geo.G, geo.C // geo.G, geo.KH * geo.KW, geo.OH * geo.OW
    dy3 = np.ascontiguousarray(dy, dtype=cdt).reshape(geo.N, geo.F, P)
    w3 = np.ascontiguousarray(w, dtype=cdt).reshape(G, Fg, Cg * K)
    dx = np.empty(geo.N * geo.C * geo.H * geo.W, cdt)
    if _pointwise(geo):
        d4 = dx.reshape(geo.N, G, Cg, P)
        for g in range(G):
            np.matmul(w3[g].T, dy3[:, g * Fg:(g + 1) * Fg], out=d4[:, g])
        return dx
    nb = _chunk(geo, cdt)
    col = np.empty((nb, geo.C * K, P), cdt)
    plane = geo.C * geo.H * geo.W
    for n0 in range(0, geo.N, nb):
        m = min(nb, geo.N - n0)
        for g in range(G):
            np.matmul(w3[g].T, dy3[n0:n0 + m, g * Fg:(g + 1) * Fg],
                      out=col[:m, g * Cg * K:(g + 1) * Cg * K])
        nk.run(ck.col2im, m * plane, 1, cdt, col.reshape(-1), dx[n0 * plane:(n0 + m) * plane],
               *_im2col_args(geo, m))
    return dx


def conv_wgrad_raw(x, dy, geo):
    """The weight gradient: sum over images of dy times the patches of x (shape geo.wshape())."""
    nk, ck = kernels()
    cdt = _cdt(x.dtype, dy.dtype)
    G, Fg, Cg, K, P = geo.G, geo.F // geo.G, geo.C // geo.G, geo.KH * geo.KW, geo.OH * geo.OW
    xf = np.ascontiguousarray(x, dtype=cdt).reshape(-1)
    dy3 = np.ascontiguousarray(dy, dtype=cdt).reshape(geo.N, geo.F, P)
    dw = np.zeros((G, Fg, Cg * K), cdt)
    if _pointwise(geo):
        x4 = xf.reshape(geo.N, G, Cg, P)
        for g in range(G):
            dw[g] = np.matmul(dy3[:, g * Fg:(g + 1) * Fg], x4[:, g].transpose(0, 2, 1)).sum(0)
        return dw
    nb = _chunk(geo, cdt)
    col = np.empty((nb, geo.C * K, P), cdt)
    for n0 in range(0, geo.N, nb):
        m = min(nb, geo.N - n0)
        nk.run(ck.im2col, m * geo.C * geo.H * geo.W, 1, cdt, xf[n0 * geo.C * geo.H * geo.W:],
               col.reshape(-1), *_im2col_args(geo, m))
        for g in range(G):
            part = np.matmul(dy3[n0:n0 + m, g * Fg:(g + 1) * Fg],
                             col[:m, g * Cg * K:(g + 1) * Cg * K].transpose(0, 2, 1))
            dw[g] += part.sum(0) if m > 1 else part[0]
    return dw


# ---------------------------------------------------------------- Convolution

_CONV_ATTRS = (("kernel", None), ("stride", ()), ("dilate", ()), ("pad", ()),
               ("num_filter", None), ("num_group", 1), ("workspace", 1024), ("no_bias", False),
               ("cudnn_tune", "None"), ("cudnn_off", False), ("layout", "None"))


def _check_param(op, name, a, want, dtype):
    if tuple(a.shape) != tuple(want):
        raise MXNetError(f"{op.name}: Shape inconsistent, {name} has shape {fmt_shape(a.shape)} "
                         f"but the data and attributes need {fmt_shape(want)}")
    if np.dtype(a.dtype) != dtype:
        raise MXNetError(f"{op.name}: This layer requires uniform type. Expected "
                         f"'{dtype.name}' v.s. given '{np.dtype(a.dtype).name}' at '{name}'")


def _conv_infer(op, inputs, attrs):
    names = ("data", "weight") if attrs["no_bias"] else ("data", "weight", "bias")
    check_inputs(op, inputs, names)
    x = inputs[0]
    kernel = _as_tuple(attrs["kernel"])
    _data_check(op, x, len(kernel))
    _layout(op, attrs, len(kernel))
    geo = conv_geo(op, attrs, x.shape)
    dt = np.dtype(x.dtype)
    _check_param(op, "weight", inputs[1], geo.wshape(), dt)
    if len(inputs) == 3:
        _check_param(op, "bias", inputs[2], (geo.F,), dt)
    return [(geo.yshape(), dt)]


def _conv_forward(op, ins, outs, attrs):
    geo = conv_geo(op, attrs, ins[0].shape)
    y = conv_forward_raw(ins[0], ins[1], ins[2] if len(ins) == 3 else None, geo)
    np.copyto(outs[0], y.reshape(outs[0].shape), casting="unsafe")


def _geo_attrs(geo):
    """kernel, stride, dilate, pad of a Geo as op attributes."""
    def pick(a, b):
        return (a, b) if geo.ndim == 2 else (b,)
    return dict(kernel=pick(geo.KH, geo.KW), stride=pick(geo.sh, geo.sw),
                dilate=pick(geo.dh, geo.dw), pad=pick(geo.ph, geo.pw), num_group=geo.G)


def _adj(geo):
    """Deconvolution's adj that gives back the convolution's input size."""
    def one(size, k, s, d, p):
        return (size + 2 * p - d * (k - 1) - 1) % s
    a = (one(geo.H, geo.KH, geo.sh, geo.dh, geo.ph), one(geo.W, geo.KW, geo.sw, geo.dw, geo.pw))
    return a if geo.ndim == 2 else a[1:]


def _bias_grad(g, f):
    keep = (1, f) + (1,) * (g.ndim - 2)
    return nd.reshape(nd._sum_to(g, shape=keep), shape=(f,))


def _conv_backward(op, dys, ins, outs, attrs):
    x, w = ins[0], ins[1]
    geo = conv_geo(op, attrs, x.shape)
    dy = dys[0]
    dx = conv_dgrad_raw(dy, w, geo).reshape(x.shape).astype(x.dtype, copy=False)
    dw = conv_wgrad_raw(x, dy, geo).reshape(w.shape).astype(w.dtype, copy=False)
    res = [dx, dw]
    if len(ins) == 3:
        axes = (0,) + tuple(range(2, dy.ndim))
        res.append(dy.sum(axis=axes, dtype=np.float64).astype(ins[2].dtype))
    return res


def _conv_vjp(op, dys, ins, outs, attrs):
    x, w, g = ins[0], ins[1], dys[0]
    geo = conv_geo(op, attrs, x.shape)
    ga = _geo_attrs(geo)
    dx = nd.Deconvolution(g, w, adj=_adj(geo), num_filter=geo.C, no_bias=True, **ga)
    dw = nd._conv_wgrad(x, g, **ga)
    return [dx, dw] + ([_bias_grad(g, geo.F)] if len(ins) == 3 else [])


register(Op("Convolution", ("data", "weight", "bias"), optional_inputs=("bias",),
            attrs=_CONV_ATTRS, infer=_conv_infer, forward=_host(_conv_forward),
            backward=_conv_backward, vjp=_conv_vjp,
            test={"cases": [
                {"shapes": [(2, 4, 5, 4), (4, 2, 3, 2), (4,)],
                 "attrs": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0), dilate=(1, 2),
                               num_filter=4, num_group=2)},
                {"inputs": lambda rng: [rng.uniform(-1, 1, (2, 3, 7)), rng.uniform(-1, 1, (2, 3, 3))],
                 "attrs": dict(kernel=(3,), stride=(2,), pad=(1,), num_filter=2, no_bias=True)}]},
            doc="""1-D or 2-D convolution (NCW / NCHW) with stride, pad, dilate and groups.

weight has shape (num_filter, channels / num_group, *kernel).

>>> x = mx.nd.ones((1, 1, 3, 3))
>>> mx.nd.Convolution(x, mx.nd.ones((1, 1, 2, 2)), kernel=(2, 2), num_filter=1, no_bias=True)
[[[[4. 4.]
   [4. 4.]]]]"""))

# ---------------------------------------------------------------- Deconvolution

_DECONV_ATTRS = (("kernel", None), ("stride", ()), ("dilate", ()), ("pad", ()), ("adj", ()),
                 ("target_shape", ()), ("num_filter", None), ("num_group", 1),
                 ("workspace", 512), ("no_bias", True), ("cudnn_tune", "None"),
                 ("cudnn_off", False), ("layout", "None"))


def deconv_geo(op, attrs, xshape):
    """The Geo of the convolution whose transpose is Deconvolution(attrs) on data xshape."""
    kernel, stride, dilate, pad = spatial_params(op, attrs)
    nsp = len(kernel)
    adj = shape_attr(op.name, "adj", attrs["adj"], nsp, 0)
    target = attrs["target_shape"]
    target = shape_attr(op.name, "target_shape", target, nsp) if target not in ((), None) else None
    f = int(attrs["num_filter"])
    n, cin = xshape[0], xshape[1]
    g = _groups(op, attrs, cin, f)
    sp = tuple(xshape[2:])
    size, pads = [], []
    for i in range(nsp):
        s, d, k = stride[i], dilate[i], kernel[i]
        full = s * (sp[i] - 1) + d * (k - 1) + 1
        if target is not None and any(target):
            if full < target[i]:
                raise MXNetError(f"{op.name}: too big target shape {target} for data "
                                 f"{fmt_shape(xshape)}: at most {full} on axis {i}")
            tot = full - target[i]
            a, p = tot % 2, (tot + 1) // 2
        else:
            a, p = adj[i], pad[i]
            if a >= s:
                raise MXNetError(f"{op.name}: adj {adj} must be smaller than stride {stride}")
        o = full - 2 * p + a
        if o < 1:
            raise MXNetError(f"{op.name}: the output would be empty: pad {pad} too large for "
                             f"data {fmt_shape(xshape)} and kernel {kernel}")
        size.append(o)
        pads.append(p)
    kh, kw = _pad2(kernel, 1)
    sh, sw = _pad2(stride, 1)
    dh, dw = _pad2(dilate, 1)
    ph, pw = _pad2(tuple(pads), 0)
    h, w = _pad2(tuple(size), 1)
    oh, ow = _pad2(sp, 1)
    return Geo(nsp, n, f, h, w, cin, g, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow)


def _deconv_infer(op, inputs, attrs):
    names = ("data", "weight") if attrs["no_bias"] else ("data", "weight", "bias")
    check_inputs(op, inputs, names)
    x = inputs[0]
    kernel = _as_tuple(attrs["kernel"])
    _data_check(op, x, len(kernel))
    _layout(op, attrs, len(kernel))
    geo = deconv_geo(op, attrs, x.shape)
    dt = np.dtype(x.dtype)
    _check_param(op, "weight", inputs[1], geo.wshape(), dt)
    if len(inputs) == 3:
        _check_param(op, "bias", inputs[2], (geo.C,), dt)
    return [(geo.xshape(), dt)]


def _deconv_forward(op, ins, outs, attrs):
    geo = deconv_geo(op, attrs, ins[0].shape)
    z = conv_dgrad_raw(ins[0], ins[1], geo).reshape(geo.N, geo.C, -1)
    if len(ins) == 3:
        z += np.asarray(ins[2], dtype=z.dtype).reshape(1, -1, 1)
    np.copyto(outs[0], z.reshape(outs[0].shape), casting="unsafe")


def _deconv_backward(op, dys, ins, outs, attrs):
    x, w = ins[0], ins[1]
    geo = deconv_geo(op, attrs, x.shape)
    g = dys[0]
    dx = conv_forward_raw(g, w, None, geo).reshape(x.shape).astype(x.dtype, copy=False)
    dw = conv_wgrad_raw(g, x, geo).reshape(w.shape).astype(w.dtype, copy=False)
    res = [dx, dw]
    if len(ins) == 3:
        axes = (0,) + tuple(range(2, g.ndim))
        res.append(g.sum(axis=axes, dtype=np.float64).astype(ins[2].dtype))
    return res


def _deconv_vjp(op, dys, ins, outs, attrs):
    x, w, g = ins[0], ins[1], dys[0]
    geo = deconv_geo(op, attrs, x.shape)
    ga = _geo_attrs(geo)
    dx = nd.Convolution(g, w, num_filter=geo.F, no_bias=True, **ga)
    dw = nd._conv_wgrad(g, x, **ga)
    return [dx, dw] + ([_bias_grad(g, geo.C)] if len(ins) == 3 else [])


register(Op("Deconvolution", ("data", "weight", "bias"), optional_inputs=("bias",),
            attrs=_DECONV_ATTRS, infer=_deconv_infer, forward=_host(_deconv_forward),
            backward=_deconv_backward, vjp=_deconv_vjp,
            test={"cases": [
                {"shapes": [(2, 4, 3, 2), (4, 2, 3, 2), (4,)],
                 "attrs": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0), dilate=(1, 2), adj=(1, 0),
                               num_filter=4, num_group=2, no_bias=False)},
                {"inputs": lambda rng: [rng.uniform(-1, 1, (2, 3, 4)), rng.uniform(-1, 1, (3, 2, 3))],
                 "attrs": dict(kernel=(3,), stride=(2,), pad=(1,), num_filter=2)}]},
            doc="""Transposed convolution (1-D or 2-D): the input gradient of a Convolution.

weight has shape (channels, num_filter / num_group, *kernel); the output size
is stride * (in - 1) + dilate * (kernel - 1) + 1 - 2 * pad + adj, or
target_shape when given.

>>> mx.nd.Deconvolution(mx.nd.ones((1, 1, 2)), mx.nd.ones((1, 1, 2)), kernel=(2,),
...                     num_filter=1)
[[[1. 2. 1.]]]"""))

# ---------------------------------------------------------------- the weight gradient as an op

_WG_ATTRS = (("kernel", None), ("stride", ()), ("dilate", ()), ("pad", ()), ("num_group", 1))


def _wgrad_geo(op, attrs, x, dy):
    a = dict(attrs, num_filter=dy.shape[1])
    geo = conv_geo(op, a, x.shape)
    if tuple(dy.shape) != geo.yshape():
        raise MXNetError(f"{op.name}: gradient shape {fmt_shape(dy.shape)} does not match the "
                         f"convolution of data {fmt_shape(x.shape)}: {fmt_shape(geo.yshape())}")
    return geo


def _wgrad_infer(op, inputs, attrs):
    x, dy = inputs
    _data_check(op, x, len(_as_tuple(attrs["kernel"])))
    return [(_wgrad_geo(op, attrs, x, dy).wshape(), np.dtype(x.dtype))]


def _wgrad_forward(op, ins, outs, attrs):
    geo = _wgrad_geo(op, attrs, ins[0], ins[1])
    np.copyto(outs[0], conv_wgrad_raw(ins[0], ins[1], geo).reshape(outs[0].shape),
              casting="unsafe")


def _wgrad_backward(op, dys, ins, outs, attrs):
    x, dy = ins
    geo = _wgrad_geo(op, attrs, x, dy)
    gw = dys[0]
    return [conv_dgrad_raw(dy, gw, geo).reshape(x.shape).astype(x.dtype, copy=False),
            conv_forward_raw(x, gw, None, geo).reshape(dy.shape).astype(dy.dtype, copy=False)]


def _wgrad_vjp(op, dys, ins, outs, attrs):
    x, dy = ins
    geo = _wgrad_geo(op, attrs, x, dy)
    ga = _geo_attrs(geo)
    gw = dys[0]
    return [nd.Deconvolution(dy, gw, adj=_adj(geo), num_filter=geo.C, no_bias=True, **ga),
            nd.Convolution(x, gw, num_filter=geo.F, no_bias=True, **ga)]


register(Op("_conv_wgrad", ("data", "grad"), attrs=_WG_ATTRS, infer=_wgrad_infer,
            forward=_host(_wgrad_forward), backward=_wgrad_backward, vjp=_wgrad_vjp,
            test={"shapes": [(2, 4, 5, 4), (2, 4, 3, 2)],
                  "attrs": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0), dilate=(1, 2),
                                num_group=2)},
            doc="Convolution's weight gradient from its data and output gradient."))
