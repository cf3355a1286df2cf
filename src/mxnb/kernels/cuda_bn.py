"""BatchNorm on mx.gpu(): the CPU op's results (`ops/nn_norm.py`) from CUDA kernels.

The data is seen as (outer, C, inner) around the channel axis. Per-channel sums
over outer and inner are `cuda_reduce` passes (fixed order, float64
accumulators, no atomics): one pass when outer or inner is 1, else one over
inner into (outer, C) partials and one over outer. Then one thread per channel
works out, in float64 as the CPU does in NumPy, the coefficients of an
elementwise kernel in the data's compute type:

* forward: out = x * A + B, with A = gamma / sqrt(var + eps) and
  B = beta - mean * A (batch mean and biased variance in training without
  use_global_stats, else moving_mean / moving_var);
* backward in training: dx = dy * A + x * B + D from sum(dy) and
  sum(dy * (x - mean)); with use_global_stats (or a backward outside training
  mode): dx = dy * gamma / sqrt(moving_var + eps).

As on the CPU, moving_mean and moving_var are updated in place by the
**backward** in training mode (not by the forward), from the mean and inverse
std the forward saved, with the CPU's (MXNet's) arithmetic: moving = moving *
momentum + stat * (1 - momentum) in the parameters' type, the variance being
the biased one, 1.0 / (inv * inv) - eps in double. Outside training, the saved
inverse std (1 / sqrt(moving_var + eps), the root in the compute type, the
reciprocal in double) and dx = dy * (inv * gamma) are the CPU's bits too. fix_gamma writes ones into
gamma (unless use_global_stats) and gives gamma a zero gradient. float16 data
computes in float32 with float32 parameters. Zero-size data runs through the host.

In training the statistics are summed in another order than the CPU's (in
float64 here, in order in the data's type there, as MXNet), and the output uses
float64 coefficients where the CPU follows oneDNN's float32 formula, so results
agree to rounding, not bit for bit.
"""
import math  # noqa: F401  (kernels call math.*)

import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, flat, kernel
from .cuda_reduce import run_pass

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (T, F64, cuda are bound per kernel)


def bn_coef(mean, var, mm, mv, gamma, beta, A, B, mean_out, inv_out, eps, fix, train):
    """Per channel: A = g inv, B = beta - mean A, and the saved (mean, inv), in float64."""
    for c in range(cuda.grid(1), A.shape[0], cuda.gridsize(1)):
        if train:
            mu = mean[c]
            v = var[c]
            inv = F64(1) / math.sqrt(v + eps)
        else:
            mu = F64(mm[c])
            v = F64(mv[c])
            # the CPU's (MXNet's) saved inverse std: the square root in T, 1 / it in double
            inv = F64(1) / F64(T(math.sqrt(mv[c] + T(eps))))
        g = F64(1) if fix else F64(gamma[c])
        a = g * inv
        A[c] = a
        B[c] = F64(beta[c]) - mu * a
        mean_out[c] = mu
        inv_out[c] = inv


def bn_grad_coef(sm, sv, sdy, sdyx, gamma, A, B, D, dgamma, dbeta, eps, m, fix, train):
    """Per channel: dx's coefficients, and gamma's and beta's gradients, in float64.

    train: sm, sv are the forward's mean and inverse std; else moving_mean and moving_var.
    """
    for c in range(cuda.grid(1), A.shape[0], cuda.gridsize(1)):
        mu = F64(sm[c])
        if train:
            inv = F64(sv[c])
        else:
            inv = F64(1) / F64(T(math.sqrt(sv[c] + T(eps))))
        g = F64(1) if fix else F64(gamma[c])
        a = g * inv
        if train:
            A[c] = a
        else:  # the CPU's dx = dy * (inv * gamma), inv rounded to T first, the product in T
            A[c] = T(inv) * (T(1) if fix else gamma[c])
        if train:
            # the CPU's NumPy expression, evaluated in its order (inv ** 3 is pow)
            b = -g * math.pow(inv, F64(3)) * sdyx[c] / m
            B[c] = b
            D[c] = -a * sdy[c] / m - b * mu
        else:
            B[c] = 0
            D[c] = 0
        if fix:
            dgamma[c] = 0
        else:
            dgamma[c] = sdyx[c] * inv
        dbeta[c] = sdy[c]


