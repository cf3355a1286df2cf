"""Device kernels on mx.gpu() for ops that ran through the host: the straight-through
round/sign, amp_multicast, SVMOutput, IdentityAttachKLSparseReg, slice assignment, the
linalg triangle packers, the `_v1` layers, im2col and col2im, count_sketch and the
`_random_pdf_*` densities here; mx.nd.image in `cuda_vision_image`, its resize in
`cuda_vision_resize` (their tables are merged into this module's).

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
  Pooling with avg windows summed and divided by the full kernel area afterwards;
* count_sketch sums, per output, the inputs hashed to it in increasing order (NumPy's
  add.at order), rounding to the dtype after each operation; its few hash indices are
  checked on the host (MXNet's error for an index out of range);
* the `_random_pdf_*` forwards run the CPU's recipe of mxnb ops on the device arrays.

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
            # The CPU's -(m > v) * c and (m > -v) * c, without a select between -1 and -0:
            # ptxas makes that an integer select and a conversion, which loses the zero's sign.
            z = T(0) * c
            if on:
                r = -c if m > v else -z
            else:
                r = c if m > -v else z
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
    for d in dtypes:
        dt = np.dtype(d)
        a, ai = arr(dt), arr(np.int64)
        jobs += [(f"{t.__name__}/{d}", lambda dt=dt, t=t: _k(t, dt), (a, ai, a, a, i, i),
                  dt != _F64) for t in (sketch_k, sketch_bwd_k)]
    from . import cuda_vision_image, cuda_vision_resize

    return jobs + cuda_vision_image.ptx_jobs(dtypes) + cuda_vision_resize.ptx_jobs(dtypes)



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


# The image and resize kernels live in their own modules, which use the helpers above.
from . import cuda_vision_image, cuda_vision_resize  # noqa: E402

for _m in (cuda_vision_image, cuda_vision_resize):
    FORWARD.update(_m.FORWARD)
    BACKWARD.update(_m.BACKWARD)
