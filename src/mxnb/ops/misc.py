"""Small ops MXNet 1.9.1 has and the families lacked: slice assignment, straight-through
round/sign, contrib fft/ifft/count_sketch, SVMOutput, IdentityAttachKLSparseReg, the `_v1`
layers and amp_multicast. Each follows MXNet's numbers, pinned in tests/test_misc_ops.py.

The CPU forwards here are NumPy: copies, O(n) bookkeeping or an FFT, none worth a compiled
kernel of its own. On `mx.gpu()` they run as CUDA kernels (kernels/cuda_vision.py), except
fft/ifft, which go through the host.

>>> x = mx.nd.zeros((2, 3))
>>> x.slice_assign_scalar(1.0, (0, 1), (2, 3), (None, None)).asnumpy().tolist()
[[0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]
"""
import copy

import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host, _same
from .registry import OPS, Op, fmt_shape, register, same_dtype
from .slicing import _slice_key


def _no_gradient(op, *args):
    # MXNet registers no FGradient for these ops; backward through them is an error there.
    raise MXNetError(f"Operator {op.name} is non-differentiable because it didn't register "
                     "FGradient attribute.")


_NONDIFF = {"skip": "MXNet registers no gradient for it (backward raises, as in MXNet); "
                    "tests/test_misc_ops.py checks the error"}


def _flag(v):
    return v in (True, 1, "True", "true", "1")


def _array(values, like):
    from ..ndarray.creation import array

    return array(values, ctx=like.context, dtype=values.dtype)


def _copy_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], ins[0])

# ---------------------------------------------------------------- _slice_assign(_scalar)


def _sa_key(op, x, attrs):
    return _slice_key(op, [x.shape], attrs)


def _sliced_shape(key, shape):
    return tuple(len(range(*k.indices(n))) for k, n in zip(key, shape)) + shape[len(key):]


def _sa_infer(op, inputs, attrs):
    lhs, rhs = inputs
    dt = same_dtype(op, inputs)
    want = _sliced_shape(_sa_key(op, lhs, attrs), lhs.shape)
    if tuple(rhs.shape) != want:
        raise MXNetError(f"{op.name}: Shape inconsistent, Provided = {fmt_shape(rhs.shape)}, "
                         f"inferred shape={fmt_shape(want)} (rhs must have the shape of "
                         f"lhs {fmt_shape(lhs.shape)} sliced by begin={attrs['begin']}, "
                         f"end={attrs['end']}, step={attrs['step']})")
    return [(lhs.shape, dt)]


def _sa_fwd(op, ins, outs, attrs):
    lhs, rhs = ins
    out = outs[0]
    if out is not lhs:  # with out=lhs (slice_assign) the copy is the array itself
        np.copyto(out, lhs)
    out[_sa_key(op, lhs, attrs)] = rhs


def _sas_infer(op, inputs, attrs):
    x = inputs[0]
    _sa_key(op, x, attrs)
    return [(x.shape, np.dtype(x.dtype))]