def bn_moving(mm, mv, mean, inv, mom, eps):
    """moving = moving * momentum + stat * (1 - momentum), in place, as the CPU (MXNet) does:
    in the parameters' type T, the variance 1.0 / (inv * inv) - eps in double from the
    product in T."""
    for c in range(cuda.grid(1), mm.shape[0], cuda.gridsize(1)):
        iv = inv[c]
        var = T(F64(1) / F64(iv * iv) - eps)
        mom1 = T(1) - mom
        mm[c] = mm[c] * mom + mean[c] * mom1
        mv[c] = mv[c] * mom + var * mom1


def chan_affine(x, A, B, out, C, inner):
    """out = x * A[c] + B[c], c the channel of element i in (outer, C, inner)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        c = (i // inner) % C
        out[i] = x[i] * A[c] + B[c]


def chan_affine2(dy, x, A, B, D, out, C, inner):
    """out = dy * A[c] + x * B[c] + D[c] (the training input gradient)."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        c = (i // inner) % C
        out[i] = dy[i] * A[c] + x[i] * B[c] + D[c]


def _k(template, dtype):
    dtype = np.dtype(dtype)
    return kernel(template, dtype.name, T=dtype.type, F64=np.float64)


# ---------------------------------------------------------------- helpers


def _cdt(dtype):
    return _F64 if np.dtype(dtype) == _F64 else _F32


def _geometry(op, attrs, x):
    from ..ops import nn_norm
    from ..ops.nn_softmax import geometry

    return geometry(tuple(x.shape), nn_norm._bn_axis(op, attrs, x))


def chan_sum(kind, x, geo, dst, div=1.0, x2=None, shift=None):
    """dst[c] = sum over (outer, inner) of `kind`'s load (cuda_reduce: sum, sqdev, muldev) of
    flat x seen as (outer, C, inner), divided by `div`; shift[c] is the channel's mean."""
    outer, c, inner = geo
    post = 0 if div == 1.0 else 1
    if inner == 1:  # (1, outer, C): the kept axis is the inner one, shift[k] per channel
        return run_pass(kind, x, dst, 1, outer, c, div, post, x2=x2, shift=shift)
    if outer == 1:  # (C, inner, 1): shift[o] per channel
        return run_pass(kind, x, dst, c, inner, 1, div, post, x2=x2, shift=shift)
    tiled = None
    if shift is not None:
        tiled = flat(cuda_launch.broadcast_to(shift.reshape((1, c)), (outer, c)))
    part = cuda_launch.empty((outer * c,), _F64)
    run_pass(kind, x, part, outer * c, inner, 1, x2=x2, shift=tiled)
    run_pass("sum", part, dst, 1, outer, c, div, post)


def update_moving(attrs, mm, mv, mean, inv):
    """The CPU's `_bn_update_moving` on device arrays: mm, mv updated in place from the
    forward's saved mean and inverse std (all of the parameters' dtype)."""
    pdt = np.dtype(mm.dtype)
    mom = np.float32(attrs["momentum"])
    launch(_k(bn_moving, pdt), mm.size, flat(mm), flat(mv), flat(mean), flat(inv),
           pdt.type(mom), np.float64(float(attrs["eps"])))


# ---------------------------------------------------------------- the op


