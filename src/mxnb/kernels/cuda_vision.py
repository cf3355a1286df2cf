"""Device kernels on mx.gpu() for small ops that ran through the host: the straight-through
round/sign, amp_multicast, SVMOutput, IdentityAttachKLSparseReg, slice assignment, the
linalg triangle packers, the `_v1` layers, im2col and col2im.

Each reproduces its CPU op (`ops/misc.py`, `ops/linalg_la.py`, `ops/im2col.py`):

* pure moves (slice assignment, triangles, im2col) move bits: one kernel per element
  width serves every dtype, and results are the CPU's bit for bit;
* col2im gathers, per output pixel, the columns that overlap it in the CPU's order
  (kernel offsets row-major, starting from zero), rounding to the storage dtype after
  each add as NumPy's `+=` does, so float16 and integer sums match too, without atomics;
* SVMOutput's and IdentityAttachKLSparseReg's gradients redo the CPU's NumPy arithmetic
  one operation at a time in the same dtype (float16 rounds after each operation);
  IdentityAttachKLSparseReg's column means sum rows in float64 in order, as NumPy does
  for an axis-0 sum, and update moving_avg in place on the device;
* BatchNorm_v1 and Convolution_v1 are copies of BatchNorm and Convolution (same
  attributes, same forward), so they run those ops' device kernels; Pooling_v1 is
  Pooling with avg windows summed and divided by the full kernel area afterwards.

On a real GPU, NVVM may contract a multiply and an add into one FMA, which can move a
last bit against the CPU (SVMOutput, IdentityAttachKLSparseReg); the simulator is exact.
"""
import math  # noqa: F401  (kernels may call math.*)

import numpy as np

from . import cuda_launch
from .cuda_build import _cast_fn, _IDENT, launch
from .cuda_common import bits, flat, kernel, unsign_zeros

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, LOAD, STORE, R, ZERO, cuda are bound per kernel)