def _sas_fwd(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    if out is not x:
        np.copyto(out, x)
    # MXNet casts the (double) scalar to the array's dtype, truncating toward zero for ints.
    out[_sa_key(op, x, attrs)] = np.array(float(attrs["scalar"])).astype(out.dtype)


_SLICE_ATTRS = (("begin", None), ("end", None), ("step", ()))
register(Op("_slice_assign", ("lhs", "rhs"), aliases=("_crop_assign",), attrs=_SLICE_ATTRS,
            infer=_sa_infer, forward=_host(_sa_fwd), backward=_no_gradient, vjp=_no_gradient,
            test=_NONDIFF,
            doc="A copy of lhs whose slice lhs[begin:end:step] is rhs (NDArray.slice_assign "
                "writes it into lhs itself)."))
register(Op("_slice_assign_scalar", ("data",), aliases=("_crop_assign_scalar",),
            attrs=(("scalar", 0.0),) + _SLICE_ATTRS, infer=_sas_infer, forward=_host(_sas_fwd),
            backward=_no_gradient, vjp=_no_gradient, test=_NONDIFF,
            doc="A copy of data whose slice data[begin:end:step] is `scalar` cast to data's "
                "dtype."))

# ---------------------------------------------------------------- round_ste / sign_ste


def _ste(base):
    def fwd(op, ins, outs, attrs):
        OPS[base].forward(OPS[base], ins, outs, {})

    register(Op(f"_contrib_{base}_ste", ("data",), infer=_same, forward=_host(fwd),
                backward=lambda op, dys, ins, outs, attrs: [dys[0].copy()],
                vjp=lambda op, dys, ins, outs, attrs: [dys[0]], smooth=False,
                test={"skip": "straight-through: the gradient is one, not the derivative of "
                              f"{base} (zero); tests/test_misc_ops.py pins it"},
                doc=f"{base}(x) forward, gradient one everywhere (straight-through estimator)."))


_ste("round")
_ste("sign")

# ---------------------------------------------------------------- fft / ifft


class _Shape:
    """An input's shape as a tuple (a simulator device array's shape rejects negative indices)."""

    def __init__(self, a):
        self.shape, self.ndim, self.dtype = tuple(a.shape), len(a.shape), a.dtype


def _fft_infer(op, inputs, attrs):
    x = _Shape(inputs[0])
    dt = np.dtype(x.dtype)
    if dt.kind != "f":
        raise MXNetError(f"{op.name}: data must be floating point, got {dt.name}")
    if x.ndim not in (2, 4):
        raise MXNetError(f"{op.name}: data must be 2-D (N, d) or 4-D (N1, N2, N3, d), got shape "
                         f"{fmt_shape(x.shape)}")
    d = x.shape[-1]
    if op.name == "_contrib_ifft":
        if d % 2:
            raise MXNetError(f"{op.name}: the last axis holds (real, imag) pairs and must be "
                             f"even, got shape {fmt_shape(x.shape)}")
        return [(x.shape[:-1] + (d // 2,), dt)]
    return [(x.shape[:-1] + (2 * d,), dt)]


def _interleave(z, dtype):
    """Complex (..., d) -> real (..., 2d) laid out re0, im0, re1, im1, ... (MXNet's layout)."""
    out = np.empty(z.shape[:-1] + (2 * z.shape[-1],), dtype)
    out[..., 0::2] = z.real
    out[..., 1::2] = z.imag
    return out


def _fft_np(x):
    # float64 throughout: cuFFT's float32 rounding is not reproducible anyway, this is closer.
    return _interleave(np.fft.fft(x.astype(np.float64), axis=-1), x.dtype)


def _ifft_np(x):
    # Unnormalised, as MXNet's (it leaves out the 1/d "to be consistent with caffe"): the sum
    # of z_k exp(+2 pi i jk/d); only the real part is kept.
    z = x[..., 0::2].astype(np.float64) + 1j * x[..., 1::2].astype(np.float64)
    d = z.shape[-1]
    return (np.fft.ifft(z, axis=-1).real * d).astype(x.dtype)


def _fft_fwd(op, ins, outs, attrs):
    outs[0][...] = _fft_np(ins[0]) if op.name == "_contrib_fft" else _ifft_np(ins[0])


def _fft_bwd(op, dys, ins, outs, attrs):
    # The two are each other's adjoint: MXNet's fft backward runs its ifft and vice versa.
    return [_ifft_np(dys[0]) if op.name == "_contrib_fft" else _fft_np(dys[0])]


def _fft_vjp(op, dys, ins, outs, attrs):
    return [nd._contrib_ifft(dys[0]) if op.name == "_contrib_fft" else nd._contrib_fft(dys[0])]


register(Op("_contrib_fft", ("data",), attrs=(("compute_size", 128),), infer=_fft_infer,
            forward=_host(_fft_fwd), backward=_fft_bwd, vjp=_fft_vjp,
            test={"shapes": [(2, 4)], "cases": [{}, {"shapes": [(1, 2, 1, 3)]}]},
            doc="1-D FFT of the last axis of real data (N, d) or (N1, N2, N3, d); output "
                "(..., 2d) holding real0, imag0, real1, imag1, ..."))
register(Op("_contrib_ifft", ("data",), attrs=(("compute_size", 128),), infer=_fft_infer,
            forward=_host(_fft_fwd), backward=_fft_bwd, vjp=_fft_vjp,
            test={"shapes": [(2, 8)], "cases": [{}, {"shapes": [(1, 2, 1, 6)]}]},
            doc="Unnormalised inverse FFT of (..., 2d) interleaved complex data; the real part, "
                "(..., d). ifft(fft(x)) == d * x, as in MXNet."))

# ---------------------------------------------------------------- count_sketch


def _cs_infer(op, inputs, attrs):
    x, h, s = (_Shape(a) for a in inputs)
    dt = np.dtype(x.dtype)
    for nm, a in (("h", h), ("s", s)):
        if np.dtype(a.dtype) != dt:
            raise MXNetError(f"{op.name}: This layer requires uniform type. Expected "
                             f"'{dt.name}' v.s. given '{np.dtype(a.dtype).name}' at '{nm}'")
    if x.ndim not in (2, 4):
        raise MXNetError(f"{op.name}: Check failed: dshape.ndim() == 2 ({x.ndim} vs. 2) : "
                         "Data should be 2D or 4D!")
    d = x.shape[-1]
    for nm, a in (("H", h), ("S", s)):
        if a.ndim != 2 or a.shape[1] != d:
            raise MXNetError(f"{op.name}: {nm} should be 2D tensor with same length as input "
                             f"shape[{x.ndim - 1}], {a.shape[1] if a.ndim > 1 else a.shape} "
                             f"v.s. {d}")
    return [(x.shape[:-1] + (int(attrs["out_dim"]),), dt)]


def _cs_index(op, h, out_dim):
    idx = h.reshape(-1).astype(np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= out_dim):
        raise MXNetError(f"{op.name}: h holds indices outside [0, out_dim={out_dim}): "
                         f"{h.reshape(-1).tolist()}")
    return idx


def _cs_fwd(op, ins, outs, attrs):
    x, h, s = ins
    out = outs[0]
    idx = _cs_index(op, h, out.shape[-1])
    x2 = x.reshape(-1, x.shape[-1])
    acc = np.zeros((x2.shape[0], out.shape[-1]), out.dtype)
    np.add.at(acc, (slice(None), idx), x2 * s.reshape(-1))
    out[...] = acc.reshape(out.shape)


def _cs_bwd(op, dys, ins, outs, attrs):
    x, h, s = ins
    idx = _cs_index(op, h, dys[0].shape[-1])
    return [(dys[0][..., idx] * s.reshape(-1)).astype(x.dtype), None, None]


def _cs_vjp(op, dys, ins, outs, attrs):
    x, h, s = ins
    g = nd.take(dys[0], nd.reshape(h, shape=(-1,)), axis=-1)
    return [g * nd.reshape(s, shape=(-1,)), None, None]


def _cs_inputs(rng):
    return [rng.uniform(-2, 2, (3, 4)), rng.randint(0, 5, (1, 4)).astype(np.float64),
            rng.choice([-1.0, 1.0], (1, 4))]


register(Op("_contrib_count_sketch", ("data", "h", "s"),
            attrs=(("out_dim", None), ("processing_batch_size", 32)), infer=_cs_infer,
            forward=_host(_cs_fwd), backward=_cs_bwd, vjp=_cs_vjp, nondiff_inputs=(1, 2),
            test={"inputs": _cs_inputs, "attrs": {"out_dim": 5}},
            doc="out[..., h[i]] += data[..., i] * s[i]: data (N, d) or (N1, N2, N3, d), h and s "
                "of shape (1, d), output (..., out_dim)."))

# ---------------------------------------------------------------- SVMOutput


def _svm_infer(op, inputs, attrs):
    x, label = (_Shape(a) for a in inputs)
    dt = np.dtype(x.dtype)
    if dt.kind != "f":
        raise MXNetError(f"{op.name}: This operation only support floating point types, not "
                         f"{dt.name}")
    if np.dtype(label.dtype) != dt:
        raise MXNetError(f"{op.name}: Check failed: (*in_type)[i] == dtype : This layer requires "
                         f"uniform type. Expected '{dt.name}' v.s. given "
                         f"'{np.dtype(label.dtype).name}' at 'label'")
    want = x.shape[:-1]
    if x.ndim < 2 or tuple(label.shape) != want:
        raise MXNetError(f"{op.name}: Shape inconsistent, Provided = {fmt_shape(label.shape)}, "
                         f"inferred shape={fmt_shape(want)} (label must be data's shape without "
                         f"its last axis; data is {fmt_shape(x.shape)})")
    return [(x.shape, dt)]


def _svm_mask(x, label):
    """1 at (row, int(label[row])) of the (rows, classes) view; labels outside give no 1."""
    k = label.reshape(-1).astype(np.float64).astype(np.int64)  # C's static_cast<int>
    mask = np.zeros((k.size, x.shape[-1]), bool)
    ok = (k >= 0) & (k < x.shape[-1])
    mask[np.flatnonzero(ok), k[ok]] = True
    return mask.reshape(x.shape)


def _svm_bwd(op, dys, ins, outs, attrs):
    x, label = ins
    t = x.dtype.type
    m, c = t(attrs["margin"]), t(attrs["regularization_coefficient"])
    on = _svm_mask(x, label)
    with np.errstate(over="ignore", invalid="ignore"):
        if _flag(attrs["use_linear"]):
            # -(m > x) * c at the label, (m > -x) * c elsewhere; the head gradient is ignored.
            g = np.where(on, -((m > x).astype(x.dtype)) * c, (m > -x).astype(x.dtype) * c)
        else:
            lab = np.where(m > x, t(2) * (m - x), t(0))
            oth = np.where(m > -x, t(-2) * (m + x), t(0))
            g = np.where(on, lab, oth) * -c
    return [g.astype(x.dtype), None]


def _svm_vjp(op, dys, ins, outs, attrs):
    x, label = ins
    on = _array(_svm_mask(x.asnumpy(), label.asnumpy()).astype(x.dtype), x)
    m, c = float(attrs["margin"]), float(attrs["regularization_coefficient"])
    if _flag(attrs["use_linear"]):
        g = on * ((x < m) * -c) + (1 - on) * ((x > -m) * c)
    else:
        g = on * ((x < m) * (m - x) * (-2 * c)) + (1 - on) * ((x > -m) * (m + x) * (2 * c))
    return [g, None]


register(Op("SVMOutput", ("data", "label"),
            attrs=(("margin", 1.0), ("regularization_coefficient", 1.0), ("use_linear", False)),
            infer=_svm_infer, forward=_host(_copy_fwd), backward=_svm_bwd, vjp=_svm_vjp,
            nondiff_inputs=(1,), smooth=False,
            test={"skip": "the gradient is the hinge-loss gradient, ignoring the head gradient "
                          "(MXNet's loss layer); tests/test_misc_ops.py pins it"},
            doc="Identity forward; backward gives the L2-SVM (or L1 with use_linear) hinge "
                "gradient of data against label, ignoring the head gradient."))

# ---------------------------------------------------------------- IdentityAttachKLSparseReg


def _kl_infer(op, inputs, attrs):
    if len(inputs) != 2:
        raise MXNetError(f"Check failed: num_inputs == infered_num_inputs ({len(inputs)} vs. 2) "
                         f": Operator {op.name} expects 2 inputs, but got {len(inputs)} instead. "
                         "(pass the auxiliary state: IdentityAttachKLSparseReg(data, "
                         "moving_avg))")
    x, ma = (_Shape(a) for a in inputs)
    if x.ndim < 2 or tuple(ma.shape) != (x.shape[1],) or x.shape[1] != x.shape[-1]:
        want = x.shape[1] if x.ndim > 1 else "?"
        raise MXNetError(f"{op.name}: moving_avg must have shape [{want}] (data's axis 1, "
                         "which must also be its last axis), got "
                         f"{fmt_shape(ma.shape)} for data {fmt_shape(x.shape)}")
    for nm, a in (("data", x), ("moving_avg", ma)):
        if np.dtype(a.dtype) != np.float32:
            raise MXNetError(f"{op.name}: {nm} must be float32 (MXNet's real_t), got "
                             f"{np.dtype(a.dtype).name}")
    return [(x.shape, np.dtype(np.float32))]


def _kl_penalty(op, x, ma, attrs):
    """Update moving_avg in place (MXNet does it in backward) and return the penalty term."""
    f = np.float32
    t, p, mom = f(attrs["sparseness_target"]), f(attrs["penalty"]), f(attrs["momentum"])
    x2 = x.reshape(-1, x.shape[-1])
    avg = (x2.sum(axis=0, dtype=np.float64) / x2.shape[0]).astype(f)
    ma[...] = mom * ma + (f(1) - mom) * avg
    return p * (-t / ma + (f(1) - t) / (f(1) - ma))


def _kl_bwd(op, dys, ins, outs, attrs):
    return [(dys[0] + _kl_penalty(op, ins[0], ins[1], attrs)).astype(np.float32), None]


def _kl_vjp(op, dys, ins, outs, attrs):
    x, ma = ins
    raw = ma.asnumpy()
    pen = _kl_penalty(op, x.asnumpy(), raw, attrs)
    ma[:] = raw
    return [dys[0] + _array(pen, x), None]


register(Op("IdentityAttachKLSparseReg", ("data", "moving_avg"), optional_inputs=("moving_avg",),
            attrs=(("sparseness_target", 0.1), ("penalty", 0.001), ("momentum", 0.9)),
            infer=_kl_infer, forward=_host(_copy_fwd), backward=_kl_bwd, vjp=_kl_vjp,
            nondiff_inputs=(1,), smooth=False,
            test={"skip": "backward updates moving_avg (an auxiliary state) and adds a penalty "
                          "that is not a derivative; tests/test_misc_ops.py pins it"},
            doc="Identity forward; backward updates moving_avg (momentum average of data's mean "
                "over all but the last axis) and adds penalty * (-t/avg + (1-t)/(1-avg))."))

# ---------------------------------------------------------------- the _v1 layers


def _renamed(base, name, test=None):
    op = copy.copy(OPS[base])
    op.name, op.aliases = name, ()
    op.test = test or {"skip": f"the same op as {base}, whose walk checks it"}
    return register(op)


_renamed("BatchNorm", "BatchNorm_v1")
_renamed("Convolution", "Convolution_v1")


def _pool_area(x, attrs):
    if _flag(attrs.get("global_pool")):
        return float(np.prod(x.shape[2:]))
    return float(np.prod([int(k) for k in attrs["kernel"]]))


def _v1_attrs(attrs):
    a = dict(attrs)
    if a.get("pool_type", "max") == "avg":
        a["pool_type"] = "sum"  # v1 divides every window by the full kernel area
    return a


def _pv1_fwd(op, ins, outs, attrs):
    base = OPS["Pooling"]
    base.forward(base, ins, outs, _v1_attrs(attrs))
    if attrs.get("pool_type", "max") == "avg":
        outs[0] /= outs[0].dtype.type(_pool_area(ins[0], attrs))


def _pv1_dys(dys, ins, attrs, scale):
    if attrs.get("pool_type", "max") != "avg":
        return dys
    return [scale(dys[0], _pool_area(ins[0], attrs))] + list(dys[1:])


def _pv1_bwd(op, dys, ins, outs, attrs):
    base = OPS["Pooling"]
    dys = _pv1_dys(dys, ins, attrs, lambda d, a: d / d.dtype.type(a))
    return base.backward(base, dys, ins, outs, _v1_attrs(attrs))


def _pv1_vjp(op, dys, ins, outs, attrs):
    base = OPS["Pooling"]
    dys = _pv1_dys(dys, ins, attrs, lambda d, a: d / a)
    return base.vjp(base, dys, ins, outs, _v1_attrs(attrs))


_pv1 = copy.copy(OPS["Pooling"])
_pv1.name, _pv1.aliases = "Pooling_v1", ()
_pv1.forward, _pv1.backward, _pv1.vjp = _host(_pv1_fwd), _pv1_bwd, _pv1_vjp
_pv1.test = {"shapes": [(1, 2, 5, 4)], "cases": [
    {"attrs": dict(kernel=(2, 2), stride=(2, 2), pool_type="avg", pooling_convention="full")},
    {"attrs": dict(kernel=(3, 2), pad=(1, 0), pool_type="avg")}]}
_pv1.doc = ("Pooling as MXNet's old Pooling_v1: avg divides every window by the kernel area, "
            "also the windows 'full' convention clips at the border.")
register(_pv1)

# ---------------------------------------------------------------- amp_multicast

_LOW = (np.dtype(np.float16), np.dtype(np.float32))


def _amc_infer(op, inputs, attrs):
    n = int(attrs["num_outputs"])
    if len(inputs) != n:
        raise MXNetError(f"Check failed: num_inputs == infered_num_inputs ({len(inputs)} vs. "
                         f"{n}) : Operator {op.name} expects {n} inputs, but got {len(inputs)} "
                         "instead.")
    dts = [np.dtype(x.dtype) for x in inputs]
    narrow = _flag(attrs.get("cast_narrow"))
    f16, f32 = _LOW
    # MXNet 1.9.1's AMPMultiCastType: without cast_narrow the target starts as the FIRST
    # input's dtype, so (float64, float16) gives (float64, float64) and (int32, float16)
    # gives (int32, int32); any float32 input makes it float32.
    target = f32 if narrow else dts[0]
    for d in dts:
        if d == (f16 if narrow else f32):
            target = d
    return [(x.shape, target if d in _LOW else d) for x, d in zip(inputs, dts)]


def _amc_fwd(op, ins, outs, attrs):
    for x, o in zip(ins, outs):
        np.copyto(o, x, casting="unsafe")


_amc = Op("amp_multicast", ("data",), attrs=(("num_outputs", None), ("cast_narrow", False)),
          infer=_amc_infer, forward=_host(_amc_fwd),
          backward=lambda op, dys, ins, outs, attrs: [d.astype(x.dtype) for d, x in zip(dys, ins)],
          vjp=lambda op, dys, ins, outs, attrs: [
              d if np.dtype(d.dtype) == np.dtype(x.dtype) else nd.cast(d, dtype=x.dtype)
              for d, x in zip(dys, ins)],
          test={"inputs": lambda rng: [rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 2, (3,))],
                "attrs": {"num_outputs": 2}},
          doc="Cast float16/float32 inputs to the widest of their dtypes (the narrowest with "
              "cast_narrow=True; without it and with no float32 input, to the first input's "
              "dtype, as MXNet); other dtypes pass unchanged. One output per input.")
_amc.variadic = True
register(_amc)
