"""Convolution and Deconvolution (1-D and 2-D, NCW / NCHW), with groups, stride, pad, dilation.

Three ops close the set under differentiation, so every order works:
conv(x, w) = Convolution; its input gradient is a transposed convolution,
which is exactly `Deconvolution(dy, w)` with the same geometry; its weight
gradient is `_conv_wgrad(x, dy)`. Each one's VJP is written with the other
two. The kernels (`kernels/nn_conv_kernels.py`) run im2col on a chunk of
images at a time, multiplied by one BLAS `np.dot` per chunk and group;
stride-1, dilation-1 3x3 convolutions take Winograd F(2x2, 3x3) instead
(`nn_winograd.py`), for all three.

Geometry is kept as a `Geo`: the convolution that maps an input of C
channels and H x W pixels to F channels and OH x OW (for a Deconvolution, the
convolution it is the transpose of).
"""
from typing import NamedTuple

import numpy as np

from .. import _blas
from .._alloc import empty as _empty
from ..base import MXNetError
from . import _nd as nd
from . import nn_winograd as wino
from .basic import _host
from .nn import check_inputs, shape_attr
from .registry import Op, fmt_shape, register

_K = []
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
# The patch matrix of a chunk of images may take `workspace` MB (MXNet's attribute, which
# sets its effective batch the same way). Each chunk costs one BLAS call per group and pass,
# and a multithreaded BLAS call pays a thread wake-up each time (badly so on a loaded
# machine), so whole-batch GEMMs, as MXNet's defaults give, are the fast case.
_WS_MB = 1024


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