def svm_grad(x, label, g, classes, m, c, linear):
    """The L2 (or L1) SVM hinge gradient of x (rows, classes) against integer labels."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        lab = LOAD(label[i // classes])
        on = False
        if lab > -T(1) and lab < T(classes):  # C's static_cast<int>, out-of-range labels: no 1
            on = int(lab) == i % classes
        v = LOAD(x[i])
        if linear:
            if on:
                r = -(T(1) if m > v else T(0)) * c
            else:
                r = (T(1) if m > -v else T(0)) * c
        else:
            if on:
                s = R(T(2) * R(m - v)) if m > v else T(0)
            else:
                s = R(T(-2) * R(m + v)) if m > -v else T(0)
            r = R(s * -c)
        g[i] = STORE(r)


def kl_stats(x, ma, pen, rows, d, t, p, mom):
    """Per column: moving_avg = mom * ma + (1 - mom) * mean(x), then the KL penalty (float32)."""
    for j in range(cuda.grid(1), d, cuda.gridsize(1)):
        s = np.float64(0)
        for r in range(rows):
            s += np.float64(x[r * d + j])
        avg = np.float32(s / np.float64(rows))
        a = mom * ma[j] + (np.float32(1) - mom) * avg
        ma[j] = a
        pen[j] = p * (-t / a + (np.float32(1) - t) / (np.float32(1) - a))


def add_cols(dy, pen, dx, d):
    """dx = dy + pen along the last axis."""
    for i in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        dx[i] = dy[i] + pen[i % d]


def div_scalar(x, out, c):
    """out = x / c in the compute type (Pooling_v1's area), stored in out's dtype."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        out[i] = STORE(LOAD(x[i]) / c)


def take_cols(src, idx, out, n_in, m):
    """out (batch, m) = src (batch, n_in)[:, idx] (bits: every dtype)."""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = src[(i // m) * n_in + idx[i % m]]


def put_cols(src, idx, out, n_out, m):
    """out (batch, n_out)[:, idx] = src (batch, m), out zero elsewhere (written before)."""
    for i in range(cuda.grid(1), src.shape[0], cuda.gridsize(1)):
        out[(i // m) * n_out + idx[i % m]] = src[i]


def im2col_k(x, col, geo, K, P):
    """col (N, C*K, P) = the patches of x (N, C, D, H, W) read at each kernel offset (bits).

    geo = (D, H, W, kd, kh, kw, sd, sh, sw, dd, dh, dw, pd, ph, pw, od, oh, ow); padding
    reads zeros."""
    D, H, W = geo[0], geo[1], geo[2]
    kh, kw = geo[4], geo[5]
    oh, ow = geo[16], geo[17]
    for i in range(cuda.grid(1), col.shape[0], cuda.gridsize(1)):
        p = i % P
        r = i // P
        j = r % K
        nc = r // K
        ox = p % ow
        oy = (p // ow) % oh
        oz = p // (ow * oh)
        jx = j % kw
        jy = (j // kw) % kh
        jz = j // (kw * kh)
        z = oz * geo[6] - geo[12] + jz * geo[9]
        y = oy * geo[7] - geo[13] + jy * geo[10]
        xx = ox * geo[8] - geo[14] + jx * geo[11]
        if 0 <= z < D and 0 <= y < H and 0 <= xx < W:
            col[i] = x[((nc * D + z) * H + y) * W + xx]
        else:
            col[i] = ZERO


def col2im_k(col, x, geo, K, P):
    """x (N, C, D, H, W) = the sum of the columns over it, added in kernel-offset order with
    the storage dtype's rounding after each add (NumPy's `+=` per offset)."""
    D, H, W = geo[0], geo[1], geo[2]
    kd, kh, kw = geo[3], geo[4], geo[5]
    od, oh, ow = geo[15], geo[16], geo[17]
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        xx = i % W
        y = (i // W) % H
        z = (i // (W * H)) % D
        nc = i // (W * H * D)
        acc = STORE(0)
        for jz in range(kd):
            tz = z + geo[12] - jz * geo[9]
            if tz < 0 or tz % geo[6] != 0 or tz // geo[6] >= od:
                continue
            for jy in range(kh):
                ty = y + geo[13] - jy * geo[10]
                if ty < 0 or ty % geo[7] != 0 or ty // geo[7] >= oh:
                    continue
                for jx in range(kw):
                    tx = xx + geo[14] - jx * geo[11]
                    if tx < 0 or tx % geo[8] != 0 or tx // geo[8] >= ow:
                        continue
                    j = (jz * kh + jy) * kw + jx
                    p = ((tz // geo[6]) * oh + ty // geo[7]) * ow + tx // geo[8]
                    acc = STORE(LOAD(acc) + LOAD(col[(nc * K + j) * P + p]))
        x[i] = acc


def _round16(v):
    return np.float32(np.float16(v))


def _env(dtype):
    """T (compute type), LOAD, STORE and R (round to the storage dtype) for a dtype."""
    from .cuda_common import dev

    dt = np.dtype(dtype)
    if dt == _F16:
        return dict(T=np.float32, LOAD=_cast_fn(np.float32, "load"),
                    STORE=_cast_fn(np.float16, "store"), R=dev(_round16))
    return dict(T=dt.type, LOAD=_IDENT, STORE=_cast_fn(dt.type, "store"), R=_IDENT)


def _k(template, dtype):
    dt = np.dtype(dtype)
    return kernel(template, dt.name, **_env(dt))


def _kb(template, width):
    """A bit-moving kernel for elements of `width` bytes."""
    return kernel(template, f"u{width}", ZERO=bits_zero(width))


def bits_zero(width):
    return {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[width](0)


def _copy(d):
    out = cuda_launch.empty(tuple(d.shape), d.dtype)
    out.copy_to_device(d)
    return out


def _cast(d, dtype):
    out = cuda_launch.empty(tuple(d.shape), dtype)
    if np.dtype(d.dtype) == np.dtype(dtype):
        out.copy_to_device(d)
    else:
        cuda_launch.cast_into(flat(d), flat(out))
    return out


# ---------------------------------------------------------------- round_ste / sign_ste, amp


def _ste_fwd(base):
    def fwd(op, ins, outs, attrs):
        from ..ops.registry import OPS

        OPS[base].forward(OPS[base], ins, outs, {})  # the elementwise op's device kernel
    return fwd


def _ste_bwd(op, dys, ins, outs, attrs):
    return [_copy(dys[0])]


def _amc_fwd(op, ins, outs, attrs):
    for x, o in zip(ins, outs):
        if np.dtype(x.dtype) == np.dtype(o.dtype):
            o.copy_to_device(x)
        elif x.size:
            cuda_launch.cast_into(flat(x), flat(o))


def _amc_bwd(op, dys, ins, outs, attrs):
    return [_cast(d, x.dtype) for d, x in zip(dys, ins)]


# ---------------------------------------------------------------- SVMOutput, KL sparse reg


def _svm_fwd(op, ins, outs, attrs):
    outs[0].copy_to_device(ins[0])


def _svm_bwd(op, dys, ins, outs, attrs):
    from ..ops.misc import _flag

    x, label = ins
    dt = np.dtype(x.dtype)
    t = _F32.type if dt == _F16 else dt.type
    # the CPU rounds margin and coefficient to the data's dtype first
    m, c = (t(dt.type(attrs[a])) for a in ("margin", "regularization_coefficient"))
    g = cuda_launch.empty(tuple(x.shape), dt)
    if x.size:
        launch(_k(svm_grad, dt), x.size, flat(x), flat(label), flat(g), int(x.shape[-1]), m, c,
               _flag(attrs["use_linear"]))
    return [g, None]


def _kl_fwd(op, ins, outs, attrs):
    outs[0].copy_to_device(ins[0])


def _kl_bwd(op, dys, ins, outs, attrs):
    x, ma = ins
    f = np.float32
    d = int(x.shape[-1])
    rows = x.size // d if d else 0
    pen = cuda_launch.empty((d,), _F32)
    dx = cuda_launch.empty(tuple(x.shape), _F32)
    if d:
        launch(kernel(kl_stats, "float32"), d, flat(x), ma, pen, rows, d,
               f(attrs["sparseness_target"]), f(attrs["penalty"]), f(attrs["momentum"]))
    if x.size:
        launch(kernel(add_cols, "float32"), x.size, flat(dys[0]), pen, flat(dx), d)
    return [dx, None]


# ---------------------------------------------------------------- slice assignment


def _region(op, x, attrs):
    """(offset, shape, strides) of the slice begin:end:step of x, in elements."""
    from ..ops.misc import _sa_key

    off, shape, strides, _ = cuda_launch._locate(tuple(x.shape), x.dtype, _sa_key(op, x, attrs))
    return off, shape, strides


def _assign(op, ins, outs, attrs, src_of):
    from . import cuda_layout

    x, out = ins[0], outs[0]
    geo = _region(op, x, attrs)
    if cuda_layout._compact(geo[1], geo[2]) is None:  # over 4 strided dims
        return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
    if out is not x:
        out.copy_to_device(x)
    cuda_layout.scatter(src_of(geo[1], x.dtype), out, geo)


def _sa_fwd(op, ins, outs, attrs):
    _assign(op, ins, outs, attrs, lambda shape, dt: ins[1])


def _sas_fwd(op, ins, outs, attrs):
    def src(shape, dt):
        v = np.array(float(attrs["scalar"])).astype(dt)  # trunc toward zero for ints, as MXNet
        s = cuda_launch.empty((int(np.prod(shape)),), dt)
        if s.size:
            launch(kernel(fill_bits, f"u{np.dtype(dt).itemsize}"), s.size, bits(s),
                   v.reshape(1).view(bits(s).dtype)[0])
        return s
    _assign(op, ins, outs, attrs, src)


def fill_bits(out, v):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = v


def _no_grad(op, dys, ins, outs, attrs):
    return op.backward(op, dys, ins, outs, attrs)  # MXNet's error: no gradient registered


def _getitem_bwd(op, dys, ins, outs, attrs):
    # the CPU adds dy into zeros (np.add.at), which turns -0.0 into +0.0
    from .cuda_layout import BACKWARD

    return [None if g is None else unsign_zeros(g) for g in BACKWARD["_getitem_basic"](
        op, dys, ins, outs, attrs)]


# ---------------------------------------------------------------- linalg triangles


def _trian_idx(n, attrs):
    from ..ops.linalg_la import _trian_attrs, _trian_map

    return cuda_launch.to_device(_trian_map(n, *_trian_attrs(attrs)))


def extract_dev(a, attrs, out):
    n = int(a.shape[-1])
    m = int(out.shape[-1])
    if out.size:
        launch(_kb(take_cols, np.dtype(a.dtype).itemsize), out.size, bits(a), _trian_idx(n, attrs),
               bits(out), n * n, m)


def make_dev(v, attrs, out):
    n = int(out.shape[-1])
    m = int(v.shape[-1])
    cuda_launch.fill(out, 0)
    if v.size:
        launch(_kb(put_cols, np.dtype(v.dtype).itemsize), v.size, bits(v), _trian_idx(n, attrs),
               bits(out), n * n, m)


def _extract_fwd(op, ins, outs, attrs):
    extract_dev(ins[0], attrs, outs[0])


def _extract_bwd(op, dys, ins, outs, attrs):
    g = cuda_launch.empty(tuple(ins[0].shape), dys[0].dtype)
    make_dev(dys[0], attrs, g)
    return [g]


def _make_fwd(op, ins, outs, attrs):
    make_dev(ins[0], attrs, outs[0])


def _make_bwd(op, dys, ins, outs, attrs):
    g = cuda_launch.empty(tuple(ins[0].shape), dys[0].dtype)
    extract_dev(dys[0], attrs, g)
    return [g]


# ---------------------------------------------------------------- the _v1 layers


def _v1(base, table):
    """The device implementation of `base` (the `_v1` op is a copy of it: same attributes
    and defaults, same forward)."""
    def impl(*args):
        return table()[base](*args)
    return impl


def _pv1_geo(op, ins, attrs):
    from ..ops.misc import _v1_attrs
    from ..ops.registry import OPS
    from .cuda_nn import _pool_geo

    a = _v1_attrs(attrs)
    return _pool_geo(OPS["Pooling"], a, ins[0]), a


def _divide(d, area):
    dt = np.dtype(d.dtype)
    out = cuda_launch.empty(tuple(d.shape), dt)
    if d.size:
        t = _F32.type if dt == _F16 else dt.type
        launch(_k(div_scalar, dt), d.size, flat(d), flat(out), t(dt.type(area)))
    return out


def _pv1_fwd(op, ins, outs, attrs):
    from ..ops.misc import _pool_area
    from .cuda_nn import pool_dev

    geo, _ = _pv1_geo(op, ins, attrs)
    if geo is None:
        return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
    pool_dev(ins[0], geo, outs[0])
    if attrs.get("pool_type", "max") == "avg" and outs[0].size:
        dt = np.dtype(outs[0].dtype)
        t = _F32.type if dt == _F16 else dt.type
        launch(_k(div_scalar, dt), outs[0].size, flat(outs[0]), flat(outs[0]),
               t(dt.type(_pool_area(ins[0], attrs))))


def _pv1_bwd(op, dys, ins, outs, attrs):
    from ..ops.misc import _pool_area
    from .cuda_nn import pool_grad_dev

    geo, _ = _pv1_geo(op, ins, attrs)
    if geo is None:
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    dy = dys[0]
    if attrs.get("pool_type", "max") == "avg":
        dy = _divide(dy, _pool_area(ins[0], attrs))
    dx = cuda_launch.empty(tuple(ins[0].shape), ins[0].dtype)
    pool_grad_dev(dy, ins[0], geo, dx)
    return [dx]


# ---------------------------------------------------------------- im2col / col2im


def _geo3(op, attrs, spatial, x):
    """The 18 ints of the kernels' geometry, 1-D and 2-D padded to 3-D with unit dims."""
    from ..ops.im2col import _col_geo

    k, s, d, p, o = _col_geo(op, attrs, spatial, x)
    pad = 3 - len(k)

    def p3(v, fill):
        return (fill,) * pad + tuple(int(a) for a in v)

    return (p3(spatial, 1) + p3(k, 1) + p3(s, 1) + p3(d, 1) + p3(p, 0) + p3(o, 1),
            int(np.prod(k)), int(np.prod(o)))


def im2col_dev(x, spatial, op, attrs, col):
    geo, K, P = _geo3(op, attrs, spatial, x)
    if col.size:
        launch(_kb(im2col_k, np.dtype(x.dtype).itemsize), col.size, bits(x), bits(col), geo, K, P)


def col2im_dev(col, size, op, attrs, x):
    geo, K, P = _geo3(op, attrs, size, col)
    if x.size:
        launch(_k(col2im_k, col.dtype), x.size, flat(col), flat(x), geo, K, P)


def _im2col_fwd(op, ins, outs, attrs):
    im2col_dev(ins[0], tuple(ins[0].shape[2:]), op, attrs, outs[0])


def _im2col_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    dx = cuda_launch.empty(tuple(x.shape), dys[0].dtype)
    col2im_dev(dys[0], tuple(x.shape[2:]), op, attrs, dx)
    return [dx]


def _col2im_fwd(op, ins, outs, attrs):
    col2im_dev(ins[0], tuple(outs[0].shape[2:]), op, attrs, outs[0])


def _col2im_bwd(op, dys, ins, outs, attrs):
    g = dys[0]
    dc = cuda_launch.empty(tuple(ins[0].shape), g.dtype)
    im2col_dev(g, tuple(g.shape[2:]), op, attrs, dc)
    return [dc]


def _bn_table():
    from . import cuda_bn

    return cuda_bn.FORWARD, cuda_bn.BACKWARD


def _conv_table():
    from . import cuda_conv

    return cuda_conv.FORWARD, cuda_conv.BACKWARD


FORWARD = {
    "_contrib_round_ste": _ste_fwd("round"), "_contrib_sign_ste": _ste_fwd("sign"),
    "amp_multicast": _amc_fwd, "SVMOutput": _svm_fwd, "IdentityAttachKLSparseReg": _kl_fwd,
    "_slice_assign": _sa_fwd, "_slice_assign_scalar": _sas_fwd,
    "linalg_extracttrian": _extract_fwd, "linalg_maketrian": _make_fwd,
    "BatchNorm_v1": _v1("BatchNorm", lambda: _bn_table()[0]),
    "Convolution_v1": _v1("Convolution", lambda: _conv_table()[0]),
    "Pooling_v1": _pv1_fwd, "im2col": _im2col_fwd, "col2im": _col2im_fwd,
}
BACKWARD = {
    "_contrib_round_ste": _ste_bwd, "_contrib_sign_ste": _ste_bwd, "amp_multicast": _amc_bwd,
    "SVMOutput": _svm_bwd, "IdentityAttachKLSparseReg": _kl_bwd,
    "_slice_assign": _no_grad, "_slice_assign_scalar": _no_grad,
    "_getitem_basic": _getitem_bwd,
    "linalg_extracttrian": _extract_bwd, "linalg_maketrian": _make_bwd,
    "BatchNorm_v1": _v1("BatchNorm", lambda: _bn_table()[1]),
    "Convolution_v1": _v1("Convolution", lambda: _conv_table()[1]),
    "Pooling_v1": _pv1_bwd, "im2col": _im2col_bwd, "col2im": _col2im_bwd,
}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i, b = types.int64, types.boolean
    geo = types.UniTuple(i, 18)
    jobs = []

    def arr(dt):
        return types.Array(from_dtype(np.dtype(dt)), 1, "C")

    for d in dtypes:
        dt = np.dtype(d)
        a = arr(dt)
        if dt.kind == "f":
            s = from_dtype(_F32 if dt == _F16 else dt)
            for tmpl, sig in ((svm_grad, (a, a, a, i, s, s, b)), (div_scalar, (a, a, s)),
                              (col2im_k, (a, a, geo, i, i))):
                jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                             dt != _F64))
        elif dt.kind in "iu":
            jobs.append((f"col2im_k/{d}", lambda dt=dt: _k(col2im_k, dt), (a, a, geo, i, i),
                         False))
    f32, i64 = arr(_F32), arr(np.int64)
    s32 = types.float32
    jobs.append(("kl_stats", lambda: kernel(kl_stats, "float32"),
                 (f32, f32, f32, i, i, s32, s32, s32), False))  # sums in float64, as the CPU
    jobs.append(("add_cols", lambda: kernel(add_cols, "float32"), (f32, f32, f32, i), True))
    for w, u in ((1, np.uint8), (2, np.uint16), (4, np.uint32), (8, np.uint64)):
        ua = arr(u)
        jobs += [(f"take_cols/u{w}", lambda w=w: _kb(take_cols, w), (ua, i64, ua, i, i), False),
                 (f"put_cols/u{w}", lambda w=w: _kb(put_cols, w), (ua, i64, ua, i, i), False),
                 (f"im2col_k/u{w}", lambda w=w: _kb(im2col_k, w), (ua, ua, geo, i, i), False),
                 (f"fill_bits/u{w}", lambda w=w: kernel(fill_bits, f"u{w}"),
                  (ua, from_dtype(np.dtype(u))), False)]
    return jobs + _image_ptx_jobs(dtypes) + _resize_ptx_jobs(dtypes)


# ================================================================ mx.nd.image
# to_tensor, normalize, crop, the flips and the colour adjustments that are elementwise once
# their random parameters are drawn (on the host, from the same generator and in the same
# order as the CPU op, so a seeded run gives the same numbers on either device). contrast
# (an in-order float sum over the image), hue, color_jitter (which chains them) and resize
# (OpenCV's arithmetic) still run through the host.


def to_tensor_k(x, out, H, W, C, wide):
    """out (N, C, H, W) float32 = x (N, H, W, C) / 255 (double division for float64 data)."""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        w = i % W
        h = (i // W) % H
        c = (i // (W * H)) % C
        n = i // (W * H * C)
        v = x[((n * H + h) * W + w) * C + c]
        if wide:
            out[i] = np.float32(np.float64(LOAD(v)) / np.float64(255))
        else:
            out[i] = np.float32(LOAD(v)) / np.float32(255)


def to_tensor_bwd_k(dy, dx, H, W, C):
    """dx (N, H, W, C) = dy (N, C, H, W) / 255 in float32, stored in dx's dtype."""
    for i in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        c = i % C
        w = (i // C) % W
        h = (i // (C * W)) % H
        n = i // (C * W * H)
        dx[i] = STORE(dy[((n * C + c) * H + h) * W + w] / np.float32(255))


def normalize_k(x, mean, std, out, hw, C):
    """out = (x - mean[c]) / std[c] in T (double for float64 data, else float), stored as C
    converts (integers: NaN to 0, truncation, wrap-around)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        c = (i // hw) % C
        y = (T(LOAD(x[i])) - mean[c]) / std[c]
        out[i] = SAT(y)


def normalize_bwd_k(dy, scale, dx, hw, C):
    """dx = dy * (1.0 / std[c]) in double, stored in dy's dtype."""
    for i in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        dx[i] = STORE(np.float64(LOAD(dy[i])) * scale[(i // hw) % C])


def colour_k(x, out, p, C, mode, alpha, beta):
    """MXNet's float arithmetic of brightness (mode 0: x * alpha), lighting (1: x + p[c]) and
    saturation (2: gray + x * alpha, gray the last channel's term times beta = 1 - alpha),
    stored with saturate_cast."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        xf = np.float32(LOAD(x[i]))
        if mode == 0:
            v = xf * alpha
        elif mode == 1:
            v = xf + p[i % C]
        else:
            x2 = x[i - i % C + 2]
            if WIDE:
                gray = np.float32(np.float64(LOAD(x2)) * np.float64(COEF2)) * beta
                v = np.float32(np.float64(gray) + np.float64(LOAD(x[i])) * np.float64(alpha))
            else:
                gray = (np.float32(LOAD(x2)) * COEF2) * beta
                v = gray + xf * alpha
        out[i] = SAT(v)


def _sat_u8(v):
    """saturate_cast<uint8>(float): clipped to [0, 255] (NaN gives 0, as x86's conversion)."""
    if v != v or v <= 0:
        return np.uint8(0)
    if v >= 255:
        return np.uint8(255)
    return np.uint8(v)


def _sat_int(v):
    """A C conversion to an integer type TP: NaN gives 0 (nan_to_num), truncation toward zero,
    then wrap-around."""
    return TP(np.int64(v if v == v else 0))


def _img_env(dtype, compute, clip_u8):
    """LOAD, STORE, SAT (saturate_cast, or a C conversion) and T for the image kernels."""
    from .cuda_common import dev

    dt = np.dtype(dtype)
    env = dict(T=compute, LOAD=_cast_fn(np.float32, "load") if dt == _F16 else _IDENT,
               STORE=_cast_fn(dt.type, "store"), WIDE=dt == _F64, COEF2=np.float32(0.114))
    if dt == np.uint8 and clip_u8:
        env["SAT"] = dev(_sat_u8)
    elif dt.kind in "iub":
        env["SAT"] = dev(_sat_int, TP=dt.type)
    else:
        env["SAT"] = _cast_fn(dt.type, "store")
    return env


def _ki(template, dtype, compute=np.float32, clip_u8=True):
    dt = np.dtype(dtype)
    tag = f"{dt.name}_{np.dtype(compute).name}{'' if clip_u8 else '_wrap'}"
    return kernel(template, tag, **_img_env(dt, compute, clip_u8))


def _to_tensor_fwd(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    H, W, C = (int(v) for v in x.shape[-3:])
    if out.size:
        launch(_ki(to_tensor_k, x.dtype), out.size, flat(x), flat(out), H, W, C,
               np.dtype(x.dtype) == _F64)


def _to_tensor_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    H, W, C = (int(v) for v in x.shape[-3:])
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    if x.size:
        launch(_ki(to_tensor_bwd_k, x.dtype), x.size, flat(dys[0]), flat(dx), H, W, C)
    return [dx]


def _norm_geo(op, x, attrs):
    from ..ops.image import _norm_params

    mean, std = _norm_params(op, attrs, tuple(x.shape))
    C = mean.size
    return mean.reshape(-1), std.reshape(-1), C, int(np.prod(x.shape[-2:]))


def _normalize_fwd(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    mean, std, C, hw = _norm_geo(op, x, attrs)
    ct = np.float64 if np.dtype(x.dtype) == _F64 else np.float32
    if x.size:
        launch(_ki(normalize_k, x.dtype, ct, False), x.size, flat(x),
               cuda_launch.to_device(mean.astype(ct)), cuda_launch.to_device(std.astype(ct)),
               flat(out), hw, C)


def _normalize_bwd(op, dys, ins, outs, attrs):
    from ..ops.image import _norm_scale

    x, dy = ins[0], dys[0]
    _, _, C, hw = _norm_geo(op, x, attrs)
    scale = _norm_scale(op, attrs, tuple(x.shape)).reshape(-1)
    dx = cuda_launch.empty(tuple(dy.shape), dy.dtype)
    if dy.size:
        launch(_ki(normalize_bwd_k, dy.dtype), dy.size, flat(dy), cuda_launch.to_device(scale),
               flat(dx), hw, C)
    return [dx]


def _view(x, key):
    off, shape, strides, _ = cuda_launch._locate(tuple(x.shape), x.dtype, key)
    return off, shape, strides


def _gather_key(x, key, out):
    from . import cuda_layout

    cuda_layout.gather(x, out, _view(x, key))


def _crop_key(op, x, attrs):
    from ..ops.image import _crop_key as key

    return key(op, tuple(x.shape), attrs)


def _crop_fwd(op, ins, outs, attrs):
    _gather_key(ins[0], _crop_key(op, ins[0], attrs), outs[0])


def _crop_bwd(op, dys, ins, outs, attrs):
    from . import cuda_layout

    g = cuda_launch.zeros(tuple(ins[0].shape), dys[0].dtype)
    cuda_layout.scatter(dys[0], g, _view(g, _crop_key(op, ins[0], attrs)))
    return [g]


def _flip_key(axis):
    return (slice(None),) * axis + (slice(None, None, -1),)


def _flipped(x, axis, out=None):
    out = cuda_launch.empty(tuple(x.shape), x.dtype) if out is None else out
    _gather_key(x, _flip_key(axis), out)
    return out


def _flip_op(axis):
    def fwd(op, ins, outs, attrs):
        _flipped(ins[0], axis, outs[0])

    def bwd(op, dys, ins, outs, attrs):
        return [_flipped(dys[0], axis)]
    return fwd, bwd


def _random_flip(axis):
    def fwd(op, ins, outs, attrs):
        from ..ops import image_random as r

        if r.bernoulli():
            outs[0].copy_to_device(ins[0])
        else:
            _flipped(ins[0], axis, outs[0])
    return fwd


def _colour(x, out, mode, alpha=0.0, p=(0.0, 0.0, 0.0)):
    f = np.float32
    C = int(x.shape[-1])
    if x.size:
        launch(_ki(colour_k, x.dtype), x.size, flat(x), flat(out),
               cuda_launch.to_device(np.asarray(p, np.float32)), C, mode, f(alpha),
               f(f(1) - f(alpha)))


def _lighting_apply(op, x, out, alpha):
    from ..ops import image_random as r

    if int(x.shape[-1]) == 1:
        return out.copy_to_device(x)  # as the CPU: 1-channel images are copied
    f = np.float32
    a = [f(v) for v in alpha]
    E = r._EIG
    pca = [f(f(f(E[k, 0] * a[0]) + f(E[k, 1] * a[1])) + f(E[k, 2] * a[2])) for k in range(3)]
    _colour(x, out, 1, p=pca)


def _adjust_lighting_fwd(op, ins, outs, attrs):
    from ..base import MXNetError
    from ..ops.image import _floats

    alpha = _floats(op, "alpha", attrs["alpha"])
    if len(alpha) < 3:
        raise MXNetError(f"{op.name}: Check failed: i >= 0 && i < ndim(): index = {len(alpha)} "
                         f"must be in range [0, {len(alpha)})")
    _lighting_apply(op, ins[0], outs[0], alpha[:3])


def _random_lighting_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    _lighting_apply(op, ins[0], outs[0], r.normals(3, np.float32(attrs["alpha_std"])))


def _random_brightness_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    _colour(ins[0], outs[0], 0, r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"])))


def _random_saturation_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    alpha = r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"]))
    if int(ins[0].shape[-1]) == 1:
        return outs[0].copy_to_device(ins[0])
    _colour(ins[0], outs[0], 2, alpha)


_FLIP_LR, _FLIP_TB = _flip_op(1), _flip_op(0)
_IMAGE_FWD = {
    "_image_to_tensor": _to_tensor_fwd, "_image_normalize": _normalize_fwd,
    "_image_crop": _crop_fwd, "_image_flip_left_right": _FLIP_LR[0],
    "_image_flip_top_bottom": _FLIP_TB[0], "_image_adjust_lighting": _adjust_lighting_fwd,
    "_image_random_flip_left_right": _random_flip(1),
    "_image_random_flip_top_bottom": _random_flip(0),
    "_image_random_brightness": _random_brightness_fwd,
    "_image_random_saturation": _random_saturation_fwd,
    "_image_random_lighting": _random_lighting_fwd,
}
_IMAGE_BWD = {
    "_image_to_tensor": _to_tensor_bwd, "_image_normalize": _normalize_bwd,
    "_image_crop": _crop_bwd, "_image_flip_left_right": _FLIP_LR[1],
    "_image_flip_top_bottom": _FLIP_TB[1],
}
for _n in ("_image_adjust_lighting", "_image_random_flip_left_right",
           "_image_random_flip_top_bottom", "_image_random_brightness",
           "_image_random_saturation", "_image_random_lighting"):
    _IMAGE_BWD[_n] = _ste_bwd  # MXNet's identity (_copy) gradient, as the CPU op
FORWARD.update(_IMAGE_FWD)
BACKWARD.update(_IMAGE_BWD)


def _image_ptx_jobs(dtypes):
    from numba import from_dtype, types

    i, b = types.int64, types.boolean
    f32, f64 = types.float32, types.float64

    def arr(dt):
        return types.Array(from_dtype(np.dtype(dt)), 1, "C")

    a32, a64 = arr(_F32), arr(_F64)
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        a = arr(dt)
        ct = _F64 if dt == _F64 else _F32
        ac = arr(ct)
        f32ish = dt != _F64
        jobs += [(f"to_tensor_k/{d}", lambda dt=dt: _ki(to_tensor_k, dt), (a, a32, i, i, i, b),
                  False),  # float64 data divides in double (a runtime flag), as the CPU
                 (f"normalize_k/{d}", lambda dt=dt, ct=ct: _ki(normalize_k, dt, ct.type, False),
                  (a, ac, ac, a, i, i), f32ish),
                 (f"colour_k/{d}", lambda dt=dt: _ki(colour_k, dt), (a, a, a32, i, i, f32, f32),
                  f32ish)]  # saturation of float64 data computes in double, as the CPU
        jobs += [(f"seq_sum_k/{d}", lambda dt=dt: _kc(seq_sum_k, dt), (a, a32, i, b), False),
                 (f"contrast_k/{d}", lambda dt=dt: _kc(contrast_k, dt), (a, a, a32, i, f32, b),
                  False),  # float64 data: double arithmetic (a runtime flag), as the CPU
                 (f"hue_k/{d}", lambda dt=dt: _kc(hue_k, dt), (a, a, arr(np.int64), f32),
                  f32ish)]
        ai = arr(np.int64)
        jobs += [(f"{t.__name__}/{d}", lambda dt=dt, t=t: _k(t, dt), (a, ai, a, a, i, i), f32ish)
                 for t in (sketch_k, sketch_bwd_k)]
        if dt.kind == "f":
            jobs += [(f"to_tensor_bwd_k/{d}", lambda dt=dt: _ki(to_tensor_bwd_k, dt),
                      (a32, a, i, i, i), f32ish),
                     (f"normalize_bwd_k/{d}", lambda dt=dt: _ki(normalize_bwd_k, dt),
                      (a, a64, a, i, i), False)]  # dy * (1.0 / std) in double, as the CPU
    return jobs


# ================================================================ _random_pdf_*
# The CPU forward evaluates the density with mxnb ops (log, exp, gammaln, broadcasts, sums)
# on host NDArrays; here the same ops run on the device arrays, so every step is that op's
# CUDA kernel (gammaln is libdevice's lgamma, digamma the polygamma series of ops/special.py)
# and the numbers are the CPU's op for op. There is no fused backward: the VJP, in the same
# mxnb ops, already runs on the device.


def _device_ctx():
    from ..context import gpu
    from .cuda_build import SIMULATOR, cuda

    return gpu(0 if SIMULATOR else cuda.get_current_device().id)


def _pdf_fwd(op, ins, outs, attrs):
    from .. import autograd
    from ..ndarray.ndarray import NDArray
    from ..ops import random_pdf as P
    from .cuda_common import as_dtype

    dist = P.DISTS[op.name]
    ctx = _device_ctx()
    work = [as_dtype(a, _F32) if np.dtype(a.dtype) == _F16 else a for a in ins]  # as the CPU
    with autograd.pause():
        x, *ps = (NDArray(a, ctx) for a in work)
        y = P._shape_out(P._density(dist, x, ps, bool(attrs["is_log"])), x, dist["vector"])
    out = flat(outs[0])
    if np.dtype(y.dtype) == np.dtype(outs[0].dtype):
        out.copy_to_device(flat(y._data))
    elif out.size:
        cuda_launch.cast_into(flat(y._data), out)


for _n in ("uniform", "normal", "gamma", "exponential", "poisson", "negative_binomial",
           "generalized_negative_binomial", "dirichlet"):
    FORWARD["_random_pdf_" + _n] = _pdf_fwd


# ================================================================ colour: contrast, hue, jitter


def seq_sum_k(x, total, C, wide):
    """total[0] = C++'s `float sum += term` over the pixels in order, one thread: the terms
    are x * coef[c] for 3 channels (double products for float64 data), x itself for 1;
    each add rounds to float (in double first for float64 data, as the CPU)."""
    if cuda.grid(1) == 0:
        s = np.float32(0)
        for i in range(x.shape[0]):
            c = i % C
            if wide:
                t = np.float64(LOAD(x[i]))
                if C > 1:
                    t = t * np.float64(COEF[c])
                s = np.float32(np.float64(s) + t)
            else:
                t = np.float32(LOAD(x[i]))
                if C > 1:
                    t = t * COEF[c]
                s = s + t
        total[0] = s


def contrast_k(x, out, total, length, alpha, wide):
    """out = x * alpha + (1 - alpha) * mean, in float (double for float64 data, rounded to
    float), stored with saturate_cast."""
    mean = total[0] / np.float32(length)
    beta = (np.float32(1) - alpha) * mean
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        if wide:
            v = np.float32(np.float64(LOAD(x[i])) * np.float64(alpha) + np.float64(beta))
        else:
            v = np.float32(LOAD(x[i])) * alpha + beta
        out[i] = SAT(v)


def _b(c):
    return np.float32(1) if c else np.float32(0)


def hue_k(x, out, sectors, shift):
    """MXNet's RGB -> HLS, hue += shift (a fraction of a turn, times 360), HLS -> RGB, in
    float with NumPy's form of the CPU op (masks as 0/1 products), one thread per pixel."""
    f = np.float32
    for q in range(cuda.grid(1), x.shape[0] // 3, cuda.gridsize(1)):
        r = f(LOAD(x[3 * q])) / f(255)
        g = f(LOAD(x[3 * q + 1])) / f(255)
        b = f(LOAD(x[3 * q + 2])) / f(255)
        vmax = MAXF(MAXF(r, g), b)
        vmin = MINF(MINF(r, g), b)
        diff = vmax - vmin
        l = (vmax + vmin) * f(0.5)
        big = diff > EPS
        s = (B(l < f(0.5)) * diff) / (vmax + vmin)
        s = s + (B(l >= f(0.5)) * diff) / (f(2) - vmax - vmin)
        d = f(60) / diff
        h = (B(vmax == r) * (g - b)) * d
        h = h + B(vmax != r and vmax == g) * ((b - r) * d + f(120))
        h = h + B(vmax != r and vmax != g) * ((r - g) * d + f(240))
        h = h + B(h < f(0)) * f(360)
        if not big:
            h = f(0)
            s = f(0)
        h = h + shift
        p2 = (B(l <= f(0.5)) * l) * (f(1) + s)
        p2 = p2 + B(l > f(0.5)) * ((l + s) - l * s)
        p1 = f(2) * l - p2
        h = h * SIXTIETH
        while h < f(0):
            h = h + f(6)
        while h >= f(6):
            h = h - f(6)
        sec = min(int(h), 5)
        h = h - f(sec)
        t2 = p1 + (p2 - p1) * (f(1) - h)
        t3 = p1 + (p2 - p1) * h
        rgb0 = l
        rgb1 = l
        rgb2 = l
        if s != f(0):
            rgb2 = PICK(sectors[3 * sec], p2, p1, t2, t3)
            rgb1 = PICK(sectors[3 * sec + 1], p2, p1, t2, t3)
            rgb0 = PICK(sectors[3 * sec + 2], p2, p1, t2, t3)
        out[3 * q] = SAT(rgb0 * f(255))
        out[3 * q + 1] = SAT(rgb1 * f(255))
        out[3 * q + 2] = SAT(rgb2 * f(255))


def _pick(k, a, b, c, d):
    if k == 0:
        return a
    if k == 1:
        return b
    if k == 2:
        return c
    return d


def _maxf(a, b):
    return a if a >= b else b   # np.maximum of non-NaN floats


def _minf(a, b):
    return a if a <= b else b


def _kc(template, dtype):
    from .cuda_common import dev

    dt = np.dtype(dtype)
    env = _img_env(dt, np.float32, True)
    env.update(COEF=(np.float32(0.299), np.float32(0.587), np.float32(0.114)),
               B=dev(_b), PICK=dev(_pick), MAXF=dev(_maxf), MINF=dev(_minf),
               EPS=np.finfo(np.float32).eps, SIXTIETH=np.float32(1.0 / 60.0))
    return kernel(template, f"{dt.name}_colour", **env)


def _contrast(x, out, alpha):
    C = int(x.shape[-1])
    wide = np.dtype(x.dtype) == _F64
    total = cuda_launch.empty((1,), _F32)
    launch(_kc(seq_sum_k, x.dtype), 1, flat(x), total, C, wide)
    length = int(x.shape[0]) * int(x.shape[1])
    if x.size:
        launch(_kc(contrast_k, x.dtype), x.size, flat(x), flat(out), total, length,
               np.float32(alpha), wide)


def _hue(x, out, alpha):
    from ..ops.image_random import _SECTORS

    if int(x.shape[-1]) == 1:
        return out.copy_to_device(x)   # as the CPU
    f = np.float32
    if x.size:
        launch(_kc(hue_k, x.dtype), x.size // 3, flat(x), flat(out),
               cuda_launch.to_device(_SECTORS.reshape(-1).astype(np.int64)),
               f(f(alpha) * f(360)))


def _saturation(x, out, alpha):
    if int(x.shape[-1]) == 1:
        return out.copy_to_device(x)
    if x is out:
        x = _copy(x)   # the gray term reads another channel of the pixel
    _colour(x, out, 2, alpha)


def _random_contrast_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    _contrast(ins[0], outs[0], r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"])))


def _random_hue_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    f = np.float32
    alpha = r.uniform(f(attrs["min_factor"]), f(attrs["max_factor"]))
    _hue(ins[0], outs[0], alpha)


def _color_jitter_fwd(op, ins, outs, attrs):
    from ..ops import image_random as r

    F = np.float32
    b, c, s, h = (F(attrs[n]) for n in ("brightness", "contrast", "saturation", "hue"))
    x, out = ins[0], outs[0]
    cur = x
    for k in r.shuffle4():   # the CPU's draws, in its order
        if k == 0 and b > 0:
            _colour(cur, out, 0, F(1.0 + float(r.uniform(-b, b))))
        elif k == 1 and c > 0:
            _contrast(cur, out, F(1.0 + float(r.uniform(-c, c))))
        elif k == 2 and s > 0:
            _saturation(cur, out, F(F(1) + r.uniform(-s, s)))
        elif k == 3 and h > 0:
            _hue(cur, out, r.uniform(-h, h))
        else:
            continue
        cur = out
    if cur is x:
        out.copy_to_device(x)


FORWARD.update({"_image_random_contrast": _random_contrast_fwd,
                "_image_random_hue": _random_hue_fwd,
                "_image_random_color_jitter": _color_jitter_fwd})
BACKWARD.update({n: _ste_bwd for n in ("_image_random_contrast", "_image_random_hue",
                                       "_image_random_color_jitter")})


# ================================================================ _contrib_count_sketch


def sketch_k(x, idx, sgn, out, d, out_dim):
    """out[r, o] = sum over i with h[i] == o of x[r, i] * s[i], added in increasing i from
    zero in the storage dtype (NumPy's add.at order), one thread per output."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        o = t % out_dim
        base = (t // out_dim) * d
        acc = T(0)
        for i in range(d):
            if idx[i] == o:
                acc = R(acc + R(LOAD(x[base + i]) * LOAD(sgn[i])))
        out[t] = STORE(acc)


def sketch_bwd_k(dy, idx, sgn, dx, d, out_dim):
    """dx[r, i] = dy[r, h[i]] * s[i] in the storage dtype."""
    for t in range(cuda.grid(1), dx.shape[0], cuda.gridsize(1)):
        i = t % d
        dx[t] = STORE(R(LOAD(dy[(t // d) * out_dim + idx[i]]) * LOAD(sgn[i])))


def _sketch_idx(op, h, out_dim):
    from ..ops.misc import _cs_index

    # h is (1, d): its few indices are checked on the host, as the CPU op raises MXNet's error
    return cuda_launch.to_device(_cs_index(op, h.copy_to_host(), out_dim))


def _sketch_fwd(op, ins, outs, attrs):
    x, h, s = ins
    out = outs[0]
    d, od = int(x.shape[-1]), int(out.shape[-1])
    idx = _sketch_idx(op, h, od)
    if out.size:
        launch(_k(sketch_k, x.dtype), out.size, flat(x), idx, flat(s), flat(out), d, od)


def _sketch_bwd(op, dys, ins, outs, attrs):
    x, h, s = ins
    dy = dys[0]
    d, od = int(x.shape[-1]), int(dy.shape[-1])
    idx = _sketch_idx(op, h, od)
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    if dx.size:
        launch(_k(sketch_bwd_k, x.dtype), dx.size, flat(dy), idx, flat(s), flat(dx), d, od)
    return [dx, None, None]


FORWARD["_contrib_count_sketch"] = _sketch_fwd
BACKWARD["_contrib_count_sketch"] = _sketch_bwd


# ================================================================ _image_resize
# OpenCV's resize as `ops/image_resize.py` reproduces it: the tap tables are built on the host
# (the same cached builders), and each pass of `kernels/resize_kernels.py` becomes a kernel
# with one thread per output element doing that loop's arithmetic in the same order (float
# taps: product rounded, then added left to right; 8-bit taps: int64 fixed point).


def rs_nearest(x, iy, ix, out, W, C, dw):
    """out[e, d, c] = x[iy[e], ix[d], c] (bits)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        e = t // (C * dw)
        out[t] = x[(iy[e] * W + ix[d]) * C + c]


def rs_h_float(x, ix, wx, hs, W, C, dw, taps):
    """hs[y, d, c] = x[y, ix[d, 0], c] * wx[d, 0] + ..., left to right."""
    for t in range(cuda.grid(1), hs.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        y = t // (C * dw)
        acc = T(x[(y * W + ix[d * taps]) * C + c]) * wx[d * taps]
        for k in range(1, taps):
            acc = acc + T(x[(y * W + ix[d * taps + k]) * C + c]) * wx[d * taps + k]
        hs[t] = acc


def rs_v_float(hs, iy, wy, out, C, dw, taps):
    """out[e, d, c] = hs[iy[e, 0], d, c] * wy[e, 0] + ..., left to right."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % (C * dw)
        e = t // (C * dw)
        acc = hs[iy[e * taps] * C * dw + r] * wy[e * taps]
        for k in range(1, taps):
            acc = acc + hs[iy[e * taps + k] * C * dw + r] * wy[e * taps + k]
        out[t] = acc


def rs_h_int(x, ix, wx, hs, W, C, dw, taps):
    """hs[y, d, c] = sum_k x[y, ix[d, k], c] * wx[d, k] in int64 (8-bit data)."""
    for t in range(cuda.grid(1), hs.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        y = t // (C * dw)
        acc = np.int64(0)
        for k in range(taps):
            acc += np.int64(x[(y * W + ix[d * taps + k]) * C + c]) * wx[d * taps + k]
        hs[t] = acc


def rs_v_int(hs, iy, by, out, C, dw, taps, mode, lo, hi):
    """OpenCV's 8-bit vertical passes: bilinear (mode 0), the 22-bit FixedPtCast (1), or
    bicubic (2: float32 SSE2 arithmetic for the first multiple of 8 values of a row)."""
    nsimd = (dw * C) // 8 * 8
    scale = np.float32(1.0 / (2048 * 2048))
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % (C * dw)
        e = t // (C * dw)
        if mode == 0:
            v = (((by[e * taps] * (hs[iy[e * taps] * C * dw + r] >> 4)) >> 16)
                 + ((by[e * taps + 1] * (hs[iy[e * taps + 1] * C * dw + r] >> 4)) >> 16)
                 + 2) >> 2
        elif mode == 2 and r < nsimd:
            f = np.float32(hs[iy[e * taps] * C * dw + r]) * (np.float32(by[e * taps]) * scale)
            for k in range(1, taps):
                f = f + np.float32(hs[iy[e * taps + k] * C * dw + r]) * (
                    np.float32(by[e * taps + k]) * scale)
            v = np.int64(RINT(f))
        else:
            acc = np.int64(0)
            for k in range(taps):
                acc += by[e * taps + k] * hs[iy[e * taps + k] * C * dw + r]
            v = (acc + (1 << 21)) >> 22
        out[t] = min(max(v, lo), hi)


def rs_area_fast(x, out, W, C, dw, sy, sx, scale, lo, hi):
    """Integer-factor area averaging: OpenCV's block sums (row-major, four terms at a time
    for floats; int64 for 8-bit data, (sum + 2) >> 2 for 2x2, else rounded sum * scale)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        e = t // (C * dw)
        base = ((e * sy) * W + d * sx) * C + c
        if INTEGER:
            tot = np.int64(0)
            for a in range(sy):
                for b in range(sx):
                    tot += np.int64(x[base + (a * W + b) * C])
            if sx == 2 and sy == 2:
                v = (tot + 2) >> 2
            else:
                v = np.int64(RINT(np.float32(tot) * np.float32(scale)))
            out[t] = STORE(min(max(v, lo), hi))
        else:
            n = sy * sx
            if sx == 2 and sy == 2:
                tot = ((T(x[base]) + T(x[base + C])) + T(x[base + W * C])) + T(
                    x[base + (W + 1) * C])
            else:
                tot = T(0)
                k = 0
                while k + 4 <= n:
                    g = T(x[base + ((k // sx) * W + k % sx) * C])
                    for j in range(1, 4):
                        g = g + T(x[base + (((k + j) // sx) * W + (k + j) % sx) * C])
                    tot = tot + g
                    k += 4
                while k < n:
                    tot = tot + T(x[base + ((k // sx) * W + k % sx) * C])
                    k += 1
            out[t] = STORE(tot * T(scale))


def rs_area_general(x, xi, xw, yi, yw, out, W, C, dw, dh, nx, ny, lo, hi):
    """OpenCV's ResizeArea_Invoker: each row's horizontal weighted sum (taps in table order),
    then those rows weighted and added, then rounded and clipped for 8-bit data."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = t % C
        d = (t // C) % dw
        e = t // (C * dw)
        acc = T(0)
        for k in range(ny):
            y = yi[k * dh + e]
            buf = T(x[(y * W + xi[d]) * C + c]) * xw[d]
            for j in range(1, nx):
                buf = buf + T(x[(y * W + xi[j * dw + d]) * C + c]) * xw[j * dw + d]
            term = yw[k * dh + e] * buf
            acc = term if k == 0 else acc + term
        if INTEGER:
            out[t] = STORE(min(max(np.int64(RINT(acc)), lo), hi))
        else:
            out[t] = STORE(acc)


def _rint_fn(wide):
    """Round half to even (np.rint): libdevice's, in the kernel's float width."""
    from .cuda_build import SIMULATOR

    if SIMULATOR:
        return np.rint
    from numba.cuda import libdevice

    return libdevice.rint if wide else libdevice.rintf


def _kr(template, dtype):
    """A resize kernel for a storage dtype (8-bit data: int64 taps; floats: their own type)."""
    dt = np.dtype(dtype)
    wt = dt.type if dt.kind == "f" else np.float32
    return kernel(template, f"rs_{dt.name}", T=wt, STORE=_cast_fn(dt.type, "store"),
                  RINT=_rint_fn(dt == _F64), INTEGER=dt.kind in "iu")


def _dflat(a, dtype=None):
    return cuda_launch.to_device(np.ascontiguousarray(a if dtype is None else a.astype(dtype))
                                 .reshape(-1))


def _resize_one_dev(x, out, dh, dw, interp):
    """One (H, W, C) device image into out (dh, dw, C), as `image_resize.resize_one`."""
    import math as _m

    from ..ops import image_resize as R

    dt = np.dtype(x.dtype)
    if dt == np.int8:   # resized as its bytes, like the CPU (MXNet's [COPY])
        x, out, dt = x.view(np.uint8), out.view(np.uint8), np.dtype(np.uint8)
    h, w, C = (int(v) for v in x.shape)
    if (h, w) == (dh, dw):
        return out.copy_to_device(x)
    n = out.size
    sx, sy = w / dw, h / dh
    isx, isy = round(sx), round(sy)
    fast = abs(sx - isx) < 2.2e-16 and abs(sy - isy) < 2.2e-16
    if interp == 1 and fast and isx == 2 and isy == 2:
        interp = 3
    wt = np.float64 if dt == _F64 else np.float32
    lo, hi = (int(np.iinfo(dt).min), int(np.iinfo(dt).max)) if dt.kind in "iu" else (0, 0)
    if interp == 0:
        iy = np.minimum(np.floor(np.arange(dh) * (h / dh)).astype(np.int64), h - 1)
        ix = np.minimum(np.floor(np.arange(dw) * (w / dw)).astype(np.int64), w - 1)
        launch(_kb(rs_nearest, dt.itemsize), n, bits(x), _dflat(iy), _dflat(ix), bits(out),
               w, C, dw)
        return
    if interp == 3 and sx >= 1 and sy >= 1:
        if fast:
            launch(_kr(rs_area_fast, dt), n, flat(x), flat(out), w, C, dw, isy, isx,
                   float(np.float32(1.0 / (isx * isy))), lo, hi)
            return
        xi, xw = R._tap_table(R._area_tab(w, dw), dw)
        yi, yw = R._tap_table(R._area_tab(h, dh), dh)
        launch(_kr(rs_area_general, dt), n, flat(x), _dflat(xi), _dflat(xw, wt), _dflat(yi),
               _dflat(yw, wt), flat(out), w, C, dw, dh, int(xi.shape[0]), int(yi.shape[0]),
               lo, hi)
        return
    if interp in (2, 4):
        taps = 4 if interp == 2 else 8
        (iy, wy), (ix, wx) = R._kernel_tab(dh, h, taps), R._kernel_tab(dw, w, taps)
    else:
        area = interp == 3
        y0, y1, a0, a1 = R._linear_tab(dh, h, area, False)
        x0, x1, b0, b1 = R._linear_tab(dw, w, area, True)
        iy, wy = np.stack([y0, y1], 1), np.stack([a0, a1], 1)
        ix, wx = np.stack([x0, x1], 1), np.stack([b0, b1], 1)
    tx, ty = int(ix.shape[1]), int(iy.shape[1])
    if dt.kind in "iu":
        hs = cuda_launch.empty((h * dw * C,), np.int64)
        launch(_kr(rs_h_int, dt), hs.size, flat(x), _dflat(ix), _dflat(R._fix(wx)), hs, w, C,
               dw, tx)
        mode = {2: 0, 4: 2}.get(ty, 1)
        launch(_kr(rs_v_int, dt), n, hs, _dflat(iy), _dflat(R._fix(wy)), flat(out), C, dw, ty,
               mode, lo, hi)
        return
    hs = cuda_launch.empty((h * dw * C,), wt)
    launch(_kr(rs_h_float, dt), hs.size, flat(x), _dflat(ix), _dflat(wx, wt), hs, w, C, dw, tx)
    launch(_kr(rs_v_float, dt), n, hs, _dflat(iy), _dflat(wy, wt), flat(out), C, dw, ty)


def _resize_fwd(op, ins, outs, attrs):
    from ..ops.image import _resize_size

    x, out = ins[0], outs[0]
    h, w = _resize_size(op, tuple(x.shape), attrs)
    interp = int(attrs["interp"])
    if len(x.shape) == 3:
        return _resize_one_dev(x, out, h, w, interp)
    per_in, per_out = x.size // int(x.shape[0]), out.size // int(x.shape[0])
    for i in range(int(x.shape[0])):
        xi = flat(x)[i * per_in:(i + 1) * per_in].reshape(tuple(x.shape[1:]))
        oi = flat(out)[i * per_out:(i + 1) * per_out].reshape(tuple(out.shape[1:]))
        _resize_one_dev(xi, oi, h, w, interp)


FORWARD["_image_resize"] = _resize_fwd


def _resize_ptx_jobs(dtypes):
    from numba import from_dtype, types

    i, f64 = types.int64, types.float64

    def arr(dt):
        return types.Array(from_dtype(np.dtype(dt)), 1, "C")

    ai = arr(np.int64)
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64, np.dtype(np.uint8)):
            continue   # resize takes float32, float64 and 8-bit images (int8 as uint8)
        a = arr(dt)
        aw = arr(_F64 if dt == _F64 else _F32)
        f32 = dt != _F64
        if dt.kind == "f":
            jobs += [(f"rs_h_float/{d}", lambda dt=dt: _kr(rs_h_float, dt),
                      (a, ai, aw, aw, i, i, i, i), f32),
                     (f"rs_v_float/{d}", lambda dt=dt: _kr(rs_v_float, dt),
                      (aw, ai, aw, a, i, i, i), f32)]
        else:
            jobs += [("rs_h_int/uint8", lambda dt=dt: _kr(rs_h_int, dt),
                      (a, ai, ai, ai, i, i, i, i), True),
                     ("rs_v_int/uint8", lambda dt=dt: _kr(rs_v_int, dt),
                      (ai, ai, ai, a) + (i,) * 6, True)]
        jobs += [(f"rs_area_fast/{d}", lambda dt=dt: _kr(rs_area_fast, dt),
                  (a, a) + (i,) * 5 + (f64, i, i), f32),  # the scale arrives as a double, used as T
                 (f"rs_area_general/{d}", lambda dt=dt: _kr(rs_area_general, dt),
                  (a, ai, aw, ai, aw, a) + (i,) * 8, f32),
                 (f"rs_nearest/u{dt.itemsize}", lambda w=dt.itemsize: _kb(rs_nearest, w),
                  (arr(bits_zero(dt.itemsize)),) + (ai, ai) + (arr(bits_zero(dt.itemsize)),)
                  + (i,) * 3, False)]
    return jobs
