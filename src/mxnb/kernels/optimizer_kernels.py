"""MXNet's fused optimizer updates as single Numba loops, bit for bit as MXNet 1.9.1's CPU kernels.

Each kernel reads the weight, the gradient and the states once and writes the new weight and
the new states in the same pass. The arithmetic is MXNet's (src/operator/optimizer_op-inl.h)
in its C++ evaluation order, found empirically against the real MXNet 1.9.1 on float32 and
float64 (see tests/test_optimizer_exact.py): every element is computed in the array's dtype,
with the scalars already rounded to float32 (MXNet's parameters are `float`) and the
scalar-only products (`lr * wd`, `1 - beta1`, ...) pre-combined in the caller, in the dtype,
as C++ evaluates them left to right.

NOTE: the kernels are compiled without `fastmath`: contracting `a * b + c` into an FMA (which
`fastmath={"contract"}` allows on CPUs with FMA) changes the last bit, and MXNet's x86-64 build
does not contract.

This module imports numba; `mxnb.ndarray.optimizer_ops` imports it on the first update.
"""
import math
import types

import numpy as np

from .._jit import cache_enabled, numba
from . import builder

_nb = numba()
_inline = _nb.njit(inline="always")

# Below this many elements times the per-element cost the serial loop wins (numba-facts Q2).
_COST = {"sgd": 1, "sgd_mom": 1, "nag": 2, "adam": 4, "rmsprop": 4, "rmspropalex": 4,
         "ftrl": 6, "signsgd": 1, "signum": 1}


@_inline
def _clip(x, b):
    """mshadow_op::clip: NaN passes through."""
    if x > b:
        return b
    if x < -b:
        return -b
    return x


@_inline
def _sgn(x, one):
    """MXNet's `(x > 0) - (x < 0)`, as a value of x's type (NaN gives 0)."""
    if x > 0:
        return one
    if x < 0:
        return -one
    return one - one


# ---------------------------------------------------------------- the loops
# `prange` is range in the serial build and numba's prange in the parallel one. The scalars
# come in one array `s` of the arrays' dtype (one argument to type instead of up to a dozen:
# dispatch cost grows with the argument count); flags are stored there as 1 or 0.


def _sgd(out, w, g, s):
    c1, lr, lr_rs, rs, doclip, cg = s[0], s[1], s[2], s[3], s[4] != 0, s[5]
    for i in prange(w.shape[0]):  # noqa: F821
        if doclip:
            out[i] = c1 * w[i] - lr * _clip(rs * g[i], cg)
        else:
            out[i] = c1 * w[i] - lr_rs * g[i]


def _sgd_mom(out, mom, w, g, s):
    mo, lr_wd, lr, lr_rs, rs, doclip, cg = s[0], s[1], s[2], s[3], s[4], s[5] != 0, s[6]
    for i in prange(w.shape[0]):  # noqa: F821
        wi = w[i]
        if doclip:
            m = mo * mom[i] - lr_wd * wi - lr * _clip(rs * g[i], cg)
        else:
            m = mo * mom[i] - lr_wd * wi - lr_rs * g[i]
        mom[i] = m
        out[i] = wi + m


def _nag(out, mom, w, g, s, alias):
    mo, mo1, lr, wd, rs, doclip, cg = s[0], s[1], s[2], s[3], s[4], s[5] != 0, s[6]
    for i in prange(w.shape[0]):  # noqa: F821
        wi = w[i]
        rg = rs * g[i]
        if doclip:
            rg = _clip(rg, cg)
        m = mo * mom[i]
        o = wi - m + mo1 * (m - lr * (rg + wd * wi))
        out[i] = o
        if alias:  # MXNet reads the weight again after writing the output
            wi = o
        mom[i] = m - lr * (rg + wd * wi)


def _adam(out, mean, var, w, g, s):
    b1, om1, b2, om2, lr, eps, wd, rs = s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
    doclip, cg = s[8] != 0, s[9]
    for i in prange(w.shape[0]):  # noqa: F821
        wi = w[i]
        gr = g[i] * rs + wi * wd
        if doclip:
            gr = _clip(gr, cg)
        m = b1 * mean[i] + om1 * gr
        v = b2 * var[i] + om2 * gr * gr
        mean[i] = m
        var[i] = v
        out[i] = wi - lr * m / (math.sqrt(v) + eps)