def _bn_fwd(op, ins, outs, attrs):
    from ..ops.nn import is_train

    x, gamma, beta, mm, mv = ins
    if x.size == 0:
        return op.forward(op, ins, outs, attrs)  # through the host, as the CPU's empty case
    geo = _geometry(op, attrs, x)
    c = geo[1]
    cdt = _cdt(x.dtype)
    fix, ugs = bool(attrs["fix_gamma"]), bool(attrs["use_global_stats"])
    if fix and not ugs:
        cuda_launch.fill(gamma, 1)
    train = is_train() and not ugs
    attrs["_fwd_train"] = train  # the VJP needs to know which statistics the forward used
    xc = flat(as_dtype(x, cdt))
    mean = cuda_launch.empty((c,), _F64)
    var = mean
    if train:
        var = cuda_launch.empty((c,), _F64)
        m = float(x.size // c)
        chan_sum("sum", xc, geo, mean, m)
        chan_sum("sqdev", xc, geo, var, m, shift=mean)
    A = cuda_launch.empty((c,), cdt)
    B = cuda_launch.empty((c,), cdt)
    launch(_k(bn_coef, cdt), c, mean, var, flat(mm), flat(mv), flat(gamma), flat(beta), A, B,
           flat(outs[1]), flat(outs[2]), np.float64(float(attrs["eps"])), fix, train)
    out = outs[0]
    y = out if np.dtype(out.dtype) == cdt else cuda_launch.empty(tuple(out.shape), cdt)
    launch(_k(chan_affine, cdt), x.size, xc, A, B, flat(y), c, geo[2])
    if y is not out:
        cuda_launch.cast_into(flat(y), flat(out))


def _bn_bwd(op, dys, ins, outs, attrs):
    from ..ops.nn import is_train

    x, gamma, beta, mm, mv = ins
    if x.size == 0:
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    geo = _geometry(op, attrs, x)
    outer, c, inner = geo
    cdt = _cdt(x.dtype)
    pdt = np.dtype(outs[1].dtype)
    fix = bool(attrs["fix_gamma"])
    # the backward pass's train_mode decides the formula and the update, as in MXNet
    train = is_train() and not attrs["use_global_stats"]
    if train:
        update_moving(attrs, mm, mv, outs[1], outs[2])
        sm, sv = flat(outs[1]), flat(outs[2])
    else:
        sm, sv = flat(mm), flat(mv)
    xc, dyc = flat(as_dtype(x, cdt)), flat(as_dtype(dys[0], cdt))
    sdy = cuda_launch.empty((c,), _F64)
    sdyx = cuda_launch.empty((c,), _F64)
    chan_sum("sum", dyc, geo, sdy)
    chan_sum("muldev", xc, geo, sdyx, x2=dyc, shift=sm)
    A, B, D = (cuda_launch.empty((c,), cdt) for _ in range(3))
    dgamma = cuda_launch.empty((c,), pdt)
    dbeta = cuda_launch.empty((c,), pdt)
    launch(_k(bn_grad_coef, cdt), c, sm, sv, sdy, sdyx, flat(gamma), A, B, D, dgamma, dbeta,
           np.float64(float(attrs["eps"])), np.float64(outer * inner), fix, train)
    dx = cuda_launch.empty(tuple(x.shape), cdt)
    if train:
        launch(_k(chan_affine2, cdt), x.size, dyc, xc, A, B, D, flat(dx), c, inner)
    else:
        launch(_k(chan_affine, cdt), x.size, dyc, A, B, flat(dx), c, inner)
    return [as_dtype(dx, x.dtype), dgamma, dbeta, None, None]


FORWARD = {"BatchNorm": _bn_fwd}
BACKWARD = {"BatchNorm": _bn_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    from .cuda_reduce import pass_kernel

    i, b = types.int64, types.boolean
    f64 = types.float64
    d64 = types.Array(f64, 1, "C")
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, _F64):  # float16 data computes through float32 copies
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        s = from_dtype(dt)
        f32 = dt == _F32
        # the coefficients and the moving update compute in float64 by design (as the CPU)
        sigs = {bn_coef: ((d64, d64) + (a,) * 8 + (f64, b, b), False),
                bn_grad_coef: ((a, a, d64, d64) + (a,) * 6 + (f64, f64, b, b), False),
                bn_moving: ((a,) * 4 + (s, f64), False),
                chan_affine: ((a,) * 4 + (i, i), f32),
                chan_affine2: ((a,) * 6 + (i, i), f32)}
        for tmpl, (sig, only32) in sigs.items():
            jobs.append((f"{tmpl.__name__}/{d}", lambda tmpl=tmpl, dt=dt: _k(tmpl, dt), sig,
                         only32))
        if f32:  # the variance's pass: float32 data, the float64 batch mean as its shift
            jobs.append(("reduce_pass/sqdev/float32+float64 shift",
                         lambda: pass_kernel("sqdev", _F32),
                         (a, a, d64, d64) + (i,) * 6 + (s, f64, i), False))
    return jobs