def _chunks(geo, cdt, ws_mb):
    """(first image, count) of each chunk: its patch matrix takes at most ws_mb megabytes."""
    per = (geo.C * geo.KH * geo.KW) * (geo.OH * geo.OW) * cdt.itemsize
    nb = max(1, min(geo.N, (int(ws_mb) << 20) // max(per, 1)))
    return [(n0, min(nb, geo.N - n0)) for n0 in range(0, geo.N, nb)]


def _geo_args(geo, m):
    return (m, geo.C, geo.H, geo.W, geo.KH, geo.KW, geo.sh, geo.sw, geo.ph, geo.pw, geo.dh,
            geo.dw, geo.OH, geo.OW)


class _Run:
    """The kernels and per-call sizes of one convolution pass."""

    def __init__(self, geo, cdt):
        self.nk, self.ck = kernels()
        self.geo, self.cdt = geo, cdt
        self.G = geo.G
        self.Fg, self.CgK = geo.F // geo.G, geo.C // geo.G * geo.KH * geo.KW
        self.P = geo.OH * geo.OW
        self.plane = geo.C * geo.H * geo.W

    def k(self, name, work, *args):
        # NOTE: serial on purpose. These copies sit between multithreaded BLAS calls; an
        # OpenMP region here leaves its workers spinning while BLAS wants the cores, and
        # measured slower than the serial kernel (72 vs 52 ms for a 75 MB im2col).
        self.nk.kernel(getattr(self.ck, name), self.cdt, False)(*args)

    def im2col(self, xf, n0, m):
        col = _empty((self.geo.C * self.geo.KH * self.geo.KW, m * self.P), self.cdt)
        self.k("im2col", m * self.plane, xf[n0 * self.plane:(n0 + m) * self.plane],
               col.reshape(-1), *_geo_args(self.geo, m))
        return col

    def pack(self, dyf, n0, m):
        F = self.geo.F
        D = _empty((F, m * self.P), self.cdt)
        self.k("pack", m * F * self.P, dyf[n0 * F * self.P:(n0 + m) * F * self.P],
               D.reshape(-1), m, F, self.P)
        return D

    def rows(self, a, g, per):
        return a[g * per:(g + 1) * per]

    def result(self, size, out):
        """`out` as a flat buffer when it has the compute dtype, else a new one."""
        if out is not None and out.dtype == self.cdt:
            return out.reshape(-1)
        return _empty((size,), self.cdt)


def conv_forward_raw(x, w, b, geo, ws_mb=_WS_MB, out=None):
    """y = conv(x, w) + b on raw arrays, flat, in the compute dtype (float32, or float64).

    Written into `out` when its dtype is the compute dtype.
    """
    cdt = _cdt(x.dtype, w.dtype)
    if wino.applies(geo):
        return wino.forward(x, w, b, geo, cdt, out)
    r = _Run(geo, cdt)
    xf = np.ascontiguousarray(x, dtype=cdt).reshape(-1)
    w3 = np.ascontiguousarray(w, dtype=cdt).reshape(r.G, r.Fg, r.CgK)
    bias = np.zeros(1, cdt) if b is None else np.ascontiguousarray(b, dtype=cdt)
    y = r.result(geo.N * geo.F * r.P, out)
    for n0, m in _chunks(geo, cdt, ws_mb):
        col = r.im2col(xf, n0, m)
        Y = _empty((geo.F, m * r.P), cdt)
        for g in range(r.G):
            np.dot(w3[g], r.rows(col, g, r.CgK), out=r.rows(Y, g, r.Fg))
        _blas.used(geo.F * r.CgK * m * r.P)
        r.k("unpack", m * geo.F * r.P, Y.reshape(-1), y[n0 * geo.F * r.P:], m, geo.F, r.P,
            bias, b is not None)
    return y


def conv_dgrad_raw(dy, w, geo, ws_mb=_WS_MB, out=None):
    """The transposed convolution: dx (geo.xshape(), flat) from dy (geo.yshape()) and w."""
    cdt = _cdt(dy.dtype, w.dtype)
    if wino.applies(geo):
        return wino.dgrad(dy, w, geo, cdt, out)
    r = _Run(geo, cdt)
    dyf = np.ascontiguousarray(dy, dtype=cdt).reshape(-1)
    w3 = np.ascontiguousarray(w, dtype=cdt).reshape(r.G, r.Fg, r.CgK)
    dx = r.result(geo.N * r.plane, out)
    for n0, m in _chunks(geo, cdt, ws_mb):
        D = r.pack(dyf, n0, m)
        col = _empty((geo.C * geo.KH * geo.KW, m * r.P), cdt)
        for g in range(r.G):
            np.dot(w3[g].T, r.rows(D, g, r.Fg), out=r.rows(col, g, r.CgK))
        _blas.used(geo.F * r.CgK * m * r.P)
        r.k("col2im", m * r.plane, col.reshape(-1), dx[n0 * r.plane:(n0 + m) * r.plane],
            *_geo_args(geo, m))
    return dx


def conv_wgrad_raw(x, dy, geo, ws_mb=_WS_MB, w=None):
    """The weight gradient (geo.wshape()): sum over images of dy times the patches of x.

    With `w`, also the input gradient (the transposed convolution of dy), sharing the
    patch matrix and the packed dy of each chunk: returns (dw, dx).
    """
    cdt = _cdt(x.dtype, dy.dtype)
    if wino.applies(geo):
        return wino.wgrad(x, dy, geo, cdt, w)
    r = _Run(geo, cdt)
    xf = np.ascontiguousarray(x, dtype=cdt).reshape(-1)
    dyf = np.ascontiguousarray(dy, dtype=cdt).reshape(-1)
    dw = np.zeros((r.G, r.Fg, r.CgK), cdt)
    if w is not None:
        w3 = np.ascontiguousarray(w, dtype=cdt).reshape(r.G, r.Fg, r.CgK)
        dx = _empty((geo.N * r.plane,), cdt)
    for n0, m in _chunks(geo, cdt, ws_mb):
        col = r.im2col(xf, n0, m)
        D = r.pack(dyf, n0, m)
        for g in range(r.G):
            # NOTE: as col @ D.T: the same product as D @ col.T, but multithreaded OpenBLAS
            # ran that orientation (long inner dimension on a transposed operand) up to 20x
            # slower here (1.1 s vs 60 ms for the benchmark's shapes).
            dw[g] += np.dot(r.rows(col, g, r.CgK), r.rows(D, g, r.Fg).T).T
        _blas.used(geo.F * r.CgK * m * r.P)
        if w is not None:
            for g in range(r.G):
                np.dot(w3[g].T, r.rows(D, g, r.Fg), out=r.rows(col, g, r.CgK))
            _blas.used(geo.F * r.CgK * m * r.P)
            r.k("col2im", m * r.plane, col.reshape(-1), dx[n0 * r.plane:(n0 + m) * r.plane],
                *_geo_args(geo, m))
    return dw if w is None else (dw, dx)


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


def _checked_geo(op, inputs, attrs, geo_fn):
    """Check a (de)convolution's inputs against its attributes; its geometry and dtype."""
    names = ("data", "weight") if attrs["no_bias"] else ("data", "weight", "bias")
    check_inputs(op, inputs, names)
    x = inputs[0]
    kernel = _as_tuple(attrs["kernel"])
    _data_check(op, x, len(kernel))
    _layout(op, attrs, len(kernel))
    geo = geo_fn(op, attrs, x.shape)
    dt = np.dtype(x.dtype)
    _check_param(op, "weight", inputs[1], geo.wshape(), dt)
    return geo, dt


def _conv_infer(op, inputs, attrs):
    geo, dt = _checked_geo(op, inputs, attrs, conv_geo)
    if len(inputs) == 3:
        _check_param(op, "bias", inputs[2], (geo.F,), dt)
    return [(geo.yshape(), dt)]


def _conv_forward(op, ins, outs, attrs):
    geo = conv_geo(op, attrs, ins[0].shape)
    y = conv_forward_raw(ins[0], ins[1], ins[2] if len(ins) == 3 else None, geo,
                         attrs["workspace"], outs[0])
    if not np.may_share_memory(y, outs[0]):
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
    dw, dx = conv_wgrad_raw(x, dy, geo, attrs["workspace"], w)
    res = [dx.reshape(x.shape).astype(x.dtype, copy=False),
           dw.reshape(w.shape).astype(w.dtype, copy=False)]
    if len(ins) == 3:
        res.append(_bias_sum(dy).astype(ins[2].dtype))
    return res


def _bias_sum(g):
    """Sum of g over every axis but 1, accumulated in float64."""
    return g.reshape(g.shape[0], g.shape[1], -1).sum(axis=(0, 2), dtype=np.float64)


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
                {"inputs": lambda rng: [rng.uniform(-1, 1, (2, 3, 7)),
                                        rng.uniform(-1, 1, (2, 3, 3))],
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
    geo, dt = _checked_geo(op, inputs, attrs, deconv_geo)
    if len(inputs) == 3:
        _check_param(op, "bias", inputs[2], (geo.C,), dt)
    return [(geo.xshape(), dt)]


def _deconv_forward(op, ins, outs, attrs):
    geo = deconv_geo(op, attrs, ins[0].shape)
    z = conv_dgrad_raw(ins[0], ins[1], geo, attrs["workspace"], outs[0])
    z = z.reshape(geo.N, geo.C, -1)
    if len(ins) == 3:
        z += np.asarray(ins[2], dtype=z.dtype).reshape(1, -1, 1)
    if not np.may_share_memory(z, outs[0]):
        np.copyto(outs[0], z.reshape(outs[0].shape), casting="unsafe")


def _deconv_backward(op, dys, ins, outs, attrs):
    x, w = ins[0], ins[1]
    geo = deconv_geo(op, attrs, x.shape)
    g = dys[0]
    ws = attrs["workspace"]
    dx = conv_forward_raw(g, w, None, geo, ws).reshape(x.shape).astype(x.dtype, copy=False)
    dw = conv_wgrad_raw(g, x, geo, ws).reshape(w.shape).astype(w.dtype, copy=False)
    res = [dx, dw]
    if len(ins) == 3:
        res.append(_bias_sum(g).astype(ins[2].dtype))
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
                {"inputs": lambda rng: [rng.uniform(-1, 1, (2, 3, 4)),
                                        rng.uniform(-1, 1, (3, 2, 3))],
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