def _rmsprop(out, n, w, g, s):
    g1, om1, lr, eps, wd, rs = s[0], s[1], s[2], s[3], s[4], s[5]
    doclip, cg, doclipw, cw = s[6] != 0, s[7], s[8] != 0, s[9]
    for i in prange(w.shape[0]):  # noqa: F821
        wi = w[i]
        gr = rs * g[i] + wd * wi
        if doclip:
            gr = _clip(gr, cg)
        ni = om1 * (gr * gr) + g1 * n[i]
        n[i] = ni
        o = wi - lr * (gr / math.sqrt(ni + eps))
        if doclipw:
            o = _clip(o, cw)
        out[i] = o


def _rmspropalex(out, n, gs, delta, w, g, s):
    g1, om1, g2, lr, eps, wd, rs = s[0], s[1], s[2], s[3], s[4], s[5], s[6]
    doclip, cg, doclipw, cw = s[7] != 0, s[8], s[9] != 0, s[10]
    for i in prange(w.shape[0]):  # noqa: F821
        wi = w[i]
        gr = rs * g[i] + wd * wi
        if doclip:
            gr = _clip(gr, cg)
        ni = om1 * gr * gr + g1 * n[i]
        gi = om1 * gr + g1 * gs[i]
        d = g2 * delta[i] - lr * gr / math.sqrt(ni - gi * gi + eps)
        n[i] = ni
        gs[i] = gi
        delta[i] = d
        o = wi + d
        if doclipw:
            o = _clip(o, cw)
        out[i] = o


def _ftrl(out, z, n, w, g, s):
    lr, l1, beta, wd, rs, doclip, cg, one = s[0], s[1], s[2], s[3], s[4], s[5] != 0, s[6], s[7]
    for i in prange(w.shape[0]):  # noqa: F821
        gr = g[i] * rs
        if doclip:
            gr = _clip(gr, cg)
        ni = n[i]
        zi = z[i] + (gr - (math.sqrt(ni + gr * gr) - math.sqrt(ni)) * w[i] / lr)
        ni = ni + gr * gr
        z[i] = zi
        n[i] = ni
        keep = one if abs(zi) > l1 else one - one
        out[i] = (_sgn(zi, one) * l1 - zi) / ((beta + math.sqrt(ni)) / lr + wd) * keep


def _signsgd(out, w, g, s):
    c1, lr, one = s[0], s[1], s[2]
    for i in prange(w.shape[0]):  # noqa: F821
        out[i] = c1 * w[i] - lr * _sgn(g[i], one)


def _signum(out, mom, w, g, s):
    mo, om_wd, om, om_rs, rs, c1, lr = s[0], s[1], s[2], s[3], s[4], s[5], s[6]
    doclip, cg, one = s[7] != 0, s[8], s[9]
    for i in prange(w.shape[0]):  # noqa: F821
        wi = w[i]
        if doclip:
            m = mo * mom[i] - om_wd * wi - om * _clip(rs * g[i], cg)
        else:
            m = mo * mom[i] - om_wd * wi - om_rs * g[i]
        mom[i] = m
        out[i] = c1 * wi + lr * _sgn(m, one)


_TEMPLATES = {"sgd": _sgd, "sgd_mom": _sgd_mom, "nag": _nag, "adam": _adam,
              "rmsprop": _rmsprop, "rmspropalex": _rmspropalex, "ftrl": _ftrl,
              "signsgd": _signsgd, "signum": _signum}

# ---------------------------------------------------------------- building and launching

_built = {}


def _compile(name, parallel):
    tmpl = _TEMPLATES[name]
    g = dict(tmpl.__globals__)
    g["prange"] = _nb.prange if parallel else range
    qual = f"_opt_{name}_{'par' if parallel else 'ser'}"
    fn = types.FunctionType(tmpl.__code__, g, qual, None, None)
    fn.__qualname__ = qual
    opts = dict(cache=cache_enabled(), error_model="numpy", boundscheck=False, nogil=True)
    if parallel:
        opts["parallel"] = True
    return _nb.njit(**opts)(fn)


def _kernel(name, parallel):
    return builder.built_once(_built, (name, parallel), lambda: _compile(name, parallel))


def launch(name, n, *args):
    """Run optimizer kernel `name` on `n` elements: serial, or parallel for large arrays.

    `args` are the kernel's arguments: the output, the states, the weight and the gradient
    (1-D arrays of one dtype, float32 or float64), the scalars as one array of that dtype,
    and for nag whether the output is the weight.
    """
    if builder.use_parallel(n, _COST[name]):
        builder.run_parallel(_kernel(name, True), _kernel(name, False), *args)
    else:
        _kernel(name, False)(*args)
