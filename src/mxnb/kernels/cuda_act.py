"""Activation, LeakyReLU and Dropout on mx.gpu().

Activation and LeakyReLU's leaky, elu, selu and gelu pick an elementwise op
of the table (`ops.nn`) and run its forward and fused backward, which on
device arrays are the table's generated CUDA kernels: the CPU code already
does that, so it is reused as it is. prelu is the table's broadcasting
`_prelu` (one kernel each way); gamma's gradient is summed over the axes it
was broadcast on by `cuda_reduce.reduce` (fixed order, no atomics).

rrelu in training draws its slopes U(lower_bound, upper_bound) from the
GPU's generator pool, which after `mx.random.seed(s)` gives gpu(0) the
numbers the CPU pool gives cpu(0); the output is `_prelu(x, slopes)`. In
prediction the mask is zeros and the slope their mean (`_leaky`). Its
backward must tell the two apart as the CPU does (`mask.any()`) without a
round trip to the host: one kernel raises a flag on the device where a slope
is non-zero, and the gradient kernel reads it.

Dropout draws U[0, 1) from the GPU pool into its mask buffer, turns it into
MXNet's mask `(u < 1 - p) * (1 / (1 - p))` in place, and multiplies with the
table's `broadcast_mul` (so `axes` broadcast one draw); its backward is
dy * mask. Outside training (and for p = 0) it copies x and fills the mask
with ones, drawing nothing, as on the CPU.

Integer data (which Activation and LeakyReLU accept) runs the same
elementwise kernels; rrelu on integer data runs through the host.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import SIMULATOR, cuda, launch
from .cuda_common import as_dtype, flat, kernel

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T and cuda are bound per kernel)


def dropout_mask(u, m, pk, scale):
    """m = (u < pk) * scale, MXNet's mask (0 * inf is NaN when p = 1, as there); m may be u."""
    for i in range(cuda.grid(1), u.shape[0], cuda.gridsize(1)):
        keep = T(1) if u[i] < pk else T(0)
        m[i] = keep * scale


def rrelu_flag(m, flag):
    """flag[0] = 1 where any slope is non-zero (every writer stores the same value: no race)."""
    for i in range(cuda.grid(1), m.shape[0], cuda.gridsize(1)):
        if m[i] != T(0):
            flag[0] = T(1)


def rrelu_grad(dy, x, m, flag, dx, mean):
    """dx = dy where x > 0, else dy * slope: the drawn slopes if flag[0], else their mean."""
    drawn = flag[0] != T(0)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        if x[i] > T(0):
            dx[i] = dy[i]
        else:
            dx[i] = dy[i] * (m[i] if drawn else mean)


def _k(template, dtype):
    dtype = np.dtype(dtype)
    return kernel(template, dtype.name, T=dtype.type)


def _cdt(dtype):
    """float64 computes in float64, float32 and float16 in float32 (as the CPU's draws)."""
    return _F64 if np.dtype(dtype) == _F64 else _F32


def _gpu_pool():
    """The generator pool of the current GPU (`cuda_launch.forward` made the op's GPU current)."""
    from ..context import gpu
    from ..ndarray import random as ndr

    dev = 0 if SIMULATOR else cuda.get_current_device().id
    return ndr._pool(gpu(dev)), ndr._lock


def _uniform(shape, dtype, low=0.0, high=1.0, out=None):
    """U[low, high) from the GPU pool in `dtype`'s compute type (into `out` when given)."""
    cdt = _cdt(dtype)
    if out is None or np.dtype(out.dtype) != cdt:
        out = cuda_launch.empty(shape, cdt)
    if out.size:
        pool, lock = _gpu_pool()
        with lock:
            pool.uniform(out, low, high)
    return out


def _is_float(d):
    return np.dtype(d.dtype).kind == "f"


# ---------------------------------------------------------------- Activation


def _act_fwd(op, ins, outs, attrs):
    from ..ops.nn import _act_forward

    _act_forward(op, ins, outs, attrs)


def _act_bwd(op, dys, ins, outs, attrs):
    from ..ops.nn import _act_backward

    return _act_backward(op, dys, ins, outs, attrs)


# ---------------------------------------------------------------- LeakyReLU


