"""MXNet's regression loss layers on mx.gpu(): LinearRegressionOutput,
LogisticRegressionOutput and MAERegressionOutput.

Forward: the identity (a device copy) or the logistic function; backward: (out -
label), or its sign for MAE (0 counting as -1, as MXNet), times grad_scale over
the outputs per sample, in the data's dtype, ignoring the head gradient. The
subtraction and the product are correctly rounded on both sides, so Linear and
MAE gradients equal the CPU's bit for bit; the logistic forward uses the
device's `exp` (within an ulp or two of NumPy's), and so its gradient follows.

float16 data, and labels of another dtype than the data, go through the host:
NumPy rounds float16 after every step and promotes mixed dtypes, which these
kernels do not repeat.
"""
import math  # noqa: F401  (device functions call math.*)

import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import flat, kernel

# ruff: noqa: F821  (T, cuda are bound per kernel)


def logistic(x, y):
    """y = 1 / (1 + exp(-x)), as NumPy's expression on the CPU."""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        y[i] = T(1) / (T(1) + math.exp(-x[i]))


def reg_grad(out, label, g, scale, mae):
    """g = (out - label) * scale, or sign(out - label) * scale (0 -> -1) for MAE."""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        d = out[i] - label[i]
        if mae:
            d = T(1) if d > T(0) else T(-1)
        g[i] = d * scale


def _k(template, dtype):
    dtype = np.dtype(dtype)
    return kernel(template, dtype.name, T=dtype.type)


def _native(ins):
    x, label = ins
    dt = np.dtype(x.dtype)
    return dt.kind == "f" and dt.itemsize >= 4 and np.dtype(label.dtype) == dt


def _fwd(op, ins, outs, attrs):
    if not _native(ins):
        return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
    x, out = ins[0], outs[0]
    if not out.size:
        return
    if op.name == "LogisticRegressionOutput":
        launch(_k(logistic, x.dtype), x.size, flat(x), flat(out))
    else:
        flat(out).copy_to_device(flat(x))


def _bwd(op, dys, ins, outs, attrs):
    if not _native(ins):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    from ..ops.compat import _reg_scale

    out, label = outs[0], ins[1]
    dt = np.dtype(out.dtype)
    g = cuda_launch.empty(out.shape, dt)
    if g.size:
        launch(_k(reg_grad, dt), g.size, flat(out), flat(label), flat(g),
               dt.type(_reg_scale(ins, attrs)), op.name == "MAERegressionOutput")
    return [g, None]


_NAMES = ("LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput")
FORWARD = {name: _fwd for name in _NAMES}
BACKWARD = {name: _bwd for name in _NAMES}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt.kind != "f" or dt.itemsize < 4:
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        jobs.append((f"logistic/{d}", lambda dt=dt: _k(logistic, dt), (a, a), dt == np.float32))
        jobs.append((f"reg_grad/{d}", lambda dt=dt: _k(reg_grad, dt),
                     (a, a, a, from_dtype(dt), types.boolean), dt == np.float32))
    return jobs