def _leaky_fwd(op, ins, outs, attrs):
    from ..ops import nn

    if attrs["act_type"] != "rrelu":
        return nn._leaky_forward(op, ins, outs, attrs)
    x, (out, mask) = ins[0], outs
    if not _is_float(x):
        return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
    if nn.is_train():
        lo, hi = float(attrs["lower_bound"]), float(attrs["upper_bound"])
        u = _uniform(tuple(x.shape), x.dtype, lo, hi, out=mask)
        if u is not mask:
            cuda_launch.cast_into(flat(u), flat(mask))
        e = nn.OPS["_prelu"]
        e.forward(e, [x, mask], [out], {})
    else:
        cuda_launch.fill(mask, 0)
        e = nn.OPS["_leaky"]
        e.forward(e, [x], [out], {"slope": float(nn._rrelu_mean(attrs, x.dtype))})


def _rrelu_bwd(op, dys, ins, outs, attrs):
    from ..ops import nn

    x, dy, mask = ins[0], dys[0], outs[1]
    if not _is_float(x):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    cdt = _cdt(x.dtype)
    xc, dyc, mc = (flat(as_dtype(a, cdt)) for a in (x, dy, mask))
    flag = cuda_launch.zeros((1,), cdt)
    dx = cuda_launch.empty(tuple(x.shape), cdt)
    if x.size:
        launch(_k(rrelu_flag, cdt), x.size, mc, flag)
        # the mean in x's dtype first, as the CPU's (float16 slopes are float16 values)
        mean = cdt.type(nn._rrelu_mean(attrs, x.dtype))
        launch(_k(rrelu_grad, cdt), x.size, dyc, xc, mc, flag, flat(dx), mean)
    return [as_dtype(dx, x.dtype)]


def _prelu_bwd(op, dys, ins, outs, attrs):
    from ..ops import nn

    x, gamma = ins
    gshape = nn.expand_gamma(tuple(gamma.shape), tuple(x.shape))
    e = nn.OPS["_prelu"]
    dx, dg = e.backward(e, [dys[0]], [x, gamma.reshape(gshape)], outs, {})
    axes = tuple(i for i, d in enumerate(gshape) if d == 1 and x.shape[i] != 1)
    if not axes:
        return [dx, dg.reshape(tuple(gamma.shape))]
    dgamma = cuda_launch.empty(tuple(gamma.shape), x.dtype)
    from .cuda_reduce import reduce

    reduce("sum", dg, axes, dgamma)
    return [dx, dgamma]


def _leaky_bwd(op, dys, ins, outs, attrs):
    from ..ops import nn

    t = attrs["act_type"]
    if t == "prelu":
        return _prelu_bwd(op, dys, ins, outs, attrs)
    if t == "rrelu":
        return _rrelu_bwd(op, dys, ins, outs, attrs)
    return nn._leaky_backward(op, dys, ins, outs, attrs)


# ---------------------------------------------------------------- Dropout


def _bmul(a, b, out):
    from ..ops.registry import OPS

    m = OPS["broadcast_mul"]
    m.forward(m, [a, b], [out], {})


def _do_fwd(op, ins, outs, attrs):
    from ..ops import nn_random as R

    x = ins[0]
    out, mask = outs
    if not R._active(op, attrs):
        out.copy_to_device(x)
        cuda_launch.fill(mask, 1)
        return
    pkeep = np.float32(1.0 - R._p(op, attrs))
    with np.errstate(divide="ignore"):
        scale = np.float32(1) / pkeep          # inf when p = 1: the mask is then NaN, as MXNet's
    if not mask.size:
        return
    u = _uniform(tuple(mask.shape), mask.dtype, out=mask)
    cdt = np.dtype(u.dtype)
    launch(_k(dropout_mask, cdt), u.size, flat(u), flat(u), cdt.type(pkeep), cdt.type(scale))
    if u is not mask:
        cuda_launch.cast_into(flat(u), flat(mask))
    _bmul(x, mask, out)


def _do_bwd(op, dys, ins, outs, attrs):
    dx = cuda_launch.empty(tuple(ins[0].shape), ins[0].dtype)
    if dx.size:
        _bmul(dys[0], outs[1], dx)
    return [dx]


FORWARD = {"Activation": _act_fwd, "LeakyReLU": _leaky_fwd, "Dropout": _do_fwd}
BACKWARD = {"Activation": _act_bwd, "LeakyReLU": _leaky_bwd, "Dropout": _do_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`.

    The activations' own kernels are the table's elementwise ones (checked with those)."""
    from numba import from_dtype, types

    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        s = from_dtype(dt)
        sigs = {dropout_mask: (a, a, s, s), rrelu_flag: (a, a),
                rrelu_grad: (a,) * 5 + (s,)}
        for tmpl, sig in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         dt == _F32))
    return jobs
